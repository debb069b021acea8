"""Live reload: the files of the sources added from this machine are watched, and each save is
read again through the simulator (`Simulator.reload_file`, a foreground refresh of that one
source). Every screen then follows, and what the change would do to users appears as toasts:
the notifications `altsim diff` computes (update available, news), the apps removed, or the
client's error with its line and column while the last good copy stays on screen.

`LiveReload` is an invisible widget: mounted, it watches (watchfiles' `awatch` on the files'
directories, so an editor that saves to a temporary file and renames it is seen too); unmounted,
it stops. It posts `LiveReload.Reloaded` after each reload that changed something. The watch is
an asyncio task, as the background loop is, not a Textual worker: it never completes, and
`app.workers.wait_for_complete()` (which tests use after a refresh) would wait for it forever.
A failure stops it with an error toast, never silently.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from textual.message import Message
from textual.notifications import SeverityLevel
from textual.widget import Widget
from watchfiles import Change, awatch

from altsim.net.address import is_local, resolve_address
from altsim.sim.simulator import FileReload, FlowError, Simulator
from altsim.state import UserState
from altsim.ui.text import plain

logger = logging.getLogger(__name__)

# watchfiles waits for `debounce` ms of quiet after a change (1600 by default in awatch),
# checking every `step` ms: low values, so a save shows within a blink.
DEBOUNCE_MS = 50
STEP_MS = 20
# How often, with no change, the watched files are compared with the user's sources (a
# source added or removed since), and the longest an unmount waits for the watcher thread.
RESYNC_MS = 400


@dataclass(frozen=True, slots=True)
class Toast:
    title: str
    body: str
    severity: SeverityLevel = "information"


def reload_toasts(reloaded: FileReload) -> list[Toast]:
    """What a reload tells the maintainer, as toasts. Every text may come from the source: the
    caller shows them literally (`notify(..., markup=False)`)."""
    name = reloaded.name
    if reloaded.rejection is not None:
        rejection, located = reloaded.rejection, reloaded.located
        where = (f"line {located.line}:{located.column}: "
                 if located is not None and located.line is not None else "")
        return [Toast(f"“{name}” not reloaded: the client rejects this save",
                      f"{where}{rejection.message} ({rejection.code})", "error")]
    shown = [Toast(note.title, note.body) for note in reloaded.notifications]
    if reloaded.removed_apps:
        shown.append(Toast(f"Apps removed from “{name}”", ", ".join(reloaded.removed_apps),
                           "warning"))
    if not shown:
        report = reloaded.report
        now = report.names.get(reloaded.identifier, name) if report is not None else name
        shown.append(Toast(f"Reloaded “{now}”", "Nothing to notify users of."))
    return shown


def watched_files(user_state: UserState) -> dict[str, str]:
    """Each local source's file (as a path string) and the source's identifier."""
    found = {}
    for identifier, record in user_state.sources.items():
        if not is_local(record.url):
            continue
        try:
            path = resolve_address(record.url).path
        except ValueError:
            continue
        if path is not None:
            found[str(path)] = identifier
    return found


class LiveReload(Widget):
    """Watches the local sources' files while mounted; see the module's docstring."""

    DEFAULT_CSS = "LiveReload { display: none; }"

    class Reloaded(Message):
        """A saved file was read again (the screens are redrawn already)."""

        def __init__(self, reloaded: FileReload) -> None:
            super().__init__()
            self.reloaded = reloaded

    def __init__(self, simulator: Simulator, redraw: Callable[[], None], *,
                 debounce_ms: int = DEBOUNCE_MS, step_ms: int = STEP_MS) -> None:
        super().__init__()
        self.simulator = simulator
        self.redraw = redraw  # the shell's reload: every screen follows
        self.debounce_ms = debounce_ms
        self.step_ms = step_ms
        self.shown: list[Toast] = []  # every toast shown, oldest first
        self.watching: dict[str, str] = {}  # the files watched now, and their sources
        self._stop = threading.Event()  # tells the watcher thread to return at its next step
        self._watch_task: asyncio.Task[None] | None = None

    def on_mount(self) -> None:
        self._watch_task = asyncio.create_task(self._watching(), name="altsim live reload")

    async def on_unmount(self) -> None:
        self._stop.set()  # the watcher thread returns at its next step
        if self._watch_task is not None:
            self._watch_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watch_task
            self._watch_task = None

    async def _watching(self) -> None:
        try:
            await self.watch_files()
        except Exception as error:  # reported, never silent; the app goes on without it
            logger.error("live reload stopped", exc_info=error)
            self.show(Toast("Live reload stopped", f"{type(error).__name__}: {error}", "error"))

    async def watch_files(self) -> None:
        while not self._stop.is_set():
            files = watched_files(self.simulator.user_state())
            folders = sorted({str(Path(f).parent) for f in files
                              if Path(f).parent.is_dir()})
            if not folders:
                await asyncio.sleep(RESYNC_MS / 1000)  # nothing to watch yet: look again
                continue
            self.watching = files  # watched from the first step of the loop below
            async for changes in awatch(*folders, watch_filter=_only(files),
                                        debounce=self.debounce_ms, step=self.step_ms,
                                        rust_timeout=RESYNC_MS, yield_on_timeout=True,
                                        recursive=False, stop_event=self._stop):
                # a file deleted and not written again (yet) is left alone
                saved = sorted({files[path] for change, path in changes
                                if change is not Change.deleted})
                for identifier in saved:
                    await self.reload(identifier)
                if watched_files(self.simulator.user_state()) != files:
                    break  # a source was added or removed: watch the new set

    async def reload(self, identifier: str) -> None:
        try:
            reloaded = await self.simulator.reload_file(identifier)
        except FlowError as error:  # the file went away mid-save, or the source did
            self.show(Toast("Live reload", str(error), "warning"))
            return
        if not reloaded.changed:
            return
        self.redraw()
        for toast in reload_toasts(reloaded):
            self.show(toast)
        self.post_message(self.Reloaded(reloaded))

    def show(self, toast: Toast) -> None:
        self.shown.append(toast)
        self.app.notify(plain(toast.body), title=plain(toast.title), severity=toast.severity,
                        markup=False, timeout=8)


def _only(files: dict[str, str]) -> Callable[[Change, str], bool]:
    """A watch filter letting through the changes to `files` alone (an editor's temporary
    files in the same directory are not sources)."""
    def named(_change: Change, path: str) -> bool:
        return path in files
    return named
