"""`altsim device` and `altsim patron`: the simulated device and its user's Patreon account."""

from __future__ import annotations

import argparse
from typing import Any

from altsim.cli import options, output
from altsim.cli.errors import UsageError
from altsim.cli.options import HelpWithExamples
from altsim.cli.simulated import changing, open_simulator


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
    clock.add_argument("--clock-offset", type=float, metavar="HOURS",
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
    from datetime import datetime

    from altsim.core.formatting import parse_locale, zone
    from altsim.state import clock_offset, fixed_clock

    sim = open_simulator()
    with changing(sim) as user_state:
        device = user_state.device_settings
        if args.ios is not None:
            device.ios = ".".join(map(str, options.ios_from(args.ios)))
        if args.device is not None:
            device.family = args.device
        try:
            if args.locale is not None:
                parse_locale(args.locale)
                device.locale = args.locale
            if args.tz is not None:
                zone(args.tz)
                device.time_zone = args.tz
            if args.now == "real":
                device.clock = None
            elif args.now is not None:
                moment = datetime.fromisoformat(args.now)
                if moment.tzinfo is None:
                    moment = moment.replace(tzinfo=zone(device.time_zone))
                device.clock = fixed_clock(moment)
            if args.clock_offset is not None:
                device.clock = clock_offset(args.clock_offset * 3600)
        except ValueError as error:
            raise UsageError(str(error)) from None
    user_state = sim.user_state()
    now = sim.device(user_state).now
    output.line(f"iOS {user_state.device_settings.ios} ({user_state.device_settings.family}), "
                f"{user_state.device_settings.locale}, {user_state.device_settings.time_zone}, "
                f"now {now.isoformat()}")
    return 0


def run_patron(args: argparse.Namespace) -> int:
    from altsim.state import PatreonAccount

    sim = open_simulator()
    with changing(sim) as user_state:
        if args.none:
            user_state.patreon = None
        elif args.pledge is not None or args.tier or args.benefit:
            patron = options.patron_from(args)
            assert patron is not None
            user_state.patreon = PatreonAccount(patron.amount, patron.tier_ids, patron.benefit_ids)
        account = user_state.patreon
    output.line("No Patreon account." if account is None else
                f"Active patron: {account.amount} a month, tiers {sorted(account.tiers) or '-'}, "
                f"benefits {sorted(account.benefits) or '-'}")
    return 0
