"""A real HTTP server on 127.0.0.1 that answers each fuzz case exactly as the case says: the
status line, headers and body are written byte for byte (http.server's own ``send_response``
would refuse a hostile reason phrase), and the connection is closed after each answer."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from .fuzz_cases import HttpAnswer


class _AnswerHandler(http.server.BaseHTTPRequestHandler):
    answers: dict[str, HttpAnswer]  # set on the subclass made by serving()

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        path = self.path.split("?")[0]
        key, _, rest = path.removeprefix("/").partition("/")
        answer = self.answers.get(key)
        if answer is None:
            self._send(404, b"Not Found", [(b"Content-Length", b"0")], b"")
        elif rest == "ok":  # where an honest redirect leads
            self._send(200, b"OK", [(b"Content-Length", b"%d" % len(answer.plain))],
                       answer.plain)
        else:
            headers = [(name, value.replace(b"{self}", self.path.encode())
                        .replace(b"{ok}", f"/{key}/ok".encode()))
                       for name, value in answer.headers]
            self._send(answer.status, answer.reason, headers, answer.body)
        self.close_connection = True

    def _send(self, status: int, reason: bytes, headers: list[tuple[bytes, bytes]],
              body: bytes) -> None:
        head = b"HTTP/1.1 %d %s\r\n" % (status, reason)
        head += b"".join(b"%s: %s\r\n" % header for header in headers)
        try:
            self.wfile.write(head + b"Connection: close\r\n\r\n" + body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up early (a bad header): nothing to do

    def log_message(self, *args: object) -> None:
        pass

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except (ConnectionResetError, BrokenPipeError):
            self.close_connection = True


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64


class AnswerServer:
    """Serves ``HttpAnswer``s: ``url_for(key, answer)`` registers one and gives its URL."""

    def __init__(self, base: str, answers: dict[str, HttpAnswer]) -> None:
        self.base = base
        self._answers = answers

    def url_for(self, key: str, answer: HttpAnswer, suffix: str = "") -> str:
        self._answers[key] = answer
        return f"{self.base}/{key}{suffix}"

    def forget(self, key: str) -> None:
        self._answers.pop(key, None)


@contextmanager
def serving() -> Iterator[AnswerServer]:
    answers: dict[str, HttpAnswer] = {}
    handler = type("Handler", (_AnswerHandler,), {"answers": answers})
    httpd = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield AnswerServer(f"http://127.0.0.1:{httpd.server_address[1]}", answers)
    finally:
        httpd.shutdown()
        httpd.server_close()
