"""Lengths inside the wanted elements of a large text's root arrays (core/locate.py): the values
nothing is wanted in, inside an element whose raw text msgspec read, are skipped by their own
raw lengths, an array is left past its last element wanted, and an object in which one key is
wanted is searched for it; and msgspec is asked early where the array would cost the scanner
more than its read. Whatever the text holds (repeated keys, a scalar where an object is
expected, escapes, text that is not ASCII), locate finds what the general walker finds.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from altsim.core import locate as locate_module
from altsim.core.locate import locate

from .test_locate_differential import MISSING, assert_same

# Elements with something unusual, each with the pointers (below /apps/N) to look for in it.
_ELEMENTS: list[tuple[str, list[str]]] = [
    # Repeated keys: msgspec keeps the last copy, the walker reads the first one first.
    ('{"versions":[{"size":1}],"n":0,"versions":[{"size":2,"pad":"xxxx"},{"size":3}]}',
     ["/versions/0/size", "/versions/1/size", "/n"]),
    ('{"versions":[{"size":1,"pad":[1,2,3,4]},[5]],"versions":[{"size":2}]}',
     ["/versions/0/size", "/versions/1/0"]),
    ('{"versions":[{"size":1}],"versions":[{"size":22}]}', ["/versions/0/size"]),
    ('{"shots":{"a":[1,2,3,4,5,6]},"want":{"x":1},"shots":{"a":[1]},"want2":[1]}',
     ["/want/x", "/want2/0"]),
    ('{"shots":{"a":[1]},"want":{"x":1},"shots":{"a":[1,2,3,4,5,6]},"want2":[1]}',
     ["/want/x", "/want2/0"]),
    ('{"shots":{"big":"' + "b" * 300 + '"},"want":[1],"shots":3}', ["/want/0", "/shots"]),
    ('{"m":[[1],[2]],"m":[[1,2]]}', ["/m/1/0", "/m/0/1"]),
    ('{"v":{"a":{"x":1}},"v":{"b":{"c":2}}}', ["/v/a/x"]),  # the first copy's key, not the last's
    ('{"w":{"pad":{"k":1}},"w":{"k":2}}', ["/w/k"]),  # not the key nested in the first copy
    # Wanted members before and after big unwanted ones.
    ('{"a":1,"big":{"k":[' + ",".join(["[1,2,{\"z\":3}]"] * 300)
     + ']},"b":{"c":[0,{"d":2}]},"bigger":[' + ",".join(['{"q":[4]}'] * 300)
     + '],"e":[{"f":1}]}', ["/a", "/b/c/1/d", "/e/0/f", "/big/k/299/2/z"]),
    # Text that is not ASCII, and keys written with escapes.
    ('{"é":{"ü":[1,"😀"]},"versions":[{"size":"ü😀"},{"size":2}],"x":"é"}',
     ["/versions/1/size", "/é/ü/1", "/x"]),
    ('{"\\u0076ersions":[{"size":1}],"pad":{"q":"é"}}', ["/versions/0/size"]),
    ('{"pad":{"versions":[{"size":9}]},"\\u0076ersions":[{"size":1},{"size":"😀"}]}',
     ["/versions/0/size", "/versions/1/size"]),
    # A scalar (or an array) where an object is expected.
    ('{"versions":5}', ["/versions/0/size"]),
    ('{"versions":[null,{"size":1}]}', ["/versions/0/size", "/versions/1/size"]),
    ('{"versions":"[{\\"size\\":1}]"}', ["/versions/0/size"]),
    ('{"versions":[[{"size":1}],{"size":[2]}]}', ["/versions/0/size", "/versions/1/size/0"]),
    ('[{"versions":[{"size":1}]}]', ["/versions/0/size", "/0/versions/0/size"]),
    # Nested arrays, left past their last element wanted.
    ('{"m":[[1,[2,3]],[[4],[5,[6]]],7]}', ["/m/1/1/1/0", "/m/0/1/0", "/m/2"]),
    ('{"m":[[1,[2,3]],[[4],[5,[6]]],7],"n":[[],[[]],{}]}', ["/m/0/1/1", "/n/1/0", "/n/2"]),
    # The one key wanted is only nested, or nested and the object's own.
    ('{"pad":{"versions":[{"size":1}]},"n":1}', ["/versions/0/size"]),
    ('{"pad":{"versions":[{"size":1}]},"versions":[{"size":2}]}', ["/versions/0/size"]),
    ('{"pad":[{"size":1}],"versions":{"size":[2]}}', ["/versions/size"]),
    # White space everywhere.
    ('{ "versions" : [ {"size" : 1} ,\n {"size":2, "x": [ 1 , 2 ] } ] , "n" : { } }',
     ["/versions/1/x/1", "/versions/0/size", "/n"]),
]
_FILLER = '{"name":"F","blob":{"x":"' + "y" * 4000 + '"},"versions":[{"size":0}]}'
_FIRST = 40  # the index of the first unusual element, past the scanner's sample
_APART = 12


def _large_text(elements: list[str]) -> str:
    count = _FIRST + _APART * len(elements) + locate_module._LENGTHS_FROM // len(_FILLER)
    apps = [_FILLER] * count
    for k, element in enumerate(elements):
        apps[_FIRST + _APART * k] = element
    text = '{"name":"S","apps":[' + ",".join(apps) + '],"tail":{"t":[1]}}'
    assert len(text) > locate_module._LENGTHS_FROM
    return text


def _pointer_sets() -> Iterator[list[str]]:
    every = [(f"/apps/{_FIRST + _APART * k}{pointer}")
             for k, (_, pointers) in enumerate(_ELEMENTS) for pointer in pointers]
    yield every
    yield [*every, "/tail/t/0", *MISSING]
    yield from ([pointer] for pointer in every)
    yield from ([pointer, "/nope"] for pointer in every)
    yield [*every[::3], f"/apps/{_FIRST + 1}/versions/0/size"]


@pytest.fixture
def raws_read(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The raw values locate read the members or elements of."""
    read: list[Any] = []
    for name in ("_raw_members", "_raw_elements"):
        real = getattr(locate_module, name)

        def spy(raw: Any, real: Any = real) -> Any:
            if raw is not None:
                read.append(raw)
            return real(raw)

        monkeypatch.setattr(locate_module, name, spy)
    return read


def test_unusual_elements_of_a_large_text_are_located_as_by_the_general_walker(raws_read):
    text = _large_text([element for element, _ in _ELEMENTS])
    for pointers in _pointer_sets():
        assert_same(text, pointers, strict=True)
    assert raws_read  # lengths were used inside the elements


def test_the_elements_of_the_first_of_two_root_arrays_are_not_walked_with_the_lasts_raws():
    first = _large_text(['{"v":{"a":{"x":1}}}', '{"w":{"pad":{"k":1}},"n":[1]}'])
    last = _large_text(['{"u":{"a":{"x":2}}}', '{"w":{"k":2},"n":[1]}'])
    text = first[:-1] + "," + last[1:].replace('"name":"S",', "")
    end = f"/apps/{first.count(_FILLER)}/name"  # far on: msgspec is asked after the sample
    for pointers in ([f"/apps/{_FIRST}/v/a/x"], [f"/apps/{_FIRST + _APART}/w/k"],
                     [f"/apps/{_FIRST}/v/a/x", f"/apps/{_FIRST + _APART}/w/k", "/nope"]):
        assert_same(text, [*pointers, end], strict=True)


def test_a_pretty_printed_large_text_is_located_as_by_the_general_walker(raws_read):
    elements = [json.dumps(json.loads(element), indent=2, ensure_ascii=False)
                for element, _ in _ELEMENTS]
    text = _large_text(elements)
    for pointers in _pointer_sets():
        assert_same(text, pointers, strict=True)
    assert raws_read


def test_msgspec_is_asked_once_the_array_would_cost_the_scanner_more_than_its_read(monkeypatch):
    # Where the scanner's last skip ended each time msgspec was asked
    scanned_to, asked = [0], []
    real_scan, real_ask = locate_module._scan_once, locate_module._StrictWalker.raw_elements

    def scan(text: str, i: int) -> Any:
        found = real_scan(text, i)
        scanned_to[0] = found[1]
        return found

    def ask(walker: Any, node: Any) -> Any:
        asked.append(scanned_to[0])
        return real_ask(walker, node)

    monkeypatch.setattr(locate_module, "_scan_once", scan)
    monkeypatch.setattr(locate_module._StrictWalker, "raw_elements", ask)
    text = _large_text([])
    count = text.count('"name":"F"')
    first = text.index(_FILLER)
    in_a_tenth = len(text) // locate_module._SCANNED_SHARE // len(_FILLER)
    in_a_sample = len(text) // locate_module._SAMPLED_SHARE // len(_FILLER)
    for index, asked_after in ((in_a_tenth // 2, None),  # reached before a tenth: never asked
                               (in_a_tenth + 2, in_a_tenth),  # asked at a tenth
                               (in_a_tenth * 2, in_a_sample),  # asked after the sample
                               (count - 1, in_a_sample)):
        pointers = [f"/apps/{index}/versions/0/size"]
        assert_same(text, pointers, strict=True)
        asked.clear()
        locate(text, pointers)
        elements = [(end - first + 1) // (len(_FILLER) + 1) for end in asked]
        assert elements == ([] if asked_after is None else [asked_after + 1]), index


def _outcome(text: str, pointers: list[str], lengths: bool, monkeypatch: Any) -> object:
    monkeypatch.setattr(locate_module, "_LENGTHS_FROM", 0 if lengths else sys.maxsize)
    monkeypatch.setattr(locate_module, "_SCANNED_SHARE", sys.maxsize)
    try:
        return locate(text, pointers)
    except RecursionError as error:
        return type(error)


@pytest.mark.parametrize(("element", "pointers"), [
    ('{{"a":[1],"deep":{deep},"b":[2]}}', ["/b/0"]),  # skipped by the members' lengths
    ('{{"w":{{"deep":{deep},"x":1}}}}', ["/w/x"]),  # the one key wanted, after it
    ('{{"w":{{"x":1,"deep":{deep}}}}}', ["/w/x"]),
    ('{{"w":[[1],{deep},[2]]}}', ["/w/2/0"]),  # skipped by the elements' lengths
    ('{{"w":[[1],{deep},[2]]}}', ["/w/0/0"]),  # the array left after its last wanted
    ('{{"w":{deep}}}', ["/w/0/0/0"]),  # walked into
    # Under 40 levels walked into: two frames a level for the walker, one for msgspec
    ("{{" + '"w":{{' * 40 + '"x":1,"deep":{deep},"y":[1]' + "}}" * 40 + "}}", ["/w" * 40 + "/y/0"]),
    ('{{"w":' + "[" * 40 + "[1],{deep},[2]" + "]" * 40 + "}}", ["/w" + "/0" * 39 + "/2/0"]),
])
def test_nesting_inside_an_element_is_located_or_refused_as_without_lengths(
        monkeypatch, element, pointers):
    limit = sys.getrecursionlimit()
    for depth in range(limit - 180, limit + 6):
        deep = "[" * depth + "]" * depth
        elements = ["[1]"] * 60 + [element.format(deep=deep), "[1]", "[2]"]
        text = f'{{"apps": [{",".join(elements)}], "n": 0}}'
        wanted = [*(f"/apps/60{pointer}" for pointer in pointers), "/apps/62/0", "/n"]
        assert (_outcome(text, wanted, True, monkeypatch)
                == _outcome(text, wanted, False, monkeypatch)), depth


@pytest.fixture
def root_read(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times locate read the root's members."""
    read: list[int] = []
    real = locate_module._root_members

    def spy(text: str) -> Any:
        read.append(1)
        return real(text)

    monkeypatch.setattr(locate_module, "_root_members", spy)
    return read


_NEWS = '[{"title":"a","appID":"x"},{"title":"b","pad":[1,{"q":2}]}]'


@pytest.mark.parametrize(("root", "pointers"), [
    # Nothing wanted in the 2 MiB of apps: skipped by its length, as is any root container
    ('{{"name":"S","apps":{apps},"news":{news},"featuredApps":["x"]}}',
     ["/news/1/title", "/featuredApps/0"]),
    ('{{"apps":{apps},"news":{news}}}', ["/news/1/pad/1/q"]),
    ('{{"big":{{"k":{apps}}},"news":{news},"more":{apps},"end":1}}', ["/end", "/news/0/appID"]),
    # A repeated root key: msgspec keeps the last copy, whose length is not the first's
    ('{{"apps":{apps},"news":{news},"apps":[1,2],"tail":[1]}}', ["/tail/0", "/news/0/title"]),
    ('{{"apps":[1,2],"news":{news},"apps":{apps},"tail":[1]}}', ["/tail/0", "/news/0/title"]),
    # (skipped by the last copy's 12 characters, the first would end at `,"c":2}`: a root "c")
    ('{{"apps":{{"a":{{"b":1}},"c":2}},"big":{apps},"apps":{{"x":"1234"}},"tail":1}}',
     ["/c", "/tail"]),
    # A root array wanted after the members were read: its elements from its own raw text
    ('{{"big":{{"k":{apps}}},"apps":{apps},"end":1}}',
     ["/apps/7/versions/0/size", "/apps/500/name", "/end"]),
    ('{{"big":{{"k":{apps}}},"apps":{apps},"apps":{news}}}', ["/apps/1/title", "/apps/9/name"]),
    ('{{"big":{{"k":{apps}}},"apps":{apps},"apps":{{"x":1}}}}', ["/apps/500/name", "/apps/x"]),
])
def test_what_the_root_holds_past_a_large_container_is_located_as_by_the_general_walker(
        root_read, root, pointers):
    apps = json.dumps(json.loads(_large_text([]))["apps"], separators=(",", ":"))
    text = root.format(apps=apps, news=_NEWS)
    json.loads(text)  # strict JSON, as every text the fast walker is given
    assert len(text) > locate_module._LENGTHS_FROM
    for wanted in (pointers, [*pointers, *MISSING], pointers[:1]):
        assert_same(text, wanted, strict=True)
    assert root_read  # the root's members were read


@pytest.mark.parametrize("depth_from_limit", range(-180, 6, 3))
def test_nesting_in_a_root_container_is_located_or_refused_as_without_lengths(
        monkeypatch, depth_from_limit):
    depth = sys.getrecursionlimit() + depth_from_limit
    deep = "[" * depth + "]" * depth
    text = f'{{"apps": [[1], {deep}], "big": {deep}, "news": [1, [2]], "n": 0}}'
    wanted = ["/news/1/0", "/n"]
    assert (_outcome(text, wanted, True, monkeypatch)
            == _outcome(text, wanted, False, monkeypatch)), depth
