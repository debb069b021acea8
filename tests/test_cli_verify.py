"""`altsim verify` and `altsim permissions`, run as a user runs them: real processes, IPAs built
byte by byte and served from a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import io
import json
import plistlib
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests import builders
from tests.ipa_builders import fat, ipa, macho

from .conftest import Routes, altsim

INFO = {"CFBundleIdentifier": "com.example.x", "CFBundleShortVersionString": "1.2",
        "CFBundleVersion": "6", "MinimumOSVersion": "15.0", "CFBundleDisplayName": "Example",
        "NSCameraUsageDescription": "Scans codes."}
APP_ENTITLEMENTS = {"application-identifier": "TEAM.com.example.x", "get-task-allow": False,
                    "com.apple.security.application-groups": ["group.com.example.x"]}
GOOD = ipa(info=INFO, executable=fat(macho(APP_ENTITLEMENTS), macho({}, bits=32), align=4),
           extensions={"Widget": ({"NSContactsUsageDescription": "Shows friends."},
                                  macho({"keychain-access-groups": ["TEAM.x"]}))})
assert isinstance(GOOD, bytes)
PERMISSIONS = {"entitlements": ["com.apple.security.application-groups",
                                "keychain-access-groups"],
               "privacy": {"NSCameraUsageDescription": "Scans codes.",
                           "NSContactsUsageDescription": "Shows friends."}}


def entry(url: str, data: bytes = GOOD, **overrides: Any) -> dict[str, Any]:
    """A version entry that matches ``data`` in every field the client checks."""
    matching = {"version": "1.2", "buildVersion": "6", "minOSVersion": "15.0",
                "downloadURL": url, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    return builders.version(**{**matching, **overrides})


def write_source(tmp_path: Path, versions: list[dict[str, Any]], **app: Any) -> str:
    fields = {"bundleIdentifier": "com.example.x", "name": "Example",
              "appPermissions": PERMISSIONS, **app}
    path = tmp_path / "source.json"
    path.write_text(json.dumps(builders.source(apps=[builders.app(versions=versions,
                                                                  **fields)])))
    return str(path)


def verify_json(*args: str) -> tuple[int, dict[str, Any]]:
    run = altsim("verify", *args, "--format", "json")
    assert "Traceback" not in run.stderr
    return run.returncode, json.loads(run.stdout)


def statuses(result: dict[str, Any]) -> dict[str, str]:
    return {check["name"]: check["status"] for check in result["checks"]}


def test_a_matching_archive_installs(server: str, tmp_path: Path) -> None:
    Routes.routes = {"/x.ipa": (200, GOOD)}
    source = write_source(tmp_path, [entry(f"{server}/x.ipa")])
    code, document = verify_json(source)
    assert code == 0, document
    (result,) = document["results"]
    assert (result["ok"], result["alert"], result["size"]) == (True, None, len(GOOD))
    assert statuses(result) == {
        "download": "pass", "bundleIdentifier": "pass", "minimumOSVersion": "pass",
        "sha256": "pass", "version": "pass", "buildVersion": "pass", "permissions": "pass",
        "minOSVersion": "pass", "size": "pass"}
    text = altsim("verify", source)
    assert text.returncode == 0
    assert "Installs." in text.stdout
    assert "1 archive checked: 1 would install, 0 would be refused." in text.stdout


def test_every_failure_with_the_clients_text_and_the_fix(server: str, tmp_path: Path) -> None:
    Routes.routes = {"/x.ipa": (200, GOOD)}
    version = entry(f"{server}/x.ipa", version="1.2.0", buildVersion="5", sha256="ab" * 32,
                    size=10, minOSVersion="14.0")
    source = write_source(tmp_path, [version], appPermissions={"entitlements": [],
                                                               "privacy": {}})
    code, document = verify_json(source)
    assert code == 1
    (result,) = document["results"]
    checks = {check["name"]: check for check in result["checks"]}
    assert statuses(result) == {
        "download": "pass", "bundleIdentifier": "pass", "minimumOSVersion": "pass",
        "sha256": "fail", "version": "fail", "buildVersion": "fail", "permissions": "fail",
        "minOSVersion": "warn", "size": "warn"}
    # the client stops at the first failure: the hash comes before the version
    assert result["alert"] == {
        "title": "Example could not be installed.",
        "message": "The SHA-256 hash of Example does not match the hash specified by the "
                   "source."}
    assert checks["version"]["message"] == (
        "The downloaded version of Example does not match the version specified by the source.")
    assert (checks["version"]["expected"], checks["version"]["found"]) == ("1.2.0", "1.2")
    assert checks["buildVersion"]["fix"] == "set buildVersion to “6” (the IPA's CFBundleVersion)"
    assert checks["sha256"]["fix"] == f"set sha256 to “{hashlib.sha256(GOOD).hexdigest()}”"
    assert checks["permissions"]["message"] == (
        "Example requires additional permissions not specified by the source.\n\nThese "
        "permissions must be declared by the source in order for AltStore to install this "
        "app:\n\nEntitlements:\ncom.apple.security.application-groups\nkeychain-access-groups"
        "\n\nPrivacy:\nNSCameraUsageDescription\nNSContactsUsageDescription")
    assert checks["permissions"]["found"] == PERMISSIONS
    assert checks["size"]["fix"] == f"set size to {len(GOOD)}"
    assert checks["minOSVersion"]["fix"] == "set minOSVersion to “15.0”"


@pytest.mark.parametrize(("status", "message"), [
    (403, "The file “my app.ipa” couldn’t be opened because you don’t have permission to view "
          "it."),
    (404, "The file “my app.ipa” couldn’t be opened because there is no such file."),
])
def test_403_and_404_as_the_client_reports_them(server: str, tmp_path: Path, status: int,
                                                 message: str) -> None:
    Routes.routes = {"/my%20app.ipa": (status, b"<html>no</html>")}
    source = write_source(tmp_path, [entry(f"{server}/my%20app.ipa")])
    code, document = verify_json(source)
    assert code == 1
    (result,) = document["results"]
    assert result["alert"]["message"] == message
    assert [check["name"] for check in result["checks"]] == ["download"]


def test_an_unreachable_archive_is_a_failed_download(tmp_path: Path) -> None:
    source = write_source(tmp_path, [entry("http://127.0.0.1:9/x.ipa")])
    code, document = verify_json(source)
    assert code == 1
    (result,) = document["results"]
    (download,) = result["checks"]
    assert download["message"].startswith("The app archive could not be downloaded: cannot connect")
    # the client fails with a system error, not a text altsim could quote
    assert (download["clientText"], result["alert"]) == (False, None)
    text = altsim("verify", source).stdout
    assert "Refused. The client fails with the system's error for it" in text
    assert "The client shows" not in text


def test_the_version_the_device_would_install_or_all(server: str, tmp_path: Path) -> None:
    newer = ipa(info={**INFO, "CFBundleShortVersionString": "2.0", "MinimumOSVersion": "18.0"})
    assert isinstance(newer, bytes)
    Routes.routes = {"/x.ipa": (200, GOOD), "/new.ipa": (200, newer)}
    source = write_source(tmp_path, [
        entry(f"{server}/new.ipa", newer, version="2.0", minOSVersion="18.0", buildVersion=None),
        entry(f"{server}/x.ipa")])
    code, document = verify_json(source, "--ios", "17.0")
    assert (code, [r["version"] for r in document["results"]]) == (0, ["1.2"])
    code, document = verify_json(source, "--ios", "18.1")
    assert [r["version"] for r in document["results"]] == ["2.0"]
    code, document = verify_json(source, "--ios", "17.0", "--all")
    assert [r["version"] for r in document["results"]] == ["2.0", "1.2"]
    assert document["results"][0]["alert"]["message"] == (
        "This device is running iOS 17.0, but Example requires iOS 18.0 or later.")
    assert code == 1
    code, document = verify_json(source, "--version", "2.0", "--ios", "18.1")
    assert (code, [r["version"] for r in document["results"]]) == (0, ["2.0"])


def test_a_recommended_source_installs_without_the_permission_check(
        server: str, tmp_path: Path) -> None:
    Routes.routes = {"/x.ipa": (200, GOOD)}
    source = write_source(tmp_path, [entry(f"{server}/x.ipa")], appPermissions={})
    code, document = verify_json(source)
    assert (code, statuses(document["results"][0])["permissions"]) == (1, "fail")
    code, document = verify_json(source, "--recommended")
    assert (code, statuses(document["results"][0])["permissions"]) == (0, "warn")


def test_privacy_keys_are_checked_from_ios_16(server: str, tmp_path: Path) -> None:
    Routes.routes = {"/x.ipa": (200, GOOD)}
    source = write_source(tmp_path, [entry(f"{server}/x.ipa", minOSVersion="15.0")],
                          appPermissions={"entitlements": PERMISSIONS["entitlements"]})
    code, document = verify_json(source, "--ios", "15.4")
    permissions = next(c for c in document["results"][0]["checks"] if c["name"] == "permissions")
    assert (code, permissions["status"]) == (0, "warn")
    code, document = verify_json(source, "--ios", "16.0")
    assert code == 1
    assert document["results"][0]["alert"]["message"].endswith(
        "\n\nPrivacy:\nNSCameraUsageDescription\nNSContactsUsageDescription")


@pytest.mark.parametrize(("client", "expected"), [
    ("altstore-1.7", {"version": "warn", "permissions": "warn"}),  # 1.x checks neither
    ("sidestore", {"version": "fail", "permissions": "skip"}),  # root version 1: no permissions
])
def test_client_differences(server: str, tmp_path: Path, client: str,
                            expected: dict[str, str]) -> None:
    Routes.routes = {"/x.ipa": (200, GOOD)}
    version = entry(f"{server}/x.ipa", version="1.3")
    path = Path(write_source(tmp_path, [version], appPermissions={}))
    document = json.loads(path.read_text())
    path.write_text(json.dumps({**document, "identifier": "com.example.source"}))
    _, result = verify_json(str(path), "--client", client)
    found = statuses(result["results"][0])
    assert {name: found[name] for name in expected} == expected


def test_a_local_archive(tmp_path: Path) -> None:
    local = tmp_path / "x.ipa"
    local.write_bytes(GOOD)
    source = write_source(tmp_path, [entry("https://example.invalid/x.ipa")])
    code, document = verify_json(source, "--ipa", str(local))
    assert code == 0
    assert document["results"][0]["archive"] == str(local)
    assert "download" not in statuses(document["results"][0])


def zip_bomb() -> bytes:
    """An IPA whose executable is 200 MB of zeros in a few hundred kB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("Payload/X.app/Info.plist", ipa_info())
        with archive.open("Payload/X.app/X", "w") as executable:
            for _ in range(200):
                executable.write(bytes(1 << 20))
    return buffer.getvalue()


def ipa_info() -> bytes:
    return plistlib.dumps({**INFO, "CFBundleExecutable": "X"})


@pytest.mark.parametrize(("data", "problem"), [
    (b"<html>Sign in to download</html>", "The file is not a readable zip archive"),
    (zip_bomb(), "it looks like a zip bomb and was not read"),
    (ipa(info=INFO, executable=macho(APP_ENTITLEMENTS)[:-40]), "is truncated"),
    (ipa(info=INFO, binary_plist=True, executable=b"\x7fELF not a Mach-O"),
     "is not a Mach-O file"),
], ids=["html", "zip-bomb", "truncated-macho", "not-macho"])
def test_broken_archives_are_clear_failures(server: str, tmp_path: Path, data: bytes,
                                            problem: str) -> None:
    Routes.routes = {"/x.ipa": (200, data)}
    source = write_source(tmp_path, [entry(f"{server}/x.ipa", data)])
    code, document = verify_json(source)
    assert code == 1
    (result,) = document["results"]
    assert [check["name"] for check in result["checks"]] == ["download", "archive"]
    assert problem in result["checks"][1]["message"]
    assert result["alert"] is None


def test_source_problems_and_usage(tmp_path: Path) -> None:
    rejected = tmp_path / "rejected.json"
    rejected.write_text(json.dumps(builders.source(apps=[builders.app(versions=[])])))
    run = altsim("verify", str(rejected))
    assert run.returncode == 1
    assert "rejects the source, so it installs nothing from it" in run.stderr
    assert altsim("verify", str(tmp_path / "missing.json")).returncode == 2
    source = write_source(tmp_path, [entry("https://example.invalid/x.ipa")])
    for args, message in [(["--app", "com.other"], "the source has no app 'com.other'"),
                          (["--version", "9.9"], "no app in the source has version '9.9'"),
                          (["--ipa", "x.ipa", "--all"], "--ipa checks one archive")]:
        run = altsim("verify", source, *args)
        assert (run.returncode, message in run.stderr) == (2, True), run.stderr
        assert "Traceback" not in run.stderr


def test_hostile_text_never_reaches_the_terminal_raw(server: str, tmp_path: Path) -> None:
    info = {**INFO, "CFBundleDisplayName": "Evil\x1b]0;owned\x07\x9b2J",
            "CFBundleShortVersionString": "1.2\x1b[2J"}
    data = ipa(info=info, binary_plist=True)
    assert isinstance(data, bytes)
    Routes.routes = {"/x.ipa": (200, data)}
    source = write_source(tmp_path, [entry(f"{server}/x.ipa", data)], name="Bad\x1b[31m")
    for args in ([], ["--format", "json"], ["--format", "github"]):
        run = altsim("verify", source, *args)
        assert run.returncode == 1
        assert not any(c in run.stdout + run.stderr for c in "\x1b\x07\x9b")


def test_permissions_block_round_trips_through_verify(server: str, tmp_path: Path) -> None:
    """What `altsim permissions` prints, pasted into the source, is what verify asks for."""
    local = tmp_path / "x.ipa"
    local.write_bytes(GOOD)
    run = altsim("permissions", str(local))
    assert (run.returncode, run.stderr) == (0, "")
    printed = json.loads(run.stdout)
    assert printed == {"bundleIdentifier": "com.example.x", "version": "1.2",
                       "buildVersion": "6", "size": len(GOOD),
                       "sha256": hashlib.sha256(GOOD).hexdigest(), "minOSVersion": "15.0",
                       "appPermissions": PERMISSIONS}
    Routes.routes = {"/x.ipa": (200, GOOD)}
    fields = {key: printed[key] for key in ("version", "buildVersion", "size", "sha256",
                                            "minOSVersion")}
    version = builders.version(downloadURL=f"{server}/x.ipa", **fields)
    source = write_source(tmp_path, [version], appPermissions=printed["appPermissions"])
    code, document = verify_json(source)
    assert (code, document["ok"]) == (0, True)


def test_permissions_warns_of_a_missing_usage_description(tmp_path: Path) -> None:
    local = ipa(tmp_path / "x.ipa", info={"NSMicrophoneUsageDescription": ""})
    run = altsim("permissions", str(local))
    assert run.returncode == 0
    privacy = json.loads(run.stdout)["appPermissions"]["privacy"]
    assert privacy["NSMicrophoneUsageDescription"].startswith("<why the app asks")
    assert "NSMicrophoneUsageDescription without a usage description" in run.stderr


@pytest.mark.parametrize("content", [b"not a zip", b""])
def test_permissions_of_an_unreadable_archive(tmp_path: Path, content: bytes) -> None:
    local = tmp_path / "x.ipa"
    local.write_bytes(content)
    run = altsim("permissions", str(local))
    assert run.returncode == 2
    assert run.stderr.startswith("altsim permissions: The file is not a readable zip archive")
    assert altsim("permissions", str(tmp_path / "none.ipa")).returncode == 2
