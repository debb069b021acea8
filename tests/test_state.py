"""altsim.state: the world on disk, with real files and real processes."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import platformdirs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from altsim.core.device import InstalledApp, Patron
from altsim.state import (
    HOME_ENV,
    NOTIFICATION_LIMIT,
    SCHEMA,
    DeviceSettings,
    JsonStore,
    NotificationRecord,
    PatreonAccount,
    SavedInstalledApp,
    Settings,
    SourceRecord,
    StateFormat,
    StateShapeError,
    UserState,
    default_home,
    open_user_state,
)

from .state_worker import (
    BLOB_KEY,
    STAGES,
    blob_generation,
    generation_of,
    user_state_for,
)

WORKER = Path(__file__).with_name("state_worker.py")
T0 = datetime(2026, 11, 22, 3, 15, tzinfo=UTC)


def full_world() -> UserState:
    user_state = UserState(
        device_settings=DeviceSettings("16.4.1", "ipad", "fr_CA", "America/Toronto",
                                       T0 + timedelta(days=3)),
        settings=Settings("sidestore", 15, False, True, "nightly"),
        patreon=PatreonAccount(Decimal("4.50"), frozenset({"tier-1", "tier 2"}),
                               frozenset({"beta"})),
    )
    user_state.sources["example.com/a"] = SourceRecord(
        "https://example.com/a?x=1", "example.com/a", "Source “A”", T0, T0 + timedelta(hours=1),
        None, "ab" * 32, 200)
    user_state.sources["example.org/b"] = SourceRecord(
        "example.org/b", "example.org/b", None, T0 - timedelta(days=400), None,
        "Unable to Refresh “B” Source: 404", None, 404)
    user_state.installed["com.a.app"] = SavedInstalledApp("com.a.app", "1.2 (3)", "45",
                                                          "example.com/a", T0)
    user_state.installed["com.gone"] = SavedInstalledApp(
        "com.gone", "0.9", None, None, T0.astimezone(timezone(timedelta(hours=-7, minutes=-30))))
    user_state.known_news = {"welcome", "n\u00e9ws\n2"}
    user_state.add_notification(NotificationRecord(T0, "update", "New Update Available",
                                              "A 1.3 is now available for download.",
                                              "example.com/a", bundle_id="com.a.app"))
    user_state.add_notification(NotificationRecord(T0, "news", "AltStore News", "Hello\x00",
                                              "example.com/a", news_id="welcome", shown=True))
    return user_state


# ---------------------------------------------------------------------------------------------
# The world and its document


@pytest.mark.parametrize("clock", [None, T0, timedelta(seconds=-90), timedelta(seconds=1.25)])
def test_full_world_round_trips_through_a_file(
    tmp_path: Path, clock: datetime | timedelta | None
) -> None:
    user_state = full_world()
    user_state.device_settings.clock = clock
    store = open_user_state(tmp_path)
    with store.transaction() as state:
        state.value = user_state
    loaded = open_user_state(tmp_path).load()
    assert loaded.set_aside is None
    assert loaded.value == user_state
    assert list(loaded.value.sources) == ["example.com/a", "example.org/b"]  # order kept
    document = json.loads((tmp_path / "state.json").read_text("utf-8"))
    assert document["schema"] == SCHEMA
    assert UserState.from_json(json.loads(json.dumps(user_state.to_json()))) == user_state


def test_text_from_sources_survives_any_code_point(tmp_path: Path) -> None:
    user_state = UserState()
    odd = "\ud800 lone surrogate, \x00 NUL, \u202e bidi, \U0001f600"
    user_state.sources[odd] = SourceRecord(odd, odd, odd, T0, last_error=odd)
    user_state.known_news.add(odd)
    open_user_state(tmp_path).save(user_state)
    assert open_user_state(tmp_path).load().value == user_state


def test_document_shape() -> None:
    document = full_world().to_json()
    assert document["device"]["clock"] == {"fixed": "2026-11-25T03:15:00+00:00"}
    assert document["patreon"] == {"amount": "4.50", "tiers": ["tier 2", "tier-1"],
                                   "benefits": ["beta"]}
    assert document["settings"] == {"client": "sidestore", "background_interval_minutes": 15,
                                    "renotify_build_bug": False, "dark_mode": True,
                                    "beta_track": "nightly"}
    assert document["installed"][1] == {
        "bundle_id": "com.gone", "version": "0.9", "build_version": None,
        "source_identifier": None, "installed_at": "2026-11-21T19:45:00-07:30"}


def test_defaults() -> None:
    user_state = UserState.from_json({"schema": SCHEMA})
    assert user_state == UserState()
    assert user_state.settings == Settings("altstore", 60, True, False)
    assert user_state.device_settings == DeviceSettings("17.0.0", "iphone", "en_US", "UTC", None)
    assert UserState.from_json(UserState().to_json()) == UserState()


def test_device_and_user_plug_into_core() -> None:
    user_state = full_world()
    device = user_state.device(T0)
    assert device.ios == (16, 4, 1)
    assert device.now == T0 + timedelta(days=3)  # fixed clock
    assert (device.family, device.locale, device.time_zone) == ("ipad", "fr_CA",
                                                                "America/Toronto")
    user_state.device_settings.clock = timedelta(hours=-2)
    assert user_state.device(T0).now == T0 - timedelta(hours=2)
    user_state.device_settings.clock = None
    assert user_state.device(T0).now == T0
    user = user_state.user()
    assert user.installed == {"com.a.app": InstalledApp("com.a.app", "1.2 (3)", "45"),
                              "com.gone": InstalledApp("com.gone", "0.9", None)}
    assert user.patron == Patron(Decimal("4.50"), frozenset({"tier-1", "tier 2"}),
                                 frozenset({"beta"}))
    user_state.patreon = None
    assert user_state.user().patron is None


def test_notification_history_is_bounded() -> None:
    user_state = UserState()
    for index in range(NOTIFICATION_LIMIT + 20):
        user_state.add_notification(NotificationRecord(T0, "news", str(index), "", None,
                                                  news_id=str(index)))
    assert len(user_state.notifications) == NOTIFICATION_LIMIT
    assert user_state.notifications[0].title == "20"
    assert user_state.notifications[-1].title == str(NOTIFICATION_LIMIT + 19)


@pytest.mark.parametrize(("change", "where"), [
    ({"schema": SCHEMA + 1}, "/schema"),
    ({"sources": [{"url": "a", "identifier": "a", "name": None, "added_at":
                   "2026-01-01T00:00:00Z", "copy": "../state.json"}]}, "/sources/0/copy"),
    ({"sources": {}}, "/sources"),
    ({"device": {"ios": "17", "family": "watch", "locale": "x", "time_zone": "UTC",
                 "clock": None}}, "/device/family"),
    ({"device": {"ios": "17.x", "family": "ipad", "locale": "x", "time_zone": "UTC",
                 "clock": None}}, "/device/ios"),
    ({"device": {"ios": "17", "family": "ipad", "locale": "x", "time_zone": "UTC",
                 "clock": {"offset_seconds": 1e300}}}, "/device/clock/offset_seconds"),
    ({"patreon": {"amount": 5, "tiers": [], "benefits": []}}, "/patreon/amount"),
    ({"patreon": {"amount": "NaN", "tiers": [], "benefits": []}}, "/patreon/amount"),
    ({"settings": {"client": "altstore", "background_interval_minutes": True,
                   "renotify_build_bug": True, "dark_mode": False}},
     "/settings/background_interval_minutes"),
    ({"installed": [{"bundle_id": "a", "version": "1", "build_version": None,
                     "source_identifier": None, "installed_at": "2026-01-01T00:00:00"}]},
     "/installed/0/installed_at"),
    ({"installed": [{"bundle_id": "a", "version": "1",
                     "installed_at": "2026-01-01T00:00:00Z"}] * 2},
     "/installed/1/bundle_id"),
    ({"known_news": ["a", 1]}, "/known_news/1"),
    ({"notifications": [{"at": "2026-01-01T00:00:00Z", "kind": "news", "title": "",
                         "body": "", "source_identifier": None, "shown": False}]},
     "/notifications/0/news_id"),
    ({"notifications": [{"at": "2026-01-01T00:00:00Z", "kind": "news", "title": "",
                         "body": "", "source_identifier": None, "news_id": "n"}]},
     "/notifications/0/shown"),
])
def test_wrong_shapes_name_the_place(change: dict[str, object], where: str) -> None:
    document = {"schema": SCHEMA, **change}
    with pytest.raises(StateShapeError) as caught:
        UserState.from_json(document)
    assert caught.value.where == where


_JSON_LEAVES = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
_JSON = st.recursive(_JSON_LEAVES, lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=8)


def _leaf_paths(value: object, path: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    if isinstance(value, dict):
        return [path] + [p for k, v in value.items() for p in _leaf_paths(v, (*path, k))]
    if isinstance(value, list):
        return [path] + [p for i, v in enumerate(value) for p in _leaf_paths(v, (*path, i))]
    return [path]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_damage_is_a_shape_error_or_a_world(data: st.DataObject) -> None:
    """Replacing or deleting any part of a full document never escapes as another error."""
    document = json.loads(json.dumps(full_world().to_json()))
    path = data.draw(st.sampled_from(_leaf_paths(document)))
    if not path:
        document = data.draw(_JSON)
    else:
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        if isinstance(parent, dict) and data.draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = data.draw(_JSON)
    try:
        user_state = UserState.from_json(document)
    except StateShapeError:
        return
    assert UserState.from_json(user_state.to_json()) == user_state


# ---------------------------------------------------------------------------------------------
# The store: home, missing file, corruption, schemas


def test_missing_file_is_the_default_world_and_creates_nothing(tmp_path: Path) -> None:
    home = tmp_path / "not-yet"
    loaded = open_user_state(home).load()
    assert loaded.value == UserState()
    assert loaded.set_aside is None
    assert not home.exists()
    with open_user_state(home).transaction() as state:
        state.value.settings.dark_mode = True
    assert open_user_state(home).load().value.settings.dark_mode


def test_altsim_home_is_honoured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "home"))
    assert default_home() == tmp_path / "home"
    store = open_user_state()
    assert store.path == tmp_path / "home" / "state.json"
    store.save(full_world())
    assert (tmp_path / "home" / "state.json").is_file()
    monkeypatch.setenv(HOME_ENV, "")
    assert default_home() == Path(platformdirs.user_data_dir("altsim"))
    assert default_home({}) == default_home()


def _full_bytes(tmp_path: Path) -> bytes:
    scratch = tmp_path / "scratch"
    open_user_state(scratch).save(full_world())
    return (scratch / "state.json").read_bytes()


CORRUPT = {
    "garbage bytes": lambda good: b"\x00\xff\xfe\x80garbage" * 10,
    "truncated JSON": lambda good: good[: len(good) // 2],
    "empty file": lambda good: b"",
    "an array": lambda good: b"[1, 2, 3]",
    "no schema": lambda good: b'{"sources": []}',
    "schema as a string": lambda good: b'{"schema": "1"}',
    "wrong types inside": lambda good: good.replace(b'"shown": true', b'"shown": "yes"'),
    "NaN": lambda good: b'{"schema": 3, "device": {"clock": {"offset_seconds": NaN}}}',
    "a copy that names another file": lambda good: good.replace(b'"copy": "abab',
                                                                b'"copy": "../ab'),
    "schema too old": lambda good: b'{"schema": 0}',
}


@pytest.mark.parametrize("name", list(CORRUPT))
def test_corrupt_file_is_moved_aside_and_reported(tmp_path: Path, name: str) -> None:
    bad = CORRUPT[name](_full_bytes(tmp_path))
    home = tmp_path / "home"
    home.mkdir()
    (home / "state.json").write_bytes(bad)
    store = JsonStore(home, open_user_state(home).format, clock=lambda: T0)
    loaded = store.load()
    moved = home / "state.json.corrupt-20261122T031500Z"
    assert loaded.value == UserState()
    assert loaded.set_aside is not None
    assert loaded.set_aside.reason == "corrupt"
    assert loaded.set_aside.moved_to == moved
    assert str(moved) in loaded.set_aside.message
    assert str(home / "state.json") in loaded.set_aside.message
    assert moved.read_bytes() == bad
    assert not (home / "state.json").exists()
    before = moved.stat()
    with store.transaction() as state:
        assert state.set_aside is None
        state.value.known_news.add("fresh")
    assert moved.read_bytes() == bad
    assert moved.stat().st_mtime_ns == before.st_mtime_ns
    assert store.load().value.known_news == {"fresh"}


def test_save_never_overwrites_an_unusable_file(tmp_path: Path) -> None:
    (tmp_path / "state.json").write_bytes(b"not json")
    store = open_user_state(tmp_path)
    assert store.save(full_world()) is not None
    assert store.save(full_world()) is None
    (moved,) = tmp_path.glob("state.json.corrupt-*")
    assert moved.read_bytes() == b"not json"
    assert store.load().value == full_world()


def test_wrong_shape_message_names_the_place(tmp_path: Path) -> None:
    (tmp_path / "state.json").write_text('{"schema": 3, "installed": [{"bundle_id": 3}]}')
    set_aside = open_user_state(tmp_path).load().set_aside
    assert set_aside is not None
    assert "/installed/0/bundle_id: expected a string, found a number" in set_aside.message


def test_corrupt_file_found_in_a_transaction(tmp_path: Path) -> None:
    (tmp_path / "state.json").write_bytes(b"{")
    with open_user_state(tmp_path).transaction() as state:
        assert state.set_aside is not None
        assert state.value == UserState()
    assert open_user_state(tmp_path).load().set_aside is None
    assert len(list(tmp_path.glob("state.json.corrupt-*"))) == 1


def test_newer_schema_is_moved_aside_never_over_another(tmp_path: Path) -> None:
    newer = json.dumps({"schema": 7, "whatever": {"future": True}}).encode()
    store = JsonStore(tmp_path, open_user_state(tmp_path).format, clock=lambda: T0)
    reports = []
    for _ in range(3):
        (tmp_path / "state.json").write_bytes(newer)
        loaded = store.load()
        assert loaded.set_aside is not None
        reports.append(loaded.set_aside)
        store.save(full_world())
    assert [r.reason for r in reports] == ["newer-schema"] * 3
    assert [r.moved_to.name for r in reports] == [
        "state.json.newer-schema-20261122T031500Z",
        "state.json.newer-schema-20261122T031500Z-2",
        "state.json.newer-schema-20261122T031500Z-3",
    ]
    assert all(r.moved_to.read_bytes() == newer for r in reports)
    assert "newer altsim" in reports[0].message
    assert "schema 7" in reports[0].message
    assert store.load().value == full_world()


def test_older_schema_is_migrated_and_the_old_file_kept(tmp_path: Path) -> None:
    def to_v2(document: dict[str, object]) -> dict[str, object]:
        return {"schema": 2, "items": [document["item"]]}

    def decode(document: dict[str, object]) -> list[str]:
        items = document.get("items")
        if not isinstance(items, list):
            raise StateShapeError("/items", "expected an array")
        return [str(item) for item in items]

    fmt: StateFormat[list[str]] = StateFormat(2, list, decode, lambda v: {"items": v},
                                              migrations={1: to_v2})
    old = b'{"schema": 1, "item": "a"}'
    (tmp_path / "state.json").write_bytes(old)
    store = JsonStore(tmp_path, fmt)
    loaded = store.load()
    assert (loaded.value, loaded.migrated_from, loaded.set_aside) == (["a"], 1, None)
    with store.transaction() as state:
        state.value.append("b")
    assert (tmp_path / "state.json.schema-1").read_bytes() == old
    assert json.loads((tmp_path / "state.json").read_bytes()) == {"items": ["a", "b"],
                                                                  "schema": 2}


def test_a_state_the_next_load_would_set_aside_is_never_written(tmp_path: Path) -> None:
    store = open_user_state(tmp_path)
    store.save(full_world())
    before = (tmp_path / "state.json").read_bytes()
    with pytest.raises(StateShapeError, match="background_interval_minutes"), \
            store.transaction() as state:
        state.value.settings.background_interval_minutes = 10**20
    assert (tmp_path / "state.json").read_bytes() == before
    assert store.load().set_aside is None


def test_a_failed_transaction_saves_nothing(tmp_path: Path) -> None:
    store = open_user_state(tmp_path)
    store.save(full_world())
    before = (tmp_path / "state.json").read_bytes()

    def fail() -> None:
        with store.transaction() as state:
            state.value.installed.clear()
            raise KeyError("boom")

    with pytest.raises(KeyError):
        fail()
    assert (tmp_path / "state.json").read_bytes() == before


def test_nested_use_is_refused(tmp_path: Path) -> None:
    store = open_user_state(tmp_path)
    with store.transaction():
        with pytest.raises(RuntimeError), store.transaction():
            pass
        with pytest.raises(RuntimeError):
            store.save(UserState())
        store.tidy()  # inside a transaction: nothing to do, and no deadlock
        assert store.load().value == UserState()


def test_leftover_temporary_files_are_never_read_and_are_swept(tmp_path: Path) -> None:
    store = open_user_state(tmp_path)
    store.save(full_world())
    leftover = tmp_path / ".state.json.abc123.tmp"
    leftover.write_bytes(b'{"schema": 1, "known_news": ["from a dead writer"]}')
    assert store.load().value == full_world()
    with store.transaction() as state:
        state.value.known_news.add("x")
    assert not leftover.exists()


# ---------------------------------------------------------------------------------------------
# Blobs


def _with_copy(user_state: UserState, identifier: str, blob: str | None) -> None:
    user_state.sources[identifier] = SourceRecord(identifier, identifier, None, T0, copy=blob)


def test_blobs_are_written_with_the_commit_and_swept_after(tmp_path: Path) -> None:
    store = open_user_state(tmp_path)
    data = os.urandom(3_000_000)
    with store.transaction() as state:
        big = state.add_blob(data)
        unused = state.add_blob(b"staged but never named")
        assert not store.blob_path(big).exists()  # written with the commit, not before
        _with_copy(state.value, "a", big)
    assert store.load_blob(big) == data
    assert not store.blob_path(unused).exists()
    path = store.blob_path(big)
    assert path.parent == tmp_path / "sources"
    assert len(path.stem) == 64
    with store.transaction() as state:  # the same bytes twice: one file
        assert state.add_blob(data) == big
        _with_copy(state.value, "b", big)
    with store.transaction() as state:
        small = state.add_blob(b"new")
        _with_copy(state.value, "a", small)
    assert sorted(p.name for p in path.parent.iterdir()) == sorted([path.name,
                                                                  f"{small}.blob"])
    with store.transaction() as state:
        del state.value.sources["b"]
    assert [p.name for p in path.parent.iterdir()] == [f"{small}.blob"]
    assert store.load_blob(big) is None


def test_a_failed_transaction_writes_no_blob(tmp_path: Path) -> None:
    store = open_user_state(tmp_path)

    def fail() -> None:
        with store.transaction() as state:
            _with_copy(state.value, "a", state.add_blob(b"x"))
            raise KeyError("boom")

    with pytest.raises(KeyError):
        fail()
    assert not (tmp_path / "sources").exists()


@pytest.mark.parametrize("name", ["", "../state", "AB" * 32, "ab" * 31, "ab" * 32 + "/x"])
def test_a_blob_name_is_never_a_path(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match="not a blob name"):
        open_user_state(tmp_path).blob_path(name)


def test_tidy_removes_what_dead_writers_left(tmp_path: Path) -> None:
    store = open_user_state(tmp_path)
    with store.transaction() as state:
        kept = state.add_blob(b"kept")
        _with_copy(state.value, "a", kept)
    blobs = tmp_path / "sources"
    orphan = blobs / f"{'0' * 64}.blob"  # a commit killed before its rename wrote it
    leftovers = [orphan, blobs / f".{'1' * 64}.blob.x1.tmp", tmp_path / ".state.json.x2.tmp"]
    for path in leftovers:
        path.write_bytes(b"left")
    other = blobs / "README"  # not altsim's: left alone
    other.write_bytes(b"")
    store.tidy()
    assert not any(path.exists() for path in leftovers)
    assert sorted(p.name for p in blobs.iterdir()) == sorted(["README", f"{kept}.blob"])


def test_tidy_never_waits_and_never_creates(tmp_path: Path) -> None:
    open_user_state(tmp_path / "none").tidy()
    assert not (tmp_path / "none").exists()
    store = open_user_state(tmp_path)
    store.save(UserState())
    orphan = tmp_path / "sources" / f"{'0' * 64}.blob"
    orphan.parent.mkdir()
    orphan.write_bytes(b"")
    with store.transaction():  # another thread holds the lock: tidy returns at once
        thread = threading.Thread(target=store.tidy)
        thread.start()
        thread.join(timeout=5)
        assert not thread.is_alive()
        assert orphan.exists()  # swept by this transaction's commit instead
    assert not orphan.exists()


def test_blobs_are_kept_while_a_state_file_is_set_aside(tmp_path: Path) -> None:
    store = open_user_state(tmp_path)
    with store.transaction() as state:
        blob = state.add_blob(b"copy")
        _with_copy(state.value, "a", blob)
    (tmp_path / "state.json").write_bytes(b"{damaged")
    assert store.load().set_aside is not None
    with store.transaction() as state:
        state.value.settings.dark_mode = True
    assert store.load_blob(blob) == b"copy"  # the set-aside state names it


def test_schema_1_is_migrated_keeping_copies_and_shown_notifications(tmp_path: Path) -> None:
    identifier = "example.com/a"
    old_blob = hashlib.sha256(identifier.encode()).hexdigest()
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / f"{old_blob}.blob").write_bytes(b"old copy")
    old = {"schema": 1, "sources": [
        {"url": identifier, "identifier": identifier, "name": "A",
         "added_at": "2026-01-01T00:00:00+00:00", "last_refresh_at": None, "last_error": None,
         "has_copy": True, "last_status": 200},
        {"url": "b", "identifier": "b", "name": None, "added_at": "2026-01-01T00:00:00+00:00",
         "has_copy": False}],
        "notifications": [{"at": "2026-01-01T00:00:00+00:00", "kind": "news", "title": "t",
                           "body": "b", "source_identifier": None, "news_id": "n"}]}
    raw = json.dumps(old).encode()
    (tmp_path / "state.json").write_bytes(raw)
    store = open_user_state(tmp_path)
    loaded = store.load()
    assert (loaded.migrated_from, loaded.set_aside) == (1, None)
    user_state = loaded.value
    assert [r.copy for r in user_state.sources.values()] == [old_blob, None]
    assert [n.shown for n in user_state.notifications] == [True]
    with store.transaction() as state:
        state.value.settings.dark_mode = True
    assert store.load_blob(old_blob) == b"old copy"
    assert (tmp_path / "state.json.schema-1").read_bytes() == raw
    assert json.loads((tmp_path / "state.json").read_bytes())["schema"] == SCHEMA


def test_schema_2_keeps_bundled_samples_by_name_not_by_installation_path(tmp_path: Path) -> None:
    old_file = "file:///venv/lib/python3.11/site-packages/altsim/sample_sources/clean.json"
    elsewhere = "file:///home/me/clean.json"  # the user's own file of the same name stays
    added = "2026-01-01T00:00:00+00:00"
    old = {"schema": 2, "sources": [
        {"url": "/venv/lib/python3.11/site-packages/altsim/sample_sources/clean.json",
         "identifier": old_file, "name": "Clean", "added_at": added, "copy": None},
        {"url": "/home/me/clean.json", "identifier": elsewhere, "name": None,
         "added_at": added, "copy": None}],
        "installed": [{"bundle_id": "a", "version": "1", "build_version": None,
                       "source_identifier": old_file, "installed_at": added}],
        "notifications": [{"at": added, "kind": "update", "title": "t", "body": "b",
                           "source_identifier": old_file, "bundle_id": "a", "shown": True}]}
    (tmp_path / "state.json").write_text(json.dumps(old))
    loaded = open_user_state(tmp_path).load()
    assert (loaded.migrated_from, loaded.set_aside) == (2, None)
    user_state = loaded.value
    sample = "altsim-sample:clean.json"
    assert [(r.url, r.identifier) for r in user_state.sources.values()] == [
        (sample, sample), ("/home/me/clean.json", elsewhere)]
    assert user_state.installed["a"].source_identifier == sample
    assert user_state.notifications[0].source_identifier == sample


# ---------------------------------------------------------------------------------------------
# Real processes


def test_state_imports_no_ui_or_network() -> None:
    code = ("import sys, altsim.state\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('textual', 'rich', 'httpx')))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def _start_churn(home: Path) -> subprocess.Popen[str]:
    child = subprocess.Popen([sys.executable, str(WORKER), "churn", str(home)],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    assert child.stdout.readline() == "ready\n"
    return child


def _assert_complete(home: Path, *, writer_running: bool = False) -> int:
    loaded = open_user_state(home).load()
    assert loaded.set_aside is None, loaded.set_aside.message
    generation = generation_of(loaded.value)
    assert loaded.value == user_state_for(generation)  # one whole generation, nothing mixed
    blob = open_user_state(home).load_blob(loaded.value.sources[BLOB_KEY].copy or "")
    if blob is None:  # a newer commit swept it after the state was read
        assert writer_running
        return generation
    assert blob_generation(blob) == generation  # complete, and committed with its state
    return generation


def _kill_rounds(home: Path, rounds: int, seed: int) -> None:
    rng = random.Random(seed)
    generation = 0
    for _ in range(rounds):
        child = _start_churn(home)
        time.sleep(rng.uniform(0, 0.03))
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=10) == -signal.SIGKILL
        assert child.stdout is not None
        child.stdout.close()
        newer = _assert_complete(home)
        assert newer > generation  # each round saved at least once, and nothing went back
        generation = newer
    names = {p.name for p in home.iterdir()}
    assert {"state.json", "state.lock", "sources"} <= names
    assert not any(".corrupt-" in name or ".newer-schema-" in name for name in names)
    assert all(name.endswith(".tmp") for name in names - {"state.json", "state.lock",
                                                          "sources"})
    with open_user_state(home).transaction():
        pass
    assert not any(p.name.endswith(".tmp") for p in home.iterdir())


def test_sigkill_at_random_moments_leaves_old_or_new_state(tmp_path: Path) -> None:
    """30 kills: three homes side by side (for speed), ten rounds each."""
    failures: list[BaseException] = []

    def run(index: int) -> None:
        try:
            _kill_rounds(tmp_path / str(index), 10, 20261122 + index)
        except BaseException as error:  # reported below, in the test's thread
            failures.append(error)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]


@pytest.mark.parametrize("stage", STAGES)
def test_killed_at_each_stage_of_a_write(tmp_path: Path, stage: str) -> None:
    done = subprocess.run([sys.executable, str(WORKER), "die", str(tmp_path), stage],
                          capture_output=True, timeout=30)
    assert done.returncode == -signal.SIGKILL, done.stderr
    leftovers = list(tmp_path.glob(".state.json.*.tmp"))
    assert len(leftovers) == (0 if stage == "renamed" else 1)
    loaded = open_user_state(tmp_path).load()
    assert loaded.set_aside is None
    assert loaded.value == user_state_for(2 if stage == "renamed" else 1)
    with open_user_state(tmp_path).transaction() as state:
        state.value = user_state_for(3)
    assert not list(tmp_path.glob(".state.json.*.tmp"))
    assert open_user_state(tmp_path).load().value == user_state_for(3)


def test_readers_never_see_a_partial_file(tmp_path: Path) -> None:
    child = _start_churn(tmp_path)
    try:
        seen = set()
        deadline = time.monotonic() + 0.6
        while time.monotonic() < deadline:
            seen.add(_assert_complete(tmp_path, writer_running=True))
    finally:
        child.kill()
        child.wait(timeout=10)
        assert child.stdout is not None
        child.stdout.close()
    assert len(seen) > 3  # the reads did overlap with writes


def test_concurrent_transactions_lose_no_writes(tmp_path: Path) -> None:
    go = tmp_path / "go"
    home = tmp_path / "home"
    tags, count = ["p0", "p1", "p2"], 40
    children = [subprocess.Popen([sys.executable, str(WORKER), "append", str(home), tag,
                                  str(count), str(go)]) for tag in tags]
    time.sleep(0.2)  # let them all start, then release them at once
    go.touch()
    assert [child.wait(timeout=30) for child in children] == [0, 0, 0]
    user_state = open_user_state(home).load().value
    expected = {f"{tag}.app{index}" for tag in tags for index in range(count)}
    assert set(user_state.installed) == expected
    assert {n.bundle_id for n in user_state.notifications} == expected
    assert len(user_state.notifications) == len(tags) * count
    for tag in tags:  # each process's own order is kept
        mine = [int(n.body) for n in user_state.notifications if n.title == tag]
        assert mine == list(range(count))


def test_threads_sharing_a_store_lose_no_writes(tmp_path: Path) -> None:
    store = open_user_state(tmp_path)

    def work(tag: str) -> None:
        for index in range(25):
            with store.transaction() as state:
                state.value.known_news.add(f"{tag}{index}")

    threads = [threading.Thread(target=work, args=(tag,)) for tag in "abc"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(store.load().value.known_news) == 75


@pytest.mark.parametrize("track", ["beta", 1, ["nightly"], ""])
def test_beta_track_is_null_or_a_sidestore_beta_track(track: object) -> None:
    document = UserState().to_json()
    document["settings"]["beta_track"] = track  # type: ignore[index]
    with pytest.raises(StateShapeError, match="beta_track"):
        UserState.from_json(document)
