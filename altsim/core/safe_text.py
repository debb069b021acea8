"""Text from a source, made safe to show: no control characters reach a terminal."""

from __future__ import annotations

import re

# C0 except tab and newline, DEL, C1 — escape sequences start here.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str, *, keep_newlines: bool = True) -> str:
    """The text with control characters shown as U+FFFD, so nothing is silently hidden."""
    cleaned = _CONTROL.sub("\ufffd", text)
    return cleaned if keep_newlines else cleaned.replace("\n", " ").replace("\t", " ")


def has_control_characters(text: str) -> bool:
    return _CONTROL.search(text) is not None
