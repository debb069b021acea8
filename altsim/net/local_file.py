"""Reading a local source file: the whole file, as memory allows, unless a cap is given; a
device such as /dev/zero under the download cap. No httpx here: `altsim check` reads files
without loading the network stack."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Protocol

from altsim.net.limits import FetchLimits

FILE_STEP = 1024 * 1024  # a local file streams to a sink in pieces of this size


class BodySink(Protocol):
    """Where a body goes instead of memory (a downloaded app archive of hundreds of MB)."""

    def write(self, piece: bytes) -> None:
        """The next decoded piece of the body, in order."""

    def progress(self, received: int, total: int | None) -> None:
        """``received`` bytes have arrived of the ``total`` the response announced."""


def file_cap(path: Path, limits: FetchLimits) -> int | None:
    """The most bytes to read from `path`: a regular file is the user's own, limited by
    `limits.max_file_bytes` alone (None: memory); anything else (a device, a pipe) by the
    download cap."""
    try:
        regular = stat.S_ISREG(path.stat().st_mode)
    except OSError:
        regular = False
    return limits.max_file_bytes if regular else limits.max_bytes


def read_capped(path: Path, cap: int | None, sink: BodySink | None = None) -> bytes | None:
    """The file's bytes (or b"" once they went to ``sink``), or None if it holds more than
    ``cap``. It reads at most ``cap + 1`` bytes, whatever the file's size says, so /dev/zero
    or a growing file stops there too; with no cap, the whole file. OSError and MemoryError
    are the caller's to word."""
    info = path.stat()
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISCHR(info.st_mode)):  # a FIFO would block
        raise OSError(errno.EINVAL, "not a regular file")
    with path.open("rb") as file:
        if sink is None:
            body = file.read() if cap is None else file.read(cap + 1)
            return None if cap is not None and len(body) > cap else body
        received = 0
        while piece := file.read(FILE_STEP if cap is None
                                 else min(FILE_STEP, cap + 1 - received)):
            received += len(piece)
            if cap is not None and received > cap:
                return None
            sink.write(piece)
            sink.progress(received, info.st_size or None)
        return b""
