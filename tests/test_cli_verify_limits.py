"""`altsim verify` against servers that drip, stall or never end: each download stops promptly
with a one-line reason naming its URL and what was slow, under the fetch limits the command
line sets. Real processes, real servers on 127.0.0.1."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import altsim
from .hostile_server import HostileServer, drip, endless, serve_bytes, stall_after
from .test_cli_verify import GOOD, entry, write_source


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    with HostileServer() as server:
        yield server


def timed_verify(source: str, *args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.monotonic()
    run = altsim("verify", source, *args)
    return time.monotonic() - start, run


def one_line(stderr: str) -> str:
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


def test_a_drip_after_the_headers_ends_at_the_stall_timeout(hostile: HostileServer,
                                                            tmp_path: Path) -> None:
    hostile.routes["/silent.ipa"] = drip(every=3)  # a byte every 3 s: silent for the timeout
    hostile.routes["/drip.ipa"] = drip(every=0.2)  # never silent for 1 s, yet no progress
    for name, reason in [("silent", "no data for 1 s after the headers"),
                         ("drip", r"only \d bytes? in 1 s after the headers")]:
        url = f"{hostile.base}/{name}.ipa"
        source = write_source(tmp_path, [entry(url)])
        took, run = timed_verify(source, "--stall-timeout", "1")
        assert took < 6, took
        assert run.returncode == 1  # a download that stalls: the archive would be refused
        assert re.fullmatch(f"altsim verify: {re.escape(url)}: {reason}", one_line(run.stderr))
        assert "FAIL  download" in run.stdout


def test_a_stall_mid_body_names_what_had_arrived(hostile: HostileServer, tmp_path: Path) -> None:
    url = f"{hostile.base}/x.ipa"
    hostile.routes["/x.ipa"] = stall_after(bytes(1_200_000), length=10_000_000)
    source = write_source(tmp_path, [entry(url)])
    took, run = timed_verify(source, "--stall-timeout", "1", "--format", "json")
    assert took < 6, took
    assert run.returncode == 1
    assert one_line(run.stderr) == f"altsim verify: {url}: no data for 1 s after 1.2 MB of 10.0 MB"
    assert '"The app archive could not be downloaded: no data for 1 s after 1.2 MB of 10.0 MB."' \
        in run.stdout


def test_a_body_that_never_ends_stops_at_the_time_budget_or_the_size_cap(
        hostile: HostileServer, tmp_path: Path) -> None:
    url = f"{hostile.base}/x.ipa"
    hostile.routes["/x.ipa"] = endless()
    source = write_source(tmp_path, [entry(url)])
    took, run = timed_verify(source, "--max-time", "2")
    assert took < 7, took
    assert run.returncode == 1
    assert re.fullmatch(
        rf"altsim verify: {re.escape(url)}: took longer than the 2 s time budget: the body was "
        r"still arriving, [\d.]+ [kMG]B in [12]\.\d s \([\d.]+ [kMG]B/s\)", one_line(run.stderr))
    took, run = timed_verify(source, "--max-size", "1M")
    assert took < 6, took
    assert run.returncode == 1
    assert one_line(run.stderr) == (f"altsim verify: {url}: the body is larger than 1 MiB after "
                                    "decompression")


def test_the_limits_leave_a_good_download_alone(hostile: HostileServer, tmp_path: Path) -> None:
    hostile.routes["/x.ipa"] = serve_bytes(GOOD)
    source = write_source(tmp_path, [entry(f"{hostile.base}/x.ipa")])
    _, run = timed_verify(source, "--stall-timeout", "1", "--max-time", "5", "--max-size",
                          str(len(GOOD)), "--connect-timeout", "1")
    assert (run.returncode, run.stderr) == (0, "")


@pytest.mark.parametrize(("option", "value"), [
    ("--stall-timeout", "0"), ("--max-time", "soon"), ("--max-size", "1.5G"),
    ("--connect-timeout", "nan"), ("--max-size", "-1")])
def test_bad_limits_are_usage_errors(tmp_path: Path, option: str, value: str) -> None:
    source = write_source(tmp_path, [entry("https://example.invalid/x.ipa")])
    run = altsim("verify", source, f"{option}={value}")
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert f"argument {option}: expected" in run.stderr


def test_help_documents_the_limits_with_an_example() -> None:
    run = altsim("verify", "--help")
    assert run.returncode == 0
    help_text = " ".join(run.stdout.split())
    for option, default in [("--connect-timeout SECONDS", "(default: 10)"),
                            ("--stall-timeout SECONDS", "(default: 30)"),
                            ("--max-time SECONDS", "(default: 1800)"),
                            ("--max-size SIZE", "(default: 4 GiB)")]:
        assert option in help_text
        assert default in help_text.rsplit(option, 1)[1][:300]  # past the usage line
    assert "altsim verify apps.json --stall-timeout 10 --max-time 600 --max-size 2G" \
        in run.stdout


def verify_on_a_terminal(source: str, *args: str, env: dict[str, str]) -> tuple[int, str]:
    """Runs verify with stderr on a pseudo-terminal; its exit status and what the terminal
    showed."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "altsim", "verify", source, *args],
                               stdout=subprocess.DEVNULL, stderr=terminal, stdin=subprocess.DEVNULL,
                               env={**os.environ, "TERM": "xterm-256color", "COLUMNS": "120",
                                    "LINES": "30", **env})
    os.close(terminal)
    shown = bytearray()
    while True:
        try:
            data = os.read(controller, 65536)
        except OSError:  # EIO: the process closed the terminal
            break
        if not data:
            break
        shown += data
    os.close(controller)
    return process.wait(timeout=30), shown.decode(errors="replace")


SGR = re.compile(r"\x1b\[([0-9;]*)m")


def colours(shown: str) -> set[str]:
    """The colour parameters of the SGR sequences (30-49, 90-107), not bold or dim."""
    found = set()
    for sequence in SGR.findall(shown):
        for part in sequence.split(";"):
            if part.isdigit() and (30 <= int(part) <= 49 or 90 <= int(part) <= 107):
                found.add(part)
    return found


@pytest.mark.parametrize("no_color", [False, True])
def test_a_progress_bar_on_a_terminal_shows_a_stall(hostile: HostileServer, tmp_path: Path,
                                                    no_color: bool) -> None:
    url = f"{hostile.base}/x.ipa"
    hostile.routes["/x.ipa"] = stall_after(bytes(1_200_000), length=10_000_000)
    source = write_source(tmp_path, [entry(url)])
    env = {"NO_COLOR": "1" if no_color else ""}  # empty: unset, as NO_COLOR reads it
    start = time.monotonic()
    code, shown = verify_on_a_terminal(source, "--stall-timeout", "3", env=env)
    assert time.monotonic() - start < 9
    assert code == 1
    assert "com.example.x 1.2" in shown  # the bar's label
    assert "1.2/10.0 MB" in shown  # received of announced
    assert "no data for 2 s" in shown  # a stall is visible before it ends the download
    assert f"altsim verify: {url}: no data for 3 s after 1.2 MB of 10.0 MB" in shown
    assert bool(colours(shown)) is not no_color


def test_no_progress_bar_off_a_terminal(hostile: HostileServer, tmp_path: Path) -> None:
    hostile.routes["/x.ipa"] = serve_bytes(GOOD)
    source = write_source(tmp_path, [entry(f"{hostile.base}/x.ipa")])
    run = altsim("verify", source)
    assert (run.returncode, run.stderr) == (0, "")
