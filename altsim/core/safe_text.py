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


# What a maintainer is warned about: the control characters a screen does not show. Tab, line
# feed and carriage return are left out. A CRLF line break ("\r\n", what Windows editors
# save) and a lone CR are line breaks to the client: its labels and text views lay text out
# with the Cocoa text system, which "recognizes \n, \r, or \r\n all as paragraph separators"
# (Apple, String Programming Guide, "Words, Paragraphs, and Line Breaks"; likewise
# NSString.paragraphRange(for:): "delimited by a carriage return (U+000D), newline (U+000A),
# or paragraph separator (U+2029)"). Every other C0 control, DEL and the C1 range is reported.
_UNSHOWN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_character_note(text: str) -> str | None:
    """What to tell a maintainer about the control characters in a string the client shows:
    the first one's code point and offset (in characters), and how many more there are."""
    first = _UNSHOWN.search(text)
    if first is None:
        return None
    more = len(_UNSHOWN.findall(text, first.end()))
    others = f" and {more} more" if more else ""
    return (f"contains control character U+{ord(first[0]):04X} at offset {first.start()}"
            f"{others}, which most screens do not show")


def json_dumps(value: object, *, indent: int | None = None) -> str:
    """JSON that keeps non-ASCII text readable but no control character raw: json escapes
    U+0000-U+001F itself, DEL and the C1 range (U+0080-U+009F: a CSI among them) are escaped
    here."""
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    return _RAW_IN_JSON.sub(lambda match: f"\\u{ord(match[0]):04x}", text)
