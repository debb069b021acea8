"""Decisions that third-party clients make differently, as profile data: the first version is
the latest whatever its OS bounds, no update is ever offered, no countdown, no notifications,
no news or featured apps where the client shows none (behaviour.md 15.5, 15.6, 17.3).

A profile built here from AltStore's with only those fields changed shows that nothing else
branches on the client."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from altsim.core import decisions as d
from altsim.core import store
from altsim.core.check import check_source, client_verdict
from altsim.core.client_differences import differences
from altsim.core.device import Device, InstalledApp, User
from altsim.core.explain import explain_app
from altsim.core.model import Source
from altsim.core.profiles import ALTSTORE, ALTSTORE_17, PROFILES, ClientProfile
from altsim.core.refresh import refresh
from altsim.net.fetch import Fetched
from altsim.sim.simulator import source_identity

from .builders import app, news, source, version
from .conftest import altsim

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
IOS14 = (14, 8, 0)
# A client that reads no OS bounds, detects no updates, posts nothing and shows no news
PLAIN: ClientProfile = replace(ALTSTORE, name="plain", latest_rule="first", update_rule="none",
                               shows=frozenset({"screenshot_urls", "permissions"}))
TWO = source(apps=[app(versions=[version(version="2.0", minOSVersion="99.0"),
                                 version(version="1.0")])],
             news=[news(notify=True)], featuredApps=["com.a"])


def decode(doc: dict[str, Any], profile: ClientProfile = ALTSTORE) -> Source:
    result = client_verdict(json.dumps(doc).encode(), profile, (17, 0, 0))
    assert result.source is not None, result.rejection
    return result.source


def user(**installed: str) -> User:
    return User({b: InstalledApp(b, v, None) for b, v in installed.items()})


def test_the_first_version_is_offered_whatever_its_bounds() -> None:
    src = decode(TWO)
    altstore = d.decide(src.apps[0], src, user(), Device(IOS14, NOW), ALTSTORE)
    plain = d.decide(src.apps[0], src, user(), Device(IOS14, NOW), PLAIN)
    assert altstore.latest_supported.version == "1.0"
    assert plain.latest_supported.version == "2.0"
    assert (plain.install.outcome, plain.install.version.version) == ("install", "2.0")
    reasons = explain_app(src.apps[0], src, user(), Device(IOS14, NOW), PLAIN).reasons
    latest = next(r for r in reasons if r.topic == "latest")
    assert "reads no minOSVersion or maxOSVersion" in latest.text


def test_no_update_is_offered_and_the_page_says_open() -> None:
    src = decode(TWO)
    decision = d.decide(src.apps[0], src, user(**{"com.a": "1.0"}), Device(IOS14, NOW), PLAIN)
    assert decision.update is None
    assert (decision.button.title, decision.app_page_button.title) == ("OPEN", "OPEN")


def test_a_future_version_has_no_countdown() -> None:
    later = NOW + timedelta(days=3)
    src = decode(source(apps=[app(versions=[version(date=later.isoformat())])]))
    assert d.decide(src.apps[0], src, user(), Device(IOS14, NOW), ALTSTORE).button.countdown_to
    assert d.decide(src.apps[0], src, user(), Device(IOS14, NOW), PLAIN).button.enabled


def test_no_news_and_no_featured_apps_where_the_client_shows_none() -> None:
    src = decode(TWO)
    shown = store.source_for_user(src, "s", user(), ALTSTORE)
    hidden = store.source_for_user(src, "s", user(), PLAIN)
    assert store.merged_news([shown])
    assert store.about_news(shown)
    assert store.about_featured(shown)
    assert store.browse_featured(shown, [])
    assert not store.merged_news([hidden])
    assert not store.about_news(hidden)
    assert not store.about_featured(hidden)
    assert not store.browse_featured(hidden, [])


def test_a_background_refresh_posts_nothing() -> None:
    before, after = decode(source(apps=[app(versions=[version(version="1.0")])])), decode(TWO)
    links, device = {"com.a": "s"}, Device((17, 0, 0), NOW)
    installed = user(**{"com.a": "1.0"})
    posted = refresh({"s": before}, {"s": after}, links, installed, device, ALTSTORE,
                     background=True, known_news=set())
    silent = refresh({"s": before}, {"s": after}, links, installed, device, PLAIN,
                     background=True, known_news=set())
    assert posted.notifications
    assert (silent.saved, silent.notifications, silent.updates) == (True, [], [])


def fetched(url: str) -> Fetched:
    return Fetched(url, url, url, 200, b"", 0.0)


def test_what_a_source_is_known_by() -> None:
    # AltStore 1.7 reads the JSON identifier (2.0 does not)
    declared = decode(source(identifier="com.example.src"), ALTSTORE_17)
    bare = decode(source())
    url = "https://www.Example.com/apps.json/"
    rules = {rule: replace(ALTSTORE, identity_rule=rule) for rule in
             ("normalized-url", "identifier", "identifier-or-url", "exact-url")}
    assert source_identity(fetched(url), rules["normalized-url"], declared) == \
        "example.com/apps.json"
    assert source_identity(fetched(url), rules["identifier"], declared) == "com.example.src"
    assert source_identity(fetched(url), rules["identifier-or-url"], declared) == \
        "com.example.src"
    assert source_identity(fetched(url), rules["identifier-or-url"], bare) == url
    assert source_identity(fetched(url), rules["exact-url"], declared) == url


def test_the_differences_from_altstore_most_important_first() -> None:
    src = decode(TWO)
    assert differences(src, ALTSTORE, src, ALTSTORE, (17, 0, 0)) == []
    found = differences(src, ALTSTORE, src, PLAIN, (17, 0, 0))
    assert found == [
        "offers 2.0 of App to iOS 17.0 devices where AltStore offers 1.0: AltStore reads no "
        "minOSVersion or maxOSVersion",
        "shows none of the 1 news items",
        "ignores featuredApps"]
    skipped = decode(source(apps=[app(bundleIdentifier="com.b")]))
    assert differences(src, ALTSTORE, skipped, PLAIN, (17, 0, 0))[0].startswith(
        "lists 1 app fewer")  # not the same bytes, but what a client that skips apps shows


def test_a_failed_refresh_as_each_client_shows_it() -> None:
    src = decode(TWO)
    error = "The data couldn’t be read because it isn’t in the correct format."
    kept = store.source_for_user(src, "s", user(), ALTSTORE, error=error)
    hidden = store.source_for_user(src, "s", user(), replace(PLAIN, refresh_failure="hide"),
                                   error=error)
    boxed = store.source_for_user(src, "s", user(), replace(
        PLAIN, refresh_failure="error", error_heading="Unable to refresh this source."),
        error=error)
    assert (kept.visible, kept.error, kept.spinning) == ({"com.a"}, error, False)
    assert (hidden.visible, hidden.error, hidden.spinning) == (set(), None, True)
    assert (boxed.visible, boxed.spinning) == (set(), False)
    assert boxed.error == f"Unable to refresh this source. {error}"


def test_sources_list_after_a_source_breaks(tmp_path: Path) -> None:
    path = tmp_path / "apps.json"
    path.write_text(json.dumps(source(identifier="com.example.src")))
    env = {**os.environ, "ALTSIM_HOME": str(tmp_path / "home")}
    assert altsim("sources", "add", "--yes", str(path), env=env).returncode == 0
    path.write_text("{broken")
    altsim("refresh", env=env)
    lines = {}
    for client in ("altstore", "feather", "livecontainer"):
        assert altsim("client", client, env=env).returncode == 0
        lines[client] = altsim("sources", "list", env=env).stdout
    assert "[!]" in lines["altstore"]
    assert "[1]" not in lines["feather"]
    assert "[…]" in lines["feather"]
    assert "! " not in lines["feather"]
    assert "! Unable to refresh this source. " in lines["livecontainer"]


def test_feathers_beta_mark_follows_the_bundle_id_not_the_beta_key() -> None:
    feather = PROFILES["feather"]
    src = decode(source(apps=[app(bundleIdentifier="com.a.Beta", beta=False),
                              app(bundleIdentifier="com.b", beta=True)]))
    marked = [d.shows_beta_badge(a, feather, (17, 0, 0)) for a in src.apps]
    assert marked == [True, False]
    assert [d.shows_beta_badge(a, ALTSTORE, (17, 0, 0)) for a in src.apps] == [False, True]


def test_feather_shows_news_on_the_source_page_only_last_item_first() -> None:
    src = decode(source(news=[news(identifier="newer", date="2024-01-01"),
                              news(identifier="older", date="2023-01-01")]))
    altstore = store.source_for_user(src, "s", user(), ALTSTORE)
    feather = store.source_for_user(src, "s", user(), PROFILES["feather"])
    assert [n.identifier for n in store.about_news(altstore)] == ["newer", "older"]  # by date
    assert [n.identifier for n in store.about_news(feather)] == ["older", "newer"]  # last first
    assert store.merged_news([feather]) == []


def test_the_review_speaks_of_what_the_client_shows() -> None:
    later = (NOW + timedelta(days=900)).isoformat()
    raw = json.dumps(source(apps=[app(versions=[version(date=later)])],
                            featuredApps=["com.nope"])).encode()
    codes = {c: {d.code for d in check_source(raw, p, (17, 0, 0), now=NOW).diagnostics}
             for c, p in (("altstore", ALTSTORE), ("plain", PLAIN))}
    assert {"future-release", "unknown-featured-app"} <= codes["altstore"]
    assert not {"future-release", "unknown-featured-app"} & codes["plain"]
