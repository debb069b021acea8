"""A process that writes altsim state, for tests/test_state.py (run as a script).

    state_worker.py churn HOME               save ever-changing worlds and large blobs, forever
    state_worker.py append HOME TAG N GO     wait for the file GO, then N transactions that each
                                             add an installed app and a notification of TAG
    state_worker.py die HOME STAGE           save generation 1, then SIGKILL itself at STAGE of
                                             saving generation 2 (see `STAGES`)
    state_worker.py crashes TEMPLATE OUT OP BASE
                                             for N = 1, 2, ...: copy TEMPLATE to OUT/N and
                                             fork a child that runs OP (see `OPS`) on it and
                                             SIGKILLs itself at its Nth file mutation; stop
                                             at the first child that finishes; print JSON
    state_worker.py mix HOME BASE ROLE GO    wait for GO, then run ROLE ("refresh" or
                                             "add:NAME,NAME"), print JSON
    state_worker.py chaos HOME BASE SEED KILLS
                                             fork children running random OPS on HOME, each
                                             killed at a random file mutation (or none),
                                             until KILLS kills; print one JSON line per child

Also imported by the tests for `world_for` and `blob_for`, which say what generation N of
`churn` writes, so a test can check that a file is exactly one complete generation.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import posix
import random
import shutil
import signal
import sys
import time
import types
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import altsim.state.storage
from altsim.state import (
    NotificationRecord,
    PatreonAccount,
    SavedInstalledApp,
    SourceRecord,
    UserState,
    open_user_state,
)
from altsim.state.storage import blob_name

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
BLOB_KEY = "https://example.com/source.json"
_HEADER = 8 + 32  # generation, sha256 of the payload


def user_state_for(generation: int) -> UserState:
    """Generation `generation` of `churn`: every part of it depends on the number."""
    user_state = UserState()
    user_state.device_settings.clock = timedelta(seconds=generation)  # names the generation
    user_state.device_settings.ios = f"{12 + generation % 15}.{generation % 7}"
    user_state.settings.background_interval_minutes = 1 + generation % 500
    user_state.settings.dark_mode = generation % 2 == 1
    user_state.patreon = PatreonAccount(Decimal(generation) / 100, frozenset({f"t{generation}"}))
    moment = EPOCH + timedelta(minutes=generation)
    user_state.sources[BLOB_KEY] = SourceRecord(BLOB_KEY, BLOB_KEY, f"Source {generation}", EPOCH,
                                           moment, None, blob_name(blob_for(generation)), 200)
    for index in range(1 + generation % 40):
        bundle_id = f"com.example.app{index}"
        user_state.installed[bundle_id] = SavedInstalledApp(bundle_id, str(generation),
                                                     str(index), BLOB_KEY, moment)
    user_state.known_news = {f"news-{generation}-{index}" for index in range(generation % 300)}
    for index in range(200 + generation % 300):  # 50 to 120 kB of JSON
        user_state.add_notification(NotificationRecord(moment, "news", f"{generation}",
                                                  f"body {index} " * 20, BLOB_KEY,
                                                  news_id=f"news-{generation}-{index}"))
    return user_state


def generation_of(user_state: UserState) -> int:
    """The generation `world` claims to be (0: not written by `churn`)."""
    clock = user_state.device_settings.clock
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
    store = open_user_state(home)
    generation = generation_of(store.load().value)
    first = generation + 1
    while True:
        generation += 1
        with store.transaction() as state:
            state.value = user_state_for(generation)
            state.add_blob(blob_for(generation))
        if generation == first:
            print("ready", flush=True)


def append(home: Path, tag: str, count: int, go: Path) -> None:
    store = open_user_state(home)
    while not go.exists():
        time.sleep(0.001)
    for index in range(count):
        with store.transaction() as state:
            bundle_id = f"{tag}.app{index}"
            user_state = state.value
            user_state.installed[bundle_id] = SavedInstalledApp(bundle_id, "1.0", None, None, EPOCH)
            user_state.add_notification(NotificationRecord(EPOCH, "update", tag, str(index), None,
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
    store = open_user_state(home)
    store.save(user_state_for(1))
    storage = altsim.state.storage
    if stage == "partial":
        storage.os = _patched_os(fdopen=_HalfWriter)
    elif stage == "unsynced":
        storage.os = _patched_os(fsync=_die)
    elif stage == "unrenamed":
        storage.os = _patched_os(replace=_die)
    else:
        storage._fsync_directory = _die
    store.save(user_state_for(2))
    raise SystemExit("still alive")


def _patched_os(**functions: object) -> types.ModuleType:
    """The os module as storage sees it, with some functions replaced."""
    patched = types.ModuleType("os")
    patched.__dict__.update(os.__dict__)
    patched.__dict__.update(functions)
    return patched


# ---------------------------------------------------------------------------------------------
# Killed at a file mutation (tests/test_crash.py)
#
# A home made by the test holds source A (BASE/a.json, apps com.a and com.b) with com.a 1.0
# installed. B sources (BASE/<name>.json) are served for adding.

_write_raw = posix.write  # the report pipe is written past the patched functions


def _report(fd: int, line: str) -> None:
    _write_raw(fd, (line + "\n").encode("utf-8", "surrogateescape"))


class _Countdown:
    """Counts file mutations in this process; SIGKILLs it at the `kill_at`th (0: never)."""

    def __init__(self, kill_at: int, report: int) -> None:
        self.kill_at, self.report, self.count = kill_at, report, 0

    def __call__(self, kind: str, target: object) -> bool:
        """True: this mutation is the one to die at (the caller may do half of it first)."""
        self.count += 1
        if self.count != self.kill_at:
            return False
        name = target if isinstance(target, int) else os.fsdecode(target)  # type: ignore[arg-type]
        _report(self.report, f"kill {kind} {name}")
        return True

    def die(self) -> None:
        posix.kill(posix.getpid(), signal.SIGKILL)


class _CountedFile:
    """A file from os.fdopen whose writes are mutations: the fatal one writes half."""

    def __init__(self, file: types.SimpleNamespace | object, countdown: _Countdown) -> None:
        self._file, self._countdown = file, countdown

    def __enter__(self) -> _CountedFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._file.close()  # type: ignore[attr-defined]

    def write(self, data: bytes) -> int:
        if self._countdown("write", getattr(self._file, "name", None)):
            self._file.write(data[: len(data) // 2])  # type: ignore[attr-defined]
            self._file.flush()  # type: ignore[attr-defined]
            self._countdown.die()
        return int(self._file.write(data))  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> object:
        return getattr(self._file, name)


_WRITING = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


def _arm(countdown: _Countdown) -> None:
    """Make every file mutation of this process go through `countdown`: os.replace, rename,
    unlink, remove, mkdir, rmdir, fsync, write, open for writing, and writes to os.fdopen's
    files. Before the fatal one the process dies (a write dies half done)."""

    def wrap(name: str, target_of: Callable[..., object]) -> None:
        real = getattr(os, name)

        def patched(*args: object, **kwargs: object) -> object:
            if countdown(name, target_of(*args, **kwargs)):
                countdown.die()
            return real(*args, **kwargs)

        setattr(os, name, patched)

    for name in ("replace", "rename"):
        wrap(name, lambda src, dst, **_: dst)
    for name in ("unlink", "remove", "mkdir", "rmdir"):
        wrap(name, lambda path, *_, **__: path)
    wrap("fsync", lambda fd: fd)
    wrap("write", lambda fd, data: fd)
    real_open, real_fdopen = os.open, os.fdopen

    def opening(path: object, flags: int, *args: object, **kwargs: object) -> int:
        if flags & _WRITING and countdown("open", path):
            countdown.die()
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    def fdopen(fd: int, mode: str = "r", *args: object, **kwargs: object) -> object:
        file = real_fdopen(fd, mode, *args, **kwargs)  # type: ignore[call-overload]
        return _CountedFile(file, countdown) if "w" in mode or "a" in mode else file

    os.open = opening  # type: ignore[assignment]
    os.fdopen = fdopen  # type: ignore[assignment]


def _show_to(fd: int) -> Callable[[object], None]:
    def show(refreshed: object) -> None:
        for record in getattr(refreshed, "shown", refreshed):  # type: ignore[union-attr]
            _report(fd, f"shown {record.kind} {record.bundle_id or record.news_id}")
    return show


def _simulator(home: Path) -> object:
    from altsim.net.fetch import FetchLimits
    from altsim.sim.simulator import Simulator

    return Simulator(open_user_state(home), limits=FetchLimits(connect_timeout=5, read_timeout=5,
                                                          budget=10))


def _source_a(user_state: UserState) -> str:
    return next(i for i, r in user_state.sources.items() if r.url.endswith("/a.json"))


def run_op(op: str, home: Path, base: str, report: int) -> None:
    """One operation of the simulated user, as the CLI and the TUI run it."""
    from altsim.sim.simulator import FlowError, Simulator

    sim = _simulator(home)
    assert isinstance(sim, Simulator)
    name, _, argument = op.partition(":")
    argument = argument or ("b" if name == "add" else "")

    async def network() -> None:
        try:
            if name == "add":
                sim.add_source(await sim.preview_source(f"{base}/{argument}.json"))
                _report(report, f"added {argument}")
            else:
                await sim.refresh(background=True, show=_show_to(report))
        finally:
            await sim.aclose()

    try:
        if name in ("add", "refresh"):
            asyncio.run(network())
        elif name == "remove":
            user_state = sim.user_state()
            target = (_source_a(user_state) if not argument else
                      next(i for i, r in user_state.sources.items()
                           if r.url.endswith(f"/{argument}.json")))
            sim.remove_source(target)
        elif name == "install":
            sim.install(argument or "com.b")
        elif name == "update":
            sim.update(argument or "com.a")
        elif name == "uninstall":
            sim.uninstall(argument or "com.a")
        elif name == "settings":
            with sim.changing() as user_state:
                user_state.settings.dark_mode = not user_state.settings.dark_mode
        elif name == "show":
            sim.show_pending(_show_to(report))
        else:
            raise SystemExit(f"unknown operation {op!r}")
    except (FlowError, StopIteration) as error:
        _report(report, f"refused {error}")


OPS = ("add", "remove", "refresh", "install", "update", "uninstall", "settings")


def _fork_case(op: str, home: Path, base: str, kill_at: int) -> tuple[bool, list[str]]:
    """Run `op` in a forked child killed at its `kill_at`th mutation: (killed, its report)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read)
        try:
            _arm(_Countdown(kill_at, write))
            run_op(op, home, base, write)
        except BaseException as error:  # noqa: BLE001 - reported to the parent
            _report(write, f"error {type(error).__name__}: {error}")
            os._exit(3)
        os._exit(0)
    os.close(write)
    chunks = []
    while chunk := os.read(read, 65536):
        chunks.append(chunk)
    os.close(read)
    _, status = os.waitpid(pid, 0)
    lines = b"".join(chunks).decode("utf-8", "surrogateescape").splitlines()
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 3:
        raise SystemExit(f"{op} at {kill_at} failed: {lines}")
    return os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, lines


def _preload() -> None:
    """Import in the parent what the children use, so that each fork starts at once."""
    import altsim.net.fetch
    import altsim.sim.simulator  # noqa: F401


def crashes(template: Path, out: Path, op: str, base: str) -> None:
    _preload()
    cases = []
    kill_at = 0
    while True:
        kill_at += 1
        home = out / str(kill_at)
        shutil.copytree(template, home)
        killed, lines = _fork_case(op, home, base, kill_at)
        cases.append({"home": str(home), "kill_at": kill_at, "killed": killed,
                      "report": lines})
        if not killed:
            break
    print(json.dumps(cases))


def mix(home: Path, base: str, role: str, go: Path) -> None:
    while not go.exists():
        time.sleep(0.001)
    read, write = os.pipe()
    lines: list[str] = []
    kind, _, names = role.partition(":")
    for name in names.split(",") if kind == "add" else ["", "", ""]:
        run_op(f"add:{name}" if kind == "add" else "refresh", home, base, write)
    os.close(write)
    while chunk := os.read(read, 65536):
        lines += chunk.decode().splitlines()
    print(json.dumps(lines))


def chaos(home: Path, base: str, seed: int, kills: int) -> None:
    """Random operations on a shared home, each killed at a random mutation or not at all."""
    _preload()
    rng = random.Random(seed)
    done = 0
    while done < kills:
        op = rng.choice(("refresh", "refresh", "add", "remove", "install", "update",
                         "uninstall", "settings"))
        if op == "add":
            op = f"add:b{seed}x{rng.randrange(6)}"
        elif op == "remove":
            op = f"remove:b{seed}x{rng.randrange(6)}"
        elif op in ("install", "uninstall"):
            op = f"{op}:com.b"
        kill_at = 0 if rng.random() < 0.2 else rng.randint(1, 18)  # most change 9 to 17 files
        killed, lines = _fork_case(op, home, base, kill_at)
        done += killed
        print(json.dumps({"op": op, "kill_at": kill_at, "killed": killed, "report": lines}),
              flush=True)


if __name__ == "__main__":
    mode, home_arg, *rest = sys.argv[1:]
    if mode == "churn":
        churn(Path(home_arg))
    elif mode == "die":
        die(Path(home_arg), rest[0])
    elif mode == "crashes":
        crashes(Path(home_arg), Path(rest[0]), rest[1], rest[2])
    elif mode == "mix":
        mix(Path(home_arg), rest[0], rest[1], Path(rest[2]))
    elif mode == "chaos":
        chaos(Path(home_arg), rest[0], int(rest[1]), int(rest[2]))
    else:
        append(Path(home_arg), rest[0], int(rest[1]), Path(rest[2]))
