"""Reading a SOURCE argument: a file path or an http(s) URL, with a size cap."""

from __future__ import annotations

import sys
from pathlib import Path

from altsim.core.safe_text import printable

MAX_FILE_BYTES = 64 * 1024 * 1024


class InputError(Exception):
    """A SOURCE that cannot be read; the message is one line naming it, safe to print (a name
    from a glob over a contributor's files, or a server's words, may hold escapes)."""

    def __init__(self, message: str) -> None:
        super().__init__(printable(message, keep_newlines=False))


def read_source(name: str) -> bytes:
    if name.startswith(("http://", "https://")):
        from altsim.net.fetch import FetchError, fetch_source  # httpx only when needed

        try:
            return fetch_source(name).body
        except FetchError as error:
            raise InputError(str(error)) from None
    path = Path(name)
    try:
        if path.is_dir():
            raise InputError(f"{name}: is a directory")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InputError(f"{name}: larger than {MAX_FILE_BYTES // 2**20} MB")
        return path.read_bytes()
    except OSError as error:
        raise InputError(f"{name}: {error.strerror or error}") from None


def read_or_report(name: str, command: str) -> bytes | None:
    """The bytes, or None after telling the user on stderr why they cannot be read."""
    try:
        return read_source(name)
    except InputError as error:
        print(f"altsim {command}: cannot read {error}", file=sys.stderr)
        return None
