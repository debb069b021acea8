"""What changed between two copies of a source, told apart the way the client tells them apart.

Pure: two decoded sources in, the apps, versions and news added and removed, and the download
fields changed in versions both copies list. Which of it reaches users is refresh.py's part.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from altsim.core.model import App, NewsItem, Source, Version

_Item = TypeVar("_Item")

# The fields of a version that decide what a user downloads and whether it verifies, as
# (JSON key, model attribute): the IPA's address, its announced size, its hash.
DOWNLOAD_FIELDS = (("downloadURL", "download_url"), ("size", "size"), ("sha256", "sha256"))


@dataclass(frozen=True, slots=True)
class FieldChange:
    key: str  # the JSON key: "downloadURL", "size", "sha256"
    old: str | int | None
    new: str | int | None


@dataclass(frozen=True, slots=True)
class ChangedVersion:
    """A version both copies list (same version and build) whose download fields differ."""

    version: Version  # as NEW has it
    changes: list[FieldChange]


@dataclass(slots=True)
class AppChanges:
    """An app both copies list, and what changed in its versions."""

    bundle_id: str
    name: str  # as NEW has it
    added: list[Version] = field(default_factory=list)  # in NEW's order
    removed: list[Version] = field(default_factory=list)  # in OLD's order
    changed: list[ChangedVersion] = field(default_factory=list)


@dataclass(slots=True)
class ContentDiff:
    apps_added: list[App] = field(default_factory=list)
    apps_removed: list[App] = field(default_factory=list)
    apps_changed: list[AppChanges] = field(default_factory=list)
    news_added: list[NewsItem] = field(default_factory=list)
    news_removed: list[NewsItem] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.apps_added or self.apps_removed or self.apps_changed
                    or self.news_added or self.news_removed)


def version_key(version: Version) -> str:
    """How the client tells an app's versions apart: `versionID`, "<version>|<build or nil>"
    (AltStoreCore/Model/AppVersion.swift:117-125 at 5a0f2de7)."""
    return version.version_id


def _first_by(items: Iterable[_Item], key: Callable[[_Item], str]) -> dict[str, _Item]:
    """Items by key, the first of each key kept: an accepted source lists each once (the
    client's verify refuses duplicates), a rejected copy read as far as possible may not."""
    found: dict[str, _Item] = {}
    for item in items:
        found.setdefault(key(item), item)
    return found


def _added(old: dict[str, _Item], new: dict[str, _Item]) -> list[_Item]:
    return [item for k, item in new.items() if k not in old]


def _bundle_id(app: App) -> str:
    return app.bundle_id  # exact and case-sensitive, as the client's duplicate check


def _news_id(item: NewsItem) -> str:
    # News items are told apart by identifier alone (AltStore/AppDelegate.swift:380-386)
    return item.identifier


def download_changes(old: Version, new: Version) -> list[FieldChange]:
    changes = []
    for key, attribute in DOWNLOAD_FIELDS:
        before, after = getattr(old, attribute), getattr(new, attribute)
        if before != after:
            changes.append(FieldChange(key, before, after))
    return changes


def app_changes(old: App, new: App) -> AppChanges | None:
    """The versions NEW adds to the app, removes from it, and changes; None when none."""
    old_versions = _first_by(old.versions, version_key)
    new_versions = _first_by(new.versions, version_key)
    found = AppChanges(new.bundle_id, new.name, _added(old_versions, new_versions),
                       _added(new_versions, old_versions))
    for key, version in new_versions.items():
        if key in old_versions:
            changes = download_changes(old_versions[key], version)
            if changes:
                found.changed.append(ChangedVersion(version, changes))
    if found.added or found.removed or found.changed:
        return found
    return None


def content_diff(old: Source, new: Source) -> ContentDiff:
    old_apps, new_apps = _first_by(old.apps, _bundle_id), _first_by(new.apps, _bundle_id)
    old_news, new_news = _first_by(old.news, _news_id), _first_by(new.news, _news_id)
    changed = [app_changes(old_apps[bundle], app) for bundle, app in new_apps.items()
               if bundle in old_apps]
    return ContentDiff(_added(old_apps, new_apps), _added(new_apps, old_apps),
                       [c for c in changed if c is not None],
                       _added(old_news, new_news), _added(new_news, old_news))


def only_apps(diff: ContentDiff, bundle_ids: frozenset[str]) -> ContentDiff:
    """What concerns these apps: their own changes and the news linked to them."""
    def linked(items: list[NewsItem]) -> list[NewsItem]:
        return [item for item in items if item.app_id in bundle_ids]

    return ContentDiff([a for a in diff.apps_added if a.bundle_id in bundle_ids],
                       [a for a in diff.apps_removed if a.bundle_id in bundle_ids],
                       [a for a in diff.apps_changed if a.bundle_id in bundle_ids],
                       linked(diff.news_added), linked(diff.news_removed))
