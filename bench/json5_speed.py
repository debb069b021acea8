"""How much slower than json.loads is reading a file that is not strict JSON? (The target:
JSON5 and broken files at compiled-parser speed.)

For each case, in this one process, parse_document (what check, refresh and the TUI run on the
bytes) is timed alternately with an anchor: json.loads of the same document as strict JSON.
The ratio of each repeat's times is reported, minimum and median over the repeats:

  json5 1 MB        a 1 MB source written as JSON5 (bare keys, comments, trailing commas):
                    strict parsing fails, then the JSON5 parser reads it
  truncated 1 MB    the same source as strict JSON, cut 5,000 bytes before its end (a broken
                    download): both parsers fail, and the JSON5 error's line:column is found
  broken json5 1 MB the JSON5 source with ",," near its end: the Python reader (the json5
                    grammar) reads up to the error to locate it
  largest corpus    tests/corpus's largest file as it is (strict: json.loads alone), then as
                    JSON5 and cut in half

With --old, the json5 package that altsim used before (if installed) reads the 1 MB JSON5
source once, for comparison (about 15 s). A measurement, not a test: it exits 0 whatever the
figures.

Run: python bench/json5_speed.py [--repeats 7] [--old]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from altsim.core.jsontext import Document, SyntaxFailure, parse_document  # noqa: E402

CORPUS = ROOT / "tests" / "corpus"


def source(apps: int) -> dict[str, Any]:
    return {"name": "Big", "identifier": "com.example.big", "apps": [{
        "name": f"App {i}", "bundleIdentifier": f"com.example.app{i}", "developerName": "Dev",
        "localizedDescription": "A description of this app. " * 8,
        "iconURL": f"https://example.com/{i}.png", "versions": [{
            "version": f"1.{j}", "date": "2024-01-01", "size": 1000 + j,
            "downloadURL": f"https://example.com/{i}/{j}.ipa"} for j in range(3)]}
        for i in range(apps)]}


def json5ify(strict: str) -> str:
    """Bare keys, a comment after every closing bracket, trailing commas."""
    text = re.sub(r'(\n *)"([A-Za-z_$][A-Za-z0-9_$]*)":', r"\1\2:", strict)
    return "// JSON5\n" + re.sub(r"\n( *)([}\]])", r",\n\1\2 /* end */", text)


def seconds(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def ratios(raw: bytes, strict: str, repeats: int) -> list[float]:
    """parse_document(raw) / json.loads(strict), measured alternately, one per repeat."""
    found = []
    for _ in range(repeats):
        anchor = seconds(lambda: json.loads(strict))
        measured = seconds(lambda: parse_document(raw, allow_json5=True))
        found.append(measured / anchor)
    return found


def verdict(raw: bytes) -> str:
    parsed = parse_document(raw, allow_json5=True)
    if isinstance(parsed, Document):
        return "read as JSON5" if parsed.json5_only else "strict JSON"
    if not isinstance(parsed, SyntaxFailure) or parsed.json5 is None:
        return "read by JSON5 only"
    return f"JSON5 error at {parsed.json5.line}:{parsed.json5.column}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--old", action="store_true", help="time the json5 package once too")
    args = parser.parse_args()

    big = json.dumps(source(1200), indent=2)
    largest = max(CORPUS.glob("*.json"), key=lambda path: path.stat().st_size)
    corpus = json.dumps(json.loads(largest.read_bytes()), indent=2, ensure_ascii=False)
    cases = [
        ("json5 1 MB", json5ify(big).encode(), big),
        ("truncated 1 MB", big.encode()[:len(big) - 5000], big),
        ("broken json5 1 MB", (json5ify(big)[:-300] + ",," + json5ify(big)[-300:]).encode(), big),
        ("largest corpus, as is", largest.read_bytes(), largest.read_text(encoding="utf-8")),
        ("largest corpus as JSON5", json5ify(corpus).encode(), corpus),
        ("largest corpus, cut in half", corpus.encode()[:len(corpus) // 2], corpus),
    ]
    parse_document(cases[0][1], allow_json5=True)  # imports, compiled patterns
    print(f"largest corpus file: {largest.name}; {args.repeats} repeats; "
          "ratio = parse_document / json.loads of the same document as strict JSON\n")
    print(f"{'case':<30}{'MB':>6}{'json.loads ms':>15}{'min':>8}{'median':>8}   verdict")
    for name, raw, strict in cases:
        found = ratios(raw, strict, args.repeats)
        anchor = min(seconds(lambda strict=strict: json.loads(strict)) for _ in range(3))
        print(f"{name:<30}{len(raw) / 1e6:>6.2f}{anchor * 1000:>15.1f}{min(found):>8.1f}"
              f"{statistics.median(found):>8.1f}   {verdict(raw)}")
    if args.old:
        try:
            import json5  # type: ignore[import-untyped]
        except ImportError:
            print("\n--old: the json5 package is not installed")
            return 0
        anchor = seconds(lambda: json.loads(big))
        old = seconds(lambda: json5.loads(cases[0][1].decode()))
        print(f"\njson5 {json5.__version__} on 'json5 1 MB': {old:.1f} s, "
              f"{old / anchor:.0f} x json.loads")
    return 0


if __name__ == "__main__":
    sys.exit(main())
