"""The `altsim preview` document: every screen's decisions for each source, as JSON data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from altsim.cli.options import describe_device
from altsim.cli.shapes import button_json, iso, tint_json, version_json
from altsim.core import decisions as d
from altsim.core import store
from altsim.core.check import CheckResult
from altsim.core.client_differences import what_it_does_not
from altsim.core.device import Device, User
from altsim.core.model import App, NewsItem, Version
from altsim.core.profiles import DEFAULT_PROFILE, ClientProfile


@dataclass(slots=True)
class Loaded:
    input: str
    identifier: str | None  # normalized URL, None for a file previewed without --as
    url: str | None
    result: CheckResult
    raw: bytes | None = None  # the source's bytes: line:column of the reasons' fields


def preview_document(loaded: list[Loaded], profile: ClientProfile, device: Device,
                     user: User, *, only: frozenset[str] | None = None,
                     explain: bool = False) -> dict[str, Any]:
    """The preview of every source; `only` narrows each source's `apps` to those bundle IDs
    (--app), `explain` adds each app's `reasons` (--explain)."""
    views = []
    recent: list[list[tuple[store.SourceForUser, App]]] = []  # each source's Recently Updated
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
        view = store.source_for_user(source, item.identifier or item.input, user, profile,
                                   item.url)
        views.append(view)
        recent.append(store.recently_updated([view], device.ios))
        entry.update(_source_entry(view, recent[-1], profile, device, user, only))
        if explain:
            _add_reasons(entry["apps"], view, profile, device, user, item.raw)
        sources.append(entry)
    bundle_ids = {id(view): {app.bundle_id for app in view.source.apps} for view in views}
    news = [_news_entry(view, item, bundle_ids[id(view)])
            for view, item in store.merged_news(views)]
    every = [app for view in views for app in view.visible_apps()]
    return {
        "client": profile.name, "device": describe_device(device), "sources": sources,
        "clientDoesNot": what_it_does_not(profile, DEFAULT_PROFILE),
        "only": None if only is None else sorted(only),
        "news": news,
        # the screens that merge every source (behaviour.md 10.3-10.5)
        "sourcesList": [view.identifier for view in store.sources_order(views)],
        "browse": {
            "all": [_ref(v, a) for v, a in store.browse_order(views, device.ios)],
            "categories": store.category_tiles(every),
            # one source: its own list (sorting every app again costs as much again)
            "recentlyUpdated": [_ref(v, a) for v, a in (
                recent[0] if len(views) == 1 else store.recently_updated(views, device.ios))],
        },
    }


def _ref(view: store.SourceForUser, app: App) -> dict[str, str]:
    return {"source": view.identifier, "bundleIdentifier": app.bundle_id}


def _add_reasons(entries: list[dict[str, Any]], view: store.SourceForUser,
                 profile: ClientProfile, device: Device, user: User, raw: bytes | None) -> None:
    from altsim.core.explain import explain_app, explanation_json, located

    by_id = {app.bundle_id: app for app in view.source.apps}
    explanations = located([explain_app(by_id[entry["bundleIdentifier"]], view.source, user,
                                        device, profile) for entry in entries], raw)
    for entry, explanation in zip(entries, explanations, strict=True):
        entry["reasons"] = explanation_json(explanation)


def _source_entry(view: store.SourceForUser, recent: list[tuple[store.SourceForUser, App]],
                  profile: ClientProfile, device: Device, user: User,
                  only: frozenset[str] | None = None) -> dict[str, Any]:
    source = view.source
    apps = [_app_entry(app, view, profile, device, user) for app in source.apps
            if only is None or app.bundle_id in only]
    visible = view.visible_apps()
    return {
        "name": source.name, "accepted": True, "rejection": None,
        "subtitle": store.source_subtitle(view),
        "tint": tint_json(source.tint_colour),
        "website": source.website,
        "featuredApps": [app.bundle_id for app in store.about_featured(view)],
        "aboutNews": [{"identifier": item.identifier, "title": item.title, "date": iso(item.date)}
                      for item in store.about_news(view)],
        "lastUpdated": iso(store.last_updated(source)),
        "visibleAppCount": len(visible),
        "browse": {
            "featured": [app.bundle_id for app in store.browse_featured(view, user.installed)],
            "categories": store.category_tiles(visible),
            "recentlyUpdated": [app.bundle_id for _, app in recent],
        },
        "apps": apps,
    }


def _app_entry(app: App, view: store.SourceForUser, profile: ClientProfile, device: Device,
               user: User) -> dict[str, Any]:
    source = view.source
    installed = user.installed.get(app.bundle_id)
    decision = d.decide(app, source, user, device, profile)
    first = decision.latest
    # the decisions often name one version, button or attempt twice: each shaped once
    shapes: dict[int, dict[str, Any] | None] = {id(None): None}

    def version(value: Version | None) -> dict[str, Any] | None:
        shape = shapes.get(id(value))
        if shape is None and value is not None:
            shape = shapes[id(value)] = version_json(value)
        return shape

    button = button_json(decision.button)
    install = _attempt_json(decision.install, version)

    return {
        "bundleIdentifier": app.bundle_id, "name": app.name,
        "developerName": app.developer_name, "subtitle": app.subtitle,
        "visible": app.bundle_id in view.visible,
        "category": store.category_of(app),
        "betaBadge": d.shows_beta_badge(app, profile, device.ios),
        "track": app.track,
        "tint": tint_json(app.tint_colour),
        "latestVersion": version(first),
        "latestSupportedVersion": version(decision.latest_supported),
        "installed": installed and {"version": installed.version,
                                    "buildVersion": installed.build_version},
        "update": version(decision.update),
        "button": button,
        "appPageButton": button if decision.app_page_button is decision.button
        else button_json(decision.app_page_button),
        "pledgeLabel": d.pledge_label(app, source, user, profile),
        "install": install,
        "appPageInstall": install if decision.app_page_install is decision.install
        else _attempt_json(decision.app_page_install, version),
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
    }


def _news_entry(view: store.SourceForUser, item: NewsItem, bundle_ids: set[str]
                ) -> dict[str, Any]:
    return {"source": view.source.name, "sourceIdentifier": view.identifier,
            "identifier": item.identifier, "title": item.title, "caption": item.caption,
            "date": iso(item.date), "appID": item.app_id, "url": item.url,
            "tint": tint_json(item.tint_colour), "opens": store.news_opens(item, bundle_ids)}


def _attempt_json(attempt: d.InstallAttempt,
                  version: Callable[[Version | None], dict[str, Any] | None]) -> dict[str, Any]:
    return {"outcome": attempt.outcome, "version": version(attempt.version),
            "title": attempt.title, "message": attempt.message, "action": attempt.action}
