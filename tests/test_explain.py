"""The reasons behind each decision (core/explain.py): data naming the rule and the fields."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from altsim.core import decisions as d
from altsim.core.check import client_verdict
from altsim.core.device import Device, InstalledApp, Patron, User
from altsim.core.explain import (
    Explanation,
    Reason,
    explain_app,
    explanation_json,
    locate_reasons,
    reason_lines,
)
from altsim.core.profiles import PROFILES
from altsim.core.update_rules import compare_for_update, update_offered

from .builders import app, one, source, version

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
PATREON_URL = "https://www.patreon.com/example"


def explain(doc: dict[str, Any], *, client: str = "altstore",
            ios: tuple[int, int, int] = (14, 8, 0), user: User | None = None,
            text: bool = True) -> Explanation:
    raw = json.dumps(doc, indent=1)
    profile = PROFILES[client]
    result = client_verdict(raw.encode(), profile, ios)
    assert result.source is not None, result.rejection
    explanation = explain_app(result.source.apps[0], result.source, user or User(),
                              Device(ios, NOW), profile)
    return locate_reasons([explanation], raw)[0] if text else explanation


def reasons(explanation: Explanation, topic: str) -> list[Reason]:
    return [r for r in explanation.reasons if r.topic == topic]


def test_a_version_excluded_by_min_os_names_its_pointer_and_line_column():
    doc = one(versions=[version(version="2.0", minOSVersion="15.0"),
                        version(version="1.0", minOSVersion="13.0")])
    explanation = explain(doc)
    (skipped,) = reasons(explanation, "skipped")
    assert skipped.outcome == "excluded"
    assert skipped.rule == "A:AltStoreCore/Model/AppVersion.swift:159-170"
    limit = skipped.evidence[1]
    assert (limit.name, limit.value, limit.pointer) == (
        "minOSVersion", "15.0", "/apps/0/versions/0/minOSVersion")
    raw_lines = json.dumps(doc, indent=1).splitlines()
    assert limit.line is not None
    assert limit.column is not None
    assert raw_lines[limit.line - 1][limit.column - 1:].startswith('"15.0"')
    assert "at /apps/0/versions/0/minOSVersion line" in "\n".join(reason_lines(skipped))
    (latest,) = reasons(explanation, "latest")
    assert latest.outcome == "found"
    assert latest.evidence[0].value == "1.0"
    assert "minOSVersion 13.0" in latest.text


def test_without_the_text_pointers_have_no_line():
    explanation = explain(one(versions=[version(minOSVersion="15.0")]), text=False)
    (skipped,) = reasons(explanation, "skipped")
    assert skipped.evidence[1].line is None
    assert reasons(explanation, "latest")[0].outcome == "none"


def test_max_os_version_excludes_a_newer_device():
    explanation = explain(one(versions=[version(version="2.0", maxOSVersion="16.0"),
                                        version(version="1.0")]), ios=(17, 0, 0))
    (skipped,) = reasons(explanation, "skipped")
    assert skipped.evidence[1].name == "maxOSVersion"
    assert "above its maxOSVersion 16.0" in skipped.text


def test_altstore_offers_1_9_over_1_10_because_the_strings_differ():
    user = User({"com.a": InstalledApp("com.a", "1.10")})
    explanation = explain(one(versions=[version(version="1.9")]), user=user)
    (update,) = reasons(explanation, "update")
    assert update.outcome == "offered"
    assert update.rule == "A:AltStoreCore/Model/InstalledApp.swift:178-182,331-337"
    assert "'1.10' differs from the latest supported '1.9'" in update.text
    assert [(e.name, e.value) for e in update.evidence] == [
        ("installed version", "1.10"), ("version", "1.9")]


def test_sidestore_does_not_offer_1_9_over_1_10_by_semver():
    user = User({"com.a": InstalledApp("com.a", "1.10.0")})
    explanation = explain(one(versions=[version(version="1.9.0")]), client="sidestore",
                          user=user)
    (update,) = reasons(explanation, "update")
    assert update.outcome == "not-offered"
    assert update.rule.startswith("S:AltStoreCore/Model/InstalledApp.swift:")
    assert "SemVer precedence" in update.text


def test_altstore_does_not_offer_the_same_string():
    user = User({"com.a": InstalledApp("com.a", "1.9")})
    (update,) = reasons(explain(one(versions=[version(version="1.9")]), user=user), "update")
    assert update.outcome == "not-offered"
    assert "matches the latest supported '1.9'" in update.text


def test_the_comparison_is_the_decision():
    for rule in ("string", "semver"):
        for installed, latest in (("1.10", "1.9"), ("1.0.0", "1.0.1"), ("1.2.0", "1.2.0-b.1")):
            comparison = compare_for_update(rule, installed, None, latest, None)
            assert comparison.offered is update_offered(rule, installed, None, latest, None)


def test_a_hidden_app_says_why():
    doc = source(patreonURL=PATREON_URL, apps=[app(patreon={"pledge": 5, "hidden": True})])
    explanation = explain(doc, ios=(17, 0, 0))
    (visibility,) = reasons(explanation, "visibility")
    assert visibility.outcome == "hidden"
    assert visibility.rule == "A:AltStoreCore/Model/StoreApp.swift:15-23,520-527"
    assert "no Patreon account is connected" in visibility.text
    assert visibility.evidence[0].pointer == "/apps/0/patreon/hidden"
    assert visibility.evidence[0].line is not None


def test_pledge_names_the_pledge_and_what_the_user_has():
    doc = source(patreonURL=PATREON_URL,
                 apps=[app(patreon={"pledge": 5, "tiers": ["t1"]})])
    user = User(patron=Patron(Decimal(1), frozenset({"t2"})))
    (button,) = reasons(explain(doc, ios=(14, 8, 0), user=user), "button")
    assert button.outcome == "PLEDGE"
    assert button.rule == "A:AltStore/Components/AppBannerView.swift:170-191,283-310"
    assert "meets none of the amount, tiers or benefit" in button.text
    assert "prices show only from iOS 15 (the device has 14.8)" in button.text
    (priced,) = reasons(explain(doc, ios=(17, 0, 0), user=user), "button")
    assert priced.outcome == "$5/mo"
    named = {e.name: e.value for e in button.evidence}
    assert named["tiers"] == "t1"
    assert named["user's tiers"] == "t2"
    assert named["user's pledge"] == "1"


def test_a_custom_pledge_shows_no_price():
    doc = source(patreonURL=PATREON_URL, apps=[app(patreon={"pledge": "custom"})])
    (button,) = reasons(explain(doc, ios=(17, 0, 0)), "button")
    assert button.outcome == "PLEDGE"
    assert '"custom"' in button.text


def test_a_price_and_a_tier_that_unlocks():
    doc = source(patreonURL=PATREON_URL,
                 apps=[app(patreon={"pledge": 3, "currency": "USD", "tiers": ["t1"]})])
    (button,) = reasons(explain(doc, ios=(17, 0, 0)), "button")
    assert button.outcome == "$3/mo"
    patron = User(patron=Patron(Decimal(1), frozenset({"t1"})))
    (button,) = reasons(explain(doc, ios=(17, 0, 0), user=patron), "button")
    assert button.outcome == "INSTALL"
    assert "the pledge is in one of the app's tiers" in button.text
    assert d.pledge_state(*_first(doc), patron, PROFILES["altstore"]) == "tier"


def _first(doc: dict[str, Any]) -> tuple[Any, Any]:
    result = client_verdict(json.dumps(doc).encode(), PROFILES["altstore"], (17, 0, 0))
    assert result.source is not None
    return result.source.apps[0], result.source


def test_a_countdown_names_the_date():
    doc = one(versions=[version(date="2030-01-01T00:00:00Z")])
    (button,) = reasons(explain(doc, ios=(17, 0, 0)), "button")
    assert button.outcome == "countdown"
    assert "2030-01-01 00:00 UTC" in button.text
    assert button.evidence[0].pointer == "/apps/0/versions/0/date"


def test_unsupported_ios_offers_the_last_compatible_version():
    doc = one(versions=[version(version="2.0", minOSVersion="16.0"),
                        version(version="1.0")])
    (install,) = reasons(explain(doc), "install")
    assert install.outcome == "offer"
    assert "minOSVersion 16.0" in install.text


def test_json_shape():
    (first, *_) = explanation_json(explain(one(versions=[version(minOSVersion="15.0")])))
    assert set(first) == {"topic", "outcome", "rule", "text", "evidence"}
    assert first["topic"] == "visibility"


def test_the_app_page_says_update_for_an_unsupported_versions_0():
    doc = one(versions=[version(version="2.0", minOSVersion="16.0"), version(version="1.0")])
    user = User({"com.a": InstalledApp("com.a", "1.0")})
    buttons = reasons(explain(doc, user=user), "button")
    assert [b.outcome for b in buttons] == ["OPEN", "UPDATE (app page)"]
    assert buttons[1].rule == "A:AltStore/App Detail/AppViewController.swift:390-394,540-547"
