"""Where a source address points: a local file, or the URL the client would fetch
(behaviour.md 9.5)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from altsim.net.samples import SAMPLE_SCHEME, is_sample, sample_address, sample_path

__all__ = ["SAMPLE_SCHEME", "Target", "is_local", "is_sample", "resolve_address", "sample_address",
           "sample_path"]

FETCHED_SCHEMES = ("http", "https")


@dataclass(frozen=True, slots=True)
class Target:
    """What to read for an address.

    ``url`` is the URL the source is known by: its identity is ``normalize_source_url(url)``
    (behaviour.md 1.4), whatever redirects follow. ``path`` is set for a local file.
    ``scheme_added`` says the address had no scheme and got ``https://`` or ``http://`` from the Add
    Source rule.
    """

    address: str
    url: str
    path: Path | None = None
    scheme_added: bool = False


def resolve_address(address: str) -> Target:
    """The file or URL behind ``address``; ``ValueError`` with a one-line reason if none.

    In order: a bundled sample (``altsim-sample:NAME``); a ``file:`` URL; an existing path
    (reading a directory then fails as a file error, not as a URL); otherwise the address as
    the Add Source field reads it (``typed_address_to_url``: no scheme => ``https://``,
    ``localhost:PORT/...`` => ``http://``), which must come out as http or https.
    """
    if is_sample(address):
        name = address[len(SAMPLE_SCHEME):]
        return Target(address, sample_address(name), sample_path(name))
    if address[:5].lower() == "file:":
        return Target(address, address, _file_url_path(address))
    try:
        is_path = bool(address) and Path(address).exists()
    except OSError:  # e.g. a name too long for the file system: not a file, then
        is_path = False
    if is_path:
        path = Path(address).resolve()
        return Target(address, path.as_uri(), path)
    from altsim.core.identity import typed_address_to_url  # not for a file: `altsim check`

    url = typed_address_to_url(address)  # ValueError where the client shows no preview
    scheme = url.partition(":")[0].lower()
    if scheme not in FETCHED_SCHEMES:
        raise ValueError(f"altsim fetches http, https and file sources, not {scheme}: URLs")
    return Target(address, url, scheme_added=not address.lower().startswith(scheme + ":"))


def _file_url_path(url: str) -> Path:
    import urllib.parse

    parts = urllib.parse.urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        raise ValueError(f"a file URL names a host ({parts.netloc}); only local files are read")
    # urllib.request brings http.client and email with it: 25 ms of every start, for this
    from urllib.request import url2pathname

    return Path(url2pathname(parts.path))


def is_local(url: str) -> bool:
    """Whether a source's URL (as ``Target.url`` gives it) names a file on this machine."""
    return url.startswith(("file:", SAMPLE_SCHEME))
