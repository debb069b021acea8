"""What the client checks in a downloaded app before installing it (behaviour.md 2.4, 10 items
9-10).

The archives are small frozen dataclasses satisfying the `Bundle` / `Archive` protocols: reading
real zips is tested in test_ipa.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest

from altsim.core.install_check import (
    MISSING_DESCRIPTION,
    InstallCheck,
    Installer,
    InstallVerdict,
    archive_check,
    archive_name,
    declared_entitlements,
    download_check,
    permissions_block,
    privacy_keys,
    verify_install,
)
from altsim.core.model import App, Permissions, PrivacyPermission, Version
from altsim.core.profiles import PROFILES

from .builders import ABSENT

OS = tuple[int, int, int]
IOS15, IOS16, IOS17 = (15, 0, 0), (16, 0, 0), (17, 0, 0)
HASH, OTHER_HASH = "ab" * 32, "cd" * 32
SIZE = 5_000_000
CLIENT_ORDER = ["bundleIdentifier", "minimumOSVersion", "sha256", "version", "buildVersion",
                "permissions"]


@dataclass(frozen=True, slots=True)
class FakeBundle:
    path: str
    info: Mapping[str, object]
    entitlements: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FakeArchive:
    app: FakeBundle
    extensions: Sequence[FakeBundle] = ()


def ipa(*extensions: FakeBundle, path: str = "Payload/App.app/",
        entitlements: Mapping[str, object] | None = None, **info: object) -> FakeArchive:
    """An archive whose app matches `app()` and `version()`; ABSENT removes an Info.plist key."""
    base: dict[str, object] = {"CFBundleIdentifier": "com.a", "CFBundleName": "App",
                               "CFBundleShortVersionString": "1.0", "CFBundleVersion": "1",
                               "MinimumOSVersion": "15.0"}
    base.update(info)
    plist = {k: v for k, v in base.items() if v is not ABSENT}
    return FakeArchive(FakeBundle(path, plist, entitlements or {}), extensions)


def appex(name: str = "Widget", entitlements: Mapping[str, object] | None = None,
          **info: object) -> FakeBundle:
    return FakeBundle(f"Payload/App.app/PlugIns/{name}.appex/", info, entitlements or {})


def version(**overrides: Any) -> Version:
    return Version(**{"version": "1.0", "date": datetime(2023, 2, 17, tzinfo=UTC),
                      "download_url": "https://example.com/app.ipa", "size": SIZE, **overrides})


def app(entitlements: Sequence[str] = (), privacy: Mapping[str, str] | None = None) -> App:
    permissions = Permissions(list(entitlements),
                              [PrivacyPermission(k, v) for k, v in (privacy or {}).items()])
    return App("App", "com.a", "Dev", "An app.", "https://example.com/icon.png", [],
               permissions=permissions)


def verify(archive: FakeArchive | None = None, a: App | None = None, v: Version | None = None,
           *, sha256: str = HASH, size: int = SIZE, ios: OS = IOS17, client: str = "altstore",
           source_json_version: int | None = None, recommended: bool = False) -> InstallVerdict:
    return verify_install(a or app(), v or version(), archive or ipa(), sha256=sha256, size=size,
                          installer=Installer(PROFILES[client], ios, source_json_version,
                                              recommended))


def check(verdict: InstallVerdict, name: str) -> InstallCheck:
    return next(c for c in verdict.checks if c.name == name)


def shown(verdict: InstallVerdict, name: str) -> InstallCheck:
    """The failure the client's alert shows, which must be the `name` check."""
    assert verdict.shown is not None
    assert verdict.shown.name == name
    return verdict.shown


# -- the whole verdict ---------------------------------------------------------------------------

def test_an_archive_matching_the_source_passes_every_check() -> None:
    verdict = verify(v=version(sha256=HASH, build_version="1", min_os_version="15.0"))
    assert [(c.name, c.status) for c in verdict.checks] == [
        *((name, "pass") for name in CLIENT_ORDER), ("minOSVersion", "pass"), ("size", "pass")]
    assert verdict.ok
    assert verdict.shown is None
    assert verdict.app_name == "App"
    assert verdict.alert_title == "App could not be installed."


@pytest.mark.parametrize(("info", "path", "name"), [
    pytest.param({"CFBundleDisplayName": "Shown"}, "Payload/X.app/", "Shown", id="display-name"),
    pytest.param({}, "Payload/X.app/", "App", id="bundle-name"),
    pytest.param({"CFBundleName": ABSENT}, "Payload/Folder.app/", "Folder", id="folder"),
    pytest.param({"CFBundleName": ABSENT}, "Payload/Folder.app", "Folder", id="folder-no-slash"),
    pytest.param({"CFBundleDisplayName": ""}, "Payload/X.app/", "", id="empty-is-not-nil"),
])
def test_archive_name(info: dict[str, Any], path: str, name: str) -> None:
    archive = ipa(path=path, **info)
    assert archive_name(archive) == name
    verdict = verify(archive, v=version(version="2.0"))
    assert verdict.alert_title == f"{name} could not be installed."


def test_bundle_id_mismatch() -> None:
    found = shown(verify(ipa(CFBundleIdentifier="com.b")), "bundleIdentifier")
    assert (found.expected, found.found) == ("com.a", "com.b")
    assert found.message == (
        "The bundle ID “com.b” does not match the one specified by the source (“com.a”).")


# One way for each client check to fail; with several failing, the alert shows the first.
_FAILURES: list[tuple[dict[str, Any], dict[str, Any]]] = [  # (ipa(), version()) overrides
    ({"CFBundleIdentifier": "com.b"}, {}),
    ({"MinimumOSVersion": "18.0"}, {}),
    ({}, {"sha256": OTHER_HASH}),
    ({}, {"version": "2.0"}),
    ({}, {"build_version": "9"}),
    ({"entitlements": {"com.apple.developer.healthkit": True}}, {}),
]


@pytest.mark.parametrize("first", range(len(CLIENT_ORDER)), ids=CLIENT_ORDER)
def test_shown_is_the_first_failure_in_client_order(first: int) -> None:
    info: dict[str, Any] = {}
    fields: dict[str, Any] = {}
    for plist, version_fields in _FAILURES[first:]:
        info.update(plist)
        fields.update(version_fields)
    verdict = verify(ipa(**info), v=version(**fields))
    assert [c.name for c in verdict.checks if c.status == "fail"] == CLIENT_ORDER[first:]
    shown(verdict, CLIENT_ORDER[first])
    assert not verdict.ok


# -- minimum iOS, hash, version and build ------------------------------------------------------

def test_minimum_os_above_the_device_fails_with_the_not_supported_text() -> None:
    found = shown(verify(ipa(MinimumOSVersion="16.0"), ios=IOS15), "minimumOSVersion")
    assert found.message == "This device is running iOS 15.0, but App requires iOS 16.0 or later."
    assert found.fix == ("set this version's minOSVersion to “16.0”, so that older devices are "
                         "not offered it")


@pytest.mark.parametrize("minimum", ["16.0", "16", ABSENT])
def test_minimum_os_at_or_below_the_device_passes(minimum: object) -> None:
    assert check(verify(ipa(MinimumOSVersion=minimum), ios=IOS16), "minimumOSVersion").ok


def test_sha256_is_skipped_when_the_source_gives_none() -> None:
    sha = check(verify(v=version(sha256=None)), "sha256")
    assert (sha.status, sha.expected, sha.found) == ("skip", None, HASH)
    assert sha.fix == f"optionally set sha256 to “{HASH}”"


@pytest.mark.parametrize(("actual", "status"), [(HASH, "pass"), (OTHER_HASH, "fail")])
def test_sha256_is_compared_with_the_source(actual: str, status: str) -> None:
    sha = check(verify(v=version(sha256=HASH), sha256=actual), "sha256")
    assert sha.status == status
    if status == "fail":
        assert sha.message == ("The SHA-256 hash of App does not match the hash specified by "
                               "the source.")
        assert sha.fix == f"set sha256 to “{actual}”"


@pytest.mark.parametrize(("source", "ipa_version", "status"), [
    pytest.param("1.0", "1.0", "pass", id="equal"),
    pytest.param("1.0", "1.0.0", "fail", id="1.0-vs-1.0.0"),
    pytest.param("1.0.0", "1.0", "fail", id="1.0.0-vs-1.0"),
    pytest.param("1.0", "1.0 ", "fail", id="trailing-space"),
])
def test_version_is_exact_string_equality(source: str, ipa_version: str, status: str) -> None:
    found = check(verify(ipa(CFBundleShortVersionString=ipa_version), v=version(version=source)),
                  "version")
    assert found.status == status
    if status == "fail":
        assert found.message == ("The downloaded version of App does not match the version "
                                 "specified by the source.")


@pytest.mark.parametrize(("short_version", "status"), [(ABSENT, "pass"), ("", "fail")])
def test_a_missing_short_version_reads_as_1_0(short_version: object, status: str) -> None:
    """ALTApplication: `CFBundleShortVersionString ?: @"1.0"` replaces nil, not ""."""
    found = check(verify(ipa(CFBundleShortVersionString=short_version)), "version")
    assert found.status == status


@pytest.mark.parametrize(("build", "status"), [(None, "skip"), ("1", "pass"), ("2", "fail")])
def test_build_version(build: str | None, status: str) -> None:
    found = check(verify(v=version(build_version=build)), "buildVersion")
    assert found.status == status
    if status == "fail":
        assert found.message == ("The downloaded version of App does not match the build number "
                                 "specified by the source.")


# -- permissions (behaviour.md 2.4)
# --------------------------------------------------------------------------

def test_entitlements_are_the_union_of_app_and_extensions_less_the_ignored_ones() -> None:
    archive = ipa(
        appex(entitlements={"com.apple.security.application-groups": ["group.a"],
                            "application-identifier": "T.com.a.w"}),
        entitlements={"application-identifier": "T.com.a", "keychain-access-groups": [],
                      "com.apple.developer.team-identifier": "T", "Aps-Environment": "x"})
    assert declared_entitlements(archive) == [
        "Aps-Environment", "com.apple.security.application-groups", "keychain-access-groups"]


@pytest.mark.parametrize(("in_app", "in_extension", "declared"), [
    pytest.param(False, None, False, id="app-false"),
    pytest.param(True, None, True, id="app-true"),
    pytest.param(None, False, True, id="only-extension-false"),
    pytest.param(False, True, False, id="app-false-extension-true"),
    pytest.param("false", None, True, id="app-string-is-not-a-bool"),
    pytest.param(0, None, False, id="app-integer-0-bridges-to-false"),
    pytest.param(1, None, True, id="app-integer-1-bridges-to-true"),
])
def test_get_task_allow_is_ignored_only_when_the_apps_own_value_is_false(
        in_app: object, in_extension: object, declared: bool) -> None:
    ext = {} if in_extension is None else {"get-task-allow": in_extension}
    main = {} if in_app is None else {"get-task-allow": in_app}
    archive = ipa(appex(entitlements=ext), entitlements=main)
    assert ("get-task-allow" in declared_entitlements(archive)) is declared


@pytest.mark.parametrize(("key", "privacy"), [
    ("NSCameraUsageDescription", True),
    ("NFCReaderUsageDescription", True),  # no NS prefix
    ("NSLocationUsageDescription~ipad", True),  # a suffix after UsageDescription
    ("UsageDescription", False),  # nothing before it
    ("NSCameraUsage", False),
    ("CFBundleName", False),
])
def test_privacy_keys_are_whole_key_matches(key: str, privacy: bool) -> None:
    info: dict[str, Any] = {key: "why"}
    assert (key in privacy_keys(ipa(**info))) is privacy


@pytest.mark.parametrize("declared", ["NSCameraUsageDescription", "Camera"],
                         ids=["full-key", "legacy-short-name"])
def test_a_privacy_key_is_declared_by_its_key_or_its_short_name(declared: str) -> None:
    a = app(privacy={declared: "To scan."})
    assert check(verify(ipa(NSCameraUsageDescription="x"), a), "permissions").status == "pass"


def test_the_source_may_declare_more_than_the_app_uses() -> None:
    a = app(["aps-environment", "com.apple.developer.healthkit"],
            {"NSCameraUsageDescription": "x"})
    archive = ipa(entitlements={"aps-environment": "production"})
    assert check(verify(archive, a), "permissions").status == "pass"


def test_undeclared_permissions_fail_with_sorted_sections() -> None:
    archive = ipa(appex(entitlements={"aps-environment": "production"},
                        NSMicrophoneUsageDescription="To record."),
                  entitlements={"Com.example.Custom": True, "beta-reports-active": True},
                  NSCameraUsageDescription="To scan.", NFCReaderUsageDescription="")
    found = shown(verify(archive), "permissions")
    assert found.message == (
        "App requires additional permissions not specified by the source.\n\n"
        "These permissions must be declared by the source in order for AltStore to install "
        "this app:\n\n"
        "Entitlements:\naps-environment\nbeta-reports-active\nCom.example.Custom\n\n"
        "Privacy:\nNFCReaderUsageDescription\nNSCameraUsageDescription\n"
        "NSMicrophoneUsageDescription")
    assert found.fix == (
        'add to appPermissions: "entitlements": ["aps-environment", "beta-reports-active", '
        '"Com.example.Custom"], "privacy": {"NFCReaderUsageDescription": '
        f'"{MISSING_DESCRIPTION}", "NSCameraUsageDescription": "To scan.", '
        '"NSMicrophoneUsageDescription": "To record."}')


def test_before_ios_16_undeclared_privacy_keys_only_warn() -> None:
    found = check(verify(ipa(NSCameraUsageDescription="x"), ios=IOS15), "permissions")
    assert (found.status, found.by_client) == ("warn", True)
    assert found.message == (
        "iOS 15.0 does not check privacy keys, but iOS 16 and later refuse the install: App "
        "requires additional permissions not specified by the source.")


def test_before_ios_16_an_undeclared_entitlement_still_fails_without_privacy() -> None:
    archive = ipa(entitlements={"aps-environment": "production"}, NSCameraUsageDescription="x")
    found = shown(verify(archive, ios=IOS15), "permissions")
    assert found.message.endswith("install this app:\n\nEntitlements:\naps-environment")


@pytest.mark.parametrize(("client", "json_version", "status"), [
    pytest.param("sidestore", None, "skip", id="sidestore-absent-is-1"),
    pytest.param("sidestore", 1, "skip", id="sidestore-1"),
    pytest.param("sidestore", 2, "fail", id="sidestore-2"),
    pytest.param("sidestore", 3, "fail", id="sidestore-3"),
    pytest.param("altstore", None, "fail", id="altstore-ignores-it"),
])
def test_sidestore_checks_permissions_from_source_version_2(
        client: str, json_version: int | None, status: str) -> None:
    archive = ipa(entitlements={"aps-environment": "production"})
    found = check(verify(archive, client=client, source_json_version=json_version), "permissions")
    assert found.status == status
    if status == "skip":
        assert found.message == ("SideStore checks permissions only for sources whose root "
                                 "version is 2 or more.")


@pytest.mark.parametrize(("client", "status", "by_client"), [
    ("altstore", "warn", False), ("altstore-pal", "warn", False), ("sidestore", "fail", True)])
def test_altstore_skips_the_permission_check_for_its_recommended_sources(
        client: str, status: str, by_client: bool) -> None:
    archive = ipa(entitlements={"aps-environment": "production"})
    verdict = verify(archive, client=client, source_json_version=2, recommended=True)
    found = check(verdict, "permissions")
    assert (found.status, found.by_client, verdict.ok) == (status, by_client, status == "warn")
    assert found.fix == 'add to appPermissions: "entitlements": ["aps-environment"]'
    if status == "warn":
        assert found.message.startswith("AltStore does not check the permissions of apps from "
                                        "its Recommended sources, so this installs; ")
    clean = verify(client=client, source_json_version=2, recommended=True)
    assert check(clean, "permissions").status == "pass"


def test_sidestore_names_itself_in_the_permissions_message() -> None:
    archive = ipa(entitlements={"aps-environment": "production"})
    found = shown(verify(archive, client="sidestore", source_json_version=2), "permissions")
    assert "declared by the source in order for SideStore to install this app" in found.message


def test_permissions_block_prefers_the_apps_own_description() -> None:
    archive = ipa(appex(entitlements={"aps-environment": "production"},
                        NSCameraUsageDescription="From the widget.",
                        NSMicrophoneUsageDescription="To record."),
                  entitlements={"get-task-allow": False, "keychain-access-groups": []},
                  NSCameraUsageDescription="To scan.", NSFaceIDUsageDescription=True)
    assert permissions_block(archive) == {
        "entitlements": ["aps-environment", "keychain-access-groups"],
        "privacy": {"NSCameraUsageDescription": "To scan.",
                    "NSFaceIDUsageDescription": MISSING_DESCRIPTION,
                    "NSMicrophoneUsageDescription": "To record."}}


# -- 1.x clients (behaviour.md 10.9)
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("client", ["altstore-1.7", "sidestore-0.5"])
@pytest.mark.parametrize(("name", "info", "fields", "text"), [
    pytest.param("version", {}, {"version": "2.0"},
                 "The downloaded version of App does not match the version specified by the "
                 "source.", id="version"),
    pytest.param("buildVersion", {}, {"build_version": "9"},
                 "The downloaded version of App does not match the build number specified by "
                 "the source.", id="build"),
])
def test_1x_clients_only_warn_about_the_checks_2_0_added(
        client: str, name: str, info: dict[str, Any], fields: dict[str, Any], text: str) -> None:
    verdict = verify(ipa(**info), v=version(**fields), client=client)
    found = check(verdict, name)
    assert (found.status, found.by_client) == ("warn", False)
    assert found.message == (f"{PROFILES[client].title} does not check this, but 2.0 refuses "
                             f"the install: {text}")
    assert verdict.ok
    assert verdict.shown is None


@pytest.mark.parametrize("client", ["altstore-1.7", "sidestore-0.5"])
def test_1x_clients_still_check_the_bundle_id(client: str) -> None:
    shown(verify(ipa(CFBundleIdentifier="com.b"), v=version(version="2.0"), client=client),
          "bundleIdentifier")


# -- altsim's advice -----------------------------------------------------------------------------

@pytest.mark.parametrize(("source", "minimum", "message"), [
    pytest.param(None, "16.0", "Devices below iOS 16.0 are offered this version, then refused "
                 "at install: the app's MinimumOSVersion is 16.0.", id="source-has-none"),
    pytest.param("15.0", "16.0", "Devices from iOS 15.0 to below 16.0 are offered this version, "
                 "then refused at install: the app's MinimumOSVersion is 16.0.", id="below"),
    pytest.param("16", "16.0", None, id="equal"),
    pytest.param("17.0", "16.0", None, id="above"),
    pytest.param(None, ABSENT, None, id="ipa-has-none"),
])
def test_min_os_version_advice(source: str | None, minimum: object, message: str | None) -> None:
    found = check(verify(ipa(MinimumOSVersion=minimum), v=version(min_os_version=source),
                         ios=IOS16), "minOSVersion")
    assert found.by_client is False
    assert found.status == ("pass" if message is None else "warn")
    if message is not None:
        assert (found.message, found.fix) == (message, "set minOSVersion to “16.0”")


def test_size_advice() -> None:
    assert check(verify(size=SIZE), "size").status == "pass"
    found = check(verify(size=123), "size")
    assert (found.status, found.by_client, found.fix) == ("warn", False, "set size to 123")
    assert found.message == ("The source says 5000000 bytes; the file is 123 bytes, so the app "
                             "page shows the wrong size.")


# -- the download (behaviour.md 10.10)
# -----------------------------------------------------------------------

@pytest.mark.parametrize(("status", "url", "message"), [
    pytest.param(403, "https://example.com/app.ipa", "The file “app.ipa” couldn’t be opened "
                 "because you don’t have permission to view it.", id="403"),
    pytest.param(404, "https://example.com/dl/My%20App.ipa?token=1", "The file “My App.ipa” "
                 "couldn’t be opened because there is no such file.", id="404-percent-decoded"),
])
def test_download_403_and_404_fail(status: int, url: str, message: str) -> None:
    found = download_check(status, url)
    assert (found.status, found.found, found.message) == ("fail", f"HTTP {status}", message)


@pytest.mark.parametrize(("status", "result", "found"), [
    pytest.param(500, "warn", "HTTP 500", id="500"),
    pytest.param(200, "pass", "HTTP 200", id="200"),
    pytest.param(None, "pass", None, id="local-file"),
])
def test_other_downloads_install_the_body(status: int | None, result: str,
                                          found: str | None) -> None:
    check_ = download_check(status, "https://example.com/app.ipa")
    assert (check_.status, check_.found, check_.ok) == (result, found, True)
    if result == "warn":
        assert check_.message == ("The server answers HTTP 500; the client installs from the "
                                  "body anyway.")


def test_an_archive_problem_fails_the_install() -> None:
    found = archive_check("Payload/ holds no .app folder.")
    assert (found.name, found.status, found.ok) == ("archive", "fail", False)
    assert found.message == ("The downloaded file is not an app the client can install: "
                             "Payload/ holds no .app folder.")
