"""The fast path (msgspec Structs, core/fast_decode.py) agrees with the exact path (json, dicts).

A large clean source is parsed into Structs and decoded by the decoder's Struct-mode functions;
anything else goes back to the exact path. Here both paths run on the same bytes, the fast one
forced on whatever the size: the verdict, every diagnostic (code, message, pointer, line and
column, in order) and the model must be the same, for every client, on the corpus, the samples,
the quirk fixtures, generated sources and bytes at the edges of what msgspec reads. The spec's
vectors run through both paths too (the `path` fixture of tests/conftest.py).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from altsim.core import fast_decode
from altsim.core.check import CheckResult, check_source, client_verdict
from altsim.core.profiles import PROFILES

from .builders import app, news, source, version
from .conftest import corpus_files
from .test_decoder_paths import _FIELDS, _VALUES, IOS, SAMPLES, _one_field, sources

NOW = datetime(2024, 6, 1, tzinfo=UTC)
QUIRKS = sorted((Path(__file__).parent / "fixtures" / "quirks").glob("*.json"))
FAST_PROFILES = sorted(name for name, p in PROFILES.items() if fast_decode.supports(p))
# Strict JSON, and lenient URLs: the fast path reads strict JSON only, so iOS 15's JSON5 decodes
# a file it reads as iOS 14 does
STRICT_IOS = [(14, 8, 0), (17, 0, 0)]


@contextmanager
def fast_path(on: bool) -> Iterator[None]:
    """The fast path forced on for any size, or off for every size."""
    before = fast_decode.FAST_FROM
    fast_decode.FAST_FROM = 0 if on else sys.maxsize
    try:
        yield
    finally:
        fast_decode.FAST_FROM = before


def outcome(result: CheckResult) -> tuple[Any, ...]:
    return (result.rejection, [(d.severity, d.code, d.message, d.pointer, d.line, d.column)
                               for d in result.diagnostics], result.source)


def both_ways(raw: bytes, profile: str, ios: tuple[int, int, int]) -> None:
    for run in (lambda: check_source(raw, PROFILES[profile], ios, now=NOW),
                lambda: client_verdict(raw, PROFILES[profile], ios)):
        with fast_path(True):
            fast = outcome(run())
        with fast_path(False):
            exact = outcome(run())
        assert fast == exact


def decides(raw: bytes, profile: str, ios: tuple[int, int, int] = (17, 0, 0)) -> bool:
    """Whether the fast path decides the source alone (no error, nothing only dicts tell)."""
    with fast_path(True):
        structs = fast_decode.parse(raw, PROFILES[profile])
        decoded = None if structs is None else fast_decode.decode(structs, PROFILES[profile], ios)
    return decoded is not None and decoded[0].errors == 0


def test_profiles_with_a_fast_path() -> None:
    """Every client but LiveContainer, which drops apps and versions as it walks the JSON (its
    kinds look at each item as a dict): it is decided from dicts alone."""
    assert set(FAST_PROFILES) == set(PROFILES) - {"livecontainer"}


@pytest.mark.parametrize("path", corpus_files() + SAMPLES + QUIRKS, ids=lambda p: p.stem)
def test_files_decode_alike_both_ways(path: Path) -> None:
    raw = path.read_bytes()
    for profile in FAST_PROFILES:
        for ios in STRICT_IOS:
            both_ways(raw, profile, ios)


def test_the_fast_path_decides_clean_files() -> None:
    """The comparison above means something: most clean files are decided by Structs."""
    files = corpus_files() + SAMPLES
    if not corpus_files():
        pytest.skip("no corpus")
    fast = [p.name for p in files if decides(p.read_bytes(), "altstore")]
    assert len(fast) >= 10, fast


def test_a_large_clean_source_takes_the_fast_path() -> None:
    """At the default size threshold, as `altsim check` runs."""
    apps = [app(bundleIdentifier=f"com.example.app{i}", name=f"App {i}",
                versions=[version(version=f"1.{j}", downloadURL=f"https://e.com/{i}/{j}.ipa")
                          for j in range(5)])
            for i in range(3200)]
    raw = json.dumps(source(apps=apps, news=[news()])).encode()
    assert len(raw) >= fast_decode.FAST_FROM
    structs = fast_decode.parse(raw, PROFILES["altstore"])
    assert structs is not None
    decoded = fast_decode.decode(structs, PROFILES["altstore"], (17, 0, 0))
    assert decoded is not None
    assert decoded[0].errors == 0
    both_ways(raw, "altstore", (17, 0, 0))


# Bytes at the edges of what msgspec reads, each inside an otherwise clean source.
_EDGES = [
    b'"name": "\\ud800"',  # a lone surrogate: json reads it, msgspec does not
    b'"name": "A", "name": "B"',  # a repeated key: the last one counts
    b'"subtitle": NaN',
    b'"subtitle": 1e400',
    b'"subtitle": 123456789012345678901234567890',
    b'"subtitl": "typo"',
    b'"identifier": null',
    b'"sourceURL": "https://e.com"',
    b'"subtitle": "a\\u0000b"',
    b'"subtitle": "\\u202eevil"',
    b'"featuredApps": ["com.a", null]',
    b'"userInfo": {"a": 1}',
    b'"tintColor": "#abc"',
]


@pytest.mark.parametrize("edge", _EDGES, ids=lambda e: e.decode()[:30])
def test_edges_decode_alike_both_ways(edge: bytes) -> None:
    raw = json.dumps(source(apps=[app()], news=[news()])).encode()
    raw = b"{" + edge + b", " + raw[1:]
    for profile in FAST_PROFILES:
        both_ways(raw, profile, (17, 0, 0))
    both_ways(b"\xef\xbb\xbf" + raw, "altstore", (17, 0, 0))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=sources(), profile=st.sampled_from(FAST_PROFILES), ios=st.sampled_from(IOS))
def test_generated_sources_decode_alike_both_ways(document: dict[str, Any], profile: str,
                                                  ios: tuple[int, int, int]) -> None:
    both_ways(json.dumps(document).encode(), profile, ios)


_KEYS = st.sampled_from(["screenshots", "screenshotURLs", "appPermissions", "patreon",
                         "versions", "releaseChannels", "platformURLs", "marketplaceID",
                         "downloadURL", "beta"])
_SHAPES = st.sampled_from([
    None, [], {}, ["https://e.com/s.png"], [{"imageURL": "https://e.com/s.png"}],
    {"iphone": [{"imageURL": "https://e.com/s.png", "width": 1, "height": 2}], "ipad": None},
    {"iphone": ["https://e.com/s.png"]}, {"tv": []},
    [{"imageURL": "https://e.com/s.png", "width": 5}],
    {"entitlements": ["a"], "privacy": {"NSCameraUsageDescription": "x"}},
    {"privacy": [{"name": "Camera", "usageDescription": "x"}]},
    {"pledge": 3, "currency": "EUR"}, {"pledge": "custom"}, {"tiers": ["t"]},
    [{"track": "stable", "releases": [{"version": "1", "date": "2024-01-01",
                                       "downloadURL": "https://e.com/a.ipa", "size": 1}]}],
    [{"platform": 0, "downloadURL": "https://e.com/a.ipa"}], "https://e.com/a.ipa", "m1", True,
])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=st.lists(st.tuples(st.integers(0, 1), _KEYS, _SHAPES), min_size=1, max_size=4),
       profile=st.sampled_from(FAST_PROFILES))
def test_nested_shapes_decode_alike_both_ways(changes: list[tuple[int, str, Any]],
                                              profile: str) -> None:
    """The keys a Struct holds as Structs, or whose kind reads other keys, in every shape."""
    doc = source(apps=[app(versions=[version(version="2.0"), version(version="1.0")]),
                       app(bundleIdentifier="com.b", versions=[version()])])
    for index, key, value in changes:
        doc["apps"][index][key] = value
    both_ways(json.dumps(doc).encode(), profile, (17, 0, 0))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(_FIELDS), value=_VALUES, profile=st.sampled_from(FAST_PROFILES),
       ios=st.sampled_from(IOS))
def test_each_field_decodes_alike_both_ways(field: tuple[str, str], value: Any, profile: str,
                                            ios: tuple[int, int, int]) -> None:
    """Every key any client reads, at the edges of its kind's inline test."""
    model, key = field
    both_ways(json.dumps(_one_field(model, key, value)).encode(), profile, ios)
