"""`altsim sources add|remove|list`: the sources of the simulated client."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any, TypedDict

from altsim.cli import output
from altsim.cli.options import HelpWithExamples
from altsim.cli.simulated import add_format_argument, emit, fail, open_simulator, run_network
from altsim.core.safe_text import printable

if TYPE_CHECKING:
    from altsim.sim.simulator import Simulator


def add_parser(commands: Any) -> None:
    sources = commands.add_parser(
        "sources", help="add, remove and list the simulated sources",
        description="The sources of the simulated client.",
        epilog="examples:\n"
        "  altsim sources add apps.altstore.io\n"
        "  altsim sources list --format json\n"
        "  altsim sources remove apps.altstore.io",
        formatter_class=HelpWithExamples)
    actions = sources.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser(
        "add", help="fetch a source, show it, and add it once confirmed",
        description="Fetch a source as the client does when you type its address, show its "
        "name and counts, and add it once confirmed. Exit status: 0 added, 1 the client "
        "cannot add it or you declined.",
        epilog="examples:\n"
        "  altsim sources add apps.altstore.io\n"
        "  altsim sources add localhost:8000/apps.json --yes",
        formatter_class=HelpWithExamples)
    add.add_argument("address", metavar="URL|PATH",
                     help="as typed in the client: no scheme means https, localhost:PORT http")
    add.add_argument("--yes", action="store_true", help="add without asking")
    remove = actions.add_parser(
        "remove", help="remove a source",
        description="Remove a source, named by its identifier or by its address as added.",
        epilog="example:\n"
        "  altsim sources remove apps.altstore.io",
        formatter_class=HelpWithExamples)
    remove.add_argument("identifier", metavar="IDENTIFIER|URL")
    listing = actions.add_parser(
        "list", help="the Sources tab's rows",
        description="The Sources tab's rows: each source's name, the number of apps the user "
        "sees (or ! and the last refresh's error), its subtitle and when it was last updated.",
        epilog="examples:\n"
        "  altsim sources list\n"
        "  altsim sources list --format json",
        formatter_class=HelpWithExamples)
    add_format_argument(listing)
    sources.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from altsim.sim.simulator import FlowError

    sim = open_simulator()
    try:
        if args.action == "add":
            return _add(sim, args)
        if args.action == "remove":
            return _remove(sim, args.identifier)
    except FlowError as error:
        return fail(error)
    return _list(sim, args)


def _add(sim: Simulator, args: argparse.Namespace) -> int:
    preview = run_network(sim, sim.preview_source(args.address))
    source, rejection = preview.source, preview.result.rejection
    for warning in preview.fetched.warnings:
        output.error(f"warning: {printable(warning)}")
    if source is None:
        assert rejection is not None
        output.line(f"The client cannot add this source: {printable(rejection.message)} "
                    f"({rejection.code} at {rejection.path or '-'})")
        return 1
    output.line(f"{printable(source.name)} — {preview.identifier}: {len(source.apps)} apps, "
                f"{len(source.news)} news items")
    question = f"Would you like to add the source “{printable(source.name)}”? [y/N] "
    if not args.yes and not _confirm(question):
        output.line("Not added.")
        return 1
    sim.add_source(preview)
    output.line(f"Added {preview.identifier}.")
    return 0


def _confirm(question: str) -> bool:
    try:
        output.write(question)
        output.flush()
        return input().strip().lower() in ("y", "yes")
    except EOFError:
        return False


def _remove(sim: Simulator, name: str) -> int:
    from altsim.core.identity import normalize_source_url

    user_state = sim.user_state()
    if name not in user_state.sources:
        try:
            name = normalize_source_url(name)
        except ValueError:
            pass
    record = sim.remove_source(name)
    output.line(f"Removed {record.identifier}.")
    return 0


class _Row(TypedDict):
    """One row of the Sources tab, as `--format json` prints it."""

    identifier: str
    name: str | None
    subtitle: str
    apps: int | None  # None: no copy could be read, or the client hides a failed source
    error: str | None
    lastUpdated: str | None


def _list(sim: Simulator, args: argparse.Namespace) -> int:
    from altsim.cli.shapes import iso
    from altsim.core import store

    user_state = sim.user_state()
    sources, user = sim.sources(user_state), user_state.user()
    profile = sim.profile(user_state)
    views = [store.source_for_user(src, identifier, user, profile,
                                   user_state.sources[identifier].url,
                                   user_state.sources[identifier].last_error)
             for identifier, src in sources.items()]
    rows: list[_Row] = []
    for view in store.sources_order(views):
        rows.append({"identifier": view.identifier, "name": view.source.name,
                     "subtitle": store.source_subtitle(view),
                     "apps": None if view.spinning else len(view.visible),
                     "error": view.error,
                     "lastUpdated": iso(store.last_updated(view.source))})
    rows += [{"identifier": r.identifier, "name": r.name, "subtitle": r.url, "apps": None,
              "error": r.last_error or "no copy could be read", "lastUpdated": None}
             for r in user_state.sources.values() if r.identifier not in sources]
    text = "".join(
        f"{printable(r['name'] or r['identifier'])}  "
        f"[{'!' if r['error'] else '…' if r['apps'] is None else r['apps']}]  "
        f"{printable(r['subtitle'])}  Last Updated: {r['lastUpdated'] or 'Never'}\n"
        + (f"    ! {printable(r['error'])}\n" if r["error"] else "")
        for r in rows) or "No sources. Add one: altsim sources add URL\n"
    emit(rows, text, args)
    return 0
