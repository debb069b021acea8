"""Text from a source, made safe to show: no control characters reach a terminal."""

from __future__ import annotations

import json
import re

# C0 except tab and newline, DEL, C1 — escape sequences start here.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_RAW_IN_JSON = re.compile(r"[\x7f-\x9f]")


def printable(text: str, *, keep_newlines: bool = True) -> str:
    """The text with control characters shown as U+FFFD, so nothing is silently hidden."""
    cleaned = _CONTROL.sub("\ufffd", text)
    return cleaned if keep_newlines else cleaned.replace("\n", " ").replace("\t", " ")


def has_control_characters(text: str) -> bool:
    return _CONTROL.search(text) is not None


def json_dumps(value: object, *, indent: int | None = None) -> str:
    """JSON that keeps non-ASCII text readable but no control character raw: json escapes
    U+0000-U+001F itself, DEL and the C1 range (U+0080-U+009F: a CSI among them) are escaped
    here."""
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    return _RAW_IN_JSON.sub(lambda match: f"\\u{ord(match[0]):04x}", text)
