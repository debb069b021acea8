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

from altsim.core import fast_decode

ROOT = Path(__file__).resolve().parent.parent
# 35 real public sources, byte for byte, with their provenance (tests/corpus/SOURCES.md)
IN_REPO_CORPUS = ROOT / "tests" / "corpus"
IN_REPO_CORPUS_SIZE = 35
# The real-file tests read the corpus from ALTSIM_CORPUS when it is set (a folder of *.json
# sources, for example a larger or newer collection), else from the copy in this clone.
CORPUS_VARIABLE = "ALTSIM_CORPUS"
CORPUS = (Path(os.environ[CORPUS_VARIABLE]).expanduser().absolute()
          if os.environ.get(CORPUS_VARIABLE) else IN_REPO_CORPUS)
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


def corpus_is_in_repo() -> bool:
    return CORPUS.resolve() == IN_REPO_CORPUS.resolve()


def corpus_files() -> list[Path]:
    """The corpus's sources (*.json), sorted; empty when ALTSIM_CORPUS names no usable folder."""
    return sorted(CORPUS.glob("*.json")) if CORPUS.is_dir() else []


def corpus_unavailable() -> str | None:
    """Why the real-file tests must skip (ALTSIM_CORPUS names a missing or empty folder), or None.

    The copy in this clone is never skipped: the `corpus` fixture fails if it is incomplete.
    """
    if corpus_is_in_repo():
        return None
    if not CORPUS.is_dir():
        return f"{CORPUS_VARIABLE}={CORPUS}: no such folder"
    if not corpus_files():
        return f"{CORPUS_VARIABLE}={CORPUS}: the folder has no *.json sources"
    return None


def corpus_file(name: str) -> Path:
    """One named corpus file; skips (with the reason) when the corpus or that file is absent."""
    reason = corpus_unavailable()
    if reason:
        pytest.skip(reason)
    path = CORPUS / name
    if not path.is_file() and not corpus_is_in_repo():
        pytest.skip(f"{CORPUS_VARIABLE}={CORPUS}: the folder has no {name}")
    return path


@pytest.fixture(scope="session")
def corpus() -> list[Path]:
    reason = corpus_unavailable()
    if reason:
        pytest.skip(reason)
    files = corpus_files()
    if corpus_is_in_repo():
        assert len(files) == IN_REPO_CORPUS_SIZE, f"the corpus in {CORPUS} is incomplete"
    return files


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # A test parametrized over corpus_files() gets no cases from a missing or empty folder;
    # pytest then skips it as "got empty parameter set", which does not say why. Say why.
    reason = corpus_unavailable()
    if not reason:
        return
    for item in items:
        skip = item.get_closest_marker("skip")
        if skip and str(skip.kwargs.get("reason", "")).startswith("got empty parameter set"):
            item.add_marker(pytest.mark.skip(reason=reason), append=False)


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


@pytest.fixture(params=["exact", "fast"])
def decoding_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """A test run through the exact path, then again with the fast path (core/fast_decode.py)
    forced on at any size: the spec's vectors must hold both ways."""
    if request.param == "fast":
        monkeypatch.setattr(fast_decode, "FAST_FROM", 0)
    return str(request.param)
