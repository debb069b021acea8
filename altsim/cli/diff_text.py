"""`altsim diff`'s text, rendered from its JSON document (diff.py builds it). Every string from a
source goes through `printable` on one line: a hostile name cannot move the cursor or fake a
line of the report."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from altsim.core.device import Device
from altsim.core.profiles import ClientProfile
from altsim.core.safe_text import printable
from altsim.core.values import os_version_string

LISTED = 10  # names shown in a one-line list before "and N more"


def shown(text: str | None) -> str:
    return "(none)" if text is None else printable(text, keep_newlines=False)


def listing(names: Iterable[str], limit: int = LISTED) -> str:
    texts = [shown(name) for name in names]
    more = f" and {len(texts) - limit} more" if len(texts) > limit else ""
    return ", ".join(texts[:limit]) + more or "none"


def version_text(version: dict[str, Any]) -> str:
    """A {"version", "buildVersion"} as the client writes it: "1.1 (7)" with a build."""
    build = version["buildVersion"]
    return shown(version["version"]) + (f" ({shown(build)})" if build else "")


def rejection_text(rejection: dict[str, str]) -> str:
    return (f"{shown(rejection['code'])}: {shown(rejection['message'])} at "
            f"{shown(rejection['path'] or '-')}")


def render_text(document: dict[str, Any], profile: ClientProfile, device: Device) -> str:
    lines = old_lines(document, profile)
    if document["accepted"]:
        lines += installed_lines(document, device)
        lines += notification_lines(document, profile)
        lines += update_lines(document)
        lines += [f"Badge: {document['badge']}"]
        lines += content_lines(document, "Changes from OLD to NEW")
    else:
        kept = "OLD" if document["old"]["accepted"] else "their last good copy"
        lines.append(f"The client rejects NEW ({rejection_text(document['rejection'])}): the "
                     "background refresh fails, nothing is saved, nothing is posted. Users "
                     f"keep {kept}; nothing changes for them.")
        lines += content_lines(document, "Changes in the file (users see none of them while "
                                         "NEW is rejected)")
    return "\n".join(lines) + "\n"


def old_lines(document: dict[str, Any], profile: ClientProfile) -> list[str]:
    """A rejected OLD: what users have instead, and what the refresh is counted from."""
    old = document["old"]
    if old["accepted"]:
        return []
    lines = [f"OLD is rejected by {profile.title} ({rejection_text(old['rejection'])}): no "
             "user got it; each keeps their last good copy, which altsim cannot know."]
    if document["accepted"]:
        lines.append("The refresh is counted from no copy: each notification below is posted "
                     "unless a user's last good copy already had it (one marked as posted "
                     "again at every refresh is posted anyway); which apps disappear is "
                     "unknown (the changes below list what NEW drops from OLD).")
        if document["installed"]["assumed"]:
            lines.append("No --installed: what users installed from an earlier copy is "
                         "unknown, so no update is simulated; give --installed ID=VERSION.")
    return lines


def installed_lines(document: dict[str, Any], device: Device) -> list[str]:
    installed = document["installed"]
    if not installed["assumed"]:
        return ["Installed: " + listing(f"{a['bundleIdentifier']} {version_text(a)}"
                                        for a in installed["apps"])]
    if not document["old"]["accepted"]:
        return []
    where = f"iOS {os_version_string(device.ios)} ({device.family})"
    lines = [f"Installed (no --installed): every app of OLD at its latest version for {where}"
             f", {len(installed['apps'])} apps."]
    if installed["notInstallable"]:
        lines.append("  not installable there (no version of OLD supports it): "
                     + listing(installed["notInstallable"]))
    return lines


def notification_lines(document: dict[str, Any], profile: ClientProfile) -> list[str]:
    notes = document["notifications"]
    lines = [f"Notifications posted ({len(notes)}):"]
    for note in notes:
        lines.append(f"  {shown(note['title'])}: {shown(note['body'])}")
        if note.get("repeat"):
            lines.append("    repeat: the same update was offered before NEW; posted again at "
                         "every background refresh until it is installed")
        elif note.get("repeatsEveryRefresh"):
            lines.append("    posted again at every background refresh until it is installed")
    if not notes:
        lines.append("  none")
    if any(note.get("repeatsEveryRefresh") for note in notes):
        bug = document["renotifyBug"]
        lines.append(f"  {profile.brand}'s re-notify bug: a pending update that has a "
                     "buildVersion is posted at every background refresh. altsim "
                     f"reproduces it by default; {bug['option']} turns it off here, "
                     f"`{bug['setting']}` in the simulator.")
    return lines


def update_lines(document: dict[str, Any]) -> list[str]:
    lines = ["Updates offered:"]
    lines += [f"  {shown(u['bundleIdentifier'])}: {version_text(u['from'])} -> "
              f"{version_text(u['to'])}" for u in document["updates"]]
    if not document["updates"]:
        lines.append("  none")
    removed = document["removedApps"]
    if removed is not None:
        installed = {a["bundleIdentifier"] for a in document["installed"]["apps"]}
        lines.append("Apps removed from the store: " + (", ".join(
            f"{shown(b)} (installed: loses its store link, no more updates)" if b in installed
            else shown(b) for b in removed) or "none"))
    return lines


def content_lines(document: dict[str, Any], title: str) -> list[str]:
    content = document["content"]
    if content is None:
        unread = "OLD" if document["old"]["rejection"] and \
            document["old"]["rejection"]["code"] == "jsonSyntax" else "NEW"
        return [f"{title}: cannot be listed, {unread} is not a document the client can read."]
    lines = []
    if content["appsAdded"]:
        lines.append("  apps added: " + apps_text(content["appsAdded"]))
    if content["appsRemoved"]:
        lines.append("  apps removed: " + apps_text(content["appsRemoved"]))
    for app in content["appsChanged"]:
        lines += app_change_lines(app)
    if content["newsAdded"]:
        lines.append("  news added: " + news_text(content["newsAdded"]))
    if content["newsRemoved"]:
        lines.append("  news removed: " + news_text(content["newsRemoved"]))
    return [f"{title}:" if lines else f"{title}: none", *lines]


def apps_text(apps: list[dict[str, str]]) -> str:
    return ", ".join(f"{shown(a['bundleIdentifier'])} ({shown(a['name'])})" for a in apps)


def news_text(items: list[dict[str, str]]) -> str:
    return ", ".join(f"{shown(n['identifier'])} ({shown(n['title'])})" for n in items)


def app_change_lines(app: dict[str, Any]) -> list[str]:
    parts = []
    if app["versionsAdded"]:
        parts.append("versions added " + ", ".join(map(version_text, app["versionsAdded"])))
    if app["versionsRemoved"]:
        parts.append("versions removed "
                     + ", ".join(map(version_text, app["versionsRemoved"])))
    lines = [f"  {shown(app['bundleIdentifier'])} ({shown(app['name'])})"
             + (": " + "; ".join(parts) if parts else ":")]
    for version in app["versionsChanged"]:
        changes = "; ".join(f"{key} {field_text(c['old'])} -> {field_text(c['new'])}"
                            for key, c in version["changes"].items())
        lines.append(f"    {version_text(version)}: {changes}")
    return lines


def field_text(value: str | int | None) -> str:
    return str(value) if isinstance(value, int) else shown(value)
