"""The shortcuts that keep `altsim preview` cheap give what the long way gives: the cached
formatting texts are Babel's, and one source's Recently Updated list serves the merged Browse."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Literal

import pytest
from babel.dates import format_date
from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st

from altsim.cli.preview_page import Loaded, preview_document
from altsim.core import formatting, store
from altsim.core.check import client_verdict
from altsim.core.device import Device, User
from altsim.core.formatting import byte_count, parse_locale, relative_date
from altsim.core.profiles import DEFAULT_PROFILE

from .builders import app, source, version

LOCALES = ["en_US", "de_DE", "fr_FR", "ja_JP", "ar_EG", "hi_IN", "de_CH", "en_IN"]


@given(units=st.integers(1, 10**8), digits=st.sampled_from([0, 1, 2]),
       locale=st.sampled_from(LOCALES))
def test_a_cached_size_text_is_babels(units: int, digits: int, locale: str) -> None:
    value = Decimal(units).scaleb(-digits)  # as byte_count rounds: `digits` decimals
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    expected = format_decimal(value, format=pattern, locale=locale)
    assert formatting._decimal_text(value, digits, locale) == expected
    assert formatting._decimal_text(value, digits, locale) == expected  # from the cache


@given(size=st.integers(1000, 10**30), locale=st.sampled_from(LOCALES))
def test_byte_count_asked_twice_says_the_same(size: int, locale: str) -> None:
    assert byte_count(size, locale) == byte_count(size, locale)


@given(day=st.dates(date(1, 1, 1), date(9999, 12, 31)),
       style=st.sampled_from(["medium", "short"]), locale=st.sampled_from(LOCALES))
def test_a_cached_date_text_is_babels(day: date, style: Literal["medium", "short"],
                                      locale: str) -> None:
    expected = format_date(day, format=style, locale=locale)
    assert formatting._date_text(day, style, locale) == expected
    assert formatting._date_text(day, style, locale) == expected  # from the cache


def test_an_unknown_locale_is_refused_every_time() -> None:
    for _ in range(2):  # errors are not cached
        with pytest.raises(ValueError, match="unknown locale"):
            parse_locale("xx_YY")
    with pytest.raises(ValueError, match="unknown locale"):  # even where no date is formatted
        relative_date(datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 1, 1, tzinfo=UTC), "UTC",
                      "xx_YY")


def _loaded(name: str, days: list[int]) -> Loaded:
    apps = [app(bundleIdentifier=f"com.{name}{i}", name=f"{name} {i}",
                versions=[version(date=f"2024-01-{day:02d}")]) for i, day in enumerate(days)]
    raw = json.dumps(source(name=name, apps=apps)).encode()
    return Loaded(f"{name}.json", None, None, client_verdict(raw, DEFAULT_PROFILE, (17, 0, 0)))


@pytest.mark.parametrize("names", [["a"], ["a", "b"]])
def test_the_merged_recently_updated_list(names: list[str]) -> None:
    loaded = [_loaded(name, [3, 17, 9, 28, 1, 12, 5, 22, 14, 30, 7, 19][k::len(names)])
              for k, name in enumerate(names)]
    device = Device((17, 0, 0), datetime(2024, 6, 1, tzinfo=UTC), "iphone", "en_US", "UTC")
    user = User({}, None)
    document = preview_document(loaded, DEFAULT_PROFILE, device, user)
    views = [store.source_for_user(item.result.source, item.input, user, DEFAULT_PROFILE)
             for item in loaded if item.result.source is not None]
    assert document["browse"]["recentlyUpdated"] == [
        {"source": view.identifier, "bundleIdentifier": each.bundle_id}
        for view, each in store.recently_updated(views, device.ios)]
    assert len(document["browse"]["recentlyUpdated"]) == store.RECENTLY_UPDATED


def _floats(value: object) -> list[float]:
    if isinstance(value, float):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    return [f for item in value for f in _floats(item)] if isinstance(value, list) else []


@given(width=st.integers(-(2**15), 2**15 - 1), height=st.integers(-(2**15), 2**15 - 1),
       device=st.sampled_from(["iphone", "ipad"]))
def test_the_page_s_floats_are_plain(width: int, height: int, device: str) -> None:
    """What preview vouches for when msgspec may write its JSON (safe_text.json_dumps):
    every float of the page, a screenshot's aspect whatever its 16-bit sizes, is 0 or of a
    magnitude from 1e-4 to below 1e16."""
    shots = {device: [{"imageURL": "https://e.com/s.png", "width": width, "height": height}]}
    raw = json.dumps(source(apps=[app(screenshots=shots)])).encode()
    loaded = [Loaded("s.json", None, None, client_verdict(raw, DEFAULT_PROFILE, (17, 0, 0)))]
    device_used = Device((17, 0, 0), datetime(2024, 6, 1, tzinfo=UTC), device, "en_US", "UTC")
    floats = _floats(preview_document(loaded, DEFAULT_PROFILE, device_used, User({}, None)))
    assert floats
    assert all(f == 0 or 1e-4 <= abs(f) < 1e16 for f in floats), floats
