"""A crash-safe JSON state file and a directory of blobs, shared safely between processes.

Layout of the home directory (`ALTSIM_HOME`, else `platformdirs.user_data_dir("altsim")`):

    state.json                       the state: a JSON object with a top-level "schema"
    state.lock                       empty; `transaction()` holds an exclusive lock on it
    state.json.corrupt-<UTC stamp>   a state file that could not be read, set aside untouched
    state.json.newer-schema-<stamp>  a state file written by a newer altsim, set aside untouched
    state.json.schema-<n>            the last schema-n file, kept when it was first migrated
    sources/<sha256 of content>.blob large blobs named by their content (the source copies)
    .<name>.<random>.tmp             a write in progress; never read; swept under the lock

Every write goes to a temporary file in the same directory, is flushed and fsynced, renamed
over the target with `os.replace` and the directory is fsynced: a reader, or a process killed
at any instant, sees the old file or the new one, never a mix.

Blobs never change once written: a transaction stages new ones (`Loaded.add_blob`), and the
commit writes them just before it replaces state.json, whose rename is the one commit point of
both. The state names the blobs it uses (`StateFormat.blobs`); after each commit, and when a
store is tidied, blobs it does not name and temporary files are deleted. Only a lock holder
writes, so any temporary file seen under the lock belongs to a dead process. While a file is
set aside beside state.json, no blob is deleted: the set-aside state may name them.

A state file that cannot be used is never overwritten and never deleted: it is renamed aside
and the caller is told how, through `Loaded.set_aside` (see `SetAside.message`). The caller
carries on with the default state, and the next save writes a fresh `state.json` beside the
set-aside file.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO, Generic, Literal, TypeVar

import platformdirs

from altsim.core.json_types import json_type_name

T = TypeVar("T")

HOME_ENV = "ALTSIM_HOME"
STATE_NAME = "state.json"
LOCK_NAME = "state.lock"
BLOB_DIR = "sources"
_TMP_SUFFIX = ".tmp"

JsonObject = dict[str, Any]


def default_home(environ: Mapping[str, str] | None = None) -> Path:
    """Where altsim keeps its state: `$ALTSIM_HOME` if set and not empty, else the platform's
    per-user data directory. Not created here; the store creates it on its first write."""
    env = os.environ if environ is None else environ
    configured = env.get(HOME_ENV, "")
    if configured:
        return Path(configured).expanduser()
    return Path(platformdirs.user_data_dir("altsim"))


class StateShapeError(ValueError):
    """A state document whose content is not what altsim writes; `where` is a JSON pointer."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where or '/'}: {problem}")
        self.where = where
        self.problem = problem


@dataclass(frozen=True, slots=True)
class StateFormat(Generic[T]):
    """How one kind of state maps to its JSON document.

    `decode` receives an object whose "schema" is `schema` and raises `StateShapeError` (and
    nothing else) for content it rejects. `migrations[n]` turns a schema-n document into a
    schema-(n + 1) one and, like `decode`, raises `StateShapeError` for a document it cannot
    read; a document older than every migration is treated as corrupt. `blobs` names every
    blob a state uses: the others are deleted after each commit.
    """

    schema: int
    default: Callable[[], T]
    decode: Callable[[JsonObject], T]
    encode: Callable[[T], JsonObject]
    migrations: Mapping[int, Callable[[JsonObject], JsonObject]] = field(default_factory=dict)
    blobs: Callable[[T], Iterable[str]] = lambda value: ()


@dataclass(frozen=True, slots=True)
class SetAside:
    """A state file that could not be used and was renamed, unchanged, to `moved_to`."""

    reason: Literal["corrupt", "newer-schema"]
    original: Path
    moved_to: Path
    detail: str  # what was wrong, for people

    @property
    def message(self) -> str:
        if self.reason == "newer-schema":
            return (
                f"The state file {self.original} was written by a newer altsim ({self.detail})."
                f" It was moved to {self.moved_to} so that it is not overwritten, and altsim"
                " starts from a fresh state. To use it again, upgrade altsim and move it back."
            )
        return (
            f"The state file {self.original} could not be read ({self.detail})."
            f" It was moved, unchanged, to {self.moved_to}, and altsim starts from a fresh"
            " state."
        )


BLOB_NAME = re.compile(r"[0-9a-f]{64}")  # sha256, hex: a blob's name is never a path


def blob_name(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(slots=True)
class Loaded(Generic[T]):
    """The state as read. In a transaction, change `value` in place or assign a new one."""

    value: T
    set_aside: SetAside | None = None  # the unusable file found, if any: tell the user
    migrated_from: int | None = None  # the schema of the file read, when older than current
    raw: bytes | None = field(default=None, repr=False)  # the bytes read (None: no file)
    # In a transaction: blobs to write with the commit, by name
    staged: dict[str, bytes] = field(default_factory=dict, repr=False)
    # In a transaction: called once the new state is written and synced, just before the
    # rename that commits it (at the end when nothing changed); if it raises, nothing is
    # committed. The one place for effects that must happen once with the commit.
    before_commit: Callable[[], None] | None = field(default=None, repr=False)

    def add_blob(self, data: bytes) -> str:
        """Stage `data` as a blob written with this transaction's commit; its name, for the
        state to refer to (a blob the committed state does not name is not written)."""
        name = blob_name(data)
        self.staged[name] = data
        return name


@dataclass(frozen=True, slots=True)
class _Unusable:
    reason: Literal["corrupt", "newer-schema"]
    detail: str


# ---------------------------------------------------------------------------------------------
# Files


def _fsync_directory(directory: Path) -> None:
    """Make a rename in `directory` durable. Directories cannot be opened on Windows."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def atomic_file(path: Path, before_replace: Callable[[], None] | None = None
                ) -> Iterator[BinaryIO]:
    """A file whose content replaces `path` when the block ends without an exception, so
    that readers and crashes see the old or the new content. `before_replace` runs with the
    new content synced, just before the rename; if it raises, `path` is left as it was."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=_TMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        if before_replace is not None:
            before_replace()
        os.replace(tmp, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_directory(path.parent)


def write_atomic(path: Path, data: bytes,
                 before_replace: Callable[[], None] | None = None) -> None:
    """Replace `path` with `data` (see atomic_file)."""
    with atomic_file(path, before_replace) as file:
        file.write(data)


def remove_temporaries(directory: Path, name: str) -> None:
    """Delete the leftovers of interrupted writes to `directory/name` (call under the lock)."""
    for leftover in directory.glob(f".{name}.*{_TMP_SUFFIX}"):
        with suppress(FileNotFoundError):
            leftover.unlink()


if sys.platform == "win32":  # pragma: no cover - not exercised by the test suite (Linux)
    import msvcrt

    def _lock_exclusive(fd: int, *, wait: bool = True) -> bool:
        while True:
            try:
                msvcrt.locking(fd, msvcrt.LK_LOCK if wait else msvcrt.LK_NBLCK, 1)
                return True
            except OSError:  # LK_LOCK gives up after ~10 s: keep waiting
                if not wait:
                    return False

else:
    import fcntl

    def _lock_exclusive(fd: int, *, wait: bool = True) -> bool:
        """Released when the descriptor is closed. False: held elsewhere and not `wait`."""
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


# ---------------------------------------------------------------------------------------------
# The store


class JsonStore(Generic[T]):
    """One state file of format `fmt` plus blobs, in `directory`.

    Reads (`load`, `load_blob`) take no lock. Writes take an exclusive inter-process lock on
    `state.lock`: `transaction()` for read-modify-write (no lost updates between processes),
    `save()` to replace the state whatever it holds. A transaction (or a save) inside a
    transaction is refused. Threads may share a store: each waits for the lock like another
    process would.
    """

    def __init__(
        self,
        directory: Path,
        fmt: StateFormat[T],
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.directory = directory
        self.format = fmt
        self.path = directory / STATE_NAME
        self.lock_path = directory / LOCK_NAME
        self.blob_directory = directory / BLOB_DIR
        self._clock = clock  # only names set-aside files
        self._local = threading.local()

    # -- the lock --------------------------------------------------------------------------

    @contextmanager
    def _exclusive(self, *, wait: bool = True) -> Iterator[bool]:
        """Hold the lock (yields True), or yield False when `wait` is off and it is held."""
        if getattr(self._local, "locked", False):
            yield True
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if not _lock_exclusive(fd, wait=wait):
                yield False
                return
            self._local.locked = True
            try:
                yield True
            finally:
                self._local.locked = False
        finally:
            os.close(fd)  # releases the lock

    # -- the state file --------------------------------------------------------------------

    def load(self) -> Loaded[T]:
        """The current state, without waiting for writers. A missing file is the default
        state; an unusable one is set aside (under the lock) and reported in the result.
        Other OSErrors (permissions, a directory in the way) propagate and nothing moves."""
        found = self._read()
        if isinstance(found, Loaded):
            return found
        with self._exclusive():
            return self._load_locked()

    @contextmanager
    def transaction(self) -> Iterator[Loaded[T]]:
        """Lock, load, yield the state for changes, save it atomically if the block succeeds.

        Nothing is written if the block raises, or if the state is unchanged. Other altsim
        processes wait at their own `transaction()` or `save()` until this one ends.
        """
        if getattr(self._local, "in_transaction", False):
            raise RuntimeError("a transaction is already open on this store in this thread")
        with self._exclusive():
            self._local.in_transaction = True
            try:
                loaded = self._load_locked()
                yield loaded
                self._save_locked(loaded.value, loaded)
            finally:
                self._local.in_transaction = False

    def tidy(self) -> None:
        """Delete what dead writers left (temporary files, blobs the state does not name),
        if the lock is free: a holder tidies at its own commit. Nothing is created."""
        if not self.directory.is_dir():
            return
        try:
            with self._exclusive(wait=False) as locked:
                if locked and not getattr(self._local, "in_transaction", False):
                    self._sweep(self._load_locked().value)
        except OSError:  # a home this user may read but not change: left as it is
            return

    def save(self, value: T) -> SetAside | None:
        """Replace the state with `value`, whatever it was (prefer `transaction()` to change
        it). An unusable file in the way is set aside first, and reported here."""
        with self.transaction() as state:
            state.value = value
        return state.set_aside

    def _save_locked(self, value: T, loaded: Loaded[T]) -> None:
        document = dict(self.format.encode(value))
        document["schema"] = self.format.schema
        # Never write what the next load would set aside: the change is refused instead, and
        # the state stays as it was (StateShapeError is a ValueError, naming the field).
        self.format.decode(document)
        # ASCII: text from sources may hold lone surrogates, which UTF-8 cannot encode
        data = (json.dumps(document, indent=1, allow_nan=False) + "\n").encode("ascii")
        if loaded.raw == data:
            if loaded.before_commit is not None:
                loaded.before_commit()
            self._sweep(value)
            return
        if loaded.migrated_from is not None and loaded.raw is not None:
            keep = self.path.with_name(f"{STATE_NAME}.schema-{loaded.migrated_from}")
            if not keep.exists():
                write_atomic(keep, loaded.raw)
        used = set(self.format.blobs(value))
        for name, blob in loaded.staged.items():
            path = self.blob_path(name)
            if name in used and not path.exists():  # named by content: one that exists is it
                path.parent.mkdir(exist_ok=True)
                write_atomic(path, blob)
        write_atomic(self.path, data, loaded.before_commit)
        self._sweep(value)

    def _sweep(self, value: T) -> None:
        """Under the lock: delete the temporary files of dead writers, and the blobs `value`
        does not name unless a set-aside state file may name them."""
        remove_temporaries(self.directory, STATE_NAME)
        if not self.blob_directory.is_dir():
            return
        keep_all = any(self.directory.glob(f"{STATE_NAME}.corrupt-*")) or any(
            self.directory.glob(f"{STATE_NAME}.newer-schema-*"))
        used = {f"{name}.blob" for name in self.format.blobs(value)}
        deleted = False
        for path in self.blob_directory.iterdir():
            name = path.name
            stale = name.startswith(".") and name.endswith(_TMP_SUFFIX)
            if stale or (name.endswith(".blob") and name not in used and not keep_all):
                path.unlink(missing_ok=True)
                deleted = True
        if deleted:
            _fsync_directory(self.blob_directory)

    def _load_locked(self) -> Loaded[T]:
        found = self._read()
        if isinstance(found, Loaded):
            return found
        return Loaded(self.format.default(), set_aside=self._set_aside(found))

    def _read(self) -> Loaded[T] | _Unusable:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return Loaded(self.format.default())
        try:
            document = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
        except UnicodeDecodeError as error:
            return _Unusable("corrupt", f"not UTF-8 text: {error.reason} at byte {error.start}")
        except (ValueError, RecursionError) as error:
            return _Unusable("corrupt", f"not JSON: {error}")
        if not isinstance(document, dict):
            return _Unusable("corrupt", f"the file holds a JSON {json_type_name(document)}, "
                                        "not an object")
        schema = document.get("schema")
        if type(schema) is not int:
            return _Unusable("corrupt", "no integer \"schema\" at the top level")
        current = self.format.schema
        if schema > current:
            return _Unusable("newer-schema",
                             f"schema {schema}; this altsim reads schema {current} and older")
        try:
            for step in range(schema, current):
                migrate = self.format.migrations.get(step)
                if migrate is None:
                    return _Unusable("corrupt", f"schema {schema} is older than any this "
                                                "altsim can migrate")
                document = migrate(document)
            value = self.format.decode(document)
        except StateShapeError as error:
            return _Unusable("corrupt", str(error))
        return Loaded(value, migrated_from=schema if schema < current else None, raw=raw)

    def _set_aside(self, unusable: _Unusable) -> SetAside:
        """Rename the state file out of the way (under the lock), never over another file."""
        base = f"{STATE_NAME}.{unusable.reason}-{_stamp(self._clock())}"
        target = self.path.with_name(base)
        counter = 1
        while target.exists():
            counter += 1
            target = self.path.with_name(f"{base}-{counter}")
        os.replace(self.path, target)
        _fsync_directory(self.directory)
        return SetAside(unusable.reason, self.path, target, unusable.detail)

    # -- blobs -----------------------------------------------------------------------------

    def blob_path(self, name: str) -> Path:
        """Where the blob `name` (see `Loaded.add_blob`) lives; ValueError for a name that is
        not a blob name, so that a damaged state never names another file."""
        if not BLOB_NAME.fullmatch(name):
            raise ValueError(f"{name!r} is not a blob name")
        return self.blob_directory / f"{name}.blob"

    def load_blob(self, name: str) -> bytes | None:
        """The blob's bytes; None if it is gone (a newer commit may have deleted it)."""
        try:
            return self.blob_path(name).read_bytes()
        except FileNotFoundError:
            return None
