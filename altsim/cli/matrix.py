"""`altsim matrix`: apps × iOS versions — who sees which version, and who is offered an update."""

from __future__ import annotations

import argparse
from typing import Any

from altsim.cli import options
from altsim.cli import output as cli_output
from altsim.cli.each_client import EachClientOutput
from altsim.cli.errors import UsageError
from altsim.cli.inputs import SOURCE_LIMITS, read_or_report
from altsim.core.device import LAST_RELEASES
from altsim.core.values import os_version_string


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "matrix",
        help="apps × iOS versions: the version each device sees, and where updates are offered",
        description="Decode SOURCE once per iOS version and show, for every app, the version the "
        "client shows as latest supported on that device (what it installs and updates to) and "
        "whether the installed version (--installed) is offered an update. With several "
        "clients, one table per client (JSON: {\"results\": [one document per client]}). "
        "Exit status: 0 accepted on every iOS version by every client, 1 rejected on one, 2 "
        "unreadable input or wrong arguments.",
        epilog="examples:\n"
        "  altsim matrix apps.json --installed com.example.app=1.0\n"
        "  altsim matrix apps.json --ios 14.8,15.8,17.7 --client altstore,sidestore\n"
        "  altsim matrix apps.json --app com.example.app --ios 14.8,17.7 --explain",
        formatter_class=options.HelpWithExamples,
    )
    parser.add_argument("source", metavar="SOURCE", help="a source file, or an http(s) URL")
    parser.add_argument("--ios", metavar="LIST",
                        default=",".join(os_version_string(v) for v in LAST_RELEASES),
                        help="comma-separated iOS versions (default: the last release of each "
                        "major from 12)")
    options.add_client_argument(parser, several=True)
    options.add_device_arguments(parser, ios=False)
    options.add_user_arguments(parser)
    options.add_date_prefix_argument(parser)
    options.add_app_arguments(parser)
    parser.add_argument("--format", default="text", choices=("text", "json"),
                        help="text for people, json for tools")
    options.add_fetch_limit_arguments(parser, SOURCE_LIMITS, "SOURCE fetch")
    parser.set_defaults(run=run, hard_exit=True)


def run(args: argparse.Namespace) -> int:
    profiles = options.profiles_from(args)
    versions = [options.ios_from(part.strip()) for part in args.ios.split(",") if part.strip()]
    if not versions:
        raise UsageError("--ios: give at least one version")
    devices = [options.device_from(args, ios) for ios in versions]
    limits = options.fetch_limits_from(args, SOURCE_LIMITS)
    read = read_or_report(args.source, "matrix", limits)  # once, whatever the clients
    if read is None:
        return 2
    user = options.user_from(args)
    # Decisions and Babel load only for this command, not for `check`.
    from altsim.cli.matrix_table import matrix_document, render_text

    colour = cli_output.colour()
    as_json = args.format == "json"
    output = None if len(profiles) == 1 else EachClientOutput(
        lambda document: render_text(document, colour=colour), as_json=as_json)
    accepted = True
    only: frozenset[str] | None = None
    for profile in profiles:
        if args.apps and only is None:  # checked against the first client's decoding
            every = matrix_document(read.body, args.source, profile, devices, user,
                                    options.date_prefix_parse(args), source_url=read.url,
                                    http_status=read.status)
            only = options.check_apps(args.apps, {app["bundleIdentifier"]
                                                  for app in every["apps"]}, "SOURCE")
        document = matrix_document(read.body, args.source, profile, devices, user,
                                   options.date_prefix_parse(args), only=only,
                                   explain=args.explain, source_url=read.url,
                                   http_status=read.status)
        accepted = accepted and all(column["accepted"] for column in document["ios"])
        if output is not None:
            output.write(profile, document)
        elif as_json:
            # compact: with an indent, json falls back to its pure-Python encoder (10× slower)
            cli_output.write_json(document, compact=True)
        else:
            cli_output.write(render_text(document, colour=colour))
    if output is not None:
        output.close()
    return 0 if accepted else 1
