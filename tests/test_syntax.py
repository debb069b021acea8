"""Syntax errors for every device: strict JSON before iOS 15, JSON5 from it.

The rule: AltStore `AltStore/Operations/FetchSourceOperation.swift:125-128` at 5a0f2de7
(`if #available(iOS 15, *) { decoder.allowsJSON5 = true }`), the profile's `json5_from_ios`.
A text that is not strict JSON is read with both parsers in one run, whatever the device.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from altsim.core.check import CheckResult, check_source, client_verdict
from altsim.core.diagnostics import FORMAT_TEXT, Diagnostic, Severity
from altsim.core.jsontext import Document, SyntaxFailure, parse_document
from altsim.core.profiles import PROFILES

from .builders import source
from .conftest import ROOT, altsim

ALTSTORE = PROFILES["altstore"]
OLD, NEW = (14, 8, 0), (17, 0, 0)
NOW = datetime(2024, 1, 1, tzinfo=UTC)
CLEAN = json.dumps(source(), indent=1).encode()
# A trailing comma: JSON5 reads it, strict JSON does not.
JSON5_ONLY = CLEAN[:CLEAN.rindex(b"}")] + b",\n}"
# An unterminated array: neither parser reads it.
BROKEN = b'{"name": "S",\n "apps": [1,\n 2,,]}'


def check(raw: bytes, ios: tuple[int, int, int], profile=ALTSTORE) -> CheckResult:
    return check_source(raw, profile, ios, now=NOW)


def syntax(result: CheckResult) -> list[Diagnostic]:
    return [d for d in result.diagnostics if d.code in ("jsonSyntax", "json5-syntax")]


def assert_rejected_as_syntax(result: CheckResult) -> None:
    assert result.rejection is not None
    assert result.rejection.code == "jsonSyntax"
    assert result.rejection.message == FORMAT_TEXT  # the client's own text
    assert result.rejection.path == ""


# -- strict JSON only fails: the old devices --------------------------------------------------

def test_json5_only_is_a_warning_for_old_devices_on_a_new_one():
    result = check(JSON5_ONLY, NEW)
    assert result.accepted
    (warning,) = syntax(result)
    assert (warning.severity, warning.code) == (Severity.WARNING, "json5-syntax")
    assert warning.message == ("not valid JSON: Expecting property name enclosed in double "
                               "quotes — breaks iOS 14 and earlier; iOS 15 and later read it "
                               "as JSON5")
    assert (warning.line, warning.column) == (JSON5_ONLY.count(b"\n") + 1, 1)  # the closing brace


def test_json5_only_is_the_rejection_on_an_old_device_and_says_new_ones_read_it():
    result = check(JSON5_ONLY, OLD)
    assert_rejected_as_syntax(result)
    (error,) = result.diagnostics  # nothing for the new devices: JSON5 reads the text
    assert (error.severity, error.code) == (Severity.ERROR, "jsonSyntax")
    assert error.message.startswith("not valid JSON: Expecting property name")
    assert error.message.endswith("— breaks iOS 14 and earlier; iOS 15 and later would read "
                                  "it as JSON5")
    assert (error.line, error.column) == (JSON5_ONLY.count(b"\n") + 1, 1)  # the closing brace


def test_non_finite_numbers_are_json5_only():
    raw = b'{"name": "S", "apps": [], "x": NaN}'
    assert check(raw, NEW).accepted
    (error,) = check(raw, OLD).diagnostics
    assert error.message.startswith("not valid JSON: NaN is not a JSON number — breaks iOS 14")
    assert (error.line, error.column) == (1, 32)


# -- both parsers fail: every device, each range with its own error ---------------------------

@pytest.mark.parametrize("ios", [OLD, (15, 0, 0), NEW])
def test_both_errors_are_reported_whatever_the_device(ios):
    result = check(BROKEN, ios)
    assert_rejected_as_syntax(result)
    by_parser = {d.message.split(":")[0]: d for d in result.diagnostics}
    assert set(by_parser) == {"not valid JSON", "not valid JSON5"}
    strict, json5 = by_parser["not valid JSON"], by_parser["not valid JSON5"]
    assert strict.message == "not valid JSON: Expecting value — breaks iOS 14 and earlier"
    assert json5.message.endswith(" — breaks iOS 15 and later")
    assert json5.message.startswith('not valid JSON5: Unexpected ","')
    for d in (strict, json5):  # on the devices it names, each is the client's jsonSyntax
        assert (d.severity, d.code, d.pointer) == (Severity.ERROR, "jsonSyntax", "")
        assert d.line == 3
        assert d.column is not None
    assert strict.column == 4  # the second comma
    # The verdict's own error comes first: the one this device's parser gives.
    assert result.diagnostics[0] is (json5 if ios >= (15, 0, 0) else strict)


def test_device_ranges_follow_the_profiles_json5_threshold():
    later = dataclasses.replace(ALTSTORE, json5_from_ios=16)
    messages = [d.message for d in check(BROKEN, (15, 4, 0), later).diagnostics]
    assert messages[0].endswith("— breaks iOS 15 and earlier")  # 15.4 parses strictly here
    assert messages[1].endswith("— breaks iOS 16 and later")
    (warning,) = syntax(check(JSON5_ONLY, NEW, later))
    assert warning.message.endswith("breaks iOS 15 and earlier; iOS 16 and later read it as "
                                    "JSON5")


def test_the_client_verdict_reports_both_ranges_too():
    result = client_verdict(BROKEN, ALTSTORE, OLD)
    assert_rejected_as_syntax(result)
    assert [d.message.split(":")[0] for d in result.diagnostics] == ["not valid JSON",
                                                                     "not valid JSON5"]


def test_no_section_signs_in_syntax_messages():
    results = [check(raw, ios) for raw in (JSON5_ONLY, BROKEN, b"", b"<html>")
               for ios in (OLD, NEW)]
    assert all("§" not in d.message for r in results for d in r.diagnostics)


# -- bodies that are no JSON at all ---------------------------------------------------------

@pytest.mark.parametrize(("raw", "line", "column"), [
    (b"<!DOCTYPE html><html><body>404</body></html>", 1, 1),
    (b"<!doctype HTML>\n<title>x</title>", 1, 1),
    (b"\xef\xbb\xbf\n  <HTML lang=en>", 2, 3),  # a byte-order mark and blank space first
    (b"<head><title>Sign in</title></head>", 1, 1),
    (b'<meta charset="utf-8">\n<div>...</div><BODY>', 1, 1),
    (b"<!-- GitHub -->\n<html>", 1, 1),
    ("<html><body>Zugriff verweigert: Gr\u00fc\u00dfe</body></html>".encode("latin-1"), 1, 1),
], ids=["doctype", "doctype-upper", "bom-space", "head", "body-later", "comment", "latin-1"])
def test_an_html_page_is_named_with_the_likely_fix(raw, line, column):
    for ios in (OLD, NEW):
        result = check(raw, ios)
        assert_rejected_as_syntax(result)
        (error,) = result.diagnostics  # one problem, whatever the device
        assert (error.severity, error.code) == (Severity.ERROR, "jsonSyntax")
        assert error.message.startswith("this is an HTML page, not JSON: ")
        assert "github.com/…/blob/…" in error.message
        assert "raw.githubusercontent.com/…" in error.message
        assert "login page" in error.message
        assert "error page" in error.message
        assert error.message.count(". ") == 0  # one sentence
        assert (error.line, error.column) == (line, column)


@pytest.mark.parametrize("raw", [b'<?xml version="1.0"?><plist version="1.0"/>',
                                 b"<svg><path/></svg>", b"<not json", b"apps = []"])
def test_other_text_is_not_called_an_html_page(raw):
    result = check(raw, NEW)
    assert_rejected_as_syntax(result)
    assert all("HTML" not in d.message for d in result.diagnostics)
    assert len(result.diagnostics) == 2  # both parsers' errors


@pytest.mark.parametrize("raw", [b"", b"\n \t\r\n", b"\xef\xbb\xbf", b"\xff\xfe"])
def test_an_empty_file_is_named(raw):
    for ios in (OLD, NEW):
        result = check(raw, ios)
        assert_rejected_as_syntax(result)
        (error,) = result.diagnostics
        assert error.message == "not valid JSON: the file is empty"
        assert error.line is not None


def test_bytes_that_are_not_utf8_are_one_error_for_every_device():
    raw = b'{"name": "S\xff"}'
    for ios in (OLD, NEW):
        result = check(raw, ios)
        assert_rejected_as_syntax(result)
        (error,) = result.diagnostics
        assert error.message == "not valid JSON: not valid UTF-8: invalid start byte"
        assert (error.line, error.column) == (1, 12)


# -- the clean path ---------------------------------------------------------------------------

def test_strict_json_is_parsed_once_and_json5_never_loaded():
    """Nothing extra when strict parsing succeeds: no JSON5 parser, no syntax diagnostics."""
    code = ("import sys\n"
            "from altsim.core.jsontext import Document, parse_document\n"
            f"doc = parse_document({CLEAN!r}, True)\n"
            "assert isinstance(doc, Document) and doc.json5_only is None\n"
            "assert 'json5' not in sys.modules\n")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=60, check=False)
    assert run.returncode == 0, run.stderr
    assert not syntax(check(CLEAN, NEW))


def test_parse_document_says_what_each_parser_said():
    failure = parse_document(BROKEN, allow_json5=True)
    assert isinstance(failure, SyntaxFailure)
    assert not failure.everywhere
    assert failure.json5 is not None
    assert failure.strict.message == "Expecting value"
    only_old = parse_document(JSON5_ONLY, allow_json5=False)
    assert isinstance(only_old, SyntaxFailure)
    assert only_old.json5 is None
    document = parse_document(JSON5_ONLY, allow_json5=True)
    assert isinstance(document, Document)
    assert document.json5_only is not None


# -- as a user runs it ----------------------------------------------------------------------

def test_cli_names_an_html_page(tmp_path):
    page = tmp_path / "apps.json"
    page.write_bytes(b"<!DOCTYPE html>\n<html lang=\"en\"><head><title>apps.json at main"
                     b"</title></head><body></body></html>\n")
    run = altsim("check", str(page), "--ios", "14.8")
    assert run.returncode == 1, run.stderr
    assert "jsonSyntax" in run.stdout
    assert "this is an HTML page, not JSON" in run.stdout
    as_json = altsim("check", str(page), "--format", "json")
    (result,) = json.loads(as_json.stdout)["results"]
    assert result["rejection"]["code"] == "jsonSyntax"
    assert result["rejection"]["message"] == FORMAT_TEXT
    (diagnostic,) = result["diagnostics"]
    assert diagnostic["message"].startswith("this is an HTML page, not JSON: ")
    assert (diagnostic["line"], diagnostic["column"]) == (1, 1)
