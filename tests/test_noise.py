"""Less noise, same rigour: keys other tools write are named, line breaks are not control
characters, and a real control character is named with its code point and offset."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from altsim.core.check import CheckResult, check_source
from altsim.core.diagnostics import Diagnostic, Severity
from altsim.core.profiles import PROFILES
from altsim.core.safe_text import control_character_note

from .builders import app, news, one, one_version, source, version

NOW = datetime(2024, 1, 1, tzinfo=UTC)
IOS = (17, 0, 0)


def check(document: dict, profile: str = "altstore") -> CheckResult:
    return check_source(json.dumps(document).encode(), PROFILES[profile], IOS, now=NOW)


def at(result: CheckResult, pointer: str) -> list[Diagnostic]:
    return [d for d in result.diagnostics if d.pointer == pointer]


# -- control characters -----------------------------------------------------------------------

@pytest.mark.parametrize("text", ["line one\r\nline two\r\n", "old Mac\rline", "a\tb\nc",
                                  "plain", "caf\u00e9 \u2028 \u2029"])
def test_line_breaks_and_tabs_are_not_control_characters(text):
    assert control_character_note(text) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("Evil name \x1b[2J", "contains control character U+001B at offset 10, which most screens "
                          "do not show"),
    ("\x00\x01\r\n\x02", "contains control character U+0000 at offset 0 and 2 more, which most "
                         "screens do not show"),
    ("bell\x07", "contains control character U+0007 at offset 4, which most screens do not "
                 "show"),
    ("a\x0bb", "contains control character U+000B at offset 1, which most screens do not show"),
    ("del\x7f", "contains control character U+007F at offset 3, which most screens do not show"),
    ("csi\x9b2J", "contains control character U+009B at offset 3, which most screens do not "
                  "show"),
    ("next\x85line", "contains control character U+0085 at offset 4, which most screens do not "
                     "show"),
])
def test_a_real_control_character_is_named_with_code_point_and_offset(text, expected):
    assert control_character_note(text) == expected


def test_crlf_descriptions_are_accepted_without_a_warning():
    result = check(one(localizedDescription="Line one.\r\nLine two.\r\n",
                       subtitle="Mac\rline"))
    assert result.accepted
    assert not [d for d in result.diagnostics if d.code == "control-character"]


def test_a_control_character_in_a_string_is_warned_at_its_field():
    result = check(one_version(localizedDescription="Fixes.\r\nNow \x1b[31mred\x1b[0m.\x07"))
    (warning,) = [d for d in result.diagnostics if d.code == "control-character"]
    assert warning.severity is Severity.WARNING
    assert warning.pointer == "/apps/0/versions/0/localizedDescription"
    assert warning.message == ("contains control character U+001B at offset 12 and 2 more, "
                               "which most screens do not show")
    assert warning.line is not None


def test_control_characters_in_other_string_kinds_are_still_found():
    result = check(source(name="Source\x00", apps=[app(category="games\x1b")]))
    pointers = {d.pointer for d in result.diagnostics if d.code == "control-character"}
    assert pointers == {"/name", "/apps/0/category"}


# -- keys that other tools write --------------------------------------------------------------

def test_altsourceparser_keys_are_named_not_called_typos():
    document = source(
        apiVersion="v2", userinfo={},
        apps=[app(appID="com.a", absoluteVersion="1.0",
                  versions=[version(absoluteVersion="v1.0")])])
    result = check(document)
    assert result.accepted
    for pointer in ("/apiVersion", "/userinfo", "/apps/0/appID", "/apps/0/absoluteVersion",
                    "/apps/0/versions/0/absoluteVersion"):
        (note,) = at(result, pointer)
        assert (note.severity, note.code) == (Severity.INFO, "unread-key"), pointer
        assert "written by AltSourceParser" in note.message
        assert "no client reads it" in note.message
        assert "typo" not in note.message
    (userinfo,) = at(result, "/userinfo")
    assert "userInfo, with a capital I" in userinfo.message


def test_a_news_items_app_id_is_read_and_not_reported():
    result = check(source(news=[news(appID="com.a")]))
    assert result.accepted
    assert not at(result, "/news/0/appID")


@pytest.mark.parametrize("profile", list(PROFILES))
def test_other_tools_keys_are_not_typos_under_any_client(profile):
    result = check(one(appID="com.a", versions=[version(absoluteVersion="1.0")]), profile)
    codes = {d.code for d in result.diagnostics
             if d.pointer in ("/apps/0/appID", "/apps/0/versions/0/absoluteVersion")}
    assert codes == {"unread-key"}


def test_a_real_typo_is_still_a_warning():
    result = check(one(bundleIdentifer="com.b", versions=[version(absoluteVersions="1")]))
    for pointer in ("/apps/0/bundleIdentifer", "/apps/0/versions/0/absoluteVersions"):
        (warning,) = at(result, pointer)
        assert (warning.severity, warning.code) == (Severity.WARNING, "unknown-key")
        assert "a typo?" in warning.message


def test_the_corpus_has_no_noise_from_these_keys_or_line_breaks(corpus):
    """QuarkSources' files are written by AltSourceParser, SideStore's Community Source by its
    predecessor; every control character in the corpus is the CR of a CRLF or a lone CR."""
    for path in corpus:
        result = check_source(path.read_bytes(), PROFILES["altstore"], IOS, now=NOW)
        for d in result.diagnostics:
            assert d.code != "control-character", (path.name, d)
            key = d.pointer.rsplit("/", 1)[-1]
            assert d.code != "unknown-key" or key not in ("appID", "absoluteVersion",
                                                          "userinfo", "apiVersion"), (path.name, d)


def test_a_key_the_client_ignores_is_told_once_with_its_count():
    doc = source(apps=[app(bundleIdentifier=f"com.a{i}", versions=[version(sha256="ab" * 32)])
                       for i in range(3)])
    result = check_source(json.dumps(doc).encode(), PROFILES["livecontainer"], (17, 0, 0))
    told = [d for d in result.diagnostics if "'sha256'" in d.message]
    assert len(told) == 1
    assert told[0].pointer == "/apps/0/versions/0/sha256"
    assert told[0].message.endswith("(3 times; the first here)")
    assert told[0].line is not None
