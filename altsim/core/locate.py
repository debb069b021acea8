"""Line and column of JSON pointers in the source text.

Only run when there is something to report, so the clean path never pays for it. All the
pointers wanted are walked in one pass: containers on the way to a wanted value are entered,
everything else is skipped (by the C scanner for strict JSON, by a small tokenizer for JSON5).
"""

from __future__ import annotations

import json
import json.scanner
import re
from collections.abc import Iterable
from typing import Any

from altsim.core import json5_reader
from altsim.core.diagnostics import pointer_parts

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'', re.DOTALL)
_IDENTIFIER = re.compile(r"[^\s:/,{}\[\]'\"]+")
_SCALAR = re.compile(r"[^\s,\]}/]+")
_JSON5_TOKEN = re.compile(
    r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|//[^\n]*|/\*.*?\*/|[\[\]{}]', re.DOTALL
)
_scan_once: Any = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]

_Trie = dict[Any, Any]
_END = None  # trie key marking "a wanted pointer ends here" (JSON keys are never None)


class _AllFound(Exception):
    pass


def _ends(node: _Trie) -> list[str]:
    found = [node[_END]] if _END in node else []
    for key, child in node.items():
        if key is not _END:
            found += _ends(child)
    return found


class _Walker:
    def __init__(self, text: str, strict: bool, wanted: Iterable[str]) -> None:
        self.text = text
        self.strict = strict
        self.found: dict[str, int] = {}
        self.trie: _Trie = {}
        for pointer in wanted:
            node = self.trie
            for part in pointer_parts(pointer):
                node = node.setdefault(part, {})
            node[_END] = pointer
        self.wanted = sum(1 for _ in _ends(self.trie))

    def space(self, i: int) -> int:
        # Most values follow their colon or comma with at most one space: look before matching.
        text = self.text
        if i < len(text) and not text[i].isspace() and text[i] not in "/\ufeff":
            return i
        match = json5_reader.SPACE.match(text, i)
        return match.end() if match else i

    def skip_value(self, i: int) -> int:
        text = self.text
        if self.strict:
            try:
                return int(_scan_once(text, i)[1])
            except (StopIteration, ValueError):
                return len(text)
        if i >= len(text):
            return i
        if text[i] not in "[{":
            match = _STRING.match(text, i) or _SCALAR.match(text, i)
            return match.end() if match else i + 1
        depth = 0
        for token in _JSON5_TOKEN.finditer(text, i):
            char = token.group()[0]
            if char in "[{":
                depth += 1
            elif char in "]}":
                depth -= 1
                if depth == 0:
                    return token.end()
        return len(text)

    def key_at(self, i: int) -> tuple[str, int]:
        text = self.text
        match = _STRING.match(text, i)
        if match:
            raw = match.group()
            if "\\" not in raw:  # nothing to unescape: the key is the text between the quotes
                key = raw[1:-1]
            elif raw[0] == '"' and self.strict:
                key = json.loads(raw)
            else:
                key = json5_reader.loads(raw)
            return str(key), match.end()
        match = _IDENTIFIER.match(text, i)
        if match is None:
            return "", len(text)
        return match.group(), match.end()

    def walk(self, i: int, node: _Trie) -> int:
        """Record wanted pointers at or below the value at i; return the index after it."""
        text = self.text
        if _END in node:
            self.found[node[_END]] = i
            if len(self.found) == self.wanted:
                # Everything is found: stop rather than skip the rest of a 20 MB document.
                # (A repeated key's later copy, the one the parser keeps, is then missed.)
                raise _AllFound
        if len(node) == (_END in node):  # nothing wanted below
            return self.skip_value(i)
        opener = text[i] if i < len(text) else ""
        if opener not in "[{" or not opener:
            return self.skip_value(i)
        closer = "}" if opener == "{" else "]"
        i = self.space(i + 1)
        index = 0
        while i < len(text) and text[i] != closer:
            if opener == "{":
                key, i = self.key_at(i)
                i = self.space(i)
                i = self.space(i + 1)  # the colon
            else:
                key = str(index)
                index += 1
            child = node.get(key)
            i = self.walk(i, child) if child is not None else self.skip_value(i)
            i = self.space(i)
            if i < len(text) and text[i] == ",":
                i = self.space(i + 1)
            elif i < len(text) and text[i] != closer:
                break  # not a document we parsed; give up quietly
        return i + 1


def locate(text: str, pointers: Iterable[str], strict: bool = True) -> dict[str, int]:
    """Offsets of the values the pointers name (the last occurrence of a repeated key)."""
    walker = _Walker(text, strict, pointers)
    if walker.trie:
        try:
            walker.walk(walker.space(0), walker.trie)
        except _AllFound:
            pass
    return walker.found


def line_columns(text: str, offsets: Iterable[int]) -> dict[int, tuple[int, int]]:
    """1-based line and column for each offset, counting lines incrementally."""
    result: dict[int, tuple[int, int]] = {}
    line, previous, line_start = 1, 0, 0  # line_start: just after the last newline seen
    for offset in sorted(set(offsets)):
        # each stretch of text is scanned once, so a minified file with thousands of
        # diagnostics costs one pass, not one pass back to its start per diagnostic
        newlines = text.count("\n", previous, offset)
        if newlines:
            line += newlines
            line_start = text.rfind("\n", previous, offset) + 1
        previous = offset
        result[offset] = (line, offset - line_start + 1)
    return result
