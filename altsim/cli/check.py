"""`altsim check`: would each client accept these sources, and what is wrong with them?"""

from __future__ import annotations

import argparse
import gc
from dataclasses import dataclass
from typing import Any

from altsim.cli import output as cli_output
from altsim.cli.inputs import SOURCE_LIMITS, InputError, read_source
from altsim.cli.options import (
    HelpWithExamples,
    add_client_argument,
    add_date_prefix_argument,
    add_fetch_limit_arguments,
    add_ios_argument,
    date_prefix_parse,
    fetch_limits_from,
    ios_from,
    profiles_from,
)
from altsim.cli.report import render_github, render_json, render_summary, render_text
from altsim.core.check import CheckResult, check_source
from altsim.core.diagnostics import Diagnostic, Severity
from altsim.core.profiles import ClientProfile
from altsim.core.values import OSVersion
from altsim.net.limits import FetchLimits


@dataclass(slots=True)
class Outcome:
    """One SOURCE argument as one client sees it: its check, or why it could not be read."""

    input: str
    profile: ClientProfile
    result: CheckResult | None = None
    error: str | None = None


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "check",
        help="decide whether clients accept sources, and list every problem",
        description="Decode each SOURCE exactly as each chosen client does and report its "
        "verdict (with the client's own error text) and every problem in the file, with line and "
        "column; with several clients, a summary table follows. An HTTP status other than 2xx is "
        "a warning: the client decodes the body anyway. Exit status: 0 all accepted by every "
        "client, 1 a source is rejected by one (or has warnings with --strict), 2 a source "
        "cannot be read or the arguments are wrong.",
        epilog="examples:\n"
        "  altsim check apps.json\n"
        "  altsim check --client all --format json https://example.com/apps.json\n"
        "  altsim check --client altstore,sidestore --strict --format github sources/*.json",
        formatter_class=HelpWithExamples,
    )
    parser.add_argument("sources", nargs="+", metavar="SOURCE",
                        help="a source file, or an http(s) URL")
    add_client_argument(parser, several=True)
    add_ios_argument(parser)
    parser.add_argument("--format", default="text", choices=("text", "json", "github"),
                        help="text for people, json for tools, github for workflow annotations")
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 on warnings too")
    add_date_prefix_argument(parser)
    add_fetch_limit_arguments(parser, SOURCE_LIMITS, "SOURCE fetch")
    parser.set_defaults(run=run, hard_exit=True)


def run(args: argparse.Namespace) -> int:
    ios = ios_from(args.ios)
    profiles = profiles_from(args)
    # A short-lived process building one large acyclic tree: cyclic GC would only cost time.
    gc.disable()
    limits = fetch_limits_from(args, SOURCE_LIMITS)
    by_input = [check_input(name, profiles, ios, date_prefix_parse(args), limits)
                for name in args.sources]
    # Each client's results together, clients in the order asked, inputs in theirs.
    outcomes = [row[column] for column in range(len(profiles)) for row in by_input]

    if args.format == "json":
        output = render_json(outcomes, profiles, ios)
    elif args.format == "github":
        output = render_github(outcomes, several_clients=len(profiles) > 1)
    else:
        colour = cli_output.colour()
        output = render_text(outcomes, ios, colour=colour)
        if len(profiles) > 1:
            output += "\n" + render_summary(outcomes, profiles, ios, colour=colour)
    cli_output.write(output)
    return exit_status(outcomes, args.strict)


def check_input(name: str, profiles: list[ClientProfile], ios: OSVersion,
                date_prefix_parse: bool, limits: FetchLimits) -> list[Outcome]:
    """One SOURCE, read (or fetched) once and checked by each client in turn."""
    try:
        source = read_source(name, limits)
    except InputError as error:
        cli_output.error(f"altsim check: cannot read {error}")
        return [Outcome(name, profile, error=str(error)) for profile in profiles]
    outcomes = []
    for profile in profiles:
        result = check_source(source.body, profile, ios, date_prefix_parse=date_prefix_parse)
        if (status := source.status_diagnostic()) is not None:
            result.diagnostics.insert(0, status)  # no line: it sorts first, as it happened first
        if len(profiles) > 1:
            result.source = None  # only the verdict and diagnostics are shown: one model at a time
        outcomes.append(Outcome(name, profile, result))
    return outcomes


def exit_status(outcomes: list[Outcome], strict: bool) -> int:
    if any(o.result is None for o in outcomes):
        return 2
    for outcome in outcomes:
        assert outcome.result is not None
        if not outcome.result.accepted:
            return 1
        if strict and _has(outcome.result.diagnostics, Severity.WARNING):
            return 1
    return 0


def _has(diagnostics: list[Diagnostic], severity: Severity) -> bool:
    return any(d.severity is severity for d in diagnostics)
