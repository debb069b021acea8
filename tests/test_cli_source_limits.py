"""check, preview, matrix and diff fetch their SOURCE under limits the command line sets (the
same option group as verify's downloads): a drip ends at --stall-timeout, a large file is
refused past --max-size, each with one line on stderr. Real processes, a real server."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import SAMPLES, altsim
from .hostile_server import HostileServer, drip

CLEAN = SAMPLES / "clean.json"


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    with HostileServer() as server:
        yield server


@pytest.mark.parametrize("command", [["check"], ["preview"], ["matrix"], ["diff", str(CLEAN)]])
def test_a_dripping_source_ends_at_the_stall_timeout(hostile: HostileServer,
                                                     command: list[str]) -> None:
    hostile.routes["/apps.json"] = drip(every=0.2)  # never silent, yet no progress
    start = time.monotonic()
    run = altsim(*command, f"{hostile.base}/apps.json", "--stall-timeout", "1")
    assert time.monotonic() - start < 15  # the default stall timeout alone is 20 s
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    assert "apps.json" in lines[0]
    assert "in 1 s after the headers" in lines[0]


def test_max_size_caps_files_too_and_says_how_to_raise_it(tmp_path: Path) -> None:
    refused = altsim("check", str(CLEAN), "--max-size", "1K")
    assert refused.returncode == 2
    assert "larger than 1,024 bytes (--max-size raises the limit)" in refused.stderr
    assert altsim("check", str(CLEAN), "--max-size", "1M").returncode == 0


def test_help_shows_the_source_limits_with_their_defaults() -> None:
    for command in ("check", "preview", "matrix", "diff"):
        help_text = " ".join(altsim(command, "--help").stdout.split())
        assert "--stall-timeout SECONDS" in help_text
        assert "(default: 20)" in help_text
        assert "(default: 64 MiB)" in help_text
