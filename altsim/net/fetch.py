"""Fetch sources the way the client does, many at once, each bounded in size and time.

``SourceFetcher`` keeps its httpx clients (connection pools) for its whole life;
``fetch_all`` refetches every source in parallel, as the client does on each refresh
(behaviour.md 9.1), with at most ``FetchLimits.concurrency`` in flight. One source's failure is
that source's result (a ``FetchError``); it never stops the others (behaviour.md 9.2 aggregates
them afterwards).

What the client does, reproduced here (behaviour.md 1.1):

* The HTTP status is never checked. Whatever body arrives goes to the decoder: a 404 HTML page
  then fails as jsonSyntax (vector 5), a 404 or 500 carrying a valid source is accepted
  (vector 6). ``Fetched.status`` and a warning report the status; it is never an error.
* Redirects are followed; the source keeps the **requested** URL as its identity
(behaviour.md 1.4): ``Fetched.url``, never ``Fetched.final_url``.
* No retries.
* The body is bytes: invalid UTF-8 is the decoder's jsonSyntax, not a fetch error.

What the client does not do, added because altsim refreshes many sources unattended: the
limits in ``FetchLimits``. A failure is a ``FetchError`` whose ``kind`` is one of ``KINDS``.
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import math
import re
import socket
import ssl
import time
import urllib.request
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TypeVar

import httpx

from altsim import __version__
from altsim.net.address import Target, resolve_address
from altsim.net.bounded_body import ACCEPT_ENCODING, BadContent, BodyTooLarge, BoundedBody
from altsim.net.limits import STALL_BYTES, FetchLimits, amount, size_limit
from altsim.net.local_file import BodySink, file_cap, read_capped

__all__ = ["KINDS", "BodySink", "FetchError", "FetchLimits", "Fetched", "SourceFetcher",
           "fetch_source", "http_status_warning"]

_E = TypeVar("_E", bound=BaseException)

USER_AGENT = f"altsim/{__version__} (+AltStore source simulator)"
LANE_CONNECTIONS = 16  # most connections in one httpx pool (see SourceFetcher)

FetchErrorKind = Literal[
    "address", "timeout", "budget", "too-large", "redirects", "connect", "tls", "reset",
    "truncated", "decompress", "http-protocol", "file"
]
KINDS: dict[FetchErrorKind, str] = {
    "address": "the address is not a URL the client accepts, or not http(s)/file",
    "timeout": "no connection within the connect timeout, or no headers or no progress (less "
               "than 1 KiB) within the stall timeout",
    "budget": "the whole fetch took longer than the time budget (e.g. a body that never ends)",
    "too-large": "the body, after decompression, is over the size cap",
    "redirects": "more redirects than the limit (a redirect loop ends here too)",
    "connect": "the connection could not be made (refused, name not resolved, proxy)",
    "tls": "the TLS handshake failed (e.g. an untrusted certificate)",
    "reset": "the connection was reset, or closed before a response",
    "truncated": "the body ended before its Content-Length (or last chunk) said it would",
    "decompress": "a gzip or deflate body that does not decompress, or more content codings "
                  "than altsim decodes",
    "http-protocol": "the server broke HTTP/1.1 (a malformed response or Location header)",
    "file": "a local file that cannot be read",
}


@dataclass(frozen=True, slots=True)
class Fetched:
    """A source's bytes and how they came.

    ``url`` is the requested URL (the address after the Add Source rule, behaviour.md 9.5): the
    source's identity is ``normalize_source_url(url)`` (behaviour.md 1.4). ``final_url`` is where
    the redirects ended. ``status`` is None for a local file. ``elapsed`` is in seconds.
    """

    address: str
    url: str
    final_url: str
    status: int | None
    body: bytes = field(repr=False)
    elapsed: float
    warnings: tuple[str, ...] = ()
    reason_phrase: str = ""  # the server's words beside ``status``: "Not Found"

    @property
    def status_warning(self) -> str | None:
        """What a non-2xx status means for the client, or None (a 2xx, or a local file)."""
        return None if self.status is None else http_status_warning(self.status,
                                                                    self.reason_phrase)


def http_status_warning(status: int, reason_phrase: str = "") -> str | None:
    """The one wording of a non-2xx status (behaviour.md 1.1: the client never checks it); None for
    2xx."""
    if 200 <= status < 300:
        return None
    phrase = f" {reason_phrase}" if reason_phrase else ""
    return f"HTTP {status}{phrase}: the client ignores the status and decodes the body anyway"


class FetchError(Exception):
    """A source that could not be fetched: ``kind`` (a key of ``KINDS``) for programs, and a
    one-line message naming the URL for people (``str(error)``)."""

    def __init__(self, kind: FetchErrorKind, url: str, reason: str, *,
                 address: str | None = None) -> None:
        super().__init__(f"{url}: {reason}")
        self.kind = kind
        self.url = url
        self.reason = reason
        self.address = url if address is None else address


@dataclass(slots=True)
class _Progress:
    url: str  # the URL being fetched now (changes with redirects)
    headers: bool = False  # its headers have arrived
    received: int = 0  # body bytes received from it, before decompression
    total: int | None = None  # body bytes its Content-Length announces
    body_start: float = 0.0  # loop time its headers arrived
    marked: int = 0  # `received` when the body last made progress (STALL_BYTES more)

    def restart(self, url: str) -> None:
        self.url, self.headers, self.received, self.total, self.marked = url, False, 0, None, 0

    def of_total(self) -> str:
        return f" of {amount(self.total)}" if self.total is not None else ""

    def stall_reason(self, stall: float) -> str:
        """What was slow when nothing, or almost nothing, came for ``stall`` seconds."""
        if not self.headers:
            return f"waited {stall:g} s for the response headers"
        trickle = self.received - self.marked  # what came since the last progress
        got = f"only {amount(trickle)} in" if trickle else "no data for"
        after = f"{amount(self.marked)}{self.of_total()}" if self.marked else "the headers"
        return f"{got} {stall:g} s after {after}"

    def budget_reason(self, budget: float, now: float) -> str:
        """What was slow when the whole fetch ran out of time."""
        if not self.headers:
            return (f"took longer than the {budget:g} s time budget: still waiting for the "
                    "response headers")
        took = max(now - self.body_start, 1e-3)
        return (f"took longer than the {budget:g} s time budget: the body was still arriving, "
                f"{amount(self.received)}{self.of_total()} in {took:.1f} s "
                f"({amount(int(self.received / took))}/s)")


class _AsciiCookies(http.cookiejar.DefaultCookiePolicy):
    """Cookies are kept across redirects, as URLSession's shared storage does, except one
    whose name or value is not ASCII: httpx cannot write it into the next request's headers
    (it raised UnicodeEncodeError while following the redirect)."""

    def set_ok(self, cookie: http.cookiejar.Cookie, request: urllib.request.Request) -> bool:
        text = f"{cookie.name}{cookie.value or ''}"
        return text.isascii() and super().set_ok(cookie, request)


class SourceFetcher:
    """Fetches sources over long-lived httpx clients (connection pools); use ``async with``.

    ``transport`` replaces httpx's network transport (for tests); ``limits`` default to
    ``FetchLimits()``.

    Why several clients ("lanes") rather than one: httpcore 1.0.9's pool does bookkeeping
    quadratic in its connections on every request start and end (encode/httpcore#1035, not
    merged). One pool of 64 connections spends ~2.5 s of CPU on 200 loopback fetches and takes
    3 s; four pools of 16 spend 0.35 s and take 0.85 s (bench/refresh_speed.py). So the
    ``concurrency`` slots are split over ``ceil(concurrency / LANE_CONNECTIONS)`` clients,
    created once and shared by every fetch; a fetch takes a free slot, and the slot names its
    lane. All lanes share one SSL context.
    """

    def __init__(self, limits: FetchLimits | None = None, *,
                 transport: httpx.AsyncBaseTransport | None = None,
                 user_agent: str = USER_AGENT) -> None:
        self.limits = limits = limits or FetchLimits()
        lanes = 1 if transport is not None else math.ceil(limits.concurrency / LANE_CONNECTIONS)
        per_lane = math.ceil(limits.concurrency / lanes)
        ssl_context = httpx.create_ssl_context() if transport is None else True
        self._lanes = [httpx.AsyncClient(
            # A lane's pool never waits: the slots admit at most `per_lane` fetches to it.
            limits=httpx.Limits(max_connections=per_lane, max_keepalive_connections=per_lane),
            timeout=httpx.Timeout(limits.read_timeout, connect=limits.connect_timeout,
                                  pool=limits.connect_timeout),
            follow_redirects=False,  # followed in _follow, to count them and name a loop
            headers={"User-Agent": user_agent, "Accept-Encoding": ACCEPT_ENCODING,
                     # behaviour.md 1.1: the client ignores local caches
                     # (reloadIgnoringLocalCacheData)
                     "Cache-Control": "no-cache"},
            verify=ssl_context,
            transport=transport,
            cookies=http.cookiejar.CookieJar(_AsciiCookies()),
        ) for _ in range(lanes)]
        # One token per concurrent fetch, naming the lane it uses; FIFO, like a semaphore.
        self._slots: asyncio.Queue[int] = asyncio.Queue()
        for slot in range(limits.concurrency):
            self._slots.put_nowait(slot % lanes)

    async def __aenter__(self) -> SourceFetcher:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        for client in self._lanes:
            await client.aclose()

    async def fetch_all(self, addresses: Iterable[str],
                        on_done: Callable[[int, int], None] | None = None
                        ) -> list[Fetched | FetchError]:
        """Every address fetched in parallel; results in the same order. `on_done(done,
        total)` hears of each one finished (a progress bar)."""
        targets = list(addresses)
        finished = 0

        async def one(address: str) -> Fetched | FetchError:
            nonlocal finished
            result = await self._fetch_or_error(address)
            finished += 1
            if on_done is not None:
                on_done(finished, len(targets))
            return result

        return list(await asyncio.gather(*(one(a) for a in targets)))

    async def _fetch_or_error(self, address: str) -> Fetched | FetchError:
        try:
            return await self.fetch(address)
        except FetchError as error:
            return error

    async def fetch(self, address: str, sink: BodySink | None = None) -> Fetched:
        """The source at ``address`` (a URL as typed, a ``file:`` URL or a file path).

        With a ``sink``, the body goes to it as it arrives and ``Fetched.body`` is empty."""
        try:
            target = resolve_address(address)
        except ValueError as error:
            raise FetchError("address", address, str(error)) from None
        lane = await self._slots.get()
        try:
            if target.path is not None:
                return await self._read_file(target, target.path, sink)
            return await self._get(self._lanes[lane], target, sink)
        finally:
            self._slots.put_nowait(lane)

    async def _read_file(self, target: Target, path: Path, sink: BodySink | None) -> Fetched:
        start = time.perf_counter()
        try:
            cap = file_cap(path, self.limits)
            body = await asyncio.to_thread(read_capped, path, cap, sink)
        except OSError as error:
            reason = error.strerror or str(error)
            raise FetchError("file", target.url, f"cannot read {path}: {reason}",
                             address=target.address) from None
        except MemoryError:
            raise FetchError("file", target.url, f"cannot read {path}: not enough memory for "
                             "a file this large", address=target.address) from None
        if body is None:
            assert cap is not None
            raise FetchError("too-large", target.url,
                             f"the file is larger than {size_limit(cap)}",
                             address=target.address)
        return Fetched(target.address, target.url, target.url, None, body,
                       time.perf_counter() - start)

    async def _get(self, client: httpx.AsyncClient, target: Target,
                   sink: BodySink | None) -> Fetched:
        start = time.perf_counter()
        progress = _Progress(target.url)
        try:
            async with asyncio.timeout(self.limits.budget):
                return await self._follow(client, target, progress, start, sink)
        except TimeoutError:
            reason = progress.budget_reason(self.limits.budget, asyncio.get_running_loop().time())
            raise FetchError("budget", target.url, reason + _at(progress, target),
                             address=target.address) from None
        except httpx.HTTPError as error:
            kind, reason = _classify(error, progress, self.limits)
            if kind == "connect" and target.scheme_added:
                reason += f"; and there is no file named {target.address!r}"
            reason += _at(progress, target)
            raise FetchError(kind, target.url, reason, address=target.address) from None

    async def _follow(self, client: httpx.AsyncClient, target: Target, progress: _Progress,
                      start: float, sink: BodySink | None) -> Fetched:
        request = client.build_request("GET", target.url)
        chain = [target.url]
        while True:
            response = await client.send(request, stream=True)
            try:
                if response.next_request is None:
                    body, warnings = await self._read_body(response, target, progress, sink)
                    break
            finally:
                await response.aclose()
            request = response.next_request
            chain.append(str(request.url))
            if len(chain) - 1 > self.limits.max_redirects:
                loop = " (a redirect loop)" if len(set(chain)) < len(chain) else ""
                raise FetchError("redirects", target.url,
                                 f"more than {self.limits.max_redirects} redirects{loop}: "
                                 + " -> ".join(chain[:4] + (["..."] if len(chain) > 4 else [])),
                                 address=target.address)
            progress.restart(chain[-1])
        status = response.status_code
        if (status_warning := http_status_warning(status, response.reason_phrase)) is not None:
            warnings.insert(0, status_warning)
        if len(chain) > 1:
            warnings.insert(0, f"redirected {len(chain) - 1}x to {chain[-1]}; the source's "
                               f"identity still comes from {target.url}")
        return Fetched(target.address, target.url, str(response.url), status, body,
                       time.perf_counter() - start, tuple(warnings), response.reason_phrase)

    async def _read_body(self, response: httpx.Response, target: Target, progress: _Progress,
                         sink: BodySink | None) -> tuple[bytes, list[str]]:
        loop = asyncio.get_running_loop()
        progress.headers, progress.body_start = True, loop.time()
        cap = self.limits.max_bytes
        # An in-memory response (from a mock transport) was read, and decoded, when made.
        in_memory = response.is_stream_consumed
        try:
            body = BoundedBody(None if in_memory else response.headers.get("Content-Encoding"),
                               cap, None if sink is None else sink.write)
        except BadContent as error:
            raise FetchError("decompress", target.url, f"{error}{_at(progress, target)}",
                             address=target.address) from None
        too_large = FetchError("too-large", target.url,
                               f"the body is larger than {size_limit(cap)} after decompression"
                               f"{_at(progress, target)}", address=target.address)
        declared = response.headers.get("Content-Length", "")
        total = progress.total = int(declared) if declared.isdigit() else None
        if not body.compressed and total is not None and total > cap:
            raise too_large  # no need to read what is declared too large
        stall = self.limits.read_timeout
        try:
            # httpx's read timeout ends a silence; this also ends a drip that never goes silent
            async with asyncio.timeout(stall) as watchdog:
                async for chunk in _once(response.content) if in_memory else response.aiter_raw():
                    progress.received += len(chunk)
                    if progress.received - progress.marked >= STALL_BYTES:
                        progress.marked = progress.received
                        watchdog.reschedule(loop.time() + stall)
                    body.feed(chunk)
                    if sink is not None:
                        sink.progress(progress.received, total)
        except TimeoutError:
            if not watchdog.expired():
                raise
            raise FetchError("timeout", target.url,
                             progress.stall_reason(stall) + _at(progress, target),
                             address=target.address) from None
        except BodyTooLarge:
            raise too_large from None
        except BadContent as error:
            raise FetchError("decompress", target.url, f"{error}{_at(progress, target)}",
                             address=target.address) from None
        data = body.finish()
        return data, body.warnings


def fetch_source(address: str, limits: FetchLimits | None = None, *,
                 transport: httpx.AsyncBaseTransport | None = None) -> Fetched:
    """One source, synchronously (for the CLI; not from inside a running event loop)."""

    async def fetch_one() -> Fetched:
        one = limits or FetchLimits(concurrency=1)
        async with SourceFetcher(one, transport=transport) as fetcher:
            return await fetcher.fetch(address)

    return asyncio.run(fetch_one())


async def _once(data: bytes) -> AsyncIterator[bytes]:
    yield data


def _classify(error: httpx.HTTPError, progress: _Progress,
              limits: FetchLimits) -> tuple[FetchErrorKind, str]:
    """The kind and one-line reason for an httpx error."""
    text = _os_reason(error) or str(error) or type(error).__name__
    if isinstance(error, httpx.ConnectTimeout):
        return "timeout", f"could not connect within {limits.connect_timeout:g} s"
    if isinstance(error, httpx.ReadTimeout):
        return "timeout", progress.stall_reason(limits.read_timeout)
    if isinstance(error, httpx.TimeoutException):
        return "timeout", text
    if isinstance(error, httpx.ConnectError | httpx.ProxyError):
        if _cause(error, ssl.SSLError):
            return "tls", f"TLS handshake failed: {str(error) or text}"
        return "connect", f"cannot connect: {text}"
    if isinstance(error, httpx.ReadError | httpx.WriteError | httpx.CloseError):
        return "reset", (f"the connection broke ({text}) after {progress.received:,} bytes "
                         "of the body")
    if isinstance(error, httpx.RemoteProtocolError):
        if "complete message body" in text:
            return "truncated", _truncation(text, progress.received)
        if "without sending a response" in text:
            return "reset", "the server closed the connection without a response"
        return "http-protocol", f"broken HTTP response: {text}"
    if isinstance(error, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return "address", f"cannot fetch this URL: {text}"
    return "http-protocol", text


def _truncation(text: str, received: int) -> str:
    declared = re.search(r"expected (\d+)", text)
    if declared:
        return (f"the body ends early: {received:,} of the {int(declared[1]):,} bytes its "
                "Content-Length announces arrived")
    return f"the body ends early, after {received:,} bytes ({text})"


def _cause(error: BaseException, cls: type[_E]) -> _E | None:
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, cls):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _os_reason(error: BaseException) -> str | None:
    """The socket error behind an httpx error, in words ("connection refused")."""
    if _cause(error, ConnectionRefusedError):
        return "connection refused"
    if _cause(error, ConnectionResetError):
        return "connection reset by peer"
    if (unknown := _cause(error, socket.gaierror)) is not None:
        return f"name not resolved: {unknown.strerror}"
    os_error = _cause(error, OSError)
    return os_error.strerror if os_error is not None and os_error.strerror else None


def _at(progress: _Progress, target: Target) -> str:
    return f" at {progress.url}" if progress.url != target.url else ""
