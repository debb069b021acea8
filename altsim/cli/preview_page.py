"""The `altsim preview` document: every screen's decisions for each source, as JSON data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from altsim.cli.options import describe_device
from altsim.cli.shapes import button_json, iso, tint_json, version_json
from altsim.core import decisions as d
from altsim.core import store
from altsim.core.check import CheckResult
from altsim.core.device import Device, User
from altsim.core.latest import latest_available, latest_supported
from altsim.core.model import App, NewsItem
from altsim.core.profiles import ClientProfile


@dataclass(slots=True)
class Loaded:
    input: str
    identifier: str | None  # normalized URL, None for a file previewed without --as
    url: str | None
    result: CheckResult


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
    page_attempt = d.app_page_attempt(app, source, user, device, profile)
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
        "install": _attempt_json(attempt),
        "appPageInstall": _attempt_json(page_attempt),
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


def _attempt_json(attempt: d.InstallAttempt) -> dict[str, Any]:
    return {"outcome": attempt.outcome, "version": version_json(attempt.version),
            "title": attempt.title, "message": attempt.message, "action": attempt.action}
