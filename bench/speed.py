"""How much slower are `altsim check` and `altsim preview` than merely decoding the JSON?

The script writes a large, deterministic (seeded) and *clean* AltStore source -- 5,000 apps
with 10 versions each, screenshots, permissions and ~500 news items, about 20 MB -- that
AltStore 2.0rc accepts without a single warning. It then times, alternating and repeated,
three fresh processes run by the same interpreter (sys.executable):

  (a) python -c "import json,sys; json.loads(open(sys.argv[1],'rb').read())" FILE
  (b) python -m altsim check FILE --format json
  (c) python -m altsim preview FILE --format json

Both start from compiled bytecode, as `pip install` leaves a package (the stdlib's is compiled
already): the script byte-compiles altsim first, so an environment with
PYTHONDONTWRITEBYTECODE set does not charge altsim a recompile on every run.

(a) is the floor: no checker can read the file faster than the bare stdlib decode plus
interpreter start-up. The ratios of the medians are what we track: (b)/(a), target <= 3.0
(issue 2), and (c)/(b), target <= 1.5 (issue 3: decisions are cheap next to decoding). This
is a measurement, not a test: it exits 0 whatever the ratios, and 1 only when altsim does not
accept the generated source (the generator then needs fixing).

Then, for issue 19's targets on sources full of problems, side by side in fresh processes
(alternating, median of 3):

  * the largest real source, tests/corpus/…apps_esign.json (1,711 errors): check / json.loads,
    target <= 2.0;
  * scaling: minified sources of 1,000, 10,000 and 100,000 small apps with one warning each (a
    placeholder size): check / json.loads for each, target: within 10 % of each other.

Run: python bench/speed.py
"""

from __future__ import annotations

import compileall
import importlib.util
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

APPS, VERSIONS, NEWS, ROUNDS = 5_000, 10, 500, 5
SCALES, PROBLEM_ROUNDS = (1_000, 10_000, 100_000), 3
BROKEN = (Path(__file__).resolve().parent.parent / "tests" / "corpus"
          / "Neoncat-OG__TrollStore-IPAs__apps_esign.json")
TARGETS = {"check": 3.0, "preview": 1.5}
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


def make_source(seed: int = 20240601, apps_count: int = APPS) -> dict:
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


def problem_ratio(path: Path) -> float:
    """check / json.loads of `path`, medians of fresh processes run alternately."""
    floor = [sys.executable, "-c",
             "import json,sys; json.loads(open(sys.argv[1],'rb').read())", str(path)]
    check = [sys.executable, "-m", "altsim", "check", str(path), "--format", "json"]
    floors, checks = [], []
    for _ in range(PROBLEM_ROUNDS):
        floors.append(timed(floor, check=False))
        checks.append(timed(check, check=False))
    return statistics.median(checks) / statistics.median(floors)


def problems(tmp: Path) -> None:
    print("\nsources full of problems (check / json.loads, medians of fresh processes)")
    if BROKEN.is_file():
        ratio = problem_ratio(BROKEN)
        print(f"  {BROKEN.name} (1,711 errors){ratio:>12.2f}   target <= 2.0: "
              f"{'met' if ratio <= 2.0 else 'MISSED'}")
    ratios = []
    for count in SCALES:
        path = tmp / f"warned-{count}.json"
        path.write_bytes(warned_source(count))
        ratios.append(problem_ratio(path))
        print(f"  {count:>7,} apps, one warning each {ratios[-1]:>12.2f}")
    spread = max(ratios) / min(ratios) - 1
    print(f"  spread across the sizes {spread:>17.0%}   target <= 10%: "
          f"{'met' if spread <= 0.10 else 'MISSED'}")


def timed(cmd: list[str], check: bool) -> float:
    start = time.perf_counter()
    status = subprocess.run(cmd, stdout=subprocess.DEVNULL).returncode
    elapsed = time.perf_counter() - start
    if check and status != 0:
        out = subprocess.run(cmd, capture_output=True, text=True).stdout
        result = json.loads(out)["results"][0]
        print(f"altsim did not accept the source (exit {status}): "
              f"rejection={result.get('rejection')}")
        for d in result["diagnostics"][:10]:
            print(f"  {d['severity']} {d['code']} {d['pointer']}: {d['message']}")
        sys.exit(1)
    return elapsed


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench_source.json"
        path.write_text(json.dumps(make_source(), separators=(",", ":")), encoding="utf-8")
        print(f"source: {APPS} apps x {VERSIONS} versions, {NEWS} news, "
              f"{path.stat().st_size / 1e6:.1f} MB")
        floor = [sys.executable, "-c",
                 "import json,sys; json.loads(open(sys.argv[1],'rb').read())", str(path)]
        check = [sys.executable, "-m", "altsim", "check", str(path), "--format", "json"]
        preview = [sys.executable, "-m", "altsim", "preview", str(path), "--format", "json"]
        byte_compile_altsim()
        times: dict[str, list[float]] = {"json": [], "check": [], "preview": []}
        for _ in range(ROUNDS):  # alternate so drift (caches, thermals) hits all alike
            times["json"].append(timed(floor, check=False))
            times["check"].append(timed(check, check=True))
            times["preview"].append(timed(preview, check=False))
        median = {name: statistics.median(runs) for name, runs in times.items()}
        ratios = {"check": median["check"] / median["json"],
                  "preview": median["preview"] / median["check"]}
        print(f"\n{'command':<28}{'median s':>10}   runs")
        for name, label in (("json", "(a) json.loads (floor)"), ("check", "(b) altsim check"),
                            ("preview", "(c) altsim preview")):
            print(f"{label:<28}{median[name]:>10.3f}   "
                  + " ".join(f"{t:.2f}" for t in times[name]))
        print(f"{'ratio (b)/(a)':<28}{ratios['check']:>10.2f}   target <= {TARGETS['check']}")
        print(f"{'ratio (c)/(b)':<28}{ratios['preview']:>10.2f}   "
              f"target <= {TARGETS['preview']}")

        result = json.loads(subprocess.run(check, capture_output=True, text=True).stdout)
        diagnostics = result["results"][0]["diagnostics"]
        by_severity = {s: sum(d["severity"] == s for d in diagnostics)
                       for s in ("error", "warning", "info")}
        print(f"\ndiagnostics reported: {len(diagnostics)} "
              f"({', '.join(f'{n} {s}' for s, n in by_severity.items())})")
        if diagnostics:
            print("  distinct codes: " + ", ".join(sorted({d["code"] for d in diagnostics})))
        for name, ratio in ratios.items():
            verdict = "met" if ratio <= TARGETS[name] else "MISSED"
            print(f"{name} target {verdict}")
        problems(Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
