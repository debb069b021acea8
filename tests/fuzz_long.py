"""The command fuzz suite's long run: N cases (default 100,000) across every command and format,
in parallel worker processes, with progress and a summary.

    .venv/bin/python tests/fuzz_long.py                      # 100,000 cases, 2 workers
    .venv/bin/python tests/fuzz_long.py --cases 2000 --jobs 2 --seed 7
    .venv/bin/python tests/fuzz_long.py --replay 123 --family check:json    # one case again

Each case is drawn from its seed (tests/fuzz_cases.py: a corpus file, its mutations, a command
line, an HTTP answer for check URL) and judged as in tests/test_fuzz_commands.py
(tests/fuzz_run.py). Workers run cases in their own process (a real timer bounds each one)
and every ``--subprocess-every``-th case as a real ``python -m altsim``; the parent kills a
worker that goes silent (a hang the timer could not interrupt) and goes on after that case.
Failing cases are saved under $ALTSIM_FUZZ_FAILURES (default: $TMPDIR/altsim-fuzz-failures),
one directory per seed, with the rerun command.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import queue
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.fuzz_cases import FAMILIES, make_case  # noqa: E402 (after the path is set)
from tests.fuzz_run import FAILURES_DIR, run_case, save_reproducer  # noqa: E402
from tests.fuzz_server import serving  # noqa: E402

CHUNK = 500  # cases per worker process before a fresh one takes over (bounded memory)
SILENCE = 60.0  # seconds beyond the case bound before the parent kills a silent worker


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--seed", type=int, help="first seed (default: random, printed)")
    parser.add_argument("--bound", type=float, default=30.0,
                        help="seconds a case may take before it counts as a hang (default 30)")
    parser.add_argument("--subprocess-every", type=int, default=200,
                        help="run every Nth case as a real process (default 200; 0: never)")
    parser.add_argument("--small", action="store_true",
                        help="only the CI mode's small corpus files (faster)")
    parser.add_argument("--replay", type=int, metavar="SEED", help="run one case and show it")
    parser.add_argument("--family", help="COMMAND:FORMAT for --replay (as in the reproducer)")
    parser.add_argument("--long", action="store_true", help="for --replay: a long-mode case")
    parser.add_argument("--subprocess", action="store_true", help="for --replay: as a process")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--start", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.replay is not None:
        return replay(args)
    if args.worker:
        return work(args.start, args.cases, args.bound, args.subprocess_every, not args.small)
    return run_all(args)


def replay(args: argparse.Namespace) -> int:
    family = tuple(args.family.split(":", 1)) if args.family else None
    case = make_case(args.replay, long=args.long, family=family,  # type: ignore[arg-type]
                     subprocess=args.subprocess)
    with tempfile.TemporaryDirectory() as workdir, serving() as server:
        argv, outcome, found = run_case(case, Path(workdir), args.bound, server)
    print("case:", case.command, case.format, case.corpus_file, "; ".join(case.steps))
    print("argv:", argv)
    print(f"exit status {outcome.status} in {outcome.seconds:.3f} s")
    print("stdout:", outcome.stdout[:4000])
    print("stderr:", outcome.stderr[:4000])
    if outcome.error:
        print(outcome.error)
    print("problems:", *found or ["none"], sep="\n  ")
    if found:
        print("saved:", save_reproducer(case, argv, outcome, found))
    return 1 if found else 0


def work(start: int, count: int, bound: float, subprocess_every: int, long: bool) -> int:
    """A worker: run seeds start.. start+count-1, one JSON line per case on stdout."""
    with tempfile.TemporaryDirectory() as workdir, serving() as server:
        for seed in range(start, start + count):
            as_process = subprocess_every > 0 and seed % subprocess_every == 0
            case = make_case(seed, long=long, subprocess=as_process)
            argv, outcome, found = run_case(case, Path(workdir), bound, server)
            if found:
                save_reproducer(case, argv, outcome, found)
            line = {"seed": seed, "family": f"{case.command}:{case.format}",
                    "process": as_process, "seconds": round(outcome.seconds, 4),
                    "status": outcome.status,
                    "problems": found, "file": case.corpus_file}
            sys.__stdout__.write(json.dumps(line) + "\n")
            sys.__stdout__.flush()
    return 0


class Tally:
    """What the run found so far."""

    def __init__(self) -> None:
        self.by_family: Counter[str] = Counter()
        self.statuses: dict[str, Counter[object]] = defaultdict(Counter)
        self.processes = 0
        self.kinds: Counter[str] = Counter()
        self.distinct: dict[str, list[int]] = defaultdict(list)  # problem shape -> seeds
        self.slowest: list[tuple[float, int, str, str]] = []
        self.failed_cases = 0

    def add(self, line: dict[str, object]) -> None:
        family, seed = str(line["family"]), int(line["seed"])  # type: ignore[call-overload]
        self.by_family[family] += 1
        self.statuses[family][line["status"]] += 1
        self.processes += bool(line["process"])
        seconds = float(line["seconds"])  # type: ignore[arg-type]
        self.slowest = sorted([*self.slowest, (seconds, seed, family, str(line["file"]))],
                              reverse=True)[:5]
        problems = line["problems"]
        assert isinstance(problems, list)
        self.failed_cases += bool(problems)
        for problem in problems:
            self.kinds[kind_of(problem)] += 1
            self.distinct[f"{family}: {shape_of(problem)}"].append(seed)

    @property
    def cases(self) -> int:
        return sum(self.by_family.values())


def kind_of(problem: str) -> str:
    for prefix, kind in (("no answer", "hang"), ("uncaught", "traceback"),
                         ("traceback", "traceback"), ("raw U+", "unsafe output"),
                         ("--format json", "bad JSON"), ("exit status", "exit status")):
        if problem.startswith(prefix):
            return kind
    return "other"


def shape_of(problem: str) -> str:
    """A problem with its particulars (offsets, quoted context) left out, to group alike."""
    problem = re.sub(r" at character \d+: .*", "", problem)
    return re.sub(r"\d+", "N", problem)[:160]


@dataclass(slots=True)
class Worker:
    """A worker process running seeds first .. first + count - 1, and what it last said."""

    process: subprocess.Popen[str]
    first: int
    count: int
    heard: float  # when it last reported a case
    next_seed: int  # the seed it is running now


def run_all(args: argparse.Namespace) -> int:
    base = args.seed if args.seed is not None else int.from_bytes(os.urandom(4), "big") * 1000
    total = args.cases
    print(f"altsim command fuzz: {total} cases from seed {base}, {args.jobs} workers, "
          f"{args.bound:g} s per case; reproducers in {FAILURES_DIR}", flush=True)
    pending = [(first, min(CHUNK, base + total - first))
               for first in range(base, base + total, CHUNK)]
    lines: queue.Queue[tuple[int, dict[str, object] | None]] = queue.Queue()
    workers: dict[int, Worker] = {}
    tally = Tally()
    hard_hangs: list[int] = []  # seeds at which a worker went silent and was killed
    crashes: list[int] = []  # seeds at which a worker died (the harness's own failure)
    began = last_report = time.monotonic()

    def reader(worker_id: int, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for text in process.stdout:
            lines.put((worker_id, json.loads(text)))
        lines.put((worker_id, None))

    def start(worker_id: int, first: int, count: int) -> None:
        command = [sys.executable, __file__, "--worker", "--start", str(first), "--cases",
                   str(count), "--bound", str(args.bound), "--subprocess-every",
                   str(args.subprocess_every), *(["--small"] if args.small else [])]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        workers[worker_id] = Worker(process, first, count, time.monotonic(), first)
        threading.Thread(target=reader, args=(worker_id, process), daemon=True).start()

    ids = itertools.count()
    while pending or workers:
        while pending and len(workers) < args.jobs:
            start(next(ids), *pending.pop(0))
        try:
            said, line = lines.get(timeout=1.0)
        except queue.Empty:
            said, line = -1, None
        now = time.monotonic()
        if said in workers:
            if line is None:  # it ended: if before its last seed, it crashed there
                worker = workers.pop(said)
                if worker.process.wait() != 0 and worker.next_seed < worker.first + worker.count:
                    crashes.append(worker.next_seed)
                    print(f"worker crashed at seed {worker.next_seed}", flush=True)
                    rest = worker.first + worker.count - worker.next_seed - 1
                    if rest > 0:
                        pending.insert(0, (worker.next_seed + 1, rest))
            else:
                tally.add(line)
                workers[said].heard = now
                workers[said].next_seed = int(line["seed"]) + 1  # type: ignore[call-overload]
        for key, worker in list(workers.items()):
            if now - worker.heard > args.bound + SILENCE:  # a hang the case's timer missed
                hung = worker.next_seed
                hard_hangs.append(hung)
                print(f"worker silent for {now - worker.heard:.0f} s at seed {hung}: killed",
                      flush=True)
                worker.process.kill()
                del workers[key]
                rest = worker.first + worker.count - hung - 1
                if rest > 0:
                    pending.insert(0, (hung + 1, rest))
        if now - last_report >= 15:
            last_report = now
            rate = tally.cases / (now - began)
            print(f"{tally.cases}/{total} cases, {rate:.1f}/s, {tally.failed_cases} failing, "
                  f"{len(tally.distinct)} distinct problems", flush=True)
    summarize(tally, hard_hangs, crashes, time.monotonic() - began)
    return 1 if tally.failed_cases or hard_hangs or crashes else 0


def summarize(tally: Tally, hard_hangs: list[int], crashes: list[int], seconds: float
              ) -> None:
    print(f"\n{tally.cases} cases in {seconds:.0f} s: {tally.cases / max(seconds, 1e-9):.1f} "
          f"cases/s ({tally.processes} as real processes)")
    print("cases per command and format (exit status 0 accepted, 1 rejected, 2 unreadable or "
          "wrong arguments):")
    for family in (f"{command}:{fmt}" for command, fmt in FAMILIES):
        statuses = tally.statuses[family]
        shown = "  ".join(f"{status}: {statuses[status]}" for status in
                          sorted(statuses, key=str))
        print(f"  {family:<18} {tally.by_family[family]:>7}   {shown}")
    print(f"failing cases: {tally.failed_cases}; problems by kind: "
          + (", ".join(f"{kind} {n}" for kind, n in tally.kinds.most_common()) or "none"))
    if hard_hangs:
        print(f"workers killed after going silent (hangs) at seeds: {hard_hangs}")
    if crashes:
        print(f"workers that died (see their stderr above) at seeds: {crashes}")
    for shape, seeds in sorted(tally.distinct.items(), key=lambda item: -len(item[1])):
        print(f"  {len(seeds):>6} × {shape}\n         seeds {seeds[:5]}")
    print("slowest cases:")
    for case_seconds, seed, family, file in tally.slowest:
        print(f"  {case_seconds:8.2f} s  seed {seed}  {family}  {file}")
    if tally.failed_cases:
        print(f"reproducers: {FAILURES_DIR}/seed-N/command.txt")


if __name__ == "__main__":
    sys.exit(main())
