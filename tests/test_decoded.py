"""Decoded sources kept on disk between runs: written by a real process, read back by a fresh
simulator, and never trusted when anything they were made from has changed."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import platformdirs
import pytest

from altsim.core.model import Source
from altsim.sim.simulator import Simulator
from altsim.state import open_user_state
from altsim.state.decoded import DecodedCopy, cache_directory

from .conftest import Routes

SAMPLE = Path(__file__).parent.parent / "sample_sources" / "showcase.json"


@pytest.fixture
async def user_state(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    simulator = Simulator(open_user_state(home))
    simulator.add_source(await simulator.preview_source(str(SAMPLE)))
    await simulator.aclose()
    return home


def decoded_once(home: Path, *, keep: bool) -> tuple[Simulator, dict[str, Source]]:
    """A fresh simulator's sources; with `keep`, its decode is kept on disk (waited for)."""
    simulator = Simulator(open_user_state(home))
    simulator.decode_cache.keep_from_bytes = 0 if keep else 2**62
    sources = simulator.sources(simulator.user_state())
    for writer in simulator.decode_cache.writers:
        assert writer.wait(timeout=120) == 0
    return simulator, sources


def copies(home: Path) -> list[Path]:
    return sorted((home / "cache" / "decoded").glob("*.pickle"))


async def test_a_big_source_leaves_a_copy_that_the_next_start_reads(user_state: Path) -> None:
    _, first = decoded_once(user_state, keep=True)
    (copy,) = copies(user_state)
    (identifier,) = first
    # Same size and modification time, bytes no client accepts: only the copy can give a source.
    simulator, _ = decoded_once(user_state, keep=False)
    blob = simulator.copy_path(simulator.user_state(), identifier)
    stat = blob.stat()
    blob.write_bytes(b"x" * stat.st_size)
    os.utime(blob, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    _, second = decoded_once(user_state, keep=False)
    assert second == first
    # A blob that changes (a refresh) is decoded afresh; its old copy no longer matches.
    os.utime(blob, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))
    _, third = decoded_once(user_state, keep=False)
    assert third == {}
    assert copies(user_state) == [copy]  # dropped only when a new copy is written


async def test_a_copy_is_kept_only_for_big_sources(user_state: Path) -> None:
    decoded_once(user_state, keep=False)
    assert copies(user_state) == []


def a_copy(tmp_path: Path, **changes: object) -> DecodedCopy:
    blob = tmp_path / "sources" / "abc.blob"
    if not blob.exists():
        blob.parent.mkdir()
        blob.write_bytes(b"{}")
    stat = blob.stat()
    base = DecodedCopy(blob, stat.st_size, stat.st_mtime_ns, "altstore", (17, 0, 0), tmp_path / "c")
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize("change", [
    {"client": "sidestore"}, {"ios": (16, 0, 0)}, {"size": 3}, {"mtime_ns": 1}])
def test_a_copy_is_keyed_by_client_ios_and_blob(tmp_path: Path, change: dict) -> None:
    assert a_copy(tmp_path, **change).path != a_copy(tmp_path).path
    assert a_copy(tmp_path).path == a_copy(tmp_path).path


@pytest.mark.parametrize("content", [
    b"", b"torn \x80", pickle.dumps({"name": "not a source"})], ids=["empty", "torn", "foreign"])
def test_a_copy_that_does_not_load_is_a_miss_and_is_deleted(tmp_path: Path,
                                                             content: bytes) -> None:
    copy = a_copy(tmp_path)
    copy.directory.mkdir()
    copy.path.write_bytes(content)
    assert copy.load() is None
    assert not copy.path.exists()


def test_saving_drops_the_copies_of_changed_or_removed_blobs(tmp_path: Path) -> None:
    older = a_copy(tmp_path, mtime_ns=1)  # the blob before a refresh
    gone = a_copy(tmp_path, blob=tmp_path / "sources" / "gone.blob")
    other_reader = a_copy(tmp_path, ios=(16, 0, 0))  # the same blob, for another iOS class
    for copy in (older, gone, other_reader):
        copy.save(Source("Old"))
    new = a_copy(tmp_path)
    killed = new.directory / f".{new.path.name}.x1y2.tmp"  # a writer killed mid-write
    killed.write_bytes(b"half")
    new.save(Source("New"))
    assert sorted(new.directory.iterdir()) == sorted([new.path, other_reader.path])
    assert new.load() == Source("New")


def test_the_writer_leaves_a_changed_blob_alone(tmp_path: Path) -> None:
    copy = a_copy(tmp_path, mtime_ns=1)
    written = copy.spawn_writer()
    assert written.wait(timeout=120) == 1
    assert not copy.directory.exists()


def test_the_writer_runs_as_a_module(tmp_path: Path) -> None:
    """What spawn_writer starts, run in the foreground: a real source, decoded and saved."""
    blob = tmp_path / "sources" / "s.blob"
    blob.parent.mkdir()
    blob.write_bytes(SAMPLE.read_bytes())
    stat = blob.stat()
    run = subprocess.run([sys.executable, "-m", "altsim.state.decoded", str(blob),
                          str(stat.st_size), str(stat.st_mtime_ns), "altstore", "17.0",
                          str(tmp_path / "c")], capture_output=True, text=True, timeout=120)
    assert (run.returncode, run.stderr) == (0, "")
    copy = DecodedCopy(blob, stat.st_size, stat.st_mtime_ns, "altstore", (17, 0, 0), tmp_path / "c")
    loaded = copy.load()
    assert loaded is not None
    assert loaded.name == "Showcase"


def test_the_default_world_keeps_copies_in_the_platform_cache(tmp_path: Path) -> None:
    default = Path(platformdirs.user_data_dir("altsim"))
    assert cache_directory(default) == Path(platformdirs.user_cache_dir("altsim")) / "decoded"
    assert cache_directory(tmp_path) == tmp_path / "cache" / "decoded"


def same_size_garbage(blob: Path) -> None:
    """Bytes no client accepts, with the blob's size and time: only a kept decode reads it."""
    stat = blob.stat()
    blob.write_bytes(b"x" * stat.st_size)
    os.utime(blob, ns=(stat.st_atime_ns, stat.st_mtime_ns))


async def test_adding_a_big_source_keeps_its_decode(tmp_path: Path) -> None:
    simulator = Simulator(open_user_state(tmp_path / "home"))
    simulator.decode_cache.keep_from_bytes = 0
    identifier = simulator.add_source(await simulator.preview_source(str(SAMPLE))).identifier
    await simulator.aclose()
    for writer in simulator.decode_cache.writers:
        assert writer.wait(timeout=120) == 0
    assert len(copies(tmp_path / "home")) == 1
    same_size_garbage(simulator.copy_path(simulator.user_state(), identifier))
    _, sources = decoded_once(tmp_path / "home", keep=False)
    assert [source.name for source in sources.values()] == ["Showcase"]


async def test_a_refreshed_copy_is_not_decoded_again(tmp_path: Path, server: str) -> None:
    Routes.routes = {"/s.json": (200, SAMPLE.read_bytes())}
    simulator = Simulator(open_user_state(tmp_path / "home"))
    simulator.add_source(await simulator.preview_source(f"{server}/s.json"))
    Routes.routes = {"/s.json": (200, SAMPLE.read_bytes().replace(b'"Showcase"', b'"Renamed"'))}
    (identifier,) = (await simulator.refresh(background=False)).names
    same_size_garbage(simulator.copy_path(simulator.user_state(), identifier))
    assert [s.name for s in simulator.sources(simulator.user_state()).values()] == ["Renamed"]
    await simulator.aclose()
    assert copies(tmp_path / "home") == []  # small: nothing kept on disk


def set_ios(simulator: Simulator, ios: str) -> None:
    with simulator.store.transaction() as loaded:
        loaded.value.device_settings.ios = ios


async def test_one_decode_serves_the_ios_versions_that_decode_alike(user_state: Path) -> None:
    """Watching update prompts change from 17.0 to 17.4 needs no new decode (JSON5 from 15,
    lenient URLs from 17: the only ways the iOS version changes a decode)."""
    simulator = Simulator(open_user_state(user_state))
    (identifier,) = simulator.sources(simulator.user_state())
    same_size_garbage(simulator.copy_path(simulator.user_state(), identifier))
    for ios, names in (("17.4.1", ["Showcase"]), ("18.0", ["Showcase"]), ("16.4", [])):
        set_ios(simulator, ios)
        assert [s.name for s in simulator.sources(simulator.user_state()).values()] == names
