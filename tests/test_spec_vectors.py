"""The decoding vectors of spec §14, plus unit tests of the value parsers (§1.2, §2.5, §3.1-3.2).

Each test id carries its vector number (``v19-…``). Vectors about UI, updates, notifications
and installing are out of scope here (3, 9, 36-44, 47-48, 50, 53-62 but the decoded Patreon
model of 57-59, 65, 69, 70, 72, 75, 80, 82). Vector 4 (URL normalisation) has no API in
altsim.core yet.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, NamedTuple

import httpx
import pytest

from altsim.core.check import CheckResult, check_source
from altsim.core.profiles import PROFILES
from altsim.core.values import is_valid_url, parse_hex_colour, parse_os_version, parse_source_date
from altsim.net.fetch import fetch_source

IOS = (17, 0, 0)
NOW = datetime(2024, 1, 1, tzinfo=UTC)
# Foundation's user-visible texts (spec §1.2); note the curly apostrophe U+2019.
FORMAT = "The data couldn\u2019t be read because it isn\u2019t in the correct format."
MISSING = "The data couldn\u2019t be read because it is missing."
ABSENT: Any = object()  # an override that removes the key


# -- building sources ---------------------------------------------------------------------------

def _merge(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not ABSENT}


def version(**overrides: Any) -> dict[str, Any]:
    return _merge({"version": "1.0", "date": "2023-02-17",
                   "downloadURL": "https://example.com/app.ipa", "size": 5_000_000}, overrides)


def app(**overrides: Any) -> dict[str, Any]:
    return _merge({"name": "App", "bundleIdentifier": "com.a", "developerName": "Dev",
                   "localizedDescription": "An app.", "iconURL": "https://example.com/icon.png",
                   "versions": [version()]}, overrides)


def news(**overrides: Any) -> dict[str, Any]:
    return _merge({"identifier": "n1", "date": "2023-02-17", "title": "Title",
                   "caption": "Caption"}, overrides)


def source(**root: Any) -> dict[str, Any]:
    return _merge({"name": "S", "apps": [app()]}, root)


def check(doc: Any, profile: str = "altstore", ios: tuple[int, int, int] = IOS,
          **kwargs: Any) -> CheckResult:
    raw = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
    return check_source(raw, PROFILES[profile], ios, now=NOW, **kwargs)


def accepted(doc: Any, profile: str = "altstore", ios: tuple[int, int, int] = IOS,
             **kwargs: Any) -> Any:
    """The decoded source, after asserting the client accepts the document."""
    result = check(doc, profile, ios, **kwargs)
    assert result.accepted, result.rejection
    assert result.source is not None
    return result.source


def codes(result: CheckResult) -> set[tuple[str, str]]:
    return {(d.code, d.pointer) for d in result.diagnostics}


# -- rejected vectors: verdict, client text, coding path ----------------------------------------

class Reject(NamedTuple):
    doc: Any
    code: str
    message: str | None = None
    path: str | None = None
    detail: str | None = None
    profile: str = "altstore"
    ios: tuple[int, int, int] = IOS


HEX_INVALID = "Hex code is invalid."
DATE_INVALID = "Date is in invalid format."
_MARKETPLACE_APP = app(marketplaceID="123", versions=[version(buildVersion="1")])

REJECTED = {
    "v01-root-without-name": Reject(
        source(name=ABSENT), "keyNotFound", MISSING, "name"),
    "v05-html-error-page": Reject(
        b"<html><body>404 Not Found</body></html>", "jsonSyntax", FORMAT, ""),
    "v11-duplicate-bundle-id": Reject(
        source(apps=[app(), app(name="B")]), "duplicateBundleID",
        "The source \u201cS\u201d contains multiple apps with the bundle identifier com.a."),
    "v12-duplicate-version": Reject(
        source(apps=[app(versions=[version(), version()])]), "duplicateVersion",
        "The source \u201cS\u201d contains duplicate versions (1.0) for App (com.a)."),
    "v15-empty-versions": Reject(
        source(apps=[app(versions=[])]), "noVersions",
        "App (com.a) does not have any app versions.", ""),
    "v16-null-versions-no-legacy-keys": Reject(
        source(apps=[app(versions=None)]), "keyNotFound", MISSING, "apps > 0 > version"),
    "v18-legacy-size-over-int32": Reject(
        source(apps=[app(versions=ABSENT, version="1.0", versionDate="2023-02-17",
                         downloadURL="https://example.com/a.ipa", size=3_000_000_000)]),
        "dataCorrupted", FORMAT, "apps > 0 > size",
        "Parsed JSON number <3000000000> does not fit in Int32."),
    "v23-ipad-screenshot-without-size": Reject(
        source(apps=[app(screenshots={"ipad": ["https://example.com/u.png"]})]),
        "missingScreenshotSize",
        "An iPad screenshot for App does not specify its size: https://example.com/u.png"),
    "v24-screenshot-width-over-int16": Reject(
        source(apps=[app(screenshots=[{"imageURL": "https://example.com/u.png",
                                       "width": 40000, "height": 100}])]),
        "dataCorrupted", FORMAT, "apps > 0 > screenshots > 0 > width"),
    "v24-screenshot-width-fractional": Reject(
        source(apps=[app(screenshots=[{"imageURL": "https://example.com/u.png",
                                       "width": 1179.5, "height": 2556}])]),
        "dataCorrupted", FORMAT, "apps > 0 > screenshots > 0 > width"),
    "v27-privacy-empty-description": Reject(
        source(apps=[app(appPermissions={"privacy": {"NSCameraUsageDescription": ""}})]),
        "missingPermissionUsageDescription",
        "The privacy permission 'NSCameraUsageDescription' for App is missing a usage "
        "description."),
    "v30-marketplace-id-on-classic": Reject(
        source(apps=[_MARKETPLACE_APP]), "marketplaceNotSupported",
        "The source \u201cS\u201d contains notarized apps, which are not supported by this "
        "version of AltStore."),
    "v31-marketplace-id-version-without-build": Reject(
        source(apps=[app(marketplaceID="123")]), "keyNotFound", MISSING,
        "apps > 0 > versions > 0 > buildVersion", "Notarized apps must provide a build version."),
    "v45-date-day-first": Reject(
        source(apps=[app(versions=[version(date="17/02/2023")])]), "dataCorrupted", FORMAT,
        "apps > 0 > versions > 0 > date", DATE_INVALID),
    "v63-patreon-numeric-tier": Reject(
        source(apps=[app(patreon={"tiers": [8373919]})]), "typeMismatch", FORMAT,
        "apps > 0 > patreon > tiers > 0"),
    "v63-patreon-pledge-capital-custom": Reject(
        source(apps=[app(patreon={"pledge": "Custom"})]), "typeMismatch", FORMAT,
        "apps > 0 > patreon > pledge"),
    "v64-user-info-non-string": Reject(
        source(userInfo={"x": True}), "typeMismatch", FORMAT, "userInfo > x"),
    "v66-trailing-comma-ios14": Reject(
        b'{"name": "S", "apps": [],}', "jsonSyntax", FORMAT, "", ios=(14, 8, 0)),
    "v66-comment-ios14": Reject(
        b'{"name": "S" /* c */}', "jsonSyntax", FORMAT, "", ios=(14, 8, 0)),
    "v68-icon-url-with-space-ios16": Reject(
        source(apps=[app(iconURL="https://example.com/my icon.png")]), "dataCorrupted", FORMAT,
        "apps > 0 > iconURL", "Invalid URL string.", ios=(16, 7, 0)),
    "v71-sidestore-root-version-string": Reject(
        source(version="2"), "typeMismatch", FORMAT, "version", profile="sidestore"),
    "v73-sidestore05-no-app-download-url": Reject(
        source(identifier="com.s", apps=[app(version="1.0", versionDate="2023-02-17",
                                             size=5_000_000)]),
        "dataCorrupted", FORMAT, "apps > 0 > downloadURL",
        "E downloadURL:String or downloadURLs:[[Platform:URL]] key required.",
        profile="sidestore-0.5"),
    "v74-altstore17-without-identifier": Reject(
        source(), "keyNotFound", MISSING, "identifier", profile="altstore-1.7"),
    "v81-fractional-size": Reject(
        source(apps=[app(versions=[version(size=12.5)])]), "dataCorrupted", FORMAT,
        "apps > 0 > versions > 0 > size"),
    # §1.2 general rules: strict types, null for a required key, paths include the missing key.
    "s1.2-missing-developer-name": Reject(
        source(apps=[app(developerName=ABSENT)]), "keyNotFound", MISSING,
        "apps > 0 > developerName"),
    "s1.2-null-developer-name": Reject(
        source(apps=[app(developerName=None)]), "valueNotFound", MISSING,
        "apps > 0 > developerName"),
    "s1.2-number-version": Reject(
        source(apps=[app(versions=[version(version=1.0)])]), "typeMismatch", FORMAT,
        "apps > 0 > versions > 0 > version"),
    "s1.2-string-size": Reject(
        source(apps=[app(versions=[version(size="123")])]), "typeMismatch", FORMAT,
        "apps > 0 > versions > 0 > size"),
    "s1.2-string-beta": Reject(
        source(apps=[app(beta="true")]), "typeMismatch", FORMAT, "apps > 0 > beta"),
    "s1.2-empty-url": Reject(
        source(website=""), "dataCorrupted", FORMAT, "website", "Invalid URL string."),
    "s6.1-news-without-caption": Reject(
        source(news=[news(caption=ABSENT)]), "keyNotFound", MISSING, "news > 0 > caption"),
    "s8.1-patreon-hidden-not-bool": Reject(
        source(apps=[app(patreon={"hidden": "yes"})]), "typeMismatch", FORMAT,
        "apps > 0 > patreon > hidden"),
}


@pytest.mark.parametrize("case", REJECTED.values(), ids=REJECTED.keys())
def test_rejected(case: Reject) -> None:
    result = check(case.doc, case.profile, case.ios)
    assert not result.accepted
    assert result.rejection is not None
    assert result.rejection.code == case.code
    if case.message is not None:
        assert result.rejection.message == case.message
    if case.path is not None:
        assert result.rejection.path == case.path
    if case.detail is not None:
        assert result.rejection.detail == case.detail


# -- hex colours (vectors 19, 20, 77) -----------------------------------------------------------
# ERRATUM: spec §2.5 and vectors 19/20/77 assume `scanInt32` (fails without digits, clamps at
# 0x7FFFFFFF). The client code (UIColor+Hex.swift, notes/altstore-decode-order.md §10) calls
# `scanHexInt32` into a UInt32 starting at 0 and ignores its result, so only the trimmed length
# (3, 6 or 8) can fail: "red"/"zzz" are black, "#F54F3280" is not clamped. The code wins.

COLOURS = {
    "v20-three-digits": ("#abc", 0xFFAABBCC),
    "v20-fed": ("fed", 0xFFFFEEDD),
    "v20-0x-prefix-is-argb-alpha-0": ("0xF54F32", 0x00F54F32),
    "v20-css-rgba-read-as-argb-no-clamp": ("#F54F3280", 0xF54F3280),
    "v19-erratum-red-is-black": ("red", 0xFF000000),
    "v19-erratum-zzzzzz-is-black": ("zzzzzz", 0xFF000000),
    "s2.5-six-digits": ("#F54F32", 0xFFF54F32),
    "s2.5-no-hash": ("C9B632", 0xFFC9B632),
    "s2.5-trimmed-both-ends": (" #F54F32; ", 0xFFF54F32),
    "s2.5-partial-prefix": ("12345G", 0xFF012345),
}


@pytest.mark.parametrize(("text", "argb"), COLOURS.values(), ids=COLOURS.keys())
def test_app_tint_colour(text: str, argb: int) -> None:
    assert accepted(source(apps=[app(tintColor=text)])).apps[0].tint_colour == argb


@pytest.mark.parametrize("text", ["", "#12345", "#1234", "#"], ids=lambda t: f"v19-{t!r}")
def test_v19_invalid_hex_fails_whole_source(text: str) -> None:
    result = check(source(apps=[app(tintColor=text)]))
    assert result.rejection is not None
    assert (result.rejection.code, result.rejection.message) == ("dataCorrupted", FORMAT)
    assert (result.rejection.path, result.rejection.detail) == ("apps > 0 > tintColor",
                                                                HEX_INVALID)


def test_root_tint_colour_invalid_fails() -> None:
    result = check(source(tintColor="#12345"))
    assert result.rejection is not None
    assert (result.rejection.path, result.rejection.detail) == ("tintColor", HEX_INVALID)


def test_v76_news_without_tint() -> None:
    assert accepted(source(news=[news()])).news[0].tint_colour is None


def test_v77_news_tint_erratum() -> None:
    # Spec: "zzz" fails. Per the erratum above it is 3 characters, hence black; "zz" fails.
    assert accepted(source(news=[news(tintColor="zzz")])).news[0].tint_colour == 0xFF000000
    result = check(source(news=[news(tintColor="zz")]))
    assert result.rejection is not None
    assert (result.rejection.path, result.rejection.detail) == ("news > 0 > tintColor",
                                                                HEX_INVALID)


# -- dates (vectors 45, 46) ---------------------------------------------------------------------

DATES = {
    "v45-date-only-is-midnight-utc": ("2023-02-17", datetime(2023, 2, 17, tzinfo=UTC)),
    "v45-offset-converted-to-utc": ("2023-02-17T12:00:00-06:00",
                                    datetime(2023, 2, 17, 18, tzinfo=UTC)),
    "s3.1-zulu": ("2023-02-17T12:00:00Z", datetime(2023, 2, 17, 12, tzinfo=UTC)),
}


@pytest.mark.parametrize(("text", "expected"), DATES.values(), ids=DATES.keys())
def test_version_date(text: str, expected: datetime) -> None:
    decoded = accepted(source(apps=[app(versions=[version(date=text)])]))
    assert decoded.apps[0].versions[0].date == expected


def test_v46_fractional_seconds_depend_on_prefix_switch() -> None:
    doc = source(apps=[app(versions=[version(date="2023-02-17T12:00:00.000Z")])])
    decoded = accepted(doc, date_prefix_parse=True)
    assert decoded.apps[0].versions[0].date == datetime(2023, 2, 17, tzinfo=UTC)
    result = check(doc, date_prefix_parse=False)
    assert result.rejection is not None
    assert (result.rejection.code, result.rejection.detail) == ("dataCorrupted", DATE_INVALID)


# -- root, apps, versions -----------------------------------------------------------------------

def test_v02_json_identifier_ignored_by_altstore() -> None:
    assert accepted(source(identifier="com.foo")).json_identifier is None
    assert accepted(source(identifier="com.foo"), "sidestore").json_identifier == "com.foo"


def test_v06_error_status_with_valid_body_is_accepted() -> None:
    body = json.dumps(source()).encode()
    transport = httpx.MockTransport(lambda request: httpx.Response(500, content=body))
    fetched = fetch_source("https://example.com/apps.json", transport=transport)
    assert fetched.status == 500
    assert accepted(fetched.body).apps[0].bundle_id == "com.a"


def test_v05_html_404_page_is_a_syntax_error() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(404, html="<h1>Gone</h1>"))
    result = check(fetch_source("https://example.com/apps.json", transport=transport).body)
    assert result.rejection is not None
    assert (result.rejection.code, result.rejection.message) == ("jsonSyntax", FORMAT)


def test_v07_empty_source() -> None:
    decoded = accepted({"name": "S"})
    assert (decoded.apps, decoded.news, decoded.icon_url, decoded.tint_colour) == ([], [], None,
                                                                                  None)


def test_v08_explicit_empty_featured_apps() -> None:
    apps = [app(bundleIdentifier=f"com.{c}") for c in "abc"]
    assert accepted(source(apps=apps, featuredApps=[])).featured_apps == []


def test_v10_unknown_featured_app_is_accepted() -> None:
    result = check(source(featuredApps=["com.unknown", "com.a"]))
    assert result.accepted
    assert ("unknown-featured-app", "/featuredApps/0") in codes(result)


def test_v13_same_version_with_and_without_build() -> None:
    versions = [version(buildVersion="1"), version()]
    decoded = accepted(source(apps=[app(versions=versions)]))
    assert [v.version_id for v in decoded.apps[0].versions] == ["1.0|1", "1.0|nil"]


def test_v14_empty_build_version_is_no_build() -> None:
    decoded = accepted(source(apps=[app(versions=[version(buildVersion="")])]))
    (only,) = decoded.apps[0].versions
    assert (only.build_version, only.localized_version) == (None, "1.0")


@pytest.mark.parametrize("description", [ABSENT, "Fixes."], ids=["v17-no-desc", "v17-desc"])
def test_v17_legacy_single_version_keys(description: Any) -> None:
    legacy = app(versions=ABSENT, version="1.2", versionDate="2023-02-17",
                 downloadURL="https://example.com/a.ipa", size=1234567,
                 versionDescription=description)
    (only,) = accepted(source(apps=[legacy])).apps[0].versions
    assert (only.version, only.build_version, only.size) == ("1.2", None, 1234567)
    assert only.date == datetime(2023, 2, 17, tzinfo=UTC)
    assert only.localized_description == (None if description is ABSENT else description)


def test_v18_over_2gb_in_versions_decodes() -> None:
    result = check(source(apps=[app(versions=[version(size=3_000_000_000)])]))
    assert result.accepted
    assert result.source is not None and result.source.apps[0].versions[0].size == 3_000_000_000
    assert ("size-over-2gb", "/apps/0/versions/0/size") in codes(result)


@pytest.mark.parametrize(("raw", "stored"), [("Games", "games"), ("productivity", "productivity"),
                                             (ABSENT, None)], ids=["v21-games", "v21-unknown",
                                                                   "v21-absent"])
def test_v21_category_never_fails(raw: Any, stored: str | None) -> None:
    assert accepted(source(apps=[app(category=raw)])).apps[0].category == stored


def test_v30_marketplace_build_accepts_notarized_app() -> None:
    accepted(source(apps=[_MARKETPLACE_APP]), "altstore-pal")


def test_v71_sidestore_root_version() -> None:
    assert accepted(source(version=2), "sidestore").json_version == 2
    accepted(source(version="2"))  # AltStore ignores the key


def test_v79_null_optionals_are_absent() -> None:
    decoded = accepted(source(subtitle=None, featuredApps=None))
    assert (decoded.subtitle, decoded.featured_apps) == (None, None)


def test_v81_integral_float_size() -> None:
    assert accepted(source(apps=[app(versions=[version(size=12.0)])])).apps[0].versions[0].size \
        == 12


# -- screenshots (vectors 22, 25, 26, 78) -------------------------------------------------------

U1, U2 = "https://example.com/u1.png", "https://example.com/u2.png"


def _shots(screens: Any, **extra: Any) -> list[tuple[str, str, int | None, int | None]]:
    decoded = accepted(source(apps=[app(screenshots=screens, **extra)]))
    return [(s.image_url, s.device, s.width, s.height) for s in decoded.apps[0].screenshots]


def test_v22_string_and_object_screenshots() -> None:
    screens = [U1, {"imageURL": U2, "width": 2556, "height": 1179}]
    assert _shots(screens) == [(U1, "iphone", None, None), (U2, "iphone", 2556, 1179)]


def test_v25_width_only_is_unsized() -> None:
    assert _shots([{"imageURL": U1, "width": 1179}]) == [(U1, "iphone", None, None)]


def test_v26_screenshots_win_over_legacy_urls() -> None:
    assert _shots([U1], screenshotURLs=[U2]) == [(U1, "iphone", None, None)]
    assert _shots(ABSENT, screenshotURLs=[U2]) == [(U2, "iphone", 750, 1334)]


def test_v78_unknown_device_key_ignored() -> None:
    ipad = {"imageURL": U2, "width": 2048, "height": 2732}
    shots = _shots({"iphone": [U1], "ipad": [ipad], "android": [U2]})
    assert shots == [(U1, "iphone", None, None), (U2, "ipad", 2048, 2732)]


# -- permissions, Patreon (vectors 28, 29, 57-59) -----------------------------------------------

def test_v28_legacy_privacy_list() -> None:
    perms = {"privacy": [{"name": "Camera", "usageDescription": "x"}]}
    (perm,) = accepted(source(apps=[app(appPermissions=perms)])).apps[0].permissions.privacy
    assert (perm.name, perm.usage_description) == ("NSCameraUsageDescription", "x")


def test_v29_legacy_top_level_permissions_ignored() -> None:
    legacy = app(permissions=[{"type": "camera", "usageDescription": "x"}])
    decoded = accepted(source(apps=[legacy]))
    assert decoded.apps[0].permissions.privacy == []
    assert decoded.apps[0].permissions.entitlements == []


PATREON = {
    "v57-pledge-3": ({"pledge": 3}, (Decimal(3), "USD", False)),
    "v58-custom": ({"pledge": "custom"}, (Decimal(0), "USD", True)),
    "v58-empty-object": ({}, (Decimal(0), None, False)),
    "v59-eur": ({"pledge": 4.5, "currency": "EUR"}, (Decimal("4.5"), "EUR", False)),
}


@pytest.mark.parametrize(("patreon", "expected"), PATREON.values(), ids=PATREON.keys())
def test_patreon_decoded(patreon: dict[str, Any], expected: tuple[Any, ...]) -> None:
    decoded = accepted(source(apps=[app(patreon=patreon)])).apps[0].patreon
    assert decoded is not None
    assert (decoded.pledge, decoded.currency, decoded.custom_pledge) == expected
    assert decoded.hidden is False


# -- OS support (vectors 32-35) -----------------------------------------------------------------

SUPPORT = {
    "v32-max-17-excludes-17.0.1": ((17, 0, 1), ABSENT, "17", False),
    "v33-min-16.4.0-on-16.4": ((16, 4, 0), "16.4.0", ABSENT, True),
    "v33-min-16.4.1-on-16.4": ((16, 4, 0), "16.4.1", ABSENT, False),
    "v34-min-abc-no-restriction": ((17, 0, 0), "abc", ABSENT, True),
    "v34-max-abc-never": ((17, 0, 0), ABSENT, "abc", False),
    "v34-max-empty-never": ((17, 0, 0), ABSENT, "", False),
    "v35-min-15.x-on-15.0": ((15, 0, 0), "15.x", ABSENT, True),
}


@pytest.mark.parametrize(("ios", "low", "high", "supported"), SUPPORT.values(),
                         ids=SUPPORT.keys())
def test_os_support(ios: tuple[int, int, int], low: Any, high: Any, supported: bool) -> None:
    doc = source(apps=[app(versions=[version(minOSVersion=low, maxOSVersion=high)])])
    result = check(doc, ios=ios)
    assert result.accepted
    assert (("no-compatible-version", "/apps/0/versions") not in codes(result)) is supported


# -- news (vectors 49, 51, 52) ------------------------------------------------------------------

def test_v49_same_date_keeps_json_order() -> None:
    items = accepted(source(news=[news(identifier="b"), news(identifier="a")])).news
    assert [(n.identifier, n.sort_index) for n in items] == [("b", 0), ("a", 1)]


def test_v51_unknown_news_app_id_kept() -> None:
    result = check(source(news=[news(appID="com.unknown")]))
    assert result.source is not None and result.source.news[0].app_id == "com.unknown"
    assert ("unknown-news-app", "/news/0/appID") in codes(result)


def test_v52_duplicate_news_identifier_accepted() -> None:
    result = check(source(news=[news(), news(title="Again")]))
    assert result.accepted
    assert ("duplicate-news-id", "/news/1/identifier") in codes(result)


# -- JSON5 and URLs per iOS (vectors 66-68) -----------------------------------------------------

@pytest.mark.parametrize("raw", [b'{"name": "S", "apps": [],}', b'{"name": "S" /* c */}',
                                 b"{name: 'S'}"], ids=["v66-comma", "v66-comment", "v66-quotes"])
def test_v66_json5_on_ios15(raw: bytes) -> None:
    assert accepted(raw, ios=(15, 0, 0)).name == "S"


def test_v67_relative_icon_url_accepted_unresolved() -> None:
    result = check(source(apps=[app(iconURL="icons/a.png")]))
    assert result.source is not None and result.source.apps[0].icon_url == "icons/a.png"
    assert ("relative-url", "/apps/0/iconURL") in codes(result)


def test_v68_icon_url_with_space_on_ios17() -> None:
    url = "https://example.com/my icon.png"
    assert accepted(source(apps=[app(iconURL=url)])).apps[0].icon_url == url


# -- values.py unit tests -----------------------------------------------------------------------

@pytest.mark.parametrize(("text", "argb"), [
    ("#abc", 0xFFAABBCC), ("ABC", 0xFFAABBCC), ("#F54F32", 0xFFF54F32),
    ("#80F54F32", 0x80F54F32), ("#FFFFFFFF", 0xFFFFFFFF), ("0X12345G", 0x00012345),
    ("red", 0xFF000000), ("#zzzzzzzz", 0x00000000), ("##abc##", 0xFFAABBCC),
])
def test_parse_hex_colour(text: str, argb: int) -> None:
    colour = parse_hex_colour(text)
    assert colour is not None and colour.argb == argb


@pytest.mark.parametrize("text", ["", "#", "1", "12", "1234", "12345", "1234567", "123456789",
                                  "# 12 #"])
def test_parse_hex_colour_invalid_lengths(text: str) -> None:
    assert parse_hex_colour(text) is None


@pytest.mark.parametrize(("text", "prefix", "expected"), [
    ("2023-02-17", True, datetime(2023, 2, 17, tzinfo=UTC)),
    ("2023-02-17T12:00:00+05:30", True, datetime(2023, 2, 17, 6, 30, tzinfo=UTC)),
    ("2023-02-17T12:00:00.123Z", True, datetime(2023, 2, 17, tzinfo=UTC)),
    ("2023-02-17T12:00:00", True, datetime(2023, 2, 17, tzinfo=UTC)),
    ("2023-02-17T12:00:00+0600", True, datetime(2023, 2, 17, tzinfo=UTC)),
    ("2023-02-17T12:00:00.123Z", False, None),
    ("2023-02-17T12:00:00", False, None),
    ("2023-02-17 12:00:00Z", False, None),
    ("2023-02-17T12:00:00Z", False, datetime(2023, 2, 17, 12, tzinfo=UTC)),
    ("2023-02-30", True, None),
    ("17/02/2023", True, None),
    ("", True, None),
])
def test_parse_source_date(text: str, prefix: bool, expected: datetime | None) -> None:
    parsed = parse_source_date(text, prefix_parse=prefix)
    assert (parsed.value if parsed else None) == expected
    if parsed is not None:
        assert parsed.by_prefix is (expected is not None and len(text) not in (10, 20, 25))


@pytest.mark.parametrize(("text", "expected"), [
    ("14", (14, 0, 0)), ("15.x", (15, 0, 0)), ("16.4.1.2", (16, 4, 1)), ("iOS 15", (0, 0, 0)),
    ("", (0, 0, 0)), ("abc", (0, 0, 0)), ("16.4", (16, 4, 0)), (" 17.2", (17, 2, 0)),
    ("17.0b1", (17, 0, 0)), ("+16.1", (16, 1, 0)),
])
def test_parse_os_version(text: str, expected: tuple[int, int, int]) -> None:
    assert parse_os_version(text) == expected


@pytest.mark.parametrize(("url", "before_17", "from_17"), [
    ("https://example.com/a.png", True, True),
    ("icons/a.png", True, True),
    ("", False, False),
    ("https://example.com/my icon.png", False, True),
    ("https://example.com/caf\u00e9.png", False, True),
    ("https://example.com/%20ok.png", True, True),
    ("https://example.com/%zz.png", False, True),
])
def test_is_valid_url_per_ios(url: str, before_17: bool, from_17: bool) -> None:
    assert is_valid_url(url, lenient=False) is before_17
    assert is_valid_url(url, lenient=True) is from_17
