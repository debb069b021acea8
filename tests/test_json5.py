"""JSON5 at compiled-parser speed, with the verdicts, values and error positions of before.

altsim used to read JSON5 with the pure-Python `json5` package (about 15 s of CPU per MB, in
every check of a file that is not strict JSON, truncated downloads included). Now pyjson5 reads
what a lexical check lets through, and `_Json5Reader` (the `json5` grammar, rule by rule) reads
the rest and locates every error. `json5_vectors.json` pins what `json5` 0.17.3 answered for
the hand-written and seeded inputs below and for variants of every corpus file, with two
deliberate changes, each tested here: an escaped surrogate pair is one character (as the
client and the strict parser read it; `json5` kept two), and nesting is limited where Apple's
parser limits it (512) instead of where `json5` ran out of Python stack (about 50, varying with
the caller).
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from altsim.core import json5_reader
from altsim.core.json5_reader import MAX_DEPTH, Json5Error, _Json5Reader, loads
from altsim.core.jsontext import Document, SyntaxFailure, SyntaxProblem, decode_text, parse_document

from .conftest import IN_REPO_CORPUS, ROOT

VECTORS = json.loads((Path(__file__).parent / "json5_vectors.json").read_text())


def outcome(read: Callable[[str], Any], text: str, digest: bool = False) -> list[Any]:
    """What a reader makes of the text, in the vectors' form."""
    try:
        shown = repr(read(text))
    except Json5Error as error:
        problem = error.problem
        return ["error", problem.message, problem.line, problem.column]
    if digest:
        shown = hashlib.sha256(shown.encode("utf-8", "surrogatepass")).hexdigest()
    return ["ok", shown]


def exact(text: str) -> Any:
    return _Json5Reader(text).read()


def without_fast_parser(text: str) -> Any:
    return loads(text, may_parse=False)


READERS = [loads, exact]


# -- the same answers as before ---------------------------------------------------------------

@pytest.mark.parametrize("read", READERS, ids=["loads", "reader"])
def test_pinned_vectors(read):
    assert len(VECTORS["cases"]) > 600
    wrong = [(text, expected, outcome(read, text)) for text, expected in VECTORS["cases"]
             if outcome(read, text) != expected]
    assert wrong == []


@pytest.mark.parametrize("name", sorted(VECTORS["corpus"]))
def test_corpus_files_and_their_broken_variants(name):
    pinned = VECTORS["corpus"][name]
    text = decode_text((IN_REPO_CORPUS / name).read_bytes())
    assert isinstance(text, str)
    cut, cut_expected = pinned["cut"]
    at, char, insert_expected = pinned["insert"]
    variants = [(text[:cut], cut_expected), (text[:at] + char + text[at:], insert_expected)]
    if "as_is" in pinned:  # one of the three files that are not strict JSON
        variants.append((text, pinned["as_is"]))
    else:
        strict = json.loads(text)
        for read in (loads, exact):
            assert read(text) == strict
    for variant, expected in variants:
        for read in (loads, exact, without_fast_parser):
            assert outcome(read, variant, digest=True) == expected, read


def json5ify(strict: str) -> str:
    """The same document with JSON5's conveniences: bare keys, comments, trailing commas."""
    text = re.sub(r'(\n *)"([A-Za-z_$][A-Za-z0-9_$]*)":', r"\1\2:", strict)  # indented
    return "// JSON5\n" + re.sub(r"\n( *)([}\]])", r",\n\1\2 /* end */", text)


@pytest.mark.parametrize("name", [p.name for p in sorted(IN_REPO_CORPUS.glob("*.json"))
                                  if "as_is" not in VECTORS["corpus"].get(p.name, {})])
def test_corpus_files_as_json5_read_the_same(name):
    strict = json.loads((IN_REPO_CORPUS / name).read_bytes())
    text = json5ify(json.dumps(strict, indent=2, ensure_ascii=False))
    assert text != json.dumps(strict, indent=2, ensure_ascii=False)
    for read in READERS:
        assert read(text) == strict


def test_every_corpus_file_is_pinned():
    assert set(VECTORS["corpus"]) == {p.name for p in IN_REPO_CORPUS.glob("*.json")}
    assert sum("as_is" in entry for entry in VECTORS["corpus"].values()) == 3


# -- generated inputs: both readers agree, and with the strict parser -------------------------

ATOMS = ["null", "true", "false", "nul", "Infinity", "-Infinity", "NaN", "+NaN", "0", "-0",
         "01", "1.", ".5", ".", "1e", "1e5", "-0e3", "-0.0E1", "0x1F", "-0X1f", "0x", "1x", "1_0",
         "12345678901234567890", '"a"', "'b'", '"\\u00e9"', '"\\ud800"', '"\\ud83d\\ude00"',
         '"\\x41"', '"\\x4"', '"\\01"', '"\\0"', '"\\a"', '"\\\n"', '"a\nb"', '"\\u12"', '"\t"',
         '"\u2028"', '"\\\u2028"', '"open', "1.5.3", "--1", "+-1", "-", "nullx", "'\\'"]
KEYS = ["a", "$_", "_b1", '"k"', "'k'", "\u00e4", "\\u0061", "a\\u0062", "1", "a-b", "true",
        "\u0131", "x\u200c", "\\u12", "\u0661", "a\u0301", '"dup"']
SPACE = ["", " ", "\n", "\r\n", "\r", "\v", "\xa0", "\u2028", "\u3000", "\ufeff", "// c\n",
         "/* c */", "/* a * b */", "// end", "/*", "/", "\u180e", "\x85", "\u200b"]


def json5_text() -> st.SearchStrategy[str]:
    space = st.lists(st.sampled_from(SPACE), max_size=2).map("".join)

    def containers(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        element = st.tuples(space, inner, space).map("".join)
        member = st.tuples(space, st.sampled_from(KEYS), space,
                           st.sampled_from([":", ":", "", "::"]), space, inner,
                           space).map("".join)
        ending = st.sampled_from(["", "", ",", ",,"])
        return (st.tuples(st.lists(element, max_size=4).map(",".join), ending,
                          st.sampled_from(["]", "]", "}", ""])).map(lambda t: "[" + "".join(t))
                | st.tuples(st.lists(member, max_size=4).map(",".join), ending,
                            st.sampled_from(["}", "}", "]", ""])).map(lambda t: "{" + "".join(t)))

    document = st.tuples(space, st.recursive(st.sampled_from(ATOMS), containers, max_leaves=12),
                         space).map("".join)
    noise = st.sampled_from(list("{}[],:\"'\\/ *\n0.eE+-xnI$") + ["\u2028", "\u00e9", "\x00"])

    @st.composite
    def mutated(draw: st.DrawFn) -> str:
        text = draw(document)
        for _ in range(draw(st.integers(0, 2))):
            if not text:
                break
            k = draw(st.integers(0, len(text) - 1))
            text = text[:k] + draw(st.sampled_from(["", draw(noise)])) + text[k + 1:]
        return text

    return mutated().filter(lambda text: text.strip() != "")


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json5_text())
def test_the_fast_parser_answers_as_the_reader(text):
    assert outcome(loads, text) == outcome(exact, text)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(JSON_VALUES, st.booleans())
def test_strict_json_reads_as_json_loads_does(value, ascii_only):
    text = json.dumps(value, ensure_ascii=ascii_only, indent=1)
    for read in READERS:
        assert repr(read(text)) == repr(json.loads(text))
        assert repr(read(json5ify(text))) == repr(json.loads(text))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(), JSON_VALUES, min_size=1, max_size=4), st.data())
def test_a_truncated_strict_file_fails_at_its_end(value, data):
    text = json.dumps(value)
    cut = text[:data.draw(st.integers(1, len(text) - 1))]
    end = (cut.count("\n") + 1, len(cut) - cut.rfind("\n"))
    expected = ["error", "Unexpected end of input", *end]
    for read in (loads, exact, without_fast_parser):
        assert outcome(read, cut) == expected


# -- the deliberate changes -------------------------------------------------------------------

@pytest.mark.parametrize("read", READERS, ids=["loads", "reader"])
def test_escaped_surrogates_read_as_the_client_reads_them(read):
    assert read('["\\ud83d\\ude00", x,]'.replace("x", "'\\ud83d\\ude00'")) == ["\U0001f600"] * 2
    assert read('{"\\ud800": "\\udc00\\ud800", a: 1,}') == {"\ud800": "\udc00\ud800", "a": 1}
    assert json.loads('"\\ud83d\\ude00"') == "\U0001f600"  # as the strict parser


def nested(depth: int, inner: str = "0") -> str:
    return "[" * depth + inner + "]" * depth + " // JSON5"


@pytest.mark.parametrize("inner", ["0", '"\\ud800"'], ids=["fast", "reader"])
def test_nesting_is_limited_where_apples_parser_limits_it(inner):
    assert loads(nested(MAX_DEPTH, inner)) is not None
    with pytest.raises(Json5Error) as raised:
        loads(nested(MAX_DEPTH + 1, inner))
    assert raised.value.problem == SyntaxProblem("nesting too deep", 1, 1)


def test_a_syntax_error_before_the_depth_limit_is_the_error():
    text = "[" * 10 + "," + "[" * 600
    with pytest.raises(Json5Error) as raised:
        loads(text)
    assert raised.value.problem == SyntaxProblem('Unexpected ","', 1, 11)


# -- speed ------------------------------------------------------------------------------------

def big_source(apps: int) -> dict[str, Any]:
    return {"name": "Big", "identifier": "com.example.big", "apps": [{
        "name": f"App {i}", "bundleIdentifier": f"com.example.app{i}", "developerName": "Dev",
        "localizedDescription": "A description of this app. " * 8, "iconURL":
        f"https://example.com/{i}.png", "versions": [{
            "version": f"1.{j}", "date": "2024-01-01", "size": 1000 + j,
            "downloadURL": f"https://example.com/{i}/{j}.ipa"} for j in range(3)]}
        for i in range(apps)]}


def fastest(run: Callable[[], object], repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


# The old parser took 15 s per MB, 2,000-4,000 times json.loads; these take 5-10 times.
SLOWER_AT_MOST = 60


def test_a_megabyte_of_json5_is_read_at_compiled_speed():
    strict = json.dumps(big_source(1200), indent=2)
    text = json5ify(strict).encode()
    assert len(text) > 1_000_000
    document = parse_document(text, allow_json5=True)
    assert isinstance(document, Document)
    assert document.json5_only is not None
    assert document.value == json.loads(strict)
    anchor = fastest(lambda: json.loads(strict))
    assert fastest(lambda: parse_document(text, allow_json5=True)) < SLOWER_AT_MOST * anchor


def test_a_truncated_megabyte_is_located_at_compiled_speed():
    strict = json.dumps(big_source(1200), indent=2)
    raw = strict.encode()[:len(strict) - 5000]
    assert len(raw) > 1_000_000
    failure = parse_document(raw, allow_json5=False)
    assert isinstance(failure, SyntaxFailure)
    assert failure.json5 is not None
    text = raw.decode()
    assert (failure.json5.line, failure.json5.column) == (text.count("\n") + 1,
                                                           len(text) - text.rfind("\n"))
    anchor = fastest(lambda: json.loads(strict))
    assert fastest(lambda: parse_document(raw, allow_json5=True)) < SLOWER_AT_MOST * anchor


# A JSON5-styled file with an error is read by the Python reader to its error: slower, but
# nowhere near the old parser (or size x size, as failing C-scanner tries once cost).
READER_SLOWER_AT_MOST = 200


def test_a_broken_megabyte_of_json5_is_located_quickly():
    strict = json.dumps(big_source(1200), indent=2)
    text = json5ify(strict)
    raw = (text[:-300] + ",," + text[-300:]).encode()
    failure = parse_document(raw, allow_json5=True)
    assert isinstance(failure, SyntaxFailure)
    assert failure.json5 is not None
    assert failure.json5.message == 'Unexpected ","'
    anchor = fastest(lambda: json.loads(strict))
    assert fastest(lambda: parse_document(raw, allow_json5=True)) < READER_SLOWER_AT_MOST * anchor


# -- details ----------------------------------------------------------------------------------

def test_whitespace_is_unicode_space_separators_and_the_rest():
    separators = {chr(c) for c in range(sys.maxunicode + 1)
                  if unicodedata.category(chr(c)) == "Zs"}
    listed = set(re.findall(f"[{json5_reader._WS}]", "".join(map(chr, range(0x10000)))))
    assert listed == separators | set("\t\n\v\f\r\u2028\u2029\ufeff")


def test_strict_json_never_loads_the_json5_parser():
    code = ("import sys\n"
            "from altsim.core.jsontext import Document, parse_document\n"
            "doc = parse_document(b'{\"name\": \"S\"}', True)\n"
            "assert isinstance(doc, Document) and doc.json5_only is None\n"
            "assert 'pyjson5' not in sys.modules\n"
            "parse_document(b'{name: \"S\"}', True)\n"
            "assert 'pyjson5' in sys.modules\n")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=60, check=False)
    assert run.returncode == 0, run.stderr


def test_keys_of_a_json5_document_are_read_by_the_same_reader():
    assert loads("'k\\u0041\\\n'") == "kA"
    assert loads('"\\ud800"') == "\ud800"
