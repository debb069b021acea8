"""A response body collected up to a size cap, decompressed while it streams in.

httpx's own decoders (``Response.aiter_bytes``) inflate each raw chunk in one call, so one
64 KiB chunk of a gzip bomb becomes ~64 MB in memory before any cap can look at it. Here every
zlib call is bounded (``decompress(data, max_length)``), so the decoded bytes held at any time
never exceed the cap plus one step (64 KiB), however large the bomb.

Content codings: ``gzip``/``x-gzip`` and ``deflate`` (zlib-wrapped or, as some servers send it,
raw), in the order the header lists them; ``identity`` is skipped. A body with any other coding
(``br``, ``zstd``, ...) is kept as it arrived, with a warning: altsim asks only for
``gzip, deflate`` (the ``Accept-Encoding`` it sends), so a server that sends something else
anyway is misbehaving.

At most ``MAX_CODINGS`` codings: real servers apply one, rarely two, and each decoding stage is
a zlib stream and a generator nested in the previous one, so a header listing a thousand codings
would otherwise cost a thousand zlib states and nest deeper than Python's recursion limit.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator

__all__ = ["ACCEPT_ENCODING", "MAX_CODINGS", "BadContent", "BodyTooLarge", "BoundedBody"]

ACCEPT_ENCODING = "gzip, deflate"
STEP = 64 * 1024  # largest decoded piece produced by one zlib call
# The cap curl (MAX_ENCODE_STACK), urllib3 2.6 and undici chose for the same attack.
MAX_CODINGS = 5


class BodyTooLarge(Exception):
    """The decoded body went over the cap."""


class BadContent(Exception):
    """A compressed body that does not decompress, or a Content-Encoding header that lists
    more than ``MAX_CODINGS`` codings; the message says why."""


class _Inflater:
    """One content coding, decoded in pieces of at most ``STEP`` bytes."""

    def __init__(self, coding: str) -> None:
        self.coding = coding
        # deflate: wait for two bytes to tell a zlib header from a raw deflate stream
        self._sniff: bytes | None = b"" if coding == "deflate" else None
        self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16)  # gzip; replaced for deflate
        self.trailing = False  # bytes after the end of the stream (ignored, as httpx does)

    def pieces(self, chunks: Iterable[bytes]) -> Iterator[bytes]:
        for data in chunks:
            if self._sniff is not None:
                data = self._sniff + data
                if len(data) < 2:
                    self._sniff = data
                    continue
                self._sniff = None
                cmf, flg = data[0], data[1]
                zlib_header = cmf & 0x0F == 8 and (cmf << 8 | flg) % 31 == 0
                self._zlib = zlib.decompressobj(zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS)
            yield from self._inflate(data)

    def _inflate(self, data: bytes) -> Iterator[bytes]:
        while not self._zlib.eof:
            try:
                out = self._zlib.decompress(data, STEP)
            except zlib.error as error:
                raise BadContent(f"the {self.coding} body does not decompress ({error})") from None
            data = self._zlib.unconsumed_tail
            if out:
                yield out
            # A full piece may leave output pending inside zlib even with no input left.
            if not data and len(out) < STEP:
                return
        if data or self._zlib.unused_data:
            self.trailing = True

    @property
    def complete(self) -> bool:
        return self._zlib.eof


class BoundedBody:
    """Feed raw body chunks; get the decoded body, or ``BodyTooLarge`` past ``max_bytes``.
    With a ``sink``, decoded pieces go to it as they come and nothing is kept (an archive of
    hundreds of MB streams to a file). ``BadContent`` from the constructor when the header
    lists more than ``MAX_CODINGS`` codings (``identity`` not counted)."""

    def __init__(self, content_encoding: str | None, max_bytes: int,
                 sink: Callable[[bytes], None] | None = None) -> None:
        self.max_bytes = max_bytes
        self._sink = sink
        self.size = 0  # decoded bytes so far
        self.raw_size = 0  # bytes received so far
        self.warnings: list[str] = []
        self._parts: list[bytes] = []
        codings = [c.strip().lower() for c in (content_encoding or "").split(",")]
        codings = [c for c in codings if c and c != "identity"]
        if len(codings) > MAX_CODINGS:
            raise BadContent(f"the Content-Encoding header lists {len(codings):,} codings; "
                             f"altsim decodes at most {MAX_CODINGS} (servers send one or two)")
        unknown = [c for c in codings if c not in ("gzip", "x-gzip", "deflate")]
        if unknown:
            self.warnings.append(f"Content-Encoding {', '.join(unknown)} is not one altsim "
                                 "asked for or can decode: the body is used as it arrived")
            codings = []
        # The header lists codings in the order they were applied: undo them in reverse.
        self._stages = [_Inflater("deflate" if c == "deflate" else "gzip")
                        for c in reversed(codings)]

    @property
    def compressed(self) -> bool:
        return bool(self._stages)

    def feed(self, raw: bytes) -> None:
        self.raw_size += len(raw)
        pieces: Iterable[bytes] = (raw,)
        for stage in self._stages:
            pieces = stage.pieces(pieces)
        for piece in pieces:
            self.size += len(piece)
            if self.size > self.max_bytes:
                self._parts.clear()
                raise BodyTooLarge
            if self._sink is not None:
                self._sink(piece)
            else:
                self._parts.append(piece)

    def finish(self) -> bytes:
        for stage in self._stages:
            if self.raw_size and not stage.complete:
                self.warnings.append(f"the {stage.coding} stream stops before its end: "
                                     "the body is probably cut short")
            if stage.trailing:
                self.warnings.append(f"bytes after the end of the {stage.coding} stream "
                                     "are ignored")
        body = b"".join(self._parts)
        self._parts.clear()
        return body
