"""`altsim settings` and `altsim client`: the simulator's own switches, and the client it
simulates (kept with them in the user state's settings)."""

from __future__ import annotations

import argparse
from typing import Any

from altsim.cli import output
from altsim.cli.options import HelpWithExamples
from altsim.cli.simulated import open_simulator
from altsim.core.profiles import PROFILES


def add_parsers(commands: Any) -> None:
    settings = commands.add_parser(
        "settings", help="the simulator's own switches",
        description="Show the simulator's own switches, after changing what the options say.",
        epilog="examples:\n"
        "  altsim settings --build-bug off --interval 15\n"
        "  altsim settings --dark-mode on",
        formatter_class=HelpWithExamples)
    settings.add_argument("--build-bug", choices=("on", "off"),
                          help="reproduce the shipped client's re-notification of pending "
                          "updates that have a build (on by default)")
    settings.add_argument("--dark-mode", choices=("on", "off"),
                          help="the device's appearance: tints are adjusted for it")
    settings.add_argument("--interval", metavar="MINUTES",
                          help="the background refresh interval (default 60)")
    settings.set_defaults(run=run_settings)

    client = commands.add_parser(
        "client", help="show or choose the simulated client",
        description="Show the simulated client, after choosing NAME if given.",
        epilog="examples:\n"
        "  altsim client\n"
        "  altsim client sidestore",
        formatter_class=HelpWithExamples)
    client.add_argument("name", nargs="?", choices=sorted(PROFILES))
    client.set_defaults(run=run_client)


def run_client(args: argparse.Namespace) -> int:
    from altsim.cli.device import apply_or_refuse
    from altsim.state.changes import UserStateChange

    sim = open_simulator()
    apply_or_refuse(sim, UserStateChange(client=args.name))
    name = sim.user_state().settings.client
    output.line(f"{name}: {PROFILES[name].title if name in PROFILES else 'unknown'}")
    return 0


def run_settings(args: argparse.Namespace) -> int:
    from altsim.cli.device import apply_or_refuse
    from altsim.state.changes import UserStateChange

    def switch(value: str | None) -> bool | None:
        return None if value is None else value == "on"

    sim = open_simulator()
    apply_or_refuse(sim, UserStateChange(build_bug=switch(args.build_bug),
                                dark_mode=switch(args.dark_mode), interval=args.interval))
    settings = sim.user_state().settings
    output.line(f"build bug: {'on' if settings.renotify_build_bug else 'off'}; dark mode: "
                f"{'on' if settings.dark_mode else 'off'}; background interval: "
                f"{settings.background_interval_minutes} min")
    return 0
