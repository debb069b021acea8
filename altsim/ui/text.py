"""The one way source text reaches the screen: control characters, bidirectional controls and
lone surrogates shown as U+FFFD (`altsim.core.safe_text`, as the CLI does), never markup."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from altsim.core.safe_text import printable
from altsim.core.tint import adjusted_tint, rgb_hex

MAX_CELL = 200  # characters of one source string shown in a list cell


def literal(value: object, *, limit: int | None = MAX_CELL, colour: int | None = None,
            dark: bool = False, bold: bool = False) -> Text:
    """Source text as a Rich Text: shown as written, one line, bounded, optionally tinted
    with the client's black/white adjustment for light or dark mode (behaviour.md 2.5)."""
    text = printable(str(value), keep_newlines=False)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    style = Style(color=tint(colour, dark) if colour is not None else None, bold=bold)
    return Text(text, style=style, no_wrap=True, end="")


def plain(value: object) -> str:
    """Source text as a plain one-line string (notifications, a dim identifier), escaped as
    `literal` escapes it."""
    return printable(str(value), keep_newlines=False)


def tint(argb: int | None, dark: bool) -> str:
    """A tint as the client draws it (behaviour.md 2.5), grey where the source gives none."""
    return rgb_hex(adjusted_tint(argb, dark)) if argb is not None else "#888888"


def paragraph(value: object) -> Text:
    """Multi-line source text (descriptions, notes), literal."""
    return Text(printable(str(value)), end="")
