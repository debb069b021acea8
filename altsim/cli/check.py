"""`altsim check`: would the client accept these sources, and what is wrong with them?"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from dataclasses import dataclass
from typing import Any

from altsim.cli.inputs import InputError, read_source
from altsim.cli.options import (
    add_client_argument,
    add_date_prefix_argument,
    add_ios_argument,
    date_prefix_parse,
    ios_from,
    profile_from,
)
from altsim.cli.report import render_github, render_json, render_text
from altsim.core.check import CheckResult, check_source
from altsim.core.diagnostics import Diagnostic, Severity


@dataclass(slots=True)
class Outcome:
    """One SOURCE argument: its check, or why it could not be read."""

    input: str
    result: CheckResult | None = None
    error: str | None = None


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "check",
        help="decide whether a client accepts sources, and list every problem",
        description="Decode each SOURCE exactly as the chosen client does and report its verdict "
        "(with the client's own error text) and every problem in the file, with line and column. "
        "Exit status: 0 all accepted, 1 a source is rejected (or has warnings with --strict), "
        "2 a source cannot be read or the arguments are wrong.",
    )
    parser.add_argument("sources", nargs="+", metavar="SOURCE",
                        help="a source file, or an http(s) URL")
    add_client_argument(parser)
    add_ios_argument(parser)
    parser.add_argument("--format", default="text", choices=("text", "json", "github"),
                        help="text for people, json for tools, github for workflow annotations")
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 on warnings too")
    add_date_prefix_argument(parser)
    parser.set_defaults(run=run, hard_exit=True)


def run(args: argparse.Namespace) -> int:
    ios = ios_from(args.ios)
    profile = profile_from(args)
    # A short-lived process building one large acyclic tree: cyclic GC would only cost time.
    gc.disable()
    outcomes = []
    for name in args.sources:
        try:
            raw = read_source(name)
        except InputError as error:
            print(f"altsim check: cannot read {error}", file=sys.stderr)
            outcomes.append(Outcome(name, error=str(error)))
            continue
        result = check_source(raw, profile, ios, date_prefix_parse=date_prefix_parse(args))
        outcomes.append(Outcome(name, result))

    if args.format == "json":
        output = render_json(outcomes, profile, ios)
    elif args.format == "github":
        output = render_github(outcomes)
    else:
        colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        output = render_text(outcomes, profile, ios, colour=colour)
    sys.stdout.write(output)
    return exit_status(outcomes, args.strict)


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
