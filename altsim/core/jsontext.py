"""Bytes to JSON values, strict or JSON5, as the client's JSONDecoder accepts them.

The client parses strict JSON before iOS 15 and JSON5 from iOS 15 (AltStore
`AltStore/Operations/FetchSourceOperation.swift:125-128` at 5a0f2de7:
`if #available(iOS 15, *) { decoder.allowsJSON5 = true }`). A text that is not strict JSON
is read with both parsers, so one run says what every device makes of it.
"""

from __future__ import annotations

import codecs
import json
import re
from typing import Any, NamedTuple

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Patterns for a text that fails to parse, compiled there (by re's cache), not at every start.
_NON_FINITE = r"-?Infinity|NaN"
# An HTML page: a doctype or <html> first, or any tag first and an html, head or body tag
# somewhere. No JSON or JSON5 text starts with "<", so a page is never mistaken for a source.
_HTML_START = r"[\s\ufeff]*(?:(<!doctype\s+html|<html\b)|<[a-z!?])"
_HTML_TAG = r"<(?:html|head|body)\b"

_HTML_PAGE = ("this is an HTML page, not JSON: likely a GitHub page URL (github.com/…/blob/…) "
              "where the raw file (raw.githubusercontent.com/…) was meant, a login page or an "
              "error page")
_EMPTY_FILE = "not valid JSON: the file is empty"
TOO_DEEP = "nesting too deep"


class SyntaxProblem(NamedTuple):
    """What a parser said, and where (line and column from 1)."""

    message: str
    line: int
    column: int


class Document(NamedTuple):
    """A text a device's parser read, and the JSON values it read from it."""

    text: str
    value: Any
    # Set when the text is not strict JSON but JSON5 parses it: what strict parsing said.
    json5_only: SyntaxProblem | None = None


class SyntaxFailure(NamedTuple):
    """Bytes some devices cannot read: the first error of each of the client's parsers."""

    strict: SyntaxProblem  # the strict parser's (devices before JSON5)
    json5: SyntaxProblem | None  # the JSON5 parser's; None when JSON5 reads the text
    # Set when the bytes are no JSON text at all (an HTML page, an empty file, bytes that are
    # not text): every device fails alike, and `strict` is the whole message, `json5` the same.
    everywhere: bool = False


class _NonFinite(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    raise _NonFinite(name)


def position(text: str, offset: int) -> tuple[int, int]:
    """Line and column (from 1) of a character offset."""
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


def decode_text(raw: bytes) -> str | SyntaxProblem:
    """Text of the bytes: UTF-8, or UTF-16/32 announced by a byte-order mark."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw[len(bom):].decode(encoding)
            except UnicodeDecodeError as error:
                return SyntaxProblem(f"not valid {encoding.upper()}: {error.reason}", 1, 1)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        return SyntaxProblem(f"not valid UTF-8: {error.reason}", line, column)


def _not_a_document(text: str) -> SyntaxProblem | None:
    """Why the text cannot be a source on any device, when the reason is not JSON syntax:
    it is empty, or it is an HTML page (a web page's URL was added, or the server answered
    with a login or error page)."""
    if not text or text.isspace():
        return SyntaxProblem(_EMPTY_FILE, *position(text, len(text)))
    match = re.match(_HTML_START, text, re.IGNORECASE)
    if match is None:
        return None
    if match[1] is None and re.search(_HTML_TAG, text, re.IGNORECASE) is None:
        return None  # some other markup (an XML plist, an SVG): plain syntax errors say enough
    return SyntaxProblem(_HTML_PAGE, *position(text, match[0].index("<")))


def _strict(text: str) -> Any:
    return json.loads(text, parse_constant=_reject_constant)


def _strict_problem(text: str, error: ValueError) -> SyntaxProblem:
    if isinstance(error, json.JSONDecodeError):
        return SyntaxProblem(error.msg, error.lineno, error.colno)
    match = re.search(_NON_FINITE, text)
    offset = match.start() if match else 0
    return SyntaxProblem(f"{error} is not a JSON number", *position(text, offset))


# -- JSON5 --------------------------------------------------------------------------------------
def parse_document(raw: bytes, allow_json5: bool) -> Document | SyntaxFailure:
    """The parsed document, or what each parser said when this device's parser fails.

    Strict JSON is tried first and is all a clean source costs. Only when it fails is the
    JSON5 parser run: its document when the device allows JSON5, else its verdict, so that
    both device ranges are reported either way.
    """
    decoded = decode_text(raw)
    if isinstance(decoded, SyntaxProblem):
        # Bytes that are not text may still be a page in another encoding (Latin-1, say).
        page = _not_a_document(raw.decode("latin-1"))
        problem = page if page is not None and page.message == _HTML_PAGE else SyntaxProblem(
            f"not valid JSON: {decoded.message}", decoded.line, decoded.column)
        return SyntaxFailure(problem, problem, everywhere=True)
    text = decoded
    try:
        return Document(text, _strict(text))
    except (ValueError, RecursionError) as error:
        strict_problem = (
            _strict_problem(text, error) if isinstance(error, ValueError)
            else SyntaxProblem(TOO_DEEP, 1, 1)
        )
        # Strict parsing read the whole text and wanted more: a strict prefix, which JSON5
        # (a superset, reading strict tokens alike) cannot complete either.
        truncated = isinstance(error, json.JSONDecodeError) and (
            error.pos >= len(text) or error.msg.startswith("Unterminated string"))
    page = _not_a_document(text)
    if page is not None:
        return SyntaxFailure(page, page, everywhere=True)
    from altsim.core.json5_reader import Json5Error, loads  # only for files not strict JSON

    try:
        value = loads(text, may_parse=not truncated)
    except Json5Error as error:
        return SyntaxFailure(strict_problem, error.problem)
    if not allow_json5:
        return SyntaxFailure(strict_problem, None)
    return Document(text, value, json5_only=strict_problem)
