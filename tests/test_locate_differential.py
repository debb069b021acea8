"""`locate` gives the offsets the walker it replaced gave, on every corpus and quirk file and
on generated documents (strict JSON and JSON5: escaped and repeated keys, white space, BOMs,
comments, single quotes).

The reference below is the general walker alone, which was the whole of locate before (commit
02dc48c) and is still what JSON5 texts take. Its semantics are the contract: the value of the
last occurrence of a repeated key, unless every pointer was found before that occurrence was
reached (the walk stops there); a pointer that names nothing is left out.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from altsim.core import locate as locate_module
from altsim.core.diagnostics import pointer_parts
from altsim.core.jsontext import Document, decode_text, parse_document
from altsim.core.locate import line_columns, locate

from .conftest import IN_REPO_CORPUS, ROOT

QUIRKS = ROOT / "tests" / "fixtures" / "quirks"
FILES = sorted(IN_REPO_CORPUS.glob("*.json")) + sorted(QUIRKS.glob("*.json"))

# -- the reference: the general walker alone, token by token in Python ----------------------

def reference_locate(text: str, pointers: Iterable[str], strict: bool = True
                     ) -> dict[str, int]:
    """What the general walker finds by itself: the walker before the fast one (commit
    02dc48c), which JSON5 texts and unexpected ones still take. Its trie is built here from
    `pointer_parts`, not by the fast walker's own code."""
    trie: dict[Any, Any] = {}
    for pointer in pointers:
        node = trie
        for part in pointer_parts(pointer):
            node = node.setdefault(part, {})
        node[None] = pointer
    if not trie:
        return {}
    wanted = sum(1 for _ in _ends(trie))
    walker = locate_module._Walker(text, strict, trie, wanted)
    try:
        walker.walk(walker.space(0), trie)
    except locate_module._AllFound:
        pass
    return walker.found


def _ends(node: dict[Any, Any]) -> list[str]:
    found = [node[None]] if None in node else []
    for key, child in node.items():
        if key is not None:
            found += _ends(child)
    return found


# -- comparing -------------------------------------------------------------------------------

def escaped(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def value_pointers(value: object, pointer: str = "") -> Iterator[str]:
    """Every pointer into a parsed value, the root's ("") first."""
    yield pointer
    if isinstance(value, dict):
        for key, child in value.items():
            yield from value_pointers(child, f"{pointer}/{escaped(key)}")
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from value_pointers(child, f"{pointer}/{index}")


MISSING = ["/apps/100000", "/nope", "/apps/0/nope", "/apps/0/versions/0/nope", "/apps/-",
           "/apps/00", "/", "//", "/~2", "x/apps"]


def assert_same(text: str, pointers: list[str], strict: bool) -> None:
    expected = reference_locate(text, pointers, strict)
    found = locate(text, pointers, strict)
    assert found == expected
    assert list(found) == list(expected)  # recorded in the same order


def pointer_sets(pointers: list[str], seed: str) -> Iterator[list[str]]:
    """All the pointers (the walk stops at the last value); all of them and pointers that name
    nothing (it goes to the end); samples of one, a few and half, the last with pointers that
    name nothing."""
    rng = random.Random(seed)
    if len(pointers) > 2000:  # the largest files: a sample, for a test of a second or less
        pointers = rng.sample(pointers, 2000)
    yield pointers
    yield pointers + MISSING
    yield rng.sample(pointers, 1)
    yield rng.sample(pointers, min(30, len(pointers)))
    yield rng.sample(pointers, len(pointers) // 2) + rng.sample(MISSING, 2)


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_corpus_and_quirk_file_is_located_as_before(path: Path):
    raw = path.read_bytes()
    parsed = parse_document(raw, allow_json5=True)
    if isinstance(parsed, Document):
        text, strict = parsed.text, parsed.json5_only is None
        pointers = list(value_pointers(parsed.value))
    else:  # a text neither parser reads: what explain's JSON5 walk and a strict one make of it
        text = decode_text(raw)
        if not isinstance(text, str):
            return
        strict = True
        pointers = ["", "/name", "/apps", "/apps/0", "/apps/0/name", "/apps/1/versions/0",
                    "/news/0/title"]
    for wanted in pointer_sets(pointers, path.name):
        assert_same(text, wanted, strict)
    if strict:  # explain reads every text as JSON5
        assert_same(text, pointers[::20] + MISSING, strict=False)


def test_the_large_corpus_file_with_its_diagnostics_pointers():
    from altsim.core.check import check_source
    from altsim.core.profiles import PROFILES

    raw = (IN_REPO_CORPUS / "Neoncat-OG__TrollStore-IPAs__apps_esign.json").read_bytes()
    result = check_source(raw, PROFILES["altstore"], (17, 0, 0))
    parsed = parse_document(raw, allow_json5=True)
    assert isinstance(parsed, Document)
    pointers = [d.pointer for d in result.diagnostics]
    assert len(pointers) > 1700
    assert_same(parsed.text, pointers, strict=True)


def test_repeated_keys_and_the_early_stop():
    text = '{"a": {"x": 1}, "b": 2, "a": {"x": 3, "y": 4}, "c": [5, 6]}'
    # the later copy when the walk goes on to it ...
    assert locate(text, ["/a/x", "/c/1"]) == {"/a/x": text.index("3"), "/c/1": text.index("6")}
    # ... the first when every pointer is found before it (the reference's early stop)
    assert locate(text, ["/a/x"]) == {"/a/x": text.index("1")}
    assert locate(text, ["/a/x", "/a/y"]) == {"/a/x": text.index("3"), "/a/y": text.index("4")}
    for pointers in (["/a/x", "/c/1"], ["/a/x"], ["/a/x", "/a/y"], ["/a", "/b"], ["/a/x", "/q"]):
        assert_same(text, pointers, strict=True)


def test_escaped_keys_white_space_and_a_text_the_fast_walker_does_not_expect():
    text = ' \r\n{"\\u0061pps" :\t[ {"n\\"ame":"x\\"y", "k~/": [] , "n\\"ame" : 7} ] }\n'
    pointers = ["/apps/0/n\"ame", "/apps/0/k~0~1", "/apps", "/zz"]
    found = locate(text, pointers)
    assert found["/apps/0/n\"ame"] == text.index("7")
    assert found["/apps/0/k~0~1"] == text.index("[]")
    for broken in (text[:40], text.replace(",", " ", 1), text.replace(":", "", 1),
                   "\ufeff" + text, text.replace("7", "07"), text.replace("7", "NaN"),
                   text.replace('"x', '"\x01x'), text.replace('"\\u0061', '"\\x61')):
        for strict in (True, False):
            try:
                expected: dict[str, int] | type[Exception] = reference_locate(
                    broken, pointers, strict)
            except Exception as error:  # an escape the parser cannot read, in a key
                expected = type(error)
            if isinstance(expected, dict):
                assert locate(broken, pointers, strict) == expected
            else:
                with pytest.raises(expected):
                    locate(broken, pointers, strict)


@pytest.mark.parametrize("text", [
    '{"x": "size", "size": 1}',  # the key's text as a value first
    '{"a": {"size": 1}, "size": 2}',  # nested first
    '{"a": [{"size": 1}], "b": 0}',  # nested only
    '{"s\\u0069ze": 1, "size": 2}',  # written with an escape, then plainly
    '{"size": 2, "s\\u0069ze": 1}',
    '{"size": 1, "size": 2}',  # repeated
    '{"name": "a [b] {c}", "size": 1}',  # brackets in a string before it
    '{"x": "he said \\"size\\": no", "size": 3}',  # in a string, with escaped quotes
    '{"x\\"size": 1, "size": 2}',  # the end of a key with an escaped quote
    '{"\\\\": 0, "size" :\t4 }',
    '{"size": {"size": 5}}',
    '{"other": 1}',
    '{"sizes": 1, "size": 6, "Size": 7}',
    '[{"size": 1}, {"x": 2}, {"size": 3, "size": 4}, {"a": {"size": 5}}]',
    '{"x\\"size": 1, "y": 2}',  # only there
    '{"a": "x",": 1": 2}',  # "," between two strings, then a colon: no key ","
])
def test_one_wanted_key_in_an_object_found_by_searching(text):
    # An object in which one key is wanted is searched with str.find; wherever that cannot
    # be sure, it is walked member by member. Either way, what the reference records.
    pointers = ["/size", "/0/size", "/2/size", "/3/size", "/,"]
    for wanted in (pointers, [*pointers, "/missing"], ["/size"], ["/2/size"], ["/,"]):
        assert_same(text, wanted, strict=True)


def test_a_pointer_nested_deeper_than_the_fast_walker_recurses():
    # The fast walker takes two frames a level; the general one, one: it takes over.
    for depth in (50, 700):
        text = '{"a": ' * depth + "[1]" + "}" * depth
        pointers = ["/a" * depth + "/0", "/b"]
        assert_same(text, pointers, strict=True)
        assert locate(text, pointers) == {pointers[0]: text.index("1")}


def test_line_columns_of_located_values():
    text = '{\n  "a": [1,\n    2],\n"b": "\u00e9"}'
    offsets = locate(text, ["/a/1", "/b"])
    assert line_columns(text, offsets.values()) == {offsets["/a/1"]: (3, 5),
                                                   offsets["/b"]: (4, 6)}


# -- generated documents ---------------------------------------------------------------------

class Obj(list[tuple[str, Any]]):
    """An object as its members in order, so repeated keys survive."""


_KEYS = st.one_of(
    st.sampled_from(["a", "apps", "name", "versions", "size", "0", "1", "", "a/b", "~", "~1",
                     "é", "\"", "\\", "a\"b", "\u2028", "k y"]),
    st.text(max_size=4),
)
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20),
                     st.floats(allow_nan=False, allow_infinity=False),
                     st.text(max_size=6))


def _objects(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Obj]:
    return st.lists(st.tuples(_KEYS, children), max_size=5).map(Obj)


_VALUES = st.recursive(_SCALARS, lambda children: st.one_of(
    st.lists(children, max_size=5), _objects(children)), max_leaves=30)


def render(value: Any, draw: Any, json5: bool) -> str:
    """JSON text of a value, with white space drawn between tokens; keys and strings are
    written plainly or with escapes; JSON5 adds comments, single quotes, identifier keys,
    trailing commas and BOMs as white space."""
    def space() -> str:
        choices = ["", " ", "\n", "\t  ", "\r\n"]
        if json5:
            choices += ["/* c */", "// line\n", "\ufeff", "\u00a0"]
        return draw(st.sampled_from(choices))

    def string(text: str, key: bool) -> str:
        form = draw(st.integers(0, 3))
        if json5 and key and form == 3 and re.fullmatch(r"[A-Za-z_$][A-Za-z0-9_$]*", text):
            return text
        written = json.dumps(text, ensure_ascii=form == 1)
        if form == 2 and text:  # the first character as a \u escape
            written = f'"\\u{ord(text[0]):04x}' + json.dumps(text[1:])[1:]
        if json5 and form == 3 and not re.search(r"['\"\\]", text):
            written = f"'{written[1:-1]}'"
        return written

    def write(item: Any) -> str:
        if isinstance(item, Obj):
            members = [f"{space()}{string(k, True)}{space()}:{space()}{write(v)}{space()}"
                       for k, v in item]
            tail = "," + space() if json5 and members and draw(st.booleans()) else ""
            return "{" + ",".join(members) + tail + space() + "}"
        if isinstance(item, list):
            elements = [f"{space()}{write(v)}{space()}" for v in item]
            tail = "," + space() if json5 and elements and draw(st.booleans()) else ""
            return "[" + ",".join(elements) + tail + space() + "]"
        if isinstance(item, str):
            return string(item, False)
        return json.dumps(item)

    return space() + write(value) + space()


def generated_pointers(value: Any, pointer: str = "") -> Iterator[str]:
    yield pointer
    if isinstance(value, Obj):
        for key, child in value:
            yield from generated_pointers(child, f"{pointer}/{escaped(key)}")
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from generated_pointers(child, f"{pointer}/{index}")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=_VALUES, data=st.data(), json5=st.booleans())
def test_generated_documents_are_located_as_before(value, data, json5):
    text = render(value, data.draw, json5)
    pointers = sorted(set(generated_pointers(value)))
    wanted = data.draw(st.lists(st.sampled_from([*pointers, *MISSING[:3]]), max_size=8))
    for chosen in (pointers, wanted):
        for strict in (True, False):
            assert_same(text, chosen, strict)
