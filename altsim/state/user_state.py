"""The simulator's saved user state (schema 2): device, settings, sources, installed apps, news
already in the store, notification history — and its JSON document.

Schema 2 names each source's copy by its blob (`SourceRecord.copy`, the sha256 of its bytes,
so that a refresh commits new copies with the state in one rename) and says whether each
notification has been shown. Schema 1 files are migrated: their copies keep the blob names
schema 1 gave them, and their notifications were shown when they were posted.

`UserState.from_json` accepts exactly what `UserState.to_json` writes and raises `StateShapeError`
(with a JSON pointer) for anything else, so a damaged file takes the store's "corrupt" path
instead of a traceback. Keys it does not know are ignored; a top-level section that is missing
takes its default. A new field or a changed meaning needs a new schema number and a migration
(`StateFormat.migrations`), since an older altsim would drop what it does not know.
"""

from __future__ import annotations

import hashlib
import math
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePosixPath
from typing import Any, Literal, TypeVar

from altsim.core.device import FAMILIES, Device, InstalledApp, Patron, User
from altsim.core.json_types import json_type_name
from altsim.core.latest import SIDESTORE_BETA_TRACKS
from altsim.core.values import (
    EARLIEST_DATE,
    LATEST_DATE,
    parse_device_version,
    parse_os_version,
)
from altsim.net.address import sample_address
from altsim.state.storage import (
    BLOB_NAME,
    JsonObject,
    JsonStore,
    StateFormat,
    StateShapeError,
    default_home,
)

SCHEMA = 3
NOTIFICATION_LIMIT = 500  # the history keeps the newest ones
MAX_CLOCK_OFFSET = 100 * 366 * 86400.0  # seconds; keeps `now + offset` inside datetime's range
MAX_INTERVAL_MINUTES = 7 * 24 * 60

NotificationKind = Literal["update", "news"]
NOTIFICATION_KINDS: tuple[NotificationKind, ...] = ("update", "news")

Clock = datetime | timedelta | None  # None: real time; datetime: fixed; timedelta: offset


def clock_offset(seconds: float) -> timedelta:
    """A time-travel offset the user state can keep, or ValueError."""
    if not math.isfinite(seconds) or abs(seconds) > MAX_CLOCK_OFFSET:
        raise ValueError(f"clock offset: at most ±{MAX_CLOCK_OFFSET / 3600:,.0f} hours "
                         "(100 years)")
    return timedelta(seconds=seconds)


def fixed_clock(moment: datetime) -> datetime:
    """A fixed simulated time (aware) the user state can keep, or ValueError."""
    try:
        utc: datetime | None = moment.astimezone(UTC)
    except OverflowError:
        utc = None
    if utc is None or not EARLIEST_DATE <= utc <= LATEST_DATE:
        raise ValueError(f"the simulated time: between {EARLIEST_DATE.date().isoformat()} and "
                         f"{LATEST_DATE.date().isoformat()}")
    return moment


def background_interval(minutes: int) -> int:
    """A background refresh interval the user state can keep, or ValueError."""
    if not 1 <= minutes <= MAX_INTERVAL_MINUTES:
        raise ValueError(f"interval: 1 to {MAX_INTERVAL_MINUTES:,} minutes (a week)")
    return minutes


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """A source the user added. Its last good copy is the blob named `copy`."""

    url: str  # as added
    identifier: str  # normalized URL (behaviour.md 9.4): the source's identity
    name: str | None  # last known; None until a fetch succeeded
    added_at: datetime
    last_refresh_at: datetime | None = None
    # behaviour.md 9.2: a failing source keeps its old data and shows its error (None: last refresh
    # fine)
    last_error: str | None = None
    copy: str | None = None  # the blob of the last good copy; None: none yet
    last_status: int | None = None  # HTTP status of the last refresh; None: no response

    @property
    def has_copy(self) -> bool:
        return self.copy is not None


@dataclass(frozen=True, slots=True)
class SavedInstalledApp:
    bundle_id: str
    version: str  # the IPA's CFBundleShortVersionString
    # the build recorded FROM THE SOURCE (behaviour.md 5.1), not the IPA's
    build_version: str | None
    source_identifier: str | None  # None once the store link is lost (behaviour.md 9.2)
    installed_at: datetime


@dataclass(slots=True)
class DeviceSettings:
    ios: str = "17.0.0"  # strict X.Y[.Z]
    family: str = "iphone"  # one of altsim.core.device.FAMILIES
    locale: str = "en_US"
    time_zone: str = "UTC"
    clock: Clock = None

    def now(self, real: datetime) -> datetime:
        """The simulated time when the real (aware) time is `real`."""
        if isinstance(self.clock, datetime):
            return self.clock
        if isinstance(self.clock, timedelta):
            return real + self.clock
        return real


@dataclass(frozen=True, slots=True)
class PatreonAccount:
    amount: Decimal = Decimal(0)  # the pledge, in the campaign's currency (behaviour.md 8.2)
    tiers: frozenset[str] = frozenset()
    benefits: frozenset[str] = frozenset()


@dataclass(slots=True)
class Settings:
    client: str = "altstore"  # a profile name (altsim.core.profiles.PROFILES)
    # behaviour.md 9.1: iOS background fetch, at least hourly
    background_interval_minutes: int = 60
    renotify_build_bug: bool = True  # behaviour.md 9.3: reproduce the shipped re-notification bug
    dark_mode: bool = False
    beta_track: str | None = None  # SideStore's beta updates: the track, None while off


@dataclass(frozen=True, slots=True)
class NotificationRecord:
    at: datetime
    kind: NotificationKind
    title: str
    body: str
    source_identifier: str | None
    bundle_id: str | None = None  # kind "update"
    news_id: str | None = None  # kind "news"
    # Handed to the user's screen (a toast, or altsim refresh's flushed output) and marked so
    # in the same commit; see Simulator.refresh for the one window where that can differ.
    shown: bool = False


@dataclass(slots=True)
class UserState:
    device_settings: DeviceSettings = field(default_factory=DeviceSettings)  # "device"
    settings: Settings = field(default_factory=Settings)
    patreon: PatreonAccount | None = None  # None: no Patreon account connected
    sources: dict[str, SourceRecord] = field(default_factory=dict)  # by identifier, as added
    installed: dict[str, SavedInstalledApp] = field(default_factory=dict)  # by bundle ID
    # behaviour.md 6.4: news identifiers in the store
    known_news: set[str] = field(default_factory=set)
    notifications: list[NotificationRecord] = field(default_factory=list)  # newest last

    def add_notification(self, record: NotificationRecord) -> None:
        self.notifications.append(record)
        del self.notifications[:-NOTIFICATION_LIMIT]

    def device(self, now_real: datetime) -> Device:
        """The simulated device for the core's decisions, at real (aware) time `now_real`."""
        settings = self.device_settings
        return Device(ios=parse_os_version(settings.ios), now=settings.now(now_real),
                      family=settings.family, locale=settings.locale,
                      time_zone=settings.time_zone)

    def user(self) -> User:
        installed = {bundle_id: InstalledApp(bundle_id, record.version, record.build_version)
                     for bundle_id, record in self.installed.items()}
        account = self.patreon
        patron = None if account is None else Patron(account.amount, account.tiers,
                                                      account.benefits)
        return User(installed=installed, patron=patron, beta_track=self.settings.beta_track)

    # -- JSON ------------------------------------------------------------------------------

    def to_json(self) -> JsonObject:
        return {
            "schema": SCHEMA,
            "device": _device_to_json(self.device_settings),
            "settings": {
                "client": self.settings.client,
                "background_interval_minutes": self.settings.background_interval_minutes,
                "renotify_build_bug": self.settings.renotify_build_bug,
                "dark_mode": self.settings.dark_mode,
                "beta_track": self.settings.beta_track,
            },
            "patreon": None if self.patreon is None else {
                "amount": str(self.patreon.amount),
                "tiers": sorted(self.patreon.tiers),
                "benefits": sorted(self.patreon.benefits),
            },
            "sources": [_source_to_json(record) for record in self.sources.values()],
            "installed": [_installed_to_json(record) for record in self.installed.values()],
            "known_news": sorted(self.known_news),
            "notifications": [_notification_to_json(record) for record in self.notifications],
        }

    @classmethod
    def from_json(cls, document: object) -> UserState:
        root = _Obj(document, "")
        schema = root.value.get("schema")
        if type(schema) is not int or schema != SCHEMA:
            raise StateShapeError(root.at("schema"), f"expected {SCHEMA}")
        user_state = cls()
        if root.has("device"):
            user_state.device_settings = _device_from_json(root.obj("device"))
        if root.has("settings"):
            user_state.settings = _settings_from_json(root.obj("settings"))
        if root.has("patreon"):
            patreon = root.opt_obj("patreon")
            user_state.patreon = None if patreon is None else _patreon_from_json(patreon)
        if root.has("sources"):
            user_state.sources = _keyed(root, "sources", _source_from_json,
                                   lambda record: record.identifier, "identifier")
        if root.has("installed"):
            user_state.installed = _keyed(root, "installed", _installed_from_json,
                                     lambda record: record.bundle_id, "bundle_id")
        if root.has("known_news"):
            user_state.known_news = set(root.strings("known_news"))
        if root.has("notifications"):
            items = root.items("notifications")
            user_state.notifications = [_notification_from_json(item) for item in items]
            del user_state.notifications[:-NOTIFICATION_LIMIT]
        return user_state


def _decode(document: JsonObject) -> UserState:
    return UserState.from_json(document)


def _encode(user_state: UserState) -> JsonObject:
    return user_state.to_json()


def _blobs(user_state: UserState) -> list[str]:
    return [record.copy for record in user_state.sources.values() if record.copy is not None]


def _from_schema_1(document: JsonObject) -> JsonObject:
    """Schema 1 kept a source's copy at sha256(identifier).blob and posted notifications as
    it recorded them: the copy keeps its file, the notifications count as shown."""
    migrated = dict(document, schema=2)
    root = _Obj(document, "")
    if root.has("sources"):
        sources = []
        for item in root.items("sources"):
            source = dict(item.value)
            has_copy = item.flag("has_copy")
            identifier = item.text("identifier", non_empty=True)
            key = identifier.encode("utf-8", "surrogatepass")
            source["copy"] = hashlib.sha256(key).hexdigest() if has_copy else None
            del source["has_copy"]
            sources.append(source)
        migrated["sources"] = sources
    if root.has("notifications"):
        migrated["notifications"] = [dict(item.value, shown=True)
                                     for item in root.items("notifications")]
    return migrated


def _from_schema_2(document: JsonObject) -> JsonObject:
    """Schema 2 kept a bundled sample as the path it had in the installation that added it,
    which a reinstall removes: it becomes the sample's altsim-sample: address, in the source
    and wherever the source's identity is named."""
    migrated = dict(document, schema=3)
    root = _Obj(document, "")
    renamed: dict[str, str] = {}
    if root.has("sources"):
        sources = []
        for item in root.items("sources"):
            source = dict(item.value)
            address = _bundled_sample(item.text("identifier", non_empty=True))
            if address is not None:
                renamed[source["identifier"]] = address
                source.update(url=address, identifier=address)
            sources.append(source)
        migrated["sources"] = sources
    for key in ("installed", "notifications"):
        if root.has(key):
            migrated[key] = [_renamed_source(dict(item.value), renamed)
                             for item in root.items(key)]
    return migrated


def _bundled_sample(identifier: str) -> str | None:
    """The altsim-sample: address of a file: identifier inside an altsim's sample folder."""
    if not identifier.startswith("file:"):
        return None
    parts = PurePosixPath(urllib.parse.urlsplit(identifier).path).parts
    if parts[-3:-1] != ("altsim", "sample_sources"):
        return None
    return sample_address(urllib.parse.unquote(parts[-1]))


def _renamed_source(record: JsonObject, renamed: Mapping[str, str]) -> JsonObject:
    source = record.get("source_identifier")
    if isinstance(source, str) and source in renamed:
        record["source_identifier"] = renamed[source]
    return record


USER_STATE_FORMAT: StateFormat[UserState] = StateFormat(
    SCHEMA, UserState, _decode, _encode, migrations={1: _from_schema_1, 2: _from_schema_2},
    blobs=_blobs)


def open_user_state(home: Path | None = None) -> JsonStore[UserState]:
    """The user state's store in `home` (default: `default_home()`)."""
    return JsonStore(default_home() if home is None else home, USER_STATE_FORMAT)


# ---------------------------------------------------------------------------------------------
# Encoding


def _time(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _device_to_json(device: DeviceSettings) -> JsonObject:
    clock: JsonObject | None
    if isinstance(device.clock, datetime):
        clock = {"fixed": device.clock.isoformat()}
    elif isinstance(device.clock, timedelta):
        seconds = device.clock.total_seconds()
        clock = {"offset_seconds": int(seconds) if seconds.is_integer() else seconds}
    else:
        clock = None
    return {"ios": device.ios, "family": device.family, "locale": device.locale,
            "time_zone": device.time_zone, "clock": clock}


def _source_to_json(record: SourceRecord) -> JsonObject:
    return {"url": record.url, "identifier": record.identifier, "name": record.name,
            "added_at": _time(record.added_at), "last_refresh_at": _time(record.last_refresh_at),
            "last_error": record.last_error, "copy": record.copy,
            "last_status": record.last_status}


def _installed_to_json(record: SavedInstalledApp) -> JsonObject:
    return {"bundle_id": record.bundle_id, "version": record.version,
            "build_version": record.build_version,
            "source_identifier": record.source_identifier,
            "installed_at": _time(record.installed_at)}


def _notification_to_json(record: NotificationRecord) -> JsonObject:
    return {"at": _time(record.at), "kind": record.kind, "title": record.title,
            "body": record.body, "source_identifier": record.source_identifier,
            "bundle_id": record.bundle_id, "news_id": record.news_id, "shown": record.shown}


# ---------------------------------------------------------------------------------------------
# Decoding: every check raises StateShapeError naming the JSON pointer of the bad value.

_R = TypeVar("_R")


class _Obj:
    """A JSON object being read, with its pointer for messages."""

    def __init__(self, value: object, where: str) -> None:
        if not isinstance(value, dict):
            found = json_type_name(value, "article")
            raise StateShapeError(where, f"expected an object, found {found}")
        self.value: dict[str, Any] = value
        self.where = where

    def at(self, key: str) -> str:
        return f"{self.where}/{key}"

    def has(self, key: str) -> bool:
        return key in self.value

    def _get(self, key: str) -> object:
        if key not in self.value:
            raise StateShapeError(self.at(key), "missing")
        return self.value[key]

    def _wrong(self, key: str, expected: str) -> StateShapeError:
        found = json_type_name(self.value.get(key), "article")
        return StateShapeError(self.at(key), f"expected {expected}, found {found}")

    def text(self, key: str, *, non_empty: bool = False) -> str:
        value = self._get(key)
        if not isinstance(value, str):
            raise self._wrong(key, "a string")
        if non_empty and not value:
            raise StateShapeError(self.at(key), "empty")
        return value

    def opt_text(self, key: str) -> str | None:
        return None if self.value.get(key) is None else self.text(key)

    def flag(self, key: str) -> bool:
        value = self._get(key)
        if not isinstance(value, bool):
            raise self._wrong(key, "true or false")
        return value

    def integer(self, key: str, low: int, high: int) -> int:
        value = self._get(key)
        if type(value) is not int:
            raise self._wrong(key, "an integer")
        if not low <= value <= high:
            raise StateShapeError(self.at(key), f"{value} is not between {low} and {high}")
        return value

    def opt_integer(self, key: str, low: int, high: int) -> int | None:
        return None if self.value.get(key) is None else self.integer(key, low, high)

    def number(self, key: str) -> float:
        value = self._get(key)
        if type(value) not in (int, float):
            raise self._wrong(key, "a number")
        assert isinstance(value, int | float)
        return float(value)

    def time(self, key: str) -> datetime:
        text = self.text(key)
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise StateShapeError(self.at(key), f"{text!r} is not an ISO 8601 date") from None
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise StateShapeError(self.at(key), f"{text!r} has no UTC offset")
        return moment

    def opt_time(self, key: str) -> datetime | None:
        return None if self.value.get(key) is None else self.time(key)

    def obj(self, key: str) -> _Obj:
        return _Obj(self._get(key), self.at(key))

    def opt_obj(self, key: str) -> _Obj | None:
        return None if self.value.get(key) is None else self.obj(key)

    def items(self, key: str) -> list[_Obj]:
        value = self._get(key)
        if not isinstance(value, list):
            raise self._wrong(key, "an array")
        return [_Obj(item, f"{self.at(key)}/{index}") for index, item in enumerate(value)]

    def strings(self, key: str) -> list[str]:
        value = self._get(key)
        if not isinstance(value, list):
            raise self._wrong(key, "an array")
        for index, item in enumerate(value):
            if not isinstance(item, str):
                found = json_type_name(item, "article")
                raise StateShapeError(f"{self.at(key)}/{index}",
                                      f"expected a string, found {found}")
        return value


def _keyed(root: _Obj, key: str, read: Callable[[_Obj], _R], key_of: Callable[[_R], str],
           key_name: str) -> dict[str, _R]:
    result: dict[str, _R] = {}
    for item in root.items(key):
        record = read(item)
        name = key_of(record)
        if name in result:
            raise StateShapeError(item.at(key_name), f"{name!r} appears twice")
        result[name] = record
    return result


def _device_from_json(obj: _Obj) -> DeviceSettings:
    ios = obj.text("ios")
    if parse_device_version(ios) is None:
        raise StateShapeError(obj.at("ios"), f"{ios!r} is not an iOS version like 17.0.1")
    family = obj.text("family")
    if family not in FAMILIES:
        raise StateShapeError(obj.at("family"), f"{family!r} is not one of {FAMILIES}")
    return DeviceSettings(ios=ios, family=family, locale=obj.text("locale", non_empty=True),
                          time_zone=obj.text("time_zone", non_empty=True),
                          clock=_clock_from_json(obj.opt_obj("clock")))


def _clock_from_json(obj: _Obj | None) -> Clock:
    if obj is None:
        return None
    if obj.has("fixed") == obj.has("offset_seconds"):
        raise StateShapeError(obj.where, "expected either \"fixed\" or \"offset_seconds\"")
    if obj.has("fixed"):
        moment = obj.time("fixed")
        try:
            return fixed_clock(moment)
        except ValueError as error:
            raise StateShapeError(obj.at("fixed"), str(error)) from None
    try:
        return clock_offset(obj.number("offset_seconds"))
    except ValueError as error:
        raise StateShapeError(obj.at("offset_seconds"), str(error)) from None


def _settings_from_json(obj: _Obj) -> Settings:
    return Settings(client=obj.text("client", non_empty=True),
                    background_interval_minutes=obj.integer("background_interval_minutes",
                                                        1, MAX_INTERVAL_MINUTES),
                    renotify_build_bug=obj.flag("renotify_build_bug"),
                    dark_mode=obj.flag("dark_mode"),
                    beta_track=_beta_track_from_json(obj))


def _beta_track_from_json(obj: _Obj) -> str | None:
    track = obj.value.get("beta_track")  # absent in states written before it existed
    if track is not None and (type(track) is not str or track not in SIDESTORE_BETA_TRACKS):
        raise StateShapeError(obj.at("beta_track"),
                              f"expected null or one of {sorted(SIDESTORE_BETA_TRACKS)}")
    return track


def _patreon_from_json(obj: _Obj) -> PatreonAccount:
    text = obj.text("amount")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise StateShapeError(obj.at("amount"), f"{text!r} is not a decimal number") from None
    if not amount.is_finite() or amount < 0:
        raise StateShapeError(obj.at("amount"), f"{text!r} is not an amount")
    return PatreonAccount(amount, frozenset(obj.strings("tiers")),
                          frozenset(obj.strings("benefits")))


def _source_from_json(obj: _Obj) -> SourceRecord:
    return SourceRecord(url=obj.text("url", non_empty=True),
                        identifier=obj.text("identifier", non_empty=True),
                        name=obj.opt_text("name"), added_at=obj.time("added_at"),
                        last_refresh_at=obj.opt_time("last_refresh_at"),
                        last_error=obj.opt_text("last_error"), copy=_copy_from_json(obj),
                        last_status=obj.opt_integer("last_status", 100, 999))


def _copy_from_json(obj: _Obj) -> str | None:
    name = obj.opt_text("copy")
    if name is not None and not BLOB_NAME.fullmatch(name):  # it becomes a file name
        raise StateShapeError(obj.at("copy"), f"{name!r} is not a blob name (sha256, hex)")
    return name


def _installed_from_json(obj: _Obj) -> SavedInstalledApp:
    return SavedInstalledApp(bundle_id=obj.text("bundle_id", non_empty=True),
                           version=obj.text("version"), build_version=obj.opt_text("build_version"),
                           source_identifier=obj.opt_text("source_identifier"),
                           installed_at=obj.time("installed_at"))


def _notification_from_json(obj: _Obj) -> NotificationRecord:
    kind = obj.text("kind")
    if kind == "update":
        record_kind: NotificationKind = "update"
    elif kind == "news":
        record_kind = "news"
    else:
        raise StateShapeError(obj.at("kind"), f"{kind!r} is not one of {NOTIFICATION_KINDS}")
    record = NotificationRecord(at=obj.time("at"), kind=record_kind, title=obj.text("title"),
                                body=obj.text("body"),
                                source_identifier=obj.opt_text("source_identifier"),
                                bundle_id=obj.opt_text("bundle_id"),
                                news_id=obj.opt_text("news_id"), shown=obj.flag("shown"))
    subject = "bundle_id" if record_kind == "update" else "news_id"
    if getattr(record, subject) is None:
        raise StateShapeError(obj.at(subject), f"a {kind} notification needs one")
    return record
