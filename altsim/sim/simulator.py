"""The simulated client's flows over the persistent world: add and remove sources, refresh in
the foreground or the background, install, update and remove apps (spec §4, §6.4, §8.3, §9).

Every change goes through one state transaction, so two altsim processes never lose each
other's writes; network work happens before the transaction, never inside it.
"""

from __future__ import annotations

import contextlib
import gc
import os
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from altsim.core import decisions
from altsim.core.check import CheckResult, client_verdict, decoding_ios
from altsim.core.device import Device
from altsim.core.identity import normalize_source_url
from altsim.core.model import App, Source
from altsim.core.profiles import PROFILES, ClientProfile
from altsim.core.refresh import RefreshOutcome, news_identifiers, refresh
from altsim.core.values import OSVersion
from altsim.net.fetch import Fetched, FetchError, FetchLimits, SourceFetcher
from altsim.state import (
    InstalledRecord,
    JsonStore,
    NotificationRecord,
    SourceRecord,
    StateShapeError,
    World,
)
from altsim.state.decoded import KEEP_FROM_BYTES, Copy, cache_directory


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
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


class FlowError(Exception):
    """A flow the client refuses, with the client's text where it has one."""


@dataclass(slots=True)
class SourcePreview:
    """A fetched source awaiting the user's confirmation (§9.5)."""

    fetched: Fetched
    identifier: str
    result: CheckResult

    @property
    def source(self) -> Source | None:
        return self.result.source


@dataclass(slots=True)
class Refreshed:
    outcome: RefreshOutcome
    background: bool
    names: dict[str, str]  # source identifier -> name, for messages


@dataclass(slots=True)
class Installed:
    """The result of an install or update: what was installed, or the client's answer."""

    attempt: decisions.InstallAttempt
    record: InstalledRecord | None  # None: nothing was installed


def source_identity(fetched: Fetched) -> str:
    """§1.4: the normalized requested URL; a local file is known by its own file URL."""
    if fetched.url.startswith("file:"):
        return fetched.url
    return normalize_source_url(fetched.url)


class Simulator:
    def __init__(self, store: JsonStore[World], *, limits: FetchLimits | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.store = store
        self.limits = limits
        self.clock = clock
        self._fetcher: SourceFetcher | None = None  # one long-lived client set, made on use
        # per source: (its copy, the SideStore beta track it was decoded for), the decode
        self._decoded: dict[str, tuple[tuple[Copy, str | None], Source | None]] = {}
        self.decoded_directory = cache_directory(store.directory)
        self.keep_from_bytes = KEEP_FROM_BYTES  # a bigger source is kept decoded on disk
        self._writers: list[subprocess.Popen[bytes]] = []

    async def fetcher(self) -> SourceFetcher:
        if self._fetcher is None:
            self._fetcher = SourceFetcher(self.limits)
        return self._fetcher

    async def aclose(self) -> None:
        if self._fetcher is not None:
            await self._fetcher.aclose()
            self._fetcher = None

    # -- reading the world -------------------------------------------------------------------

    def world(self) -> World:
        return self.store.load().value

    @contextlib.contextmanager
    def changing(self) -> Iterator[World]:
        """A transaction on the world. A change the state would not read back is refused (the
        store keeps the state as it was), and the flow fails saying what was wrong."""
        try:
            with self.store.transaction() as loaded:
                yield loaded.value
        except StateShapeError as error:
            raise FlowError(f"not saved: {error}") from None

    @staticmethod
    def profile(world: World) -> ClientProfile:
        return PROFILES.get(world.settings.client, PROFILES["altstore"])

    def device(self, world: World) -> Device:
        return world.device(self.clock())

    def sources(self, world: World) -> dict[str, Source]:
        """The last good copy of every source, decoded for the current client and device.

        Decodes are kept until the copy, the client or the iOS versions' way of decoding
        changes: screens ask for the sources at every change of the simulated world. A big
        source's decode is also kept on disk for the next start (`altsim.state.decoded`).
        """
        profile, beta = self.profile(world), world.settings.beta_track
        ios = decoding_ios(profile, self.device(world).ios, beta)  # one decode for 17.0-17.4
        decoded = {}
        for identifier in world.sources:
            try:
                stat = self.store.blob_path(identifier).stat()
            except FileNotFoundError:
                continue
            copy = self._copy(identifier, stat, profile, ios)
            cached = self._decoded.get(identifier)
            if cached is None or cached[0] != (copy, beta):
                del cached  # with the next line: the old decode goes before a new one is built
                self._decoded.pop(identifier, None)
                with _gc_paused():
                    # The copies on disk are decoded without a beta track.
                    source = copy.load() if beta is None else None
                    if source is None and (raw := self.store.load_blob(identifier)):
                        source = client_verdict(raw, profile, ios, beta_track=beta).source
                        self._keep_on_disk(copy, source, beta)
                cached = self._decoded[identifier] = ((copy, beta), source)
            if cached[1] is not None:
                decoded[identifier] = cached[1]
        return decoded

    def _copy(self, identifier: str, stat: os.stat_result, profile: ClientProfile,
              ios: OSVersion) -> Copy:
        return Copy(self.store.blob_path(identifier), stat.st_size, stat.st_mtime_ns,
                    profile.name, ios, self.decoded_directory)

    def _saved(self, identifier: str, source: Source, profile: ClientProfile,
               ios: OSVersion, beta: str | None) -> None:
        """A copy just saved (under the lock) was decoded on the way: the screens need not
        decode it again, nor the next start."""
        copy = self._copy(identifier, self.store.blob_path(identifier).stat(), profile,
                          decoding_ios(profile, ios, beta))
        self._decoded[identifier] = ((copy, beta), source)
        self._keep_on_disk(copy, source, beta)

    def _keep_on_disk(self, copy: Copy, source: Source | None, beta: str | None) -> None:
        if source is not None and beta is None and copy.size >= self.keep_from_bytes:
            self._writers = [w for w in self._writers if w.poll() is None]
            self._writers.append(copy.spawn_writer())

    def find_app(self, world: World, bundle_id: str) -> tuple[str, Source, App]:
        """The app in its linked source if installed, else the first source listing it."""
        sources = self.sources(world)
        record = world.installed.get(bundle_id)
        order = ([record.source_identifier] if record and record.source_identifier else [])
        for identifier in [*order, *sources]:
            source = sources.get(identifier)
            if source is None:
                continue
            app = next((a for a in source.apps if a.bundle_id == bundle_id), None)
            if app is not None:
                return identifier, source, app
        raise FlowError(f"no source lists an app with the bundle ID {bundle_id!r}")

    # -- sources (§9.5) ------------------------------------------------------------------------

    async def preview_source(self, address: str) -> SourcePreview:
        """Fetch and decode a source to add; the client shows it and asks to confirm."""
        world = self.world()
        try:
            fetched = await (await self.fetcher()).fetch(address)
        except FetchError as error:
            raise FlowError(str(error)) from None
        try:
            identifier = source_identity(fetched)
        except ValueError as error:
            raise FlowError(f"{fetched.url}: {error}") from None
        self._refuse_duplicate(world, identifier)
        with _gc_paused():
            result = client_verdict(fetched.body, self.profile(world), self.device(world).ios,
                                    beta_track=world.settings.beta_track)
        return SourcePreview(fetched, identifier, result)

    @staticmethod
    def _refuse_duplicate(world: World, identifier: str) -> None:
        if identifier in world.sources:  # SourceError.duplicate (SourceError.swift:118-123)
            raise FlowError(f"A source with the identifier '{identifier}' already exists.")

    def add_source(self, preview: SourcePreview) -> SourceRecord:
        """Save a confirmed preview. Its news is in the store from now on, so a background
        refresh never notifies it (§6.4)."""
        source = preview.source
        if source is None:
            raise FlowError("the client rejects this source: it cannot be added")
        now = self.clock()
        with self.changing() as world:
            self._refuse_duplicate(world, preview.identifier)
            self.store.save_blob(preview.identifier, preview.fetched.body)
            self._saved(preview.identifier, source, preview.result.profile, preview.result.ios,
                        world.settings.beta_track)
            record = SourceRecord(preview.fetched.url, preview.identifier, source.name, now,
                                  now, None, True, preview.fetched.status)
            world.sources[preview.identifier] = record
            world.known_news |= {item.identifier for item in source.news}
        return record

    def remove_source(self, identifier: str) -> SourceRecord:
        with self.changing() as world:
            record = world.sources.pop(identifier, None)
            if record is None:
                raise FlowError(f"no source with the identifier {identifier!r}")
            for bundle_id, app in list(world.installed.items()):
                if app.source_identifier == identifier:  # installed apps stay, unlinked
                    world.installed[bundle_id] = replace(app, source_identifier=None)
            self.store.delete_blob(identifier)
            world.known_news = news_identifiers(self.sources(world))  # its news left the store
        return record

    # -- refresh (§9.2, §6.4, §9.3) --------------------------------------------------------------

    async def refresh(self, *, background: bool,
                      progress: Callable[[int, int], None] | None = None) -> Refreshed:
        world = self.world()
        profile, device = self.profile(world), self.device(world)
        before = self.sources(world)
        records = list(world.sources.values())
        fetcher = await self.fetcher()
        results = await fetcher.fetch_all((record.url for record in records), progress)
        fetched: dict[str, Source | str] = {}
        bodies: dict[str, Fetched] = {}
        for record, result in zip(records, results, strict=True):
            if isinstance(result, FetchError):
                fetched[record.identifier] = str(result)
                continue
            with _gc_paused():
                verdict = client_verdict(result.body, profile, device.ios,
                                         beta_track=world.settings.beta_track)
            if verdict.source is None:
                assert verdict.rejection is not None
                fetched[record.identifier] = (f"{verdict.rejection.message} "
                                              f"({verdict.rejection.code})")
            else:
                fetched[record.identifier] = verdict.source
                bodies[record.identifier] = result
        links = {bundle: app.source_identifier for bundle, app in world.installed.items()
                 if app.source_identifier is not None}
        outcome = refresh(before, fetched, links, world.user(), device, profile,
                          background=background, known_news=world.known_news,
                          renotify_build_bug=world.settings.renotify_build_bug)
        if outcome.saved:
            self._save_refresh(outcome, bodies, profile, device.ios, world.settings.beta_track)
        names = {identifier: source.name for identifier, source in outcome.sources.items()}
        return Refreshed(outcome, background, names)

    def _save_refresh(self, outcome: RefreshOutcome, bodies: dict[str, Fetched],
                      profile: ClientProfile, ios: OSVersion, beta: str | None) -> None:
        now = self.clock()
        with self.changing() as world:
            for identifier, fetched in bodies.items():
                record = world.sources.get(identifier)
                if record is None:  # removed meanwhile by another process
                    continue
                self.store.save_blob(identifier, fetched.body)
                self._saved(identifier, outcome.sources[identifier], profile, ios, beta)
                world.sources[identifier] = replace(
                    record, name=outcome.sources[identifier].name, last_refresh_at=now,
                    last_error=None, has_copy=True, last_status=fetched.status)
            for identifier, error in outcome.errors.items():
                if identifier in world.sources:  # §9.2: old data kept, error shown
                    world.sources[identifier] = replace(world.sources[identifier],
                                                        last_refresh_at=now, last_error=error)
            for bundle_id in outcome.lost_links:
                if bundle_id in world.installed:
                    world.installed[bundle_id] = replace(world.installed[bundle_id],
                                                         source_identifier=None)
            world.known_news = news_identifiers(outcome.sources)
            for note in outcome.notifications:
                world.add_notification(NotificationRecord(
                    now, "update" if note.kind == "update" else "news", note.title, note.body,
                    note.source, note.bundle_id, note.news_id))

    # -- apps (§4, §5, §7, §8.3) ---------------------------------------------------------------

    def install(self, bundle_id: str, *, accept_offer: bool = False) -> Installed:
        """Tap the button of an app that is not installed (§4): install versions[0], or the
        alert's last compatible version when `accept_offer`."""
        world = self.world()
        if bundle_id in world.installed:
            raise FlowError(f"{bundle_id} is already installed (update or remove it)")
        identifier, source, app = self.find_app(world, bundle_id)
        attempt = decisions.decide(app, source, world.user(), self.device(world),
                                   self.profile(world)).install
        if attempt.outcome == "install" or (attempt.outcome == "offer" and accept_offer):
            return Installed(attempt, self._record(bundle_id, attempt, identifier))
        return Installed(attempt, None)

    def update(self, bundle_id: str) -> Installed:
        world = self.world()
        if bundle_id not in world.installed:
            raise FlowError(f"{bundle_id} is not installed")
        identifier, source, app = self.find_app(world, bundle_id)
        decision = decisions.decide(app, source, world.user(), self.device(world),
                                    self.profile(world))
        if decision.update is None:
            raise FlowError(f"no update is offered for {app.name}")
        attempt = decisions.InstallAttempt("install", decision.update)
        return Installed(attempt, self._record(bundle_id, attempt, identifier))

    def _record(self, bundle_id: str, attempt: decisions.InstallAttempt,
                identifier: str) -> InstalledRecord:
        version = attempt.version
        assert version is not None
        record = InstalledRecord(bundle_id, version.version, version.build_version, identifier,
                                 self.clock())
        with self.changing() as world:
            world.installed[bundle_id] = record
        return record

    def uninstall(self, bundle_id: str) -> InstalledRecord:
        with self.changing() as world:
            record = world.installed.pop(bundle_id, None)
        if record is None:
            raise FlowError(f"{bundle_id} is not installed")
        return record
