"""altsim.net.fetch against a real HTTP/1.1 server on 127.0.0.1 (no mock of httpx).

The server is `asyncio.start_server` writing raw bytes, so a test can send exactly what a
broken or hostile server sends: slow headers, a slow drip, a short body, a reset, a gzip bomb.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gzip
import hashlib
import io
import random
import re
import socket
import struct
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from http import HTTPStatus

import pytest

from altsim.core.check import client_verdict
from altsim.core.identity import normalize_source_url
from altsim.core.profiles import DEFAULT_PROFILE
from altsim.net.address import resolve_address
from altsim.net.download import Downloaded, download_to
from altsim.net.fetch import KINDS, Fetched, FetchError, FetchLimits, SourceFetcher, fetch_source

from .conftest import SAMPLES, Routes

SOURCE = (SAMPLES / "clean.json").read_bytes()
HTML_404 = b"<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>"
FAST = FetchLimits(connect_timeout=0.5, read_timeout=0.3, budget=0.5, max_bytes=1024 * 1024)

# A handler writes one response; it returns False when it has closed the connection.
Handler = Callable[[asyncio.StreamWriter], Awaitable[bool]]


def head(status: int, headers: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def respond(status: int, body: bytes = b"", **headers: str) -> Handler:
    headers = {"Content-Length": str(len(body)), **{k.replace("_", "-"): v
                                                    for k, v in headers.items()}}

    async def handler(writer: asyncio.StreamWriter) -> bool:
        writer.write(head(status, headers) + body)
        return True

    return handler


def redirect(status: int, location: str) -> Handler:
    return respond(status, b"moved", Location=location)


def after(delay: float, then: Handler) -> Handler:
    async def handler(writer: asyncio.StreamWriter) -> bool:
        await asyncio.sleep(delay)
        return await then(writer)

    return handler


async def drip(writer: asyncio.StreamWriter, first: bytes = b"") -> bool:
    """``first``, then a byte every 100 ms, forever: never silent long enough for the read
    timeout."""
    writer.write(head(200, {"Content-Length": str(len(first) + 100_000)}) + first)
    while not writer.is_closing():
        writer.write(b" ")
        await writer.drain()
        await asyncio.sleep(0.1)
    return False


async def truncated(writer: asyncio.StreamWriter) -> bool:
    writer.write(head(200, {"Content-Length": "1000"}) + b"{" * 100)
    await writer.drain()
    writer.close()
    return False


async def reset(writer: asyncio.StreamWriter) -> bool:
    writer.write(head(200, {"Content-Length": "1000"}) + b"{" * 100)
    await writer.drain()
    await asyncio.sleep(0.05)  # let the client read the headers and the first bytes
    sock = writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # RST
    writer.transport.abort()
    return False


class RawServer:
    """HTTP/1.1 with keep-alive; `routes` maps a request path to a handler."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.requests: list[str] = []
        self.last_head = b""  # the last request's line and headers
        self._tasks: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        self.base = ""

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"

    async def stop(self) -> None:
        self._server.close()
        for writer in self._writers:
            writer.transport.abort()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self._writers.add(writer)
        try:
            while True:
                request = await reader.readuntil(b"\r\n\r\n")
                self.last_head = request
                path = request.split(b" ", 2)[1].decode()
                self.requests.append(path)
                handler = self.routes.get(path, respond(404, HTML_404))
                if not await handler(writer):
                    return
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            return  # the client went away, or stop(): asyncio logs a cancelled callback task
        finally:
            self._tasks.discard(task)
            self._writers.discard(writer)
            writer.close()


@pytest.fixture
async def raw() -> AsyncIterator[RawServer]:
    server = RawServer()
    await server.start()
    yield server
    await server.stop()


async def fetch_one(address: str, limits: FetchLimits = FAST) -> Fetched:
    async with SourceFetcher(limits) as fetcher:
        return await fetcher.fetch(address)


async def fetch_error(address: str, limits: FetchLimits = FAST) -> FetchError:
    with pytest.raises(FetchError) as caught:
        await fetch_one(address, limits)
    assert caught.value.kind in KINDS
    assert "\n" not in str(caught.value)
    assert str(caught.value).startswith(caught.value.url)
    return caught.value


def accepted(body: bytes) -> bool:
    return client_verdict(body, DEFAULT_PROFILE, (17, 0, 0)).accepted


# -- what arrives is what the client decodes (behaviour.md 1.1)
# ------------------------------------------

async def test_200_returns_the_body_and_its_urls(raw):
    raw.routes["/apps.json"] = respond(200, SOURCE)
    fetched = await fetch_one(f"{raw.base}/apps.json")
    assert fetched.body == SOURCE
    assert fetched.status == 200
    assert fetched.url == fetched.final_url == f"{raw.base}/apps.json"
    assert fetched.warnings == ()
    assert 0 < fetched.elapsed < 1
    assert accepted(fetched.body)


async def test_404_html_is_a_body_with_a_warning_and_fails_as_json_syntax(raw):
    # Vector 5: the status is not an error; the decoder rejects the HTML.
    fetched = await fetch_one(f"{raw.base}/missing.json")
    assert (fetched.status, fetched.body) == (404, HTML_404)
    assert fetched.warnings == ("HTTP 404 Not Found: the client ignores the status and decodes "
                                "the body anyway",)
    verdict = client_verdict(fetched.body, DEFAULT_PROFILE, (17, 0, 0))
    assert verdict.rejection is not None
    assert verdict.rejection.code == "jsonSyntax"


async def test_500_with_a_valid_source_is_accepted(raw):
    # Vector 6.
    raw.routes["/apps.json"] = respond(500, SOURCE)
    fetched = await fetch_one(f"{raw.base}/apps.json")
    assert fetched.status == 500
    assert fetched.warnings[0].startswith("HTTP 500 Internal Server Error: the client ignores")
    assert accepted(fetched.body)


async def test_invalid_utf8_is_returned_for_the_decoder_to_reject(raw):
    raw.routes["/bad.json"] = respond(200, b'{"name": "\xff\xfe"}')
    fetched = await fetch_one(f"{raw.base}/bad.json")
    assert fetched.body == b'{"name": "\xff\xfe"}'
    assert client_verdict(fetched.body, DEFAULT_PROFILE, (17, 0, 0)).rejection.code == "jsonSyntax"


@pytest.mark.parametrize("coding", ["gzip", "x-gzip", "deflate", "raw-deflate", "gzip, deflate"])
async def test_compressed_bodies_are_decoded(raw, coding):
    def raw_deflate(data: bytes) -> bytes:
        packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        return packer.compress(data) + packer.flush()

    encode = {"gzip": gzip.compress, "x-gzip": gzip.compress, "deflate": zlib.compress,
              "raw-deflate": raw_deflate,
              "gzip, deflate": lambda data: zlib.compress(gzip.compress(data))}[coding]
    header = "deflate" if coding == "raw-deflate" else coding
    raw.routes["/apps.json"] = respond(200, encode(SOURCE), Content_Encoding=header)
    fetched = await fetch_one(f"{raw.base}/apps.json")
    assert fetched.body == SOURCE
    assert fetched.warnings == ()


async def test_unknown_content_encoding_passes_the_body_through_with_a_warning(raw):
    raw.routes["/apps.json"] = respond(200, SOURCE, Content_Encoding="br")
    fetched = await fetch_one(f"{raw.base}/apps.json")
    assert fetched.body == SOURCE
    assert "Content-Encoding br" in fetched.warnings[0]


async def test_corrupt_gzip_is_a_decompress_error(raw):
    raw.routes["/apps.json"] = respond(200, b"\x1f\x8b\x08\x00garbage" * 10,
                                       Content_Encoding="gzip")
    assert (await fetch_error(f"{raw.base}/apps.json")).kind == "decompress"


@pytest.mark.parametrize("coding", ["gzip", "deflate"])
async def test_five_stacked_codings_are_decoded(raw, coding):
    body = SOURCE
    for _ in range(5):
        body = gzip.compress(body) if coding == "gzip" else zlib.compress(body)
    raw.routes["/apps.json"] = respond(200, body, Content_Encoding=", ".join([coding] * 5))
    assert (await fetch_one(f"{raw.base}/apps.json")).body == SOURCE


@pytest.mark.parametrize("count", [6, 1200, 2000])
async def test_more_than_five_codings_are_refused_before_any_decoding(raw, count):
    # one nested generator per coding: 1,200 used to overflow the stack (RecursionError)
    codings = ", ".join(["gzip", "deflate", "x-gzip", "br"][i % 4] for i in range(count))
    raw.routes["/apps.json"] = respond(200, b"\x1f\x8b" * 10, Content_Encoding=codings)
    error = await fetch_error(f"{raw.base}/apps.json")
    assert error.kind == "decompress"
    assert error.reason == (f"the Content-Encoding header lists {count:,} codings; altsim "
                            "decodes at most 5 (servers send one or two)")


async def test_identity_codings_do_not_count(raw):
    raw.routes["/apps.json"] = respond(200, gzip.compress(SOURCE),
                                       Content_Encoding=", ".join(["identity"] * 1000 + ["gzip"]))
    assert (await fetch_one(f"{raw.base}/apps.json")).body == SOURCE


# -- redirects: followed, identity from the requested URL (behaviour.md 1.4)
# ----------------------------

async def test_redirect_chain_keeps_the_requested_url_as_identity(raw):
    raw.routes["/old.json"] = redirect(301, "/moved.json")
    raw.routes["/moved.json"] = redirect(302, f"http://localhost:{raw.port}/new.json")
    raw.routes["/new.json"] = respond(200, SOURCE)
    fetched = await fetch_one(f"{raw.base}/old.json")
    assert fetched.url == f"{raw.base}/old.json"
    assert fetched.final_url == f"http://localhost:{raw.port}/new.json"
    assert fetched.status == 200
    assert fetched.body == SOURCE
    assert normalize_source_url(fetched.url) == f"127.0.0.1:{raw.port}/old.json"
    assert fetched.warnings == (f"redirected 2x to {fetched.final_url}; the source's identity "
                                f"still comes from {fetched.url}",)


async def test_cookies_follow_redirects_but_not_ones_httpx_cannot_send(raw):
    """A non-ASCII cookie set on a redirect used to raise UnicodeEncodeError from httpx while
    it built the next request (a traceback in every command that fetches)."""
    raw.routes["/a"] = respond(302, b"", Location="/b", Set_Cookie="odd=caf\u00e9")
    raw.routes["/b"] = respond(302, b"", Location="/c", Set_Cookie="plain=1")
    seen: list[bytes] = []

    async def echo_cookie(writer: asyncio.StreamWriter) -> bool:
        seen.append(raw.last_head)
        return await respond(200, SOURCE)(writer)

    raw.routes["/c"] = echo_cookie
    fetched = await fetch_one(f"{raw.base}/a")
    assert fetched.body == SOURCE
    assert b"plain=1" in seen[0]
    assert b"odd=" not in seen[0]


async def test_redirect_loop_is_a_redirect_error(raw):
    raw.routes["/a"] = redirect(302, "/b")
    raw.routes["/b"] = redirect(307, "/a")
    error = await fetch_error(f"{raw.base}/a")
    assert error.kind == "redirects"
    assert "more than 16 redirects (a redirect loop)" in str(error)
    assert len(raw.requests) == 17  # the first request and 16 redirects, no more


async def test_redirect_limit(raw):
    for hop in range(5):
        raw.routes[f"/{hop}"] = redirect(308, f"/{hop + 1}")
    raw.routes["/5"] = respond(200, SOURCE)
    limits = FetchLimits(max_redirects=4)
    error = await fetch_error(f"{raw.base}/0", limits)
    assert error.kind == "redirects"
    assert "loop" not in error.reason
    fetched = await fetch_one(f"{raw.base}/0", FetchLimits(max_redirects=5))
    assert fetched.final_url == f"{raw.base}/5"


# -- limits ---------------------------------------------------------------------------------

async def test_slow_headers_time_out(raw):
    raw.routes["/slow"] = after(2, respond(200, SOURCE))
    error = await fetch_error(f"{raw.base}/slow", FetchLimits(read_timeout=0.2, budget=5))
    assert error.kind == "timeout"
    assert "waited 0.2 s for the response headers" in error.reason


async def test_slow_drip_body_is_cut_off_by_the_stall_timeout(raw):
    raw.routes["/drip"] = drip
    loop = asyncio.get_running_loop()
    start = loop.time()
    error = await fetch_error(f"{raw.base}/drip")  # never silent for the 0.3 s read timeout
    assert 0.3 <= loop.time() - start < 1
    assert error.kind == "timeout"
    assert re.fullmatch(r"only \d bytes? in 0\.3 s after the headers", error.reason), error


async def test_a_drip_after_some_progress_names_what_had_arrived(raw):
    raw.routes["/drip"] = functools.partial(drip, first=b" " * 1_200_000)
    error = await fetch_error(f"{raw.base}/drip", FetchLimits(read_timeout=0.3, budget=5))
    assert error.kind == "timeout"
    assert re.fullmatch(r"only \d bytes? in 0\.3 s after 1\.2 MB of 1\.3 MB", error.reason)


async def test_a_stall_mid_body_names_what_had_arrived(raw):
    async def stall(writer: asyncio.StreamWriter) -> bool:
        writer.write(head(200, {"Content-Length": "100000"}) + b" " * 5000)
        await writer.drain()
        await asyncio.sleep(10)
        return False

    raw.routes["/stall"] = stall
    loop = asyncio.get_running_loop()
    start = loop.time()
    error = await fetch_error(f"{raw.base}/stall")
    assert 0.3 <= loop.time() - start < 1
    assert error.kind == "timeout"
    assert error.reason == "no data for 0.3 s after 5.0 kB of 100.0 kB"


async def test_a_body_that_never_ends_is_cut_off_by_the_budget(raw):
    async def endless(writer: asyncio.StreamWriter) -> bool:
        writer.write(head(200, {"Connection": "close"}))
        while not writer.is_closing():
            writer.write(b" " * 2048)  # plenty for the stall timeout
            await writer.drain()
            await asyncio.sleep(0.02)
        return False

    raw.routes["/endless"] = endless
    loop = asyncio.get_running_loop()
    start = loop.time()
    error = await fetch_error(f"{raw.base}/endless")
    assert 0.5 <= loop.time() - start < 1.2
    assert error.kind == "budget"
    assert re.fullmatch(r"took longer than the 0\.5 s time budget: the body was still arriving, "
                        r"[\d.]+ kB in 0\.[45] s \([\d.]+ kB/s\)", error.reason), error


async def test_slow_headers_against_the_budget(raw):
    raw.routes["/slow"] = after(2, respond(200, SOURCE))
    error = await fetch_error(f"{raw.base}/slow", FetchLimits(read_timeout=5, budget=0.2))
    assert (error.kind, error.reason) == ("budget", "took longer than the 0.2 s time budget: "
                                                    "still waiting for the response headers")


async def test_body_over_the_cap(raw):
    raw.routes["/big"] = respond(200, b" " * (FAST.max_bytes + 1))
    error = await fetch_error(f"{raw.base}/big")
    assert error.kind == "too-large"
    assert "larger than 1 MiB" in error.reason
    raw.routes["/fits"] = respond(200, b" " * FAST.max_bytes)
    assert len((await fetch_one(f"{raw.base}/fits")).body) == FAST.max_bytes


async def test_body_over_the_cap_without_content_length(raw):
    async def close_delimited(writer: asyncio.StreamWriter) -> bool:
        writer.write(head(200, {"Connection": "close"}))
        for _ in range(20):
            writer.write(b" " * 100_000)
            await writer.drain()
        writer.close()
        return False

    raw.routes["/big"] = close_delimited
    assert (await fetch_error(f"{raw.base}/big")).kind == "too-large"


@functools.cache
def gzip_bomb(megabytes: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    zeros = bytes(1024 * 1024)
    return b"".join(packer.compress(zeros) for _ in range(megabytes)) + packer.flush()


async def test_gzip_bomb_stops_at_the_cap_with_bounded_memory(raw):
    bomb = gzip_bomb(64)  # 64 MiB of zeros in ~65 kB: one raw chunk holds all of it
    assert len(bomb) < 100_000
    raw.routes["/bomb"] = respond(200, bomb, Content_Encoding="gzip")
    async with SourceFetcher(FAST) as fetcher:
        tracemalloc.start()
        try:
            with pytest.raises(FetchError) as caught:
                await fetcher.fetch(f"{raw.base}/bomb")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert caught.value.kind == "too-large"
    assert "after decompression" in caught.value.reason
    # At most the 1 MiB cap, one 64 KiB step and the raw bytes are held, against 64 MiB
    # decompressed (httpx's aiter_bytes peaks at ~140 MiB on this bomb).
    assert peak < 2 * FAST.max_bytes, peak


async def test_truncated_body(raw):
    raw.routes["/short"] = truncated
    error = await fetch_error(f"{raw.base}/short")
    assert error.kind == "truncated"
    assert "100 of the 1,000 bytes" in error.reason


async def test_connection_reset_mid_body(raw):
    raw.routes["/reset"] = reset
    error = await fetch_error(f"{raw.base}/reset")
    assert error.kind == "reset"
    assert "connection reset" in error.reason


async def close_without_response(writer: asyncio.StreamWriter) -> bool:
    writer.close()
    return False


async def garbage(writer: asyncio.StreamWriter) -> bool:
    writer.write(b"HELLO\r\n\r\n")
    return True


async def chunked_cut(writer: asyncio.StreamWriter) -> bool:
    writer.write(head(200, {"Transfer-Encoding": "chunked"}) + b"10\r\n0123456789abcdef\r\n")
    await writer.drain()
    writer.close()
    return False


@pytest.mark.parametrize(("handler", "kind", "reason"), [
    (close_without_response, "reset", "the server closed the connection without a response"),
    (garbage, "http-protocol", "broken HTTP response: illegal status line"),
    (chunked_cut, "truncated", "the body ends early, after 16 bytes"),
])
async def test_broken_servers(raw, handler, kind, reason):
    raw.routes["/apps.json"] = handler
    error = await fetch_error(f"{raw.base}/apps.json")
    assert error.kind == kind
    assert error.reason.startswith(reason)


async def test_gzip_stream_cut_short_is_kept_with_a_warning(raw):
    packed = gzip.compress(SOURCE)
    raw.routes["/apps.json"] = respond(200, packed[:len(packed) // 2], Content_Encoding="gzip")
    fetched = await fetch_one(f"{raw.base}/apps.json")
    assert SOURCE.startswith(fetched.body)
    assert fetched.warnings == ("the gzip stream stops before its end: the body is probably "
                                "cut short",)


async def test_tls_failure():
    async def not_tls(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 400 Bad Request\r\n\r\n")  # answers a ClientHello
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(not_tls, "127.0.0.1", 0)
    async with server:
        port = server.sockets[0].getsockname()[1]
        error = await fetch_error(f"https://127.0.0.1:{port}/apps.json")
    assert error.kind == "tls"
    assert error.reason.startswith("TLS handshake failed")


async def test_connection_refused():
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    error = await fetch_error(f"http://127.0.0.1:{port}/apps.json")
    assert (error.kind, error.reason) == ("connect", "cannot connect: connection refused")


async def test_connect_timeout():
    # A listener whose backlog is full: the kernel drops further SYNs, so connect hangs.
    with contextlib.ExitStack() as stack:
        listener = stack.enter_context(socket.socket())
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        for _ in range(3):
            filler = stack.enter_context(socket.socket())
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.1", port))
        await asyncio.sleep(0.05)
        error = await fetch_error(f"http://127.0.0.1:{port}/apps.json",
                                  FetchLimits(connect_timeout=0.2, budget=5))
    assert (error.kind, error.reason) == ("timeout", "could not connect within 0.2 s")


# -- many at once ---------------------------------------------------------------------------

async def test_100_sources_at_once_one_failing_in_order(raw):
    for i in range(100):
        raw.routes[f"/{i}.json"] = after(0.05, respond(200, b'{"name": "%d"}' % i))
    raw.routes["/37.json"] = truncated
    async with SourceFetcher(FetchLimits(concurrency=40, budget=5)) as fetcher:  # 3 lanes
        results = await fetcher.fetch_all(f"{raw.base}/{i}.json" for i in range(100))
    assert [isinstance(r, FetchError) for r in results] == [i == 37 for i in range(100)]
    assert results[37].kind == "truncated"
    assert results[37].url == f"{raw.base}/37.json"
    assert [r.body for r in results if isinstance(r, Fetched)] == [
        b'{"name": "%d"}' % i for i in range(100) if i != 37]


async def test_concurrency_cap_is_respected(raw):
    in_flight = peak = 0

    async def counted(writer: asyncio.StreamWriter) -> bool:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.02)
        in_flight -= 1
        return await respond(200, b"{}")(writer)

    raw.routes["/s.json"] = counted
    for cap in (4, 20):  # one lane; two lanes of 10 connections
        peak = 0
        async with SourceFetcher(FetchLimits(concurrency=cap)) as fetcher:
            results = await fetcher.fetch_all([f"{raw.base}/s.json"] * 50)
        assert all(isinstance(r, Fetched) for r in results)
        assert peak == cap


# -- addresses (behaviour.md 9.5) and files
# -------------------------------------------------------------

@pytest.mark.parametrize(("typed", "url"), [
    ("example.com/apps.json", "https://example.com/apps.json"),
    ("localhost:8000/apps.json", "http://localhost:8000/apps.json"),
    ("HTTP://Example.com/a b.json", "HTTP://Example.com/a%20b.json"),
    ("https://example.com/apps.json", "https://example.com/apps.json"),
])
def test_typed_addresses_become_the_clients_urls(typed, url):
    assert resolve_address(typed).url == url


@pytest.mark.parametrize(("typed", "reason"), [
    ("192.168.1.5:8000/apps.json", "not a URL Foundation accepts"),
    ("ftp://example.com/apps.json", "not ftp: URLs"),
    ("file://server/share/apps.json", "names a host"),
])
async def test_addresses_the_client_cannot_fetch(typed, reason):
    error = await fetch_error(typed)
    assert error.kind == "address"
    assert reason in error.reason


async def test_localhost_port_address_is_fetched_over_http(raw):
    raw.routes["/apps.json"] = respond(200, SOURCE)
    fetched = await fetch_one(f"localhost:{raw.port}/apps.json")
    assert fetched.address == f"localhost:{raw.port}/apps.json"
    assert fetched.url == f"http://localhost:{raw.port}/apps.json"
    assert fetched.body == SOURCE


async def test_local_files(tmp_path):
    source = tmp_path / "my source.json"
    source.write_bytes(SOURCE)
    by_path = await fetch_one(str(source))
    by_url = await fetch_one(source.as_uri())
    assert by_path.body == by_url.body == SOURCE
    assert by_path.url == by_url.url == source.as_uri()
    assert by_path.status is None
    # the user's own file is not held to the download cap; a cap given for files is kept
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (FAST.max_bytes + 1))
    assert len((await fetch_one(str(big))).body) == FAST.max_bytes + 1
    capped = replace(FAST, max_file_bytes=FAST.max_bytes)
    assert (await fetch_error(str(big), capped)).kind == "too-large"
    assert (await fetch_error(str(tmp_path))).kind == "file"
    missing = await fetch_error((tmp_path / "nope.json").as_uri())
    assert missing.kind == "file"
    assert "No such file" in missing.reason


def test_sync_fetch_source_for_the_cli(server):
    Routes.routes = {"/apps.json": (200, SOURCE)}
    assert fetch_source(f"{server}/apps.json").body == SOURCE
    with pytest.raises(FetchError) as caught:
        fetch_source(f"{server}/apps.json", FetchLimits(max_bytes=10))
    assert caught.value.kind == "too-large"


def test_limits_are_validated():
    with pytest.raises(ValueError, match="budget"):
        FetchLimits(budget=0)
    with pytest.raises(ValueError, match="max_redirects"):
        FetchLimits(max_redirects=-1)


# --- downloading an app archive: to a file, hashed on the way ----------------------------

ARCHIVE = random.Random(1).randbytes(1 << 20)  # incompressible: gzip keeps it large
ARCHIVE_LIMITS = FetchLimits(connect_timeout=1, read_timeout=1, budget=5, max_bytes=4 << 20)


async def download(address: str, limits: FetchLimits = ARCHIVE_LIMITS
                   ) -> tuple[bytes, list[tuple[int, int | None]], Downloaded]:
    file, seen = io.BytesIO(), []
    async with SourceFetcher(limits) as fetcher:
        got = await download_to(fetcher, address, file,
                                lambda received, total: seen.append((received, total)))
    return file.getvalue(), seen, got


@pytest.mark.parametrize("gzipped", [False, True])
async def test_archive_streamed_to_the_file_and_hashed(raw, gzipped):
    body = gzip.compress(ARCHIVE) if gzipped else ARCHIVE
    headers = {"Content_Encoding": "gzip"} if gzipped else {}
    raw.routes["/x.ipa"] = respond(200, body, **headers)
    written, seen, got = await download(f"{raw.base}/x.ipa")
    assert written == ARCHIVE  # decoded, as URLSession saves it
    assert (got.size, got.sha256) == (len(ARCHIVE), hashlib.sha256(ARCHIVE).hexdigest())
    assert (got.fetched.body, got.fetched.status) == (b"", 200)
    assert seen[-1] == (len(body), len(body))  # raw bytes of the announced length
    assert len(seen) > 1  # progress as it arrives, not once at the end


async def test_archive_404_body_is_downloaded_with_its_status(raw):
    raw.routes["/x.ipa"] = respond(404, b"<html>gone</html>")
    written, _, got = await download(f"{raw.base}/x.ipa")
    assert (written, got.fetched.status) == (b"<html>gone</html>", 404)


async def test_archive_over_the_cap(raw):
    raw.routes["/x.ipa"] = respond(200, ARCHIVE)
    with pytest.raises(FetchError) as caught:
        await download(f"{raw.base}/x.ipa", FetchLimits(max_bytes=1000))
    assert caught.value.kind == "too-large"


async def test_local_archive_streams_in_pieces(tmp_path):
    path = tmp_path / "x.ipa"
    path.write_bytes(ARCHIVE * 3)
    written, seen, got = await download(str(path))
    assert written == ARCHIVE * 3
    assert got.sha256 == hashlib.sha256(ARCHIVE * 3).hexdigest()
    assert [received for received, _ in seen] == [1 << 20, 2 << 20, 3 << 20]
    with pytest.raises(FetchError) as caught:
        await download(str(path), FetchLimits(max_file_bytes=(2 << 20) + 5))
    assert caught.value.kind == "too-large"
