"""Every problem in one run: the checks the client runs after decoding (FetchSourceOperation.swift
:207-247 at 5a0f2de7) also run on every app that could be read when decoding failed, so fixing the
first error never uncovers a second round."""

from __future__ import annotations

import json

from altsim.core.check import check_source
from altsim.core.diagnostics import Severity
from altsim.core.profiles import PROFILES

from .builders import ABSENT, app, source, version


def codes(doc: object, client: str = "altstore") -> list[tuple[str, str]]:
    result = check_source(json.dumps(doc).encode(), PROFILES[client], (17, 0, 0))
    return [(d.code, d.pointer) for d in result.diagnostics if d.severity is Severity.ERROR]


def test_post_decode_checks_run_behind_a_decoding_error() -> None:
    doc = source(apps=[
        app(localizedDescription=ABSENT),  # the client stops here
        app(localizedDescription=ABSENT, versions=[version(), version()]),
        app(bundleIdentifier="com.b", appPermissions={"privacy": {"NSCameraUsageDescription": ""}},
            screenshots={"ipad": ["https://example.com/s.png"]}),
        app(bundleIdentifier="com.c", marketplaceID="1", versions=[version(buildVersion="1")]),
    ])
    found = codes(doc)
    assert found[0] == ("keyNotFound", "/apps/0")
    assert {
        ("keyNotFound", "/apps/1"),
        ("duplicateBundleID", "/apps/1/bundleIdentifier"),
        ("duplicateVersion", "/apps/1/versions/1"),
        ("missingPermissionUsageDescription",
         "/apps/2/appPermissions/privacy/NSCameraUsageDescription"),
        ("missingScreenshotSize", "/apps/2/screenshots/ipad/0"),
        ("marketplaceNotSupported", "/apps/3/marketplaceID"),
    } <= set(found)


def test_root_error_does_not_hide_the_apps() -> None:
    doc = source(website="", apps=[app(), app()])
    assert ("duplicateBundleID", "/apps/1/bundleIdentifier") in codes(doc)


def test_an_app_without_a_readable_bundle_id_is_not_compared() -> None:
    doc = source(apps=[app(bundleIdentifier=5), app(bundleIdentifier=5)])
    assert [code for code, _ in codes(doc)] == ["typeMismatch", "typeMismatch"]
