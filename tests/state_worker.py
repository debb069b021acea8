"""A process that writes altsim state, for tests/test_state.py (run as a script).

    state_worker.py churn HOME               save ever-changing worlds and large blobs, forever
    state_worker.py append HOME TAG N GO     wait for the file GO, then N transactions that each
                                             add an installed app and a notification of TAG
    state_worker.py die HOME STAGE           save generation 1, then SIGKILL itself at STAGE of
                                             saving generation 2 (see `STAGES`)

Also imported by the tests for `world_for` and `blob_for`, which say what generation N of
`churn` writes, so a test can check that a file is exactly one complete generation.
"""

from __future__ import annotations

import hashlib
import os
import signal
import sys
import time
import types
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import altsim.state.storage
from altsim.state import (
    InstalledRecord,
    NotificationRecord,
    PatreonAccount,
    SourceRecord,
    World,
    open_world,
)
from altsim.state.storage import blob_name

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
BLOB_KEY = "https://example.com/source.json"
_HEADER = 8 + 32  # generation, sha256 of the payload


def world_for(generation: int) -> World:
    """Generation `generation` of `churn`: every part of it depends on the number."""
    world = World()
    world.device_settings.clock = timedelta(seconds=generation)  # names the generation
    world.device_settings.ios = f"{12 + generation % 15}.{generation % 7}"
    world.settings.background_interval_minutes = 1 + generation % 500
    world.settings.dark_mode = generation % 2 == 1
    world.patreon = PatreonAccount(Decimal(generation) / 100, frozenset({f"t{generation}"}))
    moment = EPOCH + timedelta(minutes=generation)
    world.sources[BLOB_KEY] = SourceRecord(BLOB_KEY, BLOB_KEY, f"Source {generation}", EPOCH,
                                           moment, None, blob_name(blob_for(generation)), 200)
    for index in range(1 + generation % 40):
        bundle_id = f"com.example.app{index}"
        world.installed[bundle_id] = InstalledRecord(bundle_id, str(generation),
                                                     str(index), BLOB_KEY, moment)
    world.known_news = {f"news-{generation}-{index}" for index in range(generation % 300)}
    for index in range(200 + generation % 300):  # 50 to 120 kB of JSON
        world.add_notification(NotificationRecord(moment, "news", f"{generation}",
                                                  f"body {index} " * 20, BLOB_KEY,
                                                  news_id=f"news-{generation}-{index}"))
    return world


def generation_of(world: World) -> int:
    """The generation `world` claims to be (0: not written by `churn`)."""
    clock = world.device_settings.clock
    return int(clock.total_seconds()) if isinstance(clock, timedelta) else 0


def blob_for(generation: int) -> bytes:
    """0.5 to 2 MB: generation, digest, payload."""
    size = (1 + generation % 4) * 500_000
    payload = generation.to_bytes(8, "big") * (size // 8)
    return generation.to_bytes(8, "big") + hashlib.sha256(payload).digest() + payload


def blob_generation(blob: bytes) -> int:
    """The generation of a complete blob; AssertionError for a partial or mixed one."""
    generation = int.from_bytes(blob[:8], "big")
    assert hashlib.sha256(blob[_HEADER:]).digest() == blob[8:_HEADER], "blob is not complete"
    assert blob == blob_for(generation)
    return generation


def churn(home: Path) -> None:
    store = open_world(home)
    generation = generation_of(store.load().value)
    first = generation + 1
    while True:
        generation += 1
        with store.transaction() as state:
            state.value = world_for(generation)
            state.add_blob(blob_for(generation))
        if generation == first:
            print("ready", flush=True)


def append(home: Path, tag: str, count: int, go: Path) -> None:
    store = open_world(home)
    while not go.exists():
        time.sleep(0.001)
    for index in range(count):
        with store.transaction() as state:
            bundle_id = f"{tag}.app{index}"
            world = state.value
            world.installed[bundle_id] = InstalledRecord(bundle_id, "1.0", None, None, EPOCH)
            world.add_notification(NotificationRecord(EPOCH, "update", tag, str(index), None,
                                                      bundle_id=bundle_id))


# Where `die` kills itself while writing the state: half the data written; all written but not
# fsynced; fsynced but not renamed; renamed but the directory not fsynced.
STAGES = ("partial", "unsynced", "unrenamed", "renamed")


def _die(*args: object, **kwargs: object) -> None:
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)


class _HalfWriter:
    def __init__(self, fd: int, mode: str) -> None:
        self.file = os.fdopen(fd, mode)

    def __enter__(self) -> _HalfWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.file.close()

    def write(self, data: bytes) -> None:
        self.file.write(data[: len(data) // 2])
        self.file.flush()
        _die()


def die(home: Path, stage: str) -> None:
    store = open_world(home)
    store.save(world_for(1))
    storage = altsim.state.storage
    if stage == "partial":
        storage.os = _patched_os(fdopen=_HalfWriter)
    elif stage == "unsynced":
        storage.os = _patched_os(fsync=_die)
    elif stage == "unrenamed":
        storage.os = _patched_os(replace=_die)
    else:
        storage._fsync_directory = _die
    store.save(world_for(2))
    raise SystemExit("still alive")


def _patched_os(**functions: object) -> types.ModuleType:
    """The os module as storage sees it, with some functions replaced."""
    patched = types.ModuleType("os")
    patched.__dict__.update(os.__dict__)
    patched.__dict__.update(functions)
    return patched


if __name__ == "__main__":
    mode, home_arg, *rest = sys.argv[1:]
    if mode == "churn":
        churn(Path(home_arg))
    elif mode == "die":
        die(Path(home_arg), rest[0])
    else:
        append(Path(home_arg), rest[0], int(rest[1]), Path(rest[2]))
