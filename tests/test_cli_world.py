"""The world commands as a user runs them: real processes, a real state directory, a real
HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from typing import Any

import pytest

from .builders import app, news, source, version
from .conftest import Routes, altsim


@pytest.fixture
def home(tmp_path) -> dict[str, str]:
    return {**os.environ, "ALTSIM_HOME": str(tmp_path / "home")}


def serve(doc: dict[str, Any]) -> tuple[int, bytes]:
    return 200, json.dumps(doc).encode()


def run(env: dict[str, str], *args: str) -> Any:
    return altsim(*args, env=env)


def test_a_user_session(home, server):
    Routes.routes = {"/apps.json": serve(source(apps=[app(versions=[version(version="1.0")])]))}
    url = f"{server}/apps.json"
    assert run(home, "sources", "add", url).returncode == 1  # no answer: not added
    added = run(home, "sources", "add", url, "--yes")
    assert added.returncode == 0, added.stderr
    duplicate = run(home, "sources", "add", url + "?v=2", "--yes")
    assert "A source with the identifier" in duplicate.stderr
    assert run(home, "install", "com.a").returncode == 0
    Routes.routes["/apps.json"] = serve(source(
        apps=[app(versions=[version(version="1.1", buildVersion="7"), version(version="1.0")])],
        news=[news(identifier="n", title="Big news", notify=True)]))
    first = json.loads(run(home, "refresh", "--background", "--format", "json").stdout)
    assert [n["title"] for n in first["notifications"]] == ["New Update Available",
                                                             "AltStore News"]
    assert first["badge"] == 1
    again = run(home, "refresh", "--background").stdout
    assert "[New Update Available] App 1.1 (7) is now available for download." in again
    assert "Big news" not in again  # news once; the update again (the build bug, behaviour.md 9.3)
    assert run(home, "update", "com.a").returncode == 0
    installed = json.loads(run(home, "installed", "--format", "json").stdout)
    assert installed[0]["version"] == "1.1"
    rows = json.loads(run(home, "sources", "list", "--format", "json").stdout)
    assert rows[0]["apps"] == 1


def test_changing_the_ios_version_changes_what_is_offered(home, server):
    versions = [version(version="2.0", minOSVersion="17.0"), version(version="1.0")]
    Routes.routes = {"/apps.json": serve(source(apps=[app(versions=versions)]))}
    run(home, "sources", "add", f"{server}/apps.json", "--yes")
    run(home, "device", "--ios", "16.4")
    offer = run(home, "install", "com.a")
    assert offer.returncode == 1
    assert "Unsupported iOS Version" in offer.stdout
    assert run(home, "install", "com.a", "--yes").returncode == 0
    run(home, "device", "--ios", "17.0")
    assert "2.0" in run(home, "update", "com.a").stdout


def test_corrupt_state_is_set_aside(home, tmp_path):
    state = tmp_path / "home"
    state.mkdir()
    (state / "state.json").write_text("{not json")
    listed = run(home, "sources", "list")
    assert listed.returncode == 0
    assert "state.json" in listed.stderr
    assert any(p.name.startswith("state.json.corrupt-") for p in state.iterdir())


def test_settings_commands(home):
    assert "sidestore" in run(home, "client", "sidestore").stdout
    assert "Active patron: 3" in run(home, "patron", "--pledge", "3").stdout
    assert "No Patreon account" in run(home, "patron", "--none").stdout
    moved = run(home, "device", "--ios", "15.2", "--device", "ipad", "--now",
                "2030-01-01T00:00:00Z")
    assert "iOS 15.2.0 (ipad)" in moved.stdout
    assert "2030-01-01" in moved.stdout
    assert run(home, "device", "--tz", "Mars/Base").returncode == 2


@pytest.mark.parametrize("args", [
    ("device", "--clock-offset", "1e308"), ("device", "--clock-offset", "inf"),
    ("device", "--clock-offset", "nan"), ("device", "--clock-offset", "900000"),
    ("device", "--now", "0001-01-01T00:00:00+01:00"), ("device", "--now", "9999-12-31T23:00:00"),
    ("settings", "--interval", "99999999999999999999"), ("settings", "--interval", "0"),
], ids=lambda args: " ".join(args))
def test_a_value_the_world_cannot_keep_is_refused_and_the_world_kept(home, tmp_path, args):
    """Such values once reached the state file, which the next run then set aside as corrupt:
    the user lost their world to a typo."""
    assert run(home, "patron", "--pledge", "3").returncode == 0
    refused = run(home, *args)
    assert refused.returncode == 2
    assert "Traceback" not in refused.stderr
    listed = run(home, "patron")
    assert "Active patron: 3" in listed.stdout
    assert listed.stderr == ""
    assert [p.name for p in (tmp_path / "home").iterdir() if "corrupt" in p.name] == []


def test_build_bug_switch_and_watching(home, server):
    versions = [version(version="1.1", buildVersion="7"), version(version="1.0")]
    Routes.routes = {"/apps.json": serve(source(apps=[app(versions=[version()])]))}
    run(home, "sources", "add", f"{server}/apps.json", "--yes")
    run(home, "install", "com.a")
    Routes.routes["/apps.json"] = serve(source(apps=[app(versions=versions)]))
    assert "New Update Available" in run(home, "refresh", "--background").stdout
    assert "build bug: off" in run(home, "settings", "--build-bug", "off").stdout
    assert "dark mode: on" in run(home, "settings", "--dark-mode", "on").stdout
    assert "No notifications." in run(home, "refresh", "--background").stdout
    watch = subprocess.Popen([sys.executable, "-m", "altsim", "refresh", "--background",
                              "--every", "0.004"], env=home, stdout=subprocess.PIPE, text=True)
    time.sleep(2.5)
    watch.send_signal(signal.SIGINT)
    out, _ = watch.communicate(timeout=10)
    assert out.count("Badge: 1") >= 3  # the first refresh, then one every 0.24 s
