"""The simulated client's flows over the simulated user's saved state: add and remove sources,
refresh in the foreground or the background, install, update and remove apps (behaviour.md 4, 6.4,
behaviour.md 8.3, 9).

Every change is one state transaction that re-reads the user state under the lock and decides
there, so two altsim processes never undo each other's changes; network work and the first
decode happen before the transaction, never inside it. A refresh commits what it learned (new
copies, the news in the store, its notifications) in one rename of the state file.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from altsim.core import decisions
from altsim.core.check import CheckResult, check_source, decoding_ios
from altsim.core.device import Device
from altsim.core.diagnostics import Diagnostic, Rejection, Severity, coding_path
from altsim.core.identity import normalize_source_url
from altsim.core.model import App, Source
from altsim.core.profiles import PROFILES, ClientProfile
from altsim.core.refresh import (
    Notification,
    RefreshOutcome,
    news_identifiers,
    refresh,
    removed_apps,
)
from altsim.core.values import OSVersion
from altsim.net.address import is_local
from altsim.net.fetch import Fetched, FetchError, FetchLimits, SourceFetcher
from altsim.state import (
    JsonStore,
    Loaded,
    NotificationRecord,
    SavedInstalledApp,
    SourceRecord,
    StateShapeError,
    UserState,
)
from altsim.state.decode_cache import DecodeCache, gc_paused
from altsim.state.decoded import cache_directory


class FlowError(Exception):
    """A flow the client refuses, with the client's text where it has one."""


@dataclass(slots=True)
class SourcePreview:
    """A fetched source awaiting the user's confirmation (behaviour.md 9.5)."""

    fetched: Fetched
    identifier: str
    result: CheckResult

    @property
    def source(self) -> Source | None:
        return self.result.source


@dataclass(slots=True)
class RefreshReport:
    outcome: RefreshOutcome
    background: bool
    names: dict[str, str]  # source identifier -> name, for messages
    # The notifications this refresh recorded (the client's posts, `outcome.notifications`)
    posted: list[NotificationRecord] = field(default_factory=list)
    # What `show` was given: every notification not shown before, this refresh's and any an
    # earlier process recorded but did not live to show, oldest first
    shown: list[NotificationRecord] = field(default_factory=list)


# Hands a refresh's notifications to the user. Called under the state lock, just before the
# commit that marks them shown: it must not wait on anything that needs the lock.
Show = Callable[[RefreshReport], None]


@dataclass(slots=True)
class FileReload:
    """A local source's file read again after a save (`Simulator.reload_file`)."""

    identifier: str
    name: str  # the source's name as saved before this reload
    changed: bool  # False: the file holds the saved copy already, nothing was done
    # What a background refresh fetching the new file would post to this user: the
    # notifications `altsim diff` computes, by the same code (core.refresh.refresh)
    notifications: list[Notification] = field(default_factory=list)
    removed_apps: list[str] = field(default_factory=list)  # names of the apps no longer listed
    rejection: Rejection | None = None  # the client rejects the file: the old copy stays
    located: Diagnostic | None = None  # the rejection with its line and column, when found
    report: RefreshReport | None = None  # the foreground refresh committed


@dataclass(slots=True)
class InstallResult:
    """The result of an install or update: what was installed, or the client's answer."""

    attempt: decisions.InstallAttempt
    record: SavedInstalledApp | None  # None: nothing was installed


def source_identity(fetched: Fetched, profile: ClientProfile, source: Source | None) -> str:
    """What the client knows the source by (its `identity_rule`): the normalized requested URL
    (behaviour.md 1.4), the JSON `identifier` (behaviour.md 9.4), that or else the URL as typed
    (Feather, Ksign: behaviour.md 15.5), or the URL as typed (LiveContainer: behaviour.md 17.3).
    A local file is known by its own file URL, a bundled sample by its altsim-sample: address,
    wherever the rule takes a URL."""
    rule = profile.identity_rule
    declared = source.json_identifier if source is not None else None
    if rule in ("identifier", "identifier-or-url") and declared is not None:
        return declared
    if is_local(fetched.url):
        return fetched.url
    if rule == "normalized-url":
        return normalize_source_url(fetched.url)
    return fetched.url


class Simulator:
    def __init__(self, store: JsonStore[UserState], *, limits: FetchLimits | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 decode_cache: DecodeCache | None = None) -> None:
        self.store = store
        self.limits = limits
        self.clock = clock
        self._fetcher: SourceFetcher | None = None  # one long-lived client set, made on use
        self.decode_cache = decode_cache or DecodeCache(cache_directory(store.directory))
        store.tidy()  # what killed processes left behind, if no one holds the lock

    async def fetcher(self) -> SourceFetcher:
        if self._fetcher is None:
            self._fetcher = SourceFetcher(self.limits)
        return self._fetcher

    async def aclose(self) -> None:
        if self._fetcher is not None:
            await self._fetcher.aclose()
            self._fetcher = None

    # -- reading the user state -------------------------------------------------------------------

    def user_state(self) -> UserState:
        return self.store.load().value

    @contextlib.contextmanager
    def changing(self) -> Iterator[UserState]:
        """A transaction on the user state. A change the state would not read back is refused (the
        store keeps the state as it was), and the flow fails saying what was wrong."""
        with self._committing() as loaded:
            yield loaded.value

    @contextlib.contextmanager
    def _committing(self) -> Iterator[Loaded[UserState]]:
        try:
            with self.store.transaction() as loaded:
                yield loaded
        except StateShapeError as error:
            raise FlowError(f"not saved: {error}") from None

    def copy_path(self, user_state: UserState, identifier: str) -> Path | None:
        """The file of a source's last good copy, if it has one."""
        record = user_state.sources.get(identifier)
        if record is None or record.copy is None:
            return None
        return self.store.blob_path(record.copy)

    @staticmethod
    def profile(user_state: UserState) -> ClientProfile:
        return PROFILES.get(user_state.settings.client, PROFILES["altstore"])

    def device(self, user_state: UserState) -> Device:
        return user_state.device(self.clock())

    def sources(self, user_state: UserState) -> dict[str, Source]:
        """The last good copy of every source, decoded for the current client and device.

        Decodes are kept until the copy, the client or the iOS versions' way of decoding
        changes (`DecodeCache`): screens ask for the sources at every change of the user state.
        """
        profile, beta = self.profile(user_state), user_state.settings.beta_track
        ios = self.device(user_state).ios
        decoded = {}
        for identifier, record in user_state.sources.items():
            if record.copy is None:
                continue
            source = self.decode_cache.source(identifier, self.store.blob_path(record.copy),
                                              profile, ios, beta)
            if source is not None:
                decoded[identifier] = source
        return decoded

    def find_app(self, user_state: UserState, bundle_id: str) -> tuple[str, Source, App]:
        """The app in its linked source if installed, else the first source listing it."""
        sources = self.sources(user_state)
        record = user_state.installed.get(bundle_id)
        order = ([record.source_identifier] if record and record.source_identifier else [])
        for identifier in [*order, *sources]:
            source = sources.get(identifier)
            if source is None:
                continue
            app = next((a for a in source.apps if a.bundle_id == bundle_id), None)
            if app is not None:
                return identifier, source, app
        raise FlowError(f"no source lists an app with the bundle ID {bundle_id!r}")

    # -- sources (behaviour.md 9.5)
    # ------------------------------------------------------------------------

    async def preview_source(self, address: str) -> SourcePreview:
        """Fetch and decode a source to add; the client shows it and asks to confirm."""
        user_state = self.user_state()
        try:
            fetched = await (await self.fetcher()).fetch(address)
        except FetchError as error:
            raise FlowError(str(error)) from None
        profile = self.profile(user_state)
        result = self.decode_cache.verdict(fetched.body, profile, self.device(user_state).ios,
                                           user_state.settings.beta_track, url=fetched.url,
                                           status=fetched.status)
        try:
            identifier = source_identity(fetched, profile, result.source)
        except ValueError as error:
            raise FlowError(f"{fetched.url}: {error}") from None
        self._refuse_duplicate(user_state, identifier, profile)
        return SourcePreview(fetched, identifier, result)

    @staticmethod
    def _refuse_duplicate(user_state: UserState, identifier: str,
                          profile: ClientProfile) -> None:
        if identifier in user_state.sources:  # the client's own words, e.g. SourceError.swift
            raise FlowError(profile.duplicate_source_text.format(identifier=identifier))

    def add_source(self, preview: SourcePreview) -> SourceRecord:
        """Save a confirmed preview. Its news is in the store from now on, so a background
        refresh never notifies it (behaviour.md 6.4)."""
        source = preview.source
        if source is None:
            raise FlowError("the client rejects this source: it cannot be added")
        now = self.clock()
        with self._committing() as loaded:
            user_state = loaded.value
            self._refuse_duplicate(user_state, preview.identifier, preview.result.profile)
            blob = loaded.add_blob(preview.fetched.body)
            record = SourceRecord(preview.fetched.url, preview.identifier, source.name, now,
                                  now, None, blob, preview.fetched.status)
            user_state.sources[preview.identifier] = record
            user_state.known_news |= {item.identifier for item in source.news}
            beta = user_state.settings.beta_track
        self.decode_cache.saved(preview.identifier, self.store.blob_path(blob), source,
                                preview.result.profile, preview.result.ios, beta)
        return record

    def remove_source(self, identifier: str) -> SourceRecord:
        self.sources(self.user_state())  # decoded outside the lock
        with self.changing() as user_state:  # its copy goes with the commit (the store's sweep)
            record = user_state.sources.pop(identifier, None)
            if record is None:
                raise FlowError(f"no source with the identifier {identifier!r}")
            for bundle_id, app in list(user_state.installed.items()):
                if app.source_identifier == identifier:  # installed apps stay, unlinked
                    user_state.installed[bundle_id] = replace(app, source_identifier=None)
            # its news left the store
            user_state.known_news = news_identifiers(self.sources(user_state))
        return record

    # -- refresh (behaviour.md 9.2, 6.4, 9.3)
    # --------------------------------------------------------------

    async def refresh(self, *, background: bool,
                      progress: Callable[[int, int], None] | None = None,
                      show: Show | None = None) -> RefreshReport:
        """Fetch every source, then decide and commit in one transaction on the user state as it is
        then: a source removed or refreshed by another process meanwhile keeps what that
        process saved, and what to notify is decided against the news and updates the state
        holds at the commit, so overlapping refreshes never post the same thing twice.

        Notifications are recorded unshown, unless `show` is given: then `show` receives this
        refresh's and any left unshown by an earlier process, just before the rename that
        commits them as shown (`show` is always called once, even with nothing to show). A
        process killed after `show` returned and before that rename has shown notifications
        the state still calls unshown: the next one to show them shows them again. That window
        is the rename alone; the history holds each notification once whatever is killed.
        If `show` raises, the refresh is committed with them unshown, and the error raised.
        """
        snapshot = self.user_state()
        profile, device = self.profile(snapshot), self.device(snapshot)
        beta = snapshot.settings.beta_track
        self.sources(snapshot)  # decoded outside the lock: the commit finds them decoded
        records = list(snapshot.sources.values())
        fetcher = await self.fetcher()
        results = await fetcher.fetch_all((record.url for record in records), progress)
        fetched: dict[str, tuple[Fetched, Source] | str] = {}
        for record, result in zip(records, results, strict=True):
            fetched[record.identifier] = (str(result) if isinstance(result, FetchError)
                                          else self._decode_fetched(result, profile,
                                                                    device.ios, beta))
        decoded_for = (profile.name, decoding_ios(profile, device.ios, beta), beta)
        if show is None:
            return self._commit_refresh(records, fetched, decoded_for, background, None)
        failed: list[Exception] = []

        def showing(refreshed: RefreshReport) -> None:
            try:
                show(refreshed)
            except Exception as error:
                failed.append(error)
                raise

        try:
            return self._commit_refresh(records, fetched, decoded_for, background, showing)
        except Exception:
            if not failed:
                raise
        self._commit_refresh(records, fetched, decoded_for, background, None)
        raise failed[0]

    async def reload_file(self, identifier: str) -> FileReload:
        """Read a local source's file again after a save, and commit it as a foreground refresh
        of that one source would (behaviour.md 9.2): the new bytes become the saved copy, or the
        client's error is recorded and the last good copy stays. Beside it, what a background
        refresh of the new file would post to this user (`FileReload.notifications`), and where the
        client's error is in the file (`FileReload.located`)."""
        snapshot = self.user_state()
        record = snapshot.sources.get(identifier)
        if record is None:
            raise FlowError(f"no source with the identifier {identifier!r}")
        if not is_local(record.url):
            raise FlowError(f"{record.url} is not a local file")
        profile, device = self.profile(snapshot), self.device(snapshot)
        beta = snapshot.settings.beta_track
        before = self.sources(snapshot)  # decoded outside the lock
        try:
            fetched = await (await self.fetcher()).fetch(record.url)
        except FetchError as error:
            raise FlowError(str(error)) from None
        reloaded = FileReload(identifier, record.name or identifier, True)
        copy = self.copy_path(snapshot, identifier)
        if copy is not None and record.last_error is None and _same_bytes(copy, fetched.body):
            reloaded.changed = False  # an editor saving the same text, or a touch
            return reloaded
        decoded = self._decode_fetched(fetched, profile, device.ios, beta)
        if isinstance(decoded, str):
            verdict = self.decode_cache.verdict(fetched.body, profile, device.ios, beta,
                                                url=fetched.url, status=fetched.status)
            reloaded.rejection = verdict.rejection
            reloaded.located = self._locate_rejection(fetched.body, profile, device.ios,
                                                      verdict.rejection)
        else:
            new = decoded[1]
            links = {bundle: app.source_identifier for bundle, app in snapshot.installed.items()
                     if app.source_identifier is not None}
            would_post = refresh(before, {identifier: new}, links, snapshot.user(), device,
                                 profile, background=True, known_news=snapshot.known_news,
                                 renotify_build_bug=snapshot.settings.renotify_build_bug)
            reloaded.notifications = would_post.notifications
            reloaded.removed_apps = [app.name for app in
                                     removed_apps(before.get(identifier), new)]
        decoded_for = (profile.name, decoding_ios(profile, device.ios, beta), beta)
        reloaded.report = self._commit_refresh([record], {identifier: decoded}, decoded_for,
                                               False, None)
        return reloaded

    def _locate_rejection(self, body: bytes, profile: ClientProfile, ios: OSVersion,
                          rejection: Rejection | None) -> Diagnostic | None:
        """The client's error as `altsim check` reports it, with its line and column."""
        if rejection is None:
            return None
        with gc_paused():
            errors = [d for d in check_source(body, profile, ios, now=self.clock()).diagnostics
                      if d.severity is Severity.ERROR]
        same_code = [d for d in errors if d.code == rejection.code]
        exact = [d for d in same_code if coding_path(d.pointer) == rejection.path]
        return next(iter(exact + same_code + errors), None)

    def _decode_fetched(self, result: Fetched, profile: ClientProfile, ios: OSVersion,
                        beta: str | None) -> tuple[Fetched, Source] | str:
        verdict = self.decode_cache.verdict(result.body, profile, ios, beta, url=result.url,
                                            status=result.status)
        if verdict.source is None:
            assert verdict.rejection is not None
            return f"{verdict.rejection.message} ({verdict.rejection.code})"
        return result, verdict.source

    def _commit_refresh(self, records: list[SourceRecord],
                        fetched: dict[str, tuple[Fetched, Source] | str],
                        decoded_for: tuple[str, OSVersion, str | None], background: bool,
                        show: Show | None) -> RefreshReport:
        with self._committing() as loaded:
            user_state = loaded.value
            profile, device = self.profile(user_state), self.device(user_state)
            beta = user_state.settings.beta_track
            redecode = (profile.name, decoding_ios(profile, device.ios, beta), beta) != \
                decoded_for  # the settings changed while the sources were fetched
            fresh: dict[str, Source | str] = {}
            bodies: dict[str, Fetched] = {}
            for record in records:
                now_record = user_state.sources.get(record.identifier)
                if now_record is None or (now_record.copy, now_record.added_at) != (
                        record.copy, record.added_at):
                    continue  # removed, re-added or refreshed by another process meanwhile
                result = fetched[record.identifier]
                if not isinstance(result, str) and redecode:
                    result = self._decode_fetched(result[0], profile, device.ios, beta)
                if isinstance(result, str):
                    fresh[record.identifier] = result
                else:
                    bodies[record.identifier], fresh[record.identifier] = result
            links = {bundle: app.source_identifier for bundle, app in user_state.installed.items()
                     if app.source_identifier is not None}
            outcome = refresh(self.sources(user_state), fresh, links, user_state.user(), device,
                              profile, background=background, known_news=user_state.known_news,
                              renotify_build_bug=user_state.settings.renotify_build_bug)
            names = {identifier: source.name for identifier, source in outcome.sources.items()}
            refreshed = RefreshReport(outcome, background, names)
            saved = self._apply_refresh(loaded, refreshed, bodies) if outcome.saved else {}
            if show is not None:
                refreshed.shown = self._mark_shown(user_state)
                loaded.before_commit = lambda: show(refreshed)
        for identifier, blob in saved.items():
            self.decode_cache.saved(identifier, self.store.blob_path(blob),
                                    outcome.sources[identifier], profile, device.ios, beta)
        return refreshed

    def _apply_refresh(self, loaded: Loaded[UserState], refreshed: RefreshReport,
                       bodies: dict[str, Fetched]) -> dict[str, str]:
        """Record a saved refresh in the user state; the new copies' blobs, by source."""
        user_state, now, outcome = loaded.value, self.clock(), refreshed.outcome
        saved = {}
        for identifier, fetched in bodies.items():
            blob = saved[identifier] = loaded.add_blob(fetched.body)
            user_state.sources[identifier] = replace(
                user_state.sources[identifier], name=outcome.sources[identifier].name,
                last_refresh_at=now, last_error=None, copy=blob, last_status=fetched.status)
        # behaviour.md 9.2: old data kept, error shown
        for identifier, error in outcome.errors.items():
            user_state.sources[identifier] = replace(user_state.sources[identifier],
                                                last_refresh_at=now, last_error=error)
        for bundle_id in outcome.lost_links:
            user_state.installed[bundle_id] = replace(user_state.installed[bundle_id],
                                                 source_identifier=None)
        user_state.known_news = news_identifiers(outcome.sources)
        for note in outcome.notifications:
            record = NotificationRecord(now, "update" if note.kind == "update" else "news",
                                        note.title, note.body, note.source, note.bundle_id,
                                        note.news_id)
            user_state.add_notification(record)
            refreshed.posted.append(record)
        return saved

    @staticmethod
    def _mark_shown(user_state: UserState) -> list[NotificationRecord]:
        shown = []
        for index, record in enumerate(user_state.notifications):
            if not record.shown:
                user_state.notifications[index] = replace(record, shown=True)
                shown.append(record)
        return shown

    def show_pending(self, show: Callable[[list[NotificationRecord]], None]) -> int:
        """Show the notifications an earlier process recorded but did not live to show, and
        mark them shown in the same commit (see `refresh` for the window). How many."""
        with self._committing() as loaded:
            pending = self._mark_shown(loaded.value)
            if pending:
                loaded.before_commit = lambda: show(pending)
        return len(pending)

    # -- apps (behaviour.md 4, 5, 7, 8.3)
    # --------------------------------------------------------------- Decided inside the
    # transaction, on the user state as it is then: an app another process installed, updated or
    # removed meanwhile is never overwritten with a stale decision.

    def install(self, bundle_id: str, *, accept_offer: bool = False) -> InstallResult:
        """Tap the button of an app that is not installed (behaviour.md 4): install versions[0], or
        the alert's last compatible version when `accept_offer`."""
        self.sources(self.user_state())  # decoded outside the lock
        with self.changing() as user_state:
            if bundle_id in user_state.installed:
                raise FlowError(f"{bundle_id} is already installed (update or remove it)")
            identifier, source, app = self.find_app(user_state, bundle_id)
            attempt = decisions.decide(app, source, user_state.user(), self.device(user_state),
                                       self.profile(user_state)).install
            record = None
            if attempt.outcome == "install" or (attempt.outcome == "offer" and accept_offer):
                record = user_state.installed[bundle_id] = self._record(bundle_id, attempt,
                                                                   identifier)
        return InstallResult(attempt, record)

    def update(self, bundle_id: str) -> InstallResult:
        self.sources(self.user_state())  # decoded outside the lock
        with self.changing() as user_state:
            if bundle_id not in user_state.installed:
                raise FlowError(f"{bundle_id} is not installed")
            identifier, source, app = self.find_app(user_state, bundle_id)
            decision = decisions.decide(app, source, user_state.user(), self.device(user_state),
                                        self.profile(user_state))
            if decision.update is None:
                raise FlowError(f"no update is offered for {app.name}")
            attempt = decisions.InstallAttempt("install", decision.update)
            record = user_state.installed[bundle_id] = self._record(bundle_id, attempt, identifier)
        return InstallResult(attempt, record)

    def _record(self, bundle_id: str, attempt: decisions.InstallAttempt,
                identifier: str) -> SavedInstalledApp:
        version = attempt.version
        assert version is not None
        return SavedInstalledApp(bundle_id, version.version, version.build_version, identifier,
                               self.clock())

    def uninstall(self, bundle_id: str) -> SavedInstalledApp:
        with self.changing() as user_state:
            record = user_state.installed.pop(bundle_id, None)
            if record is None:
                raise FlowError(f"{bundle_id} is not installed")
        return record


def _same_bytes(path: Path, body: bytes) -> bool:
    try:
        return path.stat().st_size == len(body) and path.read_bytes() == body
    except OSError:
        return False
