"""Source identity: the normalized source URL and the Add Source field (behaviour.md 1.4, 9.5).

The client runs these rules on Foundation's ``URL``/``URLComponents``. We reproduce the
RFC 3986 parser of iOS 17+ (swift-foundation ``URLParser.swift``; ``URL(string:)`` and
``URLComponents(string:)`` both percent-encode invalid characters) rather than use
``urllib.parse``, which differs on exactly the inputs that matter here:

* urllib strips leading/trailing C0 controls and spaces and deletes tab/CR/LF anywhere;
  Foundation keeps them (a leading space makes the URL invalid, a trailing one in the path is
  kept as ``%20``). We keep them.
* urllib accepts ``192.168.1.5:8000/x`` as a path; Foundation reads ``192.168.1.5`` as a scheme,
  finds it invalid and returns nil. We raise ``ValueError``.
* urllib's ``hostname`` strips IPv6 brackets and ``port`` raises outside 0-65535; Foundation
  keeps ``[::1]`` and reads any digits as ``Int`` (nil if it overflows). We follow Foundation.
* urllib's ``unquote`` turns bad UTF-8 into U+FFFD; Foundation's path getter returns ``""`` and
  its host getter nil. We follow Foundation.
* IDNA: Foundation uses ICU UTS #46 (non-transitional, CheckBidi, CheckJoiners). The stdlib has
  no UTS #46 table, so ``_uts46_map`` approximates its mapping with NFKC + lowercase, and label
  validity with Unicode general categories (Python's Unicode version); the Bidi rule is not
  checked. ASCII hosts, the common case, are exact.
* Versions: before iOS 17, ``URL(string:)`` returns nil on any invalid character such as a
  space (AltStore's test with one is ``@available(iOS 17)``), and parsers before
  swift-foundation's end userinfo at the first "@", not the last. We model the current parser.
"""

from __future__ import annotations

import string
import unicodedata
from dataclasses import dataclass

__all__ = ["normalize_source_url", "typed_address_to_url"]

# RFC 3986 character classes, as in swift-foundation URLParser.swift (allowedURLComponents).
_UNRESERVED = string.ascii_letters + string.digits + "-._~"
_SUB_DELIMS = "!$&'()*+,;="
_HEX = frozenset(string.hexdigits)
_SCHEME = frozenset(string.ascii_letters + string.digits + "+-.")
_USERINFO = frozenset(_UNRESERVED + _SUB_DELIMS + ":")  # also the inside of an IP literal
_HOST = frozenset(_UNRESERVED + _SUB_DELIMS)
_ZONE_ID = frozenset(_UNRESERVED)
_PATH = frozenset(_UNRESERVED + _SUB_DELIMS + ":@/")
_PATH_FIRST_SEGMENT = _PATH - {":"}
_QUERY = _PATH | {"?"}  # query and fragment

# Schemes whose invalid hosts Foundation percent-encodes instead of IDNA-encoding.
_PERCENT_ENCODED_HOST_SCHEMES = frozenset({
    "tel", "telemergencycall", "telprompt", "callto", "facetime", "facetime-prompt",
    "facetime-audio", "facetime-audio-prompt", "imap", "pop", "addressbook", "contact", "phasset",
})

_MAX_IDNA_HOST = 2048  # UTF-8 bytes; ICU hook in swift-foundation fails beyond this
_INT_MAX = 2**63 - 1

# UTS #46 "ignored" code points (mapped to nothing), e.g. the emoji variation selector U+FE0F.
_IDNA_IGNORED = frozenset(
    [0x00AD, 0x034F, 0x180B, 0x180C, 0x180D, 0x180F, 0x200B, 0x2060, 0x2064, 0xFEFF]
    + list(range(0xFE00, 0xFE10)) + list(range(0x1BCA0, 0x1BCA4))
    + list(range(0xE0100, 0xE01F0))
)
_IDNA_DISALLOWED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"})
_JOINERS = frozenset("\u200c\u200d")

# user, password, host, port (still text), is the host an IP literal
_Authority = tuple[str | None, str | None, str | None, str | None, bool]


@dataclass(frozen=True)
class _Parts:
    """A parsed URL string: ranges as substrings, still percent-encoded (URLParseInfo)."""

    string: str
    scheme: str | None = None
    user: str | None = None
    password: str | None = None
    host: str | None = None
    port: str | None = None
    path: str = ""
    query: str | None = None
    fragment: str | None = None
    is_ip_literal: bool = False

    @property
    def has_authority(self) -> bool:
        return not (self.user is None and self.password is None and self.host is None
                    and self.port is None)


def normalize_source_url(url: str) -> str:
    """Return the source identifier AltStore 2.0 derives from ``url`` (behaviour.md 1.4).

    Mirrors ``URL.normalized()`` (A:AltStoreCore/Extensions/URL+Normalized.swift:13-59) applied
    to ``URL(string: url)``. Raises ``ValueError`` where ``URL(string:)`` returns nil or
    ``normalized()`` throws, and for an empty host (see below).
    """
    _require_scalars(url)
    # URL(string:) then URLComponents(url:resolvingAgainstBaseURL:) (l.17).
    parts = _parse_url(url)
    if parts is None:
        raise ValueError(f"not a URL Foundation accepts: {_show(url)}")
    # 1. Neither scheme nor host ("altstore.io/my/path"): re-parse as "https://" + absoluteString
    #    (l.19-24).
    if parts.scheme is None and parts.host is None:
        parts = _parse_url("https://" + parts.string)
        if parts is None:
            raise ValueError(f"cannot find the host of {_show(url)}")
    # 2. The decoded host (punycode comes back as Unicode); throws if nil (l.26-27).
    host = _decoded_host(parts)
    if host is None and parts.host is None:
        raise ValueError(f"no host in {_show(url)} (Foundation reads {parts.scheme!r} as its "
                         "scheme)")
    if host is None:
        raise ValueError(f"the host of {_show(url)} does not decode (bad percent-escape, UTF-8 "
                         "or punycode)")
    # Foundation returns "" (not nil) for "https:///apps.json", which would give the identifier
    # "/apps.json"; such a URL can never be fetched, so we refuse it instead.
    if not host:
        raise ValueError(f"the URL has an empty host: {_show(url)}")
    # 3. Drop the scheme (l.29-30).
    identifier = host
    # 4. Port only if given and not 80 or 443 (l.33-36).
    port = _swift_int(parts.port)
    if port is not None and port not in (80, 443):
        identifier += f":{port}"
    # 5. Percent-decoded path, "//" -> "/" in one non-overlapping pass; query and fragment are
    #    dropped (l.38-41). The path getter yields "" when decoding fails.
    identifier += (_percent_decode(parts.path) or "").replace("//", "/")
    # 6. Lowercase everything (l.44).
    identifier = _swift_lowercased(identifier)
    # 7. Remove one trailing "/" (l.47-50).
    if identifier.endswith("/"):
        identifier = identifier[:-1]
    # 8. Remove one leading "www." (l.53-56).
    if identifier.startswith("www."):
        identifier = identifier[4:]
    return identifier


def typed_address_to_url(text: str) -> str:
    """Return the URL the Add Source field makes of a typed address (behaviour.md 9.5).

    ``AddSourceViewController.sourceURL(from:)`` (A:AltStore/Sources/
    AddSourceViewController.swift:416-434): no scheme => ``"https://" + text``; scheme
    ``localhost`` (``localhost:8000/…``) => ``"http://" + text``; otherwise the URL as is.
    The text is not trimmed. Returns Foundation's ``absoluteString`` (invalid characters
    percent-encoded, as on iOS 17+); raises ``ValueError`` where the client gets nil and shows
    no preview.
    """
    _require_scalars(text)
    parts = _parse_url(text)
    if parts is None:
        raise ValueError(f"not a URL Foundation accepts: {_show(text)}")
    if parts.scheme is None:
        candidate = "https://" + text
    elif parts.scheme.lower() == "localhost":
        candidate = "http://" + text
    else:
        return parts.string
    result = _parse_url(candidate)
    if result is None:
        raise ValueError(f"not a URL Foundation accepts: {_show(candidate)}")
    return result.string


# -- helpers -------------------------------------------------------------------------------------

def _require_scalars(text: str) -> None:
    """Swift strings hold Unicode scalars only: a lone surrogate cannot reach the client."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text contains a lone surrogate, which no Swift string can") from None


def _show(text: str, limit: int = 120) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _swift_int(text: str | None) -> int | None:
    """``Int(String)``: optional sign, ASCII digits, nil on overflow."""
    if not text:
        return None
    sign = -1 if text[0] == "-" else 1
    digits = text[1:] if text[0] in "+-" else text
    if not digits or not all("0" <= c <= "9" for c in digits) or len(digits.lstrip("0")) > 19:
        return None
    value = sign * int(digits)
    return value if -_INT_MAX - 1 <= value <= _INT_MAX else None


def _swift_lowercased(text: str) -> str:
    """``String.lowercased()``: each scalar's full lowercase mapping, with no context rule
    (so no final sigma, unlike ``str.lower()``)."""
    return "".join(c.lower() for c in text)


def _is_valid(text: str, allowed: frozenset[str], percent_allowed: bool = True) -> bool:
    """``RFC3986Parser.validate``: ASCII in ``allowed``, "%" only before two hex digits."""
    hex_needed = 0
    for c in text:
        if c == "%" and percent_allowed:
            if hex_needed:
                return False
            hex_needed = 2
        elif c not in allowed:  # every member of ``allowed`` is ASCII
            return False
        elif hex_needed:
            if c not in _HEX:
                return False
            hex_needed -= 1
    return hex_needed == 0


def _percent_encode(text: str, allowed: frozenset[str]) -> str:
    return "".join(chr(b) if chr(b) in allowed else f"%{b:02X}" for b in text.encode("utf-8"))


def _percent_decode(text: str) -> str | None:
    """``removingURLPercentEncoding``: nil on a bad escape or bad UTF-8; the result is read as
    a C string, so it ends at the first decoded NUL."""
    data = bytearray()
    raw = text.encode("utf-8")
    i = 0
    while i < len(raw):
        if raw[i] == 0x25:  # "%"
            pair = raw[i + 1:i + 3]
            if len(pair) < 2 or not all(chr(b) in _HEX for b in pair):
                return None
            data.append(int(pair, 16))
            i += 3
        else:
            data.append(raw[i])
            i += 1
    try:
        return bytes(data).split(b"\0", 1)[0].decode("utf-8")
    except UnicodeDecodeError:
        return None


def _looks_like_ip_literal(host: str) -> bool:
    return host.startswith("[") and host.endswith("]") and len(host) > 1


def _is_valid_ip_literal(host: str) -> bool:
    """``validateIPLiteralHost``: the zone delimiter must be written "%25"."""
    percent = host.find("%")
    if percent == -1:
        return _is_valid(host[1:-1], _USERINFO, percent_allowed=False)
    if host[percent + 1:percent + 3] != "25":
        return False
    return (_is_valid(host[1:percent], _USERINFO, percent_allowed=False)
            and _is_valid(host[percent + 3:-1], _ZONE_ID))


def _is_valid_host(host: str, ip_literal: bool = False) -> bool:
    if ip_literal or _looks_like_ip_literal(host):
        return _is_valid_ip_literal(host)
    return _is_valid(host, _HOST)


# -- parsing (swift-foundation RFC3986Parser) ----------------------------------------------------

def _split(text: str) -> _Parts | None:
    """``parse(buffer:)``: split on delimiters only; nil for a bad scheme or port."""
    if not text:
        return _Parts(string=text)
    scheme: str | None = None
    index = 0
    for position, c in enumerate(text):
        if c == ":":
            if position:  # an empty scheme makes this a relative reference
                scheme = text[:position]
                index = position + 1
            break
        if c in "/?#[]@":  # "[", "]", "@" hint at an authority, so no scheme (rdar://94076763)
            break
    if scheme is not None and not (scheme[0].isascii() and scheme[0].isalpha()
                                   and all(c in _SCHEME for c in scheme)):
        return None
    authority: _Authority = (None, None, None, None, False)
    if text.startswith("//", index):
        end = index + 2
        while end < len(text) and text[end] not in "/?#":
            end += 1
        split = _split_authority(text[index + 2:end])
        if split is None:
            return None
        authority, index = split, end
        port = authority[3]
        if port is not None and not all("0" <= c <= "9" for c in port) and not (
                scheme is not None and scheme.lower() == "addressbook"):
            return None
    end = index
    while end < len(text) and text[end] not in "?#":
        end += 1
    rest = text[end:]
    query = fragment = None
    if rest.startswith("?"):
        query, hash_sign, fragment_text = rest[1:].partition("#")
        fragment = fragment_text if hash_sign else None
    elif rest.startswith("#"):
        fragment = rest[1:]
    user, password, host, port, is_ip_literal = authority
    return _Parts(string=text, scheme=scheme, user=user, password=password, host=host,
                  port=port, path=text[index:end], query=query, fragment=fragment,
                  is_ip_literal=is_ip_literal)


def _split_authority(authority: str) -> _Authority | None:
    """``parseAuthority``: userinfo ends at the last "@"; IP literals keep their brackets."""
    if not authority:
        return None, None, "", None, False  # the host exists but is empty
    user = password = port = None
    host_start = 0
    at = authority.rfind("@")
    if at != -1:
        user, colon, password_text = authority[:at].partition(":")
        password = password_text if colon else None
        host_start = at + 1
    host_end = len(authority)
    bracket = authority.find("]", host_start)
    is_ip_literal = authority.startswith("[", host_start) and bracket != -1
    if is_ip_literal:
        host_end = bracket + 1
        if host_end != len(authority):
            if authority[host_end] != ":":
                return None
            port = authority[host_end + 1:]  # may be "": Int("") is nil
    else:
        colon_at = authority.find(":", host_start)
        if colon_at != -1:
            host_end = colon_at
            if colon_at + 1 != len(authority):
                port = authority[colon_at + 1:]
    return user, password, authority[host_start:host_end], port, is_ip_literal


def _parse_url(text: str) -> _Parts | None:
    """``URL(string:)`` on iOS 17+: nil for "", else ``parse(urlString:,
    encodingInvalidCharacters: true)``, which re-encodes any invalid component."""
    if not text:
        return None
    parts = _split(text)
    if parts is None:
        return None
    user_ok = parts.user is None or _is_valid(parts.user, _USERINFO)
    password_ok = parts.password is None or _is_valid(parts.password, _USERINFO)
    host_ok = parts.host is None or _is_valid_host(parts.host, parts.is_ip_literal)
    path_ok = _is_valid(parts.path, _PATH)
    query_ok = parts.query is None or _is_valid(parts.query, _QUERY)
    fragment_ok = parts.fragment is None or _is_valid(parts.fragment, _QUERY)
    if user_ok and password_ok and host_ok and path_ok and query_ok and fragment_ok:
        return parts
    out = "" if parts.scheme is None else parts.scheme + ":"
    if parts.has_authority:
        out += "//"
    if parts.user is not None:
        out += parts.user if user_ok else _percent_encode(parts.user, _USERINFO)
        if parts.password is not None:
            out += ":" + (parts.password if password_ok
                          else _percent_encode(parts.password, _USERINFO))
        out += "@"
    if parts.host is not None:
        if host_ok:
            out += parts.host
        elif parts.is_ip_literal or _looks_like_ip_literal(parts.host) or (
                parts.scheme is not None
                and parts.scheme.lower() in _PERCENT_ENCODED_HOST_SCHEMES):
            encoded = _percent_encode_host(parts.host)
            if encoded is None:
                return None
            out += encoded
        else:
            ascii_host = _idna_to_ascii(parts.host)
            if ascii_host is None or not _is_valid_host(ascii_host):
                return None
            out += ascii_host
    port = _swift_int(parts.port)
    if port is not None:
        out += f":{port}"
    out += parts.path if path_ok else _percent_encode_path(parts.path)
    if parts.query is not None:
        out += "?" + (parts.query if query_ok else _percent_encode(parts.query, _QUERY))
    if parts.fragment is not None:
        out += "#" + (parts.fragment if fragment_ok else _percent_encode(parts.fragment, _QUERY))
    return _split(out)  # the encoded string is not validated again


def _percent_encode_host(host: str) -> str | None:
    if not _looks_like_ip_literal(host):
        return _percent_encode(host, _HOST)
    percent = host.find("%")
    if percent == -1:
        return host if _is_valid_ip_literal(host) else None
    return host[:percent] + _percent_encode(host[percent:-1], _ZONE_ID) + "]"


def _percent_encode_path(path: str) -> str:
    slash = path.find("/")
    if slash == -1:
        return _percent_encode(path, _PATH_FIRST_SEGMENT)
    return _percent_encode(path[:slash], _PATH_FIRST_SEGMENT) + _percent_encode(
        path[slash:], _PATH)


def _decoded_host(parts: _Parts) -> str | None:
    """``URLComponents.host``: percent-decoded if the host has a "%", else IDNA-decoded."""
    host = parts.host
    if not host:
        return host
    if "%" in host:
        return _percent_decode(host)
    return _idna_to_unicode(host)


# -- IDNA (approximation of ICU UTS #46, see the module docstring) -------------------------------

def _uts46_map(text: str) -> str:
    text = "".join(c for c in text if ord(c) not in _IDNA_IGNORED)
    text = unicodedata.normalize("NFC", _swift_lowercased(unicodedata.normalize("NFKC", text)))
    return text.replace("\u3002", ".")


def _hyphen_error(label: str) -> bool:
    return label.startswith("-") or label.endswith("-") or label[2:4] == "--"


def _is_valid_unicode_label(label: str) -> bool:
    if not label or _uts46_map(label) != label or "." in label:
        return False
    if unicodedata.category(label[0]).startswith("M"):
        return False
    for i, c in enumerate(label):
        if c in _JOINERS:  # CheckJoiners, simplified: only after a virama
            if i == 0 or unicodedata.combining(label[i - 1]) != 9:
                return False
        elif unicodedata.category(c) in _IDNA_DISALLOWED_CATEGORIES:
            return False
    return True


def _ace_to_unicode(label: str) -> str | None:
    """Decode one lowercase "xn--" label; nil where ICU reports an invalid ACE label."""
    body = label[4:]
    try:
        decoded = body.encode("ascii").decode("punycode")
    except (ValueError, OverflowError):  # UnicodeError is a ValueError
        return None
    if decoded.isascii() or not _is_valid_unicode_label(decoded):
        return None
    if decoded.encode("punycode").decode("ascii") != body:
        return None
    return decoded


def _idna_to_unicode(host: str) -> str | None:
    """``uidna_nameToUnicode``, tolerating only empty/long labels and hyphen errors."""
    if len(host.encode("utf-8")) > _MAX_IDNA_HOST:
        return None
    labels: list[str] = []
    for label in _uts46_map(host).split("."):
        if label.startswith("xn--"):
            decoded = _ace_to_unicode(label)
            if decoded is None:
                return None
            label = decoded
        labels.append(label)
    result = ".".join(labels)
    return result if len(result.encode("utf-8")) <= _MAX_IDNA_HOST else None


def _idna_to_ascii(host: str) -> str | None:
    """``uidna_nameToASCII`` with no error tolerated."""
    if len(host.encode("utf-8")) > _MAX_IDNA_HOST:
        return None
    labels = _uts46_map(host).split(".")
    out: list[str] = []
    for i, label in enumerate(labels):
        if not label:
            if i and i == len(labels) - 1:  # a trailing dot is the root, not an empty label
                out.append(label)
                continue
            return None
        if label.isascii():
            unicode_label = _ace_to_unicode(label) if label.startswith("xn--") else label
            if unicode_label is None:
                return None
            ascii_label = label
        elif _is_valid_unicode_label(label):
            unicode_label = label
            ascii_label = "xn--" + label.encode("punycode").decode("ascii")
        else:
            return None
        if _hyphen_error(unicode_label) or len(ascii_label) > 63:
            return None
        out.append(ascii_label)
    result = ".".join(out)
    return result if len(result.rstrip(".")) <= 253 else None
