"""check, preview, matrix and diff fetch their SOURCE under limits the command line sets (the
same option group as verify's downloads): a drip ends at --stall-timeout, a large file is
refused past --max-size, each with one line on stderr. Real processes, a real server."""

from __future__ import annotations

import json
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


def test_a_local_file_past_the_download_cap_is_read_whole(tmp_path: Path) -> None:
    # 65 MiB of a valid source: a download would stop at 64 MiB, the user's own file does not
    big = tmp_path / "big.json"
    with big.open("wb") as file:
        file.write(b'{"name": "Big", "apps": [], "padding": "')
        file.write(b"a" * (65 << 20))
        file.write(b'"}')
    run = altsim("check", "--format", "json", "--select", "unread-key", str(big))
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["results"][0]["accepted"] is True
    assert altsim("check", str(big), "--max-size", "64M").returncode == 2


def test_a_device_stops_at_the_cap() -> None:
    run = altsim("check", "/dev/zero", "--max-size", "1M")
    assert run.returncode == 2
    assert "/dev/zero: larger than 1 MiB" in run.stderr


def test_help_shows_the_source_limits_with_their_defaults() -> None:
    for command in ("check", "preview", "matrix", "diff"):
        help_text = " ".join(altsim(command, "--help").stdout.split())
        assert "--stall-timeout SECONDS" in help_text
        assert "(default: 20)" in help_text
        assert "(default: 64 MiB)" in help_text
