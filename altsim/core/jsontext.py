"""Bytes to JSON values, strict or JSON5, as the client's JSONDecoder accepts them (spec §1.1)."""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass
from typing import Any

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_NON_FINITE = re.compile(r"-?Infinity|NaN")
_JSON5_POSITION = re.compile(r"<string>:(\d+) (.*?) at column (\d+)", re.DOTALL)


@dataclass(frozen=True, slots=True)
class SyntaxProblem:
    message: str
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Document:
    text: str
    value: Any
    # Set when the text is not strict JSON but JSON5 parses it: what strict parsing said.
    json5_only: SyntaxProblem | None = None


class _NonFinite(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    raise _NonFinite(name)


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


def _strict(text: str) -> Any:
    return json.loads(text, parse_constant=_reject_constant)


def _strict_problem(text: str, error: ValueError) -> SyntaxProblem:
    if isinstance(error, json.JSONDecodeError):
        return SyntaxProblem(error.msg, error.lineno, error.colno)
    match = _NON_FINITE.search(text)
    offset = match.start() if match else 0
    line = text.count("\n", 0, offset) + 1
    column = offset - text.rfind("\n", 0, offset)
    return SyntaxProblem(f"{error} is not a JSON number", line, column)


def _json5_problem(error: Exception) -> SyntaxProblem:
    message = str(error)
    match = _JSON5_POSITION.search(message)
    if match:
        return SyntaxProblem(match[2].replace("\n", "\\n"), int(match[1]), int(match[3]))
    return SyntaxProblem(message, 1, 1)


def parse_document(raw: bytes, allow_json5: bool) -> Document | tuple[SyntaxProblem, bool]:
    """The parsed document, or the syntax problem and whether JSON5 would have parsed it."""
    decoded = decode_text(raw)
    if isinstance(decoded, SyntaxProblem):
        return decoded, False
    text = decoded
    try:
        return Document(text, _strict(text))
    except (ValueError, RecursionError) as error:
        strict_problem = (
            _strict_problem(text, error) if isinstance(error, ValueError)
            else SyntaxProblem("nesting too deep", 1, 1)
        )
    import json5  # only for files that are not strict JSON: most never need it

    try:
        value = json5.loads(text)
    except Exception as error:  # a third-party parser on hostile input: any failure is syntax
        # Where the client parses JSON5, its parser's complaint is the one that matters.
        return (_json5_problem(error) if allow_json5 else strict_problem), False
    if not allow_json5:
        return strict_problem, True
    return Document(text, value, json5_only=strict_problem)
