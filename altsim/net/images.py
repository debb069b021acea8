"""Icons and screenshots: fetched with the source fetcher (bounded), kept in a disk cache,
decoded with Pillow under a pixel limit. The UI calls ``PictureLoader.load`` from a worker and
shows what comes back: a ``Picture`` or a ``PictureFailure`` whose ``reason`` is one short
phrase ("HTTP 404 Not Found", "not an image", "no network (connection refused)").

The cache is derived data: a file per URL (named by its SHA-256) in ``image_cache_directory``,
fresh for ``FRESH_SECONDS``, the oldest files removed when the total passes ``CACHE_BYTES``.
Only a 2xx body is kept; a failure is fetched again on the next look.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import re
import threading
import time
import warnings
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from PIL import Image, UnidentifiedImageError

from altsim.net.fetch import FetchError, SourceFetcher
from altsim.net.limits import FetchLimits, MiB, size_limit
from altsim.state.decoded import cache_directory
from altsim.state.storage import atomic_file

__all__ = ["CACHE_BYTES", "IMAGE_LIMITS", "MAX_PIXELS", "ImageCache", "Picture",
           "PictureFailure", "PictureLoader", "decode_picture", "image_cache_directory"]

# A picture is small: an icon is about 1024 x 1024, an iPad screenshot about 2752 x 2064.
IMAGE_LIMITS = FetchLimits(connect_timeout=5.0, read_timeout=10.0, budget=30.0,
                           max_bytes=10 * MiB, max_redirects=8, concurrency=4)
MAX_PIXELS = 36_000_000  # 6,000 x 6,000; a larger header is refused before any decoding
CACHE_BYTES = 200 * MiB
FRESH_SECONDS = 24 * 3600.0  # a cached copy younger than this is used without a fetch
SHOWN_PIXELS = (1024, 1024)  # the decoded picture is reduced to fit this (the terminal's cells)

# Pillow warns at MAX_IMAGE_PIXELS and refuses at twice that; the warning is turned into a
# refusal below. Lowering it only makes Pillow stricter for everyone in the process.
Image.MAX_IMAGE_PIXELS = min(Image.MAX_IMAGE_PIXELS or MAX_PIXELS, MAX_PIXELS)
_OPENING = threading.Lock()  # warnings filters are process-wide: one open at a time


def image_cache_directory(world_directory: Path) -> Path:
    """Beside the decoded sources (`state.decoded.cache_directory`): the platform's cache
    directory for the default home, `<home>/cache/images` for any other."""
    return cache_directory(world_directory).parent / "images"


@dataclass(frozen=True, slots=True)
class Picture:
    """A decoded picture, reduced to ``SHOWN_PIXELS`` at most; ``width`` x ``height`` is its
    real size in pixels."""

    image: Image.Image
    width: int
    height: int
    format: str


@dataclass(frozen=True, slots=True)
class PictureFailure:
    reason: str


def decode_picture(data: bytes, max_pixels: int = MAX_PIXELS) -> Picture | PictureFailure:
    """The picture in ``data``: its header is read first, and a picture of more than
    ``max_pixels`` pixels is refused without decoding it (a decompression bomb)."""
    try:
        with _OPENING, warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except UnidentifiedImageError:
        return PictureFailure("not an image")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        found = re.search(r"\((\d+) pixels\)", str(error))
        count = f"{int(found[1]):,} pixels" if found else "too many pixels"
        return PictureFailure(f"refused: {count}, over the {max_pixels:,} limit "
                              "(a decompression bomb?)")
    except Exception as error:  # Pillow's plugins raise many kinds on a malformed header
        return PictureFailure(f"broken image ({type(error).__name__})")
    width, height = image.size
    if width * height > max_pixels:
        return PictureFailure(f"refused: {width:,} × {height:,} pixels, over the "
                              f"{max_pixels:,} limit (a decompression bomb?)")
    try:
        image.load()
        image.thumbnail(SHOWN_PIXELS)
        shown = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    except Exception as error:  # truncated data, a broken chunk
        return PictureFailure(f"broken image ({type(error).__name__}: {error})")
    return Picture(shown, width, height, image.format or "?")


class ImageCache:
    """Fetched pictures on disk, one file per URL, at most ``limit`` bytes in all (the oldest
    fetched go first). Every method is blocking: call it from a thread."""

    def __init__(self, directory: Path, *, limit: int = CACHE_BYTES,
                 fresh: float = FRESH_SECONDS) -> None:
        self.directory, self.limit, self.fresh = directory, limit, fresh

    def path(self, url: str) -> Path:
        return self.directory / f"{hashlib.sha256(url.encode()).hexdigest()[:32]}.img"

    def get(self, url: str) -> bytes | None:
        """The cached body, if it was fetched less than ``fresh`` seconds ago."""
        path = self.path(url)
        try:
            if time.time() - path.stat().st_mtime > self.fresh:
                return None
            return path.read_bytes()
        except OSError:
            return None

    def put(self, url: str, data: bytes) -> None:
        """Keep ``data`` for ``url``, then drop the oldest files while over the limit. A full
        or read-only disk only costs the next look a fetch."""
        with suppress(OSError):
            self.directory.mkdir(parents=True, exist_ok=True)
            with atomic_file(self.path(url)) as file:
                file.write(data)
            self.evict()

    def evict(self) -> None:
        files = []
        for path in self.directory.glob("*.img"):
            with suppress(OSError):
                info = path.stat()
                files.append((info.st_mtime, info.st_size, path))
        total = sum(size for _, size, _ in files)
        for _, size, path in sorted(files):
            if total <= self.limit:
                break
            with suppress(OSError):
                path.unlink()
                total -= size


class PictureLoader:
    """Loads pictures over one long-lived fetcher with ``IMAGE_LIMITS``; use ``aclose``."""

    def __init__(self, cache: ImageCache, *, limits: FetchLimits = IMAGE_LIMITS,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.cache, self.limits, self.transport = cache, limits, transport
        self._fetcher: SourceFetcher | None = None

    async def aclose(self) -> None:
        if self._fetcher is not None:
            await self._fetcher.aclose()
            self._fetcher = None

    async def load(self, url: str) -> Picture | PictureFailure:
        """The picture at ``url`` (http or https only, as the client loads them)."""
        if urlsplit(url).scheme.lower() not in ("http", "https"):
            return PictureFailure("not an http(s) URL")
        data = await asyncio.to_thread(self.cache.get, url)
        if data is None:
            fetched = await self._fetch(url)
            if isinstance(fetched, PictureFailure):
                return fetched
            data = fetched
            await asyncio.to_thread(self.cache.put, url, data)
        return await asyncio.to_thread(decode_picture, data)

    async def _fetch(self, url: str) -> bytes | PictureFailure:
        if self._fetcher is None:
            self._fetcher = SourceFetcher(self.limits, transport=self.transport)
        try:
            fetched = await self._fetcher.fetch(url)
        except FetchError as error:
            return PictureFailure(_failure(error, self.limits))
        if fetched.status is not None and not 200 <= fetched.status < 300:
            phrase = f" {fetched.reason_phrase}" if fetched.reason_phrase else ""
            return PictureFailure(f"HTTP {fetched.status}{phrase}")
        return fetched.body


def _failure(error: FetchError, limits: FetchLimits) -> str:
    if error.kind == "connect":
        return f"no network ({error.reason.removeprefix('cannot connect: ')})"
    if error.kind == "too-large":
        return f"over {size_limit(limits.max_bytes)}"
    if error.kind in ("timeout", "budget"):
        return f"timed out ({error.reason})"
    return error.reason
