"""The limits every fetch runs under, and their wording. No httpx here: the command line reads
the defaults into its --help at start, before it knows whether it will fetch anything."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DOWNLOAD_LIMITS", "MAX_BODY_BYTES", "STALL_BYTES", "FetchLimits", "amount",
           "size_limit"]

MiB = 1 << 20
GiB = 1 << 30
MAX_BODY_BYTES = 64 * MiB  # after decompression; same cap as a SOURCE file
# Less than this in a whole stall timeout counts as no progress: a server that drips a byte
# every few seconds is as stuck as a silent one, and would otherwise run to the time budget.
STALL_BYTES = 1024


@dataclass(frozen=True, slots=True)
class FetchLimits:
    """Limits per source; the defaults suit refreshing real sources over the internet.

    * ``connect_timeout`` (10 s): to open the connection, TLS included.
    * ``read_timeout`` (20 s), the stall timeout: the longest wait for the response headers,
      and for the body to make progress (``STALL_BYTES``); also the write timeout.
    * ``budget`` (60 s): the whole fetch, redirects and body included; ends a body that keeps
      coming and never ends. Counted from when the fetch gets its concurrency slot.
    * ``max_bytes`` (64 MiB): the body after decompression; the largest source in the shared
      corpus is 1.5 MB.
    * ``max_file_bytes`` (None): a local file; None reads any size memory allows (a file on
      this machine is the user's own, not a server's), a device such as /dev/zero stops at
      ``max_bytes``.
    * ``max_redirects`` (16): redirects followed before giving up. Apple does not document
      URLSession's limit; 16 is our choice (httpx's default is 20), far above what a source
      needs (GitHub and CDNs use one or two).
    * ``concurrency`` (64): fetches in flight at once for one fetcher. The client has no cap
      (a fresh URLSession per source, all started together, behaviour.md 9.1); a cap keeps altsim
      polite and its memory bounded (at most ``concurrency`` x ``max_bytes``). Why 64: 200 sources
      that each take 200 ms are 4 rounds (0.8 s ideal, ~0.9 s measured), a 2x margin on the 2 s
      target; 32 needs 7 rounds (1.4 s ideal, ~1.5 s measured), too close to it. See
      bench/refresh_speed.py.
    """

    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    budget: float = 60.0
    max_bytes: int = MAX_BODY_BYTES
    max_file_bytes: int | None = None
    max_redirects: int = 16
    concurrency: int = 64

    def __post_init__(self) -> None:
        for name in ("connect_timeout", "read_timeout", "budget", "max_bytes", "concurrency"):
            if not getattr(self, name) > 0:
                raise ValueError(f"FetchLimits.{name} must be positive")
        if self.max_file_bytes is not None and self.max_file_bytes <= 0:
            raise ValueError("FetchLimits.max_file_bytes must be positive")
        if self.max_redirects < 0:
            raise ValueError("FetchLimits.max_redirects must not be negative")


# An IPA can be a few GB, and slow hosts take minutes: far looser than a source's limits.
DOWNLOAD_LIMITS = FetchLimits(read_timeout=30.0, budget=30 * 60.0, max_bytes=4 * GiB,
                              concurrency=1)


def amount(count: int) -> str:
    """Bytes as people read them in a message: "812 bytes", "1.2 MB", "3.4 GB" (decimal
    units, as the progress bar shows them)."""
    if count < 1000:
        return f"{count:,} byte{'' if count == 1 else 's'}"
    value, unit = count / 1000, "kB"
    for larger in ("MB", "GB"):
        if value < 999.95:  # would not round up to "1000.0"
            break
        value, unit = value / 1000, larger
    return f"{value:.1f} {unit}"


def size_limit(count: int) -> str:
    """A size cap as it was set: "64 MiB", "4 GiB", else bytes."""
    if count % GiB == 0:
        return f"{count // GiB} GiB"
    if count % MiB == 0:
        return f"{count // MiB} MiB"
    return f"{count:,} bytes"
