from __future__ import annotations

import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
# 35 real public sources, byte for byte, with their provenance (tests/corpus/SOURCES.md)
CORPUS = ROOT / "tests" / "corpus"
SAMPLES = ROOT / "sample_sources"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--fuzz-long", action="store_true",
                     help="run the fuzz and crash suites for hours instead of minutes "
                          "(or set ALTSIM_FUZZ_LONG=1)")


def pytest_configure(config: pytest.Config) -> None:
    # The quick suite replays the same examples every run, so a commit's verdict does not
    # depend on luck; the long mode (--fuzz-long) draws new ones each time, to find bugs.
    settings.register_profile("quick", derandomize=True, print_blob=True)
    settings.register_profile("explore", print_blob=True)
    settings.load_profile("explore" if fuzz_long(config) else "quick")


def fuzz_long(config: pytest.Config) -> bool:
    """Whether the long fuzz and crash mode was asked for (--fuzz-long or ALTSIM_FUZZ_LONG)."""
    return bool(config.getoption("--fuzz-long") or os.environ.get("ALTSIM_FUZZ_LONG"))


@pytest.fixture(scope="session")
def long_mode(request: pytest.FixtureRequest) -> bool:
    """True in the long fuzz and crash mode: tests scale their case counts up with it."""
    return fuzz_long(request.config)


def corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.json"))


@pytest.fixture(scope="session")
def corpus() -> list[Path]:
    files = corpus_files()
    assert len(files) == 35, f"the corpus in {CORPUS} is incomplete"
    return files


def altsim(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "altsim", *args], capture_output=True,
                          text=True, env=env, timeout=60)


class Routes(http.server.BaseHTTPRequestHandler):
    """Serves `routes` (path -> status, body); set it in the test."""

    routes: dict[str, tuple[int, bytes]] = {}

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        status, body = self.routes.get(self.path, (404, b"<html>Not Found</html>"))
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    request_queue_size = 256  # the fetcher opens up to 64 connections at once
    daemon_threads = True


@pytest.fixture
def server() -> Iterator[str]:
    httpd = _Server(("127.0.0.1", 0), Routes)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
