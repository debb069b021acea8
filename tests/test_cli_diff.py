"""`altsim diff OLD NEW` as a user runs it (behaviour.md 6.4, 9.2, 9.3)."""

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
         "body": "App 1.1 (7) is now available for download.", "bundleIdentifier": "com.a",
         "repeat": False, "repeatsEveryRefresh": True},
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


def as_json(run: Any) -> Any:
    assert run.returncode in (0, 1), run.stderr
    return json.loads(run.stdout)


# -- 1. without --installed: every app at OLD's latest supported version ----------------------

TOO_NEW = version(version="1.5", minOSVersion="99.0")  # no device runs it


def test_default_user_has_olds_latest_supported_versions(tmp_path):
    old = source(apps=[app(versions=[TOO_NEW, version(version="1.0")]),
                       app(bundleIdentifier="com.b", versions=[TOO_NEW])])
    new = source(apps=[app(versions=[TOO_NEW, version(version="1.1"), version(version="1.0")]),
                       app(bundleIdentifier="com.b", versions=[TOO_NEW])])
    document = as_json(diff(tmp_path, old, new, "--format", "json"))
    assert document["installed"] == {
        "assumed": True, "notInstallable": ["com.b"],
        "apps": [{"bundleIdentifier": "com.a", "version": "1.0", "buildVersion": None}]}
    (update,) = document["updates"]
    assert (update["from"]["version"], update["to"]["version"]) == ("1.0", "1.1")
    (note,) = document["notifications"]
    assert note["body"] == "App 1.1 is now available for download."
    assert (note["repeat"], note["repeatsEveryRefresh"]) == (False, False)  # no build: once
    text = diff(tmp_path, old, new).stdout
    assert ("Installed (no --installed): every app of OLD at its latest version for iOS 17.0 "
            "(iphone), 1 apps.") in text
    assert "not installable there (no version of OLD supports it): com.b" in text
    # On an older iOS the latest supported version is another one
    older = as_json(diff(tmp_path, source(apps=[app(versions=[
        version(version="2.0", minOSVersion="16.0"), version(version="1.0")])]),
        source(apps=[app(versions=[version(version="1.0")])]), "--ios", "15.0", "--format",
        "json"))
    assert older["installed"]["apps"][0]["version"] == "1.0"
    assert older["notifications"] == []


def test_default_user_of_an_unchanged_source_gets_nothing(tmp_path):
    document = as_json(diff(tmp_path, NEW, NEW, "--format", "json"))
    assert [a["version"] for a in document["installed"]["apps"]] == ["1.1"]
    assert (document["notifications"], document["updates"], document["badge"]) == ([], [], 0)


# -- 2. the re-notify bug: the repeat is marked, with how to turn it off -----------------------

def test_the_repeat_the_bug_posts_is_marked(tmp_path):
    # NEW over itself for a user still on 1.0: the update with a build was pending already
    document = as_json(diff(tmp_path, NEW, NEW, "--installed", "com.a=1.0", "--format", "json"))
    (note,) = document["notifications"]
    assert (note["repeat"], note["repeatsEveryRefresh"]) == (True, True)
    assert document["renotifyBug"] == {"reproduced": True, "option": "--no-build-bug",
                                       "setting": "altsim settings --build-bug off"}
    lines = diff(tmp_path, NEW, NEW, "--installed", "com.a=1.0").stdout.splitlines()
    at = lines.index("  New Update Available: App 1.1 (7) is now available for download.")
    assert lines[at + 1] == ("    repeat: the same update was offered before NEW; posted again "
                             "at every background refresh until it is installed")
    assert ("  AltStore's re-notify bug: a pending update that has a buildVersion is posted at "
            "every background refresh. altsim reproduces it by default; --no-build-bug "
            "turns it off here, `altsim settings --build-bug off` in the simulator.") in lines


def test_a_first_update_with_a_build_will_repeat(tmp_path):
    document = as_json(diff(tmp_path, OLD, NEW, "--installed", "com.a=1.0", "--format", "json"))
    update = document["notifications"][0]
    assert (update["repeat"], update["repeatsEveryRefresh"]) == (False, True)
    text = diff(tmp_path, OLD, NEW, "--installed", "com.a=1.0").stdout
    assert "    posted again at every background refresh until it is installed\n" in text


def test_without_the_bug_nothing_is_marked(tmp_path):
    document = as_json(diff(tmp_path, OLD, NEW, "--installed", "com.a=1.0", "--no-build-bug",
                            "--format", "json"))
    assert document["renotifyBug"]["reproduced"] is False
    update = document["notifications"][0]
    assert (update["repeat"], update["repeatsEveryRefresh"]) == (False, False)
    text = diff(tmp_path, OLD, NEW, "--installed", "com.a=1.0", "--no-build-bug").stdout
    assert "re-notify bug" not in text
    assert "posted again" not in text


# -- 3. the content diff -----------------------------------------------------------------------

SHA_OLD, SHA_NEW = "a" * 64, "b" * 64
CONTENT_OLD = source(
    apps=[app(versions=[version(version="1.0", buildVersion="1", sha256=SHA_OLD),
                        version(version="0.9"), version(version="0.8", buildVersion="3")]),
          app(bundleIdentifier="com.gone", name="Gone")],
    news=[news(identifier="old", title="Old news"), news(identifier="kept")])
CONTENT_NEW = source(
    apps=[app(versions=[version(version="1.1"),
                        version(version="1.0", buildVersion="1", sha256=SHA_NEW, size=6,
                                downloadURL="https://example.com/1.0.ipa"),
                        version(version="0.9"),
                        # another build is another version
                        version(version="0.8", buildVersion="4")]),
          app(bundleIdentifier="com.new", name="New")],
    news=[news(identifier="kept"), news(identifier="fresh", title="Fresh", appID="com.new")])


def test_content_diff_json(tmp_path):
    content = as_json(diff(tmp_path, CONTENT_OLD, CONTENT_NEW, "--format", "json"))["content"]
    assert content["appsAdded"] == [{"bundleIdentifier": "com.new", "name": "New"}]
    assert content["appsRemoved"] == [{"bundleIdentifier": "com.gone", "name": "Gone"}]
    assert content["appsChanged"] == [{
        "bundleIdentifier": "com.a", "name": "App",
        "versionsAdded": [{"version": "1.1", "buildVersion": None},
                          {"version": "0.8", "buildVersion": "4"}],
        "versionsRemoved": [{"version": "0.8", "buildVersion": "3"}],
        "versionsChanged": [{"version": "1.0", "buildVersion": "1", "changes": {
            "downloadURL": {"old": "https://example.com/app.ipa",
                            "new": "https://example.com/1.0.ipa"},
            "size": {"old": 5_000_000, "new": 6},
            "sha256": {"old": SHA_OLD, "new": SHA_NEW}}}]}]
    assert content["newsAdded"] == [{"identifier": "fresh", "title": "Fresh",
                                     "appID": "com.new"}]
    assert content["newsRemoved"] == [{"identifier": "old", "title": "Old news", "appID": None}]
    only = as_json(diff(tmp_path, CONTENT_OLD, CONTENT_NEW, "--app", "com.new", "--format",
                        "json"))["content"]
    assert (only["appsChanged"], only["appsRemoved"], only["newsRemoved"]) == ([], [], [])
    assert [n["identifier"] for n in only["newsAdded"]] == ["fresh"]


def test_content_diff_text(tmp_path):
    text = diff(tmp_path, CONTENT_OLD, CONTENT_NEW).stdout
    body = text[text.index("Changes from OLD to NEW:"):].splitlines()
    assert body == [
        "Changes from OLD to NEW:",
        "  apps added: com.new (New)",
        "  apps removed: com.gone (Gone)",
        "  com.a (App): versions added 1.1, 0.8 (4); versions removed 0.8 (3)",
        "    1.0 (1): downloadURL https://example.com/app.ipa -> https://example.com/1.0.ipa; "
        f"size 5000000 -> 6; sha256 {SHA_OLD} -> {SHA_NEW}",
        "  news added: fresh (Fresh)",
        "  news removed: old (Old news)"]
    assert diff(tmp_path, NEW, NEW).stdout.endswith("Changes from OLD to NEW: none\n")


def test_content_diff_text_escapes_hostile_strings(tmp_path):
    hostile = "\x1b[2J\u202eevil\nfake line"
    new = source(apps=[app(), app(bundleIdentifier="com.x", name=hostile,
                                  versions=[version(version=hostile)])])
    run = diff(tmp_path, source(), new)
    assert run.returncode == 0, run.stderr
    assert "\x1b" not in run.stdout
    assert "\u202e" not in run.stdout
    assert "fake line" in run.stdout
    assert "\nfake line" not in run.stdout


# -- 4. a rejected OLD or NEW ------------------------------------------------------------------

BROKEN = dict(OLD, apps=[*OLD["apps"], app()])  # com.a twice: duplicateBundleID


def test_rejected_old_is_counted_from_no_copy(tmp_path):
    run = diff(tmp_path, BROKEN, NEW, "--installed", "com.a=1.0", "--format", "json")
    assert run.returncode == 0, run.stderr
    document = json.loads(run.stdout)
    assert document["old"]["accepted"] is False
    assert document["old"]["rejection"]["code"] == "duplicateBundleID"
    assert document["notificationsRelativeTo"] == "no copy"
    assert [n["kind"] for n in document["notifications"]] == ["update", "news"]
    assert document["removedApps"] is None  # unknown: the copy users have is not OLD
    assert [a["bundleIdentifier"] for a in document["content"]["appsRemoved"]] == ["com.gone"]
    text = diff(tmp_path, BROKEN, NEW, "--installed", "com.a=1.0").stdout.splitlines()
    assert text[0].startswith("OLD is rejected by AltStore 2.0rc (public code) "
                              "(duplicateBundleID: ")
    assert text[0].endswith("no user got it; each keeps their last good copy, which altsim "
                            "cannot know.")
    assert text[1].startswith("The refresh is counted from no copy: each notification below "
                              "is posted unless a user's last good copy already had it")


def test_rejected_old_without_installed_simulates_no_update(tmp_path):
    document = as_json(diff(tmp_path, BROKEN, NEW, "--format", "json"))
    assert document["installed"] == {"assumed": True, "apps": []}
    assert [n["kind"] for n in document["notifications"]] == ["news"]
    assert "No --installed: what users installed from an earlier copy is unknown" in diff(
        tmp_path, BROKEN, NEW).stdout


def test_old_that_is_not_json_has_no_content_diff(tmp_path):
    (tmp_path / "old.json").write_text("<html>", encoding="utf-8")
    run = altsim("diff", str(tmp_path / "old.json"), write(tmp_path, "new.json", NEW))
    assert run.returncode == 0, run.stderr
    assert ("Changes from OLD to NEW: cannot be listed, OLD is not a document the client can "
            "read.") in run.stdout


def test_rejected_new_posts_nothing(tmp_path):
    broken = dict(NEW, apps=[*NEW["apps"], app()])  # duplicate bundle IDs
    run = diff(tmp_path, OLD, broken, "--installed", "com.a=1.0")
    assert run.returncode == 1
    assert ("the background refresh fails, nothing is saved, nothing is posted. Users keep "
            "OLD; nothing changes for them.") in run.stdout
    assert "Changes in the file (users see none of them while NEW is rejected):" in run.stdout
    document = json.loads(diff(tmp_path, OLD, broken, "--installed", "com.a=1.0", "--format",
                               "json").stdout)
    assert (document["accepted"], document["notifications"]) == (False, [])
    assert document["rejection"]["code"] == "duplicateBundleID"
    assert [a["bundleIdentifier"] for a in document["content"]["appsRemoved"]] == ["com.gone"]
    both = diff(tmp_path, BROKEN, broken)
    assert both.returncode == 1
    assert "Users keep their last good copy; nothing changes for them." in both.stdout


def test_rejected_old_is_reported_and_unreadable_exits_2(tmp_path):
    run = altsim("diff", str(SAMPLES / "classic-mistakes.json"), str(SAMPLES / "clean.json"))
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("OLD is rejected by ")
    missing = altsim("diff", str(tmp_path / "nope.json"), str(SAMPLES / "clean.json"))
    assert missing.returncode == 2
    assert "Traceback" not in missing.stderr
