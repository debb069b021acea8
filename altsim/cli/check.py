"""`altsim check`: would the client accept these sources, and what is wrong with them?"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from altsim.cli.errors import UsageError
from altsim.cli.report import render_github, render_json, render_text
from altsim.core.check import CheckResult, check_source
from altsim.core.diagnostics import Diagnostic, Severity
from altsim.core.profiles import DEFAULT_PROFILE, PROFILES
from altsim.core.values import parse_device_version

DEFAULT_IOS = "17.0"
MAX_FILE_BYTES = 64 * 1024 * 1024


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
    parser.add_argument("--client", default=DEFAULT_PROFILE.name, choices=sorted(PROFILES),
                        help=f"the client to simulate (default: {DEFAULT_PROFILE.name})")
    parser.add_argument("--ios", default=DEFAULT_IOS, metavar="X.Y[.Z]",
                        help=f"the device's iOS version (default: {DEFAULT_IOS})")
    parser.add_argument("--format", default="text", choices=("text", "json", "github"),
                        help="text for people, json for tools, github for workflow annotations")
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 on warnings too")
    parser.add_argument("--date-prefix", default="truncate", choices=("truncate", "reject"),
                        help="how a date with extra text after YYYY-MM-DD is read: as midnight "
                        "UTC of that day (default) or as an error; the device behaviour is "
                        "unverified (spec §3.1)")
    parser.set_defaults(run=run, hard_exit=True)


def read_input(name: str) -> bytes:
    if name.startswith(("http://", "https://")):
        from altsim.net.fetch import FetchError, fetch_source  # httpx only when needed

        try:
            return fetch_source(name).body
        except FetchError as error:
            raise OSError(str(error)) from None
    path = Path(name)
    if path.is_dir():
        raise OSError(f"{name}: is a directory")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise OSError(f"{name}: larger than {MAX_FILE_BYTES // 2**20} MB")
    return path.read_bytes()


def run(args: argparse.Namespace) -> int:
    ios = parse_device_version(args.ios)
    if ios is None:
        raise UsageError(f"--ios {args.ios!r}: expected a version like 17.0 or 16.4.1")
    profile = PROFILES[args.client]
    # A short-lived process building one large acyclic tree: cyclic GC would only cost time.
    gc.disable()
    outcomes = []
    for name in args.sources:
        try:
            raw = read_input(name)
        except OSError as error:
            reason = error.strerror and f"{name}: {error.strerror}" or str(error)
            print(f"altsim check: cannot read {reason}", file=sys.stderr)
            outcomes.append(Outcome(name, error=reason))
            continue
        result = check_source(raw, profile, ios, date_prefix_parse=args.date_prefix == "truncate")
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
