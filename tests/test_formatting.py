"""altsim.core.formatting: the texts AltStore builds with Foundation formatters
(behaviour.md 3.1, 7, 8.3)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from altsim.core.formatting import (
    byte_count,
    countdown_title,
    narrow_currency_symbol,
    parse_locale,
    pledge_price,
    relative_date,
)

NBSP = "\u00a0"
NOW = datetime(2024, 3, 21, 15, 0, tzinfo=UTC)


# -- behaviour.md 8.3 pledge price
# --------------------------------------------------------------------------

@pytest.mark.parametrize(("amount", "currency", "locale", "expected"), [
    pytest.param("3", "USD", "en_US", "$3/mo", id="v57-usd-3-en_US"),
    pytest.param("4.5", "EUR", "en_US", "€4.5/mo", id="v59-eur-4.5-en_US"),
    pytest.param("4.5", "EUR", "de_DE", f"4,5{NBSP}€/mo", id="v59-eur-4.5-de_DE"),
    pytest.param("4.5", "EUR", "fr_FR", f"4,5{NBSP}€/mo", id="v59-eur-4.5-fr_FR"),
    pytest.param("4.5", "EUR", "en_GB", "€4.5/mo", id="v59-eur-4.5-en_GB"),
    pytest.param("4.50", "EUR", "en_US", "€4.5/mo", id="s8.3-trailing-zero-dropped"),
    pytest.param("10.999", "USD", "en_US", "$11/mo", id="s8.3-rounds-to-2-digits"),
    pytest.param("2.005", "USD", "en_US", "$2/mo", id="s8.3-half-even"),
    pytest.param("2.015", "USD", "en_US", "$2.02/mo", id="s8.3-half-even-up"),
    pytest.param("0", "USD", "en_US", "$0/mo", id="s8.3-zero"),
    pytest.param("3", "USD", "en_GB", "$3/mo", id="s8.3-usd-narrow-in-en_GB"),
    pytest.param("3", "USD", "de_DE", f"3{NBSP}$/mo", id="s8.3-usd-de_DE"),
    pytest.param("3", "USD", "fr_FR", f"3{NBSP}$/mo", id="s8.3-usd-narrow-in-fr_FR"),
    pytest.param("3", "usd", "en_US", "$3/mo", id="s8.3-code-upper-cased"),
    pytest.param("500", "JPY", "ja_JP", "\uffe5500/mo", id="s8.3-jpy-ja_JP-fullwidth-yen"),
    pytest.param("500", "JPY", "en_US", "¥500/mo", id="s8.3-jpy-en_US"),
    pytest.param("500.5", "JPY", "en_US", "¥500.5/mo", id="s8.3-precision-overrides-currency"),
    pytest.param("1234.5", "GBP", "en_GB", "£1,234.5/mo", id="s8.3-grouping-kept"),
    pytest.param("3", "CHF", "en_US", f"CHF{NBSP}3/mo", id="s8.3-currency-spacing"),
    pytest.param("3", "XYZ", "en_US", f"XYZ{NBSP}3/mo", id="s8.3-unknown-code-shown-as-is"),
])
def test_pledge_price(amount: str, currency: str, locale: str, expected: str) -> None:
    assert pledge_price(Decimal(amount), currency, locale) == expected


@pytest.mark.parametrize("locale", ["xx_YY", "", "not a locale", "zz"])
def test_unknown_locale_is_a_value_error(locale: str) -> None:
    with pytest.raises(ValueError, match="unknown locale"):
        pledge_price(Decimal(3), "USD", locale)


def test_apple_and_bcp47_separators_both_parse() -> None:
    assert str(parse_locale("en-US")) == str(parse_locale("en_US")) == "en_US"


def test_narrow_symbol_falls_back_to_the_regular_symbol() -> None:
    # no narrow symbol anywhere in the chain: ICU uses the locale's regular symbol
    assert narrow_currency_symbol("CHF", parse_locale("de_CH")) == "CHF"
    assert narrow_currency_symbol("USD", parse_locale("en_GB")) == "$"  # regular one is US$


# -- behaviour.md 7 countdown
# ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("remaining", "expected"), [
    pytest.param(timedelta(minutes=30), "29:59", id="v47-30min"),
    pytest.param(timedelta(hours=30), "29:59:59", id="v47-30h"),
    pytest.param(timedelta(days=5), "5 DAYS", id="v47-5days"),
    pytest.param(timedelta(hours=1), "59:59", id="s7-exactly-1h-is-minutes"),
    pytest.param(timedelta(hours=1, seconds=1), "1:00:00", id="s7-hours-unpadded"),
    pytest.param(timedelta(hours=48), "47:59:59", id="s7-exactly-48h-is-hours"),
    pytest.param(timedelta(hours=48, seconds=1), "2 DAYS", id="s7-over-48h-is-days"),
    pytest.param(timedelta(minutes=5, seconds=7, milliseconds=500), "05:07", id="s7-truncated"),
    pytest.param(timedelta(seconds=5), "00:04", id="s7-minutes-padded"),
    pytest.param(timedelta(microseconds=1), "00:00", id="s7-last-instant"),
    pytest.param(timedelta(0), None, id="s7-released-now"),
    pytest.param(timedelta(seconds=-1), None, id="s7-released-before"),
])
def test_countdown_title(remaining: timedelta, expected: str | None) -> None:
    assert countdown_title(NOW, NOW + remaining, "UTC") == expected


@pytest.mark.parametrize(("now", "release", "time_zone", "expected"), [
    # 2.5 days ahead in UTC, but 3 calendar days apart in Tokyo (now 23:30 JST)
    pytest.param(datetime(2024, 3, 1, 14, 30, tzinfo=UTC), datetime(2024, 3, 4, 2, 30, tzinfo=UTC),
                 "Asia/Tokyo", "3 DAYS", id="v47-calendar-days-tokyo"),
    pytest.param(datetime(2024, 3, 1, 14, 30, tzinfo=UTC), datetime(2024, 3, 4, 2, 30, tzinfo=UTC),
                 "UTC", "3 DAYS", id="v47-calendar-days-utc"),
    pytest.param(datetime(2024, 3, 1, 23, 0, tzinfo=UTC), datetime(2024, 3, 4, 1, 0, tzinfo=UTC),
                 "America/Chicago", "2 DAYS", id="v47-calendar-days-chicago"),
    # across the US DST change (Mar 10 2024): calendar days, not 24 h blocks
    pytest.param(datetime(2024, 3, 8, 12, 0, tzinfo=UTC), datetime(2024, 3, 13, 5, 30, tzinfo=UTC),
                 "America/New_York", "5 DAYS", id="v47-calendar-days-across-dst"),
])
def test_countdown_days_are_calendar_days(now: datetime, release: datetime, time_zone: str,
                                          expected: str) -> None:
    assert countdown_title(now, release, time_zone) == expected


def test_countdown_rejects_unknown_zone_and_naive_times() -> None:
    with pytest.raises(ValueError, match="unknown time zone"):
        countdown_title(NOW, NOW + timedelta(days=3), "Mars/Olympus")
    with pytest.raises(ValueError, match="timezone-aware"):
        countdown_title(NOW.replace(tzinfo=None), NOW + timedelta(days=3), "UTC")


_TITLE = re.compile(r"\d{2}:\d{2}|[1-9]\d*:\d{2}:\d{2}|[1-9]\d* DAYS")
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
_moments = st.integers(0, 100 * 366 * 86_400 * 10**6).map(
    lambda micros: _EPOCH + timedelta(microseconds=micros))
_DAY = 86_400 * 10**6  # microseconds
_offsets = st.one_of(st.integers(-_DAY, 10 * _DAY), st.integers(-50 * 366 * _DAY, 50 * 366 * _DAY)
                     ).map(lambda micros: timedelta(microseconds=micros))
_zones = st.sampled_from(["UTC", "America/Chicago", "Asia/Tokyo", "Pacific/Kiritimati",
                          "Pacific/Pago_Pago", "Europe/London", "Australia/Lord_Howe"])


@given(now=_moments, offset=_offsets, time_zone=_zones)
def test_countdown_title_shape(now: datetime, offset: timedelta, time_zone: str) -> None:
    release = now + offset
    title = countdown_title(now, release, time_zone)
    if release <= now:
        assert title is None
    else:
        assert title is not None
        assert _TITLE.fullmatch(title), title
        if title.endswith(" DAYS"):
            assert release - now > timedelta(hours=48)
        else:
            assert release - now <= timedelta(hours=48)


# -- relative dates (behaviour.md 3.1, 7)
# ---------------------------------------------------------------

MIDNIGHT_UTC = datetime(2023, 2, 17, tzinfo=UTC)  # what a date-only "2023-02-17" decodes to


@pytest.mark.parametrize(("now", "time_zone", "locale", "expected"), [
    pytest.param(datetime(2023, 2, 17, 20, tzinfo=UTC), "UTC", "en_US", "Today", id="s7-today"),
    pytest.param(datetime(2023, 2, 18, 9, tzinfo=UTC), "UTC", "en_US", "Yesterday",
                 id="s7-yesterday"),
    pytest.param(datetime(2023, 3, 1, tzinfo=UTC), "UTC", "en_US", "Feb 17, 2023",
                 id="s7-medium-date"),
    pytest.param(datetime(2023, 3, 1, tzinfo=UTC), "America/Chicago", "en_US", "Feb 16, 2023",
                 id="s3.1-date-only-west-of-utc"),
    pytest.param(datetime(2023, 2, 17, 5, tzinfo=UTC), "America/Chicago", "en_US", "Today",
                 id="s3.1-today-is-feb-16-in-chicago"),
    pytest.param(datetime(2023, 2, 10, tzinfo=UTC), "UTC", "en_US", "Feb 17, 2023",
                 id="s7-future-date-is-formatted"),
    pytest.param(datetime(2023, 3, 1, tzinfo=UTC), "UTC", "de_DE", "17.02.2023", id="s7-de_DE"),
    pytest.param(datetime(2023, 3, 1, tzinfo=UTC), "UTC", "ja_JP", "2023/02/17", id="s7-ja_JP"),
    pytest.param(datetime(2023, 2, 17, 1, tzinfo=UTC), "UTC", "de_DE", "Today",
                 id="s7-today-is-english-only"),
])
def test_relative_date(now: datetime, time_zone: str, locale: str, expected: str) -> None:
    assert relative_date(MIDNIGHT_UTC, now, time_zone, locale) == expected


def test_relative_date_short_style() -> None:
    later = datetime(2023, 3, 1, tzinfo=UTC)
    assert relative_date(MIDNIGHT_UTC, later, "UTC", "en_US", style="short") == "2/17/23"


# -- byte counts (app page) ---------------------------------------------------------------------

@pytest.mark.parametrize(("size", "locale", "expected"), [
    pytest.param(0, "en_US", "Zero KB", id="s10.6-zero"),
    pytest.param(1, "en_US", "1 byte", id="s10.6-one-byte"),
    pytest.param(999, "en_US", "999 bytes", id="s10.6-bytes"),
    pytest.param(1000, "en_US", "1 KB", id="s10.6-decimal-kb"),
    pytest.param(5_000_000, "en_US", "5 MB", id="s10.6-5mb"),
    pytest.param(12_345_678, "en_US", "12.3 MB", id="s10.6-mb-one-digit"),
    pytest.param(1_234_567_890, "en_US", "1.23 GB", id="s10.6-gb-two-digits"),
    pytest.param(999_999, "en_US", "1 MB", id="s10.6-rounds-into-next-unit"),
    pytest.param(12_345_678, "de_DE", "12,3 MB", id="s10.6-de_DE"),
    pytest.param(12_345_678, "fr_FR", "12,3 Mo", id="s10.6-fr_FR"),
])
def test_byte_count(size: int, locale: str, expected: str) -> None:
    assert byte_count(size, locale) == expected
