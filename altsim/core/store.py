"""What the store's screens list: About page, Browse, Recently Updated, Sources, News
(behaviour.md 6, 10).

Pure functions over decoded sources. `SourceForUser` pairs a source with its identity and the
visibility of its apps for one user, which every screen needs; `source_for_user` builds it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, NamedTuple, get_args

from altsim.core.decisions import is_visible
from altsim.core.device import User
from altsim.core.keys import KNOWN_CATEGORIES
from altsim.core.latest import latest_available, latest_supported
from altsim.core.model import App, NewsItem, Screenshot, Source
from altsim.core.profiles import DEFAULT_PROFILE, ClientProfile
from altsim.core.values import OSVersion, is_dated

ABOUT_FEATURED, ABOUT_NEWS = 5, 5  # behaviour.md 10.2, 6.2
BROWSE_FEATURED, RECENTLY_UPDATED = 5, 10  # behaviour.md 10.3
UNSIZED_ASPECT = 9 / 19.5  # behaviour.md 2.3: width / height of an unsized screenshot
# StoreCategory.swift:12-21, in its order; "other" is the last tile (behaviour.md 10.3)
CATEGORY_ORDER = ("developer", "entertainment", "games", "lifestyle", "photo-video", "social",
                  "utilities", "other")


@dataclass(slots=True)
class SourceForUser:
    source: Source
    identifier: str  # normalized URL (behaviour.md 1.4); for an unpublished file, its path
    url: str | None = None  # as added, for the Sources row subtitle
    # bundle IDs the user can see (behaviour.md 10.1)
    visible: set[str] = field(default_factory=set)
    profile: ClientProfile = DEFAULT_PROFILE  # the client: what it shows, which version is latest
    # after a failed refresh: the error as the client shows it (None: none shown), and whether
    # the client shows a spinner in place of the source's apps
    error: str | None = None
    spinning: bool = False

    def visible_apps(self) -> list[App]:
        return [app for app in self.source.apps if app.bundle_id in self.visible]


def source_for_user(source: Source, identifier: str, user: User, profile: ClientProfile,
                    url: str | None = None, error: str | None = None) -> SourceForUser:
    """A source with the apps this user sees in this client (`decisions.is_visible`); `error`
    is why its last refresh failed, if it did, which the client shows in its own way
    (`ClientProfile.refresh_failure`): the last good copy and the error, no apps and no error,
    or the error in place of the apps."""
    rule = profile.refresh_failure if error is not None else "keep"
    visible = set() if rule != "keep" else {
        app.bundle_id for app in source.apps if is_visible(app, source, user, profile)}
    shown = (f"{profile.error_heading} {error}" if rule == "error" else
             None if rule == "hide" else error)
    return SourceForUser(source, identifier, url, visible, profile, shown, rule == "hide")


# -- About page (behaviour.md 10.2)
# -------------------------------------------------------------------------

def effective_featured(source: Source) -> list[App]:
    """featuredApps resolved to apps: absent = all apps, [] = none, unknown IDs dropped
    (behaviour.md 1.3)."""
    if source.featured_apps is None:
        return list(source.apps)
    by_id = {app.bundle_id: app for app in source.apps}
    return [by_id[i] for i in source.featured_apps if i in by_id]


def about_featured(view: SourceForUser) -> list[App]:
    # behaviour.md 10.2: the first 5 *then* the visible ones: a hidden app is not back-filled
    if "featured" not in view.profile.shows:
        return []
    return [app for app in effective_featured(view.source)[:ABOUT_FEATURED]
            if app.bundle_id in view.visible]


def about_news(view: SourceForUser) -> list[NewsItem]:
    if "news" not in view.profile.shows:
        return []
    if view.profile.news_order == "reversed":
        return view.source.news[::-1]
    return sorted(view.source.news, key=lambda n: (-n.date.timestamp(), n.sort_index))[:ABOUT_NEWS]


# -- News (behaviour.md 6.2, 6.3)
# --------------------------------------------------------------------------

def merged_news(views: Iterable[SourceForUser]) -> list[tuple[SourceForUser, NewsItem]]:
    # behaviour.md 6.2 (NewsItem.swift:102-116): date desc, JSON position asc, source identifier
    # asc
    items = [(view, item) for view in views if "news_tab" in view.profile.shows
             for item in view.source.news]
    return sorted(items, key=lambda p: (-p[1].date.timestamp(), p[1].sort_index,
                                        p[0].identifier))


def news_opens(item: NewsItem, bundle_ids: Collection[str]) -> str | None:
    """What a tap opens (behaviour.md 6.3): "url" first, else "app" when appID names an app of the
    item's source (`bundle_ids`: that source's apps)."""
    if item.url is not None:
        return "url"
    if item.app_id is not None and item.app_id in bundle_ids:
        return "app"
    return None


# -- Browse (behaviour.md 10.3, 10.4)
# ----------------------------------------------------------------------

BrowseSort = Literal["default", "name", "developer", "updated"]
BROWSE_SORTS: tuple[BrowseSort, ...] = get_args(BrowseSort)  # in the order the UI cycles them


def browse_order(views: Iterable[SourceForUser], ios: OSVersion, sort: BrowseSort = "default"
                 ) -> list[tuple[SourceForUser, App]]:
    """Browse's list of every visible app (behaviour.md 10.4, BrowseViewController.swift:186-237):
    by default JSON position, then name, bundle ID, source; or by name, developer, last updated (the
    latest *supported* version's date, newest first)."""
    items = [(view, index, app) for view in views
             for index, app in enumerate(view.source.apps) if app.bundle_id in view.visible]

    def tie(t: tuple[SourceForUser, int, App]) -> tuple[str, str, str]:
        return t[2].name, t[2].bundle_id, t[0].identifier

    if sort == "default":
        items.sort(key=lambda t: (t[1], *tie(t)))
    elif sort == "name":
        items.sort(key=tie)
    elif sort == "developer":
        items.sort(key=lambda t: (t[2].developer_name, *tie(t)))
    else:  # "updated"
        def updated(t: tuple[SourceForUser, int, App]) -> tuple[bool, float, str, str, str]:
            latest = latest_supported(t[2], ios, t[0].profile.latest_rule)
            return latest is None, -latest.date.timestamp() if latest else 0.0, *tie(t)
        items.sort(key=updated)
    return [(view, app) for view, _, app in items]


def browse_featured(view: SourceForUser, installed: Iterable[str]) -> list[App]:
    """A source's Browse section (behaviour.md 10.3): uninstalled first, featured first, at most 5.
    The client shuffles the rest at each launch; altsim keeps JSON order there."""
    if "featured" not in view.profile.shows:
        return []
    featured = {app.bundle_id for app in effective_featured(view.source)}
    owned = set(installed)
    apps = sorted(view.visible_apps(),
                  key=lambda a: (a.bundle_id in owned, a.bundle_id not in featured))
    return apps[:BROWSE_FEATURED]


def category_of(app: App) -> str:
    return app.category if app.category in KNOWN_CATEGORIES else "other"  # behaviour.md 2.6


def category_tiles(apps: Iterable[App]) -> list[str]:
    present = {category_of(app) for app in apps}
    # behaviour.md 10.3: one per category, Other last
    return [c for c in CATEGORY_ORDER if c in present]


def recently_updated(views: Iterable[SourceForUser], ios: OSVersion
                     ) -> list[tuple[SourceForUser, App]]:
    # behaviour.md 10.3 (FeaturedViewController.swift:231-244): latest *supported* date desc, none
    # last
    def key(pair: tuple[SourceForUser, App]) -> tuple[bool, float, str, str, str]:
        view, app = pair
        latest = latest_supported(app, ios, view.profile.latest_rule)
        stamp = -latest.date.timestamp() if latest is not None else 0.0
        return latest is None, stamp, app.name, app.bundle_id, view.identifier

    pairs = [(view, app) for view in views for app in view.visible_apps()]
    return sorted(pairs, key=key)[:RECENTLY_UPDATED]


# -- Sources list (behaviour.md 10.5)
# -----------------------------------------------------------------------

def last_updated(source: Source) -> datetime | None:
    # Source.swift:255-260: newest of every app's versions[0] and every news item
    dates = [v.date for v in map(latest_available, source.apps) if v is not None]
    dates += [item.date for item in source.news]
    return max(filter(is_dated, dates), default=None)


def source_subtitle(view: SourceForUser) -> str:
    if view.source.subtitle is not None:
        return view.source.subtitle
    url = view.url or view.identifier
    scheme, sep, rest = url.partition("://")  # the URL without "scheme://"
    return rest if sep and scheme else url


def sources_order(views: Iterable[SourceForUser]) -> list[SourceForUser]:
    return sorted(views, key=lambda v: (v.source.name, v.identifier))  # behaviour.md 10.5


# -- screenshots (behaviour.md 2.3)
# -------------------------------------------------------------------------

class ShownScreenshot(NamedTuple):  # a tuple: made for every screenshot a page shows
    screenshot: Screenshot
    aspect: float  # width / height as drawn
    rounded: bool  # "Face ID" corners


def screenshots_for(app: App, family: str) -> list[ShownScreenshot]:
    """The device's own kind, or every screenshot when it has none (StoreApp.swift:481-501)."""
    own = [s for s in app.screenshots if s.device == family]
    shown = []
    for shot in own or app.screenshots:
        if shot.width and shot.height:
            aspect = shot.width / shot.height
        else:
            aspect = UNSIZED_ASPECT
        ratio = min(aspect, 1 / aspect)
        # AppScreenshotCollectionViewCell.swift:125-146: short/long within 0.001 of 9/19.5
        shown.append(ShownScreenshot(shot, aspect, abs(ratio - UNSIZED_ASPECT) <= 0.001))
    return shown
