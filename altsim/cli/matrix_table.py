"""The `altsim matrix` table: for each app and iOS version, the version shown and the update."""

from __future__ import annotations

from typing import Any

from altsim.cli.options import describe_device
from altsim.cli.preview_text import reason_text
from altsim.cli.shapes import button_json, version_json
from altsim.core import decisions as d
from altsim.core.check import CheckResult, client_verdict, decoding_ios
from altsim.core.device import Device, User
from altsim.core.latest import STABLE_TRACK
from altsim.core.profiles import ClientProfile
from altsim.core.safe_text import printable
from altsim.core.values import OSVersion

_NONE = "—"


def matrix_document(raw: bytes, input_name: str, profile: ClientProfile, devices: list[Device],
                    user: User, date_prefix_parse: bool, *, only: frozenset[str] | None = None,
                    explain: bool = False, source_url: str | None = None,
                    http_status: int | None = None) -> dict[str, Any]:
    """Decode once per way of decoding (JSON5 and URL rules depend on iOS) and decide per
    app and device; `only` keeps those bundle IDs (--app), `explain` adds each cell's
    `reasons` (--explain). `source_url` and `http_status` are where and how `raw` came."""
    if explain:
        from altsim.core.explain import explain_app, explanation_json, located
    apps: dict[str, dict[str, Any]] = {}
    columns = []
    name = None
    verdicts: dict[OSVersion, CheckResult] = {}
    for device in devices:
        ios = device.ios
        alike = decoding_ios(profile, ios, user.beta_track)
        if alike not in verdicts:
            verdicts[alike] = client_verdict(raw, profile, alike,
                                             date_prefix_parse=date_prefix_parse,
                                             beta_track=user.beta_track, source_url=source_url,
                                             http_status=http_status)
        result = verdicts[alike]
        column: dict[str, Any] = {"ios": ".".join(map(str, ios)), "accepted": result.accepted,
                                  "rejection": None}
        if result.rejection is not None:
            r = result.rejection
            column["rejection"] = {"code": r.code, "message": r.message, "path": r.path}
        columns.append(column)
        source = result.source
        if source is None:
            continue
        name = source.name
        chosen = [app for app in source.apps if only is None or app.bundle_id in only]
        if explain:
            explanations = iter(located(
                [explain_app(app, source, user, device, profile) for app in chosen], raw))
        for app in chosen:
            row = apps.setdefault(app.bundle_id, {"bundleIdentifier": app.bundle_id,
                                                  "name": app.name, "cells": {}})
            decision = d.decide(app, source, user, device, profile)
            row["cells"][column["ios"]] = {
                "visible": d.is_visible(app, source, user, profile),
                "latestSupportedVersion": version_json(decision.latest_supported),
                "update": version_json(decision.update),
                "button": button_json(decision.button),
                "track": app.track,  # SideStore: the release channel used, if any
            }
            if explain:
                row["cells"][column["ios"]]["reasons"] = explanation_json(next(explanations))
    described = describe_device(devices[-1])
    del described["ios"]  # one column per iOS version instead
    document = {
        "client": profile.name, "device": described,
        "only": None if only is None else sorted(only),
        "source": {"input": input_name, "name": name}, "ios": columns,
        "apps": [{**row, "cells": [row["cells"].get(c["ios"]) for c in columns]}
                 for row in apps.values()],
    }
    return document


def _cell(cell: dict[str, Any] | None) -> str:
    if cell is None:
        return "rejected"
    latest = cell["latestSupportedVersion"]
    text = printable(latest["localizedVersion"], keep_newlines=False) if latest else _NONE
    if cell["track"] not in (None, STABLE_TRACK):
        text += f" [{printable(cell['track'], keep_newlines=False)}]"
    if cell["update"]:
        text += " ↑"
    if not cell["visible"]:
        text = f"({text})"
    return text


def render_text(document: dict[str, Any], *, colour: bool = False) -> str:
    columns = [".".join(c["ios"].split(".")[:2] + [p for p in c["ios"].split(".")[2:] if p != "0"])
               for c in document["ios"]]  # as the client prints versions: 17.0, 16.4.1
    rows = [[printable(app["name"], keep_newlines=False)[:32]] + [_cell(c) for c in app["cells"]]
            for app in document["apps"]]
    header = ["app \\ iOS", *columns]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    bold, reset = ("\x1b[1m", "\x1b[0m") if colour else ("", "")
    lines = [f"{printable(document['source']['name'] or document['source']['input'])} "
             f"({document['client']}, {document['device']['family']})", ""]
    lines.append(bold + "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
                 .rstrip() + reset)
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
              for row in rows]
    lines.append("")
    for column in document["ios"]:
        if column["rejection"]:
            r = column["rejection"]
            lines.append(f"iOS {column['ios']}: the client rejects the source ({r['code']}: "
                         f"{printable(r['message'])} at {r['path'] or '-'})")
    lines.append(f"cell: the latest version supported on that iOS ({_NONE}: none; installs "
                 "offer the alert or fail); ↑ an update is offered; (…) hidden from this user")
    for app in document["apps"]:  # --explain
        for column, cell in zip(document["ios"], app["cells"], strict=True):
            if cell is not None and "reasons" in cell:
                lines += ["", f"why: {printable(app['name'], keep_newlines=False)} on iOS "
                          f"{column['ios']}"]
                lines += ["  " + line for line in reason_text(cell["reasons"])]
    return "\n".join(lines) + "\n"
