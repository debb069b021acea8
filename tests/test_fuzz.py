"""Hostile input never yields anything but a verdict: structured sources and mutated bytes."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from altsim.core import values
from altsim.core.check import check_source, client_verdict, decoding_ios
from altsim.core.formatting import relative_date
from altsim.core.profiles import PROFILES

from .builders import one, version
from .conftest import corpus_files, corpus_unavailable

PROFILE_NAMES = sorted(PROFILES)
IOS = st.sampled_from([(14, 8, 0), (15, 0, 0), (17, 0, 0), (17, 4, 1)])

_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["", "#abc", "red", "0xF54F32", "2023-02-17", "2023-2-7T1:2:3-5:00",
                     "17", "abc", "https://example.com/a b", "icon.png", "custom", "\x1b[31m"]),
    st.text(max_size=12),
)
_json = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)),
    max_leaves=12)

_version = st.fixed_dictionaries({}, optional={
    key: st.one_of(_scalars, _json) for key in
    ("version", "buildVersion", "date", "downloadURL", "size", "minOSVersion", "maxOSVersion",
     "sha256", "localizedDescription")})
_app = st.fixed_dictionaries({}, optional={
    **{key: _scalars for key in ("name", "bundleIdentifier", "developerName",
                                 "localizedDescription", "iconURL", "tintColor", "category",
                                 "beta", "marketplaceID", "version", "versionDate",
                                 "downloadURL", "size")},
    "versions": st.one_of(st.lists(_version, max_size=3), _scalars),
    "screenshots": _json, "appPermissions": _json, "patreon": _json,
})
_source = st.fixed_dictionaries({}, optional={
    "name": _scalars, "identifier": _scalars, "tintColor": _scalars, "userInfo": _json,
    "apps": st.one_of(st.lists(_app, max_size=3), _scalars),
    "news": st.one_of(st.lists(_json, max_size=2), _scalars), "featuredApps": _json,
    "version": _scalars,
})


def _assert_verdict(raw: bytes, profile: str, ios: tuple[int, int, int]) -> None:
    result = check_source(raw, PROFILES[profile], ios)
    assert result.accepted == (result.rejection is None)
    if result.rejection is not None:
        assert any(d.severity.value == "error" for d in result.diagnostics)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=_source, profile=st.sampled_from(PROFILE_NAMES), ios=IOS)
def test_structured_sources_yield_a_verdict(source, profile, ios):
    _assert_verdict(json.dumps(source).encode(), profile, ios)


_SMALL_CORPUS = [p for p in corpus_files() if p.stat().st_size < 60_000]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), profile=st.sampled_from(PROFILE_NAMES), ios=IOS)
def test_mutated_corpus_bytes_yield_a_verdict(data, profile, ios):
    if not _SMALL_CORPUS:
        pytest.skip(corpus_unavailable() or "the corpus has no file under 60 kB")
    raw = bytearray(data.draw(st.sampled_from(_SMALL_CORPUS)).read_bytes())
    for _ in range(data.draw(st.integers(min_value=1, max_value=8))):
        position = data.draw(st.integers(min_value=0, max_value=len(raw) - 1))
        action = data.draw(st.sampled_from(["flip", "delete", "insert"]))
        if action == "flip":
            raw[position] = data.draw(st.sampled_from(b'{}[]",:0 \\/\x00\xff\n'))
        elif action == "delete":
            del raw[position:position + data.draw(st.integers(1, 40))]
        else:
            raw[position:position] = data.draw(st.sampled_from(
                [b"null", b",", b"//c\n", b'"x"', b"1e999", b"-0", b"[]", b"{}", b"\xef\xbb\xbf"]))
        if not raw:
            raw = bytearray(b"{}")
    _assert_verdict(bytes(raw), profile, ios)


_PADDED_Z = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", re.ASCII)


@given(st.lists(st.tuples(st.integers(0, 19), st.sampled_from("0159-T:Z+ .\u0663\uff12a")),
                max_size=3))
def test_fast_date_path_agrees_with_the_general_parser(edits: list[tuple[int, str]]) -> None:
    """parse_plain_date's shortcut reads exactly what the client's full pattern reads."""
    chars = list("2024-05-31T12:00:00Z")
    for index, char in edits:
        chars[index] = char
    text = "".join(chars)
    match = values._FULL_DATE_TIME.fullmatch(text)
    expected = values._date_from(match) if match else None
    plain = values.parse_plain_date(text)
    assert plain is None or plain == expected
    if _PADDED_Z.fullmatch(text):
        assert plain == expected


_EDGE = st.one_of(st.sampled_from([0, 1, 9999]), st.integers(0, 9999))
_OFFSET = st.one_of(st.just("Z"), st.just(".5Z"), st.just(""), st.builds(
    "{}{:02d}:{:02d}".format, st.sampled_from("+-"), st.integers(0, 18), st.integers(0, 59)))
_TIME = st.builds("T{:02d}:{:02d}:{:02d}{}".format, st.integers(0, 25), st.integers(0, 60),
                  st.integers(0, 60), _OFFSET)
_DATE_TEXT = st.builds("{:04d}-{:02d}-{:02d}{}".format, _EDGE, st.integers(0, 13),
                       st.integers(0, 32), st.one_of(st.just(""), _TIME))


@settings(max_examples=500)
@given(text=_DATE_TEXT, prefix=st.booleans(),
       time_zone=st.sampled_from(["UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago"]))
def test_any_date_the_client_reads_is_shown_in_any_time_zone(text, prefix, time_zone):
    """Years 0001 to 9999 with any offset: a date or "invalid format", then a display."""
    parsed = values.parse_source_date(text, prefix)
    if parsed is not None:
        date = parsed[0]
        assert values.EARLIEST_DATE <= date <= values.LATEST_DATE
        assert relative_date(date, date, time_zone, "en_US") == "Today"
        assert relative_date(date, values.LATEST_DATE, time_zone, "en_US")


_ANY_IOS = st.tuples(st.integers(12, 19), st.integers(0, 7), st.integers(0, 3))
_URLS = st.sampled_from(["https://example.com/a b", "https://é.example/x", "icon.png", "://",
                         "https://example.com/%zz", "http://[::1]/a", "https://a.b/c"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(icon=_URLS, download=_URLS, json5=st.booleans(), profile=st.sampled_from(PROFILE_NAMES),
       ios=_ANY_IOS)
def test_one_decode_serves_every_ios_version_of_its_class(icon, download, json5, profile, ios):
    """The simulator keeps one decode per decoding_ios: it must decode exactly as `ios`."""
    document = one(iconURL=icon, versions=[version(downloadURL=download)], downloadURL=download)
    raw = json.dumps(document).encode()
    if json5:
        raw = raw[:-1] + b",}"  # a trailing comma: JSON5 only
    chosen = PROFILES[profile]
    canonical = decoding_ios(chosen, ios)
    assert canonical <= ios
    assert client_verdict(raw, chosen, canonical).source == client_verdict(raw, chosen, ios).source
