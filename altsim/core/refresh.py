"""What a refresh does to the user's store: merging, update and news notifications, the badge.

Pure: the sources before and after, the user's installed apps and their store links in, the
client's notifications out (behaviour.md 6.4, 9.2, 9.3). Fetching and saving live elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from altsim.core.decisions import available_update
from altsim.core.device import Device, User
from altsim.core.model import App, Source, Version
from altsim.core.profiles import ClientProfile

UPDATE_TITLE = "New Update Available"  # AppDelegate.swift:444-446 (behaviour.md 9.3)


@dataclass(frozen=True, slots=True)
class PendingUpdate:
    """An installed app's offered update (the My Apps "Updates" list, behaviour.md 9.3)."""

    bundle_id: str
    name: str
    version: Version
    source: str  # the identifier of the source the app is linked to


@dataclass(frozen=True, slots=True)
class Notification:
    kind: str  # "update" | "news"
    title: str
    body: str
    source: str
    bundle_id: str | None = None
    news_id: str | None = None


@dataclass(slots=True)
class RefreshOutcome:
    """What one refresh leaves behind."""

    # False: a background refresh with a failure saves (and posts) nothing (behaviour.md 6.4)
    saved: bool
    sources: dict[str, Source]  # the store after the refresh, by source identifier
    # failed sources and why (behaviour.md 9.2)
    errors: dict[str, str] = field(default_factory=dict)
    notifications: list[Notification] = field(default_factory=list)
    updates: list[PendingUpdate] = field(default_factory=list)  # after the refresh
    lost_links: list[str] = field(default_factory=list)  # installed apps no source lists now

    @property
    def badge(self) -> int:
        return len(self.updates)  # behaviour.md 9.3: the icon badge counts the available updates


def _linked_app(source: Source | None, bundle_id: str) -> App | None:
    if source is None:
        return None
    return next((app for app in source.apps if app.bundle_id == bundle_id), None)


def pending_updates(sources: Mapping[str, Source], links: Mapping[str, str], user: User,
                    device: Device, profile: ClientProfile) -> list[PendingUpdate]:
    """Every linked installed app with an update (InstalledApp.swift:192-221, behaviour.md 5)."""
    found = []
    for bundle_id, source_id in links.items():
        source = sources.get(source_id)
        app = _linked_app(source, bundle_id)
        if app is None or source is None:
            continue
        version = available_update(app, source, user, device, profile)
        if version is not None:
            found.append(PendingUpdate(bundle_id, app.name, version, source_id))
    return found


def update_notifications(before: list[PendingUpdate], after: list[PendingUpdate],
                         renotify_build_bug: bool = True) -> list[Notification]:
    """behaviour.md 9.3 (AppDelegate.swift:396-419): new entries, and known ones whose version
    changed.

    The shipped code maps the previous build with `{ $0.isEmpty ? nil : "" }`, so a pending
    update that has a build never equals its snapshot and is posted again on every background
    refresh; `renotify_build_bug=False` compares the real builds instead.
    """
    previous = {}
    for update in before:
        build = update.version.build_version
        if renotify_build_bug:
            build = None if not build else ""
        previous[update.bundle_id] = (update.version.version, build)
    posted = []
    for update in after:
        now = (update.version.version, update.version.build_version)
        if previous.get(update.bundle_id) != now:
            posted.append(Notification(
                "update", UPDATE_TITLE,
                f"{update.name} {update.version.localized_version} is now available for "
                "download.", update.source, bundle_id=update.bundle_id))
    return posted


def _updated_apps(notifications: list[Notification]) -> set[str]:
    return {n.bundle_id for n in notifications if n.bundle_id is not None}


def repeated_by_bug(before: list[PendingUpdate], after: list[PendingUpdate]) -> set[str]:
    """The bundle IDs whose update notification the re-notify bug alone posts: the same update
    (version and build) was pending before, and a correct comparison posts nothing."""
    return (_updated_apps(update_notifications(before, after))
            - _updated_apps(update_notifications(before, after, renotify_build_bug=False)))


def reposted_every_refresh(pending: list[PendingUpdate]) -> set[str]:
    """The bundle IDs the re-notify bug posts again at every later background refresh while
    their update stays pending: those a refresh that changes nothing still posts."""
    return _updated_apps(update_notifications(pending, pending))


def news_notifications(known: set[str], sources: Mapping[str, Source], profile: ClientProfile
                       ) -> list[Notification]:
    """behaviour.md 6.4 (AppDelegate.swift:380-442): items whose identifier no source had before,
    with `notify: true`; titled by the linked app, else the client's brand."""
    posted = []
    for source_id, source in sources.items():
        names = {app.bundle_id: app.name for app in source.apps}
        for item in source.news:
            if item.identifier in known or not item.notify:
                continue
            app_name = names.get(item.app_id) if item.app_id is not None else None
            title = f"{app_name} News" if app_name is not None else f"{profile.brand} News"
            posted.append(Notification("news", title, item.title, source_id,
                                       news_id=item.identifier))
    return posted


def removed_apps(old: Source | None, new: Source) -> list[App]:
    """The apps of `old` that `new` no longer lists: installed copies lose their store link."""
    kept = {app.bundle_id for app in new.apps}
    return [app for app in (old.apps if old else []) if app.bundle_id not in kept]


def news_identifiers(sources: Mapping[str, Source]) -> set[str]:
    return {item.identifier for source in sources.values() for item in source.news}


def refresh(before: Mapping[str, Source], fetched: Mapping[str, Source | str],
            links: Mapping[str, str], user: User, device: Device, profile: ClientProfile, *,
            background: bool, known_news: set[str] | None = None,
            renotify_build_bug: bool = True) -> RefreshOutcome:
    """Apply one refresh of every source. `fetched` maps each source to its new decode, or to
    the error that kept it from decoding. A successful source replaces its old copy whole:
    apps and news it no longer lists disappear (behaviour.md 9.2, MergePolicy.swift:196-276).

    Foreground: the successes are saved, failed sources keep their old copy and get their
    error; nothing is posted. Background: any failure and nothing is saved or posted
    (behaviour.md 6.4); otherwise updates and news are posted as behaviour.md 9.3 and 6.4 say.
    `known_news` is the set of news identifiers in the store before (default: those of `before`).
    """
    errors = {sid: result for sid, result in fetched.items() if isinstance(result, str)}
    if background and errors:
        return RefreshOutcome(False, dict(before), errors,
                              updates=pending_updates(before, links, user, device, profile))
    after = dict(before)
    after.update({sid: src for sid, src in fetched.items() if not isinstance(src, str)})
    lost = [bundle for bundle, sid in links.items() if _linked_app(after.get(sid), bundle) is None]
    live = {bundle: sid for bundle, sid in links.items() if bundle not in lost}
    updates = pending_updates(after, live, user, device, profile)
    outcome = RefreshOutcome(True, after, errors, updates=updates, lost_links=lost)
    # a client that posts no notifications (Feather, Ksign, LiveContainer: behaviour.md 15.5,
    # 17.3) only refreshes its list
    if background and "notifications" in profile.shows:
        snapshot = pending_updates(before, links, user, device, profile)
        known = news_identifiers(before) if known_news is None else known_news
        outcome.notifications = (update_notifications(snapshot, updates, renotify_build_bug)
                                 + news_notifications(known, after, profile))
    return outcome
