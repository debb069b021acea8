"""The client's decisions about one app: which version, whether an update, what the button does.

Each function is one rule of the client, pure, and cites the spec section it follows. What differs
between clients comes from the profile (update rule, Patreon gating, price, badge).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, NamedTuple

from altsim.core.device import Device, InstalledApp, User
from altsim.core.formatting import countdown_title, pledge_price
from altsim.core.latest import (
    SIDESTORE_BETA_TRACKS,
    latest_available,
    latest_supported,
    matches,
    unsupported_reason,
)
from altsim.core.model import App, Source, Version
from altsim.core.profiles import ClientProfile
from altsim.core.update_rules import UpdateComparison, compare_for_update
from altsim.core.values import OSVersion

# -- Patreon (behaviour.md 8) and visibility (behaviour.md 10.1)
# --------------------------------------------------------

def pledge_required(app: App, profile: ClientProfile) -> bool:
    return profile.patreon_gating == "app" and app.patreon is not None  # behaviour.md 8.1, 11


# What `is_pledged` found: not a Patreon app here, no patron, no patreonURL to match with, the
# condition that unlocked (the amount, a tier, the benefit), or none met
PledgeState = Literal["not-required", "no-patron", "no-patreon-url", "amount", "tier", "benefit",
                      "unmet"]
UNLOCKED: frozenset[PledgeState] = frozenset({"amount", "tier", "benefit"})


def pledge_state(app: App, source: Source, user: User, profile: ClientProfile) -> PledgeState:
    """behaviour.md 8.2 (FetchSourceOperation.swift:249-304): matched at fetch only with the
    source's patreonURL; any condition unlocks, tried in this order."""
    patreon, patron = app.patreon, user.patron
    if not pledge_required(app, profile) or patreon is None:
        return "not-required"
    if patron is None:
        return "no-patron"
    if source.patreon_url is None:
        return "no-patreon-url"
    if patreon.pledge is not None and patron.amount >= patreon.pledge:
        return "amount"
    if not patron.tier_ids.isdisjoint(patreon.tiers):
        return "tier"
    if patreon.benefit is not None and patreon.benefit in patron.benefit_ids:
        return "benefit"
    return "unmet"


def is_pledged(app: App, source: Source, user: User, profile: ClientProfile) -> bool:
    return pledge_state(app, source, user, profile) in UNLOCKED


def pledge_label(app: App, source: Source, user: User, profile: ClientProfile) -> str | None:
    # behaviour.md 8.3 (AppBannerView.swift:170-191)
    if not pledge_required(app, profile):
        return None
    if is_pledged(app, source, user, profile):
        return "Pledged"
    return "Pledge Expired" if app.bundle_id in user.installed else "Join Patreon"


# Why an app is shown or hidden: the client's own app, 1.x's beta rule, no `hidden` Patreon
# gating, or the pledge that `hidden` needs
Visibility = Literal["own-app", "beta-without-patron", "beta-rule-passed", "not-hidden",
                     "pledged", "hidden-without-pledge"]
SHOWN: frozenset[Visibility] = frozenset({"beta-rule-passed", "not-hidden", "pledged"})


def visibility(app: App, source: Source, user: User, profile: ClientProfile) -> Visibility:
    # behaviour.md 10.1 (StoreApp.swift:15-23,520-527); 1.x hid beta apps from non-patrons
    # (behaviour.md 8.4)
    if app.bundle_id == profile.own_bundle_id:
        return "own-app"
    if profile.patreon_gating == "beta":
        return "beta-without-patron" if app.beta and user.patron is None else "beta-rule-passed"
    if app.patreon is None or not pledge_required(app, profile) or not app.patreon.hidden:
        return "not-hidden"
    return "pledged" if is_pledged(app, source, user, profile) else "hidden-without-pledge"


def is_visible(app: App, source: Source, user: User, profile: ClientProfile) -> bool:
    return visibility(app, source, user, profile) in SHOWN


def shows_beta_badge(app: App, profile: ClientProfile, ios: OSVersion) -> bool:
    """AltStore badges any `beta` app (AppBannerView.swift:145-157 at 5a0f2de7); SideStore 0.6
    an app whose latest supported version is on a beta track (S:AppBannerView.swift:144-149
    at 239fc7c2); SideStore 0.5 a `beta` app of single-version keys; Feather and Ksign an app
    whose bundle ID ends with "Beta", whatever `beta` says (behaviour.md 15.3)."""
    if profile.beta_badge == "channel":
        latest = latest_supported(app, ios, profile.latest_rule)
        return latest is not None and latest.channel in SIDESTORE_BETA_TRACKS
    if profile.beta_badge == "bundle-id":
        return app.bundle_id.endswith("Beta")
    return app.beta and (profile.beta_badge == "beta" or app.uses_legacy_keys)


# -- one app, every decision (behaviour.md 4, 5, 7, 8.3)
# -------------------------------------------------

# The decisions are NamedTuples, immutable and made for every app a page shows: a frozen
# dataclass sets each field through object.__setattr__, four times the cost.
class Button(NamedTuple):
    title: str
    enabled: bool = True
    countdown_to: datetime | None = None  # a disabled button counting down to this release


# What tapping the button does: installs, or an alert proposes another version, or fails.
InstallOutcome = Literal["install", "offer", "fail"]


class InstallAttempt(NamedTuple):
    outcome: InstallOutcome
    version: Version | None = None  # what gets (or would get) installed
    title: str | None = None  # the client's alert title
    message: str | None = None  # the client's alert or error text
    action: str | None = None  # the alert's button, for "offer"


class AppDecision(NamedTuple):
    """What the client decides about one app for one user and device."""

    latest: Version | None  # versions[0] (behaviour.md 4)
    latest_supported: Version | None  # the first supported version (behaviour.md 4)
    update: Version | None  # the update offered, if any (behaviour.md 5)
    button: Button  # in Browse, on the source page and News banners
    app_page_button: Button
    install: InstallAttempt  # tapping `button`: the update, or a fresh install
    app_page_install: InstallAttempt  # tapping `app_page_button`


def decide(app: App, source: Source, user: User, device: Device,
           profile: ClientProfile) -> AppDecision:
    installed = user.installed.get(app.bundle_id)
    first = latest_available(app)
    supported = latest_supported(app, device.ios, profile.latest_rule)
    locked = _locked(app, source, user, profile)
    update = _update(installed, supported, locked, profile, user.beta_track is not None)
    button, _ = _banner(app, source, user, device, profile, installed, supported, update, locked)
    # behaviour.md 4 (AppViewController.swift:390-394,540-547): 2.0rc's app page says UPDATE
    # whenever the installed app differs from versions[0], supported or not (a client with no
    # update detection never does)
    page_update = (profile.update_rule != "none" and installed is not None and first is not None
                   and not matches(installed.version, installed.build_version, first.version,
                                   first.build_version))
    page_button = Button("UPDATE") if page_update else button
    install = _tap(app, device, profile, button, update, locked)
    if page_update and button.title != "UPDATE":
        page_install = _download(app, device, profile, installed)  # versions[0], or the alert
    else:
        page_install = install
    return AppDecision(first, supported, update, button, page_button, install, page_install)


def available_update(app: App, source: Source, user: User, device: Device,
                     profile: ClientProfile) -> Version | None:
    """Only the update (My Apps, notifications): no button or install attempt to work out."""
    return _update(user.installed.get(app.bundle_id),
                   latest_supported(app, device.ios, profile.latest_rule),
                   _locked(app, source, user, profile), profile, user.beta_track is not None)


def is_locked(app: App, source: Source, user: User, profile: ClientProfile) -> bool:
    """A pledge is required and missing: no update, the button asks for the pledge."""
    return _locked(app, source, user, profile)


def _locked(app: App, source: Source, user: User, profile: ClientProfile) -> bool:
    return pledge_required(app, profile) and not is_pledged(app, source, user, profile)


def _update(installed: InstalledApp | None, supported: Version | None, locked: bool,
            profile: ClientProfile, beta_updates: bool) -> Version | None:
    # behaviour.md 5 (InstalledApp.swift:331-337): the latest *supported* version, never without
    # the pledge
    if installed is None or supported is None or locked:
        return None
    return supported if update_comparison(installed, supported, profile, beta_updates).offered \
        else None


def update_comparison(installed: InstalledApp, supported: Version, profile: ClientProfile,
                      beta_updates: bool) -> UpdateComparison:
    """The comparison `_update` makes once its preconditions hold, and the rule that decided."""
    return compare_for_update(profile.update_rule, installed.version, installed.build_version,
                              supported.version, supported.build_version, beta_updates,
                              supported.channel)


# What decided the button's title: installed (UPDATE or OPEN), free, pledged (INSTALL), the
# pledge price, PLEDGE, or a countdown to the release
ButtonBasis = Literal["update", "open", "free", "pledged", "price", "pledge", "countdown"]


def banner(app: App, source: Source, user: User, device: Device, profile: ClientProfile
           ) -> tuple[Button, ButtonBasis]:
    """The button in Browse and on banners, and what decided its title (as `decide` does)."""
    installed = user.installed.get(app.bundle_id)
    supported = latest_supported(app, device.ios, profile.latest_rule)
    locked = _locked(app, source, user, profile)
    update = _update(installed, supported, locked, profile, user.beta_track is not None)
    return _banner(app, source, user, device, profile, installed, supported, update, locked)


def _banner(app: App, source: Source, user: User, device: Device, profile: ClientProfile,
            installed: InstalledApp | None, supported: Version | None, update: Version | None,
            locked: bool) -> tuple[Button, ButtonBasis]:
    """AppBannerView.swift:236-329 (behaviour.md 7, 8.3)."""
    if installed is not None:  # behaviour.md 7: no date check
        return (Button("UPDATE"), "update") if update is not None else (Button("OPEN"), "open")
    basis: ButtonBasis
    if not pledge_required(app, profile):
        title, basis = "FREE", "free"
    elif not locked:
        title, basis = "INSTALL", "pledged"
    else:
        price = _price(app, device, profile)
        title, basis = (price, "price") if price else ("PLEDGE", "pledge")
    # behaviour.md 7: not yet released
    if "countdown" in profile.shows and supported is not None and supported.date > device.now:
        countdown = countdown_title(device.now, supported.date, device.time_zone)
        return (Button(countdown or title, enabled=False, countdown_to=supported.date),
                "countdown")
    return Button(title), basis


def _price(app: App, device: Device, profile: ClientProfile) -> str | None:
    # behaviour.md 8.3: a pledge amount with a currency, not custom, from iOS 15
    patreon = app.patreon
    if (patreon is None or patreon.pledge is None or patreon.currency is None
            or patreon.custom_pledge or device.ios < (profile.price_from_ios, 0, 0)):
        return None
    return pledge_price(patreon.pledge, patreon.currency, device.locale)


def _tap(app: App, device: Device, profile: ClientProfile, button: Button,
         update: Version | None, locked: bool) -> InstallAttempt:
    if button.title == "UPDATE":
        return InstallAttempt("install", update)
    if not button.enabled:
        when = f"{button.countdown_to:%Y-%m-%d %H:%M} UTC" if button.countdown_to else "later"
        return InstallAttempt("fail", message=f"The button is disabled until the release "
                              f"({when}): nothing can be installed before it.")
    if locked:
        # behaviour.md 8.3 (VerifyAppPledgeOperation.swift:43-146): the join page opens, the
        # re-check fails
        return InstallAttempt("fail", message=f"{app.name} requires an active pledge in order "
                              "to be installed.")
    return _download(app, device, profile, None)


def _download(app: App, device: Device, profile: ClientProfile,
              installed: InstalledApp | None) -> InstallAttempt:
    """DownloadAppOperation (behaviour.md 4): versions[0], else an offer of the last compatible
    version; a client that reads no OS bounds downloads versions[0] (behaviour.md 15.5, 17.3)."""
    first = latest_available(app)
    if first is None:
        return InstallAttempt("fail", message=f"{app.name} has no version to install.")
    reason = None if profile.latest_rule == "first" else unsupported_reason(app, first,
                                                                             device.ios)
    if reason is None:
        return InstallAttempt("install", first)
    # behaviour.md 4 (DownloadAppOperation.swift:64-121): the last compatible version, unless
    # installed
    fallback = latest_supported(app, device.ios)
    if fallback is not None and (installed is None or not matches(
            installed.version, installed.build_version, fallback.version,
            fallback.build_version)):
        return InstallAttempt(
            "offer", fallback, "Unsupported iOS Version",
            f"{reason}\n\nWould you like to download the last version compatible with this "
            "device instead?", f"Download {app.name} {fallback.localized_version}")
    return InstallAttempt("fail", message=reason)
