"""How fast does a save show? (The target: every screen follows within 300 ms of the write, for
the largest corpus file.)

Takes tests/corpus/Neoncat-OG__TrollStore-IPAs__apps_esign.json (1.5 MB, 1,985 apps). Every
client rejects it as published (duplicate bundle IDs), so the copy added here gives each
duplicate its own ID (`….copy1`); the size stays within 0.3 % of the original. The source is
added to a fresh state directory and one of its apps installed, then the real app runs
headless (Pilot) with its live reload, and the file is saved again and again as an editor
that saves atomically does (a temporary file renamed over it), each time with a new version
of the installed app:

- "screens": from the start of the write until the Browse list shows the new version (the
  reload committed the new copy and every table was filled again; an update toast is up);
- "settled": the same, until Textual has also processed everything that followed (the next
  repaint), `pilot.pause()`;
- "rejected": saving the file as published: until the client's error toast (with its
  line:column, from `check_source`) is up while the last good copy stays on screen.

Beside them, in the same run: `json.loads` of the same bytes, and the watcher's own floor
(its debounce: watchfiles waits that long for quiet after a change). A measurement, not a
test: it exits 0 whatever the figures.

Run: python bench/reload_speed.py
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from speed import arguments  # (the bench folder: beside this script)

from altsim.sim.simulator import Simulator
from altsim.state import open_user_state
from altsim.ui.app import AltsimApp
from altsim.ui.live_reload import DEBOUNCE_MS, LiveReload
from altsim.ui.row_list import RowList

ROOT = Path(__file__).resolve().parent.parent
CORPUS_FILE = ROOT / "tests" / "corpus" / "Neoncat-OG__TrollStore-IPAs__apps_esign.json"
RUNS = 10
TARGET = 0.300


def accepted_copy(raw: bytes) -> dict[str, object]:
    document = json.loads(raw)
    seen: dict[str, int] = {}
    for app in document["apps"]:
        bundle_id = app["bundleIdentifier"]
        count = seen[bundle_id] = seen.get(bundle_id, 0) + 1
        if count > 1:
            app["bundleIdentifier"] = f"{bundle_id}.copy{count - 1}"
    return document


def encode(document: object) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


async def until(condition: Callable[[], bool], step: float = 0.002) -> None:
    """Polls: the measurement looks at the screen from outside, as a user would, rather than
    being told by the code it measures."""
    while not condition():  # noqa: ASYNC110 (polling is the measurement)
        await asyncio.sleep(step)


def save(path: Path, body: bytes) -> float:
    """Write as an atomic-save editor does; the time the write started."""
    start = time.perf_counter()
    temporary = path.with_name(f".{path.name}.swp")
    temporary.write_bytes(body)
    os.replace(temporary, path)
    return start


async def measure(folder: Path) -> dict[str, list[float]]:
    raw = CORPUS_FILE.read_bytes()
    document = accepted_copy(raw)
    path = folder / "apps.json"
    path.write_bytes(encode(document))
    simulator = Simulator(open_user_state(folder / "home"))
    simulator.add_source(await simulator.preview_source(str(path)))
    first = document["apps"][0]  # type: ignore[index]
    simulator.install(first["bundleIdentifier"])
    app = AltsimApp(simulator, background=False)
    figures: dict[str, list[float]] = {"screens": [], "settled": [], "rejected": []}
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        watcher = app.query_one(LiveReload)
        await until(lambda: str(path.resolve()) in watcher.watching)
        await pilot.pause()
        browse = app.query_one("#browse-table", RowList)

        def shows(version: str) -> bool:
            return any(str(browse.cells(i)[3]) == version for i in range(browse.row_count)
                       if str(browse.cells(i)[0]) == first["name"])

        def error_after(seen: int) -> bool:
            return any(t.severity == "error" for t in watcher.shown[seen:])

        for run in range(RUNS):
            version = f"99.{run}"
            first["version"] = version
            body = encode(document)
            start = save(path, body)
            await until(functools.partial(shows, version))
            figures["screens"].append(time.perf_counter() - start)
            await pilot.pause()
            figures["settled"].append(time.perf_counter() - start)
            await asyncio.sleep(0.2)  # apart, so each save is its own change

            seen = len(watcher.shown)
            start = save(path, raw)  # as published: rejected
            await until(functools.partial(error_after, seen))
            figures["rejected"].append(time.perf_counter() - start)
            assert shows(version)  # the last good copy stays
            await asyncio.sleep(0.2)
    await simulator.aclose()
    loads = []
    for _ in range(RUNS):
        start = time.perf_counter()
        json.loads(raw)
        loads.append(time.perf_counter() - start)
    figures["json.loads"] = loads
    return figures


def main() -> int:
    arguments(__doc__)
    with tempfile.TemporaryDirectory() as folder:
        figures = asyncio.run(measure(Path(folder)))
    size = CORPUS_FILE.stat().st_size
    print(f"{CORPUS_FILE.name}: {size / 1e6:.2f} MB, {RUNS} saves of each kind")
    anchor = statistics.median(figures["json.loads"])
    for name, times in figures.items():
        median, worst = statistics.median(times), max(times)
        print(f"  {name:<11} median {median * 1000:7.1f} ms  max {worst * 1000:7.1f} ms  "
              f"({median / anchor:5.1f}× json.loads)")
    print(f"  watcher debounce (floor): {DEBOUNCE_MS} ms")
    verdict = "met" if max(figures["settled"]) <= TARGET else "NOT met"
    print(f"target: screens follow within {TARGET * 1000:.0f} ms of the write: {verdict} "
          f"(worst settled {max(figures['settled']) * 1000:.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
