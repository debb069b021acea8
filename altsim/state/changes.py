"""A change to the simulated device, clock, client, settings or Patreon account, as the user
typed it, and the one function that checks it and writes it into a `UserState`.

The Simulator tab's form and the CLI's `device`, `settings`, `client` and `patron` commands
both describe what the user asked as a `UserStateChange` (text as typed; None: leave it as it
is) and call `apply_change`, so they accept and refuse the same values with the same reasons.
Every field is checked before anything is written: a refused change raises `InvalidChange`
and leaves the user state as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Literal

from altsim.core.device import FAMILIES
from altsim.core.latest import SIDESTORE_BETA_TRACKS
from altsim.core.values import parse_device_version
from altsim.state.user_state import (
    Clock,
    PatreonAccount,
    UserState,
    background_interval,
    clock_offset,
    fixed_clock,
)

ChangeField = Literal["ios", "family", "locale", "time_zone", "offset", "fixed", "client",
                      "interval", "beta_track", "pledge"]
ClockMode = Literal["live", "offset", "fixed"]
CLOCK_MODES: tuple[ClockMode, ...] = ("live", "offset", "fixed")

# How each field is named to the user: on the form, and as the CLI's option
FIELD_LABELS: dict[ChangeField, str] = {
    "ios": "iOS version", "family": "device", "locale": "locale", "time_zone": "time zone",
    "offset": "clock offset", "fixed": "fixed time", "client": "client",
    "interval": "interval", "beta_track": "beta track", "pledge": "pledge"}
CLI_OPTIONS: dict[ChangeField, str] = {
    "ios": "--ios", "family": "--device", "locale": "--locale", "time_zone": "--tz",
    "offset": "--clock-offset", "fixed": "--now", "client": "client", "interval": "--interval",
    "beta_track": "--beta-track", "pledge": "--pledge"}


class InvalidChange(ValueError):
    """A value the user state cannot take: which field, what was typed, and why."""

    def __init__(self, field: ChangeField, value: str, reason: str) -> None:
        super().__init__(f"{FIELD_LABELS[field]}: {reason}")
        self.field, self.value, self.reason = field, value, reason

    def for_option(self) -> str:
        """The CLI's wording: the option and the value typed."""
        return f"{CLI_OPTIONS[self.field]} {self.value!r}: {self.reason}"


@dataclass(frozen=True, slots=True)
class PatreonChange:
    """The account as typed: no pledge and no tiers or benefits is no account."""

    pledge: str = ""
    tiers: frozenset[str] = frozenset()
    benefits: frozenset[str] = frozenset()


NO_ACCOUNT = PatreonChange()


@dataclass(frozen=True, slots=True)
class UserStateChange:
    """What to change, as typed; None leaves a value as it is."""

    ios: str | None = None
    family: str | None = None
    locale: str | None = None
    time_zone: str | None = None
    clock: tuple[ClockMode, str] | None = None  # ("live", ""), ("offset", hours), ("fixed", ISO)
    client: str | None = None
    interval: str | None = None
    build_bug: bool | None = None
    dark_mode: bool | None = None
    beta_track: str | None = None  # "" turns SideStore's beta updates off
    patreon: PatreonChange | None = None

    @property
    def empty(self) -> bool:
        return self == UserStateChange()


def clock_mode(clock: Clock) -> ClockMode:
    if isinstance(clock, datetime):
        return "fixed"
    return "live" if clock is None else "offset"


def _reason(error: ValueError) -> str:
    """The reason in a user-state helper's message, without the name it starts with."""
    _name, _, reason = str(error).partition(": ")
    return reason or str(error)


def apply_change(user_state: UserState, change: UserStateChange) -> None:
    """Check every field of `change`, then write them into `user_state`; InvalidChange names
    the first field it cannot take, and then nothing is written."""
    from altsim.core.formatting import parse_locale, zone  # Babel: only when a change is made
    from altsim.core.profiles import PROFILES

    device, settings = user_state.device_settings, user_state.settings
    ios = device.ios
    if change.ios is not None:
        parsed = parse_device_version(change.ios.strip())
        if parsed is None:
            raise InvalidChange("ios", change.ios, "expected a version like 17.0 or 16.4.1")
        ios = ".".join(map(str, parsed))
    if change.family is not None and change.family not in FAMILIES:
        raise InvalidChange("family", change.family, f"one of {', '.join(FAMILIES)}")
    if change.locale is not None:
        _check("locale", change.locale, parse_locale)
    if change.time_zone is not None:
        _check("time_zone", change.time_zone, zone)
    time_zone = device.time_zone if change.time_zone is None else change.time_zone.strip()
    clock = device.clock
    if change.clock is not None:
        clock = _clock(*change.clock, time_zone=time_zone)
    if change.client is not None and change.client not in PROFILES:
        raise InvalidChange("client", change.client, f"one of {', '.join(sorted(PROFILES))}")
    interval = settings.background_interval_minutes
    if change.interval is not None:
        try:
            minutes = int(change.interval.strip())
        except ValueError:
            raise InvalidChange("interval", change.interval, "a whole number of minutes") \
                from None
        try:
            interval = background_interval(minutes)
        except ValueError as error:
            raise InvalidChange("interval", change.interval, _reason(error)) from None
    if change.beta_track and change.beta_track not in SIDESTORE_BETA_TRACKS:
        raise InvalidChange("beta_track", change.beta_track,
                            f"off or one of {', '.join(sorted(SIDESTORE_BETA_TRACKS))}")
    patreon = user_state.patreon
    if change.patreon is not None:
        patreon = _account(change.patreon)

    device.ios, device.clock = ios, clock
    if change.family is not None:
        device.family = change.family
    if change.locale is not None:
        device.locale = change.locale.strip()
    device.time_zone = time_zone
    if change.client is not None:
        settings.client = change.client
    settings.background_interval_minutes = interval
    if change.build_bug is not None:
        settings.renotify_build_bug = change.build_bug
    if change.dark_mode is not None:
        settings.dark_mode = change.dark_mode
    if change.beta_track is not None:
        settings.beta_track = change.beta_track or None
    user_state.patreon = patreon


def _check(field: ChangeField, text: str, check: Callable[[str], object]) -> None:
    try:
        check(text.strip())
    except ValueError as error:
        raise InvalidChange(field, text, str(error)) from None


def _clock(mode: ClockMode, text: str, *, time_zone: str) -> Clock:
    from altsim.core.formatting import zone

    text = text.strip()
    if mode == "live":
        return None
    if mode == "offset":
        try:
            hours = float(text or 0)
        except ValueError:
            raise InvalidChange("offset", text, "hours, like 48 or -3") from None
        try:
            return clock_offset(hours * 3600)
        except ValueError as error:
            raise InvalidChange("offset", text, _reason(error)) from None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidChange("fixed", text, "expected ISO 8601, e.g. 2024-06-01T12:00:00Z") \
            from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone(time_zone))
    try:
        return fixed_clock(moment)
    except ValueError as error:
        raise InvalidChange("fixed", text, _reason(error)) from None


def _account(change: PatreonChange) -> PatreonAccount | None:
    text = change.pledge.strip()
    if not text and not change.tiers and not change.benefits:
        return None
    try:
        amount = Decimal(text or 0)
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite() or amount < 0:
        raise InvalidChange("pledge", change.pledge, "expected an amount like 5 or 4.50")
    return PatreonAccount(amount, change.tiers, change.benefits)
