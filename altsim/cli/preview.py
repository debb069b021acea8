"""`altsim preview`: what a given device and user see of sources, screen by screen."""

from __future__ import annotations

import argparse
import gc
import json
import sys
from dataclasses import dataclass
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
from altsim.cli.preview_text import render_text
from altsim.cli.shapes import button_json, iso, tint_json, version_json
from altsim.core import decisions as d
from altsim.core import store
from altsim.core.check import CheckResult, client_verdict
from altsim.core.device import Device, User
from altsim.core.identity import normalize_source_url
from altsim.core.latest import latest_available, latest_supported
from altsim.core.model import App, NewsItem
from altsim.core.profiles import ClientProfile


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
    add_client_argument(parser)
    add_device_arguments(parser)
    add_user_arguments(parser)
    parser.add_argument("--as", dest="published_as", action="append", default=[],
                        metavar="URL", help="preview a file as if published at URL (its "
                        "identity); repeat to pair with each SOURCE in order")
    parser.add_argument("--format", default="text", choices=("text", "json"),
                        help="text for people, json for tools")
    add_date_prefix_argument(parser)
    parser.set_defaults(run=run, hard_exit=True)


@dataclass(slots=True)
class Loaded:
    input: str
    identifier: str | None  # normalized URL, None for a file previewed without --as
    url: str | None
    result: CheckResult


def run(args: argparse.Namespace) -> int:
    profile = profile_from(args)
    device = device_from(args, ios_from(args.ios))
    user = user_from(args)
    if len(args.published_as) > len(args.sources):
        raise UsageError("more --as URLs than SOURCEs")
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
        try:
            raw = read_source(name)
        except InputError as error:
            print(f"altsim preview: cannot read {error}", file=sys.stderr)
            return 2
        result = client_verdict(raw, profile, device.ios,
                                date_prefix_parse=date_prefix_parse(args))
        loaded.append(Loaded(name, identifier, url, result))
    document = preview_document(loaded, profile, device, user)
    if args.format == "json":
        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=1) + "\n")
    else:
        sys.stdout.write(render_text(document))
    return 0 if all(source["accepted"] for source in document["sources"]) else 1


def preview_document(loaded: list[Loaded], profile: ClientProfile, device: Device,
                     user: User) -> dict[str, Any]:
    views = []
    sources = []
    for item in loaded:
        source = item.result.source
        entry: dict[str, Any] = {"input": item.input, "identifier": item.identifier}
        if source is None:
            rejection = item.result.rejection
            entry.update(name=None, accepted=False, rejection=rejection and {
                "code": rejection.code, "message": rejection.message, "path": rejection.path,
                "detail": rejection.detail}, featuredApps=[], lastUpdated=None, apps=[])
            sources.append(entry)
            continue
        view = store.SourceView(source, item.identifier or item.input, item.url, {
            app.bundle_id for app in source.apps if d.is_visible(app, source, user, profile)})
        views.append(view)
        entry.update(_source_entry(view, profile, device, user))
        sources.append(entry)
    news = [_news_entry(view, item) for view, item in store.merged_news(views)]
    return {"client": profile.name, "device": describe_device(device), "sources": sources,
            "news": news}


def _source_entry(view: store.SourceView, profile: ClientProfile, device: Device,
                  user: User) -> dict[str, Any]:
    source = view.source
    apps = [_app_entry(app, view, profile, device, user) for app in source.apps]
    visible = view.visible_apps()
    return {
        "name": source.name, "accepted": True, "rejection": None,
        "subtitle": store.source_subtitle(view),
        "tint": tint_json(source.tint_colour),
        "website": source.website,
        "featuredApps": [app.bundle_id for app in store.about_featured(view)],
        "aboutNews": [{"identifier": item.identifier, "title": item.title, "date": iso(item.date)}
                      for item in store.about_news(source)],
        "lastUpdated": iso(store.last_updated(source)),
        "visibleAppCount": len(visible),
        "browse": {
            "featured": [app.bundle_id for app in store.browse_featured(view, user.installed)],
            "categories": store.category_tiles(visible),
            "recentlyUpdated": [app.bundle_id for _, app in
                                store.recently_updated([view], device.ios)],
        },
        "apps": apps,
    }


def _app_entry(app: App, view: store.SourceView, profile: ClientProfile, device: Device,
               user: User) -> dict[str, Any]:
    source = view.source
    installed = user.installed.get(app.bundle_id)
    button = d.banner_button(app, source, user, device, profile)
    page_button = d.app_page_button(app, source, user, device, profile)
    attempt = d.install_attempt(app, source, user, device, profile)
    first = latest_available(app)
    return {
        "bundleIdentifier": app.bundle_id, "name": app.name,
        "developerName": app.developer_name, "subtitle": app.subtitle,
        "visible": app.bundle_id in view.visible,
        "category": store.category_of(app),
        "betaBadge": d.shows_beta_badge(app, profile),
        "tint": tint_json(app.tint_colour),
        "latestVersion": version_json(first),
        "latestSupportedVersion": version_json(latest_supported(app, device.ios)),
        "installed": installed and {"version": installed.version,
                                    "buildVersion": installed.build_version},
        "update": version_json(d.available_update(app, source, user, device, profile)),
        "button": button_json(button),
        "appPageButton": button_json(page_button),
        "pledgeLabel": d.pledge_label(app, source, user, profile),
        "install": {"outcome": attempt.outcome, "version": version_json(attempt.version),
                    "title": attempt.title, "message": attempt.message,
                    "action": attempt.action},
        "size": first.size if first else None,
        "description": app.localized_description,
        "versionNotes": first.localized_description if first else None,
        "screenshots": [
            {"url": shown.screenshot.image_url, "device": shown.screenshot.device,
             "width": shown.screenshot.width, "height": shown.screenshot.height,
             "aspect": round(shown.aspect, 4), "rounded": shown.rounded}
            for shown in store.screenshots_for(app, device.family)],
        "permissions": {
            "entitlements": app.permissions.entitlements,
            "privacy": {p.name: p.usage_description for p in app.permissions.privacy}},
        "versions": [version_json(v) for v in app.versions],
    }


def _news_entry(view: store.SourceView, item: NewsItem) -> dict[str, Any]:
    return {"source": view.source.name, "sourceIdentifier": view.identifier,
            "identifier": item.identifier, "title": item.title, "caption": item.caption,
            "date": iso(item.date), "appID": item.app_id, "url": item.url,
            "tint": tint_json(item.tint_colour), "opens": store.news_opens(item, view.source)}
