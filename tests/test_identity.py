"""Source identity (behaviour.md 1.4) and the Add Source field (behaviour.md 9.5).

Ids name where a case comes from: ``v<n>`` a vector of behaviour.md 14, ``swift-<test>`` a case of
A:AltTests/AltTests+Sources.swift, ``foundation-…`` a consequence of Foundation's RFC 3986
parser (iOS 17+) that altsim.core.identity documents.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from altsim.core.identity import normalize_source_url, typed_address_to_url

# -- normalize_source_url: exact results ---------------------------------------------------------

NORMALIZED = [
    # behaviour.md 1.4 and 14
    ("https://Example.com/apps.json", "example.com/apps.json", "v2"),
    ("https://www.example.com/apps.json/", "example.com/apps.json", "v3-added"),
    ("http://EXAMPLE.com/apps.json", "example.com/apps.json", "v3-existing"),
    ("https://example.com/apps.json?v=2", "example.com/apps.json", "v4-query"),
    ("https://example.com/apps.json?v=3#x", "example.com/apps.json", "v4-query-fragment"),
    # AltTests+Sources.swift:15-158
    ("https://apps.altstore.io/", "apps.altstore.io", "swift-testSourceID"),
    ("https://alpha.altstore.io/", "alpha.altstore.io", "swift-testSourceID-alpha"),
    ("apple.com/MY invalid\u2022path/", "apple.com/my invalid\u2022path",
     "swift-testSourceIDWithPercentEncoding"),
    ("http://rileytestut.com", "rileytestut.com", "swift-testSourceIDWithDifferentSchemes-1"),
    ("https://rileytestut.com", "rileytestut.com", "swift-testSourceIDWithDifferentSchemes-2"),
    ("http://localhost:8008/apps.json", "localhost:8008/apps.json",
     "swift-testSourceIDWithNonDefaultPort"),
    ("https://disney.com/altstore/apps?id=1234#get%20started", "disney.com/altstore/apps",
     "swift-testSourceIDWithFragmentsAndQueries-1"),
    ("https://disney.com/altstore/apps?id=5678#get%20started", "disney.com/altstore/apps",
     "swift-testSourceIDWithFragmentsAndQueries-2"),
    ("http://rileytestut.co.nz//secret/altstore//apps.json",
     "rileytestut.co.nz/secret/altstore/apps.json", "swift-testSourceIDWithDuplicateSlashes-1"),
    ("http://rileytestut.co.nz/secret/altstore/apps.json//",
     "rileytestut.co.nz/secret/altstore/apps.json", "swift-testSourceIDWithDuplicateSlashes-2"),
    ("https://rileyTESTUT.co.nz/test/PATH/ApPs.json", "rileytestut.co.nz/test/path/apps.json",
     "swift-testSourceIDWithMixedCase-1"),
    ("https://rileytestut.co.nz/test/path/apps.json", "rileytestut.co.nz/test/path/apps.json",
     "swift-testSourceIDWithMixedCase-2"),
    ("http://apps.altstore.io/", "apps.altstore.io", "swift-testSourceIDWithTrailingSlash-1"),
    ("http://apps.altstore.io", "apps.altstore.io", "swift-testSourceIDWithTrailingSlash-2"),
    ("http://www.GBA4iOSApp.com", "gba4iosapp.com", "swift-testSourceIDWithLeadingWWW-1"),
    ("http://gba4iosapp.com", "gba4iosapp.com", "swift-testSourceIDWithLeadingWWW-2"),
    ("fTp://WWW.apps.APPLE.com:4004//altstore apps/source.JSON?user=test@altstore.io#welcome//",
     "apps.apple.com:4004/altstore apps/source.json", "swift-testSourceIDWithAllRules-1"),
    ("ftp://apps.apple.com:4004/altstore apps/source.json?user=anothertest@altstore.io#welcome",
     "apps.apple.com:4004/altstore apps/source.json", "swift-testSourceIDWithAllRules-2"),
    ("http://xn--g5h5981o.com", "\U0001f937\u2642.com", "swift-testSourceIDWithEmoji-1"),
    ("http://www.xn--7r8h.io", "\U0001f49c.io", "swift-testSourceIDWithEmoji-2"),
    # testSourceIDWithRelativeURL: URL(string:relativeTo:) resolved by the caller first.
    ("https://rileytestut.com/altstore/apps.json", "rileytestut.com/altstore/apps.json",
     "swift-testSourceIDWithRelativeURL"),
    # Foundation's parser on odd input
    ("example.com/apps.json", "example.com/apps.json", "foundation-no-scheme"),
    ("//example.com/apps.json", "example.com/apps.json", "foundation-network-path"),
    ("http://192.168.1.5:8000/apps.json", "192.168.1.5:8000/apps.json", "foundation-ipv4"),
    ("http://[::1]:8000/apps.json", "[::1]:8000/apps.json", "foundation-ipv6-keeps-brackets"),
    ("http://[::1]:80/apps.json", "[::1]/apps.json", "foundation-ipv6-default-port"),
    ("http://[fe80::1%en0]/x", "[fe80::1%en0]/x", "foundation-ipv6-zone"),
    ("https://user:pass@example.com/apps.json", "example.com/apps.json", "foundation-userinfo"),
    ("https://a@b@example.com/x", "example.com/x", "foundation-userinfo-last-at"),
    ("http://example.com:443/x", "example.com/x", "foundation-port-443-any-scheme"),
    ("https://example.com:80", "example.com", "foundation-port-80-any-scheme"),
    ("http://example.com:0080/x", "example.com/x", "foundation-port-leading-zeros"),
    ("http://example.com:08008/x", "example.com:8008/x", "foundation-port-as-int"),
    ("http://example.com:0/x", "example.com:0/x", "foundation-port-0"),
    ("http://example.com:/x", "example.com/x", "foundation-port-empty"),
    ("http://example.com:99999999999999999999/x", "example.com/x", "foundation-port-overflow"),
    ("https://example.com/my apps/apps.json", "example.com/my apps/apps.json",
     "foundation-space-in-path"),
    ("https://example.com/apps.json ", "example.com/apps.json ", "foundation-trailing-space"),
    ("exa mple.com/x", "exa mple.com/x", "foundation-space-in-schemeless-host"),
    ("https://example.com/%41pps.json", "example.com/apps.json", "foundation-percent-decoded"),
    ("https://example.com/a%2F%2Fb", "example.com/a/b", "foundation-encoded-slashes"),
    ("https://example.com/a b/%41", "example.com/a b/%41", "foundation-invalid-path-keeps-%"),
    ("https://example.com/apps/%FF", "example.com", "foundation-bad-utf8-path-is-empty"),
    ("https://example.com/a%00b", "example.com/a", "foundation-nul-ends-path"),
    ("https://%F0%9F%92%9C.io/", "\U0001f49c.io", "foundation-percent-encoded-host"),
    ("HTTPS://XN--7R8H.IO/A", "\U0001f49c.io/a", "foundation-uppercase-punycode"),
    ("https://\U0001f49c.io/a", "\U0001f49c.io/a", "foundation-unicode-host"),
    ("\U0001f49c.io/apps.json", "\U0001f49c.io/apps.json", "foundation-schemeless-unicode"),
    ("https://example.com/\u0391\u03a3", "example.com/\u03b1\u03c3",
     "foundation-lowercased-no-final-sigma"),
    ("https://www.www.example.com/", "www.example.com", "s1.4-one-www"),
    ("https://example.com/a///", "example.com/a/", "s1.4-one-pass-one-slash"),
    ("https://WWW.example.com", "example.com", "s1.4-lowercase-before-www"),
]


@pytest.mark.parametrize(("url", "expected"), [c[:2] for c in NORMALIZED],
                         ids=[c[2] for c in NORMALIZED])
def test_normalize_source_url(url: str, expected: str) -> None:
    assert normalize_source_url(url) == expected


REJECTED = [
    ("", "not a URL", "foundation-empty"),
    (" https://example.com", "not a URL", "foundation-leading-space"),
    ("192.168.1.5:8000/apps.json", "not a URL", "foundation-digit-scheme"),
    ("http://example.com:abc/", "not a URL", "foundation-port-not-digits"),
    ("http://[::1]x/", "not a URL", "foundation-junk-after-ipv6"),
    ("https://exa mple.com/x", "not a URL", "foundation-space-in-host"),
    ("localhost:8000/apps.json", "no host", "foundation-localhost-is-a-scheme"),
    ("example.com:8000/apps.json", "no host", "foundation-host-is-a-scheme"),
    ("mailto:someone@example.com", "no host", "foundation-mailto"),
    ("https://xn--zz.com/", "does not decode", "foundation-bad-punycode"),
    ("https://%FF.com/", "does not decode", "foundation-bad-utf8-host"),
    ("https:///apps.json", "empty host", "foundation-empty-host"),
    ("file:///apps.json", "empty host", "foundation-file-url"),
    ("/apps.json", "empty host", "foundation-path-only"),
    ("https://example.com/\ud800", "surrogate", "foundation-lone-surrogate"),
]


@pytest.mark.parametrize(("url", "message"), [c[:2] for c in REJECTED],
                         ids=[c[2] for c in REJECTED])
def test_normalize_source_url_rejects(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        normalize_source_url(url)


def test_v3_duplicate_identifier() -> None:
    added = normalize_source_url("https://www.example.com/apps.json/")
    assert added == normalize_source_url("http://EXAMPLE.com/apps.json")


def test_v4_query_and_fragment_dropped() -> None:
    assert (normalize_source_url("https://example.com/apps.json?v=2")
            == normalize_source_url("https://example.com/apps.json?v=3#x"))


# Normalization is NOT idempotent: the identifier is not a URL, and steps 5, 7 and 8 run once.
NOT_IDEMPOTENT = [
    ("http://localhost:8008/apps.json", None, "port-reads-as-scheme"),
    ("https://www.www.example.com", "example.com", "second-www"),
    ("https://example.com/a///", "example.com/a", "second-trailing-slash"),
    ("https://example.com/a%2525", "example.com/a%", "second-percent-decoding"),
    ("https://example.com/a%3Fb", "example.com/a", "decoded-question-mark"),
]


@pytest.mark.parametrize(("url", "twice"), [c[:2] for c in NOT_IDEMPOTENT],
                         ids=[c[2] for c in NOT_IDEMPOTENT])
def test_normalize_is_not_idempotent(url: str, twice: str | None) -> None:
    once = normalize_source_url(url)
    if twice is None:
        with pytest.raises(ValueError, match="no host"):
            normalize_source_url(once)
    else:
        assert normalize_source_url(once) == twice != once


# -- typed_address_to_url (behaviour.md 9.5)
# -----------------------------------------------------------------

TYPED = [
    ("apps.altstore.io", "https://apps.altstore.io", "s9.5-no-scheme"),
    ("apps.altstore.io/apps.json", "https://apps.altstore.io/apps.json", "s9.5-no-scheme-path"),
    ("localhost:8000/apps.json", "http://localhost:8000/apps.json", "s9.5-localhost"),
    ("LocalHost:8000", "http://LocalHost:8000", "s9.5-localhost-any-case"),
    ("localhost", "https://localhost", "s9.5-localhost-without-port"),
    ("http://example.com/apps.json", "http://example.com/apps.json", "s9.5-scheme-kept"),
    ("HTTPS://Example.com", "HTTPS://Example.com", "s9.5-not-lowercased"),
    ("example.com:8000/apps.json", "example.com:8000/apps.json", "foundation-host-is-a-scheme"),
    ("https://example.com/a b", "https://example.com/a%20b", "foundation-space-encoded"),
    ("apps.altstore.io/apps.json ", "https://apps.altstore.io/apps.json%20",
     "s9.5-not-trimmed-trailing"),
    ("//example.com/apps.json", "https:////example.com/apps.json", "s9.5-network-path"),
    ("\U0001f49c.io/apps.json", "https://xn--7r8h.io/apps.json", "foundation-idna-encoded"),
]


@pytest.mark.parametrize(("text", "expected"), [c[:2] for c in TYPED],
                         ids=[c[2] for c in TYPED])
def test_typed_address_to_url(text: str, expected: str) -> None:
    assert typed_address_to_url(text) == expected


@pytest.mark.parametrize("text", ["", " apps.altstore.io", "apps.altstore.io\n",
                                  "192.168.1.5:8000/apps.json", "https://exa mple.com"],
                         ids=["empty", "leading-space", "trailing-newline", "digit-scheme",
                              "space-in-host"])
def test_typed_address_to_url_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="not a URL"):
        typed_address_to_url(text)


def test_typed_localhost_gets_its_identifier() -> None:
    url = typed_address_to_url("localhost:8008/apps.json")
    assert normalize_source_url(url) == "localhost:8008/apps.json"


# -- properties ----------------------------------------------------------------------------------

_PIECES = st.sampled_from(
    list("aZ09:/?#[]@%.-~ !$&'()*+,;=") + ["xn--", "%41", "%FF", "%00", "%25", "https://", "//",
                                           "www.", ":8000", "[::1]", "\U0001f49c", "\u00df",
                                           "\u200d", "\ufe0f", "\u3002"]
)
_URLISH = st.lists(_PIECES, max_size=25).map("".join)
_ANY_TEXT = st.one_of(st.text(max_size=80), _URLISH, _URLISH.map("https://".__add__),
                      _URLISH.map("http://xn--".__add__))


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_ANY_TEXT)
def test_arbitrary_text_raises_only_value_error(text: str) -> None:
    for function in (normalize_source_url, typed_address_to_url):
        try:
            result = function(text)
        except ValueError:
            continue
        assert isinstance(result, str)


_LABEL = st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1,
                 max_size=8)
_SEGMENT = st.text(st.characters(blacklist_characters="/?#%", blacklist_categories=("Cs",)),
                   min_size=1, max_size=8)


@st.composite
def _urls(draw: st.DrawFn) -> tuple[str, str, str, str]:
    """(scheme, host, ":port" or "", path): no "www." host, no empty path segment."""
    host = ".".join(draw(st.lists(_LABEL, min_size=1, max_size=3)))
    assume(not host.lower().startswith("www."))
    port = draw(st.one_of(st.just(""), st.integers(0, 65535).map(lambda p: f":{p}")))
    segments = draw(st.lists(_SEGMENT, max_size=3))
    path = "".join("/" + s for s in segments)
    scheme = draw(st.sampled_from(["http", "https", "ftp", "HTTPS"]))
    return scheme, host, port, path


@settings(max_examples=300, deadline=None)
@given(parts=_urls())
def test_identifier_is_a_fixed_point_behind_https(parts: tuple[str, str, str, str]) -> None:
    """Not idempotent in general (see above), but on hosts without "www." and paths without
    empty segments or "%", re-reading the identifier as an https URL gives it back."""
    scheme, host, port, path = parts
    identifier = normalize_source_url(f"{scheme}://{host}{port}{path}")
    assert normalize_source_url("https://" + identifier) == identifier


@settings(max_examples=300, deadline=None)
@given(parts=_urls(), other_scheme=st.sampled_from(["http", "https", "HTTP", "ftp"]),
       query=st.sampled_from(["", "?v=2", "?v=3#x", "#top"]), www=st.booleans(),
       slash=st.booleans(), upper=st.booleans())
def test_identifier_ignores_what_spec_drops(parts: tuple[str, str, str, str], other_scheme: str,
                                            query: str, www: bool, slash: bool,
                                            upper: bool) -> None:
    """behaviour.md 1.4: scheme, host case, query, fragment, one "www." and one trailing "/"
    don't count."""
    scheme, host, port, path = parts
    base = normalize_source_url(f"{scheme}://{host}{port}{path}")
    variant_host = ("WWW." if upper else "www.") * www + (host.upper() if upper else host)
    variant = f"{other_scheme}://{variant_host}{port}{path}{'/' * slash}{query}"
    assert normalize_source_url(variant) == base
