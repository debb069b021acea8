"""The commands over the simulator's persistent world: sources, refresh, apps, device, patron,
client. State lives in the user data directory (`ALTSIM_HOME` overrides it)."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Coroutine, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from altsim.cli import options, output
from altsim.cli.errors import UsageError
from altsim.core.profiles import PROFILES
from altsim.core.safe_text import printable

if TYPE_CHECKING:
    from altsim.sim.simulator import Refreshed, Simulator
    from altsim.state import World

_T = TypeVar("_T")


def add_parsers(commands: Any) -> None:
    sources = commands.add_parser("sources", help="add, remove and list the simulated sources",
                                  description="The sources of the simulated client.")
    actions = sources.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="fetch a source, show it, and add it once confirmed")
    add.add_argument("address", metavar="URL|PATH",
                     help="as typed in the client: no scheme means https, localhost:PORT http")
    add.add_argument("--yes", action="store_true", help="add without asking")
    remove = actions.add_parser("remove", help="remove a source")
    remove.add_argument("identifier", metavar="IDENTIFIER|URL")
    listing = actions.add_parser("list", help="the Sources tab's rows")
    _format(listing)
    sources.set_defaults(run=run_sources)

    refresh = commands.add_parser(
        "refresh", help="refresh every source; print what a background refresh posts",
        description="Fetch every source again. In the foreground (default) the successes are "
        "saved and failed sources keep their old data; with --background any failure saves "
        "nothing, and the client's notifications are posted and printed (§6.4, §9.3).")
    refresh.add_argument("--background", action="store_true",
                         help="a background refresh, which posts notifications")
    refresh.add_argument("--every", type=float, nargs="?", const=0.0, metavar="MINUTES",
                         help="keep running background refreshes every MINUTES (default: the "
                         "settings' interval, 60 as the client asks of iOS), printing what each "
                         "posts, until Ctrl-C")
    _format(refresh)
    refresh.set_defaults(run=run_refresh)

    for name, text in (("install", "tap an app's button: install it (§4)"),
                       ("update", "install the update the client offers (§5)"),
                       ("remove", "remove an installed app")):
        parser = commands.add_parser(name, help=text, description=text)
        parser.add_argument("bundle_id", metavar="BUNDLE_ID")
        if name == "install":
            parser.add_argument("--yes", action="store_true",
                                help="accept the client's offer of the last compatible version")
        parser.set_defaults(run=run_app, verb=name)
    installed = commands.add_parser("installed", help="the simulated installed apps")
    _format(installed)
    installed.set_defaults(run=run_installed)

    device = commands.add_parser("device", help="show or change the simulated device")
    device.add_argument("--ios", metavar="X.Y[.Z]")
    device.add_argument("--device", choices=("iphone", "ipad"))
    device.add_argument("--locale")
    device.add_argument("--tz", metavar="ZONE")
    clock = device.add_mutually_exclusive_group()
    clock.add_argument("--now", metavar="ISO8601|real", help="fix the clock, or 'real'")
    clock.add_argument("--clock-offset", type=float, metavar="HOURS",
                       help="run the clock HOURS ahead of real time (negative: behind)")
    device.set_defaults(run=run_device)

    patron = commands.add_parser("patron", help="the simulated Patreon account")
    patron.add_argument("--pledge", metavar="AMOUNT")
    patron.add_argument("--tier", action="append", default=[], metavar="ID")
    patron.add_argument("--benefit", action="append", default=[], metavar="ID")
    patron.add_argument("--none", action="store_true", help="disconnect the account")
    patron.set_defaults(run=run_patron)

    settings = commands.add_parser("settings", help="the simulator's own switches")
    settings.add_argument("--build-bug", choices=("on", "off"),
                          help="reproduce the shipped client's re-notification of pending "
                          "updates that have a build (§9.3; on by default)")
    settings.add_argument("--dark-mode", choices=("on", "off"),
                          help="the device's appearance: tints are adjusted for it (§2.5)")
    settings.add_argument("--interval", type=int, metavar="MINUTES",
                          help="the background refresh interval (default 60)")
    settings.set_defaults(run=run_settings)

    client = commands.add_parser("client", help="show or choose the simulated client")
    client.add_argument("name", nargs="?", choices=sorted(PROFILES))
    client.set_defaults(run=run_client)


def _format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", default="text", choices=("text", "json"),
                        help="text for people, json for tools")


def _simulator() -> Simulator:
    from altsim.sim.simulator import Simulator
    from altsim.state import open_world

    store = open_world()
    set_aside = store.load().set_aside
    if set_aside is not None:
        output.error(f"altsim: {set_aside.message}")
    return Simulator(store)


def _network(sim: Simulator, work: Coroutine[Any, Any, _T]) -> _T:
    """Run network work, then close the simulator's connections in the same event loop."""
    import asyncio  # here: `altsim check` and `preview` start without it

    async def run() -> _T:
        try:
            return await work
        finally:
            await sim.aclose()

    return asyncio.run(run())


def _fail(error: Exception) -> int:
    output.error(f"altsim: {printable(str(error), keep_newlines=False)}")
    return 1


def _emit(document: Any, text: str, args: argparse.Namespace) -> None:
    if args.format == "json":
        output.write_json(document, indent=1)
    else:
        output.write(text)


# -- sources ----------------------------------------------------------------------------------

@contextlib.contextmanager
def _changing(sim: Simulator) -> Iterator[World]:
    """The world, to change as the arguments say; a change it would not keep is refused."""
    from altsim.sim.simulator import FlowError

    try:
        with sim.changing() as world:
            yield world
    except FlowError as error:
        raise UsageError(str(error)) from None


def run_sources(args: argparse.Namespace) -> int:
    from altsim.sim.simulator import FlowError

    sim = _simulator()
    try:
        if args.action == "add":
            return _add(sim, args)
        if args.action == "remove":
            return _remove(sim, args.identifier)
    except FlowError as error:
        return _fail(error)
    return _list(sim, args)


def _add(sim: Simulator, args: argparse.Namespace) -> int:
    preview = _network(sim, sim.preview_source(args.address))
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

    world = sim.world()
    if name not in world.sources:
        try:
            name = normalize_source_url(name)
        except ValueError:
            pass
    record = sim.remove_source(name)
    output.line(f"Removed {record.identifier}.")
    return 0


def _list(sim: Simulator, args: argparse.Namespace) -> int:
    from altsim.cli.shapes import iso
    from altsim.core import decisions, store

    world = sim.world()
    sources, user = sim.sources(world), world.user()
    profile = sim.profile(world)
    views = [store.SourceView(src, identifier, world.sources[identifier].url, {
        a.bundle_id for a in src.apps if decisions.is_visible(a, src, user, profile)})
        for identifier, src in sources.items()]
    rows = []
    for view in store.sources_order(views):
        record = world.sources[view.identifier]
        rows.append({"identifier": view.identifier, "name": view.source.name,
                     "subtitle": store.source_subtitle(view), "apps": len(view.visible),
                     "error": record.last_error,
                     "lastUpdated": iso(store.last_updated(view.source))})
    missing = [{"identifier": r.identifier, "name": r.name, "subtitle": r.url, "apps": None,
                "error": r.last_error or "no copy could be read", "lastUpdated": None}
               for r in world.sources.values() if r.identifier not in sources]
    rows += missing
    text = "".join(
        f"{printable(r['name'] or r['identifier'])}  [{'!' if r['error'] else r['apps']}]  "
        f"{printable(r['subtitle'])}  Last Updated: {r['lastUpdated'] or 'Never'}\n"
        + (f"    ! {printable(r['error'])}\n" if r["error"] else "")
        for r in rows) or "No sources. Add one: altsim sources add URL\n"
    _emit(rows, text, args)
    return 0


# -- refresh ----------------------------------------------------------------------------------

def run_refresh(args: argparse.Namespace) -> int:
    sim = _simulator()
    if args.every is not None:
        return _watch(sim, args)
    refreshed = _network(sim, sim.refresh(background=args.background,
                                          show=lambda refreshed: _show(refreshed, args)))
    return 0 if not refreshed.outcome.errors else 1


def _show(refreshed: Refreshed, args: argparse.Namespace) -> None:
    """Print a refresh and its notifications, and any an earlier altsim recorded but did not
    live to show. Called just before the commit that marks them shown: "shown" means written
    and flushed here. Killed between the flush and that commit, they are printed again by the
    next refresh; failing to print, they stay unshown for it (Simulator.refresh)."""
    _emit(refresh_json(refreshed), refresh_text(refreshed), args)
    output.flush()


def _watch(sim: Simulator, args: argparse.Namespace) -> int:
    """The background loop in the foreground: a refresh every N minutes until interrupted."""
    import asyncio

    from altsim.sim.background import BackgroundLoop

    async def watch() -> None:
        minutes = args.every or sim.world().settings.background_interval_minutes
        loop = BackgroundLoop(sim, minutes * 60)
        loop.show = lambda refreshed: _show(refreshed, args)
        await loop.refresh_now()
        loop.start()
        await asyncio.Event().wait()  # until Ctrl-C cancels it

    _network(sim, watch())
    return 0


def refresh_json(refreshed: Refreshed) -> dict[str, Any]:
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


def refresh_text(refreshed: Refreshed) -> str:
    outcome = refreshed.outcome
    lines = []
    for identifier, error in outcome.errors.items():
        name = refreshed.names.get(identifier, identifier)
        lines.append(f"Unable to Refresh “{printable(name)}” Source: {printable(error)}")
    if refreshed.background and not outcome.saved:
        lines.append("Background refresh failed: nothing saved, nothing posted (§6.4).")
    posted = {id(record) for record in refreshed.posted}
    for note in refreshed.shown:
        earlier = ("" if id(note) in posted else
                   f" (posted {note.at.isoformat(timespec='minutes')}, not shown then)")
        lines.append(f"[{printable(note.title)}] {printable(note.body)}{earlier}")
    if refreshed.background and outcome.saved and not refreshed.shown:
        lines.append("No notifications.")
    lines.append(f"Badge: {outcome.badge}")
    return "\n".join(lines) + "\n"


# -- apps -------------------------------------------------------------------------------------

def run_app(args: argparse.Namespace) -> int:
    from altsim.sim.simulator import FlowError

    sim = _simulator()
    try:
        if args.verb == "remove":
            record = sim.uninstall(args.bundle_id)
            output.line(f"Removed {record.bundle_id} {printable(record.version)}.")
            return 0
        done = (sim.install(args.bundle_id, accept_offer=args.yes) if args.verb == "install"
                else sim.update(args.bundle_id))
    except FlowError as error:
        return _fail(error)
    attempt = done.attempt
    if done.record is not None:
        build = f" ({done.record.build_version})" if done.record.build_version else ""
        output.line(f"Installed {done.record.bundle_id} {printable(done.record.version)}{build}.")
        return 0
    if attempt.outcome == "offer":
        output.line(f"{attempt.title}\n{printable(attempt.message or '')}\n"
                    f"[{printable(attempt.action or '')}]: run again with --yes to accept.")
    else:
        output.line(printable(attempt.message or "not installed"))
    return 1


def run_installed(args: argparse.Namespace) -> int:
    world = _simulator().world()
    rows = [{"bundleIdentifier": r.bundle_id, "version": r.version,
             "buildVersion": r.build_version, "source": r.source_identifier}
            for r in world.installed.values()]
    text = "".join(f"{r['bundleIdentifier']}  {printable(r['version'])}"
                   + (f" ({printable(r['buildVersion'])})" if r["buildVersion"] else "")
                   + f"  from {r['source'] or '(no store link)'}\n" for r in rows)
    _emit(rows, text or "No apps installed.\n", args)
    return 0


# -- device, patron, client -------------------------------------------------------------------

def run_device(args: argparse.Namespace) -> int:
    from datetime import datetime

    from altsim.core.formatting import parse_locale, zone
    from altsim.state import clock_offset, fixed_clock

    sim = _simulator()
    with _changing(sim) as world:
        device = world.device_settings
        if args.ios is not None:
            device.ios = ".".join(map(str, options.ios_from(args.ios)))
        if args.device is not None:
            device.family = args.device
        try:
            if args.locale is not None:
                parse_locale(args.locale)
                device.locale = args.locale
            if args.tz is not None:
                zone(args.tz)
                device.time_zone = args.tz
            if args.now == "real":
                device.clock = None
            elif args.now is not None:
                moment = datetime.fromisoformat(args.now)
                if moment.tzinfo is None:
                    moment = moment.replace(tzinfo=zone(device.time_zone))
                device.clock = fixed_clock(moment)
            if args.clock_offset is not None:
                device.clock = clock_offset(args.clock_offset * 3600)
        except ValueError as error:
            raise UsageError(str(error)) from None
    world = sim.world()
    now = sim.device(world).now
    output.line(f"iOS {world.device_settings.ios} ({world.device_settings.family}), "
                f"{world.device_settings.locale}, {world.device_settings.time_zone}, "
                f"now {now.isoformat()}")
    return 0


def run_patron(args: argparse.Namespace) -> int:
    from altsim.state import PatreonAccount

    sim = _simulator()
    with _changing(sim) as world:
        if args.none:
            world.patreon = None
        elif args.pledge is not None or args.tier or args.benefit:
            patron = options.patron_from(args)
            assert patron is not None
            world.patreon = PatreonAccount(patron.amount, patron.tier_ids, patron.benefit_ids)
        account = world.patreon
    output.line("No Patreon account." if account is None else
                f"Active patron: {account.amount} a month, tiers {sorted(account.tiers) or '-'}, "
                f"benefits {sorted(account.benefits) or '-'}")
    return 0


def run_client(args: argparse.Namespace) -> int:
    sim = _simulator()
    with _changing(sim) as world:
        if args.name is not None:
            world.settings.client = args.name
        name = world.settings.client
    output.line(f"{name}: {PROFILES[name].title if name in PROFILES else 'unknown'}")
    return 0


def run_settings(args: argparse.Namespace) -> int:
    from altsim.state import background_interval

    sim = _simulator()
    with _changing(sim) as world:
        settings = world.settings
        if args.build_bug is not None:
            settings.renotify_build_bug = args.build_bug == "on"
        if args.dark_mode is not None:
            settings.dark_mode = args.dark_mode == "on"
        if args.interval is not None:
            try:
                settings.background_interval_minutes = background_interval(args.interval)
            except ValueError as error:
                raise UsageError(f"--{error}") from None
    output.line(f"build bug: {'on' if settings.renotify_build_bug else 'off'}; dark mode: "
                f"{'on' if settings.dark_mode else 'off'}; background interval: "
                f"{settings.background_interval_minutes} min")
    return 0
