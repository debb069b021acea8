"""A real HTTP server on 127.0.0.1, in a thread, for tests that run altsim as a subprocess
against servers that misbehave: odd headers, a drip, a body that never ends, a stall.

``routes`` maps a request path to a behaviour, a function that writes the whole response with
the handler (``send_response``, ``wfile``...). Behaviours that wait use ``server.stopping`` so
closing the server ends them at once.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable
from types import TracebackType

Behaviour = Callable[["_Handler"], None]


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        behaviour = self.server.routes.get(self.path)
        if behaviour is None:
            behaviour = serve_bytes(b"<html>Not Found</html>", status=404)
        try:
            behaviour(self)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up: what these tests want

    def log_message(self, *args: object) -> None:
        pass

    @property
    def stopping(self) -> threading.Event:
        return self.server.stopping


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    routes: dict[str, Behaviour]
    stopping: threading.Event


class HostileServer:
    """``with HostileServer() as server:``; ``server.base`` is ``http://127.0.0.1:PORT``."""

    def __init__(self) -> None:
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self.routes: dict[str, Behaviour] = {}
        self._httpd.routes = self.routes
        self._httpd.stopping = threading.Event()
        self.base = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,),
                                        daemon=True)

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._httpd.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()


def _headers(handler: _Handler, status: int, headers: dict[str, str]) -> None:
    handler.send_response(status)
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.end_headers()
    handler.wfile.flush()


def serve_bytes(body: bytes, *, status: int = 200, **headers: str) -> Behaviour:
    """``body`` with its Content-Length and ``headers`` (``Content_Encoding=...``)."""

    def behaviour(handler: _Handler) -> None:
        _headers(handler, status, {"Content-Length": str(len(body)), **headers})
        handler.wfile.write(body)

    return behaviour


def drip(every: float, *, length: int = 10_000_000, first: bytes = b"") -> Behaviour:
    """Headers announcing ``length`` bytes, ``first``, then one byte every ``every`` seconds."""

    def behaviour(handler: _Handler) -> None:
        _headers(handler, 200, {"Content-Length": str(length)})
        handler.wfile.write(first)
        handler.wfile.flush()
        while not handler.stopping.wait(every):
            handler.wfile.write(b"\0")
            handler.wfile.flush()

    return behaviour


def endless(piece: int = 64 * 1024, every: float = 0.01) -> Behaviour:
    """A body with no length that never ends: ``piece`` bytes every ``every`` seconds."""

    def behaviour(handler: _Handler) -> None:
        _headers(handler, 200, {"Connection": "close"})
        data = bytes(piece)
        while not handler.stopping.wait(every):
            handler.wfile.write(data)
            handler.wfile.flush()

    return behaviour


def stall_after(first: bytes, *, length: int) -> Behaviour:
    """Headers announcing ``length`` bytes, ``first``, then silence until the server closes."""

    def behaviour(handler: _Handler) -> None:
        _headers(handler, 200, {"Content-Length": str(length)})
        handler.wfile.write(first)
        handler.wfile.flush()
        handler.stopping.wait()

    return behaviour
