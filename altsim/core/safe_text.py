"""Text from a source, made safe to show: no control character reaches a terminal.

The characters a screen must never receive raw, wherever they come from:

- C0 controls except tab and line feed, DEL and the C1 range: escape sequences start here
  (ESC, and CSI U+009B / OSC U+009D on terminals that honour 8-bit controls);
- the bidirectional controls (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069): they
  reorder the text around them, so a name can read as something else ("Trojan Source",
  CVE-2021-42574);
- U+2028 and U+2029, line and paragraph separators that some terminals and editors break on
  and others do not;
- lone surrogates (U+D800-U+DFFF, from a `"\\ud800"` escape in valid JSON text): no UTF
  encoder accepts them.

`printable` shows each of them as U+FFFD (the separators as a line break where line breaks are
kept, else a space), so nothing is silently hidden; `json_dumps` escapes them as \\uXXXX, so
the JSON stays valid and a reader gets the original string back; `terminal_text` is the last
pass over a whole output, which keeps only the program's own SGR colour sequences.
"""

from __future__ import annotations

import functools
import json
import re
import sys
from collections.abc import Callable

_BIDI = r"\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_SEPARATORS = r"\u2028\u2029"
_SURROGATES = r"\ud800-\udfff"
_C0 = r"\x00-\x08\x0b-\x1f"
_DEL_C1 = r"\x7f-\x9f"


# Every character above is a control (Cc), a format character (Cf), a surrogate (Cs) or a line
# or paragraph separator (Zl, Zp): none is printable to `str.isprintable`. Text that is all
# printable (tabs and line feeds aside, which none of the patterns below takes unless it says
# so) has nothing to replace, and no pattern is run, nor compiled: each costs 0.3-0.6 ms to
# compile (the surrogate range is large), which every start would otherwise pay.
# tests/test_startup.py checks this claim over every code point.


def _only_printable(text: str, *, but_lines: bool = True) -> bool:
    """Whether ``text`` holds printable characters only (with ``but_lines``, and tabs and line
    feeds): if so, none of the unsafe characters."""
    return text.isprintable() or (
        but_lines and text.replace("\n", " ").replace("\t", " ").isprintable())


def _compiled_when_used(pattern: str) -> Callable[[], re.Pattern[str]]:
    return functools.cache(functools.partial(re.compile, pattern))


_unsafe = _compiled_when_used(f"[{_C0}{_DEL_C1}{_BIDI}{_SEPARATORS}{_SURROGATES}]")
_unsafe_on_one_line = _compiled_when_used(
    f"[\t\n{_C0}{_DEL_C1}{_BIDI}{_SEPARATORS}{_SURROGATES}]")
# json.dumps escapes C0 itself; everything else unsafe is escaped by one pass over its text.
_raw_in_json = _compiled_when_used(f"[{_DEL_C1}{_BIDI}{_SEPARATORS}{_SURROGATES}]")
# Our own colour: Select Graphic Rendition, ESC [ digits and semicolons m. Nothing else.
_unsafe_except_sgr = _compiled_when_used(
    f"(\x1b\\[[0-9;]*m)|[{_C0}{_DEL_C1}{_BIDI}{_SEPARATORS}{_SURROGATES}]")

MARKER = "\ufffd"
_KEEPING_LINES = {"\u2028": "\n", "\u2029": "\n"}
_ON_ONE_LINE = {"\u2028": " ", "\u2029": " ", "\n": " ", "\t": " "}


def _shown_keeping_lines(match: re.Match[str]) -> str:
    return _KEEPING_LINES.get(match[0], MARKER)


def _shown_on_one_line(match: re.Match[str]) -> str:
    return _ON_ONE_LINE.get(match[0], MARKER)


def printable(text: str, *, keep_newlines: bool = True) -> str:
    """The text with every unsafe character shown as U+FFFD, so nothing is silently hidden;
    U+2028/U+2029 become line breaks. Without ``keep_newlines`` line breaks and tabs (and
    the separators) become spaces."""
    if _only_printable(text, but_lines=keep_newlines):
        return text
    if keep_newlines:
        return _unsafe().sub(_shown_keeping_lines, text)
    return _unsafe_on_one_line().sub(_shown_on_one_line, text)


def _kept_sgr(match: re.Match[str]) -> str:
    return match[1] or _KEEPING_LINES.get(match[0], MARKER)


def terminal_text(text: str, *, colour: bool = False) -> str:
    """The final pass over a whole output, after each field went through `printable`: any
    unsafe character (one a formatter forgot to pass through `printable`) is replaced as
    `printable` does. With ``colour``, SGR colour sequences keep their ESC: the formatters
    add ours only when colouring, so without it no ESC at all reaches the stream."""
    if not colour:
        return printable(text)
    if _only_printable(text):  # no ESC either: nothing to keep or replace
        return text
    return _unsafe_except_sgr().sub(_kept_sgr, text)


def _compact_by_msgspec(value: object) -> str | None:
    """What json.dumps writes compactly, by msgspec's encoder (six times as fast on a preview
    page), when msgspec is loaded already: only for a source large enough for the fast path
    (core/fast_decode.py), whose page is large too; it is never imported for this alone. None
    where it refuses what json writes (a lone surrogate, a key json writes as "true" or
    "null"). The caller vouches for the floats (see json_dumps)."""
    msgspec = sys.modules.get("msgspec")
    if msgspec is None:
        return None
    try:
        text: str = msgspec.json.encode(value).decode()
    except (TypeError, ValueError, OverflowError, msgspec.EncodeError):
        return None
    return text


def _escaped(match: re.Match[str]) -> str:
    return f"\\u{ord(match[0]):04x}"


def json_dumps(value: object, *, indent: int | None = None, compact: bool = False,
               plain_floats: bool = False) -> str:
    """JSON that keeps non-ASCII text readable but no unsafe character raw: json escapes
    U+0000-U+001F itself (ESC among them); DEL, C1, the bidirectional controls, U+2028/U+2029
    and lone surrogates are escaped here, in one pass, as \\uXXXX: the JSON stays valid and
    `json.loads` returns the original strings. ``compact`` drops the spaces after , and :.
    ``plain_floats``: the caller knows every float in `value` is 0 or of a magnitude from
    1e-4 to below 1e16, where msgspec writes a float as json does (outside, json writes 1e+16
    and 1e-05, msgspec 1e16 and 0.00001; json NaN, msgspec null): a compact text may then be
    msgspec's."""
    text = _compact_by_msgspec(value) if compact and plain_floats and indent is None else None
    if text is None:
        text = json.dumps(value, ensure_ascii=False, indent=indent,
                          separators=(",", ":") if compact else None)
    if text.isascii():  # O(1) in CPython; DEL is the one unsafe ASCII character json leaves
        return text.replace("\x7f", "\\u007f")
    if _only_printable(text):
        return text
    return _raw_in_json().sub(_escaped, text)


# What a maintainer is warned about: the control characters a screen does not show. Tab, line
# feed and carriage return are left out. A CRLF line break ("\r\n", what Windows editors
# save) and a lone CR are line breaks to the client: its labels and text views lay text out
# with the Cocoa text system, which "recognizes \n, \r, or \r\n all as paragraph separators"
# (Apple, String Programming Guide, "Words, Paragraphs, and Line Breaks"; likewise
# NSString.paragraphRange(for:): "delimited by a carriage return (U+000D), newline (U+000A),
# or paragraph separator (U+2029)"). Every other C0 control, DEL and the C1 range is reported,
# and so are the bidirectional controls: the client lays them out as the Unicode
# bidirectional algorithm says, so a name can show reordered (a spoofed name).
_unshown = _compiled_when_used(f"[\x00-\x08\x0b\x0c\x0e-\x1f{_DEL_C1}{_BIDI}]")
_bidi_class = _compiled_when_used(f"[{_BIDI}]")


def control_character_note(text: str) -> str | None:
    """What to tell a maintainer about the control characters in a string the client shows:
    the first one's code point and offset (in characters), and how many more there are."""
    if _only_printable(text):
        return None
    first = _unshown().search(text)
    if first is None:
        return None
    more = len(_unshown().findall(text, first.end()))
    others = f" and {more} more" if more else ""
    if _bidi_class().match(first[0]):
        return (f"contains bidirectional control U+{ord(first[0]):04X} at offset "
                f"{first.start()}{others}, which reorders the text the client shows")
    return (f"contains control character U+{ord(first[0]):04X} at offset {first.start()}"
            f"{others}, which most screens do not show")
