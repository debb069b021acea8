"""`altsim refresh`: fetch every source again, in the foreground or as a background refresh
that posts the client's notifications, once or every N minutes."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from altsim.cli import output
from altsim.cli.options import HelpWithExamples
from altsim.cli.simulated import add_format_argument, emit, open_simulator, run_network
from altsim.core.safe_text import printable

if TYPE_CHECKING:
    from altsim.sim.simulator import RefreshReport, Simulator


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "refresh", help="refresh every source; print what a background refresh posts",
        description="Fetch every source again. In the foreground (default) the successes are "
        "saved and failed sources keep their old data; with --background any failure saves "
        "nothing, and the client's notifications are posted and printed.",
        epilog="examples:\n"
        "  altsim refresh\n"
        "  altsim refresh --background --format json\n"
        "  altsim refresh --background --every 60",
        formatter_class=HelpWithExamples)
    parser.add_argument("--background", action="store_true",
                        help="a background refresh, which posts notifications")
    parser.add_argument("--every", type=float, nargs="?", const=0.0, metavar="MINUTES",
                        help="keep running background refreshes every MINUTES (default: the "
                        "settings' interval, 60 as the client asks of iOS), printing what each "
                        "posts, until Ctrl-C")
    add_format_argument(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    sim = open_simulator()
    if args.every is not None:
        return _watch(sim, args)
    refreshed = run_network(sim, sim.refresh(background=args.background,
                                             show=lambda refreshed: _show(refreshed, args)))
    return 0 if not refreshed.outcome.errors else 1


def _show(refreshed: RefreshReport, args: argparse.Namespace) -> None:
    """Print a refresh and its notifications, and any an earlier altsim recorded but did not
    live to show. Called just before the commit that marks them shown: "shown" means written
    and flushed here. Killed between the flush and that commit, they are printed again by the
    next refresh; failing to print, they stay unshown for it (Simulator.refresh)."""
    emit(refresh_json(refreshed), refresh_text(refreshed), args)
    output.flush()


def _watch(sim: Simulator, args: argparse.Namespace) -> int:
    """The background loop in the foreground: a refresh every N minutes until interrupted."""
    import asyncio

    from altsim.sim.background import BackgroundLoop

    async def watch() -> None:
        minutes = args.every or sim.user_state().settings.background_interval_minutes
        loop = BackgroundLoop(sim, minutes * 60)
        loop.show = lambda refreshed: _show(refreshed, args)
        await loop.refresh_now()
        loop.start()
        await asyncio.Event().wait()  # until Ctrl-C cancels it

    run_network(sim, watch())
    return 0


def refresh_json(refreshed: RefreshReport) -> dict[str, Any]:
    """`notifications`: those shown now, this refresh's and (`earlier`) any an earlier altsim
    recorded but did not live to show."""
    outcome = refreshed.outcome
    posted = {id(record) for record in refreshed.posted}
    return {"background": refreshed.background, "saved": outcome.saved,
            "errors": outcome.errors, "badge": outcome.badge, "lostLinks": outcome.lost_links,
            "notifications": [{"kind": n.kind, "title": n.title, "body": n.body,
                               "source": n.source_identifier, "bundleIdentifier": n.bundle_id,
                               "newsIdentifier": n.news_id, "earlier": id(n) not in posted}
                              for n in refreshed.shown]}


def refresh_text(refreshed: RefreshReport) -> str:
    outcome = refreshed.outcome
    lines = []
    for identifier, error in outcome.errors.items():
        name = refreshed.names.get(identifier, identifier)
        lines.append(f"Unable to Refresh “{printable(name)}” Source: {printable(error)}")
    if refreshed.background and not outcome.saved:
        lines.append("Background refresh failed: nothing saved, nothing posted.")
    posted = {id(record) for record in refreshed.posted}
    for note in refreshed.shown:
        earlier = ("" if id(note) in posted else
                   f" (posted {note.at.isoformat(timespec='minutes')}, not shown then)")
        lines.append(f"[{printable(note.title)}] {printable(note.body)}{earlier}")
    if refreshed.background and outcome.saved and not refreshed.shown:
        lines.append("No notifications.")
    lines.append(f"Badge: {outcome.badge}")
    return "\n".join(lines) + "\n"
