"""`altsim matrix`: apps × iOS versions — who sees which version, and who is offered an update."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from altsim.cli.errors import UsageError
from altsim.cli.inputs import InputError, read_source
from altsim.cli.options import (
    add_client_argument,
    add_date_prefix_argument,
    add_device_arguments,
    add_user_arguments,
    date_prefix_parse,
    describe_device,
    device_from,
    ios_from,
    profile_from,
    user_from,
)
from altsim.cli.shapes import button_json, version_json
from altsim.core import decisions as d
from altsim.core.check import client_verdict
from altsim.core.device import LAST_RELEASES
from altsim.core.latest import latest_supported
from altsim.core.safe_text import printable
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
    add_client_argument(parser)
    add_device_arguments(parser, ios=False)
    add_user_arguments(parser)
    add_date_prefix_argument(parser)
    parser.add_argument("--format", default="text", choices=("text", "json"),
                        help="text for people, json for tools")
    parser.set_defaults(run=run, hard_exit=True)


def run(args: argparse.Namespace) -> int:
    profile = profile_from(args)
    versions = [ios_from(part.strip()) for part in args.ios.split(",") if part.strip()]
    if not versions:
        raise UsageError("--ios: give at least one version")
    user = user_from(args)
    try:
        raw = read_source(args.source)
    except InputError as error:
        print(f"altsim matrix: cannot read {error}", file=sys.stderr)
        return 2
    apps: dict[str, dict[str, Any]] = {}
    columns = []
    name = None
    for ios in versions:
        device = device_from(args, ios)
        result = client_verdict(raw, profile, ios, date_prefix_parse=date_prefix_parse(args))
        column: dict[str, Any] = {"ios": ".".join(map(str, ios)), "accepted": result.accepted,
                                  "rejection": None}
        if result.rejection is not None:
            r = result.rejection
            column["rejection"] = {"code": r.code, "message": r.message, "path": r.path}
        columns.append(column)
        source = result.source
        if source is None:
            continue
        name = source.name
        for app in source.apps:
            row = apps.setdefault(app.bundle_id, {"bundleIdentifier": app.bundle_id,
                                                  "name": app.name, "cells": {}})
            row["cells"][column["ios"]] = {
                "visible": d.is_visible(app, source, user, profile),
                "latestSupportedVersion": version_json(latest_supported(app, ios)),
                "update": version_json(d.available_update(app, source, user, device, profile)),
                "button": button_json(d.banner_button(app, source, user, device, profile)),
            }
    document = {
        "client": profile.name, "device": describe_device(device_from(args, versions[-1])),
        "source": {"input": args.source, "name": name}, "ios": columns,
        "apps": [{**row, "cells": [row["cells"].get(c["ios"]) for c in columns]}
                 for row in apps.values()],
    }
    del document["device"]["ios"]
    if args.format == "json":
        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=1) + "\n")
    else:
        sys.stdout.write(render_text(document, colour=sys.stdout.isatty()
                                     and not os.environ.get("NO_COLOR")))
    return 0 if all(c["accepted"] for c in columns) else 1


def _cell(cell: dict[str, Any] | None) -> str:
    if cell is None:
        return "rejected"
    latest = cell["latestSupportedVersion"]
    text = printable(latest["localizedVersion"], keep_newlines=False) if latest else _NONE
    if cell["update"]:
        text += " ↑"
    if not cell["visible"]:
        text = f"({text})"
    return text


def render_text(document: dict[str, Any], *, colour: bool = False) -> str:
    columns = [".".join(c["ios"].split(".")[:2] + [p for p in c["ios"].split(".")[2:] if p != "0"])
               for c in document["ios"]]  # as the client prints versions: 17.0, 16.4.1
    rows = [[printable(app["name"], keep_newlines=False)[:32]] + [_cell(c) for c in app["cells"]]
            for app in document["apps"]]
    header = ["app \\ iOS", *columns]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    bold, reset = ("\x1b[1m", "\x1b[0m") if colour else ("", "")
    lines = [f"{printable(document['source']['name'] or document['source']['input'])} "
             f"({document['client']}, {document['device']['family']})", ""]
    lines.append(bold + "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
                 .rstrip() + reset)
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
              for row in rows]
    lines.append("")
    for column in document["ios"]:
        if column["rejection"]:
            r = column["rejection"]
            lines.append(f"iOS {column['ios']}: the client rejects the source ({r['code']}: "
                         f"{printable(r['message'])} at {r['path'] or '-'})")
    lines.append(f"cell: the latest version supported on that iOS ({_NONE}: none; installs "
                 "offer the alert or fail); ↑ an update is offered; (…) hidden from this user")
    return "\n".join(lines) + "\n"
