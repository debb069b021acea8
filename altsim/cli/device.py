"""`altsim device` and `altsim patron`: the simulated device and its user's Patreon account."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from altsim.cli import output
from altsim.cli.errors import UsageError
from altsim.cli.options import HelpWithExamples
from altsim.cli.simulated import changing, open_simulator

if TYPE_CHECKING:
    from altsim.sim.simulator import Simulator
    from altsim.state.changes import UserStateChange


def add_parsers(commands: Any) -> None:
    device = commands.add_parser(
        "device", help="show or change the simulated device",
        description="Show the simulated device (iOS version, family, locale, time zone, "
        "clock), after changing what the options say.",
        epilog="examples:\n"
        "  altsim device\n"
        "  altsim device --ios 16.4 --device ipad\n"
        "  altsim device --tz Europe/Berlin --now 2024-06-01T12:00\n"
        "  altsim device --clock-offset 48",
        formatter_class=HelpWithExamples)
    device.add_argument("--ios", metavar="X.Y[.Z]")
    device.add_argument("--device", choices=("iphone", "ipad"))
    device.add_argument("--locale")
    device.add_argument("--tz", metavar="ZONE")
    clock = device.add_mutually_exclusive_group()
    clock.add_argument("--now", metavar="ISO8601|real", help="fix the clock, or 'real'")
    clock.add_argument("--clock-offset", metavar="HOURS",
                       help="run the clock HOURS ahead of real time (negative: behind)")
    device.set_defaults(run=run_device)

    patron = commands.add_parser(
        "patron", help="the simulated Patreon account",
        description="Show the simulated user's Patreon account, after changing what the "
        "options say.",
        epilog="examples:\n"
        "  altsim patron --pledge 5 --tier 123\n"
        "  altsim patron --none",
        formatter_class=HelpWithExamples)
    patron.add_argument("--pledge", metavar="AMOUNT")
    patron.add_argument("--tier", action="append", default=[], metavar="ID")
    patron.add_argument("--benefit", action="append", default=[], metavar="ID")
    patron.add_argument("--none", action="store_true", help="disconnect the account")
    patron.set_defaults(run=run_patron)


def run_device(args: argparse.Namespace) -> int:
    from altsim.state.changes import ClockMode, UserStateChange

    clock: tuple[ClockMode, str] | None = None
    if args.now is not None:
        clock = ("live", "") if args.now == "real" else ("fixed", args.now)
    elif args.clock_offset is not None:
        clock = ("offset", args.clock_offset)
    sim = open_simulator()
    apply_or_refuse(sim, UserStateChange(ios=args.ios, family=args.device, locale=args.locale,
                                time_zone=args.tz, clock=clock))
    user_state = sim.user_state()
    now = sim.device(user_state).now
    output.line(f"iOS {user_state.device_settings.ios} ({user_state.device_settings.family}), "
                f"{user_state.device_settings.locale}, {user_state.device_settings.time_zone}, "
                f"now {now.isoformat()}")
    return 0


def run_patron(args: argparse.Namespace) -> int:
    from altsim.state.changes import NO_ACCOUNT, PatreonChange, UserStateChange

    change = None
    if args.none:
        change = NO_ACCOUNT
    elif args.pledge is not None or args.tier or args.benefit:
        change = PatreonChange(args.pledge or "0", frozenset(args.tier), frozenset(args.benefit))
    sim = open_simulator()
    apply_or_refuse(sim, UserStateChange(patreon=change))
    account = sim.user_state().patreon
    output.line("No Patreon account." if account is None else
                f"Active patron: {account.amount} a month, tiers {sorted(account.tiers) or '-'}, "
                f"benefits {sorted(account.benefits) or '-'}")
    return 0


def apply_or_refuse(sim: Simulator, change: UserStateChange) -> None:
    """The change through the check the Simulator tab's form uses too; nothing is written when
    it has nothing to change or a value is refused."""
    from altsim.state.changes import InvalidChange, apply_change

    if change.empty:
        return
    with changing(sim) as user_state:
        try:
            apply_change(user_state, change)
        except InvalidChange as error:
            raise UsageError(error.for_option()) from None
