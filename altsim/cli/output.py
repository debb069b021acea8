"""The one writer of the command line: every command's text and JSON, on stdout and stderr,
goes out here.

Each field from a source is escaped where it is formatted (`safe_text.printable`); this
module adds the last guard over the whole text (`safe_text.terminal_text`: SGR colour
sequences keep their ESC on a coloured stdout, nowhere else) and never raises on encoding.
JSON documents are written with `safe_text.json_dumps`, whose single escaping pass is their
guard: nothing unsafe is left raw in its output, so the document is not scanned twice.
"""

from __future__ import annotations

import os
import sys
from typing import TextIO

from altsim.core.safe_text import json_dumps, terminal_text


def _put(stream: TextIO, text: str) -> None:
    try:
        stream.write(text)
    except UnicodeEncodeError:  # a stream that is not UTF-8 (LANG=C on an old system)
        encoding = getattr(stream, "encoding", None) or "utf-8"
        stream.write(text.encode(encoding, "replace").decode(encoding))


def write(text: str) -> None:
    """Text on stdout, as given (no line break added)."""
    _put(sys.stdout, terminal_text(text, colour=colour()))


def line(text: str = "") -> None:
    """A line on stdout."""
    _put(sys.stdout, terminal_text(text, colour=colour()) + "\n")


def error(text: str) -> None:
    """A line on stderr: errors, warnings, notes."""
    _put(sys.stderr, terminal_text(text) + "\n")


def error_text(text: str) -> None:
    """Text on stderr, as given (argparse's messages end with their own line break)."""
    _put(sys.stderr, terminal_text(text))


def write_json(document: object, *, indent: int | None = None, compact: bool = False,
               plain_floats: bool = False, before: str = "", end: str = "\n") -> None:
    """A JSON document on stdout; ``before`` and ``end`` are our own punctuation around it
    (a streamed array's brackets and commas). ``plain_floats``: see safe_text.json_dumps."""
    text = json_dumps(document, indent=indent, compact=compact, plain_floats=plain_floats)
    _put(sys.stdout, terminal_text(before) + text + terminal_text(end))


def flush() -> None:
    sys.stdout.flush()
    sys.stderr.flush()


def colour() -> bool:
    """Whether to colour stdout: a terminal, and NO_COLOR unset."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")
