"""`altsim install|update|remove BUNDLE_ID` and `altsim installed`: the simulated user's apps."""

from __future__ import annotations

import argparse
from typing import Any, TypedDict

from altsim.cli import output
from altsim.cli.options import HelpWithExamples
from altsim.cli.simulated import add_format_argument, emit, fail, open_simulator
from altsim.core.safe_text import printable

_VERBS: tuple[tuple[str, str, tuple[str, ...]], ...] = (  # verb, help, examples
    ("install", "tap an app's button: install it",
     ("altsim install com.rileytestut.Delta", "altsim install com.rileytestut.Delta --yes")),
    ("update", "install the update the client offers",
     ("altsim update com.rileytestut.Delta",)),
    ("remove", "remove an installed app", ("altsim remove com.rileytestut.Delta",)),
)


def add_parsers(commands: Any) -> None:
    for name, text, examples in _VERBS:
        parser = commands.add_parser(
            name, help=text, description=text,
            epilog=("examples:" if len(examples) > 1 else "example:")
            + "".join(f"\n  {example}" for example in examples),
            formatter_class=HelpWithExamples)
        parser.add_argument("bundle_id", metavar="BUNDLE_ID")
        if name == "install":
            parser.add_argument("--yes", action="store_true",
                                help="accept the client's offer of the last compatible version")
        parser.set_defaults(run=run, verb=name)
    installed = commands.add_parser(
        "installed", help="the simulated installed apps",
        description="The simulated installed apps: each one's version, the build recorded "
        "from its source, and the source it came from.",
        epilog="examples:\n"
        "  altsim installed\n"
        "  altsim installed --format json",
        formatter_class=HelpWithExamples)
    add_format_argument(installed)
    installed.set_defaults(run=run_installed)


def run(args: argparse.Namespace) -> int:
    from altsim.sim.simulator import FlowError

    sim = open_simulator()
    try:
        if args.verb == "remove":
            record = sim.uninstall(args.bundle_id)
            output.line(f"Removed {record.bundle_id} {printable(record.version)}.")
            return 0
        done = (sim.install(args.bundle_id, accept_offer=args.yes) if args.verb == "install"
                else sim.update(args.bundle_id))
    except FlowError as error:
        return fail(error)
    attempt = done.attempt
    if done.record is not None:
        build = f" ({done.record.build_version})" if done.record.build_version else ""
        output.line(f"Installed {done.record.bundle_id} {printable(done.record.version)}{build}.")
        return 0
    if attempt.outcome == "offer":
        output.line(f"{attempt.title}\n{printable(attempt.message or '')}\n"
                    f"[{printable(attempt.action or '')}]: run again with --yes to accept.")
    else:
        output.line(printable(attempt.message or "not installed"))
    return 1


class _Row(TypedDict):
    """One installed app, as `--format json` prints it."""

    bundleIdentifier: str
    version: str
    buildVersion: str | None
    source: str | None  # None once the store link is lost


def run_installed(args: argparse.Namespace) -> int:
    user_state = open_simulator().user_state()
    rows: list[_Row] = [{"bundleIdentifier": r.bundle_id, "version": r.version,
                         "buildVersion": r.build_version, "source": r.source_identifier}
                        for r in user_state.installed.values()]
    text = "".join(f"{r['bundleIdentifier']}  {printable(r['version'])}"
                   + (f" ({printable(r['buildVersion'])})" if r["buildVersion"] else "")
                   + f"  from {r['source'] or '(no store link)'}\n" for r in rows)
    emit(rows, text or "No apps installed.\n", args)
    return 0
