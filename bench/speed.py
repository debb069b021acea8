"""The speed targets (README, Speed), each a ratio to an anchor timed beside it in one run.

Sources (deterministic, seeded):
  * clean: 5,000 apps x 10 versions, screenshots, permissions, 500 news items, about 21 MB,
    which AltStore 2.0rc accepts with a single info;
  * warned: the same with 600 apps whose latest version has a placeholder size (a warning);
  * the largest real source, tests/corpus/...apps_esign.json (1.5 MB, 1,711 errors);
  * minified sources of 1,000, 10,000 and 100,000 small apps with one warning each;
  * a 2.5 KB sample, for start-up.

Every figure comes from fresh processes run by this interpreter, alternating with their anchor
so drift hits both alike, ROUNDS times: min and median are printed, and the ratio is taken of
the medians (the ratio of the minima beside it: a shared machine's noise only adds). Anchors:
`python -c "import json; json.loads(...)"` of the same bytes; a typed msgspec decode of the
clean source's schema (Structs written for it); `python -c "import json"` for start-up. Peak
memory is each child's maximum resident set (os.wait4; the sources are written by a child, so
this process stays small and the figure is the child's own). Scaling is measured inside one
process (check_source / json.loads of the same bytes, minima of ROUNDS alternating runs), so
that start-up, a constant, is not taken for a cost per app; beside the ratio, each side's time
per app, and its peak memory per app in a fresh process (over that of a 2.5 KB file), show
which side is not linear.

altsim is byte-compiled first, as `pip install` leaves a package. A measurement, not a test:
it exits 0 whatever the ratios, and 1 only when altsim does not accept the clean source.

Run: python bench/speed.py
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

APPS, VERSIONS, NEWS, ROUNDS = 5_000, 10, 500, 9
SCALES = (1_000, 10_000, 100_000)
ROOT = Path(__file__).resolve().parent.parent
BROKEN = ROOT / "tests" / "corpus" / "Neoncat-OG__TrollStore-IPAs__apps_esign.json"
SMALL = ROOT / "altsim" / "sample_sources" / "clean.json"
CATEGORIES = ["developer", "entertainment", "games", "lifestyle", "photo-video", "social",
              "utilities", "other"]
WORDS = ("swift fast simple private secure offline sync share edit photo video music note "
         "task game chat cloud widget theme backup stream record scan track plan").split()
BASE = datetime(2024, 6, 1, 12, 0, 0, tzinfo=UTC)  # every date is before this


def text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def colour(rng: random.Random) -> str:
    return f"#{rng.randrange(0x1000000):06X}"


def byte_compile_altsim() -> None:
    """As `pip install` leaves a package, whatever PYTHONDONTWRITEBYTECODE says."""
    spec = importlib.util.find_spec("altsim")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("altsim is not installed in this interpreter")
    for folder in spec.submodule_search_locations:
        compileall.compile_dir(folder, quiet=1)


def make_source(seed: int = 20240601, apps_count: int = APPS) -> dict[str, Any]:
    rng = random.Random(seed)
    cdn = "https://cdn.example.com"
    apps = []
    for i in range(apps_count):
        bundle = f"com.example.app{i:05d}"
        versions = []
        for j in range(VERSIONS):  # newest first: 1.9.0 ... 1.0.0, dates strictly descending
            number = f"1.{VERSIONS - 1 - j}.0"
            date = BASE - timedelta(days=30 * j + 1, minutes=i)
            versions.append({
                "version": number, "buildVersion": str(1000 + VERSIONS - j),
                "date": date.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "localizedDescription": text(rng, 3),
                "downloadURL": f"{cdn}/ipa/{bundle}/{number}.ipa",
                "size": rng.randrange(5_000_000, 200_000_000),
                "sha256": f"{rng.getrandbits(256):064x}",
                "minOSVersion": "14.0",
            })
        apps.append({
            "name": f"Bench App {i}", "bundleIdentifier": bundle,
            "developerName": f"Developer {i % 97}", "subtitle": text(rng, 5),
            "localizedDescription": text(rng, 12),
            "iconURL": f"{cdn}/icons/{bundle}.png", "tintColor": colour(rng),
            "category": CATEGORIES[i % len(CATEGORIES)],
            "screenshots": {
                "iphone": [{"imageURL": f"{cdn}/shots/{bundle}/iphone{k}.png",
                            "width": 1179, "height": 2556} for k in range(3)],
                "ipad": [{"imageURL": f"{cdn}/shots/{bundle}/ipad0.png",
                          "width": 2048, "height": 2732}],
            },
            "appPermissions": {"entitlements": ["com.apple.developer.x"],
                               "privacy": {"NSCameraUsageDescription": text(rng, 8)}},
            "versions": versions,
            # the 1.x single-version keys, mirroring versions[0]: SideStore 0.5 requires them
            "version": versions[0]["version"], "versionDate": versions[0]["date"],
            "downloadURL": versions[0]["downloadURL"], "size": versions[0]["size"],
        })
    news = [{
        "identifier": f"news-{n:04d}", "date": (BASE - timedelta(days=n + 1)).strftime("%Y-%m-%d"),
        "title": text(rng, 4), "caption": text(rng, 15), "tintColor": colour(rng),
        "imageURL": f"{cdn}/news/{n}.png",
        "appID": apps[rng.randrange(apps_count)]["bundleIdentifier"],
        "notify": False,
    } for n in range(NEWS)]
    return {  # "identifier" is unread by 2.0rc (info) but required by AltStore 1.7 / SideStore 0.5
        "identifier": "com.example.bench.source",
        "name": "Bench Source", "subtitle": "A large synthetic source",
        "description": "Generated by bench/speed.py to time altsim.",
        "iconURL": f"{cdn}/source/icon.png", "headerURL": f"{cdn}/source/header.png",
        "website": "https://example.com", "tintColor": "#3366CC",
        "apps": apps, "news": news,
        "featuredApps": [apps[k]["bundleIdentifier"] for k in (0, 1, 2, 3, 4)],
    }


def warned_source(apps_count: int) -> bytes:
    """Small apps, each with one warning (a placeholder size), minified."""
    return json.dumps({"name": "S", "identifier": "s", "apps": [{
        "name": f"A{i}", "bundleIdentifier": f"com.a{i}", "developerName": "D",
        "localizedDescription": "x", "iconURL": "https://e.com/i.png",
        "versions": [{"version": "1.0", "date": "2024-01-01", "downloadURL": "https://e.com/a.ipa",
                      "size": 1}]} for i in range(apps_count)]}, separators=(",", ":")).encode()


def with_warnings(document: dict[str, Any], every: int = 8) -> dict[str, Any]:
    """The clean source with a placeholder size on the latest version of every `every`th app."""
    for item in document["apps"][::every]:
        item["versions"][0]["size"] = 1
    return document


# A typed decode of the clean source's schema: msgspec alone, the anchor `check` is held to.
MSGSPEC_ANCHOR = """
import sys, msgspec
from msgspec import Struct
class Shot(Struct):
    imageURL: str
    width: int = 0
    height: int = 0
class Shots(Struct):
    iphone: list[Shot] = []
    ipad: list[Shot] = []
class Permissions(Struct):
    entitlements: list[str] = []
    privacy: dict[str, str] = {}
class Version(Struct):
    version: str
    buildVersion: str
    date: str
    localizedDescription: str
    downloadURL: str
    size: int
    sha256: str
    minOSVersion: str
class App(Struct):
    name: str
    bundleIdentifier: str
    developerName: str
    subtitle: str
    localizedDescription: str
    iconURL: str
    tintColor: str
    category: str
    screenshots: Shots
    appPermissions: Permissions
    versions: list[Version]
    version: str
    versionDate: str
    downloadURL: str
    size: int
class News(Struct):
    identifier: str
    date: str
    title: str
    caption: str
    tintColor: str
    imageURL: str
    appID: str
    notify: bool
class Root(Struct):
    identifier: str
    name: str
    subtitle: str
    description: str
    iconURL: str
    headerURL: str
    website: str
    tintColor: str
    apps: list[App]
    news: list[News]
    featuredApps: list[str]
msgspec.json.decode(open(sys.argv[1], "rb").read(), type=Root)
"""


@dataclass
class Runs:
    seconds: list[float] = field(default_factory=list)
    peak_kb: list[int] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def shown(self) -> str:
        return (f"min {min(self.seconds):.3f} s, median {self.median:.3f} s, "
                f"peak {max(self.peak_kb) / 1024:.0f} MB")


def run(cmd: list[str], runs: Runs) -> int:
    """Time one fresh process and read its own peak resident memory."""
    start = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    runs.seconds.append(time.perf_counter() - start)
    runs.peak_kb.append(usage.ru_maxrss)
    child.returncode = os.waitstatus_to_exitcode(status)
    return child.returncode


def side_by_side(commands: dict[str, list[str]], rounds: int = ROUNDS) -> dict[str, Runs]:
    """Each command `rounds` times, alternating."""
    runs = {name: Runs() for name in commands}
    for _ in range(rounds):
        for name, cmd in commands.items():
            run(cmd, runs[name])
    return runs


def json_loads(path: Path) -> list[str]:
    return [sys.executable, "-c", "import json,sys; json.loads(open(sys.argv[1],'rb').read())",
            str(path)]


def altsim(command: str, path: Path) -> list[str]:
    return [sys.executable, "-m", "altsim", command, str(path), "--format", "json"]


class Report:
    def __init__(self) -> None:
        self.rows: list[tuple[str, float, str, bool]] = []

    def ratio(self, label: str, value: float, target: float, shown: str = "",
              minima: float | None = None) -> None:
        self.rows.append((label, value, f"<= {target:g}{shown}", value <= target))
        beside = "" if minima is None else f" (minima {minima:.2f})"
        print(f"  {label:<58}{value:>6.2f}{beside:>16}   target <= {target:g}{shown}: "
              f"{'met' if value <= target else 'MISSED'}")

    def times(self, label: str, ours: Runs, anchor: Runs, target: float) -> None:
        """The ratio of the medians, and beside it that of the minima (the noise of a shared
        machine only ever adds time: the minima show what is left without it)."""
        self.ratio(label, ours.median / anchor.median, target,
                   minima=min(ours.seconds) / min(anchor.seconds))

    def summary(self) -> None:
        met = sum(ok for *_, ok in self.rows)
        print(f"\n{met} of {len(self.rows)} targets met")


def write_sources(folder: Path) -> None:
    (folder / "clean.json").write_text(json.dumps(make_source(), separators=(",", ":")),
                                       encoding="utf-8")
    (folder / "warned.json").write_text(
        json.dumps(with_warnings(make_source()), separators=(",", ":")), encoding="utf-8")


def clean_and_warned(tmp: Path, report: Report) -> int:
    # Written by a child: a child's peak memory starts from this process's at the fork, which
    # must stay small for the children's figures to be theirs.
    subprocess.run([sys.executable, __file__, "--write", str(tmp)], check=True)
    clean, warned = tmp / "clean.json", tmp / "warned.json"
    print(f"clean source: {APPS:,} apps x {VERSIONS} versions, {NEWS} news, "
          f"{clean.stat().st_size / 1e6:.1f} MB")
    status = run(altsim("check", clean), Runs())
    if status != 0:
        out = subprocess.run(altsim("check", clean), capture_output=True, text=True).stdout
        print(f"altsim did not accept the clean source (exit {status}):\n{out[:2000]}")
        return 1
    anchor = tmp / "msgspec_anchor.py"
    anchor.write_text(MSGSPEC_ANCHOR, encoding="utf-8")
    runs = side_by_side({
        "json": json_loads(clean), "msgspec": [sys.executable, str(anchor), str(clean)],
        "check": altsim("check", clean), "preview": altsim("preview", clean),
        "json (warned)": json_loads(warned), "check (warned)": altsim("check", warned)})
    for name, measured in runs.items():
        print(f"  {name:<16}{measured.shown()}")
    print()
    report.times("check / json.loads, clean 21 MB", runs["check"], runs["json"], 1.2)
    report.times("check / typed msgspec decode, clean 21 MB", runs["check"], runs["msgspec"],
                 2.5)
    report.times("check / json.loads, 21 MB with 600 warnings", runs["check (warned)"],
                 runs["json (warned)"], 2.0)
    report.times("preview / check, clean 21 MB", runs["preview"], runs["check"], 1.3)
    report.ratio("peak memory: check / json.loads, clean 21 MB",
                 max(runs["check"].peak_kb) / max(runs["json"].peak_kb), 1.3)
    return 0


def broken(report: Report) -> None:
    if not BROKEN.is_file():
        print(f"  {BROKEN.name}: not in this clone, skipped")
        return
    runs = side_by_side({"json": json_loads(BROKEN), "check": altsim("check", BROKEN)})
    report.times("check / json.loads, esign corpus file (1,711 errors)", runs["check"],
                 runs["json"], 2.0)


def start_up(report: Report) -> None:
    bare = [sys.executable, "-c", "import json"]
    runs = side_by_side({"bare": bare, "check": altsim("check", SMALL)}, rounds=3 * ROUNDS)
    print(f"  python -c 'import json': {runs['bare'].shown()}")
    print(f"  altsim check {SMALL.name}: {runs['check'].shown()}")
    report.times("start-up: check of a 2.5 KB file / python -c 'import json'", runs["check"],
                 runs["bare"], 2.0)


def in_process_times(raw: bytes) -> tuple[float, float, float]:
    """check_source and json.loads of the same bytes in this process, alternating: their
    minima, and the ratio of their medians."""
    from altsim.core.check import check_source
    from altsim.core.profiles import PROFILES

    loads, checks = [], []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        json.loads(raw)
        loads.append(time.perf_counter() - start)
        start = time.perf_counter()
        check_source(raw, PROFILES["altstore"], (17, 0, 0))
        checks.append(time.perf_counter() - start)
    return min(checks), min(loads), statistics.median(checks) / statistics.median(loads)


def spread(values: list[float]) -> float:
    """How far the largest is above the smallest (inf when the smallest is 0: a source that
    fits in the memory a small file's process already holds)."""
    return max(values) / min(values) - 1 if min(values) > 0 else float("inf")


def scaling(report: Report, tmp: Path) -> None:
    """The ratio the target names, and beside it each side's own cost per app (time in
    process, peak memory of a fresh process over a small file's), which show which side is
    not linear. The memory is read first, while this process is small (see write_sources)."""
    subprocess.run([sys.executable, __file__, "--write-scales", str(tmp)], check=True)
    paths = [tmp / f"warned_{count}.json" for count in SCALES]
    base = side_by_side({"check": altsim("check", SMALL), "json": json_loads(SMALL)}, 1)
    check_kb, json_kb = [], []
    for count, path in zip(SCALES, paths, strict=True):
        peaks = side_by_side({"check": altsim("check", path), "json": json_loads(path)}, 1)
        check_kb.append((peaks["check"].peak_kb[0] - base["check"].peak_kb[0]) / count)
        json_kb.append((peaks["json"].peak_kb[0] - base["json"].peak_kb[0]) / count)
    ratios, check_us, json_us = [], [], []
    for count, path, kb, json_kb_app in zip(SCALES, paths, check_kb, json_kb, strict=True):
        checked, loaded, middle = in_process_times(path.read_bytes())
        ratios.append(checked / loaded)
        check_us.append(checked / count * 1e6)
        json_us.append(loaded / count * 1e6)
        print(f"  {count:>7,} apps, one warning each: check / json.loads {ratios[-1]:.2f} "
              f"(median {middle:.2f}); per app: check {check_us[-1]:.1f} µs, {kb:.2f} KB; "
              f"json.loads {json_us[-1]:.2f} µs, {json_kb_app:.2f} KB")
    print(f"  spread per app across the sizes: check {spread(check_us):.0%} in time, "
          f"{spread(check_kb):.0%} in memory; json.loads {spread(json_us):.0%} in time, "
          f"{spread(json_kb):.0%} in memory")
    report.ratio("scaling: spread of those ratios across the sizes", spread(ratios), 0.10,
                 " (10 %)")


def arguments(doc: str | None, *children: str) -> argparse.Namespace:
    """A bench script's arguments: --help prints its docstring; `children` are the hidden
    options (each a folder or file) with which it runs its own children."""
    parser = argparse.ArgumentParser(description=doc,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    for option in children:
        parser.add_argument(option, type=Path, help=argparse.SUPPRESS)
    return parser.parse_args()


def main() -> int:
    # the children that write the sources (see clean_and_warned)
    args = arguments(__doc__, "--write", "--write-scales")
    if args.write:
        write_sources(args.write)
        return 0
    if args.write_scales:
        for count in SCALES:
            (args.write_scales / f"warned_{count}.json").write_bytes(warned_source(count))
        return 0
    byte_compile_altsim()
    report = Report()
    with tempfile.TemporaryDirectory() as tmp:
        if clean_and_warned(Path(tmp), report):
            return 1
    print("\nthe largest real source")
    broken(report)
    print("\nstart-up")
    start_up(report)
    print("\nscaling (time in one process, minima; memory in fresh processes)")
    with tempfile.TemporaryDirectory() as tmp:
        scaling(report, Path(tmp))
    report.summary()
    return 0


if __name__ == "__main__":
    sys.exit(main())
