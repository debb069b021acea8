"""`altsim matrix`: apps × iOS versions — who sees which version, and who is offered an update."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from altsim.cli import options
from altsim.cli.errors import UsageError
from altsim.cli.inputs import read_or_report
from altsim.core.device import LAST_RELEASES
from altsim.core.values import os_version_string

_NONE = "—"


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "matrix",
        help="apps × iOS versions: the version each device sees, and where updates are offered",
        description="Decode SOURCE once per iOS version and show, for every app, the version the "
        "client shows as latest supported on that device (what it installs and updates to) and "
        "whether the installed version (--installed) is offered an update. "
        "Exit status: 0 accepted on every iOS version, 1 rejected on one, 2 unreadable input or "
        "wrong arguments.",
    )
    parser.add_argument("source", metavar="SOURCE", help="a source file, or an http(s) URL")
    parser.add_argument("--ios", metavar="LIST",
                        default=",".join(os_version_string(v) for v in LAST_RELEASES),
                        help="comma-separated iOS versions (default: the last release of each "
                        "major from 12)")
    options.add_client_argument(parser)
    options.add_device_arguments(parser, ios=False)
    options.add_user_arguments(parser)
    options.add_date_prefix_argument(parser)
    parser.add_argument("--format", default="text", choices=("text", "json"),
                        help="text for people, json for tools")
    parser.set_defaults(run=run, hard_exit=True)


def run(args: argparse.Namespace) -> int:
    profile = options.profile_from(args)
    versions = [options.ios_from(part.strip()) for part in args.ios.split(",") if part.strip()]
    if not versions:
        raise UsageError("--ios: give at least one version")
    devices = [options.device_from(args, ios) for ios in versions]
    raw = read_or_report(args.source, "matrix")
    if raw is None:
        return 2
    # Decisions and Babel load only for this command, not for `check`.
    from altsim.cli.matrix_table import matrix_document, render_text

    document = matrix_document(raw, args.source, profile, devices, options.user_from(args),
                               options.date_prefix_parse(args))
    if args.format == "json":
        # compact: with an indent, json falls back to its pure-Python encoder (10× slower)
        sys.stdout.write(json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n")
    else:
        sys.stdout.write(render_text(document, colour=sys.stdout.isatty()
                                     and not os.environ.get("NO_COLOR")))
    return 0 if all(c["accepted"] for c in document["ios"]) else 1
