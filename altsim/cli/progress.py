"""A progress bar on stderr for long downloads; silent when stderr is not a terminal. Colour
follows NO_COLOR (rich reads it)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.text import Text

from altsim.core.safe_text import printable

QUIET_SHOWN = 2.0  # seconds without data before the bar says so


def _quiet_for(task: Task) -> float | None:
    """Seconds since a download's last data, once long enough to show; else None."""
    last = task.fields.get("last_data")
    if last is None or task.finished:
        return None
    quiet = task.get_time() - last
    return quiet if quiet >= QUIET_SHOWN else None


class _ForDownload(ProgressColumn):
    """A byte column on a download's bar; on the count of archives, how many are done.
    ``rate``: a speed or time left, blank during a stall (rich would keep the last speed)."""

    def __init__(self, column: ProgressColumn, *, count: bool = False,
                 rate: bool = False) -> None:
        super().__init__()
        self._column = column
        self._count = count
        self._rate = rate

    def render(self, task: Task) -> Text:
        if task.fields.get("download"):
            if self._rate and _quiet_for(task) is not None:
                return Text("")
            rendered = self._column.render(task)
            return rendered if isinstance(rendered, Text) else Text(str(rendered))
        if self._count:
            return Text(f"{task.completed:g}/{task.total:g}", style="progress.download")
        return Text("")


class _Quiet(ProgressColumn):
    """"no data for 5 s" while a download hears nothing: a stall shows before it ends it."""

    def render(self, task: Task) -> Text:
        quiet = _quiet_for(task)
        return Text("" if quiet is None else f"no data for {quiet:.0f} s",
                    style="progress.remaining")


class Downloads:
    """One bar for the file being downloaded, one for how many of ``count`` are done."""

    def __init__(self, progress: Progress, count: int) -> None:
        self._progress = progress
        self._overall = progress.add_task("archives", total=count)
        self._current: TaskID | None = None

    def start(self, label: str) -> Callable[[int, int | None], None]:
        """A new bar named ``label``; the callback moves it (bytes received, announced)."""
        progress = self._progress
        task = self._current = progress.add_task(printable(label, keep_newlines=False),
                                                 total=None, download=True,
                                                 last_data=progress.get_time())

        def advance(received: int, total: int | None) -> None:
            progress.update(task, completed=received, total=total,
                            last_data=progress.get_time())

        return advance

    def finish(self) -> None:
        if self._current is not None:
            self._progress.remove_task(self._current)
            self._current = None
        self._progress.advance(self._overall)


@contextmanager
def download_progress(count: int) -> Iterator[Downloads]:
    # markup=False: the labels come from the source (bundle IDs, versions)
    console = Console(stderr=True, markup=False, highlight=False)
    progress = Progress(TextColumn("{task.description}", markup=False), BarColumn(),
                        _ForDownload(DownloadColumn(), count=True),
                        _ForDownload(TransferSpeedColumn(), rate=True),
                        _ForDownload(TimeRemainingColumn(), rate=True), _Quiet(),
                        console=console, transient=True,
                        disable=not (console.is_terminal and sys.stderr.isatty()))
    with progress:
        yield Downloads(progress, count)
