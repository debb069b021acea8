"""`altsim preview` as a readable page per source: About, Browse, each app page, then News."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from altsim.core.formatting import byte_count, relative_date
from altsim.core.safe_text import printable

_NOTES_LINES, _DESCRIPTION_LINES = 3, 5  # behaviour.md 10.6: what the app page shows before "more"


def render_text(document: dict[str, Any]) -> str:
    device = document["device"]
    out = [f"{document['client']} on iOS {device['ios']} ({device['family']}, {device['locale']}, "
           f"{device['timeZone']}), now {device['now']}", ""]
    if document["clientDoesNot"]:  # what the screens below leave out, said once
        out[-1:-1] = [f"This client {', '.join(document['clientDoesNot'])}."]
    narrowed = document.get("only") is not None  # --app: only those apps' pages
    for source in document["sources"]:
        out += _source(source, device, narrowed)
    if narrowed:
        return "\n".join(out) + "\n"
    out += _merged(document)
    if document["news"]:
        out += ["News (all sources, newest first)", ""]
        out += [_news_line(item, device) for item in document["news"]]
        out.append("")
    return "\n".join(out) + "\n"


def _merged(document: dict[str, Any]) -> list[str]:
    """The screens that merge every accepted source: Sources and Browse
    (behaviour.md 10.3-10.5)."""
    by_id = {s["identifier"] or s["input"]: s for s in document["sources"] if s["accepted"]}
    if len(by_id) < 2:
        return []
    names = {(key, app["bundleIdentifier"]): _name(app)
             for key, s in by_id.items() for app in s["apps"]}
    recently = [names[(r["source"], r["bundleIdentifier"])]
                for r in document["browse"]["recentlyUpdated"]]
    return ["All sources",
            "  Sources list: " + ", ".join(_clean(by_id[i]["name"]) for i in
                                           document["sourcesList"]),
            f"  Browse categories: {', '.join(document['browse']['categories'])}",
            f"  Recently Updated: {', '.join(recently)}", ""]


def _clean(text: Any) -> str:
    """Source text, one line, control characters made visible (never sent to the terminal)."""
    return printable(str(text), keep_newlines=False)


def _when(iso: str | None, device: dict[str, Any]) -> str:
    if iso is None:
        return "Never"
    now = datetime.fromisoformat(device["now"])
    return relative_date(datetime.fromisoformat(iso), now, device["timeZone"], device["locale"])


def _source(source: dict[str, Any], device: dict[str, Any], narrowed: bool = False
            ) -> list[str]:
    title = _clean(source["name"] or source["input"])
    out = ["=" * 78, f"{title}  [{_clean(source['input'])}]", "=" * 78]
    if not source["accepted"]:
        rejection = source["rejection"] or {}
        out += [f"REJECTED: the client shows nothing of this source ({rejection.get('code')}: "
                f"{_clean(rejection.get('message'))} at {_clean(rejection.get('path') or '-')})",
                ""]
        return out
    if narrowed:
        for app in source["apps"]:
            out += _app(app, device)
        return out
    apps = {app["bundleIdentifier"]: _name(app) for app in source["apps"]}
    out += [f"Sources row: {_clean(source['subtitle'])} · {source['visibleAppCount']} apps · "
            f"Last Updated: {_when(source['lastUpdated'], device)}"
            + (f" · tint {source['tint']['shown']}" if source["tint"] else ""), ""]
    out.append("About page")
    featured = [apps[i] for i in source["featuredApps"]]
    out.append(f"  Featured: {', '.join(featured) or '(none)'}")
    for item in source["aboutNews"]:
        out.append(f"  News: {_when(item['date'], device)} {_clean(item['title'])}")
    if source["website"]:
        out.append(f"  Website: {_clean(source['website'])}")
    browse = source["browse"]
    out += ["", "Browse",
            f"  Featured section: {', '.join(apps[i] for i in browse['featured'])}",
            f"  Categories: {', '.join(browse['categories']) or '(none)'}",
            "  Recently Updated: "
            + ", ".join(apps[i] for i in browse["recentlyUpdated"]), ""]
    for app in source["apps"]:
        out += _app(app, device)
    return out


def _name(app: dict[str, Any]) -> str:
    return _clean(app["name"]) + (" [BETA]" if app["betaBadge"] else "")


def _version_text(version: dict[str, Any] | None) -> str:
    if version is None:
        return "none"
    limits = [f"iOS {_clean(version[k])}{sign}" for k, sign in (("minOSVersion", "+"),
                                                       ("maxOSVersion", " max"))
              if version[k] is not None]
    return _clean(version["localizedVersion"]) + (f" ({', '.join(limits)})" if limits else "")


def _app(app: dict[str, Any], device: dict[str, Any]) -> list[str]:
    button = app["button"]
    hidden = "" if app["visible"] else "  (hidden from this user)"
    label = f"  ({app['pledgeLabel']})" if app["pledgeLabel"] else ""
    state = "" if button["enabled"] else " disabled"
    out = [f"- {_name(app)} — {_clean(app['developerName'])}{hidden}",
           f"    button: [{_clean(button['title'])}]{state}{label}"]
    if app["appPageButton"] != button:
        out.append(f"    app page button: [{_clean(app['appPageButton']['title'])}]")
    latest = app["latestVersion"]
    if latest is not None:
        size = byte_count(app["size"], device["locale"]) if app["size"] is not None else "-"
        out.append(f"    Version {_clean(latest['localizedVersion'])} · "
                   f"{_when(latest['date'], device) if latest['date'] else 'no date'} · {size}")
    supported = _version_text(app["latestSupportedVersion"])
    track = f" (release channel: {_clean(app['track'])})" if app["track"] else ""
    out.append(f"    latest supported on this device: {supported}{track}")
    if app["installed"]:
        installed = app["installed"]
        build = f" (build {_clean(installed['buildVersion'])})" if installed["buildVersion"] else ""
        out.append(f"    installed: {_clean(installed['version'])}{build}; update offered: "
                   f"{_version_text(app['update']) if app['update'] else 'no'}")
    out.append("    tap: " + _attempt(app["install"]))
    notes = _lines(app["versionNotes"], _NOTES_LINES)
    out += [f"    | {line}".rstrip() for line in notes]
    shots = app["screenshots"]
    if shots:
        rounded = sum(s["rounded"] for s in shots)
        out.append(f"    screenshots: {len(shots)} for this device ({rounded} with rounded "
                   "corners)")
    if "reasons" in app:
        out.append("    why:")
        out += ["      " + line for line in reason_text(app["reasons"])]
    out.append("")
    return out


def reason_text(reasons: list[dict[str, Any]]) -> list[str]:
    """`--explain`'s reasons (their JSON form) as lines, source text made printable."""
    lines = []
    for reason in reasons:
        lines.append(f"{reason['topic']}: {_clean(reason['text'])} [{reason['rule']}]")
        for evidence in reason["evidence"]:
            where = ""
            if evidence["pointer"] is not None:
                place = (f" line {evidence['line']}:{evidence['column']}"
                         if evidence["line"] is not None else "")
                where = f" at {_clean(evidence['pointer'])}{place}"
            value = "(none)" if evidence["value"] is None else _clean(evidence["value"])
            lines.append(f"  {_clean(evidence['name'])} {value}{where}")
    return lines


def _attempt(attempt: dict[str, Any]) -> str:
    version = attempt["version"]
    if attempt["outcome"] == "install":
        return f"installs {_version_text(version)}"
    if attempt["outcome"] == "offer":
        return (f"alert \"{attempt['title']}\": {_clean(attempt['message'])} "
                f"[{_clean(attempt['action'])}]")
    return f"fails: {_clean(attempt['message'])}"


def _lines(text: str | None, limit: int) -> list[str]:
    if not text:
        return []
    lines = [printable(line, keep_newlines=False) for line in text.splitlines()]
    return lines[:limit] + (["… more"] if len(lines) > limit else [])


def _news_line(item: dict[str, Any], device: dict[str, Any]) -> str:
    opens = {"url": f"opens {_clean(item['url'])}", "app": f"opens app {_clean(item['appID'])}",
             None: "opens nothing"}[item["opens"]]
    return (f"  {_when(item['date'], device):>12}  {_clean(item['title'])}  "
            f"({_clean(item['source'])}; {opens})")
