"""Reading a SOURCE argument: a file path or an http(s) URL, with a size cap."""

from __future__ import annotations

from pathlib import Path

MAX_FILE_BYTES = 64 * 1024 * 1024


class InputError(Exception):
    """A SOURCE that cannot be read; the message is one line naming it."""


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
