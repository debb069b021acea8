"""Fetch a source's bytes over HTTP(S), bounded in size and time.

The client never checks the HTTP status (spec §1.1): whatever body arrives is decoded, so the
status is returned for the caller to report, not turned into an error.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from altsim import __version__

MAX_BODY_BYTES = 64 * 1024 * 1024  # after decompression
TIMEOUT = httpx.Timeout(20.0, connect=10.0)
USER_AGENT = f"altsim/{__version__} (+AltStore source simulator)"


class FetchError(Exception):
    """The source could not be fetched; the message is one line for people."""


@dataclass(frozen=True, slots=True)
class Fetched:
    body: bytes
    status: int
    final_url: str


def fetch_source(url: str, *, transport: httpx.BaseTransport | None = None,
                 max_bytes: int = MAX_BODY_BYTES) -> Fetched:
    headers = {"User-Agent": USER_AGENT, "Cache-Control": "no-cache"}
    try:
        with httpx.Client(timeout=TIMEOUT, follow_redirects=True, headers=headers,
                          transport=transport) as client, client.stream("GET", url) as response:
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(f"{url}: response is larger than {max_bytes // 2**20} MB")
                chunks.append(chunk)
            return Fetched(b"".join(chunks), response.status_code, str(response.url))
    except httpx.InvalidURL as error:
        raise FetchError(f"{url}: invalid URL ({error})") from None
    except httpx.TimeoutException:
        raise FetchError(f"{url}: timed out") from None
    except httpx.HTTPError as error:
        reason = str(error) or type(error).__name__
        raise FetchError(f"{url}: {reason}") from None
