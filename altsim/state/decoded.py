"""Decoded sources kept between runs, so that a big source opens without parsing its JSON.

A 10,000-app source takes over a second to parse and decode, and a third of that to load
decoded (bench/tui_speed.py). The copy is written by a separate process (`python -m
altsim.state.decoded`), so that neither the screen nor a refresh waits for it; a reader
takes it only when its key matches: the same blob (by size and modification time), client,
iOS version, and altsim code. Anything else, or a file that does not load, is a miss and a
decode. The files are altsim's own pickles in the user's cache directory (the same trust as
altsim's code); they are derived data, safe to delete at any time.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import pickle
import subprocess
import sys
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import platformdirs

import altsim
from altsim.core.check import client_verdict
from altsim.core.model import Source
from altsim.core.profiles import PROFILES
from altsim.core.values import OSVersion, os_version_string, parse_os_version
from altsim.state.storage import atomic_file, remove_temporaries

SUFFIX = ".pickle"
KEEP_FROM_BYTES = 4 * 2**20  # about 1,000 apps; a smaller source decodes in a blink


def cache_directory(world_directory: Path) -> Path:
    """The platform's cache directory for the default home; beside any other home
    (`ALTSIM_HOME`, tests), so that worlds never share copies."""
    if world_directory == Path(platformdirs.user_data_dir("altsim")):
        return Path(platformdirs.user_cache_dir("altsim")) / "decoded"
    return world_directory / "cache" / "decoded"


@functools.cache
def code_fingerprint() -> str:
    """Changes with altsim's model and decoder, and with Python: a copy made by other code is
    never read."""
    digest = hashlib.sha256(f"{altsim.__version__}|{sys.version}".encode())
    core = Path(__file__).resolve().parent.parent / "core"
    for path in sorted(core.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class DecodedCopy:
    """Where the decoded copy of one blob, for one client and iOS version, lives."""

    blob: Path
    size: int
    mtime_ns: int
    client: str
    ios: OSVersion
    directory: Path

    @property
    def path(self) -> Path:
        """`<blob>.<its version and altsim's>.<client and iOS>.pickle`"""
        made_from = _digest(f"{self.size}|{self.mtime_ns}|{code_fingerprint()}")
        reader = _digest(f"{self.client}|{self.ios}")
        return self.directory / f"{self.blob.stem}.{made_from}.{reader}{SUFFIX}"

    def blob_unchanged(self) -> bool:
        try:
            stat = self.blob.stat()
        except FileNotFoundError:
            return False
        return (stat.st_size, stat.st_mtime_ns) == (self.size, self.mtime_ns)

    def load(self) -> Source | None:
        """The copy, or None; a copy that does not load is deleted."""
        try:
            file = self.path.open("rb")
        except OSError:
            return None
        with file:
            try:  # streamed: the file's bytes are never all in memory beside the objects
                source = pickle.load(file)  # noqa: S301 (altsim's own, in the user's cache)
            except Exception:  # a torn or foreign file: decode instead, and forget it
                source = None
        if not isinstance(source, Source):
            self.path.unlink(missing_ok=True)
            return None
        return source

    def save(self, source: Source) -> None:
        """Write the copy atomically, and drop the copies of blobs that changed or are gone
        (those for other clients and iOS versions of this blob stay)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.path
        remove_temporaries(self.directory, path.name)  # of a writer that was killed
        with atomic_file(path) as file:
            pickle.dump(source, file, protocol=pickle.HIGHEST_PROTOCOL)
        made_from = path.name.split(".")[1]
        for other in self.directory.glob(f"*.*.*{SUFFIX}"):
            stem, other_made_from = other.name.split(".")[:2]
            changed = stem == self.blob.stem and other_made_from != made_from
            if changed or not (self.blob.parent / f"{stem}{self.blob.suffix}").exists():
                other.unlink(missing_ok=True)

    def spawn_writer(self) -> subprocess.Popen[bytes]:
        """Decode and save in another process (it checks the blob has not changed)."""
        return subprocess.Popen(
            [sys.executable, "-m", "altsim.state.decoded", str(self.blob), str(self.size),
             str(self.mtime_ns), self.client, os_version_string(self.ios), str(self.directory)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)  # a Ctrl-C in the terminal UI does not reach it


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _write(argv: list[str]) -> int:
    gc.disable()  # a short-lived process building a million acyclic objects: nothing to collect
    blob, size, mtime_ns, client, ios, directory = argv
    copy = DecodedCopy(Path(blob), int(size), int(mtime_ns), client, parse_os_version(ios),
                Path(directory))
    if not copy.blob_unchanged():
        return 1
    raw = copy.blob.read_bytes()
    if not copy.blob_unchanged():  # replaced while it was read
        return 1
    source = client_verdict(raw, PROFILES[client], copy.ios).source
    del raw  # before pickling: this process peaks no higher than the decode
    if source is not None:
        with suppress(OSError):  # a full disk only costs the next start a decode
            copy.save(source)
    return 0


if __name__ == "__main__":
    sys.exit(_write(sys.argv[1:]))
