"""Line and column of reported values, in documents only JSON5 reads."""

import json

import pytest

from altsim.core import locate as locate_module
from altsim.core.check import check_source
from altsim.core.locate import locate
from altsim.core.profiles import PROFILES

from .conftest import IN_REPO_CORPUS


def test_a_byte_order_mark_between_tokens_is_white_space():
    # JSON5 counts U+FEFF as white space anywhere; the walker must skip it as the parser does.
    text = '{"apps": [\ufeff{"name": 1,\ufeff "bundleIdentifier": "x"}]}'
    found = locate(text, ["/apps/0/bundleIdentifier"], strict=False)
    assert text[found["/apps/0/bundleIdentifier"]:].startswith('"x"')


def test_a_document_ending_before_a_wanted_value_points_at_its_end():
    text = '{"apps": [{"name":'
    assert locate(text, ["/apps/0/name", "/apps/0/other"], strict=False) == {
        "/apps/0/name": len(text)}


def test_a_bom_inserted_mid_corpus_file_still_gets_a_verdict():
    # Found by tests/test_fuzz.py: a BOM inside a document that JSON5 then read walked the
    # locator off the end of the text (IndexError instead of a verdict).
    corpus_file = IN_REPO_CORPUS / "QuarkSources__quarksources.github.io__quarksource.json"
    raw = bytearray(corpus_file.read_bytes())
    raw[8990:8990] = b"\xef\xbb\xbf"
    result = check_source(bytes(raw), PROFILES["altstore"], (15, 0, 0))
    assert result.diagnostics


def test_line_and_column_of_many_offsets_in_one_pass():
    from altsim.core.locate import line_columns

    text = "ab\ncd\n\nefg"
    offsets = range(len(text) + 1)
    expected = {}
    for offset in offsets:
        before = text[:offset]
        expected[offset] = (before.count("\n") + 1, offset - before.rfind("\n"))
    assert line_columns(text, offsets) == expected


def test_a_key_of_the_root_is_found_without_parsing_the_whole_document(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The root object is walked member by member up to the key: read whole (as an object
    with one wanted key is), a 21 MB source's one info cost a second parse and 60 MB."""
    text = json.dumps({"apps": [{"n": i} for i in range(100)], "identifier": "x", "tail": [1]})
    scanned: list[int] = []
    scan = locate_module._scan_once
    monkeypatch.setattr(locate_module, "_scan_once",
                        lambda text, i: scanned.append(i) or scan(text, i))
    assert locate(text, {"/identifier"}) == {"/identifier": text.index('"x"')}
    assert 0 not in scanned
    assert text.index("[1]") not in scanned  # the walk stops at the key
