"""Command-line options the tools share: the client, the simulated device and its user, and
the limits on what a fetch may cost."""

from __future__ import annotations

import argparse
import dataclasses
import math
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from altsim.cli.errors import UsageError
from altsim.cli.help_format import HelpWithExamples as HelpWithExamples  # the commands' formatter
from altsim.core.device import FAMILIES, Device, InstalledApp, Patron, User
from altsim.core.latest import BETA_TRACK_CHOICES
from altsim.core.profiles import DEFAULT_PROFILE, PROFILES, ClientProfile
from altsim.core.safe_text import printable
from altsim.core.values import OSVersion, parse_device_version
from altsim.net.limits import FetchLimits, size_limit

DEFAULT_IOS = "17.0"
CLIENT_NAMES = ", ".join(PROFILES)


class ClientOption(argparse.Action):
    """``--client``, given at most once (a second one is a usage error, never "the last one
    wins"): one client name, or with ``several`` a comma list of names or ``all`` (every
    profile, in PROFILES order). Stores a tuple of profile names; the user's order, each once.
    A usage error is one line on stderr and exit status 2, as ``UsageError`` gives in main()."""

    def __init__(self, option_strings: list[str], dest: str, *, several: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(option_strings, dest, **kwargs)
        self.several = several

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        given = f"_{self.dest}_given"
        if getattr(namespace, given, False):
            hint = ("use a comma list, --client altstore,sidestore" if self.several
                    else "this command simulates one client")
            parser.exit(2, f"{parser.prog}: --client given twice: {hint}\n")
        setattr(namespace, given, True)
        try:
            setattr(namespace, self.dest, client_names(str(values), several=self.several))
        except UsageError as error:
            parser.exit(2, f"{parser.prog}: {error}\n")


def client_names(text: str, *, several: bool) -> tuple[str, ...]:
    """The profile names ``--client TEXT`` asks for."""
    names = [part.strip() for part in text.split(",")]
    if several and names == ["all"]:
        return tuple(PROFILES)
    shown = printable(repr(text), keep_newlines=False)
    if not several and (len(names) > 1 or text == "all"):
        raise UsageError(f"--client {shown}: this command simulates one client; choose one of "
                         f"{CLIENT_NAMES}")
    choices = f"{CLIENT_NAMES}, a comma list of them, or all" if several else CLIENT_NAMES
    for name in names:
        if name not in PROFILES:
            if len(names) == 1:
                what = "unknown client"
            elif name:
                what = f"unknown client {printable(repr(name), keep_newlines=False)}"
            else:
                what = "an empty name in the list"
            raise UsageError(f"--client {shown}: {what}; choose from {choices}")
    return tuple(dict.fromkeys(names))


def add_client_argument(parser: argparse.ArgumentParser, *, several: bool = False) -> None:
    """``--client NAME`` (``args.clients``, a tuple of one name; ``profile_from``), or with
    ``several`` ``--client NAME[,NAME…]|all`` (``profiles_from``)."""
    if several:
        metavar, what = "NAME[,NAME…]|all", "the clients to simulate, a comma list or all"
    else:
        metavar, what = "NAME", "the client to simulate"
    parser.add_argument("--client", dest="clients", action=ClientOption, several=several,
                        default=(DEFAULT_PROFILE.name,), metavar=metavar,
                        help=f"{what}: {CLIENT_NAMES} (default: {DEFAULT_PROFILE.name})")


def add_ios_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--ios", default=DEFAULT_IOS, metavar="X.Y[.Z]",
                        help=f"the device's iOS version (default: {DEFAULT_IOS})")


def add_date_prefix_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--date-prefix", default="truncate", choices=("truncate", "reject"),
                        help="how a date with extra text after YYYY-MM-DD is read: as midnight "
                        "UTC of that day (default) or as an error; the device behaviour is "
                        "unverified")


def date_prefix_parse(args: argparse.Namespace) -> bool:
    return bool(args.date_prefix == "truncate")


def add_device_arguments(parser: argparse.ArgumentParser, *, ios: bool = True) -> None:
    if ios:
        add_ios_argument(parser)
    parser.add_argument("--device", default="iphone", choices=FAMILIES,
                        help="the device family (default: iphone)")
    parser.add_argument("--locale", default="en_US", metavar="LOCALE",
                        help="the device locale, e.g. en_US, de_DE, ja_JP (default: en_US)")
    parser.add_argument("--tz", default="UTC", metavar="ZONE",
                        help="the device time zone, e.g. Europe/Berlin (default: UTC)")
    parser.add_argument("--now", metavar="ISO8601",
                        help="the simulated current time (default: now); without an offset it is "
                        "read in --tz")


def add_user_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--installed", action="append", default=[], metavar="ID=VERSION",
                        help="an installed app and its version (repeatable); diff without "
                        "it: every app of OLD at its latest supported version")
    parser.add_argument("--installed-build", action="append", default=[], metavar="ID=BUILD",
                        help="the source build recorded for an installed app (repeatable)")
    parser.add_argument("--pledge", metavar="AMOUNT",
                        help="an active Patreon pledge of AMOUNT in each campaign's currency")
    parser.add_argument("--tier", action="append", default=[], metavar="ID",
                        help="a Patreon tier ID the pledge is in (repeatable)")
    parser.add_argument("--benefit", action="append", default=[], metavar="ID",
                        help="a Patreon benefit ID of the pledge's tiers (repeatable)")
    parser.add_argument("--beta-track", choices=BETA_TRACK_CHOICES,
                        help="SideStore 0.6: beta updates on, from this release channel "
                        "(default: off; other clients have no such setting)")


def add_fetch_limit_arguments(parser: argparse.ArgumentParser, defaults: FetchLimits,
                              what: str) -> None:
    """The limits on each fetch (``fetch_limits_from``): the same four options wherever
    altsim fetches, with the command's own defaults in its --help. ``what`` names one
    fetch: "download", "source"."""
    group = parser.add_argument_group(
        "fetch limits", f"Each {what} stops, with a one-line reason naming its URL and what was "
        "slow, when it breaks one of these.")
    group.add_argument("--connect-timeout", type=_seconds, metavar="SECONDS",
                       help=f"longest wait to connect, TLS included (default: "
                       f"{defaults.connect_timeout:g})")
    group.add_argument("--stall-timeout", type=_seconds, metavar="SECONDS",
                       help="longest wait for the response headers, or for the body to make "
                       "progress: less than 1 KiB in that time, a drip, counts as none "
                       f"(default: {defaults.read_timeout:g})")
    group.add_argument("--max-time", type=_seconds, metavar="SECONDS",
                       help=f"the whole {what}, redirects and body included, even while data "
                       f"keeps coming (default: {defaults.budget:g})")
    group.add_argument("--max-size", type=_byte_count, metavar="SIZE",
                       help="largest body after decompression, in bytes or with K, M or G "
                       f"(KiB, MiB, GiB) (default: {size_limit(defaults.max_bytes)}); given, "
                       "it caps a local file too, which otherwise only memory limits")


def fetch_limits_from(args: argparse.Namespace, defaults: FetchLimits) -> FetchLimits:
    """``defaults`` with what --connect-timeout, --stall-timeout, --max-time and --max-size
    changed."""
    given = {"connect_timeout": args.connect_timeout, "read_timeout": args.stall_timeout,
             "budget": args.max_time, "max_bytes": args.max_size,
             "max_file_bytes": args.max_size}
    return dataclasses.replace(defaults, **{k: v for k, v in given.items() if v is not None})


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        raise argparse.ArgumentTypeError(f"expected a number of seconds above 0, not {text!r}")
    return seconds


_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


def _byte_count(text: str) -> int:
    number = text.strip().upper().removesuffix("B").removesuffix("I")
    unit = number[-1:] if number[-1:] in ("K", "M", "G") else ""
    digits = number.removesuffix(unit).strip()
    if not digits.isdecimal() or int(digits) == 0:
        raise argparse.ArgumentTypeError(f"expected a size above 0 like 500000, 64M or 2G, not "
                                         f"{text!r}")
    return int(digits) * _UNITS[unit]


def profile_from(args: argparse.Namespace) -> ClientProfile:
    """The one client of a command that simulates one (``--client NAME``)."""
    (name,) = args.clients
    return PROFILES[name]


def profiles_from(args: argparse.Namespace) -> list[ClientProfile]:
    """The clients ``--client NAME[,NAME…]|all`` asks for, in its order."""
    return [PROFILES[name] for name in args.clients]


def ios_from(text: str) -> OSVersion:
    ios = parse_device_version(text)
    if ios is None:
        raise UsageError(f"--ios {text!r}: expected a version like 17.0 or 16.4.1")
    return ios


def device_from(args: argparse.Namespace, ios: OSVersion) -> Device:
    from altsim.core.formatting import parse_locale, zone  # Babel: not for `check`

    try:
        device_zone = zone(args.tz)
        parse_locale(args.locale)
    except ValueError as error:
        raise UsageError(str(error)) from None
    if args.now is None:
        now = datetime.now(UTC)
    else:
        try:
            now = datetime.fromisoformat(args.now)
        except ValueError:
            raise UsageError(f"--now {args.now!r}: expected ISO 8601, e.g. "
                             "2024-06-01T12:00:00Z") from None
        if now.tzinfo is None:
            now = now.replace(tzinfo=device_zone)
        try:
            now = now.astimezone(UTC)
        except OverflowError:  # 0001-01-01 east of UTC, 9999-12-31 west of it
            raise UsageError(f"--now {args.now!r}: out of the range of dates") from None
    return Device(ios, now.astimezone(UTC), args.device, args.locale, args.tz)


def _pairs(values: list[str], option: str) -> dict[str, str]:
    pairs = {}
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep or not key or not rest:
            raise UsageError(f"{option} {value!r}: expected BUNDLE_ID=VALUE")
        pairs[key] = rest
    return pairs


def user_from(args: argparse.Namespace) -> User:
    versions = _pairs(args.installed, "--installed")
    builds = _pairs(args.installed_build, "--installed-build")
    if unknown := builds.keys() - versions.keys():
        raise UsageError(f"--installed-build for {', '.join(sorted(unknown))} needs "
                         "--installed with its version")
    installed = {bundle: InstalledApp(bundle, version, builds.get(bundle) or None)
                 for bundle, version in versions.items()}
    return User(installed, patron_from(args), args.beta_track)


def patron_from(args: argparse.Namespace) -> Patron | None:
    """The active patron that --pledge/--tier/--benefit describe; None without any of them."""
    if args.pledge is None and not args.tier and not args.benefit:
        return None
    try:
        amount = Decimal(args.pledge or 0)
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite() or amount < 0:
        raise UsageError(f"--pledge {args.pledge!r}: expected an amount like 5 or 4.50")
    return Patron(amount, frozenset(args.tier), frozenset(args.benefit))


def describe_device(device: Device) -> dict[str, Any]:
    return {"ios": ".".join(map(str, device.ios)), "family": device.family,
            "locale": device.locale, "timeZone": device.time_zone,
            "now": device.now.isoformat().replace("+00:00", "Z")}


def add_app_arguments(parser: argparse.ArgumentParser, *, explain: bool = True) -> None:
    """``--app BUNDLE_ID`` (repeatable; ``args.apps``, checked by ``check_apps``) and, with
    ``explain``, ``--explain`` (``args.explain``): why each decision, rule and field."""
    parser.add_argument("--app", dest="apps", action="append", default=[], metavar="BUNDLE_ID",
                        help="only this app (repeatable); a bundle ID no SOURCE has is a usage "
                        "error")
    if explain:
        parser.add_argument("--explain", action="store_true",
                            help="say why: the field that decided the latest supported version "
                            "(with its JSON pointer and line:column), the versions skipped, the "
                            "update comparison, visibility, the button; each naming the "
                            "client's rule by file and line")


def check_apps(requested: list[str], known: set[str], where: str) -> frozenset[str] | None:
    """The bundle IDs ``--app`` asks for, None without it; a usage error for one that no
    decoded source has (``known``; not checked when nothing could be decoded)."""
    if not requested:
        return None
    if known:
        for bundle_id in requested:
            if bundle_id not in known:
                shown = printable(repr(bundle_id), keep_newlines=False)
                raise UsageError(f"--app {shown}: no app with this bundle ID in {where}")
    return frozenset(requested)
