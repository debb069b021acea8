"""`altsim check` as a user runs it: a real process, real files, a real HTTP server."""

from __future__ import annotations

import json
import socket

from .conftest import SAMPLES, Routes, altsim

CLEAN = SAMPLES / "clean.json"
MISTAKES = SAMPLES / "classic-mistakes.json"


def test_clean_sample_is_accepted_without_warnings():
    run = altsim("check", str(CLEAN), "--strict")
    assert run.returncode == 0, run.stdout
    assert "ACCEPTED" in run.stdout
    assert "0 errors, 0 warnings" in run.stdout


def test_mistakes_sample_is_rejected_with_every_problem():
    run = altsim("check", str(MISTAKES), "--format", "json")
    assert run.returncode == 1
    result = json.loads(run.stdout)["results"][0]
    assert result["rejection"]["code"] == "missingPermissionUsageDescription"
    assert result["rejection"]["message"] == ("The privacy permission 'NSCameraUsageDescription' "
                                              "for Camera Plus is missing a usage description.")
    codes = {d["code"] for d in result["diagnostics"]}
    assert {"duplicateBundleID", "json5-syntax", "relative-url", "colour-argb",
            "unknown-featured-app", "unknown-category", "legacy-permissions", "date-prefix",
            "placeholder-size", "max-os-excludes-patches", "versions-not-newest-first",
            "latest-not-highest", "duplicate-news-id", "unknown-news-app", "insecure-url",
            "ignored-key", "other-client-rejects"} <= codes
    assert all(d["line"] and d["column"] for d in result["diagnostics"])  # noqa: PT018


def test_json_contract_shape():
    run = altsim("check", str(CLEAN), "--format", "json", "--client", "sidestore", "--ios", "16.4")
    document = json.loads(run.stdout)
    assert document["client"] == "sidestore"
    assert document["ios"] == "16.4.0"
    (result,) = document["results"]
    assert result["input"] == str(CLEAN)
    assert result["accepted"] is True
    assert result["rejection"] is None
    for diagnostic in result["diagnostics"]:
        assert set(diagnostic) == {"severity", "code", "message", "pointer", "line", "column"}


def test_json5_rejected_before_ios_15():
    run = altsim("check", str(MISTAKES), "--ios", "14.8", "--format", "json")
    result = json.loads(run.stdout)["results"][0]
    assert result["rejection"]["code"] == "jsonSyntax"
    assert result["diagnostics"][0]["line"] == 2


def test_github_annotations():
    run = altsim("check", str(MISTAKES), "--format", "github")
    lines = run.stdout.splitlines()
    assert any(line.startswith(f"::error file={MISTAKES},line=") for line in lines)
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)


def test_unreadable_input_and_bad_arguments_exit_2_without_traceback(tmp_path):
    missing = altsim("check", str(tmp_path / "nope.json"))
    assert missing.returncode == 2
    assert "cannot read" in missing.stderr
    assert "Traceback" not in missing.stderr
    bad_ios = altsim("check", str(CLEAN), "--ios", "seventeen")
    assert bad_ios.returncode == 2
    assert "Traceback" not in bad_ios.stderr
    bad_client = altsim("check", str(CLEAN), "--client", "cydia")
    assert bad_client.returncode == 2


def test_text_output_strips_control_characters_and_colour_follows_no_color(tmp_path):
    hostile = tmp_path / "hostile.json"
    hostile.write_text(json.dumps({"name": "Evil\x1b[2J\x07", "apps": [{"name": "x\x1b]0;t\x07"}]}))
    run = altsim("check", str(hostile), env={"NO_COLOR": "1", "PATH": ""})
    assert "\x1b" not in run.stdout
    assert "\x07" not in run.stdout
    assert run.returncode == 1


def test_help_and_version():
    assert altsim("--version").stdout.startswith("altsim ")
    assert "--client" in altsim("check", "--help").stdout


def test_url_sources_ignore_http_status(server):
    # behaviour.md 1.1: the status is never checked; the body is decoded whatever it is (vectors 5,
    # 6).
    Routes.routes = {"/ok.json": (200, CLEAN.read_bytes()),
                       "/gone.json": (404, CLEAN.read_bytes())}
    run = altsim("check", f"{server}/ok.json", f"{server}/gone.json", f"{server}/missing.json",
                 "--format", "json")
    results = json.loads(run.stdout)["results"]
    assert [r["accepted"] for r in results] == [True, True, False]
    assert results[2]["rejection"]["code"] == "jsonSyntax"
    assert run.returncode == 1


def _status_warnings(result: dict[str, object]) -> list[dict[str, object]]:
    diagnostics = result["diagnostics"]
    assert isinstance(diagnostics, list)
    return [d for d in diagnostics if d["code"] == "http-status"]


def test_a_non_2xx_status_is_a_warning_beside_the_clients_verdict(server):
    """What the server said: the body is decoded as the client decodes it, and the status is a
    warning on that result (a 500 with a valid source is accepted, an HTML 404 is jsonSyntax)."""
    Routes.routes = {"/ok.json": (200, CLEAN.read_bytes()),
                       "/broken.json": (500, CLEAN.read_bytes())}
    run = altsim("check", f"{server}/ok.json", f"{server}/broken.json", f"{server}/missing.json",
                 "--format", "json")
    ok, broken, missing = json.loads(run.stdout)["results"]
    assert _status_warnings(ok) == []
    assert broken["accepted"] is True
    (warning,) = _status_warnings(broken)
    assert warning == {"severity": "warning", "code": "http-status", "message":
                       "HTTP 500 Internal Server Error: the client ignores the status and "
                       "decodes the body anyway", "pointer": "", "line": None, "column": None}
    assert broken["diagnostics"][0] == warning  # first: it happened before any decoding
    assert (missing["accepted"], missing["rejection"]["code"]) == (False, "jsonSyntax")
    (warning,) = _status_warnings(missing)
    assert warning["message"].startswith("HTTP 404 Not Found: the client ignores the status")
    assert run.returncode == 1

    accepted = altsim("check", f"{server}/broken.json")
    assert accepted.returncode == 0  # a warning, not an error
    assert "ACCEPTED" in accepted.stdout
    assert "warning http-status: HTTP 500 Internal Server Error" in accepted.stdout
    assert "1 warning" in accepted.stdout
    assert altsim("check", f"{server}/broken.json", "--strict").returncode == 1
    github = altsim("check", f"{server}/broken.json", "--format", "github").stdout
    assert (f"::warning file={server.replace(':', '%3A')}/broken.json,title=altsim http-status::"
            "HTTP 500 Internal Server Error") in github


def test_a_refused_connection_is_a_failure_from_this_machine():
    with socket.socket() as unused:  # a port nobody listens on once it is closed
        unused.bind(("127.0.0.1", 0))
        closed = unused.getsockname()[1]
    run = altsim("check", f"http://127.0.0.1:{closed}/source.json")
    assert run.returncode == 2
    assert run.stderr == (f"altsim check: cannot read http://127.0.0.1:{closed}/source.json: could "
                          "not connect from this machine (connection refused); check your "
                          "network, or that the host is up\n")


def test_a_name_that_does_not_resolve_is_a_failure_from_this_machine():
    # .invalid never resolves (RFC 2606): nothing is contacted but the local resolver.
    run = altsim("check", "https://x.invalid/apps.json", "--format", "json")
    assert run.returncode == 2
    assert run.stderr.startswith("altsim check: cannot read https://x.invalid/apps.json: could "
                                 "not connect from this machine (name not resolved: ")
    assert run.stderr.endswith("); check your network, or that the host is up\n")
    (result,) = json.loads(run.stdout)["results"]
    assert result["error"].startswith("https://x.invalid/apps.json: could not connect from this")
    assert "Traceback" not in run.stderr


def test_unreachable_url_exits_2():
    run = altsim("check", "http://127.0.0.1:9/source.json")
    assert run.returncode == 2
    assert "cannot read" in run.stderr
    assert "Traceback" not in run.stderr


def test_a_hostile_file_name_never_reaches_the_terminal(tmp_path):
    """`altsim check sources/*.json` in CI: a contributor's file name is not trusted either."""
    named = tmp_path / "a\x1b]52;c;aGk=\x07\x1b[2J.json"
    for path in (named, tmp_path / "missing\x1b[2J.json"):
        if path is named:
            path.write_text('{"name": "S"}', encoding="utf-8")
        for fmt in ("text", "json", "github"):
            run = altsim("check", str(path), "--format", fmt)
            assert "\x1b" not in run.stdout + run.stderr
            assert "\x07" not in run.stdout + run.stderr
            assert "Traceback" not in run.stderr
