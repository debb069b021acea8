"""Located diagnostics written as JSON (`check --format json`): `render_json` writes the text
json's indenting encoder writes, byte for byte, though it indents the diagnostics itself (at C
speed) after `json_dumps`, the one escaping writer, wrote them compactly. Strings that hold
the patterns it replaces (quotes, commas, braces, key names, line breaks) stay as they were,
and nothing unsafe is left raw."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from altsim.cli.check import Outcome
from altsim.cli.report import full_version, render_json
from altsim.core.check import CheckResult
from altsim.core.codes import CODES
from altsim.core.diagnostics import Diagnostic, Rejection, Severity
from altsim.core.profiles import PROFILES
from altsim.core.safe_text import json_dumps

from .test_output_safety import BAD, FORBIDDEN_TEXT

IOS = (17, 0, 0)
# What the replaced patterns are made of, and what json_dumps escapes.
PIECES = ['"', ",", "{", "}", "[", "]", ":", " ", "\n", "\\", ',"code":', '{"severity":',
          '},{', '"diagnostics": []', "severity", "é", "\u2028", "\x7f", "\x1b", "\ud800", BAD]
_TEXT = st.lists(st.sampled_from(PIECES) | st.text(max_size=3), max_size=6).map("".join)
_CODES = sorted(CODES.values(), key=lambda info: info.code)


@st.composite
def diagnostics(draw: Any) -> Diagnostic:
    info = draw(st.sampled_from(_CODES))
    severity = Severity(draw(st.sampled_from(sorted(info.severities))))
    position = st.none() | st.integers(1, 10**6)
    return Diagnostic(severity, info.code, draw(_TEXT), draw(_TEXT), draw(position),
                      draw(position))


def expected(outcomes: list[Outcome], profiles: list[Any]) -> str:
    """The document as render_json wrote it with json's indenting encoder."""
    results = []
    for outcome in outcomes:
        entry: dict[str, Any] = {"input": outcome.input, "client": outcome.profile.name}
        result = outcome.result
        if result is None:
            entry.update(accepted=False, rejection=None, error=outcome.error, diagnostics=[])
        else:
            rejection = result.rejection
            entry["accepted"] = rejection is None
            entry["rejection"] = rejection and {
                "code": rejection.code, "message": rejection.message, "path": rejection.path,
                "detail": rejection.detail}
            entry["diagnostics"] = [
                {"severity": d.severity.value, "code": d.code, "message": d.message,
                 "pointer": d.pointer, "line": d.line, "column": d.column}
                for d in result.diagnostics]
            entry["silenced"] = outcome.silenced
            if outcome.differences:
                entry["differences"] = outcome.differences
        results.append(entry)
    document: dict[str, Any] = {}
    if len(profiles) == 1:
        document["client"] = profiles[0].name
    document.update(clients=[p.name for p in profiles], ios=full_version(IOS), results=results)
    return json_dumps(document, indent=1) + "\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(found=st.lists(st.lists(diagnostics(), max_size=4), min_size=1, max_size=3),
       name=_TEXT, error=_TEXT, rejected=st.booleans(), unreadable=st.booleans())
def test_render_json_writes_what_the_indenting_encoder_writes(found, name, error, rejected,
                                                               unreadable):
    profile = PROFILES["altstore"]
    rejection = Rejection("duplicateBundleID", error, name, error) if rejected else None
    outcomes = [Outcome(name, profile, CheckResult(profile, IOS, rejection, diagnostics),
                        differences=[error] if rejected else [])
                for diagnostics in found]
    if unreadable:
        outcomes.insert(1, Outcome(name, profile, None, error=error))
    for profiles in ([profile], [profile, PROFILES["sidestore"]]):
        text = render_json(outcomes, profiles, IOS)
        assert text == expected(outcomes, profiles)
        assert FORBIDDEN_TEXT.search(text) is None
        assert json.loads(text)["results"][0]["diagnostics"] == [
            {"severity": d.severity.value, "code": d.code, "message": d.message,
             "pointer": d.pointer, "line": d.line, "column": d.column} for d in found[0]]


def test_no_outcome_and_no_diagnostic():
    profile = PROFILES["altstore"]
    assert render_json([], [profile], IOS) == expected([], [profile])
    outcomes = [Outcome("a.json", profile, CheckResult(profile, IOS, None, []))]
    assert render_json(outcomes, [profile], IOS) == expected(outcomes, [profile])
