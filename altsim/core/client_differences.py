"""How one client shows a source differently from another (the reference, AltStore): what
`altsim check --client all` sums up per client, most important first.

Everything here compares two decoded models and the two profiles' decision data; nothing looks
at a client's name.
"""

from __future__ import annotations

from collections.abc import Iterable

from altsim.core.device import LAST_RELEASES
from altsim.core.latest import latest_supported
from altsim.core.model import App, Source, Version
from altsim.core.profiles import ClientProfile
from altsim.core.values import OSVersion, os_version_string

MOST = 3  # differences a summary row shows


def differences(reference: Source, reference_profile: ClientProfile, other: Source,
                profile: ClientProfile, ios: OSVersion, most: int = MOST) -> list[str]:
    """Up to `most` ways `profile` shows `other` (its decode of the source) differently from how
    `reference_profile` shows `reference` (the same bytes), most important first: apps it drops
    or adds, the versions it offers, then what it leaves unshown or undecided."""
    found = [*_apps(reference, other, profile),
             *_offered(reference, reference_profile, other, profile, ios),
             *_unshown(reference, reference_profile, profile),
             *_never_decided(profile, reference_profile)]
    return found[:most]


def _apps(reference: Source, other: Source, profile: ClientProfile) -> list[str]:
    ours, theirs = _by_id(reference.apps), _by_id(other.apps)
    found = []
    if dropped := [bundle for bundle in ours if bundle not in theirs]:
        found.append(f"lists {len(dropped)} app{'s' if len(dropped) != 1 else ''} fewer "
                     f"({_names(dropped)}): {profile.brand} skips them")
    extra = len(other.apps) - len(theirs)
    if extra > 0:
        found.append(f"lists {extra} more app{'s' if extra != 1 else ''}: {profile.brand} "
                     "keeps apps that share a bundle identifier")
    return found


def _offered(reference: Source, reference_profile: ClientProfile, other: Source,
             profile: ClientProfile, ios: OSVersion) -> list[str]:
    """The first app and device where the versions offered differ (the device asked first)."""
    theirs = _by_id(other.apps)
    for device_ios in (ios, *(v for v in LAST_RELEASES if v != ios)):
        for app in reference.apps:
            twin = theirs.get(app.bundle_id)
            if twin is None:
                continue
            ours = latest_supported(app, device_ios, reference_profile.latest_rule)
            offered = latest_supported(twin, device_ios, profile.latest_rule)
            if _label(ours) != _label(offered):
                return [f"offers {_label(offered)} of {app.name} to iOS "
                        f"{os_version_string(device_ios)} devices where "
                        f"{reference_profile.brand} offers {_label(ours)}"
                        f"{_why(reference_profile, profile, app, twin)}"]
    return []


def _why(reference_profile: ClientProfile, profile: ClientProfile, app: App, twin: App) -> str:
    if profile.latest_rule != reference_profile.latest_rule:
        return f": {profile.brand} reads no minOSVersion or maxOSVersion"
    if len(twin.versions) < len(app.versions):
        return f": {profile.brand} skips versions it cannot use"
    return ""


def _unshown(reference: Source, reference_profile: ClientProfile,
             profile: ClientProfile) -> list[str]:
    missing = reference_profile.shows - profile.shows
    found = []
    if "screenshots" in missing and any(app.screenshots for app in reference.apps):
        reads = "only `screenshotURLs`" if "screenshot_urls" in profile.shows else "none"
        found.append(f"shows no screenshots from `screenshots` ({profile.brand} reads {reads})")
    if "news" in missing and reference.news:
        found.append(f"shows none of the {len(reference.news)} news items")
    if (profile.patreon_gating != reference_profile.patreon_gating
            and any(app.patreon is not None for app in reference.apps)):
        found.append("locks no Patreon app: every app is free to install")
    if "featured" in missing and reference.featured_apps:
        found.append("ignores featuredApps")
    return found


_NOT_SHOWN = {"news": "shows no news", "news_tab": "shows news on each source's page only",
              "featured": "shows no featured apps",
              "screenshots": "shows no screenshots from `screenshots`",
              "countdown": "shows no release countdowns"}


def what_it_does_not(profile: ClientProfile, reference: ClientProfile) -> list[str]:
    """What `profile`'s client leaves out that `reference`'s does, whatever the source: the
    parts it does not show and the decisions it never makes."""
    missing = reference.shows - profile.shows
    if "news" in missing:
        missing -= {"news_tab"}  # no news at all says it
    found = [text for feature, text in _NOT_SHOWN.items() if feature in missing]
    if profile.patreon_gating != reference.patreon_gating:
        found.append("locks no Patreon app")
    return found + _never_decided(profile, reference)


def _never_decided(profile: ClientProfile, reference: ClientProfile) -> list[str]:
    """The decisions `reference`'s client makes for every source and `profile`'s never does."""
    found = []
    if profile.update_rule == "none" and reference.update_rule != "none":
        found.append("never offers an update")
    if "notifications" in reference.shows - profile.shows:
        found.append("posts no notifications")
    return found


def _by_id(apps: Iterable[App]) -> dict[str, App]:
    found: dict[str, App] = {}
    for app in apps:
        found.setdefault(app.bundle_id, app)
    return found


def _label(version: Version | None) -> str:
    return "nothing" if version is None else version.localized_version


def _names(bundle_ids: list[str]) -> str:
    shown = ", ".join(bundle_ids[:3])
    return shown + (f" and {len(bundle_ids) - 3} more" if len(bundle_ids) > 3 else "")
