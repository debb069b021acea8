"""SideStore 0.6 as its code reads at 239fc7c2, and the AltStore 2.0rc key order at 5a0f2de7.

Each case names the client file it is built from: S: is SideStore, A: is AltStore.
- S:AltStoreCore/Model/Source.swift:165-243 (root keys, in order)
- S:AltStoreCore/Model/StoreApp.swift:129-161 (which track), 324-422 (app keys), 443-515
  (decodeVersions), 61-98 (PlatformURL)
- S:AltStoreCore/Model/ReleaseTrack.swift:42-71 (a track needs releases)
- S:AltStoreCore/Model/InstalledApp.swift:150-161 (beta tracks break update ties)
- S:AltStore/Components/AppBannerView.swift:144-149 (the BETA badge)
- A:AltStoreCore/Model/StoreApp.swift:221-369 (AltStore's app keys, in order)
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from altsim.core import decisions as d
from altsim.core.check import CheckResult, check_source
from altsim.core.decoder import Decoder
from altsim.core.device import Device, InstalledApp, User
from altsim.core.model import Source
from altsim.core.profiles import PROFILES

from .builders import ABSENT, app, one, source, version
from .conftest import altsim

IOS = (17, 0, 0)
FORMAT = "The data couldn\u2019t be read because it isn\u2019t in the correct format."
MISSING = "The data couldn\u2019t be read because it is missing."
SIDESTORE = PROFILES["sidestore"]


def check(doc: Any, client: str = "sidestore", ios: tuple[int, int, int] = IOS) -> CheckResult:
    return check_source(json.dumps(doc).encode(), PROFILES[client], ios,
                        now=datetime(2024, 1, 1, tzinfo=UTC))


def verdict(doc: Any, client: str = "sidestore") -> tuple[str, str, str] | None:
    rejection = check(doc, client).rejection
    return None if rejection is None else (rejection.code, rejection.path, rejection.detail)


def decode(doc: Any, beta_track: str | None = None, ios: tuple[int, int, int] = IOS) -> Source:
    source = Decoder(SIDESTORE, ios, collect=False, warnings=False,
                     beta_track=beta_track).decode_source(doc)
    assert source is not None
    return source


def channels(*tracks: tuple[str, list[str]]) -> list[dict[str, Any]]:
    return [{"track": name, "releases": [version(version=v) for v in releases]}
            for name, releases in tracks]


def used(doc: Any, beta_track: str | None = None, ios: tuple[int, int, int] = IOS
         ) -> tuple[str | None, list[tuple[str, str | None]]]:
    decoded = decode(doc, beta_track, ios).apps[0]
    return decoded.track, [(v.version, v.channel) for v in decoded.versions]


# -- the root: `version` right after `name`, `identifier` last --------------------------------

def test_root_version_is_read_right_after_name() -> None:
    doc = source(version="2", subtitle=5)
    assert verdict(doc) == ("typeMismatch", "version",
                            "Expected to decode Int but found a string instead.")
    assert verdict(doc, "altstore")[:2] == ("typeMismatch", "subtitle")  # type: ignore[index]


def test_root_identifier_is_read_last() -> None:
    doc = source(identifier=5, apps=[app(name=ABSENT)])
    assert verdict(doc)[:2] == ("keyNotFound", "apps > 0 > name")  # type: ignore[index]
    assert verdict(source(identifier=5)) == (
        "typeMismatch", "identifier", "Expected to decode String but found number instead.")


# -- releaseChannels before versions ------------------------------------------------------------

def test_stable_track_is_used_and_versions_never_read() -> None:
    doc = one(releaseChannels=channels(("nightly", ["2.0.0-b1"]), ("stable", ["1.0.0"])),
              versions="not even an array")
    assert verdict(doc) is None
    assert used(doc) == ("stable", [("1.0.0", "stable")])
    assert verdict(doc, "altstore")[:2] == ("typeMismatch", "apps > 0 > versions")  # type: ignore[index]
    result = check(doc)
    assert ("ignored-key", "/apps/0/versions") in {(x.code, x.pointer) for x in result.diagnostics}


def test_without_a_stable_track_versions_are_read() -> None:
    doc = one(releaseChannels=channels(("nightly", ["2.0.0-b1"])),
              versions=[version(version="1.5")])
    assert used(doc) == (None, [("1.5", "stable")])


def test_without_stable_track_or_versions_the_single_version_keys_are_required() -> None:
    doc = one(releaseChannels=channels(("Stable", ["1.0.0"])), versions=ABSENT)
    assert verdict(doc) == ("keyNotFound", "apps > 0 > version",
                            'No value associated with key CodingKeys(stringValue: "version", '
                            'intValue: nil) ("version").')


def test_empty_releases_is_an_error() -> None:
    doc = one(releaseChannels=[{"track": "stable", "releases": []}])
    assert verdict(doc) == ("dataCorrupted", "apps > 0 > releaseChannels > 0 > releases",
                            "At least one version is required in key: releases")
    assert check(doc).rejection.message == FORMAT  # type: ignore[union-attr]


def test_a_track_needs_its_name_and_releases() -> None:
    doc = one(releaseChannels=[{"releases": [version()]}])
    assert verdict(doc)[:2] == ("keyNotFound", "apps > 0 > releaseChannels > 0 > track")  # type: ignore[index]
    doc = one(releaseChannels=[{"track": "stable", "releases": [version(size="1")]}])
    assert verdict(doc)[:2] == (  # type: ignore[index]
        "typeMismatch", "apps > 0 > releaseChannels > 0 > releases > 0 > size")


def test_an_error_in_an_unused_track_still_rejects() -> None:
    doc = one(releaseChannels=[{"track": "alpha", "releases": [version(date="soon")]},
                               *channels(("stable", ["1.0.0"]))])
    assert verdict(doc)[:2] == (  # type: ignore[index]
        "dataCorrupted", "apps > 0 > releaseChannels > 0 > releases > 0 > date")


@pytest.mark.parametrize(("beta", "stable", "beta_track", "expected"), [
    pytest.param("1.1.0-beta.1", "1.0.0", "nightly", "nightly", id="newer-beta-used"),
    pytest.param("1.0.0", "1.0.0", "nightly", "nightly", id="equal-semver-beta-used"),
    pytest.param("0.9.0", "1.0.0", "nightly", "stable", id="older-beta-not-used"),
    pytest.param("1.1", "1.0.0", "nightly", "stable", id="beta-not-semver"),
    pytest.param("1.1.0-beta.1", "1.0.0", None, "stable", id="opted-out"),
    pytest.param("1.1.0-beta.1", "1.0.0", "alpha", "stable", id="other-beta-track"),
])
def test_the_beta_track_when_opted_in(beta: str, stable: str, beta_track: str | None,
                                      expected: str) -> None:
    doc = one(releaseChannels=channels(("nightly", [beta]), ("stable", [stable])))
    track, versions = used(doc, beta_track)
    assert track == expected
    assert versions[0][1] == expected


def test_the_beta_track_needs_a_supported_release() -> None:
    doc = one(releaseChannels=[
        {"track": "nightly", "releases": [version(version="2.0.0-b1", minOSVersion="18.0")]},
        {"track": "stable", "releases": [version(version="1.0.0")]}])
    assert used(doc, "nightly", (17, 0, 0))[0] == "stable"
    assert used(doc, "nightly", (18, 0, 0))[0] == "nightly"


# -- keys SideStore never reads -----------------------------------------------------------------

def test_patreon_is_never_type_checked() -> None:
    doc = one(patreon=5)
    assert verdict(doc) is None
    assert verdict(doc, "altstore")[:2] == ("typeMismatch", "apps > 0 > patreon")  # type: ignore[index]


def test_beta_is_read_only_beside_the_single_version_keys() -> None:
    assert verdict(one(beta="yes")) is None
    legacy = one(versions=ABSENT, beta="yes", version="1.0", versionDate="2023-01-01",
                 downloadURL="https://example.com/a.ipa", size=10)
    assert verdict(legacy)[:2] == ("typeMismatch", "apps > 0 > beta")  # type: ignore[index]
    nightly = dict(legacy["apps"][0], beta=True)
    assert used(source(apps=[nightly])) == (None, [("1.0", "nightly")])


# -- platformURLs and the app-level downloadURL -------------------------------------------------

def test_platform_urls() -> None:
    ok = [{"platform": 0, "downloadURL": "https://example.com/a.ipa"}]
    assert verdict(one(platformURLs=ok)) is None
    assert verdict(one(platformURLs=[])) == ("dataCorrupted", "apps > 0 > platformURLs",
                                             "platformURLs has no entries")
    assert verdict(one(platformURLs=[{"platform": 3, "downloadURL": "https://e.com/a"}])) == (
        "dataCorrupted", "apps > 0 > platformURLs > 0 > platform",
        "Cannot initialize Platform from invalid UInt value 3")
    assert verdict(one(platformURLs=[{"platform": "ios", "downloadURL": "https://e.com/a"}])
                   )[:2] == ("typeMismatch", "apps > 0 > platformURLs > 0 > platform")  # type: ignore[index]
    assert verdict(one(platformURLs=[{"platform": 0}]))[:2] == (  # type: ignore[index]
        "keyNotFound", "apps > 0 > platformURLs > 0 > downloadURL")
    assert verdict(one(platformURLs=[]), "altstore") is None  # AltStore never reads them


def test_app_level_download_url_is_decoded_without_platform_urls() -> None:
    assert verdict(one(downloadURL="")) == ("dataCorrupted", "apps > 0 > downloadURL",
                                            "Invalid URL string.")
    platform = [{"platform": 0, "downloadURL": "https://example.com/a.ipa"}]
    assert verdict(one(downloadURL="", platformURLs=platform)) is None
    assert verdict(one(downloadURL=""), "altstore") is None


# -- marketplace builds, whichever key the versions came from -----------------------------------

def test_notarized_app_needs_builds_in_its_release_channel() -> None:
    doc = one(marketplaceID="123", releaseChannels=channels(("stable", ["1.0.0"])))
    result = check(doc)
    assert (result.rejection.code, result.rejection.path) == (  # type: ignore[union-attr]
        "keyNotFound", "apps > 0 > versions > 0 > buildVersion")
    assert ("keyNotFound", "/apps/0/releaseChannels/0/releases/0") in {
        (x.code, x.pointer) for x in result.diagnostics}


# -- decisions: the BETA badge and updates on a beta track --------------------------------------

def test_beta_badge_follows_the_track_of_the_latest_supported_version() -> None:
    doc = one(releaseChannels=channels(("nightly", ["1.1.0-b.1"]), ("stable", ["1.0.0"])))
    assert not d.shows_beta_badge(decode(doc).apps[0], SIDESTORE, IOS)
    assert d.shows_beta_badge(decode(doc, "nightly").apps[0], SIDESTORE, IOS)
    nameless = one(releaseChannels=channels(("beta", ["1.1.0-b.1"]), ("stable", ["1.0.0"])))
    assert not d.shows_beta_badge(decode(nameless, "beta").apps[0], SIDESTORE, IOS)


def test_update_on_a_beta_track_breaks_ties_by_pre_release() -> None:
    doc = one(releaseChannels=channels(("nightly", ["1.1.0-b.2"]), ("stable", ["1.0.0"])))
    decoded = decode(doc, "nightly")
    device = Device(IOS, datetime(2024, 1, 1, tzinfo=UTC))
    on_beta = User({"com.a": InstalledApp("com.a", "1.1.0-b.3")}, beta_track="nightly")
    update = d.available_update(decoded.apps[0], decoded, on_beta, device, SIDESTORE)
    assert update is not None  # beta updates on: any pre-release difference is an update
    assert update.version == "1.1.0-b.2"
    off = User({"com.a": InstalledApp("com.a", "1.1.0-b.3")})
    assert d.available_update(decoded.apps[0], decoded, off, device, SIDESTORE) is None


# -- AltStore 2.0rc's own order: marketplaceID right after beta ---------------------------------

def test_altstore_reads_marketplace_id_before_tint_colour() -> None:
    doc = one(marketplaceID=5, tintColor="zz")
    assert verdict(doc, "altstore")[:2] == ("typeMismatch", "apps > 0 > marketplaceID")  # type: ignore[index]


# -- the command line: the beta opt-in, and the track that was used ----------------------------

def test_preview_and_matrix_show_the_track(tmp_path) -> None:
    doc = one(releaseChannels=channels(("nightly", ["1.1.0-b.1"]), ("stable", ["1.0.0"])))
    path = tmp_path / "s.json"
    path.write_text(json.dumps(doc))
    base = ("--client", "sidestore", "--installed", "com.a=1.0.0", "--format", "json")
    opted = json.loads(altsim("preview", str(path), *base, "--beta-track", "nightly").stdout)
    entry = opted["sources"][0]["apps"][0]
    assert (entry["track"], entry["latestSupportedVersion"]["version"]) == ("nightly", "1.1.0-b.1")
    assert entry["betaBadge"]
    assert entry["update"]["version"] == "1.1.0-b.1"
    plain = json.loads(altsim("preview", str(path), *base).stdout)["sources"][0]["apps"][0]
    assert (plain["track"], plain["update"]) == ("stable", None)
    table = altsim("matrix", str(path), "--client", "sidestore", "--beta-track", "nightly",
                   "--ios", "17.0").stdout
    assert "1.1.0-b.1 [nightly]" in table
    assert altsim("preview", str(path), "--beta-track", "beta").returncode == 2
