"""The altsim command line: `altsim check` and, later, the other QA tools."""

from __future__ import annotations

import argparse
import sys

from altsim import __version__
from altsim.cli import check
from altsim.cli.errors import UsageError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="altsim",
        description="See an AltStore source the way the AltStore and SideStore clients do.",
    )
    parser.add_argument("--version", action="version", version=f"altsim {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    check.add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return int(args.run(args))
    except UsageError as error:
        parser.exit(2, f"altsim {args.command}: {error}\n")
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (| head): nothing more to say
        return 1
