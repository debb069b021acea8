"""The third-party clients' vectors T1-T27 (behaviour.md 19), one test per vector and client.

Each vector changes the base source below; the test asserts the client's verdict, its exact
user-visible text where it rejects, and what the decode holds where the vector is about a
decision (the latest version, identity, what is shown): those decisions themselves are tested
with the code that makes them. The AltStore column is covered by test_spec_vectors.py.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, NamedTuple

import pytest

from altsim.core.check import CheckResult, check_source, client_verdict
from altsim.core.model import Source
from altsim.core.profiles import PROFILES
from altsim.core.values import BLACK, UNDATED

pytestmark = pytest.mark.usefixtures("decoding_path")  # each vector, both paths

IOS = (17, 0, 0)
NOW = datetime(2024, 6, 1, tzinfo=UTC)
SOURCE_URL = "https://e.com/src/apps.json"
CLIENTS = ("feather", "ksign", "livecontainer")
# Foundation's texts (behaviour.md 15.8), with the curly apostrophe U+2019
FORMAT = "The data couldn\u2019t be read because it isn\u2019t in the correct format."
MISSING = "The data couldn\u2019t be read because it is missing."
PARSE = "Failed to parse data: "  # Feather's and Ksign's NBFetchService wrapping

VER = {"version": "1.0", "date": "2024-01-01", "downloadURL": "https://e.com/a.ipa", "size": 100}
APP = {"name": "A", "bundleIdentifier": "com.e.a", "developerName": "D",
       "localizedDescription": "x", "iconURL": "https://e.com/i.png", "versions": [VER]}
SRC = {"name": "S", "identifier": "com.e.src", "apps": [APP]}


def base() -> dict[str, Any]:
    return copy.deepcopy(SRC)


def first_app(doc: dict[str, Any]) -> dict[str, Any]:
    app: dict[str, Any] = doc["apps"][0]
    return app


def first_version(doc: dict[str, Any]) -> dict[str, Any]:
    version: dict[str, Any] = first_app(doc)["versions"][0]
    return version


Check = Callable[[Source], object]


class Expect(NamedTuple):
    """The client's verdict: None = accepted, else its exact text; and checks of the decode."""

    message: str | None = None
    checks: tuple[Check, ...] = ()


OK = Expect()


def ok(*checks: Check) -> Expect:
    return Expect(None, checks)


def latest(version: str) -> Check:
    return lambda s: s.apps[0].versions[0].version == version


class Vector(NamedTuple):
    change: Callable[[dict[str, Any]], object]
    feather: Expect
    ksign: Expect
    livecontainer: Expect
    raw: Callable[[bytes], bytes] | None = None  # bytes instead of the changed JSON


def _set(path: Callable[[dict[str, Any]], dict[str, Any]], **values: Any
         ) -> Callable[[dict[str, Any]], object]:
    return lambda doc: path(doc).update(values)


def _drop(path: Callable[[dict[str, Any]], dict[str, Any]], *keys: str
          ) -> Callable[[dict[str, Any]], object]:
    return lambda doc: [path(doc).pop(key) for key in keys]


def _root(doc: dict[str, Any]) -> dict[str, Any]:
    return doc


def _t11(doc: dict[str, Any]) -> None:
    first_app(doc)["versions"] = [{"version": "2.0", "date": "2024-02-01", "size": 1}, VER]


def _t12(doc: dict[str, Any]) -> None:
    first_app(doc)["versions"] = [{**VER, "version": "2.0", "minOSVersion": "99.0"}, VER]


def _t13(doc: dict[str, Any]) -> None:
    app = first_app(doc)
    del app["versions"]
    app.update(version="1.0", versionDate="2024-01-01", downloadURL="https://e.com/a.ipa",
               size=100)


def _t14(doc: dict[str, Any]) -> None:
    doc["apps"].append({**APP, "name": "A2"})


def _t15(doc: dict[str, Any]) -> None:
    first_app(doc)["versions"] = [VER, VER]


def _nothing(doc: dict[str, Any]) -> None:
    pass


def _legacy_version(s: Source) -> bool:
    (only,) = s.apps[0].versions
    return (only.version, only.download_url, only.date) == (
        "1.0", "https://e.com/a.ipa", datetime(2024, 1, 1, tzinfo=UTC))


VECTORS: dict[str, Vector] = {
    # ASR:357-375; LCV:969-977
    "T1": Vector(_nothing, ok(latest("1.0")), ok(latest("1.0")), ok(latest("1.0"))),
    # ASR:82-94; K:ASR:73; LCV:924-929
    "T2": Vector(_set(_root, apps=[]), Expect(PARSE + "This source does not contain any apps."),
                 ok(lambda s: s.apps == []), ok(lambda s: s.apps == [])),
    # ASR:42 (listed as "Unknown"); LCV:349-351
    "T3": Vector(_drop(_root, "name"), ok(lambda s: s.name == ""), ok(lambda s: s.name == ""),
                 Expect("The source file is not valid.")),
    # ASR:261; LCV:383 (placeholder icon)
    "T4": Vector(_drop(first_app, "iconURL"), Expect(PARSE + MISSING), Expect(PARSE + MISSING),
                 ok(lambda s: s.apps[0].icon_url == "")),
    "T5": Vector(_drop(first_app, "developerName", "localizedDescription"), OK, OK, OK),
    # ASR:64-75; K:ASR:64-67; LCV:51-61 (not read)
    "T6": Vector(_set(_root, patreonURL=""), ok(lambda s: s.patreon_url is None),
                 Expect(PARSE + FORMAT), OK),
    # ASR:424-427; LCV:103
    "T7": Vector(_set(first_version, size="100"), ok(lambda s: s.apps[0].versions[0].size == 100),
                 ok(lambda s: s.apps[0].versions[0].size == 100), Expect(FORMAT)),
    # ASR:626-630 (Unix time); LCV:100
    "T8": Vector(_set(first_version, date=1704067200),
                 ok(lambda s: s.apps[0].versions[0].date == datetime(2024, 1, 1, tzinfo=UTC)),
                 OK, Expect(FORMAT)),
    # ASR:411-414 (`try?`); LCV:427-435
    "T9": Vector(_set(first_version, date="05/01/2024"),
                 ok(lambda s: s.apps[0].versions[0].date is UNDATED),
                 ok(lambda s: s.apps[0].versions[0].date is UNDATED),
                 ok(lambda s: s.apps[0].versions[0].date is UNDATED)),
    # ASR:238-241 (strict); LCV:70 (a String)
    "T10": Vector(_set(first_app, versionDate="05/01/2024"), Expect(PARSE + FORMAT),
                  Expect(PARSE + FORMAT), OK),
    # ASR:377-379 (no download: "Get" does nothing); LCV:392-399, 374-375
    "T11": Vector(_t11, ok(latest("2.0"), lambda s: s.apps[0].versions[0].download_url == ""),
                  ok(latest("2.0")), ok(latest("1.0"), lambda s: len(s.apps[0].versions) == 1)),
    # ASR:428-431 (minOSVersion unused); LCV: not read
    "T12": Vector(_t12, ok(latest("2.0")), ok(latest("2.0")), ok(latest("2.0"))),
    # ASR:373-379 (size from the app); LCV:411-425 (no build, no size)
    "T13": Vector(_t13, ok(_legacy_version, lambda s: s.apps[0].versions[0].size == 100),
                  ok(_legacy_version), ok(_legacy_version,
                                          lambda s: s.apps[0].versions[0].size == 0)),
    # no duplicate checks (SourceAppsTableRepresentableView.swift:103-105; LCAppListView.swift)
    "T14": Vector(_t14, ok(lambda s: len(s.apps) == 2), ok(lambda s: len(s.apps) == 2),
                  ok(lambda s: len(s.apps) == 2)),
    "T15": Vector(_t15, ok(lambda s: len(s.apps[0].versions) == 2),
                  ok(lambda s: len(s.apps[0].versions) == 2),
                  ok(lambda s: len(s.apps[0].versions) == 2)),
    # ASR:407-410; LCV:107 (buildVersion not read)
    "T16": Vector(_set(first_version, buildVersion=42), Expect(PARSE + FORMAT),
                  Expect(PARSE + FORMAT), OK),
    "T17": Vector(_set(first_version, buildVersion="42"),
                  ok(lambda s: s.apps[0].versions[0].build_version == "42"),
                  ok(lambda s: s.apps[0].versions[0].build_version == "42"),
                  ok(lambda s: s.apps[0].versions[0].build_version is None)),
    "T17-buildNumber": Vector(_set(first_version, buildNumber="42"),
                              ok(lambda s: s.apps[0].versions[0].build_version is None),
                              ok(lambda s: s.apps[0].versions[0].build_version is None),
                              ok(lambda s: s.apps[0].versions[0].build_version == "42")),
    # Color+Codable.swift:83-110 (black); LCV:451-471 (none)
    "T18": Vector(_set(first_app, tintColor="red"), ok(lambda s: s.apps[0].tint_colour == BLACK),
                  ok(lambda s: s.apps[0].tint_colour == BLACK),
                  ok(lambda s: s.apps[0].tint_colour is None)),
    # ASR:296-304; K: not a CodingKey; LC: not read
    "T19": Vector(_set(first_app, marketplaceID="123"),
                  Expect(PARSE + "AltStore PAL repositories aren't supported: com.e.a"), OK, OK),
    # ASR:466; LC: news not read
    "T20": Vector(_set(_root, news=[{"identifier": "n1", "title": "T", "date": "2024-01-01"}]),
                  Expect(PARSE + MISSING), Expect(PARSE + MISSING), OK),
    # ASR:52; LCV:437-438
    "T21": Vector(_set(_root, website=""), Expect(PARSE + FORMAT), Expect(PARSE + FORMAT),
                  ok(lambda s: s.website == "")),
    # ASR:192-203 (a stub); LC: not read
    "T22": Vector(_set(first_app, screenshots={"iphone": ["https://e.com/s.png"]}),
                  ok(lambda s: s.apps[0].screenshots == []),
                  ok(lambda s: s.apps[0].screenshots == []), OK),
    # NBFetchService.swift:51-68 (no status check); LCV:320-323 (see the test below)
    "T23": Vector(_nothing, Expect(PARSE + FORMAT), Expect(PARSE + FORMAT), Expect("HTTP 404"),
                  raw=lambda raw: b"<html><body>404 Not Found</body></html>"),
    # NBFetchService.swift:63 (a plain JSONDecoder); LCV:333
    "T24": Vector(_nothing, Expect(PARSE + FORMAT), Expect(PARSE + FORMAT), Expect(FORMAT),
                  raw=lambda raw: raw[:-1] + b",}"),
    # Identity is a decision (FR.swift:164-173; LCV:171): the decode keeps the JSON identifier
    "T25": Vector(_nothing, ok(lambda s: s.json_identifier == "com.e.src"),
                  ok(lambda s: s.json_identifier == "com.e.src"),
                  ok(lambda s: s.json_identifier == "com.e.src")),
    # ASR:276-277 (`try?`); LCV:64
    "T26": Vector(_set(first_app, beta="true"), ok(lambda s: s.apps[0].beta is False),
                  ok(lambda s: s.apps[0].beta is False), Expect(FORMAT)),
    # a relative URL with no base in Feather; LCV:437-443 resolves it
    "T27": Vector(_set(first_version, downloadURL="builds/a.ipa"),
                  ok(lambda s: s.apps[0].versions[0].download_url == "builds/a.ipa"),
                  ok(lambda s: s.apps[0].versions[0].download_url == "builds/a.ipa"),
                  ok(lambda s: s.apps[0].versions[0].download_url
                     == "https://e.com/src/builds/a.ipa")),
}


def _raw(vector: Vector) -> bytes:
    doc = base()
    vector.change(doc)
    raw = json.dumps(doc).encode()
    return raw if vector.raw is None else vector.raw(raw)


def _results(raw: bytes, client: str, status: int | None) -> tuple[CheckResult, CheckResult]:
    profile = PROFILES[client]
    full = check_source(raw, profile, IOS, now=NOW, source_url=SOURCE_URL, http_status=status)
    own = client_verdict(raw, profile, IOS, source_url=SOURCE_URL, http_status=status)
    return full, own


@pytest.mark.parametrize("client", CLIENTS)
@pytest.mark.parametrize("name", VECTORS)
def test_vector(name: str, client: str) -> None:
    vector = VECTORS[name]
    expected: Expect = getattr(vector, client)
    full, own = _results(_raw(vector), client, 404 if name == "T23" else None)
    for result in (full, own):  # altsim's full report and the client's own stop agree
        if expected.message is None:
            assert result.rejection is None, result.rejection
        else:
            assert result.rejection is not None
            assert result.rejection.message == expected.message
    assert (own.source is None) == (expected.message is not None)
    if full.source is not None:
        for check in expected.checks:
            assert check(full.source), (name, client)
    if expected.message is not None:  # the maintainer sees the error, located
        assert any(d.severity.value == "error" for d in full.diagnostics)


# -- what the maintainer is told beside the verdict ---------------------------------------------


def _codes(doc: dict[str, Any], client: str, **kwargs: Any) -> set[tuple[str, str]]:
    result = check_source(json.dumps(doc).encode(), PROFILES[client], IOS, now=NOW, **kwargs)
    return {(d.code, d.pointer) for d in result.diagnostics}


def test_livecontainer_skips_an_app_without_a_name_and_says_so() -> None:
    doc = base()
    doc["apps"].insert(0, {k: v for k, v in APP.items() if k != "name"})
    result = check_source(json.dumps(doc).encode(), PROFILES["livecontainer"], IOS, now=NOW)
    assert result.accepted
    assert result.source is not None
    assert len(result.source.apps) == 1
    assert ("skipped-app", "/apps/0") in {(d.code, d.pointer) for d in result.diagnostics}


def test_livecontainer_skips_a_version_without_a_download_url_and_says_so() -> None:
    doc = base()
    _t11(doc)
    assert ("skipped-version", "/apps/0/versions/0") in _codes(doc, "livecontainer")
    first_app(doc)["versions"][0]["downloadURL"] = ""  # "" is no URL either
    assert ("skipped-version", "/apps/0/versions/0") in _codes(doc, "livecontainer")


def test_livecontainer_names_buildnumber_when_it_sees_buildversion() -> None:
    doc = base()
    first_version(doc)["buildVersion"] = "42"
    result = check_source(json.dumps(doc).encode(), PROFILES["livecontainer"], IOS, now=NOW)
    (note,) = [d for d in result.diagnostics if d.pointer == "/apps/0/versions/0/buildVersion"]
    assert note.code == "unread-key"
    assert "buildNumber" in note.message


def test_livecontainer_without_a_source_url_leaves_a_relative_url_and_says_so() -> None:
    doc = base()
    first_version(doc)["downloadURL"] = "builds/a.ipa"
    result = check_source(json.dumps(doc).encode(), PROFILES["livecontainer"], IOS, now=NOW)
    assert result.source is not None
    assert result.source.apps[0].versions[0].download_url == "builds/a.ipa"
    assert ("relative-url", "/apps/0/versions/0/downloadURL") in {
        (d.code, d.pointer) for d in result.diagnostics}


def test_livecontainer_fails_on_a_wrong_type_before_a_missing_name() -> None:
    doc = base()
    del doc["name"]
    first_app(doc)["beta"] = "true"
    result = check_source(json.dumps(doc).encode(), PROFILES["livecontainer"], IOS, now=NOW)
    assert result.rejection is not None
    assert result.rejection.message == FORMAT
    assert {"typeMismatch", "sourceNotValid"} <= {d.code for d in result.diagnostics}


def test_an_app_without_a_tint_takes_the_sources_in_livecontainer() -> None:
    doc = base()
    doc["tintColor"] = "#FF0000"
    result = check_source(json.dumps(doc).encode(), PROFILES["livecontainer"], IOS, now=NOW)
    assert result.source is not None
    assert result.source.apps[0].tint_colour == 0xFFFF0000


@pytest.mark.parametrize("client", ["feather", "ksign"])
def test_a_2xx_or_any_status_is_read_by_feather(client: str) -> None:
    full, own = _results(json.dumps(base()).encode(), client, 404)
    assert full.accepted
    assert own.accepted


def test_feather_reports_every_problem_at_once() -> None:
    doc = base()
    doc["website"] = ""
    del first_app(doc)["iconURL"]
    first_app(doc)["marketplaceID"] = "1"
    codes = _codes(doc, "feather")
    assert {("dataCorrupted", "/website"), ("keyNotFound", "/apps/0"),
            ("palNotSupported", "/apps/0/marketplaceID")} <= codes


def test_the_tolerant_values_are_reported() -> None:
    doc = base()
    first_version(doc)["size"] = "12 MB"
    first_app(doc)["beta"] = "yes"
    codes = _codes(doc, "feather")
    assert {("ignored-value", "/apps/0/versions/0/size"),
            ("ignored-value", "/apps/0/beta")} <= codes


@pytest.mark.parametrize("client", CLIENTS)
def test_no_client_reads_json5(client: str) -> None:
    raw = b'{"name": "S", // a comment\n "apps": []}'
    for ios in [(14, 0, 0), (17, 0, 0)]:
        result = check_source(raw, PROFILES[client], ios, now=NOW)
        assert result.rejection is not None
        assert result.rejection.code == "jsonSyntax"


def test_the_status_warning_is_left_to_the_verdict_where_the_client_stops_at_it() -> None:
    from altsim.cli.inputs import SourceInput

    fetched = SourceInput(b"{}", "HTTP 404 Not Found: the client ignores the status and "
                          "decodes the body anyway", 404, SOURCE_URL)
    assert fetched.status_diagnostic(PROFILES["livecontainer"]) is None
    assert fetched.status_diagnostic(PROFILES["feather"]) is not None
    assert fetched.status_diagnostic() is not None
