"""The root's arrays of a large text skipped by msgspec's lengths (core/locate.py): locate finds
what the general walker finds, whatever msgspec read: the last of two arrays with one key, text
that is not ASCII, values the scanner refuses and msgspec skips.

Most tests use lengths at any size and from an array's second element (`any_size`), to stay
small and fast; one builds a text over the real size.
"""

from __future__ import annotations

import json
import sys
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from altsim.core import locate as locate_module
from altsim.core.locate import locate

from .test_locate_differential import (
    _KEYS,
    _VALUES,
    MISSING,
    Obj,
    assert_same,
    generated_pointers,
    render,
)


@pytest.fixture
def root_arrays(monkeypatch: pytest.MonkeyPatch) -> list[dict[int, list[Any]]]:
    """What msgspec read each time locate asked it (its root's arrays, by trie node)."""
    read: list[dict[int, list[Any]]] = []
    real = locate_module._root_arrays

    def spy(text: str, trie: dict[Any, Any]) -> dict[int, list[Any]]:
        read.append(real(text, trie))
        return read[-1]

    monkeypatch.setattr(locate_module, "_root_arrays", spy)
    return read


@pytest.fixture
def any_size(monkeypatch: pytest.MonkeyPatch,
             root_arrays: list[dict[int, list[Any]]]) -> list[dict[int, list[Any]]]:
    """Lengths used whatever the text's size, from an array's second element."""
    monkeypatch.setattr(locate_module, "_LENGTHS_FROM", 0)
    monkeypatch.setattr(locate_module, "_SCANNED_SHARE", sys.maxsize)
    return root_arrays


def array(elements: list[str]) -> str:
    return "[" + ",".join(elements) + "]"


def test_a_large_source_is_located_as_by_the_general_walker(root_arrays):
    count = 4800  # 2.2 MB: past _LENGTHS_FROM
    apps = [{"name": f"App {i}", "bundleIdentifier": f"com.example.{i}",
             "versions": [{"version": f"1.{v}", "size": i * v + 1,
                           "downloadURL": f"https://example.com/{i}/{v}/app.ipa"}
                          for v in range(4)]} for i in range(count)]
    news = [{"title": f"News {i}", "date": "2024-01-01"} for i in range(50)]
    text = json.dumps({"name": "S", "apps": apps, "identifier": "x", "news": news}, indent=1)
    assert len(text) > locate_module._LENGTHS_FROM
    spread = [f"/apps/{i}/versions/0/size" for i in range(0, count, 8)]
    last = f"/apps/{count - 1}/versions/3"
    for pointers in (spread, [*spread, "/identifier", "/news/40/title", *MISSING],
                     [f"/apps/{count - 100}/name"], ["/apps/10/name", last]):
        root_arrays.clear()
        assert_same(text, pointers, strict=True)
        assert [bool(read) for read in root_arrays] == [True]  # read once, by msgspec


def test_a_small_text_is_skipped_by_the_scanner_alone(root_arrays):
    text = json.dumps({"apps": [{"name": f"App {i}"} for i in range(5000)]})
    assert len(text) < locate_module._LENGTHS_FROM
    assert_same(text, ["/apps/4999/name"], strict=True)
    assert not root_arrays


@pytest.mark.parametrize(("first", "last"), [
    # Two elements of the first array in the text of one of the last: trusted blindly, the
    # lengths would skip both, and every index after would name the element after its own.
    (["[1]", "[2]"] * 200, ["[1,2,3]"] * 200),
    (["[1,2,3]"] * 200, ["[1]", "[2]"] * 200),
    (['{"a":1}', '{"a":2}'] * 200, ['{"a":1,"b":[]}'] * 200),
    (["12", "[3]"] * 200, ["1", "[3]"] * 200),  # a number longer than msgspec's
])
def test_the_first_of_two_arrays_with_one_key_is_not_skipped_by_the_lasts_lengths(
        any_size, first, last):
    text = f'{{"apps": {array(first)}, "n": 0, "apps": {array(last)}}}'
    for pointers in (["/apps/150", "/apps/151/0"],  # found in the first: the walk stops there
                     ["/apps/150", "/apps/399", "/missing"],  # and on to the last
                     ["/apps/399/0", "/n"], ["/apps/199"]):
        assert_same(text, pointers, strict=True)
    assert any(any_size)  # msgspec read the arrays


def test_a_text_that_is_not_ascii_is_skipped_by_characters_not_bytes(any_size):
    # An element of 8 characters and 12 bytes, then one of 3 and a comma: 12 characters
    # after the first element's start is the comma after the second.
    elements = ['["éééé"]', "[1]"] * 150 + ['{"n": "😀 x"}', "[2]", '["\\u00e9 é"]', "[3]"] * 50
    text = f'{{"apps": {array(elements)}, "t": "ü"}}'
    assert_same(text, ["/apps/201"], strict=True)  # found before the others: the walk stops
    assert_same(text, ["/apps/201", "/apps/498/n", "/t"], strict=True)
    assert_same(text, ["/apps/301", "/apps/499/0", *MISSING], strict=True)
    assert any(any_size)


def test_an_integer_too_long_for_int_is_left_to_the_scanner(any_size):
    # The scanner raises ValueError at it, where msgspec skips it: the general walker then
    # stops there. Skipped by length, the walk would go on and find the pointers after it.
    digits = "7" * (sys.get_int_max_str_digits() + 1)
    elements = ["[1]"] * 300 + [f'{{"n": {digits}}}'] + ["[2]"] * 20
    text = f'{{"apps": {array(elements)}, "tail": 0}}'
    assert_same(text, ["/apps/10", "/apps/310/0", "/tail"], strict=True)
    assert any_size == [{}]


def test_how_long_a_run_of_digits_is_looked_for():
    most = sys.get_int_max_str_digits()
    step = (most + 1) // 2
    for start in (0, 1, step - 1, step, step + 1, 2 * step - 1, 3 * step + 5):
        text = "x" * start + "1" * (most + 1) + "x" * 50
        assert locate_module._may_hold_a_long_integer(text)
        assert not locate_module._may_hold_a_long_integer(text.replace("1" * 500, "1" * 499 + "x"))
    assert not locate_module._may_hold_a_long_integer(" 12345," * 10_000)


def test_an_element_nested_deep_is_located_or_refused_as_without_lengths(monkeypatch):
    # The scanner and msgspec refuse nesting beyond the recursion limit: msgspec, called from
    # deeper and reading two levels more, refuses whatever the scanner refuses.
    def outcome(text: str, lengths: bool) -> object:
        monkeypatch.setattr(locate_module, "_LENGTHS_FROM", 0 if lengths else sys.maxsize)
        monkeypatch.setattr(locate_module, "_SCANNED_SHARE", sys.maxsize)
        try:
            return locate(text, ["/apps/1", "/apps/62/0"])
        except RecursionError as error:
            return type(error)

    limit = sys.getrecursionlimit()
    for depth in range(limit - 120, limit + 6):
        text = f'{{"apps": {array(["[1]"] * 60 + ["[" * depth + "]" * depth, "[1]", "[2]"])}}}'
        assert outcome(text, lengths=True) == outcome(text, lengths=False), depth


def test_text_msgspec_does_not_read_is_skipped_by_the_scanner(any_size):
    # NaN (the scanner reads it, msgspec does not), a root that is not an object; then the
    # same arrays without NaN, which msgspec reads
    elements = ['{"a": [1]}'] * 300 + ['{"a": NaN}'] + ['{"a": [2]}'] * 20
    for text, read in ((f'{{"apps": {array(elements)}}}', False), (array(elements), False),
                       (f'{{"apps": {array(elements).replace("NaN", "3")}}}', True)):
        any_size.clear()
        assert_same(text, ["/apps/310/a/0", "/apps/3", "/0/a", "/310/a/0"], strict=True)
        assert any(any_size) is read


_MEMBERS = st.tuples(st.one_of(st.sampled_from(["apps", "news"]), _KEYS),
                     st.one_of(st.lists(_VALUES, min_size=2, max_size=12), _VALUES))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(members=st.lists(_MEMBERS, max_size=4), data=st.data())
def test_generated_documents_are_located_as_before_with_lengths_at_any_size(members, data):
    # Root objects of arrays, keys repeated often (a few keys drawn from a short list)
    value = Obj(members)
    text = render(value, data.draw, json5=False)
    pointers = sorted(set(generated_pointers(value)))
    wanted = data.draw(st.lists(st.sampled_from([*pointers, *MISSING[:3]]), max_size=8))
    with (mock.patch.object(locate_module, "_LENGTHS_FROM", 0),
          mock.patch.object(locate_module, "_SCANNED_SHARE", sys.maxsize)):
        for chosen in (pointers, wanted, pointers[::7]):
            assert_same(text, chosen, strict=True)
