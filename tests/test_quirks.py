"""The corpus's lessons as small fixtures: one quirk each, reduced by hand from a real file.

Each fixture in tests/fixtures/quirks/ keeps the real strings of the part that shows its quirk
(tests/fixtures/quirks/PROVENANCE.md names the file, repository, path and commit). For each
row of QUIRKS the fixture must give exactly the listed findings and verdicts, and the real file
it came from (looked up in the corpus, ALTSIM_CORPUS or tests/corpus) must give the same
findings and still contain the quirk. Adding a quirk is one row.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from altsim.core.check import CheckResult, check_source
from altsim.core.diagnostics import pointer_parts
from altsim.core.profiles import PROFILES

from .conftest import ROOT, corpus_file

FIXTURES = ROOT / "tests" / "fixtures" / "quirks"
# The day the corpus was collected: "now" for the checks that compare dates with today.
NOW = datetime(2026, 11, 22, tzinfo=UTC)
OK = "ok"


@dataclass(frozen=True, slots=True)
class Quirk:
    fixture: str  # tests/fixtures/quirks/<fixture>.json
    real: str  # the corpus file it was reduced from
    # What `altstore` reports on the fixture, as codes, beyond what every source gets
    # (BASELINE); empty where altsim reports nothing.
    codes: str
    # The verdict per client where it matters, "profile=code" or "profile=ok"; `altstore`
    # is accepted unless listed.
    verdicts: str
    # Where the quirk is: a JSON pointer into the fixture whose key and value the real file
    # must hold too, or (for a file that is not JSON) text the real file must contain.
    shows: str
    ios: tuple[int, int, int] = (17, 0, 0)

    @property
    def expected(self) -> dict[str, str]:
        pairs = dict(item.split("=") for item in self.verdicts.split())
        return {"altstore": OK} | pairs

    def __str__(self) -> str:
        return self.fixture


Q = Quirk
# fixture, real file, codes under altstore, verdicts, where the quirk is
QUIRKS = [
    Q("legacy-v1-only-app", "altstoreio__AltStore__apps@000e055.json", "",
      "sidestore=ok sidestore-0.5=ok altstore-1.7=ok", "/apps/0/versionDate"),
    Q("hybrid-v1-keys-and-versions", "altstoreio__AltStore__apps.json", "",
      "sidestore=ok sidestore-0.5=ok", "/apps/0/versionDate"),
    Q("no-source-identifier", "Ceylo__FurAffinityApp__altstore@f44a9e8.json",
      "", "sidestore=ok altstore-1.7=keyNotFound sidestore-0.5=keyNotFound", "/name"),
    Q("duplicate-bundle-ids", "Neoncat-OG__TrollStore-IPAs__apps_esign.json",
      "duplicateBundleID", "altstore=duplicateBundleID sidestore=duplicateBundleID",
      "/apps/1/downloadURL"),
    Q("duplicate-version-entries", "swaggyP36000__TrollStore-IPAs__apps.json",
      "duplicateVersion", "altstore=duplicateVersion sidestore=duplicateVersion",
      "/apps/0/versions/1/downloadURL"),
    Q("latest-not-highest", "Balackburn__Apollo__apps@1b78a3f.json", "latest-not-highest",
      "sidestore=ok", "/apps/0/versions/1/version"),
    Q("versions-not-newest-first", "QuarkSources__quarksources.github.io__quantumsource++.json",
      "versions-not-newest-first", "sidestore=ok", "/apps/0/versions/1/date"),
    Q("leading-v-in-version", "QuarkSources__quarksources.github.io__quantumsource.json", "",
      "sidestore=ok", "/apps/0/versions/0/version"),
    Q("placeholder-size", "altstoreio__FAQ__ClassicSource.json", "placeholder-size",
      "sidestore=ok", "/apps/0/versions/0/size"),
    Q("empty-app-permissions", "Neoncat-OG__TrollStore-IPAs__apps_altstore.json", "",
      "sidestore=ok", "/apps/0/appPermissions"),
    Q("privacy-as-list", "QuarkSources__quarksources.github.io__altstore-complete.json", "",
      "sidestore=ok", "/apps/0/appPermissions/privacy"),
    Q("entitlements-as-objects", "Balackburn__Apollo__apps@1b78a3f.json", "",
      "sidestore=ok", "/apps/0/appPermissions/entitlements"),
    Q("invalid-source-tint", "altstoreio__FAQ__apps.json", "dataCorrupted",
      "altstore=dataCorrupted sidestore=dataCorrupted", "/tintColor"),
    Q("empty-string-source-url", "Neoncat-OG__TrollStore-IPAs__apps_altstore@9486702.json",
      "dataCorrupted", "altstore=dataCorrupted sidestore=dataCorrupted", "/headerURL"),
    Q("invalid-app-tint", "SideStore__Community-Source__sidecommunity.json", "",
      "sidestore=ok", "/apps/0/tintColor"),
    Q("featured-app-not-in-apps", "altstoreio__FAQ__apps.json", "unknown-featured-app",
      "sidestore=ok", "/featuredApps"),
    Q("news-app-not-in-apps", "QuarkSources__quarksources.github.io__quarksource.json",
      "unknown-news-app", "sidestore=ok", "/news/0/appID"),
    Q("marketplace-id", "altstoreio__FAQ__PALSource.json", "marketplaceNotSupported",
      "altstore=marketplaceNotSupported sidestore=marketplaceNotSupported altstore-pal=ok",
      "/apps/0/marketplaceID"),
    Q("marketplace-id-null", "Ceylo__FurAffinityApp__altstore-world.json", "",
      "sidestore=ok altstore-pal=marketplaceRequired", "/apps/0/marketplaceID"),
    Q("null-app-tint", "Ceylo__FurAffinityApp__altstore@f44a9e8.json", "",
      "sidestore=ok", "/apps/0/tintColor"),
    Q("null-source-fields", "Ceylo__FurAffinityApp__altstore@f44a9e8.json", "",
      "sidestore=ok", "/website"),
    Q("screenshots-iphone-ipad-dict", "altstoreio__AltStore__apps.json", "",
      "sidestore=ok", "/apps/0/screenshots/ipad"),
    Q("screenshot-objects", "Ceylo__FurAffinityApp__altstore@f44a9e8.json", "",
      "sidestore=ok", "/apps/0/screenshots"),
    Q("legacy-screenshot-urls", "utmapp__altstore-repo__index.json", "",
      "sidestore=ok", "/apps/0/screenshotURLs"),
    Q("screenshot-urls-beside-screenshots", "Ceylo__FurAffinityApp__altstore-world.json",
      "ignored-key", "sidestore=ok", "/apps/0/screenshotURLs"),
    Q("legacy-permissions-list", "altstoreio__AltStore__apps@000e055.json",
      "legacy-permissions", "sidestore=ok", "/apps/0/permissions"),
    Q("source-patreon-url", "altstoreio__FAQ__ClassicSource.json", "",
      "sidestore=ok", "/patreonURL"),
    Q("build-version", "ryanbr__noop__altstore-source.json", "",
      "sidestore=ok", "/apps/0/versions/0/buildVersion"),
    Q("marketing-version", "Balackburn__Apollo__apps.json", "ignored-key",
      "sidestore=ok", "/apps/0/versions/0/marketingVersion"),
    Q("sha256", "Ceylo__FurAffinityApp__altstore@f44a9e8.json", "",
      "sidestore=ok", "/apps/0/versions/0/sha256"),
    Q("min-os-version", "Ceylo__FurAffinityApp__altstore@f44a9e8.json", "",
      "sidestore=ok", "/apps/0/versions/0/minOSVersion"),
    Q("max-os-version", "QuarkSources__quarksources.github.io__quantumsource.json",
      "max-os-excludes-patches no-compatible-version", "sidestore=ok",
      "/apps/0/versions/0/maxOSVersion"),
    Q("app-level-min-os-version", "ryanbr__noop__altstore-source.json", "ignored-key",
      "sidestore=ok", "/apps/0/minOSVersion"),
    Q("beta-true", "altstoreio__AltStore__apps.json", "",
      "sidestore=ok altstore-1.7=ok", "/apps/0/beta"),
    Q("date-not-zero-padded", "rooootdev__lara__source.json", "date-not-padded",
      "sidestore=ok", "/apps/0/versions/0/date"),
    Q("date-not-iso-8601", "rooootdev__lara__source@0ff1430.json", "dataCorrupted",
      "altstore=dataCorrupted sidestore=dataCorrupted", "/apps/0/versions/0/date"),
    Q("date-without-time-zone", "EhPanda-Team__EhPanda__AltStore@5e414f7.json", "date-prefix",
      "sidestore=ok", "/apps/0/versions/0/date"),
    Q("news-date-in-future", "SideStore__apps.json__source.json", "",
      "sidestore=ok", "/news/0/date"),
    Q("no-localized-description", "Neoncat-OG__TrollStore-IPAs__apps.json", "keyNotFound",
      "altstore=keyNotFound sidestore=keyNotFound", "/apps/0/bundleIdentifier"),
    Q("minified-one-line", "utmapp__altstore-repo__index.json", "",
      "sidestore=ok", '{"name":"UTM Repository","identifier":"com.utmapp.repos.UTM",'),
    Q("invalid-json-unescaped-quote", "qnblackcat__AltStore__apps@90bcff6.json", "jsonSyntax",
      "altstore=jsonSyntax sidestore=jsonSyntax altstore-pal=jsonSyntax",
      'Disable "Remove YouTube Ads".'),
    Q("invalid-json-raw-newline", "Randomblock1__altstore__apps@cb7f848.json", "jsonSyntax",
      "altstore=jsonSyntax sidestore=jsonSyntax altstore-pal=jsonSyntax",
      '"caption": "UTM has been removed. Please add alt.getutm.app instead since that is the '
      'official source.,\n'),
    # Before iOS 15 the client reads strict JSON only (on 15 and later, see the test below).
    Q("invalid-json-trailing-comma", "Randomblock1__altstore__apps@bb28bc2.json", "jsonSyntax",
      "altstore=jsonSyntax sidestore=jsonSyntax", '"https://i.imgur.com/KB1juNm.jpg",\n      ],',
      ios=(14, 8, 0)),
]

# Every source gets these whatever its quirk: other clients' verdicts (asserted per client
# in `verdicts` instead) and AltStore 2.x ignoring the source identifier.
BASELINE = {("other-client-rejects", None), ("unread-key", "identifier")}


def check(raw: bytes, profile: str, ios: tuple[int, int, int]) -> CheckResult:
    return check_source(raw, PROFILES[profile], ios, now=NOW)


def findings(result: CheckResult) -> set[tuple[str, str]]:
    """(code, the key it is about) for each diagnostic; indices dropped, as they differ."""
    found = set()
    for diagnostic in result.diagnostics:
        keys = [part for part in pointer_parts(diagnostic.pointer) if not part.isdigit()]
        key = keys[-1] if keys else ""
        if (diagnostic.code, None) not in BASELINE and (diagnostic.code, key) not in BASELINE:
            found.add((diagnostic.code, key))
    return found


def verdict(result: CheckResult) -> str:
    return OK if result.rejection is None else result.rejection.code


def fixture_bytes(quirk: Quirk) -> bytes:
    return (FIXTURES / f"{quirk.fixture}.json").read_bytes()


def test_every_fixture_is_in_the_table_once():
    names = [quirk.fixture for quirk in QUIRKS]
    assert len(names) == len(set(names))
    assert {path.stem for path in FIXTURES.glob("*.json")} == set(names)


def test_provenance_names_every_fixture_and_its_file():
    table = (FIXTURES / "PROVENANCE.md").read_text(encoding="utf-8")
    for quirk in QUIRKS:
        assert f"`{quirk.fixture}.json`" in table
        assert f"`{quirk.real}`" in table


@pytest.mark.parametrize("quirk", QUIRKS, ids=str)
def test_fixture(quirk: Quirk):
    raw = fixture_bytes(quirk)
    assert raw.count(b"\n") <= 60, "a fixture is a few dozen lines at most"
    result = check(raw, "altstore", quirk.ios)
    assert {code for code, _ in findings(result)} == set(quirk.codes.split())
    for profile, expected in quirk.expected.items():
        assert verdict(check(raw, profile, quirk.ios)) == expected, profile


@pytest.mark.parametrize("quirk", QUIRKS, ids=str)
def test_real_file_shows_the_same(quirk: Quirk):
    real = corpus_file(quirk.real).read_bytes()
    fixture = fixture_bytes(quirk)
    assert shows(quirk.shows, fixture), "the fixture lost its quirk"
    assert shows(quirk.shows, fixture, real), "the real file does not hold this quirk"
    # The fixture's findings are found on the real file too (indices aside).
    assert findings(check(fixture, "altstore", quirk.ios)) <= findings(
        check(real, "altstore", quirk.ios))
    # Where the fixture is refused, the real file gets the same error from that client
    # (its verdict may name an earlier error of another kind).
    for profile, expected in quirk.expected.items():
        if expected != OK:
            codes = {d.code for d in check(real, profile, quirk.ios).diagnostics}
            assert expected in codes, profile


def test_a_trailing_comma_is_read_as_json5_from_ios_15():
    raw = (FIXTURES / "invalid-json-trailing-comma.json").read_bytes()
    result = check(raw, "altstore", (17, 0, 0))
    assert result.accepted
    assert {code for code, _ in findings(result)} == {"json5-syntax"}


def shows(where: str, fixture: bytes, real: bytes | None = None) -> bool:
    """Whether the quirk `where` points at is in the fixture, or (given `real`) in the real file.

    A pointer names a key and value in the fixture; the real file must have the same key with
    the same value somewhere (a list may be cut short in the fixture). Other text is looked
    for as is.
    """
    if not where.startswith("/"):
        return where.encode() in (fixture if real is None else real)
    value: Any = json.loads(fixture)
    for part in pointer_parts(where):
        value = value[int(part)] if isinstance(value, list) else value[part]
    if real is None:
        return True
    key = next(part for part in reversed(pointer_parts(where)) if not part.isdigit())
    return any(_same(value, held) for held in _values_of(json.loads(real), key))


def _values_of(document: Any, key: str) -> list[Any]:
    found = []
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if key in node:
                found.append(node[key])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _same(fixture_value: Any, real_value: Any) -> bool:
    if isinstance(fixture_value, list) and isinstance(real_value, list):
        return all(item in real_value for item in fixture_value) and (
            bool(fixture_value) or not real_value)
    # The fixture keeps the real value; a pointer into a list item keeps that item.
    return fixture_value == real_value or (
        isinstance(real_value, list) and fixture_value in real_value)
