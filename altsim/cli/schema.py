"""`altsim schema`: the JSON Schema of a source for one client, for editors."""

from __future__ import annotations

import argparse
from typing import Any

from altsim.cli import output
from altsim.cli.options import HelpWithExamples, add_client_argument, profile_from
from altsim.core.schema import source_schema


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "schema",
        help="print a JSON Schema of a source, for editors",
        description="Print a JSON Schema (draft 2020-12) of a source as the chosen client "
        "reads it, generated from the same tables as its decoder: every key it reads, with "
        "what it does with it, the keys it requires and the types it decodes. An editor given "
        "the schema completes keys and flags what the client would reject; `altsim check` "
        "still reports what the schema cannot say (duplicates, device-dependent rules, "
        "warnings). Redirect it to a file and point the editor at it "
        "(docs/schema.md).",
        epilog="examples:\n"
        "  altsim schema\n"
        "  altsim schema --client sidestore",
        formatter_class=HelpWithExamples,
    )
    add_client_argument(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    output.write_json(source_schema(profile_from(args)), indent=2)
    return 0
