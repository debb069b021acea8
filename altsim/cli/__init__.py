"""The altsim command line: the QA tools, the commands that change the simulated user's state, and
without a command, the terminal UI."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from altsim import __version__
from altsim.cli import (
    apps,
    check,
    device,
    diff,
    hard_exit,
    matrix,
    output,
    permissions,
    preview,
    refresh,
    schema,
    settings,
    sources,
    verify,
)
from altsim.cli.errors import UsageError
from altsim.cli.options import HelpWithExamples

if TYPE_CHECKING:
    from _typeshed import SupportsWrite


class _Parser(argparse.ArgumentParser):
    """argparse, writing its help and its errors through the one writer: an error quotes the
    argument given, which can be a string copied from a source (a bundle ID, a version)."""

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        if message:
            (output.write if file is sys.stdout else output.error_text)(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="altsim",
        description="See an AltStore source the way the AltStore and SideStore clients do. "
        "Without a command, opens the simulated store in the terminal.",
        epilog="examples:\n"
        "  altsim\n"
        "  altsim check apps.json\n"
        "  altsim sources add apps.altstore.io",
        formatter_class=HelpWithExamples,
    )
    parser.add_argument("--version", action="version", version=f"altsim {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    check.add_parser(commands)
    preview.add_parser(commands)
    matrix.add_parser(commands)
    diff.add_parser(commands)
    verify.add_parser(commands)
    permissions.add_parser(commands)
    schema.add_parser(commands)
    sources.add_parser(commands)
    refresh.add_parser(commands)
    apps.add_parsers(commands)
    device.add_parsers(commands)
    settings.add_parsers(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:  # the terminal UI on the simulated user's saved state
        from altsim.cli.simulated import open_simulator
        from altsim.ui.app import AltsimApp

        AltsimApp(open_simulator()).run()
        return 0
    try:
        status = int(args.run(args))
    except UsageError as error:
        parser.exit(2, f"altsim {args.command}: {error}\n")
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (| head): nothing more to say
        return 1
    if getattr(args, "hard_exit", False):
        hard_exit.exit_now(status)  # what the command built is not freed (cli/hard_exit.py)
    return status
