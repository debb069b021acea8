"""`--explain` and `--app` on preview, matrix and diff, as a user runs them (real processes)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .builders import app, source, version
from .conftest import altsim

NOW = "2024-06-01T12:00:00Z"
HOSTILE = "Evil\x1b[31m\u202eApp"


def write(tmp_path: Path, doc: dict[str, Any], name: str = "source.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    return str(path)


def two_apps(tmp_path: Path, version_b: str = "1.9") -> str:
    return write(tmp_path, source(apps=[
        app(bundleIdentifier="com.a", name="A",
            versions=[version(version="2.0", minOSVersion="15.0"), version(version="1.0")]),
        app(bundleIdentifier="com.b", name=HOSTILE, versions=[version(version=version_b)]),
    ]))


def test_preview_explain_json_names_the_pointer_and_line(tmp_path):
    path = two_apps(tmp_path)
    run = altsim("preview", path, "--ios", "14.8", "--explain", "--app", "com.a", "--format",
                 "json", "--now", NOW)
    assert run.returncode == 0, run.stderr
    document = json.loads(run.stdout)
    assert document["only"] == ["com.a"]
    (entry,) = document["sources"][0]["apps"]
    skipped = next(r for r in entry["reasons"] if r["topic"] == "skipped")
    limit = next(e for e in skipped["evidence"] if e["name"] == "minOSVersion")
    assert limit["pointer"] == "/apps/0/versions/0/minOSVersion"
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    assert lines[limit["line"] - 1][limit["column"] - 1:].startswith('"15.0"')
    assert skipped["rule"] == "A:AltStoreCore/Model/AppVersion.swift:159-170"


def test_preview_explain_text_says_why_no_update_and_escapes(tmp_path):
    path = two_apps(tmp_path, "1.9\x1b[2J\u202e")
    run = altsim("preview", path, "--explain", "--app", "com.b", "--installed", "com.b=1.9.0",
                 "--client", "sidestore", "--now", NOW)
    assert run.returncode == 0, run.stderr
    assert "why:" in run.stdout
    assert "is not SemVer, so SideStore compares the strings exactly" in run.stdout
    assert "version 1.9" in run.stdout
    assert "\x1b" not in run.stdout
    assert "\u202e" not in run.stdout
    assert "- A —" not in run.stdout  # narrowed to com.b


def test_altstore_string_comparison_in_preview_text(tmp_path):
    path = two_apps(tmp_path)
    run = altsim("preview", path, "--explain", "--app", "com.b", "--installed", "com.b=1.10",
                 "--now", NOW)
    assert run.returncode == 0, run.stderr
    assert "installed '1.10' differs from the latest supported '1.9'" in run.stdout
    assert "InstalledApp.swift:178-182,331-337" in run.stdout


def test_matrix_explain_per_cell(tmp_path):
    path = two_apps(tmp_path)
    run = altsim("matrix", path, "--ios", "14.8,16.0", "--explain", "--app", "com.a",
                 "--format", "json", "--now", NOW)
    assert run.returncode == 0, run.stderr
    document = json.loads(run.stdout)
    (row,) = document["apps"]
    old, new = row["cells"]
    assert any(r["topic"] == "skipped" for r in old["reasons"])
    assert not any(r["topic"] == "skipped" for r in new["reasons"])
    text = altsim("matrix", path, "--ios", "14.8", "--explain", "--app", "com.a", "--now", NOW)
    assert "why: A on iOS 14.8.0" in text.stdout
    assert "minOSVersion 15.0 at /apps/0/versions/0/minOSVersion line" in text.stdout


def test_an_unknown_app_is_a_one_line_usage_error(tmp_path):
    path = two_apps(tmp_path)
    for command in (["preview", path], ["matrix", path], ["diff", path, path]):
        run = altsim(*command, "--app", "com.nope\x1b", "--now", NOW)
        assert run.returncode == 2
        assert run.stderr.count("\n") == 1, run.stderr
        assert "no app with this bundle ID" in run.stderr
        assert "\x1b" not in run.stderr


def test_diff_narrowed_to_one_app(tmp_path):
    old = two_apps(tmp_path)
    new = write(tmp_path, source(apps=[
        app(bundleIdentifier="com.a", name="A", versions=[version(version="3.0")]),
        app(bundleIdentifier="com.b", name="B", versions=[version(version="2.0")]),
    ]), "new.json")
    run = altsim("diff", old, new, "--installed", "com.a=1.0", "--installed", "com.b=1.9",
                 "--app", "com.b", "--format", "json", "--now", NOW)
    assert run.returncode == 0, run.stderr
    document = json.loads(run.stdout)
    assert [u["bundleIdentifier"] for u in document["updates"]] == ["com.b"]
    assert all(n.get("bundleIdentifier") == "com.b" for n in document["notifications"])
    assert document["badge"] == 2  # the user's badge, every app's updates
