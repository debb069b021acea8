"""Every real source, under every client profile: a verdict, never a crash.

The expected AltStore verdicts are worked out from the spec, the reason beside each.
"""

from __future__ import annotations

import json

import pytest

from altsim.core.check import check_source
from altsim.core.diagnostics import Severity
from altsim.core.profiles import PROFILES

from .conftest import corpus_file, corpus_files, corpus_is_in_repo

ACCEPTED = None
# file -> (rejection code, client coding path) under `altstore` on iOS 17.0, or ACCEPTED
EXPECTED_ALTSTORE = {
    # Hybrid app (v1 keys beside versions) with buildVersion and marketingVersion (ignored,
    # behaviour.md 3).
    "Balackburn__Apollo__apps.json": ACCEPTED,
    # versions[0] reuses an old number: accepted, offered as latest anyway (behaviour.md 4).
    "Balackburn__Apollo__apps@1b78a3f.json": ACCEPTED,
    # A notarized (PAL) app: Classic refuses any marketplaceID (behaviour.md 1.5 #6).
    "Ceylo__FurAffinityApp__altstore-pal.json": ("marketplaceNotSupported",
                                                 "apps > 0 > marketplaceID"),
    # marketplaceID: null is absent (behaviour.md 1.2), so Classic accepts it.
    "Ceylo__FurAffinityApp__altstore-world.json": ACCEPTED,
    # No identifier: 2.x takes identity from the URL (behaviour.md 1.4).
    "Ceylo__FurAffinityApp__altstore@f44a9e8.json": ACCEPTED,
    # Pure v1 source: the legacy keys make one version (behaviour.md 2.2).
    "EhPanda-Team__EhPanda__AltStore@01b5d04.json": ACCEPTED,
    "EhPanda-Team__EhPanda__AltStore@5e414f7.json": ACCEPTED,
    # Its apps have no localizedDescription, which is required (behaviour.md 2.1): decoding fails
    # first.
    "Neoncat-OG__TrollStore-IPAs__apps.json": ("keyNotFound", "apps > 0 > localizedDescription"),
    # Flattened, one version per app, appPermissions {} is fine (behaviour.md 2.4).
    "Neoncat-OG__TrollStore-IPAs__apps_altstore.json": ACCEPTED,
    # headerURL "" is not a URL (behaviour.md 1.2); users reported this file failing.
    "Neoncat-OG__TrollStore-IPAs__apps_altstore@9486702.json": ("dataCorrupted", "headerURL"),
    # v1 apps decode; the first repeated bundle ID fails verification (behaviour.md 1.5 #2).
    "Neoncat-OG__TrollStore-IPAs__apps_esign.json": ("duplicateBundleID",
                                                     "apps > 3 > bundleIdentifier"),
    "QuarkSources__quarksources.github.io__altstore-complete.json": ACCEPTED,
    "QuarkSources__quarksources.github.io__quantumsource++.json": ACCEPTED,
    # Non-padded "2023-2-02T03:00:00-05:00" is documented as valid (behaviour.md 3.1).
    "QuarkSources__quarksources.github.io__quantumsource.json": ACCEPTED,
    "QuarkSources__quarksources.github.io__quantumsource.min.json": ACCEPTED,
    # News appIDs naming no app are kept and link nowhere (behaviour.md 6.3).
    "QuarkSources__quarksources.github.io__quarksource.json": ACCEPTED,
    "Randomblock1__altstore__apps.json": ACCEPTED,
    # A trailing comma (JSON5 would allow it) and an unterminated string (nothing allows it).
    "Randomblock1__altstore__apps@bb28bc2.json": ("jsonSyntax", ""),
    # Unterminated string: a raw newline inside a string (behaviour.md 1.1).
    "Randomblock1__altstore__apps@cb7f848.json": ("jsonSyntax", ""),
    # Root "version": 1 is read by SideStore only; AltStore ignores it (behaviour.md 11).
    "SideStore__Community-Source__sidecommunity.json": ACCEPTED,
    # "-5:00" zone: the full pattern fails, the date-only prefix is read (behaviour.md 3.1, default
    # switch).
    "SideStore__apps.json__source.json": ACCEPTED,
    "WuXu1__WuXu1.github.io__wuxu-complete.json": ACCEPTED,
    "altstoreio__AltStore__apps-alpha.json": ACCEPTED,
    "altstoreio__AltStore__apps.json": ACCEPTED,
    "altstoreio__AltStore__apps@000e055.json": ACCEPTED,
    "altstoreio__FAQ__ClassicSource.json": ACCEPTED,
    # The PAL template: Classic refuses marketplaceID (behaviour.md 1.5 #6, 12 #13).
    "altstoreio__FAQ__PALSource.json": ("marketplaceNotSupported", "apps > 0 > marketplaceID"),
    # website "" fails before tintColor "" is reached (root decode order, behaviour.md 1.3).
    "altstoreio__FAQ__apps.json": ("dataCorrupted", "website"),
    "qnblackcat__AltStore__apps.json": ACCEPTED,
    # Missing comma (behaviour.md 1.1).
    "qnblackcat__AltStore__apps@90bcff6.json": ("jsonSyntax", ""),
    # "2026-05-1": a non-padded date-only value (behaviour.md 3.1).
    "rooootdev__lara__source.json": ACCEPTED,
    # "19.5.2025" matches neither date shape: "Date is in invalid format." (behaviour.md 3.1).
    "rooootdev__lara__source@0ff1430.json": ("dataCorrupted", "apps > 0 > versions > 0 > date"),
    "ryanbr__noop__altstore-source.json": ACCEPTED,
    # No app has localizedDescription (behaviour.md 2.1); its duplicate bundle IDs are reported
    # too.
    "swaggyP36000__TrollStore-IPAs__apps.json": ("keyNotFound",
                                                 "apps > 0 > localizedDescription"),
    # Minified, no trailing newline.
    "utmapp__altstore-repo__index.json": ACCEPTED,
}


def test_every_corpus_file_has_an_expected_verdict(corpus):
    if not corpus_is_in_repo():
        pytest.skip("another corpus (ALTSIM_CORPUS): its files have no expected verdicts here")
    assert {path.name for path in corpus} == set(EXPECTED_ALTSTORE)


@pytest.mark.parametrize("name", sorted(EXPECTED_ALTSTORE))
def test_altstore_verdict(name):
    path = corpus_file(name)
    result = check_source(path.read_bytes(), PROFILES["altstore"], (17, 0, 0))
    expected = EXPECTED_ALTSTORE[name]
    if expected is ACCEPTED:
        assert result.rejection is None
        assert result.count(Severity.ERROR) == 0
    else:
        assert result.rejection is not None
        assert (result.rejection.code, result.rejection.path) == expected
        assert result.diagnostics[0].line is not None


def test_swaggy_reports_every_duplicate_bundle_id_too(corpus):
    raw = corpus_file("swaggyP36000__TrollStore-IPAs__apps.json").read_bytes()
    result = check_source(raw, PROFILES["altstore"], (17, 0, 0))
    codes = [d.code for d in result.diagnostics]
    assert codes.count("keyNotFound") == 133  # every app, not just the first
    # The checks the client runs after decoding run on every app that could be read, so the
    # duplicates are in the same report, each with its line.
    apps = json.loads(raw)["apps"]
    seen: set[str] = set()
    expected = set()
    for i, entry in enumerate(apps):
        if entry["bundleIdentifier"] in seen:
            expected.add(f"/apps/{i}/bundleIdentifier")
        seen.add(entry["bundleIdentifier"])
    found = [d for d in result.diagnostics if d.code == "duplicateBundleID"]
    assert {d.pointer for d in found} == expected
    assert len({apps[int(d.pointer.split("/")[2])]["bundleIdentifier"] for d in found}) == 9
    assert all(d.line is not None and d.severity is Severity.ERROR for d in found)
    assert result.rejection.code == "keyNotFound"  # the client's verdict is still the first


@pytest.mark.parametrize("profile", sorted(PROFILES))
@pytest.mark.parametrize("ios", [(14, 8, 0), (17, 4, 1)])
@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_every_profile_gives_a_verdict(path, profile, ios):
    result = check_source(path.read_bytes(), PROFILES[profile], ios)
    assert result.accepted == (result.rejection is None)
    for diagnostic in result.diagnostics:
        assert diagnostic.pointer == "" or diagnostic.pointer.startswith("/")


def test_sidestore_05_needs_app_level_version_keys(corpus):
    # EhPanda#416: SideStore 0.5.10 asked for an app-level `version` on the v2-only file.
    raw = corpus_file("EhPanda-Team__EhPanda__AltStore@5e414f7.json").read_bytes()
    result = check_source(raw, PROFILES["sidestore-0.5"], (17, 0, 0))
    assert result.rejection is not None
    assert (result.rejection.code, result.rejection.path) == ("keyNotFound", "apps > 0 > version")


def test_identifier_required_by_17_only(corpus):
    # Ceylo#6: the file without an identifier was refused by clients that require it.
    raw = corpus_file("Ceylo__FurAffinityApp__altstore@f44a9e8.json").read_bytes()
    assert check_source(raw, PROFILES["altstore-1.7"], (17, 0, 0)).rejection.path == "identifier"
    assert check_source(raw, PROFILES["sidestore"], (17, 0, 0)).accepted
