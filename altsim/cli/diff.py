"""`altsim diff OLD NEW`: what publishing NEW where OLD is today does at the next background
refresh of a user who installed apps from OLD (spec §6.4, §9.2, §9.3)."""

from __future__ import annotations

import argparse
from typing import Any

from altsim.cli import options, output
from altsim.cli.errors import UsageError
from altsim.cli.inputs import SOURCE_LIMITS, read_or_report
from altsim.core.check import client_verdict
from altsim.core.safe_text import printable

SOURCE = "source"  # OLD and NEW are one source, at one identity


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "diff",
        help="what publishing NEW over OLD does to a user at the next background refresh",
        description="Simulate a user who has OLD (and installed apps from it, --installed) when "
        "the next background refresh fetches NEW: the notifications the client posts, the "
        "updates it offers, the apps that disappear, the badge. Exit status: 0 the client "
        "accepts NEW, 1 it rejects NEW (nothing is saved or posted), 2 unreadable input, OLD "
        "rejected, or wrong arguments.",
        epilog="examples:\n"
        "  altsim diff https://example.com/apps.json apps.json --installed com.example.app=1.0\n"
        "  altsim diff old.json new.json --installed com.example.app=1.0 --app com.example.app",
        formatter_class=options.HelpWithExamples,
    )
    parser.add_argument("old", metavar="OLD", help="the source as published today (file or URL)")
    parser.add_argument("new", metavar="NEW", help="the source you intend to publish")
    options.add_client_argument(parser)
    options.add_device_arguments(parser)
    options.add_user_arguments(parser)
    options.add_date_prefix_argument(parser)
    options.add_app_arguments(parser, explain=False)
    parser.add_argument("--no-build-bug", action="store_true",
                        help="compare builds correctly; by default the shipped client's bug is "
                        "reproduced: a pending update with a build is posted again at every "
                        "background refresh (§9.3)")
    parser.add_argument("--format", default="text", choices=("text", "json"),
                        help="text for people, json for tools")
    options.add_fetch_limit_arguments(parser, SOURCE_LIMITS, "SOURCE fetch")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # Decisions and Babel load only for this command, not for `check`.
    from altsim.cli.shapes import version_json
    from altsim.core.refresh import refresh, removed_apps

    profile = options.profile_from(args)
    device = options.device_from(args, options.ios_from(args.ios))
    user = options.user_from(args)
    decoded = []
    for name in (args.old, args.new):
        read = read_or_report(name, "diff", options.fetch_limits_from(args, SOURCE_LIMITS))
        if read is None:
            return 2
        decoded.append(client_verdict(read.body, profile, device.ios,
                                      date_prefix_parse=options.date_prefix_parse(args),
                                      beta_track=user.beta_track))
    old, new = decoded
    if old.source is None:
        assert old.rejection is not None
        raise UsageError(f"OLD is rejected by {profile.title} ({old.rejection.code}): no user "
                         "can have it; fix it first (altsim check)")
    known = {app.bundle_id for decoded_source in (old.source, new.source)
             if decoded_source is not None for app in decoded_source.apps}
    only = options.check_apps(args.apps, known, "OLD or NEW")
    links = {bundle: SOURCE for bundle in user.installed}
    fetched = {SOURCE: new.source if new.source is not None else "rejected"}
    outcome = refresh({SOURCE: old.source}, fetched, links, user, device, profile,
                      background=True, renotify_build_bug=not args.no_build_bug)
    document: dict[str, Any] = {
        "accepted": new.rejection is None,
        "rejection": new.rejection and {"code": new.rejection.code,
                                        "message": new.rejection.message,
                                        "path": new.rejection.path,
                                        "detail": new.rejection.detail},
        "notifications": [
            {"kind": n.kind, "title": n.title, "body": n.body,
             **({"bundleIdentifier": n.bundle_id} if n.kind == "update"
                else {"newsIdentifier": n.news_id})}
            for n in outcome.notifications],
        "updates": [
            {"bundleIdentifier": u.bundle_id,
             "from": {"version": user.installed[u.bundle_id].version,
                      "buildVersion": user.installed[u.bundle_id].build_version},
             "to": version_json(u.version)}
            for u in outcome.updates],
        "removedApps": [app.bundle_id for app in removed_apps(old.source,
                                                                outcome.sources[SOURCE])],
        "badge": outcome.badge,
    }
    if only is not None:  # --app: what concerns those apps (the badge stays the user's)
        news_apps = {item.identifier: item.app_id
                     for item in (new.source.news if new.source is not None else [])}
        document["notifications"] = [
            n for n in document["notifications"]
            if (n.get("bundleIdentifier") if n["kind"] == "update"
                else news_apps.get(n["newsIdentifier"])) in only]
        document["updates"] = [u for u in document["updates"] if u["bundleIdentifier"] in only]
        document["removedApps"] = [b for b in document["removedApps"] if b in only]
        document["only"] = sorted(only)
    if args.format == "json":
        output.write_json(document, indent=1)
    else:
        output.write(render_text(document, user.installed.keys()))
    return 0 if document["accepted"] else 1


def render_text(document: dict[str, Any], installed: Any) -> str:
    if not document["accepted"]:
        r = document["rejection"]
        return (f"The client rejects NEW ({r['code']}: {printable(r['message'])} at "
                f"{r['path'] or '-'}): the background refresh fails, nothing is saved, nothing "
                "is posted. Users keep OLD.\n")
    lines = [f"Notifications posted ({len(document['notifications'])}):"]
    lines += [f"  {printable(n['title'], keep_newlines=False)}: "
              f"{printable(n['body'], keep_newlines=False)}" for n in document["notifications"]]
    if not document["notifications"]:
        lines.append("  none")
    lines.append("Updates offered:")
    lines += [f"  {u['bundleIdentifier']}: {printable(u['from']['version'])} -> "
              f"{printable(u['to']['localizedVersion'])}" for u in document["updates"]]
    if not document["updates"]:
        lines.append("  none")
    removed = [f"{b} (installed: loses its store link, no more updates)" if b in installed
               else b for b in document["removedApps"]]
    lines.append(f"Apps removed from the store: {', '.join(removed) or 'none'}")
    lines.append(f"Badge: {document['badge']}")
    return "\n".join(lines) + "\n"
