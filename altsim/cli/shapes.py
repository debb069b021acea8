"""The JSON shapes `preview` and `matrix` share: versions, buttons, dates, colours."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from altsim.core.decisions import Button
from altsim.core.model import Version
from altsim.core.tint import adjusted_tints, rgb_hex
from altsim.core.values import is_dated


def version_json(version: Version | None) -> dict[str, Any] | None:
    if version is None:
        return None
    return {"version": version.version, "buildVersion": version.build_version,
            "localizedVersion": version.localized_version, "date": iso(version.date),
            "minOSVersion": version.min_os_version, "maxOSVersion": version.max_os_version}


def button_json(button: Button) -> dict[str, Any]:
    return {"title": button.title, "enabled": button.enabled,
            "countdownTo": iso(button.countdown_to)}


def tint_json(argb: int | None) -> dict[str, str] | None:
    """The colour as stored, and as banners draw it after the black/white adjustment
    (behaviour.md 2.5): `shown` in light mode, `dark` in dark mode."""
    if argb is None:
        return None
    stored, shown, dark = _tint(argb)
    return {"stored": stored, "shown": shown, "dark": dark}


@functools.lru_cache(maxsize=4096)  # sources repeat their colours
def _tint(argb: int) -> tuple[str, str, str]:
    light, dark = adjusted_tints(argb)
    stored = rgb_hex(argb)
    if light == dark == argb:  # most colours: drawn as stored in both modes
        return stored, stored, stored
    shown = rgb_hex(light)
    return stored, shown, shown if dark == light else rgb_hex(dark)


def iso(date: datetime | None) -> str | None:
    """A date for JSON; None for none, and for one the client decoded as absent."""
    if date is None or not is_dated(date):
        return None
    return date.isoformat().replace("+00:00", "Z")
