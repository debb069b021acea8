"""`altsim diff OLD NEW` as a user runs it (spec §6.4, §9.2, §9.3)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .builders import app, news, source, version
from .conftest import SAMPLES, altsim

OLD = source(apps=[app(versions=[version(version="1.0")]), app(bundleIdentifier="com.gone")])
NEW = source(apps=[app(versions=[version(version="1.1", buildVersion="7"),
                                 version(version="1.0")])],
             news=[news(identifier="hello", title="Hello", notify=True), news(identifier="q")])


def write(tmp_path: Path, name: str, doc: dict[str, Any]) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


def diff(tmp_path: Path, old: dict[str, Any], new: dict[str, Any], *args: str) -> Any:
    return altsim("diff", write(tmp_path, "old.json", old), write(tmp_path, "new.json", new),
                  *args)


def test_json_contract(tmp_path):
    run = diff(tmp_path, OLD, NEW, "--installed", "com.a=1.0", "--installed", "com.gone=1.0",
               "--format", "json")
    assert run.returncode == 0, run.stderr
    document = json.loads(run.stdout)
    assert (document["accepted"], document["rejection"], document["badge"]) == (True, None, 1)
    assert document["notifications"] == [
        {"kind": "update", "title": "New Update Available",
         "body": "App 1.1 (7) is now available for download.", "bundleIdentifier": "com.a"},
        {"kind": "news", "title": "AltStore News", "body": "Hello", "newsIdentifier": "hello"}]
    (update,) = document["updates"]
    assert update["from"] == {"version": "1.0", "buildVersion": None}
    assert update["to"]["localizedVersion"] == "1.1 (7)"
    assert document["removedApps"] == ["com.gone"]


def test_pending_update_with_a_build_is_posted_again_unless_fixed(tmp_path):
    # NEW over itself: the update was already pending; the shipped bug posts it again (v56)
    buggy = json.loads(diff(tmp_path, NEW, NEW, "--installed", "com.a=1.0",
                            "--format", "json").stdout)
    assert [n["kind"] for n in buggy["notifications"]] == ["update"]
    fixed = json.loads(diff(tmp_path, NEW, NEW, "--installed", "com.a=1.0", "--no-build-bug",
                            "--format", "json").stdout)
    assert fixed["notifications"] == []


def test_rejected_new_posts_nothing(tmp_path):
    broken = dict(NEW, apps=[app(), app()])  # duplicate bundle IDs
    run = diff(tmp_path, OLD, broken, "--installed", "com.a=1.0")
    assert run.returncode == 1
    assert "nothing is saved, nothing is posted" in run.stdout


def test_rejected_old_and_unreadable_exit_2(tmp_path):
    run = altsim("diff", str(SAMPLES / "classic-mistakes.json"), str(SAMPLES / "clean.json"))
    assert run.returncode == 2
    assert "OLD is rejected" in run.stderr
    missing = altsim("diff", str(tmp_path / "nope.json"), str(SAMPLES / "clean.json"))
    assert missing.returncode == 2
    assert "Traceback" not in missing.stderr
