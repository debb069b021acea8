"""Problems the client accepts but a maintainer wants to know about (behaviour.md 12; the real
sources in tests/corpus/SOURCES.md show each).

These look across entities (versions of an app, news against apps); warnings about a single
value are raised by the decoder, where the value is read.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import datetime

from altsim.core.diagnostics import Severity, pointer_join
from altsim.core.latest import latest_supported
from altsim.core.model import App, Source
from altsim.core.profiles import ClientProfile
from altsim.core.values import OSVersion, os_version_string

Warn = Callable[[str, str, str, Severity], None]

PLACEHOLDER_SIZE = 100_000  # bytes: no real IPA is this small
INT32_MAX = 2**31 - 1
_LEADING_NUMBERS = re.compile(r"\D*?(\d+(?:\.\d+)*)(.*)")


@functools.lru_cache(maxsize=8192)
def loose_version_key(text: str) -> tuple[tuple[int, ...], int]:
    """A lenient ordering for maintainers' version strings: numbers first, a tag sorts below.

    Only for advice: the client compares versions as exact strings (behaviour.md 5).
    """
    match = _LEADING_NUMBERS.match(text)
    if match is None:
        return (), 0
    numbers = tuple(int(n) for n in match[1].split("."))
    numbers += (0,) * (4 - len(numbers))
    return numbers, 0 if re.search(r"[A-Za-z]", match[2]) else 1


def review_source(source: Source, profile: ClientProfile, ios: OSVersion, now: datetime,
                  warn: Warn) -> None:
    """What this client's users would meet: a check about something the client does not show
    or decide (a countdown, Patreon, featured apps, news) is left out for it."""
    app_ids = {app.bundle_id for app in source.apps}
    for app in source.apps:
        _review_versions(app, profile, ios, now, warn)
        if (profile.patreon_gating == "app" and app.patreon is not None
                and source.patreon_url is None):
            warn("patreon-without-url", pointer_join(app.pointer, "patreon"),
                 "the source has no patreonURL, so no pledge ever unlocks this app",
                 Severity.WARNING)
    for index, featured in enumerate(source.featured_apps or []
                                     if "featured" in profile.shows else []):
        if featured not in app_ids:
            warn("unknown-featured-app", f"/featuredApps/{index}",
                 f"featuredApps names {featured!r}, which is not an app of this source: it is "
                 "dropped", Severity.WARNING)
    seen_news: set[str] = set()
    for item in source.news if "news" in profile.shows else []:
        if item.identifier in seen_news:
            warn("duplicate-news-id", pointer_join(item.pointer, "identifier"),
                 f"news identifier {item.identifier!r} is used twice: the client keeps only one "
                 "of them, which one is not defined", Severity.WARNING)
        seen_news.add(item.identifier)
        if item.app_id is not None and item.app_id not in app_ids:
            warn("unknown-news-app", pointer_join(item.pointer, "appID"),
                 f"appID {item.app_id!r} is not an app of this source: the item links to "
                 "nothing", Severity.WARNING)


def _review_versions(app: App, profile: ClientProfile, ios: OSVersion, now: datetime,
                     warn: Warn) -> None:
    versions = app.versions
    if not versions:
        return
    first = versions[0]
    for earlier, later in zip(versions, versions[1:], strict=False):
        if later.date > earlier.date:
            warn("versions-not-newest-first", later.pointer,
                 f"version {later.localized_version} is dated after the one above it: the "
                 "client takes the first listed version as the latest, whatever the dates",
                 Severity.WARNING)
            break
    keys = [loose_version_key(v.version) for v in versions]
    if max(keys) > keys[0]:
        highest = versions[keys.index(max(keys))]
        warn("latest-not-highest", first.pointer,
             f"the first version ({first.version}) is not the highest ({highest.version}): the "
             "client offers the first one as the latest", Severity.WARNING)
    for version in versions:
        if version.size < PLACEHOLDER_SIZE:
            warn("placeholder-size", pointer_join(version.pointer, "size"),
                 f"size {version.size} bytes looks like a placeholder: users see it on the app "
                 "page", Severity.WARNING)
        elif version.size > INT32_MAX:
            crash = (" AltStore 2.0rc crashes while fetching this source (fixed in 2.0.1)"
                     if version is first else "")
            warn("size-over-2gb", pointer_join(version.pointer, "size"),
                 f"size over 2 GB.{crash}", Severity.WARNING)
    latest = latest_supported(app, ios, profile.latest_rule)
    if latest is None:
        warn("no-compatible-version", pointer_join(app.pointer, "versions"),
             f"no version supports iOS {os_version_string(ios)}: the app is still listed, and "
             "installing it fails", Severity.INFO)
    elif "countdown" in profile.shows and latest.date > now:
        warn("future-release", pointer_join(latest.pointer, "date"),
             f"dated {latest.date:%Y-%m-%d %H:%M} UTC, in the future: users without the app see "
             "a countdown, users with it get the update at once", Severity.INFO)
