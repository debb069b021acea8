"""The simulated device and its user: what the client's decisions depend on besides the source."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from altsim.core.values import OSVersion

FAMILIES = ("iphone", "ipad")
# The last release of each major from iOS 12, as known when this was written (later patch
# releases may exist): `altsim matrix`'s default columns.
LAST_RELEASES: tuple[OSVersion, ...] = (
    (12, 5, 7), (13, 7, 0), (14, 8, 1), (15, 8, 4), (16, 7, 11), (17, 7, 2), (18, 6, 2),
    (26, 1, 0),
)


@dataclass(frozen=True, slots=True)
class Device:
    """The simulated device: its iOS version, clock, family, locale and time zone."""

    ios: OSVersion  # as the client parses it (behaviour.md 3.2)
    now: datetime  # aware; the simulated clock
    family: str = "iphone"  # "iphone" | "ipad"
    locale: str = "en_US"  # Apple-style locale identifier
    # IANA name: calendar days and relative dates use it (behaviour.md 3.1, 7)
    time_zone: str = "UTC"


@dataclass(frozen=True, slots=True)
class InstalledApp:
    """An installed app as the client records it (behaviour.md 5.1, InstalledApp.swift:119-127)."""

    bundle_id: str
    version: str  # the IPA's CFBundleShortVersionString
    build_version: str | None = None  # the *source's* buildVersion of what was installed


@dataclass(frozen=True, slots=True)
class Patron:
    """An active patron (behaviour.md 8.2): one pledge, counted in the campaign's currency."""

    amount: Decimal = Decimal(0)
    tier_ids: frozenset[str] = frozenset()
    benefit_ids: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class User:
    """The simulated user: the apps installed, the Patreon account, the client's settings."""

    installed: dict[str, InstalledApp] = field(default_factory=dict)  # by bundle ID
    patron: Patron | None = None  # None: no Patreon account connected
    # SideStore 0.6's "beta updates" setting: the beta track chosen ("nightly", its default, or
    # "alpha"), None while the switch is off (S:AltStoreCore/Extensions/
    # UserDefaults+AltStore.swift:36,60,98 at 239fc7c2)
    beta_track: str | None = None
