"""Why the client decided what it did about one app: the reasons, as data.

Each reason comes from the decision's own code path (`decisions`, `latest`, `update_rules`
report what they compared), names the client's rule by its file and line, and points at the
source fields that decided it. `locate_reasons` adds line:column when the source text is at
hand. Source strings inside a reason are as written: the CLI and the UI escape them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, Literal

from altsim.core import decisions as d
from altsim.core.device import Device, User
from altsim.core.diagnostics import pointer_join
from altsim.core.jsontext import decode_text
from altsim.core.latest import latest_supported, support_limit
from altsim.core.locate import line_columns, locate
from altsim.core.model import App, Source, Version
from altsim.core.profiles import ClientProfile
from altsim.core.values import os_version_string

# What a reason is about: the latest supported version, a version skipped on the way to it,
# the update, whether the app is shown, the button's title, what tapping it does
Topic = Literal["latest", "skipped", "update", "visibility", "button", "install"]

# The clients' rules, by file and line (A: AltStore 2.0rc at 5a0f2de7, A17: AltStore 1.7,
# S: SideStore 0.6 at 239fc7c2), as the comments in decisions.py and latest.py cite them
SUPPORT_RULE = "A:AltStoreCore/Model/AppVersion.swift:159-170"
LATEST_RULE = "A:AltStoreCore/Model/StoreApp.swift:410-411"
TRACK_RULE = "S:AltStoreCore/Model/StoreApp.swift:129-161"
MATCHES_RULE = "A:AltStoreCore/Model/InstalledApp.swift:178-182,331-337"
SEMVER_RULES = {
    "matches": "S:AltStoreCore/Model/InstalledApp.swift:135-141",
    "semver-core": "S:AltStoreCore/Model/InstalledApp.swift:146-165",
    "semver-beta": "S:AltStoreCore/Model/InstalledApp.swift:146-165",
    "semver-precedence": "S:AltStoreCore/Model/InstalledApp.swift:146-165",
}
LOCKED_UPDATE_RULE = "A:AltStoreCore/Model/InstalledApp.swift:206-219,331-337"
VISIBILITY_RULE = "A:AltStoreCore/Model/StoreApp.swift:15-23,520-527"
BETA_VISIBILITY_RULE = "A17:AltStore/Browse/BrowseViewController.swift:170-177"
PLEDGE_MATCH_RULE = "A:AltStore/Operations/FetchSourceOperation.swift:249-304"
BANNER_RULE = "A:AltStore/Components/AppBannerView.swift:236-238,268-274"
PRICE_RULE = "A:AltStore/Components/AppBannerView.swift:170-191,283-310"
COUNTDOWN_RULE = "A:AltStore/Components/AppBannerView.swift:322-329"
DOWNLOAD_RULE = "A:AltStore/Operations/DownloadAppOperation.swift:64-121"
PAGE_UPDATE_RULE = "A:AltStore/App Detail/AppViewController.swift:390-394,540-547"
PLEDGE_TAP_RULE = "A:AltStore/Operations/VerifyAppPledgeOperation.swift:43-146"


@dataclass(frozen=True, slots=True)
class Evidence:
    """One value a decision looked at: a source field (with its pointer) or the user's or
    device's (pointer None)."""

    name: str  # the field's JSON key, or what it is ("installed version", "device iOS")
    value: str | None
    pointer: str | None = None
    line: int | None = None  # 1-based, when the source text was located
    column: int | None = None


@dataclass(frozen=True, slots=True)
class Reason:
    topic: Topic
    outcome: str  # a short code: "excluded", "offered", "not-offered", "hidden", "PLEDGE", …
    rule: str  # the client's file:line
    text: str  # one sentence; source strings in it are as written
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True)
class Explanation:
    bundle_id: str
    name: str
    reasons: tuple[Reason, ...]


def explain_app(app: App, source: Source, user: User, device: Device,
                profile: ClientProfile, *, page: bool = False) -> Explanation:
    """Every reason for one app, user, device and client, in the order the client decides;
    the tap is the banner button's, or with `page` the app page button's."""
    decision = d.decide(app, source, user, device, profile)
    reasons = [_visibility(app, source, user, profile)]
    reasons += _latest(app, device, profile)
    reasons.append(_update(app, source, user, device, profile, decision))
    reasons.append(_button(app, source, user, device, profile))
    if decision.app_page_button != decision.button:
        reasons.append(_page_button(app, user, decision))
    reasons.append(_install(app, source, user, device, profile, decision, page))
    return Explanation(app.bundle_id, app.name, tuple(reasons))


def _field(version: Version, name: str, value: str | None) -> Evidence:
    return Evidence(name, value, pointer_join(version.pointer, name))


def _visibility(app: App, source: Source, user: User, profile: ClientProfile) -> Reason:
    rule = d.visibility(app, source, user, profile)
    shown = "shown" if rule in d.SHOWN else "hidden"
    patreon = app.patreon
    at = pointer_join(pointer_join(app.pointer, "patreon"), "hidden")
    hidden_field = ((Evidence("hidden", "true", at),)
                    if patreon is not None and patreon.hidden else ())
    text = {
        "own-app": f"{profile.title} never lists its own app ({profile.own_bundle_id}).",
        "beta-without-patron": "A beta app is hidden unless the user is a patron "
                               "(AltStore 1.x).",
        "beta-rule-passed": "Shown: not a beta app, or the user is a patron (AltStore 1.x).",
        "not-hidden": "Shown: no Patreon `hidden` flag applies in this client.",
        "pledged": "Shown: `patreon.hidden` is set, and the user's pledge unlocks the app.",
        "hidden-without-pledge": "Hidden: `patreon.hidden` is set and no pledge unlocks the "
                                 f"app: {_pledge_words(app, source, user, profile)}",
    }[rule]
    cited = BETA_VISIBILITY_RULE if rule.startswith("beta") else VISIBILITY_RULE
    evidence = hidden_field + ((Evidence("bundleIdentifier", app.bundle_id,
                                         pointer_join(app.pointer, "bundleIdentifier")),)
                               if rule == "own-app" else ())
    return Reason("visibility", shown, cited, text, evidence)


def _pledge_words(app: App, source: Source, user: User, profile: ClientProfile) -> str:
    state = d.pledge_state(app, source, user, profile)
    return {
        "not-required": "no pledge is needed",
        "no-patron": "no Patreon account is connected",
        "no-patreon-url": "the source has no patreonURL, so no pledge can ever match",
        "amount": "the pledge amount is enough",
        "tier": "the pledge is in one of the app's tiers",
        "benefit": "the pledge has the app's benefit",
        "unmet": "the pledge meets none of the amount, tiers or benefit",
    }[state] + "."


def _pledge_evidence(app: App, source: Source, user: User) -> tuple[Evidence, ...]:
    patreon, patron = app.patreon, user.patron
    if patreon is None:
        return ()
    at = pointer_join(app.pointer, "patreon")
    found = [Evidence("patreonURL", source.patreon_url, "/patreonURL"
                      if source.patreon_url is not None else None)]
    if patreon.pledge is not None:
        found.append(Evidence("pledge", "custom" if patreon.custom_pledge else str(patreon.pledge),
                              pointer_join(at, "pledge")))
    if patreon.tiers:
        found.append(Evidence("tiers", ", ".join(patreon.tiers), pointer_join(at, "tiers")))
    if patreon.benefit is not None:
        found.append(Evidence("benefit", patreon.benefit, pointer_join(at, "benefit")))
    if patron is not None:
        found.append(Evidence("user's pledge", str(patron.amount)))
        if patron.tier_ids:
            found.append(Evidence("user's tiers", ", ".join(sorted(patron.tier_ids))))
        if patron.benefit_ids:
            found.append(Evidence("user's benefits", ", ".join(sorted(patron.benefit_ids))))
    return tuple(found)


def _latest(app: App, device: Device, profile: ClientProfile) -> list[Reason]:
    ios = os_version_string(device.ios)
    reasons: list[Reason] = []
    supported = latest_supported(app, device.ios, profile.latest_rule)
    if profile.latest_rule == "first":  # behaviour.md 15.5, 17.3
        text = (f"{supported.localized_version} is the latest: {profile.brand} offers the first "
                "version, and reads no minOSVersion or maxOSVersion." if supported is not None
                else "The app has no versions.")
        evidence = (_field(supported, "version", supported.version),) if supported else ()
        return [Reason("latest", "found" if supported else "none", LATEST_RULE, text,
                       evidence)]
    for version in app.versions:
        if version is supported:
            break
        limit = support_limit(version, device.ios)
        assert limit is not None  # every version before the first supported one is excluded
        written = version.min_os_version if limit == "minOSVersion" else version.max_os_version
        side = "below" if limit == "minOSVersion" else "above"
        reasons.append(Reason(
            "skipped", "excluded", SUPPORT_RULE,
            f"{version.localized_version}: iOS {ios} is {side} its {limit} {written}.",
            (_field(version, "version", version.version), _field(version, limit, written))))
    track = ((Evidence("track", app.track),) if app.track is not None else ())
    where = (f" of the release channel {app.track!r} ({TRACK_RULE})"
             if app.track is not None else "")
    if supported is None:
        text = (f"No version supports iOS {ios}: none is the latest supported{where}."
                if app.versions else "The app has no versions.")
        reasons.append(Reason("latest", "none", LATEST_RULE, text, track))
        return reasons
    limits = [_field(supported, name, value) for name, value in
              (("minOSVersion", supported.min_os_version),
               ("maxOSVersion", supported.max_os_version)) if value is not None]
    bounds = " and ".join(f"{e.name} {e.value}" for e in limits) or "no minOSVersion or " \
        "maxOSVersion"
    first = "the first version" if supported is app.versions[0] else "the first version in " \
        "JSON order"
    reasons.append(Reason(
        "latest", "found", LATEST_RULE,
        f"{supported.localized_version} is the latest supported on iOS {ios}{where}: "
        f"{first} that the device supports ({bounds}).",
        (_field(supported, "version", supported.version), *limits, *track)))
    return reasons


def _update(app: App, source: Source, user: User, device: Device, profile: ClientProfile,
            decision: d.AppDecision) -> Reason:
    """`decisions._update`'s preconditions in its order, then the comparison it made."""
    installed = user.installed.get(app.bundle_id)
    supported = latest_supported(app, device.ios, profile.latest_rule)
    if installed is None:
        return Reason("update", "not-installed", MATCHES_RULE,
                      "Not installed: no update to offer.")
    mine = [Evidence("installed version", installed.version)]
    if installed.build_version:
        mine.append(Evidence("installed build", installed.build_version))
    if supported is None:
        return Reason("update", "not-offered", MATCHES_RULE,
                      "No update: no version supports this device.", tuple(mine))
    theirs = [_field(supported, "version", supported.version)]
    if supported.build_version:
        theirs.append(_field(supported, "buildVersion", supported.build_version))
    evidence = (*mine, *theirs)
    if d.is_locked(app, source, user, profile):
        return Reason("update", "not-offered", LOCKED_UPDATE_RULE,
                      "No update without an active pledge: "
                      f"{_pledge_words(app, source, user, profile)}", evidence)
    beta = user.beta_track is not None
    comparison = d.update_comparison(installed, supported, profile, beta)
    assert comparison.offered == (decision.update is not None)  # the same code path
    offered = "offered" if comparison.offered else "not-offered"
    mine_text = _version_words(installed.version, installed.build_version)
    theirs_text = _version_words(supported.version, supported.build_version)
    if profile.update_rule == "string":
        verb = "differs from" if comparison.offered else "matches"
        text = (f"{'Update' if comparison.offered else 'No update'}: AltStore compares version "
                f"strings exactly (matches), and the installed {mine_text} {verb} the latest "
                f"supported {theirs_text}.")
        return Reason("update", offered, MATCHES_RULE, text, evidence)
    text = {
        "matches": f"one of {mine_text} and {theirs_text} is not SemVer, so SideStore "
                   "compares the strings exactly (matches), and they "
                   + ("differ" if comparison.offered else "match"),
        "semver-core": f"SemVer core of {theirs_text} is newer than {mine_text}'s",
        "semver-beta": f"beta updates are on and {theirs_text} is on the beta track "
                       f"{supported.channel!r} with the same core but another pre-release or "
                       f"build than {mine_text}",
        "semver-precedence": f"SemVer precedence of {theirs_text} is "
                             + ("higher" if comparison.offered else "not higher")
                             + f" than {mine_text}",
    }[comparison.basis]
    heading = "Update" if comparison.offered else "No update"
    if supported.channel is not None:
        evidence = (*evidence, Evidence("release channel", supported.channel))
    return Reason("update", offered, SEMVER_RULES[comparison.basis], f"{heading}: {text}.",
                  evidence)


def _version_words(version: str, build: str | None) -> str:
    return repr(version) + (f" (build {build!r})" if build else "")


def _button(app: App, source: Source, user: User, device: Device,
            profile: ClientProfile) -> Reason:
    button, basis = d.banner(app, source, user, device, profile)
    patreon_evidence = _pledge_evidence(app, source, user)
    supported = latest_supported(app, device.ios, profile.latest_rule)
    title = button.title
    if basis == "countdown":
        assert supported is not None
        assert button.countdown_to is not None
        return Reason("button", "countdown", COUNTDOWN_RULE,
                      f"{title} (disabled): the latest supported version "
                      f"{supported.localized_version} is dated "
                      f"{button.countdown_to:%Y-%m-%d %H:%M} UTC, after now; the button counts "
                      "down to it.", (_field(supported, "date", supported.date.isoformat()),))
    text, rule = {
        "update": ("UPDATE: installed, and an update is offered (see update).", BANNER_RULE),
        "open": ("OPEN: installed, and no update is offered (see update).", BANNER_RULE),
        "free": ("FREE: no pledge is required in this client.", PRICE_RULE),
        "pledged": ("INSTALL: a pledge is required and the user's unlocks it: "
                    f"{_pledge_words(app, source, user, profile)}", PLEDGE_MATCH_RULE),
        "price": (f"{title}: a pledge is required and missing "
                  f"({_pledge_words(app, source, user, profile)[:-1]}); the app asks for its "
                  f"pledge amount in its currency (iOS {profile.price_from_ios}+).", PRICE_RULE),
        "pledge": ("PLEDGE: a pledge is required and missing "
                   f"({_pledge_words(app, source, user, profile)[:-1]}); "
                   + _no_price(app, device, profile), PRICE_RULE),
    }[basis]
    evidence = patreon_evidence if basis in ("pledged", "price", "pledge") else ()
    return Reason("button", title, rule, text, evidence)


def _page_button(app: App, user: User, decision: d.AppDecision) -> Reason:
    installed, first = user.installed[app.bundle_id], decision.latest
    assert first is not None
    return Reason("button", "UPDATE (app page)", PAGE_UPDATE_RULE,
                  "The app page says UPDATE whenever the installed "
                  f"{_version_words(installed.version, installed.build_version)} is not "
                  f"versions[0] {_version_words(first.version, first.build_version)}, "
                  "supported or not.", (_field(first, "version", first.version),))


def _no_price(app: App, device: Device, profile: ClientProfile) -> str:
    patreon = app.patreon
    if patreon is None or patreon.pledge is None:
        return "no pledge amount to show."
    if patreon.custom_pledge:
        return "the pledge is \"custom\", so no price is shown."
    if patreon.currency is None:
        return "no currency to show a price in."
    return (f"prices show only from iOS {profile.price_from_ios} (the device has "
            f"{os_version_string(device.ios)}).")


def _install(app: App, source: Source, user: User, device: Device, profile: ClientProfile,
             decision: d.AppDecision, page: bool) -> Reason:
    attempt = decision.app_page_install if page else decision.install
    version = attempt.version
    evidence = ((_field(version, "version", version.version),) if version is not None else ())
    if attempt.outcome == "install":
        return Reason("install", "install", DOWNLOAD_RULE,
                      f"Tapping installs {version.localized_version if version else '?'}.",
                      evidence)
    if attempt.outcome == "offer":
        first = app.versions[0]
        limit = support_limit(first, device.ios)
        written = first.min_os_version if limit == "minOSVersion" else first.max_os_version
        return Reason("install", "offer", DOWNLOAD_RULE,
                      f"Unsupported iOS Version: versions[0] "
                      f"{first.localized_version} has {limit} {written}; the alert offers "
                      f"{version.localized_version if version else '?'} instead.",
                      (_field(first, str(limit), written), *evidence))
    if not (decision.app_page_button if page else decision.button).enabled:
        rule = COUNTDOWN_RULE
    elif d.is_locked(app, source, user, profile):
        rule = PLEDGE_TAP_RULE
    else:
        rule = DOWNLOAD_RULE
    return Reason("install", "fail", rule, f"Tapping fails: {attempt.message}", evidence)


def locate_reasons(explanations: Iterable[Explanation], text: str
                   ) -> list[Explanation]:
    """The explanations with line:column for every pointer found in the source text (one
    pass over the text for all of them)."""
    explanations = list(explanations)
    wanted = {e.pointer for x in explanations for r in x.reasons for e in r.evidence
              if e.pointer is not None}
    if not wanted:
        return explanations
    offsets = locate(text, wanted, strict=False)  # JSON5 is a superset: one reader for both
    positions = line_columns(text, offsets.values())

    def placed(evidence: Evidence) -> Evidence:
        if evidence.pointer is None or evidence.pointer not in offsets:
            return evidence
        line, column = positions[offsets[evidence.pointer]]
        return replace(evidence, line=line, column=column)

    return [replace(x, reasons=tuple(replace(r, evidence=tuple(placed(e) for e in r.evidence))
                                     for r in x.reasons)) for x in explanations]


def located(explanations: Iterable[Explanation], raw: bytes | None) -> list[Explanation]:
    """`locate_reasons` in the source's bytes, decoded as the client decodes them; without
    them (or undecodable), the explanations as they are."""
    text = decode_text(raw) if raw is not None else None
    if not isinstance(text, str):
        return list(explanations)
    return locate_reasons(explanations, text)


def explanation_json(explanation: Explanation) -> list[dict[str, Any]]:
    """The reasons as JSON data (preview's `reasons`, matrix's per cell)."""
    return [{"topic": r.topic, "outcome": r.outcome, "rule": r.rule, "text": r.text,
             "evidence": [{"name": e.name, "value": e.value, "pointer": e.pointer,
                           "line": e.line, "column": e.column} for e in r.evidence]}
            for r in explanation.reasons]


def reason_lines(reason: Reason) -> list[str]:
    """A reason as plain lines (unescaped: the caller shows them literally): the sentence
    and rule, then each piece of evidence with its pointer and line:column."""
    lines = [f"{reason.topic}: {reason.text} [{reason.rule}]"]
    for evidence in reason.evidence:
        where = ""
        if evidence.pointer is not None:
            place = (f" line {evidence.line}:{evidence.column}"
                     if evidence.line is not None else "")
            where = f" at {evidence.pointer}{place}"
        value = "(none)" if evidence.value is None else evidence.value
        lines.append(f"  {evidence.name} {value}{where}")
    return lines
