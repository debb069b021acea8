"""How fast is the terminal UI on a big store? (Targets: Browse on screen <= 1.5 s after start,
a key press in the list answered <= 50 ms, resident memory <= 300 MB.)

Writes a 10,000-app source (the generator of bench/speed.py), adds it to a fresh state
directory, then drives the real app with Pilot in a child process, once without the decoded
copy that adding the source leaves (altsim.state.decoded) and once with it: the time from the
app's start until the Browse list holds every app (and, for the whole launch, from starting
the child's Python, imports included), the time a key press in that list takes beyond Pilot's
own cost (measured on an empty app in the same run), and the child's peak resident memory.
Beside them, the floor, in the same run and alternating with altsim's launches: a bare Textual
DataTable filled from a json.loads of the same file (name, developer, version of every app),
started in a child process the same way; the first screen's target is a ratio to it of at most
1.0. A measurement, not a test: it exits 0 whatever the figures.

Run: python bench/tui_speed.py
"""

from __future__ import annotations

import asyncio
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from speed import (  # noqa: E402 (the same generator as the decode benchmark)
    arguments,
    byte_compile_altsim,
    make_source,
)
from textual.app import App, ComposeResult  # noqa: E402
from textual.widgets import Button, DataTable, Input, Static, TabbedContent  # noqa: E402

from altsim.sim.simulator import Simulator  # noqa: E402
from altsim.state import open_user_state  # noqa: E402
from altsim.ui.app import AltsimApp  # noqa: E402
from altsim.ui.row_list import RowList  # noqa: E402

APPS = 10_000
RUNS = 3  # launches of each, alternating
TARGETS = {"start": 1.5, "key": 0.050, "rss_mb": 300}


async def add(home: Path, path: Path) -> None:
    simulator = Simulator(open_user_state(home))
    simulator.add_source(await simulator.preview_source(str(path)))
    await simulator.aclose()


async def measure(home: Path) -> dict[str, float]:
    app = AltsimApp(Simulator(open_user_state(home)), background=False)
    start = time.perf_counter()
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.query_one("#browse-table", RowList)
        await pilot.pause()
        assert table.row_count == APPS
        started = time.perf_counter() - start
        on_screen = time.time()
        table.focus()
        resident = _resident_mb()
        keys = []
        for _ in range(30):
            t = time.perf_counter()
            await pilot.press("down")
            keys.append(time.perf_counter() - t)
        peak_on_screen = _peak_mb()
        app.query_one(TabbedContent).active = "simulator"
        await pilot.pause()
        changes = {}
        for ios in ("17.4", "16.0"):  # the same decode as 17.0; then one of its own (JSON5 yes,
            app.query_one("#ios", Input).value = ios  # lenient URLs no)
            t = time.perf_counter()
            app.query_one("#apply", Button).press()
            await pilot.pause()
            changes[ios] = time.perf_counter() - t
        app.query_one("#ios", Input).value = "17.0"  # as it was, for the next launch
        app.query_one("#apply", Button).press()
        await pilot.pause()
    rss = _peak_mb()
    return {"start": started, "on_screen": on_screen, "key": statistics.median(keys),
            "rss_mb": resident, "peak_mb": peak_on_screen, "peak_all_mb": rss,
            "ios_same": changes["17.4"],
            "ios_other": changes["16.0"], "key_floor": await key_floor()}


def _peak_mb() -> float:
    """This process's own peak resident memory (VmHWM, Linux /proc). Not ru_maxrss: Linux keeps
    that across exec, so a child would report the parent's high-water mark when it is higher
    (here the parent has built and parsed the 44 MB source)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def _resident_mb() -> float:
    """Resident memory now (Linux /proc), after the load: the steady state the UI runs in."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


class _Empty(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("")


async def key_floor() -> float:
    """Pilot's own cost of a key press (it waits for the screen to settle), on an empty app."""
    async with _Empty().run_test(size=(120, 40)) as pilot:
        keys = []
        for _ in range(30):
            t = time.perf_counter()
            await pilot.press("down")
            keys.append(time.perf_counter() - t)
    return statistics.median(keys)


class _BareTable(App[None]):
    """The floor: the same file's apps in a plain DataTable, straight from json.loads."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def compose(self) -> ComposeResult:
        yield DataTable()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Name", "Developer", "Version")
        document = json.loads(self.path.read_bytes())
        table.add_rows((app["name"], app["developerName"], app["versions"][0]["version"])
                       for app in document["apps"])


async def measure_floor(path: Path) -> dict[str, float]:
    app = _BareTable(path)
    start = time.perf_counter()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.query_one(DataTable).row_count == APPS
        return {"start": time.perf_counter() - start, "on_screen": time.time()}


def main() -> int:
    # the children: only the app (or the bare DataTable) in the measured process's memory
    args = arguments(__doc__, "--measure", "--floor")
    if args.measure:
        print(json.dumps(asyncio.run(measure(args.measure))))
        return 0
    if args.floor:
        print(json.dumps(asyncio.run(measure_floor(args.floor))))
        return 0
    byte_compile_altsim()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.json"
        path.write_text(json.dumps(make_source(apps_count=APPS)), encoding="utf-8")
        print(f"source: {APPS} apps, {path.stat().st_size / 1e6:.1f} MB")
        started = time.perf_counter()
        json.loads(path.read_bytes())
        print(f"this machine now: a bare json.loads of it takes "
              f"{time.perf_counter() - started:.3f} s (the floor of a start without the copy)")
        home = Path(tmp) / "home"
        asyncio.run(add(home, path))
        copies = home / "cache" / "decoded"
        for kept in (False, True):
            runs, floors = [], []
            for run in range(RUNS):  # alternating, so both see the same machine
                # adding the source leaves a copy (iOS 17); a launch, one for iOS 16 too
                wait_for_copies(copies, 1 if run == 0 and not kept else 2)
                if not kept:
                    shutil.rmtree(copies, ignore_errors=True)
                got = launch(home)
                floor = launch_floor(path)
                if got is None or floor is None:
                    return 1
                runs.append(got)
                floors.append(floor)
            report(kept, min(runs, key=lambda r: r["start"]), runs, floors)
    return 0


def wait_for_copies(copies: Path, count: int) -> None:
    """Until the writers (detached processes) are done, so they do not share the CPU."""
    deadline = time.monotonic() + 300
    while len(list(copies.glob("*.pickle"))) < count and time.monotonic() < deadline:
        time.sleep(0.2)


def launch_floor(path: Path) -> dict[str, float] | None:
    return launch(path, "--floor")


def launch(target: Path, mode: str = "--measure") -> dict[str, float] | None:
    launched = time.time()
    child = subprocess.run([sys.executable, __file__, mode, str(target)],
                           capture_output=True, text=True)
    if child.returncode != 0:
        print(child.stderr)
        return None
    got: dict[str, float] = json.loads(child.stdout.splitlines()[-1])
    got["launch"] = got["on_screen"] - launched
    if "key" in got:
        got["key"] -= got["key_floor"]
    return got


def report(kept: bool, got: dict[str, float], runs: list[dict[str, float]],
           floors: list[dict[str, float]]) -> None:
    print("\nstart with the decoded copy an add or refresh leaves (the usual start):" if kept
          else "\nstart without it (parse and decode the JSON):")
    for key, label in (("start", "first screen after start"), ("launch", "first screen after "
                                                                "launch (imports included)")):
        ours = [r[key] for r in runs]
        floor = [f[key] for f in floors]
        ratio = min(ours) / min(floor)
        verdict = "met" if ratio <= 1.0 else "MISSED"
        print(f"{label:<44} altsim min {min(ours):.3f} median {statistics.median(ours):.3f} s; "
              f"bare DataTable min {min(floor):.3f} median {statistics.median(floor):.3f} s; "
              f"ratio of minima {ratio:.2f} (target <= 1.0 {verdict})")
    rows = (("start", "Browse on screen after start", "s"),
            ("key", "key press in the list, over the floor", "s"),
            ("rss_mb", "resident memory, list on screen", "MB"))
    print(f"{'key press in an empty app':<38}{got['key_floor']:>9.3f} s   (Pilot's floor)")
    print(f"{'peak resident memory, to list on screen':<38}{got['peak_mb']:>9.3f} MB")
    print(f"{'Browse on screen after launch':<38}{got['launch']:>9.3f} s   (Python start and "
          "imports included)")
    for key, label, unit in rows:
        verdict = "met" if got[key] <= TARGETS[key] else "MISSED"
        print(f"{label:<38}{got[key]:>9.3f} {unit:<3} target <= {TARGETS[key]} {verdict}")
    print(f"{'iOS 17.0 -> 17.4 applied (same decode)':<38}{got['ios_same']:>9.3f} s")
    print(f"{'iOS 17.4 -> 16.0 applied (a new decode)':<38}{got['ios_other']:>9.3f} s")
    print(f"{'peak resident memory, iOS changes too':<38}{got['peak_all_mb']:>9.3f} MB")


if __name__ == "__main__":
    sys.exit(main())
