"""The decodes of the sources' last good copies, kept in memory while altsim runs and, for a
big source, on disk for the next start (`altsim.state.decoded`).

Screens ask for every source at each change of the simulated user's state; a decode is kept until
its key changes: the copy (its file, size and modification time), the client, the iOS
versions' way of decoding (`decoding_ios`: one decode serves 17.0 to 17.4) and the SideStore
beta track. Every decode made here or for the simulator's flows runs with the cycle collector
paused (`gc_paused`).
"""

from __future__ import annotations

import contextlib
import gc
import subprocess
from collections.abc import Iterator
from pathlib import Path

from altsim.core.check import CheckResult, client_verdict, decoding_ios
from altsim.core.model import Source
from altsim.core.profiles import ClientProfile
from altsim.core.values import OSVersion
from altsim.state.decoded import KEEP_FROM_BYTES, DecodedCopy

# What a kept decode was made for: its copy on disk, and the beta track it was decoded with
Key = tuple[DecodedCopy, str | None]


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """A big decode allocates a million objects, none cyclic: the cycle collector would walk
    them over and over while they are made, and again at every full collection while they
    live. So it waits until the decode is done, and then leaves what exists now (mostly the
    decoded sources) out of its walks. Dropped decodes are still freed: they hold no cycles,
    so reference counting frees them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


class DecodeCache:
    """One decode per source and key, in memory; a big source's also on disk, written by a
    separate process (`DecodedCopy.spawn_writer`) so that neither the screen nor a refresh waits."""

    def __init__(self, directory: Path, *, keep_from_bytes: int = KEEP_FROM_BYTES) -> None:
        self.directory = directory  # where the decoded copies live (`decoded.cache_directory`)
        self.keep_from_bytes = keep_from_bytes  # a bigger source is kept decoded on disk
        self.writers: list[subprocess.Popen[bytes]] = []  # the writer processes started
        self._decoded: dict[str, tuple[Key, Source | None]] = {}  # by source identifier

    @staticmethod
    def verdict(raw: bytes, profile: ClientProfile, ios: OSVersion, beta: str | None, *,
                url: str | None = None, status: int | None = None) -> CheckResult:
        """The client's verdict on `raw` fetched from `url` with the HTTP `status`, decoded
        with the cycle collector paused."""
        with gc_paused():
            return client_verdict(raw, profile, ios, beta_track=beta, source_url=url,
                                  http_status=status)

    def source(self, identifier: str, blob: Path, profile: ClientProfile, ios: OSVersion,
               beta: str | None) -> Source | None:
        """The decode of the copy in `blob` for a device on `ios`: kept, read from disk or
        made now. None if the client rejects it or the blob is gone (a newer commit may have
        replaced it)."""
        copy = self._copy(blob, profile, decoding_ios(profile, ios, beta))
        if copy is None:
            return None
        cached = self._decoded.get(identifier)
        if cached is None or cached[0] != (copy, beta):
            del cached  # with the next line: the old decode goes before a new one is built
            self._decoded.pop(identifier, None)
            with gc_paused():
                # The copies on disk are decoded without a beta track.
                source = copy.load() if beta is None else None
                if source is None and (raw := _read(blob)):
                    source = client_verdict(raw, profile, copy.ios, beta_track=beta).source
                    self._keep_on_disk(copy, source, beta)
            cached = self._decoded[identifier] = ((copy, beta), source)
        return cached[1]

    def saved(self, identifier: str, blob: Path, source: Source, profile: ClientProfile,
              ios: OSVersion, beta: str | None) -> None:
        """A copy just committed was decoded on the way: the screens need not decode it
        again, nor the next start."""
        copy = self._copy(blob, profile, decoding_ios(profile, ios, beta))
        if copy is None:  # already replaced by another process's commit
            return
        self._decoded[identifier] = ((copy, beta), source)
        self._keep_on_disk(copy, source, beta)

    def _copy(self, blob: Path, profile: ClientProfile, ios: OSVersion) -> DecodedCopy | None:
        try:
            stat = blob.stat()
        except FileNotFoundError:
            return None
        return DecodedCopy(blob, stat.st_size, stat.st_mtime_ns, profile.name, ios, self.directory)

    def _keep_on_disk(self, copy: DecodedCopy, source: Source | None, beta: str | None) -> None:
        if source is not None and beta is None and copy.size >= self.keep_from_bytes:
            self.writers = [w for w in self.writers if w.poll() is None]
            self.writers.append(copy.spawn_writer())


def _read(blob: Path) -> bytes | None:
    try:
        return blob.read_bytes()
    except FileNotFoundError:
        return None
