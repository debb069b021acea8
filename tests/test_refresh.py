"""Refresh, merging and notifications (behaviour.md 6.4, 9.2, 9.3; vectors 48, 53-56, 70)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from altsim.core.check import client_verdict
from altsim.core.device import Device, InstalledApp, User
from altsim.core.model import Source
from altsim.core.profiles import PROFILES
from altsim.core.refresh import refresh

from .builders import app, news, source, version

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
DEVICE = Device((17, 0, 0), NOW)
ALT = PROFILES["altstore"]


def decode(doc: dict[str, Any], client: str = "altstore") -> Source:
    result = client_verdict(json.dumps(doc).encode(), PROFILES[client], (17, 0, 0))
    assert result.source is not None, result.rejection
    return result.source


def with_versions(*versions: dict[str, Any], **root: Any) -> Source:
    return decode(source(apps=[app(versions=list(versions))], **root))


USER = User({"com.a": InstalledApp("com.a", "1.0")})
LINKS = {"com.a": "s1"}


def background(before: dict[str, Source], fetched: dict[str, Any], **kwargs: Any) -> Any:
    return refresh(before, fetched, LINKS, USER, DEVICE, ALT, background=True, **kwargs)


def test_update_notification_text_and_badge() -> None:
    old = with_versions(version(version="1.0"))
    new = with_versions(version(version="1.1", buildVersion="7"), version(version="1.0"))
    outcome = background({"s1": old}, {"s1": new})
    assert outcome.saved
    [note] = outcome.notifications
    assert (note.kind, note.title, note.body) == (
        "update", "New Update Available", "App 1.1 (7) is now available for download.")
    assert outcome.badge == 1


@pytest.mark.parametrize(("build", "bug", "times"), [
    pytest.param("7", True, 3, id="v56-build-renotified-every-time"),
    pytest.param(None, True, 1, id="v56-no-build-once"),
    pytest.param("7", False, 1, id="s9.3-bug-switched-off"),
])
def test_v56_pending_update_across_fetches(build: str | None, bug: bool, times: int) -> None:
    extra = {"buildVersion": build} if build else {}
    old = with_versions(version(version="1.0"))
    new = with_versions(version(version="2.0", **extra), version(version="1.0"))
    posted = 0
    current = {"s1": old}
    for _ in range(3):
        outcome = background(current, {"s1": new}, renotify_build_bug=bug)
        posted += len(outcome.notifications)
        current = outcome.sources
    assert posted == times


def test_v48_future_dated_update_is_notified() -> None:
    old = with_versions(version(version="1.0"))
    new = with_versions(version(version="1.1", date="2030-01-01"), version(version="1.0"))
    assert [n.kind for n in background({"s1": old}, {"s1": new}).notifications] == ["update"]


def test_v53_news_notified_once_with_its_title() -> None:
    old = with_versions(version())
    items = [news(identifier="n1", title="Hello", notify=True),
             news(identifier="n2", title="About App", notify=True, appID="com.a"),
             news(identifier="n3", title="Quiet")]
    new = decode(source(apps=[app()], news=items))
    first = background({"s1": old}, {"s1": new})
    assert [(n.title, n.body) for n in first.notifications] == [
        ("AltStore News", "Hello"), ("App News", "About App")]
    again = background(first.sources, {"s1": new})
    assert again.notifications == []


def test_s11_sidestore_news_title() -> None:
    old = decode(source(), "sidestore")
    new = decode(source(news=[news(notify=True)]), "sidestore")
    outcome = refresh({"s1": old}, {"s1": new}, {}, User(), DEVICE, PROFILES["sidestore"],
                      background=True)
    assert [n.title for n in outcome.notifications] == ["SideStore News"]


def test_s6_4_dedup_across_sources() -> None:
    other = decode(source(news=[news(identifier="in-both", notify=True)]))
    new = decode(source(news=[news(identifier="in-both", notify=True)]))
    outcome = background({"s1": decode(source()), "s2": other}, {"s1": new, "s2": other})
    assert outcome.notifications == []


def test_v54_first_seen_in_foreground_is_never_notified() -> None:
    old = decode(source())
    new = decode(source(news=[news(notify=True)]))
    foreground = refresh({"s1": old}, {"s1": new}, LINKS, USER, DEVICE, ALT, background=False)
    assert foreground.saved
    assert foreground.notifications == []
    assert background(foreground.sources, {"s1": new}).notifications == []


def test_v55_one_failure() -> None:
    old = with_versions(version(version="1.0"))
    new = with_versions(version(version="1.1"), version(version="1.0"))
    fetched = {"s1": new, "s2": "HTTP timeout", "s3": decode(source(name="Three"))}
    before = {"s1": old, "s2": decode(source(name="Two")), "s3": decode(source(name="Three"))}
    back = background(before, fetched)
    assert (back.saved, back.notifications, back.sources["s1"]) == (False, [], old)
    fore = refresh(before, fetched, LINKS, USER, DEVICE, ALT, background=False)
    assert fore.saved
    assert fore.sources["s1"] is new  # the successes are saved
    assert fore.sources["s2"] is before["s2"]  # the failed one keeps its old copy
    assert fore.errors == {"s2": "HTTP timeout"}


def test_v70_removed_app_loses_its_store_link() -> None:
    old = with_versions(version(version="1.0"))
    new = decode(source(apps=[app(bundleIdentifier="com.b")]))
    outcome = background({"s1": old}, {"s1": new})
    assert outcome.lost_links == ["com.a"]
    assert outcome.updates == []
