"""Mutated real sources through every command and format: never a traceback, never a hang,
JSON that parses, and no raw control, bidi or separator character in what is printed.

What is mutated (tests/mutate.py), from the 35 corpus files (CI mode: the small ones):

* structure: values of another type, 2**64, 1e400, -0, lone surrogate escapes, C0/C1/ESC/bidi
  characters planted in strings, very long strings, edge dates and versions, keys removed,
  duplicated or renamed, arrays shuffled or grown, deep nesting;
* bytes: flips, inserts, deletes, truncation, BOMs, other encodings, invalid UTF-8, JSON5
  syntax (comments, trailing commas, single quotes, unquoted keys, hex, Infinity);
* for ``check URL``, the answer of a real server on 127.0.0.1: status (3xx loops, 204, 999),
  reason phrase, Content-Type, Content-Encoding (honest, lying, a thousand codings),
  Content-Length (short, long, absurd, twice), chunked framing.

Every command runs as ``altsim.cli.main(argv)`` in this process, stdout and stderr strict
UTF-8 (tests/fuzz_run.py), and a few as real processes. What each case must show is listed in
tests/fuzz_run.py (``problems``). A failure prints each failing case's seed, mutations and
command line, and saves a reproducer (the bytes and the rerun command) under
$ALTSIM_FUZZ_FAILURES, default $TMPDIR/altsim-fuzz-failures/seed-N.

CI mode uses fixed seeds, so a run is reproducible. ``--fuzz-long`` (or ALTSIM_FUZZ_LONG=1)
draws new seeds from the whole corpus, many more per test; tests/fuzz_long.py runs 100,000
cases in parallel with a summary.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from .fuzz_cases import FAMILIES, Case, make_case
from .fuzz_run import UNSAFE, Outcome, problems, report, run_case, run_in_process
from .fuzz_server import AnswerServer, serving
from .mutate import mutate_bytes, mutate_structure

CI_CASES = 150  # per command and format: 1,800 cases, ~30 s on 2 shared cores
LONG_CASES = 3_000
CI_PROCESSES = 8  # real `python -m altsim` runs (~0.4 s each)
LONG_PROCESSES = 300
BOUND = 10.0  # seconds; a case of a small file takes well under one
LONG_BOUND = 30.0  # the long mode reads the biggest corpus files too
SHOWN = 8  # failing cases printed in full; the rest are counted (all are saved)


@pytest.fixture(scope="module")
def answer_server() -> Iterator[AnswerServer]:
    with serving() as server:
        yield server


def _first_seed(long_mode: bool, offset: int) -> int:
    """Fixed in CI mode; in long mode, new seeds each run (each failure names its seed)."""
    if not long_mode:
        return offset * 1_000_000
    return int.from_bytes(os.urandom(4), "big") * 10_000


def _run_many(cases: list[Case], workdir: Path, bound: float, server: AnswerServer) -> None:
    failures = []
    for case in cases:
        argv, outcome, found = run_case(case, workdir, bound, server)
        if found:
            failures.append(report(case, argv, outcome, found))
    assert not failures, (f"{len(failures)} of {len(cases)} cases failed "
                          f"(the first {min(len(failures), SHOWN)} shown):\n\n"
                          + "\n\n".join(failures[:SHOWN]))


@pytest.mark.parametrize("family", FAMILIES, ids=[f"{c}-{f}" for c, f in FAMILIES])
def test_mutated_sources_through_every_command_and_format(
        family: tuple[str, str], long_mode: bool, tmp_path: Path,
        answer_server: AnswerServer) -> None:
    count = LONG_CASES if long_mode else CI_CASES
    first = _first_seed(long_mode, FAMILIES.index(family) + 1)
    cases = [make_case(seed, long=long_mode, family=family)
             for seed in range(first, first + count)]
    _run_many(cases, tmp_path, LONG_BOUND if long_mode else BOUND, answer_server)


def test_mutated_sources_through_real_processes(long_mode: bool, tmp_path: Path,
                                                answer_server: AnswerServer) -> None:
    """As a user runs altsim: a real process, its output to pipes (strict UTF-8), every
    family in turn; the file name may hold bytes that are not UTF-8."""
    count = LONG_PROCESSES if long_mode else CI_PROCESSES
    first = _first_seed(long_mode, 99)
    cases = [make_case(seed, long=long_mode, family=FAMILIES[index % len(FAMILIES)],
                       subprocess=True)
             for index, seed in enumerate(range(first, first + count))]
    _run_many(cases, tmp_path, 60.0, answer_server)


# --- the fuzz suite's own parts: what it asserts must catch what it is meant to catch ------


@pytest.mark.parametrize("character", ["\x1b", "\x00", "\r", "\x7f", "\x85", "\x9b", "\u061c",
                                       "\u200e", "\u200f", "\u202a", "\u202e", "\u2066",
                                       "\u2069", "\u2028", "\u2029"])
def test_the_oracle_finds_a_raw_unsafe_character(character: str) -> None:
    case = make_case(1, family=("check", "text"))
    outcome = Outcome(0, f"name: a{character}b\n".encode(), b"", 0.0)
    assert any(f"U+{ord(character):04X}" in p for p in problems(case, outcome, 1.0))


def test_the_oracle_accepts_escaped_text_newlines_tabs_and_readable_unicode() -> None:
    case = make_case(1, family=("check", "json"))
    text = json.dumps({"name": "a\u001b\u009b\u202e\u2028 é \U0001f600\tb"}) + "\n"
    assert problems(case, Outcome(1, text.encode(), b"", 0.0), 1.0) == []
    assert UNSAFE.search("tab\there, line\nthere, \ufffd and \u00e9") is None


def test_the_oracle_rejects_output_that_is_not_strict_json() -> None:
    case = make_case(1, family=("preview", "json"))
    for text in ('{"size": NaN}', '{"a": 1', "", "[1]\n[2]"):
        assert problems(case, Outcome(0, text.encode(), b"", 0.0), 1.0), text


def _with_main(replacement, argv: list[str], bound: float = BOUND) -> Outcome:
    import altsim.cli

    original = altsim.cli.main
    altsim.cli.main = replacement
    try:
        return run_in_process(argv, bound)
    finally:
        altsim.cli.main = original


def test_the_runner_fails_as_a_terminal_does_on_an_unencodable_character() -> None:
    """A lone surrogate written to stdout raises, as on a real UTF-8 terminal or pipe."""

    def writes_a_surrogate(argv: list[str] | None = None) -> int:
        print("name: \ud800")
        return 0

    outcome = _with_main(writes_a_surrogate, ["check", "x"])
    assert outcome.error is not None
    assert "UnicodeEncodeError" in outcome.error


def test_the_timer_bounds_a_case() -> None:
    """A case that does not finish in its bound ends as a hang, quickly."""
    import time

    outcome = _with_main(lambda argv=None: time.sleep(5) or 0, ["check", "x"], 0.2)
    assert outcome.hung
    assert outcome.seconds < 2


def test_check_os_exit_is_caught_in_process(tmp_path: Path) -> None:
    """check, preview and matrix end with os._exit in a real run: here it is an exit status."""
    source = tmp_path / "s.json"
    source.write_bytes(b"{}")
    outcome = run_in_process(["check", str(source)], BOUND)
    assert outcome.status == 1
    assert outcome.error is None


def test_a_seed_gives_the_same_case() -> None:
    for seed in range(40):
        first, again = make_case(seed), make_case(seed)
        for name in ("corpus_file", "new", "old", "options", "steps", "http", "file_name"):
            assert getattr(first, name) == getattr(again, name), (seed, name)


def test_the_mutators_change_the_source_in_the_ways_they_say() -> None:
    raw = json.dumps({"name": "S", "identifier": "s", "apps": [
        {"name": "A", "bundleIdentifier": "com.a", "versions": [{"version": "1.0"}]}]}).encode()
    kinds = set()
    for seed in range(300):
        rng = random.Random(seed)
        structured, steps = mutate_structure(rng, raw)
        kinds.update(step.split()[0] for step in steps)
        assert structured != raw or any(s.startswith(("shuffle", "reverse")) for s in steps)
        changed, byte_steps = mutate_bytes(random.Random(seed), raw)
        kinds.update(step.split()[0] for step in byte_steps)
    assert {"plant", "replace", "edge", "remove", "duplicate", "rename", "add", "nest",
            "flip", "insert", "delete", "truncate", "json5", "prefix", "re-encode"} <= kinds
