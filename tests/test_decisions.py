"""The client's decisions (behaviour.md 4-8, 10, 11): the decision vectors of 14 and
properties.

Every source goes through the real decoder (client_verdict) before a decision is asked of it.
Ids carry the vector number (``v36-…``) or the rule's section (``s10.5-…``).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from altsim.core import decisions as d
from altsim.core import store
from altsim.core.check import client_verdict
from altsim.core.device import Device, InstalledApp, Patron, User
from altsim.core.latest import latest_available, latest_supported
from altsim.core.model import App, Source
from altsim.core.profiles import PROFILES

from .builders import app, news, one, source, version

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
IOS16, IOS17 = (16, 4, 0), (17, 0, 0)
PATREON_URL = "https://www.patreon.com/example"


def decode(doc: dict[str, Any], client: str = "altstore", ios: tuple[int, int, int] = IOS17
           ) -> Source:
    result = client_verdict(json.dumps(doc).encode(), PROFILES[client], ios)
    assert result.source is not None, result.rejection
    return result.source


def device(ios: tuple[int, int, int] = IOS17, **kwargs: Any) -> Device:
    return Device(ios, kwargs.pop("now", NOW), **kwargs)


def user(installed: dict[str, str] | None = None, builds: dict[str, str] | None = None,
         patron: Patron | None = None) -> User:
    builds = builds or {}
    return User({b: InstalledApp(b, v, builds.get(b)) for b, v in (installed or {}).items()},
                patron)


def first_app(doc: dict[str, Any], client: str = "altstore",
              ios: tuple[int, int, int] = IOS17) -> tuple[App, Source]:
    src = decode(doc, client, ios)
    return src.apps[0], src


def button(doc: dict[str, Any], u: User | None = None, dev: Device | None = None,
           client: str = "altstore") -> d.Button:
    dev = dev or device()
    a, src = first_app(doc, client, dev.ios)
    return d.decide(a, src, u or user(), dev, PROFILES[client]).button


# -- latest versions (behaviour.md 3.2, 4)
# -----------------------------------------------------------------

_TWO = [version(version="2.0", minOSVersion="17.0"), version(version="1.9")]


def test_v36_unsupported_update_is_not_offered_but_the_app_page_says_update() -> None:
    a, src = first_app(one(versions=_TWO), ios=IOS16)
    u, dev = user({"com.a": "1.9"}), device(IOS16)
    assert latest_available(a).version == "2.0"  # type: ignore[union-attr]
    assert latest_supported(a, IOS16).version == "1.9"  # type: ignore[union-attr]
    assert d.available_update(a, src, u, dev, PROFILES["altstore"]) is None
    assert d.decide(a, src, u, dev, PROFILES["altstore"]).button.title == "OPEN"
    assert d.decide(a, src, u, dev, PROFILES["altstore"]).app_page_button.title == "UPDATE"


def test_v37_install_offers_the_last_compatible_version() -> None:
    a, src = first_app(one(versions=_TWO), ios=IOS16)
    attempt = d.decide(a, src, user(), device(IOS16), PROFILES["altstore"]).install
    assert attempt.outcome == "offer"
    assert attempt.title == "Unsupported iOS Version"
    assert attempt.message == ("This device is running iOS 16.4, but App requires iOS 17.0 or "
                               "later.\n\nWould you like to download the last version compatible "
                               "with this device instead?")
    assert attempt.action == "Download App 1.9"
    assert attempt.version is not None
    assert attempt.version.version == "1.9"


def test_v38_no_compatible_version_lists_free_and_fails() -> None:
    a, src = first_app(one(versions=[version(minOSVersion="99")]))
    assert d.decide(a, src, user(), device(), PROFILES["altstore"]).button.title == "FREE"
    assert d.is_visible(a, src, user(), PROFILES["altstore"])
    attempt = d.decide(a, src, user(), device(), PROFILES["altstore"]).install
    assert (attempt.outcome, attempt.message) == (
        "fail", "This device is running iOS 17.0, but App requires iOS 99.0 or later.")


def test_s4_max_os_error_text() -> None:
    a, src = first_app(one(versions=[version(maxOSVersion="16.0")]))
    attempt = d.decide(a, src, user(), device(), PROFILES["altstore"]).install
    assert attempt.message == ("This device is running iOS 17.0, but App requires iOS 16.0 or "
                               "earlier.")


def test_s4_no_offer_when_the_fallback_is_already_installed() -> None:
    a, src = first_app(one(versions=_TWO), ios=IOS16)
    u = user({"com.a": "1.9"})
    dev = device(IOS16)
    # the app page's UPDATE tries versions[0]; the fallback is what is installed: it fails
    assert d.decide(a, src, u, dev, PROFILES["altstore"]).app_page_button.title == "UPDATE"
    page = d.decide(a, src, u, dev, PROFILES["altstore"]).app_page_install
    assert (page.outcome, page.message) == (
        "fail", "This device is running iOS 16.4, but App requires iOS 17.0 or later.")
    # with another version installed, 1.9 is an update: the banner's UPDATE installs it
    other = d.decide(a, src, user({"com.a": "1.0"}), dev, PROFILES["altstore"]).app_page_install
    assert (other.outcome, other.version and other.version.version) == ("install", "1.9")


@pytest.mark.parametrize(("ios", "supported"), [
    pytest.param((17, 0, 1), False, id="v32-max-17-excludes-17.0.1"),
    pytest.param((17, 0, 0), True, id="v32-max-17-includes-17.0"),
])
def test_v32_max_os(ios: tuple[int, int, int], supported: bool) -> None:
    a, _ = first_app(one_max("17"), ios=ios)
    assert (latest_supported(a, ios) is not None) is supported


def one_max(text: str) -> dict[str, Any]:
    return one(versions=[version(maxOSVersion=text)])


# -- updates (behaviour.md 5)
# -------------------------------------------------------------------------------

@pytest.mark.parametrize(("client", "versions", "installed", "build", "update"), [
    pytest.param("altstore", ["1.0", "2.0"], "2.0", None, "1.0", id="v39-downgrade-offered"),
    pytest.param("altstore", ["1.0.0"], "1.0", None, "1.0.0", id="v40-1.0-vs-1.0.0"),
    pytest.param("sidestore", ["1.1.0"], "1.2.0", None, None, id="v42-sidestore-no-downgrade"),
    pytest.param("altstore", ["1.1.0"], "1.2.0", None, "1.1.0", id="v42-altstore-downgrade"),
    pytest.param("sidestore", ["1.1"], "1.2", None, "1.1", id="v44-sidestore-non-semver"),
    pytest.param("altstore", ["1.0"], "1.0", None, None, id="s5.1-same-version-no-update"),
])
def test_update_rules(client: str, versions: list[str], installed: str, build: str | None,
                      update: str | None) -> None:
    doc = one(versions=[version(version=v) for v in versions])
    a, src = first_app(doc, client)
    found = d.available_update(a, src, user({"com.a": installed}), device(), PROFILES[client])
    assert (found.version if found else None) == update


def test_v41_adding_a_build_is_an_update() -> None:
    a, src = first_app(one(versions=[version(version="1.2", buildVersion="5")]))
    assert d.available_update(a, src, user({"com.a": "1.2"}), device(),
                              PROFILES["altstore"]) is not None


@pytest.mark.parametrize(("client", "offered"), [
    pytest.param("altstore", True, id="v43-altstore-build-only-change"),
    pytest.param("sidestore", False, id="v43-sidestore-build-only-change"),
])
def test_v43_build_only_change(client: str, offered: bool) -> None:
    a, src = first_app(one(versions=[version(version="1.2.0", buildVersion="6")]), client)
    u = user({"com.a": "1.2.0"}, {"com.a": "5"})
    assert (d.available_update(a, src, u, device(), PROFILES[client]) is not None) is offered


# -- countdown (behaviour.md 7)
# -----------------------------------------------------------------------------

@pytest.mark.parametrize(("ahead", "title"), [
    pytest.param(timedelta(minutes=30), "29:59", id="v47-30-minutes"),
    pytest.param(timedelta(hours=30), "29:59:59", id="v47-30-hours"),
    pytest.param(timedelta(days=5), "5 DAYS", id="v47-5-days"),
])
def test_v47_countdown(ahead: timedelta, title: str) -> None:
    when = (NOW + ahead).strftime("%Y-%m-%dT%H:%M:%SZ")
    found = button(one(versions=[version(date=when)]))
    assert (found.title, found.enabled) == (title, False)


def test_v48_installed_gets_a_future_update_at_once() -> None:
    when = (NOW + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ")
    doc = one(versions=[version(version="1.1", date=when), version(version="1.0")])
    found = button(doc, user({"com.a": "1.0"}))
    assert (found.title, found.enabled) == ("UPDATE", True)


def test_s7_countdown_ends_at_release() -> None:
    found = button(one(versions=[version(date="2024-06-01T12:00:00Z")]))
    assert (found.title, found.enabled) == ("FREE", True)


# -- news (behaviour.md 6.2, 6.3)
# --------------------------------------------------------------------------

def _views(*docs: dict[str, Any]) -> list[store.SourceForUser]:
    return [store.SourceForUser(decode(doc), f"example.com/{i}") for i, doc in enumerate(docs)]


def test_v49_same_date_keeps_json_order() -> None:
    [view] = _views(source(news=[news(identifier="b"), news(identifier="a")]))
    assert [item.identifier for _, item in store.merged_news([view])] == ["b", "a"]


def test_s6_2_merged_across_sources() -> None:
    views = _views(source(news=[news(identifier="old", date="2023-01-01")]),
                   source(news=[news(identifier="new", date="2024-01-01"),
                                news(identifier="tie", date="2023-01-01")]))
    order = [(view.identifier, item.identifier) for view, item in store.merged_news(views)]
    assert order == [("example.com/1", "new"), ("example.com/0", "old"),
                     ("example.com/1", "tie")]


@pytest.mark.parametrize(("item", "opens"), [
    pytest.param(news(url="https://example.com/x", appID="com.a"), "url", id="v50-url-first"),
    pytest.param(news(appID="com.a"), "app", id="s6.3-app"),
    pytest.param(news(appID="com.other"), None, id="v51-unknown-app-id"),
    pytest.param(news(), None, id="s6.3-nothing"),
])
def test_news_tap(item: dict[str, Any], opens: str | None) -> None:
    src = decode(source(news=[item]))
    assert store.news_opens(src.news[0], {a.bundle_id for a in src.apps}) == opens


# -- Patreon (behaviour.md 8)
# -------------------------------------------------------------------------------

def _patreon_app(patreon: dict[str, Any], **root: Any) -> dict[str, Any]:
    return source(apps=[app(patreon=patreon)], **root)


@pytest.mark.parametrize(("patreon", "locale", "ios", "title"), [
    pytest.param({"pledge": 3}, "en_US", IOS17, "$3/mo", id="v57-price"),
    pytest.param({"pledge": "custom"}, "en_US", IOS17, "PLEDGE", id="v58-custom"),
    pytest.param({}, "en_US", IOS17, "PLEDGE", id="v58-empty"),
    pytest.param({"pledge": 4.5, "currency": "EUR"}, "en_US", IOS17, "€4.5/mo", id="v59-euro"),
    pytest.param({"pledge": 4.5, "currency": "EUR"}, "de_DE", IOS17, "4,5\u00a0€/mo",
                 id="v59-euro-de"),
    pytest.param({"pledge": 3}, "en_US", (14, 8, 0), "PLEDGE", id="s8.3-price-needs-ios-15"),
])
def test_unpledged_button(patreon: dict[str, Any], locale: str, ios: tuple[int, int, int],
                          title: str) -> None:
    doc = _patreon_app(patreon, patreonURL=PATREON_URL)
    found = button(doc, dev=device(ios, locale=locale))
    assert found.title == title
    a, src = first_app(doc)
    assert d.pledge_label(a, src, user(), PROFILES["altstore"]) == "Join Patreon"


@pytest.mark.parametrize(("patreon", "patron", "pledged"), [
    pytest.param({"pledge": 3}, Patron(Decimal(5)), True, id="s8.2-amount"),
    pytest.param({"pledge": 10}, Patron(Decimal(5)), False, id="s8.2-amount-too-low"),
    pytest.param({"pledge": 10, "tiers": ["123"]}, Patron(Decimal(5), frozenset({"123"})),
                 True, id="v61-tier-unlocks"),
    pytest.param({"benefit": "b1"}, Patron(Decimal(0), benefit_ids=frozenset({"b1"})), True,
                 id="s8.2-benefit"),
    pytest.param({"tiers": ["9"]}, Patron(Decimal(50)), False, id="s8.2-tiers-only-no-amount"),
    pytest.param({"pledge": "custom"}, Patron(Decimal(0)), True, id="v58-custom-any-patron"),
    pytest.param({}, Patron(Decimal(0)), True, id="v58-empty-any-patron"),
])
def test_matching(patreon: dict[str, Any], patron: Patron, pledged: bool) -> None:
    a, src = first_app(_patreon_app(patreon, patreonURL=PATREON_URL))
    u = user(patron=patron)
    assert d.is_pledged(a, src, u, PROFILES["altstore"]) is pledged
    assert button(_patreon_app(patreon, patreonURL=PATREON_URL), u).title == (
        "INSTALL" if pledged else button(_patreon_app(patreon, patreonURL=PATREON_URL)).title)


def test_v60_hidden_unpledged() -> None:
    doc = source(apps=[app(patreon={"hidden": True}), app(bundleIdentifier="com.b")],
                 patreonURL=PATREON_URL)
    src = decode(doc)
    visible = [a.bundle_id for a in src.apps if d.is_visible(a, src, user(), PROFILES["altstore"])]
    assert visible == ["com.b"]
    patron = user(patron=Patron(Decimal(1)))
    assert all(d.is_visible(a, src, patron, PROFILES["altstore"]) for a in src.apps)


def test_v62_no_patreon_url_never_unlocks() -> None:
    a, src = first_app(_patreon_app({"pledge": 1}))
    u = user(patron=Patron(Decimal(100)))
    assert not d.is_pledged(a, src, u, PROFILES["altstore"])
    attempt = d.decide(a, src, u, device(), PROFILES["altstore"]).install
    assert (attempt.outcome, attempt.message) == (
        "fail", "App requires an active pledge in order to be installed.")


def test_s8_3_labels_and_no_updates_unpledged() -> None:
    doc = _patreon_app({"pledge": 3}, patreonURL=PATREON_URL)
    a, src = first_app(doc)
    installed = user({"com.a": "0.9"})
    assert d.pledge_label(a, src, installed, PROFILES["altstore"]) == "Pledge Expired"
    assert d.available_update(a, src, installed, device(), PROFILES["altstore"]) is None
    pledged = user({"com.a": "0.9"}, patron=Patron(Decimal(3)))
    assert d.pledge_label(a, src, pledged, PROFILES["altstore"]) == "Pledged"
    assert d.available_update(a, src, pledged, device(), PROFILES["altstore"]) is not None


def test_v72_sidestore_ignores_patreon() -> None:
    doc = _patreon_app({"hidden": True, "pledge": 5})
    a, src = first_app(doc, "sidestore")
    assert d.is_visible(a, src, user(), PROFILES["sidestore"])
    assert button(doc, client="sidestore").title == "FREE"
    assert d.pledge_label(a, src, user(), PROFILES["sidestore"]) is None


# -- visibility, badges, screens (behaviour.md 10, 11)
# -----------------------------------------------------

def test_v65_beta_per_client() -> None:
    doc = one(beta=True)
    a, src = first_app(doc)
    assert d.shows_beta_badge(a, PROFILES["altstore"], IOS17)
    assert not d.shows_beta_badge(first_app(doc, "sidestore")[0], PROFILES["sidestore"], IOS17)
    legacy = one(beta=True, versions=None, version="1.0", versionDate="2023-01-01",
                 downloadURL="https://example.com/a.ipa", size=100)
    assert d.shows_beta_badge(first_app(legacy, "sidestore")[0], PROFILES["sidestore"], IOS17)
    old = decode(dict(doc, identifier="com.x"), "altstore-1.7")
    assert not d.is_visible(old.apps[0], old, user(), PROFILES["altstore-1.7"])
    assert d.is_visible(old.apps[0], old, user(patron=Patron()), PROFILES["altstore-1.7"])


def test_v69_altstore_itself_is_hidden() -> None:
    a, src = first_app(one(bundleIdentifier="com.rileytestut.AltStore"))
    assert not d.is_visible(a, src, user(), PROFILES["altstore"])


def _view(doc: dict[str, Any], u: User | None = None) -> store.SourceForUser:
    src = decode(doc)
    u = u or user()
    return store.SourceForUser(src, "example.com/apps.json", "https://example.com/apps.json",
                            {a.bundle_id for a in src.apps
                             if d.is_visible(a, src, u, PROFILES["altstore"])})


def _apps(count: int, **first: Any) -> list[dict[str, Any]]:
    return [app(bundleIdentifier=f"com.a{i}", name=f"App {i}", **(first if i == 1 else {}))
            for i in range(1, count + 1)]


@pytest.mark.parametrize(("featured", "expected"), [
    pytest.param([], [], id="v08-featured-empty"),
    pytest.param(None, ["com.a2", "com.a3", "com.a4", "com.a5"], id="v09-hidden-not-backfilled"),
    pytest.param(["com.unknown", "com.a3"], ["com.a3"], id="v10-unknown-dropped"),
])
def test_about_featured(featured: list[str] | None, expected: list[str]) -> None:
    root: dict[str, Any] = {"patreonURL": PATREON_URL}
    if featured is not None:
        root["featuredApps"] = featured
    view = _view(source(apps=_apps(7, patreon={"hidden": True}), **root))
    assert [a.bundle_id for a in store.about_featured(view)] == expected


def test_s10_5_sources_row() -> None:
    view = _view(source(apps=[app(versions=[version(date="2024-01-02")])],
                        news=[news(date="2024-03-01")]))
    assert store.source_subtitle(view) == "example.com/apps.json"
    assert store.last_updated(view.source) == datetime(2024, 3, 1, tzinfo=UTC)
    assert store.last_updated(decode({"name": "Empty"})) is None


def test_s10_3_recently_updated_and_categories() -> None:
    apps = [app(bundleIdentifier="com.old", name="Old", category="games",
                versions=[version(date="2023-01-01")]),
            app(bundleIdentifier="com.new", name="New", category="Productivity",
                versions=[version(date="2024-01-01")]),
            app(bundleIdentifier="com.none", name="None", versions=[version(minOSVersion="99")])]
    view = _view(source(apps=apps))
    order = [a.bundle_id for _, a in store.recently_updated([view], IOS17)]
    assert order == ["com.new", "com.old", "com.none"]  # v82: no supported version sorts last
    assert store.category_tiles(view.visible_apps()) == ["games", "other"]


@pytest.mark.parametrize(("family", "expected"), [
    pytest.param("iphone", [("iphone", True), ("iphone", False)], id="v22-iphone"),
    pytest.param("ipad", [("ipad", False)], id="s2.3-ipad-own"),
])
def test_screenshots_for_device(family: str, expected: list[tuple[str, bool]]) -> None:
    doc = one(screenshots={"iphone": ["https://example.com/1.png",
                                      {"imageURL": "https://example.com/2.png", "width": 1200,
                                       "height": 900}],
                           "ipad": [{"imageURL": "https://example.com/3.png", "width": 2048,
                                     "height": 2732}]})
    a, _ = first_app(doc)
    shown = store.screenshots_for(a, family)
    assert [(s.screenshot.device, s.rounded) for s in shown] == expected


def test_s2_3_no_own_screenshots_shows_all() -> None:
    a, _ = first_app(one(screenshots=["https://example.com/1.png"]))
    assert len(store.screenshots_for(a, "ipad")) == 1


# -- properties ---------------------------------------------------------------------------------

_os = st.sampled_from([None, "14.0", "15.0", "16.4", "17", "17.0.1", "abc", ""])
_versions = st.lists(st.tuples(st.sampled_from(["1.0", "1.1", "2.0", "1.0.0"]), _os, _os),
                     min_size=1, max_size=5, unique_by=lambda t: t[0])
_ios = st.sampled_from([(14, 8, 1), (15, 0, 0), (16, 4, 0), (17, 0, 0), (17, 0, 1)])


def _doc(rows: list[tuple[str, str | None, str | None]], date: str = "2023-02-17"
         ) -> dict[str, Any]:
    versions = []
    for number, low, high in rows:
        extra = {k: v for k, v in (("minOSVersion", low), ("maxOSVersion", high)) if v is not None}
        versions.append(version(version=number, date=date, **extra))
    return one(versions=versions)


def _os(text: str | None) -> tuple[int, ...] | None:
    """behaviour.md 3.2 written out for the samples above: leading digits per component, missing
    = 0."""
    if text is None:
        return None
    parts = [int(p) if p.isdigit() else 0 for p in text.split(".")[:3]]
    return tuple(parts + [0] * (3 - len(parts)))


@given(_versions, _ios)
def test_latest_supported_is_the_first_supported(rows: list[Any], ios: tuple[int, int, int]
                                                 ) -> None:
    a, _ = first_app(_doc(rows), ios=ios)
    first = next((number for number, low, high in rows
                  if (_os(low) is None or ios >= _os(low))  # type: ignore[operator]
                  and (_os(high) is None or ios <= _os(high))), None)  # type: ignore[operator]
    found = latest_supported(a, ios)
    assert (found.version if found else None) == first


@given(_versions, _ios, st.integers(min_value=1, max_value=400_000))
def test_button_never_enabled_during_countdown(rows: list[Any], ios: tuple[int, int, int],
                                               minutes: int) -> None:
    when = (NOW + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")
    a, src = first_app(_doc(rows, when), ios=ios)
    found = d.decide(a, src, user(), device(ios), PROFILES["altstore"]).button
    if latest_supported(a, ios) is not None:
        assert not found.enabled
        assert found.countdown_to is not None
    else:
        assert found.enabled
        assert found.title == "FREE"


@pytest.mark.parametrize(("sort", "expected"), [
    pytest.param("default", ["com.b", "com.a", "com.c"], id="s10.4-json-order"),
    pytest.param("name", ["com.a", "com.b", "com.c"], id="s10.4-name"),
    pytest.param("developer", ["com.c", "com.b", "com.a"], id="s10.4-developer"),
    pytest.param("updated", ["com.a", "com.b", "com.c"], id="s10.4-last-updated"),
])
def test_browse_sorts(sort: str, expected: list[str]) -> None:
    apps = [app(bundleIdentifier="com.b", name="B", developerName="Y",
                versions=[version(date="2023-01-01")]),
            app(bundleIdentifier="com.a", name="A", developerName="Z",
                versions=[version(date="2024-01-01")]),
            app(bundleIdentifier="com.c", name="C", developerName="X",
                versions=[version(minOSVersion="99")])]
    view = _view(source(apps=apps))
    assert [a.bundle_id for _, a in store.browse_order([view], IOS17, sort)] == expected


def test_v36_unsupported_updates_line() -> None:
    from altsim.core.latest import unsupported_update

    a, _ = first_app(one(versions=_TWO), ios=IOS16)
    assert unsupported_update(a, InstalledApp("com.a", "1.9"), IOS16) == (
        "App 2.0 (iOS 17.0 or later)")
    assert unsupported_update(a, InstalledApp("com.a", "1.9"), IOS17) is None
