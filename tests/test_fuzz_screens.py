"""Sources the client accepts, with values at every edge it allows, go through every screen
altsim draws (preview, matrix, their text) for any device, clock and user: never a crash."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from altsim.cli.matrix_table import matrix_document
from altsim.cli.matrix_table import render_text as render_matrix
from altsim.cli.preview_page import Loaded, preview_document
from altsim.cli.preview_text import render_text
from altsim.core.check import client_verdict
from altsim.core.device import Device, InstalledApp, Patron, User
from altsim.core.profiles import PROFILES

from .builders import app, news, source, version

_INT16 = st.integers(-(2**15), 2**15 - 1)
_DATE = st.builds(  # every date the client reads, the ends of time included
    "{:04d}-{:02d}-{:02d}{}".format, st.one_of(st.sampled_from([1, 9999]), st.integers(1, 9999)),
    st.integers(1, 12), st.integers(1, 28), st.one_of(st.just(""), st.builds(
        "T{:02d}:{:02d}:{:02d}{}".format, st.integers(0, 23), st.integers(0, 59),
        st.integers(0, 59), st.one_of(st.just("Z"), st.builds(
            "{}{:02d}:{:02d}".format, st.sampled_from("+-"), st.integers(0, 14),
            st.integers(0, 59))))))
_TEXT = st.one_of(st.text(max_size=8), st.sampled_from(["", "1.0", "1.0.0", "v2", "17", "∞"]))
_OS = st.one_of(st.none(), st.sampled_from(["", "0", "14", "17.0", "99.99.99", "-1", "a.b"]),
                st.text(max_size=5))
_COLOUR = st.one_of(st.none(), st.sampled_from(["#FFFFFF", "#000", "#80F54F32", "fed", "#7f7f7f"]))
_PLEDGE = st.one_of(st.integers(-(2**63), 2**63 - 1), st.floats(allow_nan=False,
                    allow_infinity=False), st.just("custom"))

_version = st.builds(
    lambda v, build, date, size, low, high: version(
        version=v, buildVersion=build, date=date, size=size, minOSVersion=low, maxOSVersion=high),
    _TEXT, st.one_of(st.none(), _TEXT), _DATE,
    st.integers(-(2**63), 2**63 - 1), _OS, _OS)
_shot = st.one_of(st.just("https://example.com/s.png"), st.builds(
    lambda w, h: {"imageURL": "https://example.com/s.png", "width": w, "height": h},
    st.one_of(st.none(), _INT16), st.one_of(st.none(), _INT16)))
_app = st.builds(
    lambda versions, tint, beta, shots, pads, patreon, category: app(
        versions=versions, tintColor=tint, beta=beta,
        screenshots={"iphone": shots, "ipad": pads}, patreon=patreon, category=category),
    st.lists(_version, min_size=1, max_size=3), _COLOUR, st.booleans(),
    st.lists(_shot, max_size=2),
    st.lists(st.builds(lambda w, h: {"imageURL": "https://e.com/p.png", "width": w, "height": h},
                       _INT16, _INT16), max_size=1),
    st.one_of(st.none(), st.builds(
        lambda pledge, currency, hidden, tiers: {"pledge": pledge, "currency": currency,
                                                 "hidden": hidden, "tiers": tiers},
        _PLEDGE, st.one_of(st.none(), st.sampled_from(["USD", "EUR", "XXX", "", "usd"])),
        st.booleans(), st.lists(st.sampled_from(["t1", "t2"]), max_size=2))),
    st.one_of(st.none(), st.sampled_from(["games", "Other", "weird"])))
_news = st.builds(lambda i, date, app_id, notify: news(
    identifier=f"n{i}", date=date, appID=app_id, notify=notify, url="https://example.com/n"),
    st.integers(0, 2), _DATE,
    st.one_of(st.none(), st.sampled_from(["com.a0", "com.a1", "com.none"])), st.booleans())

_NOW = st.datetimes(datetime(1971, 1, 1), datetime(2100, 1, 1),  # noqa: DTZ001 (naive bounds,
                    timezones=st.just(UTC))                          # as hypothesis wants them)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(apps=st.lists(_app, min_size=1, max_size=3), items=st.lists(_news, max_size=3),
       profile=st.sampled_from(sorted(PROFILES)), ios=st.sampled_from([(14, 8, 0), (17, 4, 0)]),
       family=st.sampled_from(["iphone", "ipad"]), now=_NOW,
       time_zone=st.sampled_from(["UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago"]),
       locale=st.sampled_from(["en_US", "ja_JP", "ar_EG", "de_DE"]),
       installed=st.sampled_from([None, "1.0", "", "2.0"]),
       pledge=st.one_of(st.none(), st.decimals(allow_nan=False, allow_infinity=False)))
def test_every_screen_draws_what_the_client_accepts(apps, items, profile, ios, family, now,
                                                     time_zone, locale, installed, pledge):
    apps = [{**entry, "bundleIdentifier": f"com.a{i}"} for i, entry in enumerate(apps)]
    raw = json.dumps(source(apps=apps, news=items, tintColor="#111111")).encode()
    chosen = PROFILES[profile]
    result = client_verdict(raw, chosen, ios)
    device = Device(ios, now, family, locale, time_zone)
    user = User({"com.a0": InstalledApp("com.a0", installed)} if installed is not None else {},
                None if pledge is None else Patron(pledge, frozenset({"t1"})))
    document = preview_document([Loaded("s.json", None, None, result)], chosen, device, user)
    render_text(document)
    later = Device(ios, now + timedelta(days=3650), family, locale, time_zone)
    table = matrix_document(raw, "s.json", chosen, [device, later], user, True)
    render_matrix(table)
