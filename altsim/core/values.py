"""Scalar values as the client reads them: hex colours, dates, OS versions, URLs, integers.

Each function reproduces one parser of the client and says nothing about whether the value
is wise; warnings for maintainers live with the decoder that calls these.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone


def _compiled_when_used(pattern: str, flags: int = 0) -> Callable[[], re.Pattern[str]]:
    """The regex, compiled the first time it is asked for. Most regexes here serve one
    client or an unusual shape that a run may never meet: compiled at import, they cost every
    start 2-3 ms. (The ones every source needs are compiled at import, as usual.)"""
    return functools.cache(functools.partial(re.compile, pattern, flags))


# ---------------------------------------------------------------------------------------------
# Hex colours, as AltStore 2.0rc reads them: AltStoreCore/Extensions/UIColor+Hex.swift:25-42 at
# 5a0f2de7 (SideStore 239fc7c2 has the same file). The string is trimmed of non-alphanumerics,
# then `Scanner(string:).scanInt32(representation: .hexadecimal)` must find hex digits, or the
# initializer returns nil and the decoder throws "Hex code is invalid." (StoreApp.swift:233-238).
# That Swift overlay method (swift stdlib/public/Darwin/Foundation/Scanner.swift, `_scan` with
# `overflowingScanHexadecimal`) starts at Int32.max and keeps the scanned UInt32 only when it
# fits an Int32: eight digits from 0x80000000 up read as 0x7FFFFFFF. The trimmed string's
# character count (3, 6 or 8) picks the layout; 8 is ARGB, alpha first.

_hex_digits = _compiled_when_used(r"[0-9A-Fa-f]*")
_INT32_MAX = 0x7FFFFFFF


def _alphanumeric(char: str) -> bool:
    """In CharacterSet.alphanumerics: Unicode general categories L*, M* and N*."""
    return unicodedata.category(char)[0] in "LMN"


def _trim_non_alphanumerics(text: str) -> str:
    """`trimmingCharacters(in: .alphanumerics.inverted)`, scalar by scalar."""
    start, end = 0, len(text)
    while start < end and not _alphanumeric(text[start]):
        start += 1
    while end > start and not _alphanumeric(text[end - 1]):
        end -= 1
    return text[start:end]


def _character_count(text: str) -> int:
    """Swift's `String.count`: extended grapheme clusters, not code points."""
    import regex  # only for colours off the usual path: at start it would cost 20 ms

    return len(regex.findall(r"\X", text))  # "\r\n" is one, too; regex caches the pattern


@dataclass(frozen=True, slots=True)
class HexColour:
    """A hex colour as the client read it, and how it read it (for the maintainer's warnings)."""

    argb: int  # 0xAARRGGBB
    digits_read: int  # how many characters the scanner read (a prefix may be all it takes)
    length: int  # character count of the trimmed string, which picks the layout
    clamped: bool = False  # the digits were above Int32.max and read as 0x7FFFFFFF


def _hex_run(text: str, start: int) -> str:
    match = _hex_digits().match(text, start)
    return match.group() if match else ""


def parse_hex_colour(text: str) -> HexColour | None:
    """The colour as the client reads it, or None where it throws "Hex code is invalid."."""
    hex_text = _trim_non_alphanumerics(text)
    # NSScanner.scanHexInt32: an optional 0x/0X, then the longest run of hex digits; no digit
    # at all is a failed scan. ("0x" before a non-digit is read as the digit 0: UNVERIFIED.)
    start = 2 if hex_text[:2] in ("0x", "0X") and _hex_run(hex_text, 2) else 0
    digits = _hex_run(hex_text, start)
    if not digits:
        return None
    value = int(digits, 16)
    clamped = value > _INT32_MAX
    if clamped:
        value = _INT32_MAX
    count = _character_count(hex_text)
    if count == 3:
        argb = 0xFF000000 | ((value >> 8) * 17) << 16 | ((value >> 4 & 0xF) * 17) << 8
        argb |= (value & 0xF) * 17
    elif count == 6:
        argb = 0xFF000000 | value
    elif count == 8:
        argb = value  # ARGB: alpha first
    else:
        return None
    return HexColour(argb, start + len(digits), count, clamped)


_PLAIN_COLOUR = re.compile(r"#?([0-9A-Fa-f]{6})")


def parse_plain_colour(text: str) -> int | None:
    """The ARGB of the usual "#RRGGBB" (nothing to warn about), or None: ask parse_hex_colour."""
    match = _PLAIN_COLOUR.fullmatch(text)
    return 0xFF000000 | int(match[1], 16) if match else None


# ---------------------------------------------------------------------------------------------
# Dates — behaviour.md 3.1 (FetchSourceOperation.swift:101-120): ISO8601DateFormatter, first with
# [.withFullDate, .withFullTime, .withTimeZone], then with [.withFullDate] (midnight UTC).

_FULL_DATE_TIME = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})T(\d{1,2}):(\d{1,2}):(\d{1,2})"
    r"(?:(Z)|([+-])(\d{2}):(\d{2})(?::(\d{2}))?)",
    re.ASCII,
)
_FULL_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)


# The two shapes as maintainers usually write them; anything else takes the general path.
_PLAIN_DATE_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:Z|[+-]\d\d:\d\d)", re.ASCII)
_PLAIN_DATE = re.compile(r"\d{4}-\d\d-\d\d", re.ASCII)

# (the date in UTC, only a prefix was read (behaviour.md 3.1, UNVERIFIED), month and day
# zero-padded)
ParsedDate = tuple[datetime, bool, bool]

# behaviour.md 3.1: Foundation's Date has no year limits; Python's datetime stops at years 1 and
# 9999. Dates are kept a day inside those, so that every time zone can still show them.
EARLIEST_DATE = datetime(1, 1, 2, tzinfo=UTC)
LATEST_DATE = datetime(9999, 12, 30, tzinfo=UTC)


def utc_date(value: datetime) -> datetime:
    """The aware `value` in UTC, within EARLIEST_DATE and LATEST_DATE."""
    if 1 < value.year < 9999:
        return value if value.tzinfo is UTC else value.astimezone(UTC)
    try:
        value = value.astimezone(UTC)
    except OverflowError:  # the offset takes it past year 1 or 9999
        return EARLIEST_DATE if value.year == 1 else LATEST_DATE
    return min(max(value, EARLIEST_DATE), LATEST_DATE)


def _date_from(match: re.Match[str]) -> datetime | None:
    year, month, day = int(match[1]), int(match[2]), int(match[3])
    try:
        if match.re is _FULL_DATE:
            return utc_date(datetime(year, month, day, tzinfo=UTC))
        offset = timedelta(0)
        if match[8]:
            sign = -1 if match[8] == "-" else 1
            offset = sign * timedelta(
                hours=int(match[9]), minutes=int(match[10]), seconds=int(match[11] or 0)
            )
        local = datetime(
            year, month, day, int(match[4]), int(match[5]), int(match[6]),
            tzinfo=timezone(offset),
        )
        return utc_date(local)
    except ValueError:  # out-of-range fields: the formatter is not lenient
        return None


def parse_plain_date(text: str) -> datetime | None:
    """The date if the text is exactly one of the two shapes (the usual case), parsed in C."""
    try:
        if len(text) == 20 and text[4::3] == "--T::Z":
            # 2024-05-31T12:00:00Z, the usual shape: with the separators in place, fromisoformat
            # reads exactly the regex's ASCII digits (no regex: this runs per version), in UTC
            date = datetime.fromisoformat(text)
            return date if 1 < date.year < 9999 else utc_date(date)
        if _PLAIN_DATE_TIME.fullmatch(text):
            return utc_date(datetime.fromisoformat(text))
        if _PLAIN_DATE.fullmatch(text):
            return utc_date(datetime.fromisoformat(text).replace(tzinfo=UTC))
    except ValueError:
        pass  # out of range (hour 25): the general path may still read the date prefix
    return None


def parse_source_date(text: str, prefix_parse: bool = True) -> ParsedDate | None:
    """The date as the client reads it, or None for "Date is in invalid format."."""
    plain = parse_plain_date(text)
    if plain is not None:
        return plain, False, True
    for pattern in (_FULL_DATE_TIME, _FULL_DATE):
        match = pattern.match(text) if prefix_parse else pattern.fullmatch(text)
        if match is None:
            continue
        value = _date_from(match)
        if value is None:
            continue
        return value, match.end() != len(text), len(match[2]) == 2 and len(match[3]) == 2
    return None


# ---------------------------------------------------------------------------------------------
# OS versions — behaviour.md 3.2 (ALTDevice.m:17-41): split on ".", NSString.integerValue of the
# first three components, missing ones are 0.

OSVersion = tuple[int, int, int]
_INTEGER_VALUE = re.compile(r"\s*([+-]?[0-9]+)")  # CFScanner reads ASCII digits only
_CLEAN_OS_VERSION = re.compile(r"[0-9]+(?:\.[0-9]+){0,2}")


def _integer_value(component: str) -> int:
    match = _INTEGER_VALUE.match(component)
    return int(match[1]) if match else 0


@functools.lru_cache(maxsize=4096)
def parse_os_version(text: str) -> OSVersion:
    parts = (text.split(".") + ["", ""])[:3]
    return (_integer_value(parts[0]), _integer_value(parts[1]), _integer_value(parts[2]))


def is_clean_os_version(text: str) -> bool:
    return _CLEAN_OS_VERSION.fullmatch(text) is not None


def os_version_string(version: OSVersion) -> str:
    """OperatingSystemVersion.stringValue: "major.minor", ".patch" only when non-zero."""
    major, minor, patch = version
    return f"{major}.{minor}" + (f".{patch}" if patch else "")


def parse_device_version(text: str) -> OSVersion | None:
    """A device iOS version given by the user: strict X.Y[.Z]."""
    if not is_clean_os_version(text):
        return None
    return parse_os_version(text)


# ---------------------------------------------------------------------------------------------
# URLs — behaviour.md 1.2: URL(string:) rejects "" always; before iOS 17 it also rejects characters
# outside RFC 3986 and malformed percent escapes (on iOS 17 they are percent-encoded instead).
# UNVERIFIED: the exact set CFURL accepts for "[" and "]" outside a host; we accept them.

_URL_CHARS = r"A-Za-z0-9\-._~:/?@!$&'()*+,;=\[\]"
_strict_url = _compiled_when_used(  # the stricter reading, before iOS 17
    rf"(?:[{_URL_CHARS}]|%[0-9A-Fa-f]{{2}})*(?:#(?:[{_URL_CHARS}]|%[0-9A-Fa-f]{{2}})*)?"
)


def is_valid_url(text: str, lenient: bool) -> bool:
    if not text:
        return False
    return lenient or _strict_url().fullmatch(text) is not None


# ---------------------------------------------------------------------------------------------
# Integers — Swift's JSONDecoder: a JSON number that is integral and fits the width.

INT_RANGES = {
    "Int16": (-(2**15), 2**15 - 1),
    "Int32": (-(2**31), 2**31 - 1),
    "Int64": (-(2**63), 2**63 - 1),
    "Int": (-(2**63), 2**63 - 1),  # Swift's Int on a 64-bit device
    "UInt": (0, 2**64 - 1),
}


def fits_integer(value: int | float, width: str) -> bool:
    """Integral floats such as 12.0 are taken as 12 (spec vector 81, UNVERIFIED)."""
    if isinstance(value, float):
        if not value.is_integer():
            return False
        value = int(value)
    low, high = INT_RANGES[width]
    return low <= value <= high


# ---------------------------------------------------------------------------------------------
# Third-party clients (behaviour.md 15.4, 16, 17.2).

# A date the client decodes as absent (Feather's `try?` date, LiveContainer's unreadable date):
# the model has no "no date", so it holds a moment after the earliest date altsim keeps (which
# a real, clamped date can be), sorting after every real one; screens show it as no date.
UNDATED = EARLIEST_DATE + timedelta(microseconds=1)


def is_dated(date: datetime) -> bool:
    return date != UNDATED

_ZONE = r"(Z|[+-]\d{2}:?\d{2})"
_YMD = r"(\d{4})-(\d{1,2})-(\d{1,2})"
_HMS = r"(\d{1,2}):(\d{1,2}):(\d{1,2})"
_WEEKDAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH = "(" + "|".join(_MONTHS) + ")"

# Feather's DateParsed, in its order: the two ISO8601DateFormatters ([.withInternetDateTime],
# with and without fractional seconds), then the DateFormatters (en_US_POSIX, UTC):
# `AltSourceKit/Sources/AltSourceKit/Models/ASRepository.swift:574-609` (khcrysalis/Feather @
# 65799dd). Per format: (its name, a regex, the fields it holds in order). DateFormatter reads
# one or two digits for MM, dd, HH, mm, ss and the zones Z, +hhmm and +hh:mm here (UNVERIFIED:
# ICU's exact leniency); RFC 1123's `zzz` is read as GMT, UTC or an offset only (UNVERIFIED).
_ISO_DATE_TIME = r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})"
DATE_PARSED_FORMATS: tuple[tuple[str, str, str], ...] = (
    ("iso8601-fractional", rf"{_ISO_DATE_TIME}\.\d+{_ZONE}", "YmdHMSz"),
    ("iso8601", rf"{_ISO_DATE_TIME}{_ZONE}", "YmdHMSz"),
    ("yyyy-MM-dd'T'HH:mm:ss.SSSZ", rf"{_YMD}T{_HMS}\.\d{{1,3}}{_ZONE}", "YmdHMSz"),
    ("yyyy-MM-dd'T'HH:mm:ssZ", rf"{_YMD}T{_HMS}{_ZONE}", "YmdHMSz"),
    ("yyyy-MM-dd'T'HH:mm:ss", rf"{_YMD}T{_HMS}", "YmdHMS"),
    ("yyyy-MM-dd'T'HH:mm", rf"{_YMD}T(\d{{1,2}}):(\d{{1,2}})", "YmdHM"),
    ("yyyy-MM-dd", _YMD, "Ymd"),
    ("EEE, dd MMM yyyy HH:mm:ss zzz",
     rf"{_WEEKDAY}, (\d{{1,2}}) {_MONTH} (\d{{4}}) {_HMS} (GMT|UTC|[+-]\d{{2}}:?\d{{2}})",
     "dbYHMSz"),
    ("EEE MMM dd HH:mm:ss Z yyyy", rf"{_WEEKDAY} {_MONTH} (\d{{1,2}}) {_HMS} {_ZONE} (\d{{4}})",
     "bdHMSzY"),
    ("yyyy-MM-dd HH:mm:ss", rf"{_YMD} {_HMS}", "YmdHMS"),
)
# Swift's Double(String), for the numeric string DateParsed reads last (Unix seconds).
SWIFT_DOUBLE = (r"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
                r"|0[xX](?:[0-9A-Fa-f]+\.?[0-9A-Fa-f]*|\.[0-9A-Fa-f]+)(?:[pP][+-]?\d+)?"
                r"|[nN][aA][nN]|[iI][nN][fF](?:[iI][nN][iI][tT][yY])?)")
_swift_double = _compiled_when_used(SWIFT_DOUBLE)
_DATE_PARSED = {name: (_compiled_when_used(pattern), fields)
                for name, pattern, fields in DATE_PARSED_FORMATS}
ALL_DATE_PARSED = tuple(name for name, _, _ in DATE_PARSED_FORMATS)


def date_parsed_pattern(formats: tuple[str, ...]) -> str:
    """One regex for the strings DateParsed may read (values within range aside), for a schema."""
    patterns = {name: pattern for name, pattern, _ in DATE_PARSED_FORMATS}
    alternatives = "|".join([*(patterns[name] for name in formats), SWIFT_DOUBLE])
    return rf"^\s*(?:{alternatives})\s*$"


def _zone_offset(text: str) -> timedelta:
    if text in ("Z", "GMT", "UTC"):
        return timedelta(0)
    digits = text[1:].replace(":", "")
    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return -offset if text[0] == "-" else offset


def _date_of(match: re.Match[str], fields: str) -> datetime | None:
    parts = dict(zip(fields, match.groups(), strict=True))
    try:
        month = (_MONTHS.index(parts["b"]) + 1) if "b" in parts else int(parts["m"])
        local = datetime(int(parts["Y"]), month, int(parts["d"]), int(parts.get("H", 0)),
                         int(parts.get("M", 0)), int(parts.get("S", 0)),
                         tzinfo=timezone(_zone_offset(parts.get("z", "Z"))))
    except ValueError:  # out-of-range fields: the formatters are not lenient
        return None
    return utc_date(local)


def unix_date(seconds: float) -> datetime:
    """Date(timeIntervalSince1970:), kept within the dates Python can hold."""
    if seconds != seconds:  # NaN: no date Python can show
        return UNDATED
    try:
        return utc_date(datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds))
    except OverflowError:
        return EARLIEST_DATE if seconds < 0 else LATEST_DATE


def parse_date_parsed(value: str | int | float, formats: tuple[str, ...]) -> datetime | None:
    """Feather's DateParsed (ASRepository.swift:611-661 (khcrysalis/Feather @ 65799dd)): a JSON
    number is Unix seconds; a string, trimmed, is tried against `formats` in order, then read as
    a numeric string; None where the client throws "Failed to decode date from: …"."""
    if type(value) is not str:
        return unix_date(float(value))
    text = value.strip()
    for name in formats:
        pattern, fields = _DATE_PARSED[name]
        match = pattern().fullmatch(text)
        if match is not None:
            date = _date_of(match, fields)
            if date is not None:
                return date
    if _swift_double().fullmatch(text):
        return unix_date(float.fromhex(text) if "x" in text.lower() else float(text))
    return None


_iso_internet = _compiled_when_used(rf"{_ISO_DATE_TIME}{_ZONE}")
_short_date = _compiled_when_used(_YMD)


def parse_livecontainer_date(text: str) -> datetime | None:
    """LiveContainer's parseDate: ISO8601DateFormatter() (no fractional seconds), else
    DateFormatter "yyyy-MM-dd", else nil (`LiveContainerSwiftUI/Views/LCAltStoreSourcesView.swift:
    427-435` (LiveContainer/LiveContainer @ 1a87ea9)). The short form is read in the device's
    time zone; altsim takes UTC."""
    match = _iso_internet().fullmatch(text)
    if match is not None and (date := _date_of(match, "YmdHMSz")) is not None:
        return date
    match = _short_date().fullmatch(text)
    return None if match is None else _date_of(match, "Ymd")


# Colours. Feather: trimmed, every "#" removed, `Scanner.scanHexInt64` reads the leading hex
# digits; 6 characters are RGB, 8 RRGGBBAA, any other length (or no digit) is opaque black and
# never an error (`AltSourceKit/Sources/AltSourceKit/Extensions/Color/Color+Codable.swift:83-110`
# (khcrysalis/Feather @ 65799dd)).
_scan_hex = _compiled_when_used(r"(?:0[xX](?=[0-9A-Fa-f]))?([0-9A-Fa-f]*)")
BLACK = 0xFF000000


def parse_feather_colour(text: str) -> tuple[int, bool]:
    """(0xAARRGGBB, whether the text is a colour rather than black by default)."""
    cleaned = text.strip().replace("#", "")
    match = _scan_hex().match(cleaned)
    digits = match[1] if match else ""
    rgb = int(digits[:16], 16) if digits else 0
    if len(cleaned) == 6:
        return 0xFF000000 | rgb & 0xFFFFFF, len(digits) == 6
    if len(cleaned) == 8:
        return (rgb & 0xFF) << 24 | (rgb >> 8) & 0xFFFFFF, len(digits) == 8
    return BLACK, False


_lc_hex = _compiled_when_used(r"[0-9A-Fa-f]{8}")


def parse_livecontainer_colour(text: str) -> int | None:
    """LiveContainer's Color(hexString:): trimmed, "#" removed, 3 digits doubled, 6 given alpha FF,
    then exactly 8 hex digits RRGGBBAA, else nil (LCAltStoreSourcesView.swift:451-481
    (LiveContainer/LiveContainer @ 1a87ea9))."""
    cleaned = text.strip().replace("#", "")
    if len(cleaned) == 3:
        cleaned = "".join(c * 2 for c in cleaned)
    if len(cleaned) == 6:
        cleaned += "FF"
    if not _lc_hex().fullmatch(cleaned):
        return None
    rgba = int(cleaned, 16)
    return (rgba & 0xFF) << 24 | rgba >> 8


_scheme = _compiled_when_used(r"[A-Za-z][A-Za-z0-9+.\-]*:")


def has_scheme(text: str) -> bool:
    return _scheme().match(text) is not None


def resolve_url(text: str, base: str | None) -> str:
    """`URL(string: text, relativeTo: base)?.absoluteURL` for a text without a scheme; the text
    as it is without a base."""
    if base is None:
        return text
    from urllib.parse import urljoin  # only for relative URLs

    return urljoin(base, text)
