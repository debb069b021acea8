"""`altsim preview`: what a given device and user see of sources, screen by screen."""

from __future__ import annotations

import argparse
import gc
import json
import sys
from typing import Any

from altsim.cli import options
from altsim.cli.errors import UsageError
from altsim.cli.inputs import read_or_report
from altsim.core.check import client_verdict
from altsim.core.identity import normalize_source_url


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "preview",
        help="show what a device and user see of sources: About, Browse, app pages, News",
        description="Decode each SOURCE as the chosen client does and show what the simulated "
        "device and user see: the About page, Browse, every app's version, update and install "
        "button, and the merged News. Exit status: 0 all sources accepted, 1 one is rejected, "
        "2 a source cannot be read or the arguments are wrong.",
    )
    parser.add_argument("sources", nargs="+", metavar="SOURCE",
                        help="a source file, or an http(s) URL")
    options.add_client_argument(parser)
    options.add_device_arguments(parser)
    options.add_user_arguments(parser)
    parser.add_argument("--as", dest="published_as", action="append", default=[],
                        metavar="URL", help="preview a file as if published at URL (its "
                        "identity); repeat to pair with each SOURCE in order")
    parser.add_argument("--format", default="text", choices=("text", "json"),
                        help="text for people, json for tools")
    options.add_date_prefix_argument(parser)
    parser.set_defaults(run=run, hard_exit=True)


def run(args: argparse.Namespace) -> int:
    profile = options.profile_from(args)
    device = options.device_from(args, options.ios_from(args.ios))
    user = options.user_from(args)
    if len(args.published_as) > len(args.sources):
        raise UsageError("more --as URLs than SOURCEs")
    # Decisions and Babel load only for this command, not for `check`.
    from altsim.cli.preview_page import Loaded, preview_document
    from altsim.cli.preview_text import render_text

    gc.disable()  # one short-lived acyclic tree (as in check)
    loaded = []
    for index, name in enumerate(args.sources):
        url = args.published_as[index] if index < len(args.published_as) else None
        if url is None and name.startswith(("http://", "https://")):
            url = name
        try:
            identifier = normalize_source_url(url) if url is not None else None
        except ValueError as error:
            raise UsageError(f"{url!r}: {error}") from None
        raw = read_or_report(name, "preview")
        if raw is None:
            return 2
        result = client_verdict(raw, profile, device.ios,
                                date_prefix_parse=options.date_prefix_parse(args))
        loaded.append(Loaded(name, identifier, url, result))
    document = preview_document(loaded, profile, device, user)
    if args.format == "json":
        # compact: with an indent, json falls back to its pure-Python encoder (10× slower)
        sys.stdout.write(json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n")
    else:
        sys.stdout.write(render_text(document))
    return 0 if all(source["accepted"] for source in document["sources"]) else 1
