"""Seeded mutators for the command fuzz suite: a corpus source in, hostile bytes out.

Two families, each a list of small named operations so a failure says what was done:

* ``mutate_structure``: JSON-aware. The source is parsed (keeping duplicate keys and key order),
  then values are replaced by other types, edge numbers (``2**64``, ``1e400``, ``-0``), lone
  surrogate escapes, control and bidi characters, very long strings, edge dates and versions;
  keys are removed, duplicated or renamed; arrays shuffled; nesting made deep. The result is
  written back as JSON text (so a value like ``1e400`` or ``"\\ud800"`` is written as is).
* ``mutate_bytes``: byte-level. Flip, insert, delete and splice bytes, truncate, add BOMs or
  re-encode, plant invalid UTF-8, and JSON5 syntax (comments, trailing commas, single quotes,
  unquoted keys, hex numbers, Infinity).

Everything draws from the ``random.Random`` given, so a seed reproduces the bytes exactly.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass

# --- values that hostile or careless sources hold ------------------------------------------


@dataclass(frozen=True, slots=True)
class Raw:
    """JSON text written as is: numbers Python cannot hold as they are written (``1e400``,
    ``-0``), escapes ``json.dumps`` would never write (a lone surrogate), deep nesting."""

    text: str


class Obj(list[tuple[str, object]]):
    """A JSON object as its (key, value) pairs, so duplicate keys and key order survive."""


EDGE_NUMBERS = [Raw(text) for text in (
    "18446744073709551616", "18446744073709551615", "9223372036854775807",
    "9223372036854775808", "-9223372036854775809", "4294967296", "2147483648", "-2147483649",
    "1e400", "-1e400", "1e-400", "-0", "-0.0", "0.0", "1.0", "1E2", "0.1e1", "5e-324",
    "1.7976931348623157e308", "123456789012345678901234567890", "-1", "0")]

# Characters that must never reach a terminal or a log raw: C0, ESC, DEL, C1 (CSI is U+009B),
# bidi controls, line and paragraph separators; and some that are legal but awkward.
HOSTILE_CHARACTERS = [
    "\x00", "\x07", "\x08", "\x0b", "\x0c", "\r", "\x1b", "\x1b[31m", "\x1b]0;title\x07",
    "\x1b[2J", "\x7f", "\x80", "\x85", "\x9b", "\x9b31m", "\x9d", "\u061c", "\u200e", "\u200f",
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
    "\u2028", "\u2029", "\ufeff", "\ufffd", "\u0301", "\U0001f600", "\u200b", "\t", "\n",
    "[bold]x[/]", "[@click=app.quit]", "%s%n", "\\", '"', "'", "<b>", "&amp;",
]
# Escapes only JSON text can carry: lone surrogates and escaped controls.
HOSTILE_ESCAPES = ["\\ud800", "\\udfff", "\\udc80", "\\ud83d", "\\u0000", "\\u001b[31m",
                   "\\u009b", "\\u202e", "\\u2028", "\\ud800\\ud800", "\\udbff\\udfff"]

EDGE_DATES = [
    "0000-01-01", "0001-01-01", "0001-01-01T00:00:00Z", "0001-01-01T00:00:00+14:00",
    "9999-12-31", "9999-12-31T23:59:59Z", "9999-12-31T23:59:59-05:00", "10000-01-01",
    "-0001-01-01", "2024-02-29", "2023-02-29", "2024-02-30", "2024-13-01", "2024-00-10",
    "2024-01-01T24:00:00Z", "2024-01-01T23:59:60Z", "2024-01-01T12:00:00+25:00",
    "2023-02-17T12:00:00.000Z", "2023-2-7T1:2:3-5:00", "1970-01-01T00:00:00Z",
    "2038-01-19T03:14:08Z", "2024-05-31T12:00:00", "2024-05-31 12:00:00", "", "today",
    "2024-05-31T12:00:00.123456789Z", "٢٠٢٤-٠١-٠١",
]
EDGE_VERSIONS = [
    "", " ", "0", "1", "1.0", "1.0.0", "1.0.0-beta.1", "1.0.0+45", "1.0 (45)", "v2", "1..2",
    "1.2.3.4.5.6", "9" * 400, "99999999999999999999.0", "-1", "1.0.0-", "1.0.0-alpha.beta",
    "1.0.0-0.3.7", "١.٢", "1.0\x00", "2.0\u202e", "1.0\x1b[31m",
]
URLS = ["", " ", "icon.png", "https://example.com/a b", "http://example.com/x.ipa",
        "https://é.example/x", "https://example.com/%zz", "http://[::1]/a", "://", "javascript:x",
        "https://example.com/\x1b[31m.png", "file:///etc/passwd", "https://" + "a" * 3000]


def _long_string(rng: random.Random) -> str:
    unit = rng.choice(["A", "é", "\U0001f600", "\u202e", "\x1b", "ab\n", "\u0301"])
    return unit * rng.choice([1_000, 10_000, 100_000])


def _hostile_text(rng: random.Random) -> str:
    return "".join(rng.choice(HOSTILE_CHARACTERS) for _ in range(rng.randint(1, 4)))


def _deep(rng: random.Random) -> Raw:
    depth = rng.choice([50, 500, 2_000, 20_000])
    opener, closer = rng.choice([("[", "]"), ('{"a":', "}")])
    return Raw(opener * depth + "1" + closer * depth)


def _any_value(rng: random.Random) -> object:
    """A value of any JSON type, often an awkward one."""
    choice = rng.randrange(12)
    if choice == 0:
        return rng.choice([None, True, False])
    if choice == 1:
        return rng.choice(EDGE_NUMBERS)
    if choice == 2:
        return rng.choice([0, 1, -1, 3.5, 2**31, 2**63, 2**64, -(2**63) - 1])
    if choice == 3:
        return _hostile_text(rng)
    if choice == 4:
        return Raw('"' + rng.choice(HOSTILE_ESCAPES) + '"')
    if choice == 5:
        return rng.choice(EDGE_DATES)
    if choice == 6:
        return rng.choice(EDGE_VERSIONS)
    if choice == 7:
        return rng.choice(URLS)
    if choice == 8:
        return rng.choice([[], Obj(), [None], Obj([("", None)])])
    if choice == 9:
        return _deep(rng)
    if choice == 10:
        return _long_string(rng)
    return rng.choice(["", "x", "#abc", "#F54F3280", "0xF54F32", "red", "17", "custom", "null"])


# --- walking and changing a parsed source --------------------------------------------------

Path = tuple[object, ...]  # keys (str) and indexes (int) from the root


def _nodes(value: object, path: Path = ()) -> list[tuple[Path, object]]:
    found = [(path, value)]
    if isinstance(value, Obj):
        for index, (_, child) in enumerate(value):
            found += _nodes(child, (*path, index))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _nodes(child, (*path, index))
    return found


def _child(parent: object, step: object) -> object:
    assert isinstance(parent, list)
    assert isinstance(step, int)
    item = parent[step]
    return item[1] if isinstance(parent, Obj) else item


def _replace(root: object, path: Path, new: object) -> object:
    if not path:
        return new
    parent = root
    for step in path[:-1]:
        parent = _child(parent, step)
    index = path[-1]
    assert isinstance(parent, list)
    assert isinstance(index, int)
    if isinstance(parent, Obj):
        parent[index] = (parent[index][0], new)
    else:
        parent[index] = new
    return root


def _pick(rng: random.Random, root: object, want: Callable[[object], bool]
          ) -> tuple[Path, object] | None:
    candidates = [(path, node) for path, node in _nodes(root) if want(node)]
    if not candidates:
        return None
    # Favour what the client reads deepest (apps, versions) by taking the deeper of two picks.
    first, second = rng.choice(candidates), rng.choice(candidates)
    return first if len(first[0]) >= len(second[0]) else second


def _op_replace_value(rng: random.Random, root: object) -> tuple[object, str]:
    picked = _pick(rng, root, lambda node: True)
    assert picked is not None
    path, _ = picked
    new = _any_value(rng)
    return _replace(root, path, new), f"replace {_label(root, path)} by {_brief(new)}"


def _op_infect_string(rng: random.Random, root: object) -> tuple[object, str]:
    """Plant hostile characters in a string the client shows (a name, a description)."""
    picked = _pick(rng, root, lambda node: isinstance(node, str))
    if picked is None:
        return _op_replace_value(rng, root)
    path, text = picked
    assert isinstance(text, str)
    where = rng.randint(0, len(text))
    if rng.random() < 0.3:
        # an escape json.dumps cannot write: the whole string becomes raw JSON text
        planted = rng.choice(HOSTILE_ESCAPES)
        new: object = Raw(json.dumps(text[:where])[:-1] + planted + json.dumps(text[where:])[1:])
    else:
        planted = _hostile_text(rng)
        new = text[:where] + planted + text[where:]
    return _replace(root, path, new), f"plant {planted!r} in {_label(root, path)}"


def _op_edge_scalar(rng: random.Random, root: object) -> tuple[object, str]:
    """Replace a string or number by an edge value of a kind the field may hold."""
    picked = _pick(rng, root, lambda node: isinstance(node, (str, int, float)))
    if picked is None:
        return _op_replace_value(rng, root)
    path, _ = picked
    pool = rng.choice([EDGE_DATES, EDGE_VERSIONS, EDGE_NUMBERS, URLS])
    new = rng.choice(pool)
    return _replace(root, path, new), f"edge {_label(root, path)} = {_brief(new)}"


def _op_object_keys(rng: random.Random, root: object) -> tuple[object, str]:
    """Remove, duplicate (same key, another value) or rename a key of an object."""
    picked = _pick(rng, root, lambda node: isinstance(node, Obj) and bool(node))
    if picked is None:
        return _op_replace_value(rng, root)
    path, obj = picked
    assert isinstance(obj, Obj)
    index = rng.randrange(len(obj))
    key, value = obj[index]
    action = rng.choice(["remove", "duplicate", "rename", "add"])
    if action == "remove":
        del obj[index]
    elif action == "duplicate":
        obj.insert(rng.randint(0, len(obj)), (key, _any_value(rng) if rng.random() < 0.7
                                               else value))
    elif action == "rename":
        new_key = rng.choice([key.upper(), key + " ", key[:-1], "", "\x1b[31m" + key,
                              key + "\u202e", "__proto__", key + key])
        obj[index] = (new_key, value)
        key = f"{key}->{new_key!r}"
    else:
        extra = rng.choice(["beta", "marketplaceID", "releaseChannels", "platformURLs",
                            "patreon", "appPermissions", "screenshots", "versions", "news",
                            "featuredApps", "userInfo", "tintColor", "maxOSVersion",
                            "absoluteVersion", "buildVersion", "sha256", "\x1b]8;;x\x07"])
        obj.append((extra, _any_value(rng)))
        key = extra
    return root, f"{action} key {key!r} in {_label(root, path)}"


def _op_array(rng: random.Random, root: object) -> tuple[object, str]:
    """Shuffle, empty, duplicate an element of, reverse or grow an array."""
    picked = _pick(rng, root, lambda node: isinstance(node, list) and not isinstance(node, Obj))
    if picked is None:
        return _op_replace_value(rng, root)
    path, array = picked
    assert isinstance(array, list)
    action = rng.choice(["shuffle", "empty", "duplicate", "reverse", "grow"])
    if action == "shuffle":
        rng.shuffle(array)
    elif action == "empty":
        array.clear()
    elif action == "reverse":
        array.reverse()
    elif array:
        item = rng.choice(array)
        array.extend([item] * (1 if action == "duplicate" else rng.choice([10, 200])))
    return root, f"{action} array {_label(root, path)}"


def _op_deep(rng: random.Random, root: object) -> tuple[object, str]:
    picked = _pick(rng, root, lambda node: True)
    assert picked is not None
    path, _ = picked
    new = _deep(rng)
    return _replace(root, path, new), f"nest {_label(root, path)} {new.text[:12]}…"


# Values of the right type at the edge of what each field the client reads can hold, so the
# source is often still accepted and the value reaches the later layers (latest version,
# updates, dates and sizes shown, colours, Patreon).
FIELD_EDGES: dict[str, list[object]] = {
    "date": EDGE_DATES, "versionDate": EDGE_DATES,
    "version": EDGE_VERSIONS, "buildVersion": EDGE_VERSIONS,
    "minOSVersion": ["0", "0.0.0", "17", "17.0", "99999999999999999999.0", "1.2.3.4", "", "x",
                     "17.4.1.1", "-1", "١٧.٠"],
    "maxOSVersion": ["0", "17", "17.0", "12.0", "99999999999999999999.0", "", "16.9999"],
    "size": [Raw(t) for t in ("0", "-1", "2147483648", "4294967296", "9223372036854775807",
                              "9223372036854775808", "1e400", "1.5", "-0")],
    "tintColor": ["", "#", "#abc", "abc", "#F54F3280", "#FFFFFFFF", "#00000000", "0x",
                  "0xZZZ", "zzz", "#12345", "#1234567", " #abc ", "ＦＦＦ", "#ab\u0000c"],
    "category": ["", "games", "GAMES", "unknown", "\u202egames"],
    "amount": [Raw(t) for t in ("0", "-1", "1e400", "0.001", "99999999999999999999")],
    "width": [Raw(t) for t in ("0", "-1", "1e400", "2147483648", "0.5")],
    "height": [Raw(t) for t in ("0", "-1", "1e400", "2147483648", "0.5")],
    "sha256": ["", "zz", "a" * 64, "A" * 64, "a" * 63, "a" * 65],
    "marketplaceID": ["", "0", "-1", "9" * 40, "\u202e1"],
    "identifier": ["", " ", "a" * 3000, "com.x\u0000", "ÄÖÜ"],
    "bundleIdentifier": ["", " ", "com.a", "COM.A", "a" * 3000, "com.a\u202e"],
    "notify": [True, False, None, Raw("1"), "true"],
    "beta": [True, False, None, Raw("1"), "true"],
    "downloadURL": URLS, "iconURL": URLS, "imageURL": URLS, "website": URLS, "url": URLS,
}


def _op_field_edge(rng: random.Random, root: object) -> tuple[object, str]:
    """An edge value of the type a known field holds, in that field."""
    fields = [(path, pair_index, obj) for path, obj in _nodes(root) if isinstance(obj, Obj)
              for pair_index, (key, _) in enumerate(obj) if key in FIELD_EDGES]
    if not fields:
        return _op_edge_scalar(rng, root)
    path, pair_index, obj = rng.choice(fields)
    key = obj[pair_index][0]
    new = rng.choice(FIELD_EDGES[key])
    obj[pair_index] = (key, new)
    return root, f"field {_label(root, (*path, pair_index))} = {_brief(new)}"


STRUCTURE_OPERATIONS: list[tuple[Callable[[random.Random, object], tuple[object, str]], int]] = [
    (_op_infect_string, 5), (_op_replace_value, 3), (_op_edge_scalar, 2), (_op_field_edge, 5),
    (_op_object_keys, 4), (_op_array, 2), (_op_deep, 1)]


def mutate_structure(rng: random.Random, raw: bytes) -> tuple[bytes, list[str]]:
    """1-4 JSON-aware mutations of a corpus source; falls back to bytes if it is not JSON."""
    try:
        root: object = json.loads(raw.decode("utf-8-sig"), object_pairs_hook=Obj)
    except ValueError:
        return mutate_bytes(rng, raw)
    steps = []
    operations, weights = zip(*STRUCTURE_OPERATIONS, strict=True)
    for _ in range(rng.randint(1, 4)):
        operation = rng.choices(operations, weights)[0]
        root, step = operation(rng, root)
        steps.append(step)
    return dump(root, indent=rng.choice([None, 2])).encode("utf-8", "surrogatepass"), steps


def dump(value: object, *, indent: int | None = None, _level: int = 0) -> str:
    """JSON text of a parsed-and-mutated value; ``Raw`` as is, ``Obj`` with its duplicates."""
    if isinstance(value, Raw):
        return value.text
    pad = "" if indent is None else "\n" + " " * (indent * (_level + 1))
    end = "" if indent is None else "\n" + " " * (indent * _level)
    if isinstance(value, Obj):
        if not value:
            return "{}"
        items = [json.dumps(key, ensure_ascii=False) + ": " + dump(child, indent=indent,
                                                                  _level=_level + 1)
                 for key, child in value]
        return "{" + pad + ("," + pad).join(items) + end + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        items = [dump(child, indent=indent, _level=_level + 1) for child in value]
        return "[" + pad + ("," + pad).join(items) + end + "]"
    return json.dumps(value, ensure_ascii=False)


# --- byte-level mutation -------------------------------------------------------------------

INTERESTING_BYTES = b'{}[]",:0123456789-+.eE \\/\x00\x1b\x7f\x80\x9b\xc0\xff\n\r\ttfn'
INSERTS = [
    b"null", b",", b",,", b"//c\n", b"/* c */", b"/*", b'"x"', b"'x'", b"1e999", b"-0", b"[]",
    b"{}", b"\xef\xbb\xbf", b"\xff", b"\xfe", b"\xc0\x80", b"\xed\xa0\x80", b"\xe2\x82",
    b"\xf4\x90\x80\x80", b"\x1b[31m", b"\xc2\x9b", b"\xe2\x80\xae", b"\xe2\x80\xa8", b"\\u",
    b"\\ud800", b"\\", b'"', b"NaN", b"Infinity", b"-Infinity", b"0x1F", b"+1", b".5", b"5.",
    b"\x00", b"\r", b"\n" * 3, b"\\\n", b"]", b"}", b"[" * 100, b"{" * 100,
]
BOMS = [b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00", b"\xef\xbb\xbf" * 2]


def _positions(rng: random.Random, data: bytearray) -> int:
    return rng.randint(0, max(len(data) - 1, 0))


def _json5_syntax(rng: random.Random, data: bytearray) -> str:
    """Syntax JSON5 reads and strict JSON does not (or neither does, near it)."""
    text = bytes(data)
    action = rng.choice(["trailing-comma", "comment", "block-comment", "single-quotes",
                         "unquoted-key", "hex", "infinity", "plus"])
    if action == "trailing-comma":
        targets = [i for i in range(len(text)) if text[i:i + 1] in (b"}", b"]")]
        if targets:
            at = rng.choice(targets)
            data[at:at] = b","
    elif action in ("comment", "block-comment"):
        targets = [i for i in range(len(text)) if text[i:i + 1] in (b"\n", b",")]
        at = rng.choice(targets) + 1 if targets else 1
        data[at:at] = b"// a comment\n" if action == "comment" else b"/* a\ncomment */"
    elif action == "single-quotes":
        start = text.find(b'"', _positions(rng, data))
        stop = text.find(b'"', start + 1) if start >= 0 else -1
        if stop > start >= 0 and b"'" not in text[start:stop]:
            data[start:start + 1] = b"'"
            data[stop:stop + 1] = b"'"
    elif action == "unquoted-key":
        start = text.find(b'": ', _positions(rng, data))
        begin = text.rfind(b'"', 0, start) if start > 0 else -1
        if begin >= 0 and text[begin + 1:start].isalnum():
            data[start:start + 1] = b""
            data[begin:begin + 1] = b""
    else:
        number = {"hex": b"0xFF", "infinity": rng.choice([b"Infinity", b"NaN"]),
                  "plus": b"+1"}[action]
        start = text.find(b": ", _positions(rng, data))
        if start >= 0 and text[start + 2:start + 3].isdigit():
            end = start + 2
            while end < len(text) and text[end:end + 1] in b"0123456789.eE+-":
                end += 1
            data[start + 2:end] = number
    return f"json5 {action}"


def _byte_step(rng: random.Random, data: bytearray) -> str:
    action = rng.choices(["flip", "insert", "delete", "splice", "truncate", "bom", "json5",
                          "encode"], [5, 6, 3, 1, 1, 1, 4, 1])[0]
    at = _positions(rng, data)
    if action == "flip" and data:
        data[at] = rng.choice(INTERESTING_BYTES)
        return f"flip @{at} -> {data[at]:#04x}"
    if action == "insert":
        piece = rng.choice(INSERTS)
        data[at:at] = piece
        return f"insert {piece!r} @{at}"
    if action == "delete":
        size = rng.choice([1, 1, 2, 5, 40, 400])
        del data[at:at + size]
        return f"delete {size} @{at}"
    if action == "splice" and data:
        source = _positions(rng, data)
        piece = bytes(data[source:source + rng.randint(1, 200)])
        data[at:at] = piece
        return f"splice {len(piece)} bytes from @{source} to @{at}"
    if action == "truncate":
        del data[at:]
        return f"truncate @{at}"
    if action == "bom":
        bom = rng.choice(BOMS)
        data[0:0] = bom
        return f"prefix BOM {bom!r}"
    if action == "encode":
        codec = rng.choice(["utf-16", "utf-16-be", "utf-32", "latin-1"])
        text = bytes(data).decode("utf-8", "replace")
        data[:] = text.encode(codec, "replace")
        return f"re-encode as {codec}"
    return _json5_syntax(rng, data)


def mutate_bytes(rng: random.Random, raw: bytes) -> tuple[bytes, list[str]]:
    """1-6 byte-level mutations (a few bytes changed is usually still almost the source)."""
    data = bytearray(raw)
    steps = [_byte_step(rng, data) for _ in range(rng.choice([1, 1, 1, 2, 3, 6]))]
    return bytes(data), steps


# --- helpers for the step descriptions -----------------------------------------------------

def _label(root: object, path: Path) -> str:
    """A JSON pointer-like name of the node at ``path``: keys for objects, indexes for arrays."""
    steps, node = [], root
    for step in path:
        assert isinstance(node, list)
        assert isinstance(step, int)
        steps.append(str(node[step][0]) if isinstance(node, Obj) else str(step))
        node = _child(node, step)
    return "/" + "/".join(steps)


def _brief(value: object) -> str:
    text = value.text if isinstance(value, Raw) else repr(value)
    return text if len(text) <= 40 else f"{text[:30]}…({len(text)} chars)"
