"""Does every client profile decode at the same speed, and does `--client all` cost no more
than checking with each client in turn?

1. bench/speed.py's clean source (1,000 apps, about 4 MB here), checked in fresh processes by
   each client in turn, alternating, beside a bare `json.loads` of the same bytes (the floor):
   each client's median, and its ratio to AltStore's. Target: every ratio near 1 (the new
   profiles decode at the speed of the existing ones).
2. The largest real source in tests/corpus (1.5 MB, 1,985 apps, 1,711 errors for AltStore):
   `altsim check --client all` against the sum of the single-client runs. Target: at most
   the sum (it reads and parses the file once).

A measurement, not a test: it prints its figures and exits 0.

Run: python bench/clients_speed.py
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from speed import (  # noqa: E402 (the bench folder is no package)
    arguments,
    byte_compile_altsim,
    make_source,
)

from altsim.core.profiles import PROFILES  # noqa: E402

ROUNDS, APPS = 3, 1_000
LARGEST = (Path(__file__).parent.parent / "tests" / "corpus"
           / "Neoncat-OG__TrollStore-IPAs__apps_esign.json")


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def check(path: Path, client: str) -> list[str]:
    return [sys.executable, "-m", "altsim", "check", str(path), "--format", "json",
            "--client", client]


def runs(commands: dict[str, list[str]]) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(ROUNDS):  # alternate so drift hits every command alike
        for name, cmd in commands.items():
            times[name].append(timed(cmd))
    return times


def main() -> int:
    arguments(__doc__)
    byte_compile_altsim()
    clients = list(PROFILES)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench_source.json"
        path.write_text(json.dumps(make_source(apps_count=APPS), separators=(",", ":")))
        floor = [sys.executable, "-c",
                 "import json,sys; json.loads(open(sys.argv[1],'rb').read())", str(path)]
        times = runs({"json.loads": floor, **{c: check(path, c) for c in clients}})
        print(f"1. a clean source, {path.stat().st_size / 1e6:.1f} MB, {ROUNDS} rounds "
              "(seconds: min, median; ratio of medians to altstore)")
        anchor = statistics.median(times["altstore"])
        for name, found in times.items():
            median = statistics.median(found)
            print(f"   {name:<16}{min(found):>7.3f}{median:>8.3f}{median / anchor:>7.2f}")
    if LARGEST.is_file():
        times = runs({"all": check(LARGEST, "all"), **{c: check(LARGEST, c) for c in clients}})
        together = statistics.median(times["all"])
        one_by_one = sum(statistics.median(times[c]) for c in clients)
        print(f"\n2. {LARGEST.name}: --client all {together:.2f} s, the {len(clients)} "
              f"single-client runs {one_by_one:.2f} s in all (ratio {together / one_by_one:.2f}, "
              "target <= 1)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
