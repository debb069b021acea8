"""The decoding vectors of behaviour.md 14, plus unit tests of the value parsers (behaviour.md
1.2, 2.5, 3.1-3.2).

Each test id carries its vector number (``v19-…``; ``s1.2-…`` for a rule of that section).
Out of scope (UI, updates, notifications, install): 3, 9, 36-44, 47-48, 50, 53-62 except the
decoded Patreon model of 57-59, 65, 69, 70, 72, 75, 80, 82. Vector 4 (URL normalisation) has
no API in altsim.core yet.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, NamedTuple

import httpx
import pytest

from altsim.core.check import CheckResult, check_source
from altsim.core.model import Source
from altsim.core.profiles import PROFILES
from altsim.core.values import (
    EARLIEST_DATE,
    LATEST_DATE,
    is_valid_url,
    parse_hex_colour,
    parse_os_version,
    parse_source_date,
)
from altsim.net.fetch import fetch_source

from .builders import ABSENT, U1, U2, app, news, one, one_version, source, version

pytestmark = pytest.mark.usefixtures("decoding_path")  # each vector, both paths

IOS = (17, 0, 0)
NOW = datetime(2024, 1, 1, tzinfo=UTC)
# Foundation's user-visible texts (behaviour.md 1.2), with the curly apostrophe U+2019.
FORMAT = "The data couldn\u2019t be read because it isn\u2019t in the correct format."
MISSING = "The data couldn\u2019t be read because it is missing."
HEX_INVALID = "Hex code is invalid."
DATE_INVALID = "Date is in invalid format."
SPACE_URL = "https://example.com/my icon.png"


# -- checking sources ---------------------------------------------------------------------------

def check(doc: Any, profile: str = "altstore", ios: tuple[int, int, int] = IOS,
          **kwargs: Any) -> CheckResult:
    raw = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
    return check_source(raw, PROFILES[profile], ios, now=NOW, **kwargs)


def diagnostics(result: CheckResult) -> set[tuple[str, str]]:
    return {(d.code, d.pointer) for d in result.diagnostics}


def assert_rejected(result: CheckResult, code: str, message: str | None = None,
                    path: str | None = None, detail: str | None = None) -> None:
    """Compares the verdict; a None expectation is not compared."""
    r = result.rejection
    assert r is not None, "accepted"
    want = (code, message, path, detail)
    got = (r.code, r.message, r.path, r.detail)
    assert tuple(g if w is not None else None for g, w in zip(got, want, strict=True)) == want


# -- rejected vectors: verdict, client text, coding path -----------------------------------------

class Reject(NamedTuple):
    doc: Any
    code: str
    message: str | None = None
    path: str | None = None
    detail: str | None = None
    profile: str = "altstore"
    ios: tuple[int, int, int] = IOS
    date_prefix_parse: bool = True


_LEGACY = {"versions": ABSENT, "version": "1.0", "versionDate": "2023-02-17",
           "downloadURL": "https://example.com/a.ipa"}
_NOTARIZED = app(marketplaceID="123", versions=[version(buildVersion="1")])
_OLD_IOS = (14, 8, 0)

REJECTED = {
    "v01-root-without-name": Reject(source(name=ABSENT), "keyNotFound", MISSING, "name"),
    "v05-html-body": Reject(b"<html><body>404</body></html>", "jsonSyntax", FORMAT, ""),
    "v11-duplicate-bundle-id": Reject(
        source(apps=[app(), app(name="B")]), "duplicateBundleID",
        "The source \u201cS\u201d contains multiple apps with the bundle identifier com.a."),
    "v12-duplicate-version": Reject(
        one(versions=[version(), version()]), "duplicateVersion",
        "The source \u201cS\u201d contains duplicate versions (1.0) for App (com.a)."),
    "v15-empty-versions": Reject(
        one(versions=[]), "noVersions", "App (com.a) does not have any app versions.", ""),
    "v16-null-versions-no-legacy": Reject(
        one(versions=None), "keyNotFound", MISSING, "apps > 0 > version"),
    "v18-legacy-size-over-int32": Reject(
        one(**_LEGACY, size=3_000_000_000), "dataCorrupted", FORMAT, "apps > 0 > size",
        "Parsed JSON number <3000000000> does not fit in Int32."),
    "v23-ipad-screenshot-unsized": Reject(
        one(screenshots={"ipad": [U1]}), "missingScreenshotSize",
        f"An iPad screenshot for App does not specify its size: {U1}"),
    "v24-width-over-int16": Reject(
        one(screenshots=[{"imageURL": U1, "width": 40000, "height": 100}]), "dataCorrupted",
        FORMAT, "apps > 0 > screenshots > 0 > width"),
    "v24-width-fractional": Reject(
        one(screenshots=[{"imageURL": U1, "width": 1179.5, "height": 2556}]), "dataCorrupted",
        FORMAT, "apps > 0 > screenshots > 0 > width"),
    "v27-privacy-empty-description": Reject(
        one(appPermissions={"privacy": {"NSCameraUsageDescription": ""}}),
        "missingPermissionUsageDescription", "The privacy permission 'NSCameraUsageDescription' "
        "for App is missing a usage description."),
    "v30-marketplace-id-on-classic": Reject(
        source(apps=[_NOTARIZED]), "marketplaceNotSupported", "The source \u201cS\u201d contains "
        "notarized apps, which are not supported by this version of AltStore."),
    "v31-marketplace-id-without-build": Reject(
        one(marketplaceID="123"), "keyNotFound", MISSING,
        "apps > 0 > versions > 0 > buildVersion", "Notarized apps must provide a build version."),
    "v45-date-day-first": Reject(one_version(date="17/02/2023"), "dataCorrupted", FORMAT,
                                 "apps > 0 > versions > 0 > date", DATE_INVALID),
    "v46-fraction-strict-parse": Reject(
        one_version(date="2023-02-17T12:00:00.000Z"), "dataCorrupted", FORMAT,
        "apps > 0 > versions > 0 > date", DATE_INVALID, date_prefix_parse=False),
    "v63-numeric-tier": Reject(one(patreon={"tiers": [8373919]}), "typeMismatch", FORMAT,
                               "apps > 0 > patreon > tiers > 0"),
    "v63-pledge-capital-custom": Reject(
        one(patreon={"pledge": "Custom"}), "typeMismatch", FORMAT, "apps > 0 > patreon > pledge"),
    "v64-user-info-non-string": Reject(source(userInfo={"x": 1}), "typeMismatch", FORMAT,
                                       "userInfo > x"),
    "v66-trailing-comma-ios14": Reject(b'{"name": "S",}', "jsonSyntax", FORMAT, "", ios=_OLD_IOS),
    "v66-comment-ios14": Reject(b'{"name": "S" /* c */}', "jsonSyntax", FORMAT, "", ios=_OLD_IOS),
    "v68-url-with-space-ios16": Reject(one(iconURL=SPACE_URL), "dataCorrupted", FORMAT,
                                       "apps > 0 > iconURL", "Invalid URL string.", ios=(16, 7, 0)),
    "v71-sidestore-version-string": Reject(
        source(version="2"), "typeMismatch", FORMAT, "version", profile="sidestore"),
    "v73-sidestore05-no-app-download-url": Reject(  # 0.5 also needs app-level version keys
        source(identifier="com.s", apps=[app(version="1.0", versionDate="2023-02-17", size=1)]),
        "dataCorrupted", FORMAT, "apps > 0 > downloadURL",
        "E downloadURL:String or downloadURLs:[[Platform:URL]] key required.",
        profile="sidestore-0.5"),
    "v74-altstore17-no-identifier": Reject(source(), "keyNotFound", MISSING, "identifier",
                                           profile="altstore-1.7"),
    "v81-fractional-size": Reject(
        one_version(size=12.5), "dataCorrupted", FORMAT, "apps > 0 > versions > 0 > size"),
    "s1.2-missing-developer-name": Reject(
        one(developerName=ABSENT), "keyNotFound", MISSING, "apps > 0 > developerName"),
    "s1.2-null-developer-name": Reject(
        one(developerName=None), "valueNotFound", MISSING, "apps > 0 > developerName"),
    "s1.2-number-version": Reject(
        one_version(version=1.0), "typeMismatch", FORMAT, "apps > 0 > versions > 0 > version"),
    "s1.2-string-size": Reject(
        one_version(size="123"), "typeMismatch", FORMAT, "apps > 0 > versions > 0 > size"),
    "s1.2-string-beta": Reject(one(beta="true"), "typeMismatch", FORMAT, "apps > 0 > beta"),
    "s1.2-empty-url": Reject(
        source(website=""), "dataCorrupted", FORMAT, "website", "Invalid URL string."),
    "s2.5-root-tint-invalid": Reject(
        source(tintColor="#12345"), "dataCorrupted", FORMAT, "tintColor", HEX_INVALID),
    "s6.1-news-without-caption": Reject(
        source(news=[news(caption=ABSENT)]), "keyNotFound", MISSING, "news > 0 > caption"),
    # v19, v77: UIColor+Hex.swift:27 at 5a0f2de7 returns nil when scanInt32 finds no hex digit
    # after trimming, and for any length but 3, 6 or 8.
    "v77-news-tint-zzz": Reject(source(news=[news(tintColor="zzz")]), "dataCorrupted",
                                FORMAT, "news > 0 > tintColor", HEX_INVALID),
    "v77-news-tint-two-chars": Reject(source(news=[news(tintColor="zz")]), "dataCorrupted",
                                      FORMAT, "news > 0 > tintColor", HEX_INVALID),
    **{f"v19-tint-{text!r}": Reject(one(tintColor=text), "dataCorrupted", FORMAT,
                                    "apps > 0 > tintColor", HEX_INVALID)
       for text in ("", "#12345", "#1234", "#", "red", "zzzzzz", "G0G0G0", "#zzzzzzzz")},
    "v19-sidestore-red": Reject(one(tintColor="red"), "dataCorrupted", FORMAT,
                                "apps > 0 > tintColor", HEX_INVALID, profile="sidestore"),
    # JSONDecoder checks for null first: valueNotFound, which AppPermissions does not retry.
    "s1.2-root-null": Reject(None, "valueNotFound", MISSING, ""),
    "s1.2-app-null": Reject(source(apps=[None]), "valueNotFound", MISSING, "apps > 0"),
    "s2.3-screenshot-null": Reject(one(screenshots=[None]), "valueNotFound", MISSING,
                                   "apps > 0 > screenshots > 0"),
    "s2.4-legacy-null-description": Reject(
        one(appPermissions={"privacy": [{"name": "Camera", "usageDescription": None}]}),
        "valueNotFound", MISSING, "apps > 0 > appPermissions > privacy > 0 > usageDescription"),
}


@pytest.mark.parametrize("case", REJECTED.values(), ids=REJECTED.keys())
def test_rejected(case: Reject) -> None:
    result = check(case.doc, case.profile, case.ios, date_prefix_parse=case.date_prefix_parse)
    assert_rejected(result, case.code, case.message, case.path, case.detail)


# -- hex colours (vectors 19, 20, 77; decoded in test_accepted) ----------------------------------
# Hex colours as AltStore 2.0rc reads them (AltStoreCore/Extensions/UIColor+Hex.swift:28 at
# 5a0f2de7, behaviour.md 2.5): `scanInt32(representation: .hexadecimal)` fails without a leading
# hex digit and clamps above 0x7FFFFFFF; 8 digits are ARGB.

COLOURS = {
    "v20-three-digits": ("#abc", 0xFFAABBCC), "v20-fed": ("fed", 0xFFFFEEDD),
    "v20-0x-prefix-is-argb-alpha-0": ("0xF54F32", 0x00F54F32),
    # Above Int32.max the Swift overlay keeps its starting value, Int32.max: 50 % white.
    "v20-css-rgba-clamped-to-half-white": ("#F54F3280", 0x7FFFFFFF),
    "v20-top-of-int32-not-clamped": ("#7FFFFFFE", 0x7FFFFFFE),
    "s2.5-six-digits": ("#F54F32", 0xFFF54F32), "s2.5-partial-prefix": ("12345G", 0xFF012345),
    "s2.5-trimmed-both-ends": (" #C9B632; ", 0xFFC9B632),
}


# -- accepted vectors: the decoded value ----------------------------------------------------------

class Accept(NamedTuple):
    doc: Any
    pick: str | Callable[[Source], Any]  # "apps.0.category"; "a,b" gives a tuple
    expected: Any
    profile: str = "altstore"
    ios: tuple[int, int, int] = IOS


def dig(obj: Any, path: str) -> Any:
    for part in path.split("."):
        obj = obj[int(part)] if part.isdigit() else getattr(obj, part)
    return obj


def _shots(s: Source) -> list[tuple[str, str, int | None, int | None]]:
    return [(x.image_url, x.device, x.width, x.height) for x in s.apps[0].screenshots]


def _patreon(s: Source) -> tuple[Any, ...]:
    p = s.apps[0].patreon
    assert p is not None
    return p.pledge, p.currency, p.custom_pledge, p.hidden


V0 = "apps.0.versions.0"
_IPAD = {"imageURL": U2, "width": 2048, "height": 2732}
_IOS15 = (15, 0, 0)

ACCEPTED = {
    "v02-identifier-ignored": Accept(source(identifier="com.foo"), "json_identifier", None),
    "v02-sidestore-reads-identifier": Accept(source(identifier="com.foo"), "json_identifier",
                                             "com.foo", "sidestore"),
    "v07-empty-source": Accept({"name": "S"}, "apps,icon_url,tint_colour", ([], None, None)),
    "v08-featured-empty": Accept(source(featuredApps=[]), "featured_apps", []),
    "v13-build-and-no-build": Accept(one(versions=[version(buildVersion="1"), version()]),
                                     f"{V0}.version_id,apps.0.versions.1.version_id",
                                     ("1.0|1", "1.0|nil")),
    "v14-empty-build-is-none": Accept(one_version(buildVersion=""),
                                      f"{V0}.build_version,{V0}.localized_version", (None, "1.0")),
    "v17-legacy-keys": Accept(one(**_LEGACY, size=1234),
                              f"{V0}.version,{V0}.build_version,{V0}.size,{V0}.localized_description",
                              ("1.0", None, 1234, None)),
    "v17-legacy-description": Accept(one(**_LEGACY, size=1, versionDescription="Fixes."),
                                     f"{V0}.localized_description", "Fixes."),
    "v18-over-2gb-in-versions": Accept(one_version(size=3_000_000_000), f"{V0}.size",
                                       3_000_000_000),
    "v21-games": Accept(one(category="Games"), "apps.0.category", "games"),
    "v21-unknown": Accept(one(category="productivity"), "apps.0.category", "productivity"),
    "v21-absent": Accept(one(), "apps.0.category", None),
    "v22-string-and-object": Accept(
        one(screenshots=[U1, {"imageURL": U2, "width": 2556, "height": 1179}]), _shots,
        [(U1, "iphone", None, None), (U2, "iphone", 2556, 1179)]),
    "v25-width-only-unsized": Accept(one(screenshots=[{"imageURL": U1, "width": 1179}]),
                                     _shots, [(U1, "iphone", None, None)]),
    "v26-screenshots-win": Accept(one(screenshots=[U1], screenshotURLs=[U2]), _shots,
                                  [(U1, "iphone", None, None)]),
    "v26-legacy-750x1334": Accept(one(screenshotURLs=[U2]), _shots, [(U2, "iphone", 750, 1334)]),
    "v28-legacy-privacy": Accept(
        one(appPermissions={"privacy": [{"name": "Camera", "usageDescription": "x"}]}),
        "apps.0.permissions.privacy.0.name,apps.0.permissions.privacy.0.usage_description",
        ("NSCameraUsageDescription", "x")),
    "v29-1x-permissions-ignored": Accept(
        one(permissions=[{"type": "camera", "usageDescription": "x"}]),
        "apps.0.permissions.entitlements,apps.0.permissions.privacy", ([], [])),
    "v30-pal-accepts-notarized": Accept(source(apps=[_NOTARIZED]), "apps.0.marketplace_id", "123",
                                        "altstore-pal"),
    "v45-date-only-midnight-utc": Accept(one_version(date="2023-02-17"), f"{V0}.date",
                                         datetime(2023, 2, 17, tzinfo=UTC)),
    "v45-offset-to-utc": Accept(one_version(date="2023-02-17T12:00:00-06:00"), f"{V0}.date",
                                datetime(2023, 2, 17, 18, tzinfo=UTC)),
    "v46-fraction-prefix-parse": Accept(one_version(date="2023-02-17T12:00:00.000Z"),
                                        f"{V0}.date", datetime(2023, 2, 17, tzinfo=UTC)),
    "v49-same-date-json-order": Accept(source(news=[news(identifier="b"), news(identifier="a")]),
                                       "news.0.identifier,news.0.sort_index,news.1.identifier",
                                       ("b", 0, "a")),
    "v51-unknown-app-id-kept": Accept(source(news=[news(appID="com.x")]), "news.0.app_id",
                                      "com.x"),
    "v57-pledge-3": Accept(one(patreon={"pledge": 3}), _patreon, (3, "USD", False, False)),
    "v58-custom": Accept(one(patreon={"pledge": "custom"}), _patreon, (0, "USD", True, False)),
    "v58-empty-object": Accept(one(patreon={}), _patreon, (0, None, False, False)),
    "v59-eur": Accept(one(patreon={"pledge": 4.5, "currency": "EUR"}), _patreon,
                      (Decimal("4.5"), "EUR", False, False)),
    "v66-trailing-comma-ios15": Accept(b'{"name": "S", "apps": [],}', "name", "S", ios=_IOS15),
    "v66-comment-ios15": Accept(b'{"name": "S" /* c */}', "name", "S", ios=_IOS15),
    "v67-relative-url-unresolved": Accept(one(iconURL="icons/a.png"), "apps.0.icon_url",
                                          "icons/a.png"),
    "v68-url-with-space-ios17": Accept(one(iconURL=SPACE_URL), "apps.0.icon_url", SPACE_URL),
    "v71-sidestore-version-2": Accept(source(version=2), "json_version", 2, "sidestore"),
    "v71-altstore-ignores-version": Accept(source(version="2"), "json_version", None),
    "v76-news-without-tint": Accept(source(news=[news()]), "news.0.tint_colour", None),
    "v78-android-ignored": Accept(one(screenshots={"iphone": [U1], "ipad": [_IPAD],
                                                   "android": [U2]}), _shots,
                                  [(U1, "iphone", None, None), (U2, "ipad", 2048, 2732)]),
    "v79-null-is-absent": Accept(source(subtitle=None, featuredApps=None),
                                 "subtitle,featured_apps", (None, None)),
    "v81-integral-float-size": Accept(one_version(size=12.0), f"{V0}.size", 12),
    **{k: Accept(one(tintColor=text), "apps.0.tint_colour", argb)
       for k, (text, argb) in COLOURS.items()},
    # `currency ?? "USD"` keeps ""; pledge 0 only when pledge, tiers and benefit are all nil.
    "s8.1-empty-currency-kept": Accept(
        one(patreon={"pledge": 3, "currency": ""}), _patreon, (3, "", False, False)),
    "s8.1-empty-tiers-no-pledge": Accept(one(patreon={"tiers": []}), "apps.0.patreon.pledge",
                                         None),
}


@pytest.mark.parametrize("case", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_accepted(case: Accept) -> None:
    result = check(case.doc, case.profile, case.ios)
    assert result.accepted, result.rejection
    assert result.source is not None
    if callable(case.pick):
        assert case.pick(result.source) == case.expected
    elif "," in case.pick:
        assert tuple(dig(result.source, p) for p in case.pick.split(",")) == case.expected
    else:
        assert dig(result.source, case.pick) == case.expected


WARNED = {  # accepted, with a diagnostic (code, JSON pointer) for the maintainer
    "v10-unknown-featured": (source(featuredApps=["com.unknown", "com.a"]),
                             ("unknown-featured-app", "/featuredApps/0")),
    "v18-crash-warning": (one_version(size=3_000_000_000),
                          ("size-over-2gb", "/apps/0/versions/0/size")),
    "v51-unknown-app-id": (source(news=[news(appID="x")]), ("unknown-news-app", "/news/0/appID")),
    "v52-duplicate-news": (source(news=[news(), news()]),
                           ("duplicate-news-id", "/news/1/identifier")),
    "v67-relative-url": (one(iconURL="icons/a.png"), ("relative-url", "/apps/0/iconURL")),
    "v25-width-only-warned": (
        one(screenshots={"ipad": [_IPAD], "iphone": [{"imageURL": U1, "height": 2556}]}),
        ("screenshot-half-size", "/apps/0/screenshots/iphone/0")),
}


def test_failed_screenshot_size_is_not_half_size() -> None:
    """A width the client fails to read rejects the source; it is no `half size` besides."""
    result = check(one(screenshots=[{"imageURL": U1, "width": 40000, "height": 100}]))
    assert {code for code, ptr in diagnostics(result) if "screenshots" in ptr} == {
        "dataCorrupted"}


def test_screenshot_string_form_keeps_its_device() -> None:
    result = check(one(screenshots={"ipad": [U2], "iphone": [U1]}))
    assert result.source is not None
    assert _shots(result.source) == [(U1, "iphone", None, None), (U2, "ipad", None, None)]


@pytest.mark.parametrize(("doc", "found"), WARNED.values(), ids=WARNED.keys())
def test_accepted_with_warning(doc: Any, found: tuple[str, str]) -> None:
    result = check(doc)
    assert result.accepted
    assert found in diagnostics(result)


def test_v05_v06_http_status_is_never_checked() -> None:
    body = json.dumps(source()).encode()
    for status, content, accepted in ((500, body, True), (404, b"<h1>Gone</h1>", False)):
        transport = httpx.MockTransport(lambda _, s=status, c=content: httpx.Response(s, content=c))
        fetched = fetch_source("https://example.com/apps.json", transport=transport)
        assert fetched.status == status
        assert check(fetched.body).accepted is accepted


# -- OS support (vectors 32-35) ------------------------------------------------------------------

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
    result = check(one_version(minOSVersion=low, maxOSVersion=high), ios=ios)
    assert result.accepted
    unsupported = ("no-compatible-version", "/apps/0/versions") in diagnostics(result)
    assert unsupported is not supported


# -- values.py -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "argb"), [  # None: "Hex code is invalid."
    ("#abc", 0xFFAABBCC), ("ABC", 0xFFAABBCC), ("#80F54F32", 0x7FFFFFFF),
    ("#FFFFFFFF", 0x7FFFFFFF), ("0X12345G", 0x00012345), ("##abc##", 0xFFAABBCC),
    ("0xZ", 0xFF000000),  # "0x" before no digit: the 0 is the digit (UNVERIFIED)
    *((text, None) for text in ("", "#", "12", "1234", "12345", "1234567", "123456789", "# 1 #",
                                "zzz", "red", "G0G0G0", "#zzzzzzzz", "x12")),
    # Swift counts grapheme clusters and trims only what is not L*, M* or N* (a mark stays)
    ("ab\u0301c", 0xFF00AABB), ("1\U0001F1EB\U0001F1F72", 0xFF000011), ("\u0301abc", None),
    ("\u0661\u0662\u0663", None), ("1\r\n2", 0xFF000011),
])
def test_parse_hex_colour(text: str, argb: int | None) -> None:
    colour = parse_hex_colour(text)
    assert (None if colour is None else colour.argb) == argb


_D17 = datetime(2023, 2, 17, tzinfo=UTC)


@pytest.mark.parametrize(("text", "prefix", "expected"), [  # expected: (UTC value, by_prefix)
    ("2023-02-17", False, (_D17, False)),
    ("2023-02-17T12:00:00+05:30", False, (datetime(2023, 2, 17, 6, 30, tzinfo=UTC), False)),
    ("2023-02-17T12:00:00Z", False, (datetime(2023, 2, 17, 12, tzinfo=UTC), False)),
    ("2023-02-17T12:00:00.123Z", True, (_D17, True)), ("2023-02-17T12:00:00", True, (_D17, True)),
    ("2023-02-17T12:00:00+0600", True, (_D17, True)), ("2023-02-17T12:00:00.123Z", False, None),
    ("2023-02-17T12:00:00", False, None), ("2023-02-17 12:00:00Z", False, None),
    ("2023-02-30", True, None), ("17/02/2023", True, None), ("", True, None),
    # past Python's years 1 and 9999 (Foundation has no limit): kept a day inside them
    ("9999-12-31T23:59:59-05:00", False, (LATEST_DATE, False)),
    ("9999-12-31T23:59:59Z", False, (LATEST_DATE, False)),
    ("9999-12-31", False, (LATEST_DATE, False)),
    ("9999-12-31T23:59:59-0500", True, (LATEST_DATE, True)),
    ("0001-01-01T00:00:00+01:00", False, (EARLIEST_DATE, False)),
    ("0001-01-01", False, (EARLIEST_DATE, False)),
    ("0001-01-01T00:00:00+0100", True, (EARLIEST_DATE, True)),
])
def test_parse_source_date(text: str, prefix: bool, expected: tuple[datetime, bool] | None
                           ) -> None:
    parsed = parse_source_date(text, prefix_parse=prefix)  # (UTC value, by_prefix, padded)
    assert (None if parsed is None else tuple(parsed[:2])) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("14", (14, 0, 0)), ("15.x", (15, 0, 0)), ("16.4.1.2", (16, 4, 1)), ("iOS 15", (0, 0, 0)),
    ("", (0, 0, 0)), ("abc", (0, 0, 0)), ("16.4", (16, 4, 0)), (" 17.2", (17, 2, 0)),
    ("17.0b1", (17, 0, 0)), ("+16.1", (16, 1, 0)), ("\u0661\u0667", (0, 0, 0)),
])
def test_parse_os_version(text: str, expected: tuple[int, int, int]) -> None:
    assert parse_os_version(text) == expected


@pytest.mark.parametrize(("url", "before_17", "from_17"), [
    ("https://example.com/a.png", True, True), ("icons/a.png", True, True), ("", False, False),
    ("https://example.com/my icon.png", False, True), ("https://e.com/caf\u00e9", False, True),
    ("https://example.com/%20ok.png", True, True), ("https://example.com/%zz.png", False, True),
])
def test_is_valid_url_per_ios(url: str, before_17: bool, from_17: bool) -> None:
    assert is_valid_url(url, lenient=False) is before_17
    assert is_valid_url(url, lenient=True) is from_17
