"""`altsim preview`: what a given device and user see of sources, screen by screen."""

from __future__ import annotations

import argparse
import gc
from dataclasses import dataclass, field
from typing import Any

from altsim.cli import hard_exit, options
from altsim.cli import output as cli_output
from altsim.cli.each_client import EachClientOutput
from altsim.cli.errors import UsageError
from altsim.cli.inputs import SOURCE_LIMITS, read_or_report
from altsim.core.check import client_verdict
from altsim.core.identity import normalize_source_url
from altsim.core.profiles import ClientProfile


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "preview",
        help="show what a device and user see of sources: About, Browse, app pages, News",
        description="Decode each SOURCE as the chosen client does and show what the simulated "
        "device and user see: the About page, Browse, every app's version, update and install "
        "button, and the merged News. With several clients, each client's preview in turn, "
        "under a heading naming the client (JSON: {\"results\": [one document per client]}). "
        "Exit status: 0 all sources accepted by every client, 1 one is rejected, 2 a source "
        "cannot be read or the arguments are wrong.",
        epilog="examples:\n"
        "  altsim preview apps.json --ios 15.0 --installed com.example.app=2.0\n"
        "  altsim preview apps.json --as https://example.com/apps.json --client all --format json\n"
        "  altsim preview apps.json --app com.example.app --installed com.example.app=1.10 "
        "--explain",
        formatter_class=options.HelpWithExamples,
    )
    parser.add_argument("sources", nargs="+", metavar="SOURCE",
                        help="a source file, or an http(s) URL")
    options.add_client_argument(parser, several=True)
    options.add_device_arguments(parser)
    options.add_user_arguments(parser)
    parser.add_argument("--as", dest="published_as", action="append", default=[],
                        metavar="URL", help="preview a file as if published at URL (its "
                        "identity); repeat to pair with each SOURCE in order")
    parser.add_argument("--format", default="text", choices=("text", "json"),
                        help="text for people, json for tools")
    options.add_app_arguments(parser)
    options.add_date_prefix_argument(parser)
    options.add_fetch_limit_arguments(parser, SOURCE_LIMITS, "SOURCE fetch")
    parser.set_defaults(run=run, hard_exit=True)


@dataclass(frozen=True, slots=True)
class _Input:
    name: str
    identifier: str | None
    url: str | None  # as published (--as), for identity
    body: bytes = field(repr=False)
    fetched_from: str | None = None  # where the body came from: relative URLs resolve there
    status: int | None = None  # the HTTP status it came with


def run(args: argparse.Namespace) -> int:
    profiles = options.profiles_from(args)
    device = options.device_from(args, options.ios_from(args.ios))
    user = options.user_from(args)
    if len(args.published_as) > len(args.sources):
        raise UsageError("more --as URLs than SOURCEs")
    # Decisions and Babel load only for this command, not for `check`.
    from altsim.cli.preview_page import Loaded, preview_document
    from altsim.cli.preview_text import render_text

    gc.disable()  # one short-lived acyclic tree (as in check)
    inputs = []
    for index, name in enumerate(args.sources):  # each read once, whatever the clients
        url = args.published_as[index] if index < len(args.published_as) else None
        if url is None and name.startswith(("http://", "https://")):
            url = name
        try:
            identifier = normalize_source_url(url) if url is not None else None
        except ValueError as error:
            raise UsageError(f"{url!r}: {error}") from None
        read = read_or_report(name, "preview", options.fetch_limits_from(args, SOURCE_LIMITS))
        if read is None:
            return 2
        inputs.append(_Input(name, identifier, url, read.body, url or read.url, read.status))

    only: frozenset[str] | None = None

    def document_for(profile: ClientProfile) -> dict[str, Any]:
        nonlocal only
        loaded = [Loaded(i.name, i.identifier, i.url, client_verdict(
            i.body, profile, device.ios, date_prefix_parse=options.date_prefix_parse(args),
            beta_track=user.beta_track, source_url=i.fetched_from, http_status=i.status),
            i.body)
            for i in inputs]
        if args.apps and only is None:  # checked against the first client's decoding
            known = {app.bundle_id for item in loaded if item.result.source is not None
                     for app in item.result.source.apps}
            only = options.check_apps(args.apps, known, "the SOURCEs")
        if len(profiles) == 1:
            hard_exit.keep(loaded)  # freed by no one: the process ends after the output
        return preview_document(loaded, profile, device, user, only=only, explain=args.explain)

    if len(profiles) == 1:
        document = document_for(profiles[0])
        hard_exit.keep(document)
        if args.format == "json":
            # compact: with an indent, json falls back to its pure-Python encoder (10× slower);
            # the page's one float, a screenshot's aspect (a ratio of two 16-bit integers, or
            # store.UNSIZED_ASPECT), rounded to 4 places: 0 or from 1e-4 to 32767 in magnitude
            cli_output.write_json(document, compact=True, plain_floats=True)
        else:
            cli_output.write(render_text(document))
        return 0 if _all_accepted(document) else 1
    output = EachClientOutput(render_text, as_json=args.format == "json")
    accepted = True
    for profile in profiles:
        document = document_for(profile)
        output.write(profile, document)
        accepted = accepted and _all_accepted(document)
        del document  # one client's document at a time
    output.close()
    return 0 if accepted else 1


def _all_accepted(document: dict[str, Any]) -> bool:
    return all(source["accepted"] for source in document["sources"])
