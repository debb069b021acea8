"""Text the client builds from source values: pledge price, countdown, relative date, byte size.

Each function reproduces one Foundation formatter call of AltStore 2.0rc with Babel's CLDR data.
Pure: stdlib and Babel only. Locale ids are Apple-style (`en_US`, `de_DE`, `ja_JP`); an
unknown locale or time zone raises ValueError with a message fit for a usage error.
"""

from __future__ import annotations

import decimal
import functools
import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import DateTimePattern, get_date_format
from babel.numbers import NumberPattern, format_decimal, parse_pattern
from babel.units import format_unit

__all__ = ["byte_count", "countdown_title", "narrow_currency_symbol", "parse_locale",
           "pledge_price", "relative_date", "zone"]


# -- locale and time zone ---------------------------------------------------------------------

# Cached: every value shown asks again for the device's one locale and zone. Locale and ZoneInfo
# are never changed once made, and a run names a handful of ids (errors are not cached).
@functools.lru_cache(maxsize=64)
def parse_locale(identifier: str) -> Locale:
    """Apple-style locale id (`en_US`; `en-US` accepted too) -> Babel Locale, or ValueError.

    Like Foundation, a known language with an odd region falls back (Babel: `en_ZZ` -> `en_US`).
    """
    try:
        return Locale.parse(identifier.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError) as error:
        raise ValueError(f"unknown locale {identifier!r} (expected an id such as en_US, de_DE, "
                         f"ja_JP)") from error


@functools.lru_cache(maxsize=64)
def zone(time_zone: str) -> ZoneInfo:
    """IANA time zone name -> ZoneInfo, or ValueError."""
    try:
        return ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown time zone {time_zone!r} (expected an IANA name such as UTC, "
                         f"Europe/Berlin, America/Chicago)") from error


def _aware(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    return value


# -- behaviour.md 8.3 pledge price: AppBannerView.swift (2.0rc)
# ---------------------------------------------
#
#   let price = amount.formatted(.currency(code: currencyCode)
#                                .presentation(.narrow).precision(.fractionLength(0...2)))
#   let buttonTitle = String(format: NSLocalizedString("%@/mo", comment: ""), price)
#
# `amount` is the Decimal `pledgeAmount`; no locale is set, so the style uses the device locale.
# Foundation hands this to ICU's number skeleton `currency/XXX unit-width-narrow .##`:
# * the locale's standard currency pattern (en "¤#,##0.00", de/fr "#,##0.00 ¤"), grouping kept;
# * fraction digits 0...2, overriding the currency's own digits (JPY 500.5 -> ￥500.5);
# * rounding half-even (ICU's and FormatStyle's default): 10.999 -> 11, 4.505 -> 4.5;
# * the NARROW symbol: ICU ucurr_getName(UCURR_NARROW_SYMBOL_NAME) looks the narrow symbol up
#   through the whole locale chain down to root and only then falls back to the locale's regular
#   symbol (node deps/icu-small/source/common/ucurr.cpp). Babel ships no narrow symbols, so the
#   CLDR data is copied below: root's narrow symbols plus the few locale overrides known to differ;
# * ICU currency spacing: a symbol that does not end (or start) with a symbol character gets a
#   no-break space next to the digits: CHF 3 -> "CHF 3" in en_US.
# Results: en_US "$3/mo", "€4.5/mo"; de_DE "3 $/mo", "4,5 €/mo"; ja_JP "￥500/mo" (ja.xml's own
# narrow JPY symbol is the full-width U+FFE5, so Japanese devices show ￥ not ¥); en_GB "$3/mo";
# fr_FR "4,5 €/mo" (U+00A0 before €).

# CLDR common/main/root.xml <currencies>, every <symbol alt="narrow">.
_ROOT_NARROW = {
    "AOA": "Kz", "ARS": "$", "AUD": "$", "BAM": "KM", "BBD": "$", "BDT": "৳", "BMD": "$",
    "BND": "$", "BOB": "Bs", "BRL": "R$", "BSD": "$", "BWP": "P", "BYR": "р.", "BZD": "$",
    "CAD": "$", "CLP": "$", "CNY": "¥", "COP": "$", "CRC": "₡", "CUC": "$", "CUP": "$",
    "CZK": "Kč", "DKK": "kr", "DOP": "$", "EGP": "E£", "ESP": "₧", "EUR": "€", "FJD": "$",
    "FKP": "£", "GBP": "£", "GEL": "₾", "GIP": "£", "GNF": "FG", "GTQ": "Q", "GYD": "$",
    "HKD": "$", "HNL": "L", "HRK": "kn", "HUF": "Ft", "IDR": "Rp", "ILS": "₪", "INR": "₹",
    "ISK": "kr", "JMD": "$", "JPY": "¥", "KHR": "៛", "KMF": "CF", "KPW": "₩", "KRW": "₩",
    "KYD": "$", "KZT": "₸", "LAK": "₭", "LBP": "L£", "LKR": "Rs", "LRD": "$", "LTL": "Lt",
    "LVL": "Ls", "MGA": "Ar", "MMK": "K", "MNT": "₮", "MUR": "Rs", "MXN": "$", "MYR": "RM",
    "NAD": "$", "NGN": "₦", "NIO": "C$", "NOK": "kr", "NPR": "Rs", "NZD": "$", "PHP": "₱",
    "PKR": "Rs", "PLN": "zł", "PYG": "₲", "RON": "lei", "RUB": "₽", "RUR": "р.", "RWF": "RF",
    "SBD": "$", "SEK": "kr", "SGD": "$", "SHP": "£", "SRD": "$", "SSP": "£", "STD": "Db",
    "SYP": "£", "THB": "฿", "TOP": "T$", "TRY": "₺", "TTD": "$", "TWD": "$", "UAH": "₴",
    "USD": "$", "UYU": "$", "VEF": "Bs", "VND": "₫", "XCD": "$", "ZAR": "R", "ZMW": "ZK",
}

# Locale files whose narrow symbol differs from root's (checked: ja.xml JPY is U+FFE5).
_LOCALE_NARROW = {
    "ja": {"JPY": "\uffe5"},
}


def narrow_currency_symbol(currency: str, locale: Locale) -> str:
    """The narrow symbol ICU picks: locale chain, then root, then the locale's regular symbol."""
    code = currency.upper()
    for name in _locale_chain(locale):
        if code in _LOCALE_NARROW.get(name, {}):
            return _LOCALE_NARROW[name][code]
    if code in _ROOT_NARROW:
        return _ROOT_NARROW[code]
    return str(locale.currency_symbols.get(code, code))


def _locale_chain(locale: Locale) -> list[str]:
    parts = [locale.language, locale.script, locale.territory, locale.variant]
    names = ["_".join(p for p in parts[:n] if p) for n in range(len(parts), 0, -1)]
    return list(dict.fromkeys(n for n in names if n))


_CURRENCY_CODE = re.compile(r"[A-Z]{3}")


def pledge_price(amount: Decimal, currency: str, locale: str) -> str:
    """`<price>/mo` on an unpledged Patreon app's install button (behaviour.md 8.3, vectors
    57/59)."""
    loc = parse_locale(locale)
    code = currency.upper()  # ICU upper-cases the code for its look-ups
    if not _CURRENCY_CODE.fullmatch(code):
        # GUESS: ICU rejects a code that is not 3 letters and Foundation's format style then
        # falls back to the number's description. Unverified on device.
        return f"{_plain_decimal(amount)}/mo"
    return f"{_format_currency(amount, code, loc)}/mo"


def _format_currency(amount: Decimal, code: str, loc: Locale) -> str:
    standard = loc.currency_formats["standard"]
    symbol = narrow_currency_symbol(code, loc)
    prefix = tuple(_space_after_symbol(p, symbol) for p in standard.prefix)
    suffix = tuple(_space_before_symbol(s, symbol) for s in standard.suffix)
    pattern = NumberPattern(standard.pattern, (prefix[0], prefix[1]), (suffix[0], suffix[1]),
                            standard.grouping, standard.int_prec, (0, 2), standard.exp_prec,
                            standard.exp_plus, standard.number_pattern)
    with decimal.localcontext() as context:
        context.rounding = decimal.ROUND_HALF_EVEN
        context.prec = max(28, amount.adjusted() + 8) if amount.is_finite() else 28
        # currency=None keeps "¤" in the output; it is replaced by the narrow symbol below
        text: str = pattern.apply(amount, loc, currency=None, currency_digits=False,
                                  numbering_system="default")
    return text.replace("¤", symbol)


def _is_symbol_char(char: str) -> bool:
    return unicodedata.category(char)[0] in "SZ"  # ICU currencyMatch [[:^S:]&[:^Z:]] negated


def _space_after_symbol(prefix: str, symbol: str) -> str:
    # CLDR currencySpacing/afterCurrency: "¤" directly before the digits, symbol ends in a
    # non-symbol character -> insert U+00A0
    if prefix.endswith("¤") and symbol and not _is_symbol_char(symbol[-1]):
        return prefix + "\u00a0"
    return prefix


def _space_before_symbol(suffix: str, symbol: str) -> str:
    if suffix.startswith("¤") and symbol and not _is_symbol_char(symbol[0]):
        return "\u00a0" + suffix
    return suffix


def _plain_decimal(amount: Decimal) -> str:
    if not amount.is_finite():
        return str(amount)
    text = f"{amount:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# -- behaviour.md 7 countdown: PillButton.swift updateCountdown()
# -----------------------------------------
#
#   let interval = endDate.timeIntervalSince(Date())     // re-evaluated by a CADisplayLink, 15 fps
#   guard interval > 0 else { enable; return }
#   < 1 h : DateComponentsFormatter positional, [.minute, .second], zeroFormattingBehavior .pad
#   < 48 h: same with [.hour, .minute, .second]
#   else  : String(format: "%@ DAYS", NSNumber(numberOfCalendarDays)) -- always "DAYS", English
#           only (no localisation ships), numberOfCalendarDays = whole days between the two
#           startOfDay()s in Calendar.current (device time zone).
#
# Why now+30 min shows 29:59 (vector 47): the title is only ever computed by a display-link tick,
# which runs strictly after the moment `now` at which the date was compared, and
# DateComponentsFormatter truncates the sub-second remainder. So the shown value is the remaining
# time minus an instant, floored to whole seconds: 1800 s -> 1799 s -> "29:59"; 30 h -> "29:59:59".
# The branch tests use the same (remaining - instant), so exactly 1 h shows "59:59" and exactly
# 48 h "47:59:59".
# Padding (UNVERIFIED on device): positional .pad pads the minutes of "mm:ss" to two digits
# ("05:07", "00:05") while the hours of "h:mm:ss" stay unpadded ("1:00:00"), as in Apple's docs.
# The separator is ":" as in every locale AltStore is translated to (it ships English only).

_HOUR = 3600
_TWO_DAYS = 48 * _HOUR


def countdown_title(now: datetime, release: datetime, time_zone: str) -> str | None:
    """The disabled install button's title for a not-yet-released app, or None once released."""
    tz = zone(time_zone)
    remaining = _aware(release, "release") - _aware(now, "now")
    micros = (remaining.days * 86_400 + remaining.seconds) * 1_000_000 + remaining.microseconds
    if micros <= 0:
        return None
    seconds = (micros - 1) // 1_000_000  # floor(remaining - an instant)
    if seconds < _HOUR:
        return f"{seconds // 60:02d}:{seconds % 60:02d}"
    if seconds < _TWO_DAYS:
        return f"{seconds // _HOUR}:{seconds % _HOUR // 60:02d}:{seconds % 60:02d}"
    days = (release.astimezone(tz).date() - now.astimezone(tz).date()).days
    return f"{days} DAYS"


# -- relative dates: Date+RelativeDate.swift:27-47 --------------------------------------------
#
# numberOfCalendarDays(since:) compares Calendar.current.startOfDay of both dates (device time
# zone): 0 -> "Today", 1 -> "Yesterday" (English strings, no translations ship), anything else,
# future dates included -> dateFormatter.string(from: date). The default formatter, and the one
# the app page uses (AppContentViewController.swift), is dateStyle .medium / timeStyle .none;
# one Sources list version passes Date.shortDateFormatter (.short). A date-only source date is
# midnight UTC, so west of UTC `2023-02-17` is shown as Feb 16.

_Style = Literal["medium", "short"]


def relative_date(date: datetime, now: datetime, time_zone: str, locale: str, *,
                  style: _Style = "medium") -> str:
    tz = zone(time_zone)
    parse_locale(locale)  # an unknown locale is an error on "Today" too
    day = _aware(date, "date").astimezone(tz).date()
    days = (_aware(now, "now").astimezone(tz).date() - day).days
    if days == 0:
        return "Today"
    if days == 1:
        return "Yesterday"
    return _date_text(day, style, locale)


@functools.lru_cache(maxsize=4096)  # a source's dates fall on few days; the arguments are immutable
def _date_text(day: date, style: _Style, locale: str) -> str:
    # Babel's format_date, with the pattern looked up once per style and locale
    return _date_format(style, locale).apply(day, parse_locale(locale))


@functools.lru_cache(maxsize=64)  # one immutable pattern per style and locale
def _date_format(style: _Style, locale: str) -> DateTimePattern:
    return get_date_format(style, locale=parse_locale(locale))


# -- byte sizes: ByteCountFormatter() defaults (app page size label) --------------------------
#
# AppContentViewController.swift uses a plain `ByteCountFormatter()`: countStyle .file (decimal,
# 1 KB = 1000 bytes), allowedUnits .useAll, isAdaptive true (0 fraction digits for bytes and KB,
# 1 for MB, 2 for GB and larger, trailing zeros dropped), allowsNonnumericFormatting true
# ("Zero KB" for 0). Best effort, UNVERIFIED on device: rounding half-even; a value that rounds
# up to 1000 of a unit moves to the next unit (999_999 -> "1 MB"); unit abbreviations are Apple's
# English ones ("KB", not CLDR's "kB") except French ("Ko"); the zero text is translated only
# for en/de/fr; numbers use the locale's digits and separators.

_UNITS = ("KB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB")
_UNITS_FR = ("Ko", "Mo", "Go", "To", "Po", "Eo", "Zo", "Yo")
_ZERO = {"en": "Zero KB", "de": "Null KB", "fr": "Zéro Ko"}
_DIGITS = (0, 1, 2, 2, 2, 2, 2, 2)  # per unit in _UNITS
# "#,##0", "#,##0.#", "#,##0.##": parsed once, not per size
_PATTERNS = {d: parse_pattern("#,##0" + ("." + "#" * d if d else "")) for d in set(_DIGITS)}


def byte_count(size: int, locale: str) -> str:
    loc = parse_locale(locale)
    if size == 0:
        return _ZERO.get(loc.language, f"{format_decimal(0, locale=loc)} KB")
    magnitude = abs(size)
    if magnitude < 1000:
        return format_unit(size, "digital-byte", length="long", locale=loc)
    units = _UNITS_FR if loc.language == "fr" else _UNITS
    index = 0
    while index + 1 < len(units) and magnitude >= 1000 ** (index + 2):
        index += 1
    value = _rounded(Decimal(size) / Decimal(1000 ** (index + 1)), _DIGITS[index])
    if abs(value) >= 1000 and index + 1 < len(units):
        index += 1
        value = _rounded(Decimal(size) / Decimal(1000 ** (index + 1)), _DIGITS[index])
    return f"{_decimal_text(value, _DIGITS[index], locale)} {units[index]}"


# Rounded sizes repeat (a tenth of a MB): cached. Decimal is immutable, and every value has
# `digits` decimals, so equal keys are the same number written alike.
@functools.lru_cache(maxsize=4096)
def _decimal_text(value: Decimal, digits: int, locale: str) -> str:
    return format_decimal(value, format=_PATTERNS[digits], locale=parse_locale(locale))


_WIDE = decimal.Context(prec=60)  # given to quantize: cheaper than a local context per size


def _rounded(value: Decimal, digits: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-digits), rounding=decimal.ROUND_HALF_EVEN,
                          context=_WIDE)
