"""`altsim diff OLD NEW`: what publishing NEW where OLD is today does at the next background
refresh of a user who installed apps from OLD (behaviour.md 6.4, 9.2, 9.3), and what changed in
the file."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, replace
from typing import Any

from altsim.cli import options, output
from altsim.cli.inputs import SOURCE_LIMITS, SourceInput, read_or_report
from altsim.core.check import CheckResult, client_verdict, readable_source
from altsim.core.content_diff import AppChanges, content_diff, only_apps
from altsim.core.device import Device, InstalledApp, User
from altsim.core.diagnostics import Rejection
from altsim.core.latest import installed_at_latest
from altsim.core.model import App, NewsItem, Source, Version
from altsim.core.profiles import ClientProfile

SOURCE = "source"  # OLD and NEW are one source, at one identity
# How to turn off the re-notify bug: this command's option, and the simulator's setting
BUG_OPTION = "--no-build-bug"
BUG_SETTING = "altsim settings --build-bug off"


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "diff",
        help="what publishing NEW over OLD does to a user at the next background refresh",
        description="Simulate a user who has OLD and installed apps from it when the next "
        "background refresh fetches NEW: the notifications the client posts (a repeat the "
        "client's re-notify bug posts at every refresh is marked), the updates it offers, the "
        "apps that disappear, the badge; then what changed in the file (apps, versions, "
        "download URLs, sizes, sha256, news). Without --installed every app of OLD counts as "
        "installed at its latest version for the simulated device: what existing users get. "
        "A rejected OLD is reported, not refused: users keep their last good copy, so the "
        "notifications are counted as if they had none (an upper bound). Exit status: 0 the "
        "client accepts NEW, 1 it rejects NEW (nothing is saved or posted; users keep what "
        "they have), 2 unreadable input or wrong arguments.",
        epilog="examples:\n"
        "  altsim diff https://example.com/apps.json apps.json\n"
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
                        "background refresh")
    parser.add_argument("--format", default="text", choices=("text", "json"),
                        help="text for people, json for tools")
    options.add_fetch_limit_arguments(parser, SOURCE_LIMITS, "SOURCE fetch")
    parser.set_defaults(run=run)


@dataclass(slots=True)
class Copy:
    """OLD or NEW: the client's verdict, and the source as far as it can be read (the
    verdict's own model when accepted) for the content diff."""

    verdict: CheckResult
    readable: Source | None

    @property
    def source(self) -> Source | None:
        """The source the client keeps: None when it rejects it."""
        return self.verdict.source


def run(args: argparse.Namespace) -> int:
    # Decisions and Babel load only for this command, not for `check`.
    from altsim.cli.diff_text import render_text

    profile = options.profile_from(args)
    device = options.device_from(args, options.ios_from(args.ios))
    user = options.user_from(args)
    copies = []
    for name in (args.old, args.new):
        read = read_or_report(name, "diff", options.fetch_limits_from(args, SOURCE_LIMITS))
        if read is None:
            return 2
        copies.append(_decode(read, profile, device, user, args))
    old, new = copies
    known = {app.bundle_id for copy in copies if copy.readable is not None
             for app in copy.readable.apps}
    only = options.check_apps(args.apps, known, "OLD or NEW")
    document = build_document(old, new, user, device, profile, not args.no_build_bug, only)
    if only is not None:
        keep_only(document, only, new.readable)
    if args.format == "json":
        output.write_json(document, indent=1)
    else:
        output.write(render_text(document, profile, device))
    return 0 if document["accepted"] else 1


def _decode(read: SourceInput, profile: ClientProfile, device: Device, user: User,
            args: argparse.Namespace) -> Copy:
    verdict = client_verdict(read.body, profile, device.ios,
                             date_prefix_parse=options.date_prefix_parse(args),
                             beta_track=user.beta_track, source_url=read.url,
                             http_status=read.status)
    readable = verdict.source
    if readable is None:  # read past the client's errors: the content diff still helps
        readable = readable_source(read.body, profile, device.ios,
                                   date_prefix_parse=options.date_prefix_parse(args),
                                   beta_track=user.beta_track, source_url=read.url)
    return Copy(verdict, readable)


def build_document(old: Copy, new: Copy, user: User, device: Device, profile: ClientProfile,
                   build_bug: bool, only: frozenset[str] | None = None) -> dict[str, Any]:
    """Everything diff reports, as its JSON document (the text is rendered from it); `only`
    narrows the content diff to those apps (`keep_only` the rest)."""
    assumed = not user.installed
    if assumed and old.source is not None:  # what existing users have: OLD's latest versions
        user = replace(user, installed=installed_at_latest(old.source.apps, device.ios,
                                                            profile.latest_rule))
    document: dict[str, Any] = {
        "accepted": new.source is not None,
        "rejection": rejection_json(new.verdict.rejection),
        "old": {"accepted": old.source is not None,
                "rejection": rejection_json(old.verdict.rejection)},
        # A rejected OLD never reached users: each keeps an earlier copy altsim cannot know,
        # so the refresh is simulated from no copy at all
        "notificationsRelativeTo": "OLD" if old.source is not None else "no copy",
        "installed": {"assumed": assumed,
                      "apps": [installed_json(app) for app in user.installed.values()]},
    }
    if assumed and old.source is not None:
        document["installed"]["notInstallable"] = [
            app.bundle_id for app in old.source.apps if app.bundle_id not in user.installed]
    document.update(refresh_json(old.source, new.source, user, device, profile, build_bug))
    document["content"] = content_json(old.readable, new.readable, only)
    return document


def content_json(old: Source | None, new: Source | None, only: frozenset[str] | None
                 ) -> dict[str, Any] | None:
    """What changed in the file; None when either side cannot be read at all."""
    if old is None or new is None:
        return None
    diff = content_diff(old, new)
    if only is not None:
        diff = only_apps(diff, only)
    return {
        "appsAdded": [app_json(app) for app in diff.apps_added],
        "appsRemoved": [app_json(app) for app in diff.apps_removed],
        "appsChanged": [
            {**app_json(app),
             "versionsAdded": [version_key_json(v) for v in app.added],
             "versionsRemoved": [version_key_json(v) for v in app.removed],
             "versionsChanged": [
                 {**version_key_json(changed.version),
                  "changes": {c.key: {"old": c.old, "new": c.new} for c in changed.changes}}
                 for changed in app.changed]}
            for app in diff.apps_changed],
        "newsAdded": [news_json(item) for item in diff.news_added],
        "newsRemoved": [news_json(item) for item in diff.news_removed],
    }


def app_json(app: App | AppChanges) -> dict[str, str]:
    return {"bundleIdentifier": app.bundle_id, "name": app.name}


def news_json(item: NewsItem) -> dict[str, str | None]:
    return {"identifier": item.identifier, "title": item.title, "appID": item.app_id}


def refresh_json(old: Source | None, new: Source | None, user: User, device: Device,
                 profile: ClientProfile, build_bug: bool) -> dict[str, Any]:
    """The background refresh that fetches NEW over OLD (over no copy when OLD is None)."""
    from altsim.cli.shapes import version_json
    from altsim.core.refresh import (
        pending_updates,
        refresh,
        removed_apps,
        repeated_by_bug,
        reposted_every_refresh,
    )

    before = {SOURCE: old} if old is not None else {}
    links = {bundle: SOURCE for bundle in user.installed}
    fetched = {SOURCE: new if new is not None else "rejected"}
    outcome = refresh(before, fetched, links, user, device, profile, background=True,
                      renotify_build_bug=build_bug)
    snapshot = pending_updates(before, links, user, device, profile)
    # AltStore/AppDelegate.swift:396-419 at 5a0f2de7 maps a pending update's previous build to
    # "" before comparing: with a build it is posted again at every background refresh
    repeats = repeated_by_bug(snapshot, outcome.updates) if build_bug else set()
    every_refresh = reposted_every_refresh(outcome.updates) if build_bug else set()
    return {
        "notifications": [
            {"kind": n.kind, "title": n.title, "body": n.body,
             **({"bundleIdentifier": n.bundle_id, "repeat": n.bundle_id in repeats,
                 "repeatsEveryRefresh": n.bundle_id in every_refresh} if n.kind == "update"
                else {"newsIdentifier": n.news_id})}
            for n in outcome.notifications],
        "renotifyBug": {"reproduced": build_bug, "option": BUG_OPTION, "setting": BUG_SETTING},
        "updates": [
            {"bundleIdentifier": u.bundle_id,
             "from": {"version": user.installed[u.bundle_id].version,
                      "buildVersion": user.installed[u.bundle_id].build_version},
             "to": version_json(u.version)}
            for u in outcome.updates],
        # Against no copy, what disappears is unknown (the content diff says what NEW drops)
        "removedApps": None if old is None else [
            app.bundle_id for app in removed_apps(old, outcome.sources[SOURCE])],
        "badge": outcome.badge,
    }


def rejection_json(rejection: Rejection | None) -> dict[str, str] | None:
    if rejection is None:
        return None
    return {"code": rejection.code, "message": rejection.message, "path": rejection.path,
            "detail": rejection.detail}


def installed_json(app: InstalledApp) -> dict[str, str | None]:
    return {"bundleIdentifier": app.bundle_id, "version": app.version,
            "buildVersion": app.build_version}


def version_key_json(version: Version) -> dict[str, str | None]:
    return {"version": version.version, "buildVersion": version.build_version}


def keep_only(document: dict[str, Any], only: frozenset[str], new: Source | None) -> None:
    """--app: what concerns those apps (the badge stays the user's); the content diff is
    narrowed by `build_document`."""
    news_apps = {item.identifier: item.app_id for item in (new.news if new is not None else [])}
    document["notifications"] = [
        n for n in document["notifications"]
        if (n.get("bundleIdentifier") if n["kind"] == "update"
            else news_apps.get(n["newsIdentifier"])) in only]
    document["updates"] = [u for u in document["updates"] if u["bundleIdentifier"] in only]
    if document["removedApps"] is not None:
        document["removedApps"] = [b for b in document["removedApps"] if b in only]
    installed = document["installed"]
    installed["apps"] = [a for a in installed["apps"] if a["bundleIdentifier"] in only]
    if "notInstallable" in installed:
        installed["notInstallable"] = [b for b in installed["notInstallable"] if b in only]
    document["only"] = sorted(only)
