"""Live reload: a local source's file saved again is read again, in the app (Pilot, a real
file watcher) and in `altsim check --watch` (a real subprocess)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import TabbedContent

from altsim.sim.simulator import Simulator
from altsim.state import open_user_state
from altsim.ui.app import AltsimApp
from altsim.ui.live_reload import LiveReload, Toast
from altsim.ui.row_list import RowList

from .builders import app, news, source, version

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
SIZE = (120, 40)
WAIT = 10.0  # seconds a test waits for a save to show, at most


def make(tmp_path: Path) -> AltsimApp:
    simulator = Simulator(open_user_state(tmp_path / "home"), clock=lambda: NOW)
    return AltsimApp(simulator, background=False)


def save(path: Path, doc: dict[str, Any] | str) -> None:
    """As an editor that saves atomically does: a temporary file renamed over the source."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(doc if isinstance(doc, str) else json.dumps(doc, indent=1),
                         encoding="utf-8")
    os.replace(temporary, path)


async def live(pilot: Pilot[None], path: Path) -> LiveReload:
    """The app's watcher, once it watches `path`."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        found = pilot.app.query(LiveReload)
        if found and str(path) in found.first().watching:
            await pilot.pause()
            return found.first()
        await pilot.pause(0.02)
    raise AssertionError(f"{path} is not watched")


async def toast(pilot: Pilot[None], watcher: LiveReload, after: int, wanted: str) -> Toast:
    """The first toast after the first `after` whose title or body contains `wanted`."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        for shown in watcher.shown[after:]:
            if wanted in shown.title or wanted in shown.body:
                return shown
        await pilot.pause(0.02)
    raise AssertionError(f"no toast with {wanted!r}: {watcher.shown}")


def versions_shown(pilot: Pilot[None]) -> list[str]:
    browse = pilot.app.query_one("#browse-table", RowList)
    return [str(browse.cells(i)[3]) for i in range(browse.row_count)
            if str(browse.cells(i)[0]) == "Live"]


async def test_a_save_reloads_every_screen_and_a_broken_save_keeps_the_last_good_copy(tmp_path):
    path = tmp_path / "apps.json"
    save(path, source(name="Live Source", apps=[app(name="Live")]))
    async with make(tmp_path).run_test(size=SIZE, notifications=True) as pilot:
        sim = pilot.app.simulator
        sim.add_source(await sim.preview_source(str(path)))
        sim.install("com.a")
        pilot.app.reload()
        watcher = await live(pilot, path)
        assert versions_shown(pilot) == ["1.0"]

        save(path, source(name="Live Source", apps=[app(name="Live", versions=[
            version(version="1.1", buildVersion="7"), version()])],
            news=[news(identifier="launch", title="Version 1.1 is out", notify=True)]))
        update = await toast(pilot, watcher, 0, "New Update Available")
        assert update.body == "Live 1.1 (7) is now available for download."
        launch = await toast(pilot, watcher, 0, "Version 1.1 is out")
        assert launch.title == "AltStore News"  # no appID: the client's brand
        assert versions_shown(pilot) == ["1.1 (7)"]  # Browse followed
        tabs = pilot.app.query_one(TabbedContent)
        assert "My Apps (1)" in str(tabs.get_tab("my-apps").label)  # the badge followed

        seen = len(watcher.shown)
        broken = json.dumps(source(name="Live Source", apps=[app(name="Live")]), indent=1)
        save(path, broken.replace('"bundleIdentifier": "com.a",\n', ""))
        error = await toast(pilot, watcher, seen, "rejects")
        assert error.severity == "error"
        assert re.match(r"line \d+:\d+: ", error.body), error.body
        assert "(keyNotFound)" in error.body
        assert versions_shown(pilot) == ["1.1 (7)"]  # the last good copy stays on screen
        record = sim.user_state().sources[watcher.watching[str(path)]]
        assert record.last_error is not None
        assert "keyNotFound" in record.last_error

        seen = len(watcher.shown)
        save(path, "{ not json")
        syntax = await toast(pilot, watcher, seen, "rejects")
        assert re.match(r"line 1:\d+: ", syntax.body)
        assert "(jsonSyntax)" in syntax.body


async def test_a_hostile_name_in_a_reload_toast_is_shown_literally(tmp_path):
    path = tmp_path / "apps.json"
    hostile = "Evil\x1b[31m\u202eSource[/b]"
    save(path, source(name="Plain", apps=[app(name="Live")]))
    async with make(tmp_path).run_test(size=SIZE, notifications=True) as pilot:
        sim = pilot.app.simulator
        sim.add_source(await sim.preview_source(str(path)))
        watcher = await live(pilot, path)
        save(path, source(name=hostile, apps=[]))  # every app removed, under a new name
        removed = await toast(pilot, watcher, 0, "Apps removed")
        assert removed.body == "Live"
        save(path, source(name=hostile, apps=[app(name="Live", bundleIdentifier=7)]))
        await toast(pilot, watcher, 1, "rejects")
        await pilot.pause()
        # what reached the screen: Textual's own list of the toasts on show
        posted = [(n.title, n.message) for n in pilot.app._notifications]
        assert any("Evil" in title for title, _ in posted)
        for title, message in posted:
            for text in (title, message):
                assert "\x1b" not in text
                assert "\u202e" not in text
        assert pilot.app.is_running  # "[/b]" did not end it as markup would have


async def test_an_unchanged_save_is_quiet(tmp_path):
    path = tmp_path / "apps.json"
    save(path, source(name="Quiet", apps=[app(name="Live")]))
    simulator = Simulator(open_user_state(tmp_path / "home"), clock=lambda: NOW)
    record = simulator.add_source(await simulator.preview_source(str(path)))
    unchanged = await simulator.reload_file(record.identifier)
    assert not unchanged.changed
    assert unchanged.report is None
    save(path, source(name="Quiet", apps=[app(name="Live")], news=[news(notify=True)]))
    changed = await simulator.reload_file(record.identifier)
    assert changed.changed
    assert [n.body for n in changed.notifications] == ["Title"]
    assert simulator.user_state().notifications == []  # a preview, not posted
    await simulator.aclose()


# -- altsim check --watch ------------------------------------------------------------------------


class _Lines:
    """A child's stdout, read line by line on a thread as it comes."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(process.stdout,), daemon=True)
        self._thread.start()

    def _read(self, stream: Any) -> None:
        for line in stream:
            self.lines.append(line)

    def until(self, marker: str, count: int, wait: float = WAIT) -> str:
        """The text so far, once `marker` is in it `count` times (bounded by `wait`)."""
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            seen = "".join(self.lines)
            if seen.count(marker) >= count:
                return seen
            time.sleep(0.02)
        raise AssertionError(f"{marker!r} not seen {count} times in {''.join(self.lines)!r}")


def test_check_watch_reports_again_at_each_save(tmp_path):
    path = tmp_path / "apps.json"
    save(path, source(name="Watched"))
    process = subprocess.Popen([sys.executable, "-m", "altsim", "check", "--watch", str(path)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "NO_COLOR": "1"})
    try:
        out = _Lines(process)
        out.until("ACCEPTED", 1)
        for attempt in range(60):  # the watcher starts after the first report: save until seen
            save(path, source(name="Watched", apps=[app(bundleIdentifier=7 + attempt)]))
            with contextlib.suppress(AssertionError):
                second = out.until("REJECTED", 1, wait=0.5)
                break
        second = out.until("REJECTED", 1)
        assert "-- saved: " in second
        assert re.search(r"\d+:\d+ +error +typeMismatch", second)
        process.send_signal(signal.SIGINT)
        assert process.wait(WAIT) == 1  # the last report's status
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_check_watch_refuses_a_url():
    done = subprocess.run([sys.executable, "-m", "altsim", "check", "--watch",
                           "https://example.com/apps.json"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2
    assert "--watch" in done.stderr
    assert "local file" in done.stderr


def test_check_watch_needs_the_files_directory(tmp_path):
    done = subprocess.run([sys.executable, "-m", "altsim", "check", "--watch",
                           str(tmp_path / "gone" / "apps.json")], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2
    assert "no directory to watch" in done.stderr
    assert "Traceback" not in done.stderr
