"""What the client checks in a downloaded app before installing it (behaviour.md 2.4, 5.1, 10.9).

The client (VerifyAppOperation.swift) stops at the first failure and shows one alert; altsim
runs every check, marks the one the client would show, and says what to change in the source.
A few checks are altsim's own advice (`by_client=False`): they find what the client only
meets on other devices (a `minOSVersion` below the app's own minimum) or shows wrongly (the
size).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import unquote, urlsplit

from altsim.core.latest import not_supported_text
from altsim.core.model import App, Version
from altsim.core.profiles import ClientProfile
from altsim.core.values import OSVersion, os_version_string, parse_os_version

# behaviour.md 2.4 (VerifyAppOperation.swift:18-24): never asked of the source
IGNORED_ENTITLEMENTS = frozenset({"application-identifier",
                                  "com.apple.developer.team-identifier"})
GET_TASK_ALLOW = "get-task-allow"
# behaviour.md 2.4: Regex.privacyPermission, matched against whole Info.plist keys from iOS 16
_PRIVACY_KEY = re.compile(r"(?:NS)?(.+)UsageDescription(.+)?", re.DOTALL)
PRIVACY_FROM_IOS = (16, 0, 0)
# behaviour.md 1.5 item 4: a privacy entry without a description rejects the whole source, so a
# block made from an app that has none carries this, to be replaced before publishing
MISSING_DESCRIPTION = "<why the app asks: write it before publishing>"


class Bundle(Protocol):
    """One bundle of the archive (the app or an extension) as the client reads it."""

    @property
    def path(self) -> str: ...
    @property
    def info(self) -> Mapping[str, object]: ...
    @property
    def entitlements(self) -> Mapping[str, object]: ...


class Archive(Protocol):
    @property
    def app(self) -> Bundle: ...
    @property
    def extensions(self) -> Sequence[Bundle]: ...


@dataclass(frozen=True, slots=True)
class InstallCheck:
    name: str  # "bundleIdentifier", "minimumOSVersion", "sha256", "version", ...
    status: str  # "pass", "fail", "warn" (altsim's advice or another device's failure), "skip"
    expected: object  # what the source says
    found: object  # what the archive holds
    message: str  # the client's text for a client failure, else altsim's
    fix: str | None = None  # what to change in the source
    by_client: bool = True  # a failure makes the client refuse the install
    # False where the client refuses with a system error altsim cannot word (no download,
    # no unzippable archive): the message is altsim's, not what the alert says
    client_text: bool = True

    @property
    def ok(self) -> bool:
        return self.status != "fail"


@dataclass(frozen=True, slots=True)
class InstallVerdict:
    app_name: str  # the archive's name, which the client's messages use
    checks: list[InstallCheck]

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def shown(self) -> InstallCheck | None:
        """The failure the client's alert shows: the first, in the client's order."""
        return next((c for c in self.checks if c.status == "fail" and c.by_client), None)

    @property
    def alert_title(self) -> str:
        return f"{self.app_name} could not be installed."  # VerifyAppOperation.swift


def _text(info: Mapping[str, object], key: str) -> str | None:
    value = info.get(key)
    return value if isinstance(value, str) else None


def archive_version(info: Mapping[str, object]) -> str | None:
    """ALTApplication.version, which the install guard compares (behaviour.md 5.1):
    CFBundleShortVersionString, read as "1.0" when absent."""
    return _text(info, "CFBundleShortVersionString") if "CFBundleShortVersionString" in info \
        else "1.0"


def archive_name(archive: Archive) -> str:
    """ALTApplication.name: the display name, else the bundle name, else the folder's."""
    info = archive.app.info
    folder = archive.app.path.rstrip("/").rsplit("/", 1)[-1].removesuffix(".app")
    for key in ("CFBundleDisplayName", "CFBundleName"):  # `?:` passes over nil only, not ""
        if (name := _text(info, key)) is not None:
            return name
    return folder


def declared_entitlements(archive: Archive) -> list[str]:
    """Every entitlement of the app and its extensions the source must declare
    (behaviour.md 2.4)."""
    names = {name for bundle in (archive.app, *archive.extensions) for name in bundle.entitlements}
    names -= IGNORED_ENTITLEMENTS
    # only the app's own value counts; `as? Bool` reads a plist integer 0 as false too
    if archive.app.entitlements.get(GET_TASK_ALLOW) == 0:
        names.discard(GET_TASK_ALLOW)
    return sorted(names, key=str.casefold)  # localizedStandardCompare: case-insensitive


def privacy_keys(archive: Archive) -> dict[str, str]:
    """Every privacy key of the app and its extensions (iOS 16's rule, behaviour.md 2.4), with the
    app's own usage description: what the source must declare."""
    found: dict[str, str] = {}
    for bundle in (archive.app, *archive.extensions):
        for key, value in bundle.info.items():
            if _PRIVACY_KEY.fullmatch(key) and key not in found:
                found[key] = value if isinstance(value, str) else ""
    return dict(sorted(found.items(), key=lambda item: item[0].casefold()))


def permissions_block(archive: Archive) -> dict[str, object]:
    """The `appPermissions` object that declares everything the archive needs."""
    return {"entitlements": declared_entitlements(archive),
            "privacy": _described(privacy_keys(archive))}


def _described(privacy: dict[str, str]) -> dict[str, str]:
    return {key: text or MISSING_DESCRIPTION for key, text in privacy.items()}


@dataclass(frozen=True, slots=True)
class Installer:
    """Who installs: the client, its device's iOS version, and what it knows of the source."""

    profile: ClientProfile
    ios: OSVersion
    source_json_version: int | None = None  # SideStore's root `version` (behaviour.md 11)
    recommended: bool = False  # the source is on AltStore's Recommended list (behaviour.md 2.4)


def verify_install(app: App, version: Version, archive: Archive, *, sha256: str, size: int,
                   installer: Installer) -> InstallVerdict:
    """Every check the client runs on `archive` when installing `version` of `app`, in the
    client's order (behaviour.md 10.9), then altsim's own advice."""
    ios, profile = installer.ios, installer.profile
    name = archive_name(archive)
    info = archive.app.info
    checks = [
        _bundle_id(app, info),
        _minimum_os(name, info, ios),
        _sha256(name, version, sha256),
        _version(name, version, info),
        _build(name, version, info),
        _permissions(name, app, archive, installer),
    ]
    checks = [_as_client_checks(check, profile) for check in checks]
    checks += [_source_minimum(version, info), _size(version, size)]
    return InstallVerdict(name, checks)


def download_check(status: int | None, url: str) -> InstallCheck:
    """behaviour.md 10.10 (DownloadAppOperation.swift:275-299): HTTP 403 and 404 fail with
    Foundation's file errors naming the URL's last path component (wording UNVERIFIED on device);
    any other status is downloaded as the app."""
    file = unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]) or url
    refusals = {403: "you don’t have permission to view it", 404: "there is no such file"}
    if status in refusals:
        return InstallCheck("download", "fail", "HTTP 200", f"HTTP {status}",
                            f"The file “{file}” couldn’t be opened because {refusals[status]}.",
                            "publish the IPA at downloadURL, readable without signing in")
    if status is not None and not 200 <= status < 300:
        return InstallCheck("download", "warn", "HTTP 200", f"HTTP {status}",
                            f"The server answers HTTP {status}; the client installs from the "
                            "body anyway.", "serve the IPA with HTTP 200")
    return InstallCheck("download", "pass", "HTTP 200", status and f"HTTP {status}",
                        "The app archive downloads.")


def download_failed(reason: str) -> InstallCheck:
    """No archive came (timeout, refused connection, too large): the install fails."""
    return InstallCheck("download", "fail", None, None,
                        f"The app archive could not be downloaded: {reason}.",
                        "make downloadURL reachable", client_text=False)


def archive_check(problem: str) -> InstallCheck:
    """A downloaded file the client cannot unpack as an app: it refuses the install."""
    return InstallCheck("archive", "fail", None, None,
                        f"The downloaded file is not an app the client can install: {problem}",
                        "publish a valid IPA (a zip holding Payload/<Name>.app) at downloadURL",
                        client_text=False)


def _as_client_checks(check: InstallCheck, profile: ClientProfile) -> InstallCheck:
    """A failure of a check this client does not run (1.x) is a warning: 2.0 refuses."""
    if check.name in profile.install_checks or check.status != "fail":
        return check
    return InstallCheck(check.name, "warn", check.expected, check.found,
                        f"{profile.title} does not check this, but 2.0 refuses the install: "
                        f"{check.message}", check.fix, by_client=False)


def _bundle_id(app: App, info: Mapping[str, object]) -> InstallCheck:
    found = _text(info, "CFBundleIdentifier")
    if found == app.bundle_id:
        return InstallCheck("bundleIdentifier", "pass", app.bundle_id, found,
                            "The bundle ID matches the source.")
    return InstallCheck(  # VerificationError.mismatchedBundleIdentifiers
        "bundleIdentifier", "fail", app.bundle_id, found,
        f"The bundle ID “{found}” does not match the one specified by the source "
        f"(“{app.bundle_id}”).",
        f"set bundleIdentifier to “{found}”, or publish the IPA built for {app.bundle_id}")


def _minimum_os(name: str, info: Mapping[str, object], ios: OSVersion) -> InstallCheck:
    text = _text(info, "MinimumOSVersion")
    required = parse_os_version(text) if text else (0, 0, 0)
    if ios >= required:
        return InstallCheck("minimumOSVersion", "pass", os_version_string(ios), text,
                            f"iOS {os_version_string(ios)} meets the app's minimum.")
    return InstallCheck(  # VerificationError.iOSVersionNotSupported
        "minimumOSVersion", "fail", os_version_string(ios), text,
        not_supported_text(name, ios, required),
        f"set this version's minOSVersion to “{text}”, so that older devices are not "
        "offered it")


def _sha256(name: str, version: Version, actual: str) -> InstallCheck:
    expected = version.sha256
    if expected is None:
        return InstallCheck("sha256", "skip", None, actual,
                            "The source gives no sha256, so the client does not check it.",
                            f"optionally set sha256 to “{actual}”")
    if expected == actual:  # the source's value is lower-cased at decode (behaviour.md 3)
        return InstallCheck("sha256", "pass", expected, actual, "The SHA-256 hash matches.")
    return InstallCheck(  # VerificationError.mismatchedHash
        "sha256", "fail", expected, actual,
        f"The SHA-256 hash of {name} does not match the hash specified by the source.",
        f"set sha256 to “{actual}”")


def _version(name: str, version: Version, info: Mapping[str, object]) -> InstallCheck:
    found = archive_version(info)
    if found == version.version:  # behaviour.md 5.1: exact string equality
        return InstallCheck("version", "pass", version.version, found,
                            "The version matches CFBundleShortVersionString.")
    return InstallCheck(  # VerificationError.mismatchedVersion
        "version", "fail", version.version, found,
        f"The downloaded version of {name} does not match the version specified by the "
        "source.",
        f"set version to “{found}” (the IPA's CFBundleShortVersionString)")


def _build(name: str, version: Version, info: Mapping[str, object]) -> InstallCheck:
    found = _text(info, "CFBundleVersion")
    expected = version.build_version
    if expected is None:
        return InstallCheck("buildVersion", "skip", None, found,
                            "The source gives no buildVersion, so the client does not check "
                            "it.")
    if found == expected:
        return InstallCheck("buildVersion", "pass", expected, found,
                            "The build matches CFBundleVersion.")
    return InstallCheck(  # VerificationError.mismatchedBuildVersion
        "buildVersion", "fail", expected, found,
        f"The downloaded version of {name} does not match the build number specified by the "
        "source.",
        f"set buildVersion to “{found}” (the IPA's CFBundleVersion)")


def _permissions(name: str, app: App, archive: Archive, installer: Installer) -> InstallCheck:
    profile, ios = installer.profile, installer.ios
    declared = {*app.permissions.entitlements, *(p.name for p in app.permissions.privacy)}
    entitlements = [e for e in declared_entitlements(archive) if e not in declared]
    privacy = {key: text for key, text in privacy_keys(archive).items()
               if not _privacy_declared(key, declared)}
    expected = {"entitlements": sorted(app.permissions.entitlements),
                "privacy": sorted(p.name for p in app.permissions.privacy)}
    found = permissions_block(archive)
    if profile.permissions_from_source_version and \
            (installer.source_json_version or 1) < profile.permissions_from_source_version:
        return InstallCheck("permissions", "skip", expected, found,
                            f"{profile.brand} checks permissions only for sources whose root "
                            f"version is {profile.permissions_from_source_version} or more.")
    if not entitlements and not privacy:
        return InstallCheck("permissions", "pass", expected, found,
                            "The source declares every permission the app uses.")
    fix = "add to appPermissions: " + _json_fragment(entitlements, privacy)
    if installer.recommended and profile.recommended_skip_permissions:
        return InstallCheck(  # behaviour.md 2.4: VerifyAppOperation skips Recommended sources
            "permissions", "warn", expected, found,
            f"{profile.brand} does not check the permissions of apps from its Recommended "
            f"sources, so this installs; from any other source {name} requires additional "
            "permissions not specified by the source.", fix, by_client=False)
    checked_privacy = privacy if ios >= PRIVACY_FROM_IOS else {}
    if not entitlements and not checked_privacy:  # behaviour.md 2.4: privacy keys only from iOS 16
        return InstallCheck(
            "permissions", "warn", expected, found,
            f"iOS {os_version_string(ios)} does not check privacy keys, but iOS 16 and later "
            f"refuse the install: {name} requires additional permissions not specified by the "
            "source.", fix)
    listing = _permission_sections(entitlements, list(checked_privacy))
    return InstallCheck(  # VerificationError.undeclaredPermissions, with its suggestion
        "permissions", "fail", expected, found,
        f"{name} requires additional permissions not specified by the source.\n\nThese "
        f"permissions must be declared by the source in order for {profile.brand} to install "
        f"this app:\n\n{listing}", fix)


def _privacy_declared(key: str, declared: set[str]) -> bool:
    """behaviour.md 2.4: the key itself, or its legacy short name ("Camera"), is in the source."""
    if key in declared:
        return True
    match = _PRIVACY_KEY.fullmatch(key)
    return match is not None and match[1] in declared


def _permission_sections(entitlements: list[str], privacy: list[str]) -> str:
    """VerificationError.permissionsDescription: a section per type, sorted, raw names."""
    sections = [(title, names) for title, names in (("Entitlements", entitlements),
                                                    ("Privacy", privacy)) if names]
    return "\n\n".join(f"{title}:\n" + "\n".join(sorted(names, key=str.casefold))
                       for title, names in sections)


def _json_fragment(entitlements: list[str], privacy: dict[str, str]) -> str:
    parts = []
    if entitlements:
        parts.append(f'"entitlements": {json.dumps(entitlements, ensure_ascii=False)}')
    if privacy:
        parts.append(f'"privacy": {json.dumps(_described(privacy), ensure_ascii=False)}')
    return ", ".join(parts)


def _source_minimum(version: Version, info: Mapping[str, object]) -> InstallCheck:
    """altsim's advice: devices between the source's minOSVersion and the app's own minimum
    are offered this version (behaviour.md 3.2) and then refused at install."""
    text = _text(info, "MinimumOSVersion")
    declared = version.min_os_version
    if not text or parse_os_version(text) <= (version.min_os or (0, 0, 0)):
        return InstallCheck("minOSVersion", "pass", declared, text,
                            "minOSVersion is at least the app's MinimumOSVersion.",
                            by_client=False)
    below = f"below iOS {text}" if declared is None else f"from iOS {declared} to below {text}"
    return InstallCheck(
        "minOSVersion", "warn", declared, text,
        f"Devices {below} are offered this version, then refused at install: the app's "
        f"MinimumOSVersion is {text}.",
        f"set minOSVersion to “{text}”", by_client=False)


def _size(version: Version, size: int) -> InstallCheck:
    if version.size == size:
        return InstallCheck("size", "pass", version.size, size, "The size matches the file.",
                            by_client=False)
    return InstallCheck("size", "warn", version.size, size,
                        f"The source says {version.size} bytes; the file is {size} bytes, so "
                        "the app page shows the wrong size.", f"set size to {size}",
                        by_client=False)
