"""Small sources for tests: each builder takes overrides; ABSENT removes a key."""

from __future__ import annotations

from typing import Any

ABSENT: Any = object()  # an override that removes the key
U1, U2 = "https://example.com/u1.png", "https://example.com/u2.png"


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


def one(**overrides: Any) -> dict[str, Any]:  # a source with one app
    return source(apps=[app(**overrides)])


def one_version(**overrides: Any) -> dict[str, Any]:  # one app with one version
    return one(versions=[version(**overrides)])
