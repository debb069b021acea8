"""A Content-Encoding header that lists a thousand codings, through every command that fetches,
run as a user runs them: real processes against a real HTTP server on 127.0.0.1.

Each coding used to be one more generator nested in the last, so 1,200 codings raised
RecursionError (a 50-line traceback) in check, preview, sources add and refresh alike.
"""

from __future__ import annotations

import gzip
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from altsim.net.bounded_body import MAX_CODINGS

from .conftest import SAMPLES, altsim
from .hostile_server import HostileServer, serve_bytes

SOURCE = (SAMPLES / "clean.json").read_bytes()
CODINGS = ", ".join(["gzip"] * 1200)
REFUSED = ("the Content-Encoding header lists 1,200 codings; altsim decodes at most "
           f"{MAX_CODINGS} (servers send one or two)")


def nested_gzip(data: bytes, layers: int) -> bytes:
    for _ in range(layers):
        data = gzip.compress(data, mtime=0)
    return data


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    with HostileServer() as server:
        server.routes["/apps.json"] = serve_bytes(nested_gzip(SOURCE, 1200),
                                                  Content_Encoding=CODINGS)
        server.routes["/good.json"] = serve_bytes(SOURCE)
        yield server


def one_line_error(stream: str) -> str:
    assert "Traceback" not in stream
    lines = stream.strip().splitlines()
    assert len(lines) == 1, stream
    return lines[0]


@pytest.mark.parametrize("command", ["check", "preview"])
def test_qa_commands_refuse_a_thousand_codings_in_one_line(hostile: HostileServer,
                                                            command: str) -> None:
    start = time.monotonic()
    run = altsim(command, f"{hostile.base}/apps.json")
    assert time.monotonic() - start < 10
    assert run.returncode == 2  # SOURCE cannot be read
    assert one_line_error(run.stderr) == (f"altsim {command}: cannot read "
                                          f"{hostile.base}/apps.json: {REFUSED}")


def world_env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "ALTSIM_HOME": str(tmp_path / "home")}


def test_sources_add_refuses_a_thousand_codings_in_one_line(hostile: HostileServer,
                                                             tmp_path: Path) -> None:
    run = altsim("sources", "add", "--yes", f"{hostile.base}/apps.json", env=world_env(tmp_path))
    assert run.returncode == 1
    assert one_line_error(run.stderr) == f"altsim: {hostile.base}/apps.json: {REFUSED}"


def test_refresh_reports_a_thousand_codings_as_that_sources_error(hostile: HostileServer,
                                                                   tmp_path: Path) -> None:
    env = world_env(tmp_path)
    url = f"{hostile.base}/good.json"
    assert altsim("sources", "add", "--yes", url, env=env).returncode == 0
    hostile.routes["/good.json"] = hostile.routes["/apps.json"]  # the server turns hostile
    run = altsim("refresh", env=env)
    assert "Traceback" not in run.stderr
    assert run.returncode == 1  # a source failed
    assert run.stdout.splitlines()[0].endswith(f"Source: {url}: {REFUSED}")
    for flag in (["--background"], ["--format", "json"]):
        again = altsim("refresh", *flag, env=env)
        assert (again.returncode, "Traceback" in again.stderr) == (1, False)


def test_up_to_five_genuinely_nested_layers_are_decoded(hostile: HostileServer) -> None:
    hostile.routes["/five.json"] = serve_bytes(nested_gzip(SOURCE, MAX_CODINGS),
                                               Content_Encoding=", ".join(["gzip"] * MAX_CODINGS))
    hostile.routes["/six.json"] = serve_bytes(nested_gzip(SOURCE, MAX_CODINGS + 1),
                                              Content_Encoding=", ".join(["gzip"] * 6))
    assert altsim("check", f"{hostile.base}/five.json").returncode == 0
    six = altsim("check", f"{hostile.base}/six.json")
    assert six.returncode == 2
    assert "lists 6 codings; altsim decodes at most 5" in one_line_error(six.stderr)
