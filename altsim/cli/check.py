"""`altsim check`: would each client accept these sources, and what is wrong with them?"""

from __future__ import annotations

import argparse
import gc
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from altsim.cli import hard_exit
from altsim.cli import output as cli_output
from altsim.cli.errors import UsageError
from altsim.cli.inputs import SOURCE_LIMITS, InputError, read_source
from altsim.cli.noise import Noise, add_noise_arguments, noise_for, silence
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
from altsim.core.client_differences import differences
from altsim.core.diagnostics import Diagnostic, Severity
from altsim.core.model import Source
from altsim.core.profiles import DEFAULT_PROFILE, ClientProfile
from altsim.core.safe_text import printable
from altsim.core.values import OSVersion
from altsim.net.limits import FetchLimits


@dataclass(slots=True)
class Outcome:
    """One SOURCE argument as one client sees it: its check, or why it could not be read."""

    input: str
    profile: ClientProfile
    result: CheckResult | None = None
    error: str | None = None
    silenced: int = 0  # findings left out of the report (see cli/noise.py)
    # how this client shows the source differently from AltStore (with several clients asked)
    differences: list[str] = field(default_factory=list)


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "check",
        help="decide whether clients accept sources, and list every problem",
        description="Decode each SOURCE exactly as each chosen client does and report its "
        "verdict (with the client's own error text) and every problem in the file, with line and "
        "column; with several clients, a summary table follows. An HTTP status other than 2xx is "
        "a warning: the client decodes the body anyway. Exit status: 0 all accepted by every "
        "client, 1 a source is rejected by one (or has warnings with --strict), 2 a source "
        "cannot be read or the arguments are wrong. With --watch, a new report for each file "
        "saved, until Ctrl-C; the exit status is then the last one's, over every SOURCE.",
        epilog="examples:\n"
        "  altsim check apps.json\n"
        "  altsim check --watch apps.json   # a new report at each save; Ctrl-C ends it\n"
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
                        help="exit 1 on warnings too (those reported: silenced ones do not "
                        "count)")
    parser.add_argument("--watch", action="store_true",
                        help="after the report, watch each SOURCE (local files only) and print "
                        "a new report for a file each time it is saved, until Ctrl-C; the exit "
                        "status is then the one the last reports give, over every SOURCE")
    add_date_prefix_argument(parser)
    add_fetch_limit_arguments(parser, SOURCE_LIMITS, "SOURCE fetch")
    add_noise_arguments(parser)
    parser.set_defaults(run=run, hard_exit=True)


def run(args: argparse.Namespace) -> int:
    ios = ios_from(args.ios)
    profiles = profiles_from(args)
    if args.watch and (url := next((s for s in args.sources
                                    if s.startswith(("http://", "https://"))), None)):
        raise UsageError(f"--watch watches local files only, not {printable(url)}")
    if args.watch and (missing := next((s for s in args.sources
                                        if not Path(s).resolve().parent.is_dir()), None)):
        raise UsageError(f"--watch: no directory to watch for {printable(missing)}")
    # A short-lived process building one large acyclic tree: cyclic GC would only cost time.
    gc.disable()
    limits = fetch_limits_from(args, SOURCE_LIMITS)
    noises = {name: noise_for(name, args) for name in args.sources}
    default_severity = "warning" if args.format == "github" else "info"

    def report(names: list[str]) -> list[Outcome]:
        by_input = [check_input(name, profiles, ios, date_prefix_parse(args), limits)
                    for name in names]
        # Each client's results together, clients in the order asked, inputs in theirs.
        outcomes = [row[column] for column in range(len(profiles)) for row in by_input]
        silence(outcomes, noises, default_severity, update_baseline=args.update_baseline)
        write_report(args, outcomes, profiles, ios)
        if not args.watch:
            hard_exit.keep(outcomes)
        return outcomes

    outcomes = report(args.sources)
    if args.watch:
        return watch(args, outcomes, report, noises)
    return exit_status(outcomes, noises)


def write_report(args: argparse.Namespace, outcomes: list[Outcome],
                 profiles: list[ClientProfile], ios: OSVersion) -> None:
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
    cli_output.flush()  # a watching process's reports reach a pipe as they are made


def watch(args: argparse.Namespace, outcomes: list[Outcome],
          report: Callable[[list[str]], list[Outcome]], noises: dict[str, Noise]) -> int:
    """A new report for each SOURCE saved, until Ctrl-C; then the exit status of the latest
    outcomes of every SOURCE. Each file's directory is watched: an editor that writes a
    temporary file and renames it over the source is seen."""
    from watchfiles import Change
    from watchfiles import watch as changes_in

    latest = {(o.input, o.profile.name): o for o in outcomes}
    names = {str(Path(name).resolve()): name for name in args.sources}
    folders = sorted({str(Path(path).parent) for path in names})
    try:
        # debounce: 50 ms of quiet after a change, not watchfiles' 1.6 s
        for changes in changes_in(*folders, watch_filter=lambda _c, path: path in names,
                                  debounce=50, step=20, recursive=False,
                                  raise_interrupt=False):
            saved = sorted({names[path] for change, path in changes
                            if change is not Change.deleted})
            if not saved:
                continue
            if args.format == "text":
                cli_output.write(f"\n-- saved: {', '.join(saved)} --\n")
            for outcome in report(saved):
                latest[(outcome.input, outcome.profile.name)] = outcome
            gc.collect()  # the cycle collector is off: each report's leftovers go now
    except KeyboardInterrupt:  # during a report
        pass
    except OSError as error:  # the directory went away, or no more inotify watches
        cli_output.error(f"altsim check: cannot watch any more: {error}")
        return 2
    return exit_status(list(latest.values()), noises)


def check_input(name: str, profiles: list[ClientProfile], ios: OSVersion,
                date_prefix_parse: bool, limits: FetchLimits) -> list[Outcome]:
    """One SOURCE, read (or fetched) once and checked by each client in turn."""
    try:
        source = read_source(name, limits)
    except InputError as error:
        cli_output.error(f"altsim check: cannot read {error}")
        return [Outcome(name, profile, error=str(error)) for profile in profiles]
    several = len(profiles) > 1
    # AltStore first, when asked: the others are compared with its model
    order = sorted(profiles, key=lambda p: p is not DEFAULT_PROFILE) if several else profiles
    reference: Source | None = None
    outcomes = {}
    for profile in order:
        result = check_source(source.body, profile, ios, date_prefix_parse=date_prefix_parse,
                              source_url=source.url, http_status=source.status)
        if (status := source.status_diagnostic(profile)) is not None:
            result.diagnostics.insert(0, status)  # no line: it sorts first, as it happened first
        outcome = Outcome(name, profile, result)
        # only what users see compares: a rejected source shows nothing
        if profile is DEFAULT_PROFILE and result.accepted:
            reference = result.source
        elif reference is not None and result.accepted and result.source is not None:
            outcome.differences = differences(reference, DEFAULT_PROFILE, result.source,
                                              profile, ios)
        if several:  # only verdicts and diagnostics are shown: AltStore's model and one more
            result.source = None
        outcomes[profile.name] = outcome
    return [outcomes[profile.name] for profile in profiles]


def exit_status(outcomes: list[Outcome], noises: dict[str, Noise]) -> int:
    if any(o.result is None for o in outcomes):
        return 2
    for outcome in outcomes:
        assert outcome.result is not None
        if not outcome.result.accepted:
            return 1
        if noises[outcome.input].strict and _has(outcome.result.diagnostics, Severity.WARNING):
            return 1
    return 0


def _has(diagnostics: list[Diagnostic], severity: Severity) -> bool:
    return any(d.severity is severity for d in diagnostics)
