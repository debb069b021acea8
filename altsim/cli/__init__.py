"""The altsim command line: the QA tools, the commands that change the simulated user's state, and
without a command, the terminal UI.

Start-up is part of the interface (`altsim check` runs in CI on every push): importing this
package loads no command. `main` imports only the module of the command named, and builds the
parser of every command only when it has to (help, an unknown command, an option first)."""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from altsim import __version__
from altsim.cli import output
from altsim.cli.errors import UsageError
from altsim.cli.help_format import HelpWithExamples

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

# Each command, with the module (altsim.cli.<module>) whose add_parser or add_parsers defines
# it, in the order `altsim --help` lists them (tests/test_startup.py checks this table against
# the parser every module builds).
COMMAND_MODULES: dict[str, str] = {
    "check": "check", "preview": "preview", "matrix": "matrix", "diff": "diff",
    "verify": "verify", "permissions": "permissions", "schema": "schema", "sources": "sources",
    "refresh": "refresh", "install": "apps", "update": "apps", "remove": "apps",
    "installed": "apps", "device": "device", "patron": "device", "settings": "settings",
    "client": "settings",
}


class _Parser(argparse.ArgumentParser):
    """argparse, writing its help and its errors through the one writer: an error quotes the
    argument given, which can be a string copied from a source (a bundle ID, a version)."""

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        if message:
            (output.write if file is sys.stdout else output.error_text)(message)


def build_parser(modules: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser of every command; with ``modules``, of only the commands those modules of
    COMMAND_MODULES define (each one's parser is the same either way)."""
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
    for name in dict.fromkeys(COMMAND_MODULES.values() if modules is None else modules):
        module = importlib.import_module(f"altsim.cli.{name}")
        add = getattr(module, "add_parsers", None) or module.add_parser
        add(commands)
    return parser


def _modules_for(argv: Sequence[str]) -> list[str] | None:
    """The command modules a parse of ``argv`` needs: none without arguments (the terminal
    UI) or with --version first (argparse answers it as soon as it reads it; "--vers" too),
    the command's own when the first word names one, else (help, an unknown command) every
    one, so that the top-level help lists them all."""
    if not argv or (len(argv[0]) > 2 and "--version".startswith(argv[0])):
        return []
    module = COMMAND_MODULES.get(argv[0])
    return None if module is None else [module]


def main(argv: list[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else argv
    # Loading a command builds tens of thousands of objects (modules, classes, tables) and no
    # garbage: the cycle collector would only walk them, and the first collection after
    # loading costs 2 ms. A QA command that ends the process as soon as its output is written
    # (`hard_exit`) keeps it off for its short life; every other command runs with it on.
    collecting = gc.isenabled()
    gc.disable()
    try:
        parser = build_parser(_modules_for(words))
        args = parser.parse_args(words)
    except BaseException:  # a usage error, --help, --version: SystemExit
        if collecting:
            gc.enable()
        raise
    if collecting and not getattr(args, "hard_exit", False):
        gc.enable()
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
        from altsim.cli import hard_exit

        hard_exit.exit_now(status)  # what the command built is not freed (cli/hard_exit.py)
    return status
