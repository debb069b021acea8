"""Which versions a device supports, and which one is "latest" (behaviour.md 3.2, 4)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal, TypeVar

from altsim.core.device import InstalledApp
from altsim.core.model import App, Version
from altsim.core.profiles import LatestRule
from altsim.core.semver import parse_semver
from altsim.core.values import OSVersion, os_version_string

STABLE_TRACK = "stable"  # SideStore's ReleaseTracks.stable (S:AltStoreCore/Model/StoreApp.swift:24)
# `ReleaseTrackType.betaTracks` (SideStore 0.6, ReleaseTrack.swift): `.alpha` and `.nightly`.
# `AppVersion.channel` is `ReleaseTrackType(rawValue: track)`, exact and case-sensitive, so
# any other track string (or none) is `.unknown`/`.stable` and never a beta track.
SIDESTORE_BETA_TRACKS = frozenset({"alpha", "nightly"})
# The Settings menu's order: nightly, the default (UserDefaults+AltStore.swift:98), then alpha
BETA_TRACK_CHOICES = ("nightly", "alpha")
_Track = TypeVar("_Track")
# The field of a version that excludes a device: its minimum or its maximum iOS version
SupportLimit = Literal["minOSVersion", "maxOSVersion"]


def support_limit(version: Version, ios: OSVersion) -> SupportLimit | None:
    """The field that makes `version` unsupported on `ios`, None when it is supported."""
    # behaviour.md 3.2 (AppVersion.swift:159-170): min inclusive; max inclusive of its exact
    # version only
    low, high = version.min_os, version.max_os
    if low is not None and ios < low:
        return "minOSVersion"
    if high is not None and ios > high:
        return "maxOSVersion"
    return None


def is_supported(version: Version, ios: OSVersion) -> bool:
    return support_limit(version, ios) is None


def latest_available(app: App) -> Version | None:
    return app.versions[0] if app.versions else None  # behaviour.md 4: JSON order, no sorting


def latest_supported(app: App, ios: OSVersion, rule: LatestRule = "first-supported"
                     ) -> Version | None:
    """The version the device is offered: the first it supports (behaviour.md 4), or, for
    clients that read no minOSVersion or maxOSVersion, the first (behaviour.md 15.5, 17.3)."""
    if rule == "first":
        return latest_available(app)
    return next((v for v in app.versions if is_supported(v, ios)), None)


def installed_at_latest(apps: Iterable[App], ios: OSVersion,
                        rule: LatestRule = "first-supported") -> dict[str, InstalledApp]:
    """Each app as installed at its latest supported version, by bundle ID: what a user who
    installed everything has once they took every update. The record keeps the source's
    version and build (AltStore/Operations/InstallAppOperation.swift:50-73 at 5a0f2de7).
    Apps no version of which runs on `ios` are left out: nothing of them could be installed."""
    installed = {}
    for app in apps:
        latest = latest_supported(app, ios, rule)
        if latest is not None:
            installed[app.bundle_id] = InstalledApp(app.bundle_id, latest.version,
                                                    latest.build_version)
    return installed


def sidestore_track(
    tracks: Sequence[tuple[str, _Track, list[Version]]], ios: OSVersion, beta_track: str | None,
) -> tuple[str, _Track, list[Version]] | None:
    """The release track whose releases SideStore 0.6 uses, from (name, data, releases) in
    JSON order; None when there is no stable track (the app's `versions` are read instead).

    S:AltStoreCore/Model/StoreApp.swift:129-161 at 239fc7c2: the first track named "stable";
    the user's beta track instead when beta updates are on, both tracks have a supported
    release and the beta's first supported version is SemVer-greater or equal to the stable's.
    """
    def first_named(name: str) -> tuple[str, _Track, list[Version]] | None:
        return next((track for track in tracks if track[0] == name), None)

    stable = first_named(STABLE_TRACK)
    if beta_track is not None and stable is not None:
        beta = first_named(beta_track)
        if beta is not None:
            latest_beta = next((v for v in beta[2] if v and is_supported(v, ios)), None)
            latest_stable = next((v for v in stable[2] if v and is_supported(v, ios)), None)
            if latest_beta is not None and latest_stable is not None:
                beta_semver = parse_semver(latest_beta.version)
                stable_semver = parse_semver(latest_stable.version)
                if beta_semver and stable_semver and beta_semver >= stable_semver:
                    return beta
    return stable


def unsupported_reason(app: App, version: Version, ios: OSVersion) -> str | None:
    """VerificationError.iOSVersionNotSupported's text (behaviour.md 4), or None when supported."""
    low, high = version.min_os, version.max_os
    if low is not None and ios < low:
        return not_supported_text(app.name, ios, low)
    if high is not None and ios > high:
        return not_supported_text(app.name, ios, high)
    return None


def not_supported_text(name: str, ios: OSVersion, required: OSVersion) -> str:
    """VerificationError.iOSVersionNotSupported (VerificationError.swift): "or earlier" when
    the device is above the required version, else "or later"."""
    side = "earlier" if ios > required else "later"
    return (f"This device is running iOS {os_version_string(ios)}, but {name} requires iOS "
            f"{os_version_string(required)} or {side}.")


def matches(installed_version: str, installed_build: str | None, version: str,
            build: str | None) -> bool:
    """Whether an installed app is this version (A:AltStoreCore/Model/InstalledApp.swift:178-182
    `matches`): exact, case-sensitive equality of version and build; an empty build is none."""
    return installed_version == version and (installed_build or None) == (build or None)


def unsupported_update(app: App, installed: InstalledApp, ios: OSVersion) -> str | None:
    """My Apps' "Unsupported Updates" line for an installed app whose versions[0] the device
    cannot run (behaviour.md 4, MyAppsViewController.swift:542-556), or None."""
    first = latest_available(app)
    if first is None or is_supported(first, ios) or matches(
            installed.version, installed.build_version, first.version, first.build_version):
        return None
    low, high = first.min_os, first.max_os
    if low is not None and ios < low:
        limit = f"iOS {os_version_string(low)} or later"
    else:
        assert high is not None
        limit = f"iOS {os_version_string(high)} or earlier"
    return f"{app.name} {first.localized_version} ({limit})"
