"""Whether the client offers an update: AltStore's and SideStore's version comparisons.

Only the comparison; the preconditions (installed, a latest supported version, the pledge) are
the caller's (decisions.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from altsim.core.latest import SIDESTORE_BETA_TRACKS, matches
from altsim.core.profiles import UpdateRule
from altsim.core.semver import SemanticVersion, parse_semver

# What decided: AltStore's `matches` (also SideStore's when a string is not SemVer), a newer
# SemVer core, SideStore's beta-track rule, or plain SemVer precedence.
UpdateBasis = Literal["matches", "semver-core", "semver-beta", "semver-precedence", "none"]


@dataclass(frozen=True, slots=True)
class UpdateComparison:
    """An update decision and the rule that made it."""

    offered: bool
    basis: UpdateBasis


def update_offered(
    rule: UpdateRule,
    installed_version: str,
    installed_build: str | None,
    latest_version: str,
    latest_build: str | None,
    beta_updates: bool = False,
    latest_track: str | None = None,
) -> bool:
    """Whether the latest supported version is offered over the installed one
    (`compare_for_update`'s answer)."""
    return compare_for_update(rule, installed_version, installed_build, latest_version,
                              latest_build, beta_updates, latest_track).offered


def compare_for_update(
    rule: UpdateRule,
    installed_version: str,
    installed_build: str | None,
    latest_version: str,
    latest_build: str | None,
    beta_updates: bool = False,
    latest_track: str | None = None,
) -> UpdateComparison:
    """Whether the latest supported version is offered over the installed one, and why.

    "string", AltStore (A:AltStoreCore/Model/InstalledApp.swift:331-337): whenever it does not
    match the installed version, so downgrades and build-only changes count. "semver",
    SideStore 0.6: see `_sidestore_offers`. `beta_updates` and `latest_track` matter only there.
    "none": clients that never compare an installed app with the source (Feather, Ksign and
    LiveContainer have no update detection, behaviour.md 15.5, 17.3).
    """
    if rule == "none":
        return UpdateComparison(False, "none")
    if rule == "semver":
        return _sidestore_offers(installed_version, installed_build, latest_version,
                                 latest_build, beta_updates, latest_track)
    return UpdateComparison(
        not matches(installed_version, installed_build, latest_version, latest_build), "matches")


def _sidestore_offers(
    installed_version: str,
    installed_build: str | None,
    latest_version: str,
    latest_build: str | None,
    beta_updates: bool,
    latest_track: str | None,
) -> UpdateComparison:
    """SideStore 0.6 (S:AltStoreCore/Model/InstalledApp.swift:119-165).

    `installed_build` / `latest_build` (the source's `buildVersion`) matter only when a version
    string is not SemVer; the SemVer path looks at the `+build` metadata inside the string.
    """
    current = parse_semver(installed_version)
    latest = parse_semver(latest_version)
    # S InstalledApp.swift:135-141: either string not SemVer ⇒ AltStore's `!matches`.
    if current is None or latest is None:
        return UpdateComparison(
            not matches(installed_version, installed_build, latest_version, latest_build),
            "matches")
    # S InstalledApp.swift:146-165 from here on. Swift re-parses "major.minor.patch", which
    # always succeeds and drops pre-release and build; a newer core is an update.
    current_core = SemanticVersion(current.major, current.minor, current.patch)
    latest_core = SemanticVersion(latest.major, latest.minor, latest.patch)
    if latest_core > current_core:
        return UpdateComparison(True, "semver-core")
    # Beta updates on and the latest version on a beta track,
    # same core ⇒ any difference in pre-release or build metadata is an update — even towards a
    # lower precedence (1.2.0 → 1.2.0-alpha.1) or an older build (1.2.0+5 → 1.2.0+4).
    if (
        beta_updates
        and latest_track in SIDESTORE_BETA_TRACKS
        and latest_core == current_core
        and (latest.build != current.build or latest.pre_release != current.pre_release)
    ):
        return UpdateComparison(True, "semver-beta")
    # Otherwise plain SemVer precedence (stable above its pre-releases,
    # build metadata ignored; SV SemanticVersion.swift:52-68).
    return UpdateComparison(latest > current, "semver-precedence")
