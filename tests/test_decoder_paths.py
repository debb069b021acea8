"""The decoder's generated code agrees with its table interpreted field by field.

`Decoder` generates one function per model from the profile's field tables; each tests the
common case of a kind inline (a printable string, an https URL, an integer that fits) and
calls the kind's method otherwise. With `fast_paths=False` every present value goes through
its kind method. Both must give the same source, the same diagnostics in the same order and
the same verdict, for every client and the iOS versions that decode differently.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from altsim.core.decoder import Decoder
from altsim.core.jsontext import Document, parse_document
from altsim.core.profiles import MODELS, PROFILES

from .builders import app, news, source, version
from .conftest import corpus_files

IOS = [(14, 8, 0), (15, 0, 0), (17, 0, 0)]  # strict JSON; JSON5; lenient URLs
SAMPLES = sorted((Path(__file__).parent.parent / "sample_sources").glob("*.json"))


def decoded(document: Any, profile: str, ios: tuple[int, int, int], *, fast: bool,
            client: bool = False) -> tuple[Any, ...]:
    decoder = Decoder(PROFILES[profile], ios, fast_paths=fast, collect=not client,
                      warnings=not client)
    result = decoder.decode_source(document)
    return result, decoder.rejection, decoder.diagnostics, decoder.readable_apps


def assert_paths_agree(document: Any, profile: str, ios: tuple[int, int, int]) -> None:
    for client in (False, True):  # altsim's full report; the client's first error only
        generated = decoded(document, profile, ios, fast=True, client=client)
        interpreted = decoded(document, profile, ios, fast=False, client=client)
        assert generated == interpreted


def test_the_interpreted_form_has_no_inline_tests() -> None:
    """The comparison means something: the two forms differ in their code."""
    for model in MODELS:
        fast = Decoder(PROFILES["altstore"], (17, 0, 0)).code(model)
        slow = Decoder(PROFILES["altstore"], (17, 0, 0), fast_paths=False).code(model)
        assert "isprintable" not in slow
    assert "isprintable" in fast


@pytest.mark.parametrize("path", corpus_files() + SAMPLES, ids=lambda p: p.stem)
def test_the_corpus_decodes_alike_both_ways(path: Path) -> None:
    raw = path.read_bytes()
    for ios in IOS:
        parsed = parse_document(raw, ios >= (15, 0, 0))
        if not isinstance(parsed, Document):
            continue  # not readable on that device: nothing decoded
        for profile in PROFILES:
            assert_paths_agree(parsed.value, profile, ios)


# Values at the edges of the inline tests, in the keys that have one.
_STRINGS = st.one_of(
    st.sampled_from(["", "a", "A b", "line\nbreak", "tab\t", "\x1b[2J", "\u202eevil", "\u2028",
                     "Games", "games", "GAMES", "utilities", "1.0", "17", "17.0.1", "16.4 beta",
                     "https://example.com/a.ipa", "https://example.com/a b.ipa",
                     "http://example.com/a.ipa", "icon.png", "https://", "ftp://x",
                     "2023-02-17", "2023-02-17T12:00:00Z", "2023-02-17T12:00:00.000Z",
                     "2023-2-7", "#F54F32", "F54F32", "#abc", "0xF54F32", "#F54F3280", "red",
                     "ABCDEF0123", "custom"]),
    st.text(max_size=8))
_VALUES = st.one_of(
    _STRINGS, _STRINGS, st.none(), st.booleans(),
    st.sampled_from([0, -1, 2**15 - 1, 2**15, -(2**15) - 1, 2**31 - 1, 2**31, 2**63 - 1, 2**63,
                     1.0, 1.5, -0.0, 1e20]),
    st.integers(min_value=-(2**65), max_value=2**65), st.lists(_STRINGS, max_size=2))
_VERSION_KEYS = ["version", "buildVersion", "date", "localizedDescription", "downloadURL",
                 "size", "sha256", "minOSVersion", "maxOSVersion"]
_APP_KEYS = ["name", "bundleIdentifier", "developerName", "subtitle", "localizedDescription",
             "iconURL", "tintColor", "category", "beta", "marketplaceID", "downloadURL",
             "version", "versionDate", "size", "screenshotURLs"]
_NEWS_KEYS = ["title", "identifier", "caption", "date", "tintColor", "imageURL", "appID",
              "notify", "url"]
_ROOT_KEYS = ["name", "identifier", "subtitle", "description", "iconURL", "headerURL",
              "website", "tintColor", "patreonURL", "featuredApps", "userInfo"]


@st.composite
def sources(draw: st.DrawFn) -> dict[str, Any]:
    """A valid source, then a few of its values replaced by edge values."""
    doc = source(apps=[app(versions=[version(version="2.0"), version(version="1.0")]),
                       app(bundleIdentifier="com.b", versions=[version()])],
                 news=[news(identifier="n1"), news(identifier="n2")])
    targets: list[tuple[dict[str, Any], list[str]]] = [(doc, _ROOT_KEYS)]
    for item in doc["apps"]:
        targets.append((item, _APP_KEYS))
        targets += [(v, _VERSION_KEYS) for v in item["versions"]]
    targets += [(item, _NEWS_KEYS) for item in doc["news"]]
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        obj, keys = draw(st.sampled_from(targets))
        key = draw(st.sampled_from(keys))
        if draw(st.booleans()) and key in obj:
            del obj[key]
        else:
            obj[key] = draw(_VALUES)
    return doc


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=sources(), profile=st.sampled_from(sorted(PROFILES)), ios=st.sampled_from(IOS))
def test_generated_sources_decode_alike_both_ways(document: dict[str, Any], profile: str,
                                                  ios: tuple[int, int, int]) -> None:
    assert_paths_agree(json.loads(json.dumps(document)), profile, ios)


def _one_field(model: str, key: str, value: Any) -> dict[str, Any]:
    """A valid source whose one `key` in one `model` object holds `value`."""
    doc = source(apps=[app(versions=[version(version="2.0"), version(version="1.0")])],
                 news=[news()])
    target = {"root": doc, "app": doc["apps"][0], "version": doc["apps"][0]["versions"][0],
              "news": doc["news"][0]}[model]
    target[key] = value
    return doc


_FIELDS = sorted({(model, f.key) for profile in PROFILES.values()
                  for model in ("root", "app", "version", "news")
                  for f in profile.fields_for(model)})


@pytest.mark.parametrize(("model", "key"), _FIELDS, ids=lambda x: str(x))
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=_VALUES, profile=st.sampled_from(sorted(PROFILES)), ios=st.sampled_from(IOS))
def test_each_field_decodes_alike_both_ways(model: str, key: str, value: Any, profile: str,
                                            ios: tuple[int, int, int]) -> None:
    """Every key at the edges of its kind's inline test."""
    assert_paths_agree(json.loads(json.dumps(_one_field(model, key, value))), profile, ios)


def test_the_generated_code_can_be_read() -> None:
    run = subprocess.run([sys.executable, "-m", "altsim.core.decoder", "--show", "sidestore",
                          "--model", "version"], capture_output=True, text=True, timeout=60)
    assert (run.returncode, run.stderr) == (0, "")
    assert run.stdout.startswith("# version: sidestore, iOS 17.0\ndef decode(obj, ptr")
    assert "v = get('version')  # required string: kind0 is dec._k_string" in run.stdout
