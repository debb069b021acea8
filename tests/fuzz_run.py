"""Running one fuzz case and judging what came out.

A case runs either in this process (``altsim.cli.main(argv)`` with stdout and stderr replaced by
strict UTF-8 text streams over bytes, as a terminal or a pipe would refuse an unencodable
character) or as a real ``python -m altsim`` process. Both are bounded by a real timer.

What every case must show (``problems``):

* no uncaught exception and no traceback on stderr; the exit status is 0, 1 or 2 (README);
* an answer within the time bound;
* ``--format json``: stdout is one strict JSON document (no NaN or Infinity);
* stdout and stderr are UTF-8 with no raw C0 control but newline and tab, no ESC, DEL, C1
  (U+0080-U+009F), bidi control (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069) and no
  U+2028/U+2029: such characters come from hostile text and must be escaped or replaced.

A failing case is saved with ``save_reproducer``: its bytes, the command line to rerun it and
what came out, in a directory named by its seed.
"""

from __future__ import annotations

import gc
import io
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from .fuzz_cases import Case, describe
from .fuzz_server import AnswerServer

ROOT = Path(__file__).resolve().parent.parent
EXIT_STATUSES = (0, 1, 2)  # README: accepted, rejected, unreadable or wrong arguments
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
                    "\u2066-\u2069\u2028\u2029]")
TRACEBACK_MARKS = ("Traceback (most recent call last)", "Exception ignored in",
                   "Task exception was never retrieved")
FAILURES_DIR = Path(os.environ.get("ALTSIM_FUZZ_FAILURES")
                    or Path(tempfile.gettempdir()) / "altsim-fuzz-failures")


@dataclass(slots=True)
class Outcome:
    status: int | None  # None: no exit status (an exception, or the timer)
    stdout: bytes
    stderr: bytes
    seconds: float
    error: str | None = None  # the traceback of an exception that escaped main()
    hung: bool = False


class CaseTimeout(BaseException):
    """The real timer went off: a BaseException, so no ``except Exception`` swallows it."""


class _HardExit(BaseException):
    """os._exit(status) inside main(): check, preview and matrix end that way in a real run."""


def run_in_process(argv: list[str], bound: float) -> Outcome:
    """``altsim.cli.main(argv)`` here, stdout and stderr strict UTF-8 over bytes."""
    from altsim.cli import main

    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")
    saved = sys.stdout, sys.stderr, os._exit

    def hard_exit(status: int) -> None:
        raise _HardExit(status)

    def alarm(signum: int, frame: object) -> None:
        raise CaseTimeout

    previous = signal.signal(signal.SIGALRM, alarm)
    status: int | None = None
    error = None
    hung = False
    start = time.perf_counter()
    sys.stdout, sys.stderr = out, err
    os._exit = hard_exit  # type: ignore[assignment]
    try:
        signal.setitimer(signal.ITIMER_REAL, bound)
        try:
            status = main(argv)
        except _HardExit as stop:
            status = stop.args[0]
        except SystemExit as stop:
            status = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except CaseTimeout:
        hung = True
    except Exception:  # the finding itself: an exception out of main()
        error = traceback.format_exc()
    finally:
        seconds = time.perf_counter() - start
        sys.stdout, sys.stderr, os._exit = saved
        signal.signal(signal.SIGALRM, previous)
        gc.enable()  # check and preview turn the collector off for their short life
    return Outcome(status, _drain(out), _drain(err), seconds, error, hung)


def _drain(stream: io.TextIOWrapper) -> bytes:
    try:
        stream.flush()
    except (UnicodeEncodeError, ValueError):
        pass  # what could not be encoded was already reported where it was written
    buffer = stream.buffer
    assert isinstance(buffer, io.BytesIO)
    return buffer.getvalue()


def run_subprocess(argv: list[str], bound: float) -> Outcome:
    """``python -m altsim argv`` as a user runs it, output to pipes in strict UTF-8."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict", "LC_ALL": "C.UTF-8",
           "PYTHONPATH": str(ROOT)}
    env.pop("NO_COLOR", None)
    start = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-m", "altsim", *map(_as_argument, argv)],
                              capture_output=True,
                              timeout=bound, env=env, cwd=ROOT, check=False)
    except subprocess.TimeoutExpired as late:
        return Outcome(None, late.stdout or b"", late.stderr or b"",
                       time.perf_counter() - start, hung=True)
    return Outcome(done.returncode, done.stdout, done.stderr, time.perf_counter() - start)


def _as_argument(text: str) -> bytes:
    """An argument as bytes for exec: a lone surrogate that is not surrogateescape's (U+D800)
    cannot reach a real process as text; its UTF-8 bytes arrive as Python would read them."""
    try:
        return os.fsencode(text)
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


def run_case(case: Case, workdir: Path, bound: float, server: AnswerServer | None = None
             ) -> tuple[list[str], Outcome, list[str]]:
    """Write the case's files into ``workdir``, run it, and judge it: the command line, what
    came out, and what is wrong with it."""
    argv = case_argv(case, workdir, server)
    runner = run_subprocess if case.subprocess else run_in_process
    try:
        outcome = runner(argv, bound)
    finally:
        if server is not None:
            server.forget(str(case.seed))
    return argv, outcome, problems(case, outcome, bound)


def case_argv(case: Case, workdir: Path, server: AnswerServer | None) -> list[str]:
    if case.command == "check-url":
        assert server is not None
        assert case.http is not None
        suffix = "" if case.file_name == "source.json" else "/" + case.file_name
        return case.argv(server.url_for(str(case.seed), case.http, suffix))
    new = workdir / case.file_name
    new.write_bytes(case.new)
    old = None
    if case.old is not None:
        old = workdir / "old.json"
        old.write_bytes(case.old)
    return case.argv(str(new), None if old is None else str(old))


def problems(case: Case, outcome: Outcome, bound: float) -> list[str]:
    """What is wrong with how a case ended; empty when it is fine."""
    found = []
    if outcome.hung:
        found.append(f"no answer within {bound:g} s")
    if outcome.error is not None:
        found.append("uncaught exception: " + outcome.error.strip().splitlines()[-1])
    if not outcome.hung and outcome.error is None and outcome.status not in EXIT_STATUSES:
        found.append(f"exit status {outcome.status}, not one of {EXIT_STATUSES}")
    for name, data in (("stdout", outcome.stdout), ("stderr", outcome.stderr)):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            found.append(f"{name} is not UTF-8: {error}")
            continue
        if name == "stderr" and (mark := next((m for m in TRACEBACK_MARKS if m in text), None)):
            last = text.strip().splitlines()[-1] if text.strip() else ""
            found.append(f"traceback on stderr ({mark!r}): {last[:200]}")
        for match in list(UNSAFE.finditer(text))[:3]:
            at = match.start()
            found.append(f"raw U+{ord(match[0]):04X} in {name} at character {at}: "
                         f"{text[max(at - 40, 0):at + 20]!r}")
    if case.format == "json" and not outcome.hung and outcome.error is None:
        found += _json_problems(outcome)
    return found


def _json_problems(outcome: Outcome) -> list[str]:
    text = outcome.stdout.decode("utf-8", "replace")
    if not text.strip():
        # exit status 2 may come before any document (an unreadable source, a bad option)
        return [] if outcome.status == 2 else ["--format json printed nothing"]

    def refuse(constant: str) -> object:
        raise ValueError(f"{constant} is not JSON")

    try:
        json.loads(text, parse_constant=refuse)
    except ValueError as error:
        return [f"--format json output does not parse: {error}"]
    return []


def save_reproducer(case: Case, argv: list[str], outcome: Outcome, found: list[str],
                    root: Path = FAILURES_DIR) -> Path:
    """The case's bytes, its command line and what came out, under ``root/seed-N``."""
    where = root / f"seed-{case.seed}"
    where.mkdir(parents=True, exist_ok=True)
    (where / "new.json").write_bytes(case.new)
    if case.old is not None:
        (where / "old.json").write_bytes(case.old)
    if case.http is not None:
        answer = case.http
        (where / "http-body.bin").write_bytes(answer.body)
        (where / "http-answer.txt").write_text(
            f"{answer.status} {answer.reason!r}\n"
            + "".join(f"{name!r}: {value!r}\n" for name, value in answer.headers))
    (where / "stdout.bin").write_bytes(outcome.stdout)
    (where / "stderr.bin").write_bytes(outcome.stderr)
    shown = [ascii(a)[1:-1] if not a.isprintable() else a for a in argv]
    (where / "command.txt").write_text(
        describe(case) + "\n\nran: altsim " + shlex.join(shown)
        + f"\n(file name {case.file_name!r} holds new.json's bytes; old.json is OLD)\n"
        + f"rerun: {replay_command(case)}\n\n" + "\n".join(found) + "\n"
        + (outcome.error or ""))
    return where


def replay_command(case: Case) -> str:
    return (f".venv/bin/python tests/fuzz_long.py --replay {case.seed} "
            f"--family {case.command}:{case.format}" + (" --long" if case.long else "")
            + (" --subprocess" if case.subprocess else ""))


def report(case: Case, argv: list[str], outcome: Outcome, found: list[str]) -> str:
    """A failure in a few lines: what was wrong, the case, and where its reproducer is."""
    where = save_reproducer(case, argv, outcome, found)
    return (f"{describe(case)}\n  " + "\n  ".join(found)
            + f"\n  reproducer: {where}/command.txt"
            + (f"\n{outcome.error}" if outcome.error else ""))
