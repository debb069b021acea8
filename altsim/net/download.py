"""Downloading an app archive as the client does before installing it: to a file, never to
memory, hashed while it streams (SHA-256 is one of the client's checks, behaviour.md 10.9)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from altsim.net.fetch import Fetched, SourceFetcher
from altsim.net.limits import DOWNLOAD_LIMITS

__all__ = ["DOWNLOAD_LIMITS", "Downloaded", "download_to"]

Progress = Callable[[int, int | None], None]  # (bytes received, bytes announced)


@dataclass(frozen=True, slots=True)
class Downloaded:
    fetched: Fetched  # status, final URL and warnings; its body is empty
    size: int  # bytes written to the file, after any content decoding
    sha256: str  # of those bytes, lower-case hex


class _HashingWriter:
    """A fetch's body sink: writes each piece to the file and into the hash."""

    def __init__(self, file: IO[bytes], on_progress: Progress | None) -> None:
        self.file = file
        self.hash = hashlib.sha256()
        self.size = 0
        self.on_progress = on_progress

    def write(self, piece: bytes) -> None:
        self.file.write(piece)
        self.hash.update(piece)
        self.size += len(piece)

    def progress(self, received: int, total: int | None) -> None:
        if self.on_progress is not None:
            self.on_progress(received, total)


async def download_to(fetcher: SourceFetcher, address: str, file: IO[bytes],
                      on_progress: Progress | None = None) -> Downloaded:
    """The archive at ``address`` written to ``file``; raises ``FetchError``."""
    writer = _HashingWriter(file, on_progress)
    fetched = await fetcher.fetch(address, writer)
    file.flush()
    return Downloaded(fetched, writer.size, writer.hash.hexdigest())
