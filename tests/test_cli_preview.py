"""`altsim preview` and `altsim matrix` as a user runs them: real processes, files, HTTP."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .builders import app, news, source, version
from .conftest import IN_REPO_CORPUS, SAMPLES, Routes, altsim

CLEAN = SAMPLES / "clean.json"
MISTAKES = SAMPLES / "classic-mistakes.json"
OFFICIAL = IN_REPO_CORPUS / "altstoreio__AltStore__apps.json"
NOW = "2024-06-01T12:00:00Z"
VER_KEYS = {"version", "buildVersion", "localizedVersion", "date", "minOSVersion",
            "maxOSVersion"}


def preview(*args: str) -> dict[str, Any]:
    run = altsim("preview", *args, "--format", "json", "--now", NOW)
    assert run.returncode in (0, 1), run.stderr
    return json.loads(run.stdout)


def write(tmp_path: Path, doc: dict[str, Any], name: str = "source.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


def test_json_contract(tmp_path):
    doc = source(apps=[app(versions=[version(version="2.0", minOSVersion="17.0"),
                                     version(version="1.9")])],
                 news=[news(appID="com.a")])
    document = preview(write(tmp_path, doc), "--ios", "16.4", "--installed", "com.a=1.9")
    assert document["client"] == "altstore"
    assert document["device"] == {"ios": "16.4.0", "family": "iphone", "locale": "en_US",
                                  "timeZone": "UTC", "now": NOW}
    (entry,) = document["sources"]
    assert (entry["identifier"], entry["accepted"], entry["rejection"]) == (None, True, None)
    assert entry["featuredApps"] == ["com.a"]
    (row,) = entry["apps"]
    assert set(row["latestVersion"]) == VER_KEYS
    assert row["latestVersion"]["version"] == "2.0"
    assert row["latestSupportedVersion"]["version"] == "1.9"
    assert row["installed"] == {"version": "1.9", "buildVersion": None}
    assert row["update"] is None  # v36
    assert row["button"] == {"title": "OPEN", "enabled": True, "countdownTo": None}
    assert row["appPageButton"]["title"] == "UPDATE"
    assert row["install"]["outcome"] == "offer"  # as if not installed (v37)
    assert row["install"]["title"] == "Unsupported iOS Version"
    (item,) = document["news"]
    assert (item["appID"], item["opens"], item["date"]) == ("com.a", "app", "2023-02-17T00:00:00Z")


def test_rejected_source_has_no_apps():
    document = preview(str(MISTAKES))
    (entry,) = document["sources"]
    assert entry["accepted"] is False
    assert entry["rejection"]["code"] == "missingPermissionUsageDescription"
    assert entry["apps"] == []


def test_as_gives_the_identity_and_urls_have_one(tmp_path, server):
    path = write(tmp_path, source())
    document = preview(path, "--as", "https://www.Example.com/apps.json/")
    assert document["sources"][0]["identifier"] == "example.com/apps.json"  # behaviour.md 1.4
    Routes.routes = {"/apps.json": (200, Path(path).read_bytes())}
    document = preview(f"{server}/apps.json?v=2")
    assert document["sources"][0]["identifier"] == f"{server.split('://')[1]}/apps.json"


def test_patreon_options(tmp_path):
    doc = source(apps=[app(patreon={"pledge": 3}), app(bundleIdentifier="com.t",
                                                        patreon={"tiers": ["77"]})],
                 patreonURL="https://www.patreon.com/example")
    path = write(tmp_path, doc)
    nobody = {a["bundleIdentifier"]: a for a in preview(path)["sources"][0]["apps"]}
    assert nobody["com.a"]["button"]["title"] == "$3/mo"
    assert nobody["com.a"]["pledgeLabel"] == "Join Patreon"
    patron = {a["bundleIdentifier"]: a for a in
              preview(path, "--pledge", "1", "--tier", "77")["sources"][0]["apps"]}
    assert patron["com.a"]["button"]["title"] == "$3/mo"  # $1 < $3
    assert (patron["com.t"]["button"]["title"], patron["com.t"]["pledgeLabel"]) == (
        "INSTALL", "Pledged")


def test_official_source_as_an_ios_14_iphone_and_an_ios_17_ipad():
    if not OFFICIAL.exists():
        pytest.skip("the shared corpus is not here")
    iphone = altsim("preview", str(OFFICIAL), "--ios", "14.8", "--as", "https://apps.altstore.io",
                    "--now", "2023-10-01T12:00:00Z")
    assert iphone.returncode == 0
    assert "Delta [BETA]" in iphone.stdout
    assert "(hidden from this user)" in iphone.stdout  # behaviour.md 10.1: AltStore itself
    ipad = json.loads(altsim("preview", str(OFFICIAL), "--ios", "17.0", "--device", "ipad",
                             "--format", "json").stdout)
    beta = next(a for a in ipad["sources"][0]["apps"]
                if a["bundleIdentifier"] == "com.rileytestut.AltStore.Beta")
    assert {s["device"] for s in beta["screenshots"]} == {"ipad"}


def test_hostile_text_never_reaches_the_terminal(tmp_path):
    evil = "[/x]\x1b]52;c;aGk=\x07\x1b[2J\x9b31m"
    doc = source(name=evil, apps=[app(name=evil, developerName=evil,
                                      versions=[version(localizedDescription=evil)])],
                 news=[news(title=evil)])
    run = altsim("preview", write(tmp_path, doc), "--now", NOW)
    assert run.returncode == 0
    assert "\x1b" not in run.stdout
    assert "\x9b" not in run.stdout
    assert "[/x]" in run.stdout


@pytest.mark.parametrize("args", [
    pytest.param(["--tz", "Mars/Olympus"], id="tz"),
    pytest.param(["--locale", "xx_QQ"], id="locale"),
    pytest.param(["--now", "yesterday"], id="now"),
    pytest.param(["--now", "0001-01-01T00:00:00+05:00"], id="now-before-year-1-in-utc"),
    pytest.param(["--installed", "com.a"], id="installed"),
    pytest.param(["--installed-build", "com.a=5"], id="build-without-version"),
    pytest.param(["--pledge", "lots"], id="pledge"),
    pytest.param(["--as", "https://"], id="as-without-host"),
])
def test_bad_arguments_exit_2(args: list[str]):
    run = altsim("preview", str(CLEAN), *args)
    assert run.returncode == 2
    assert run.stderr.startswith("altsim preview: ") or "usage:" in run.stderr
    assert "Traceback" not in run.stderr


def test_matrix(tmp_path):
    doc = source(apps=[app(versions=[version(version="2.0", minOSVersion="17.0"),
                                     version(version="1.9", maxOSVersion="16")])])
    run = altsim("matrix", write(tmp_path, doc), "--ios", "15.8,16.0,16.4,17.0",
                 "--installed", "com.a=1.9", "--format", "json", "--now", NOW)
    assert run.returncode == 0
    document = json.loads(run.stdout)
    assert [c["ios"] for c in document["ios"]] == ["15.8.0", "16.0.0", "16.4.0", "17.0.0"]
    (row,) = document["apps"]
    seen = [c["latestSupportedVersion"] and c["latestSupportedVersion"]["version"]
            for c in row["cells"]]
    assert seen == ["1.9", "1.9", None, "2.0"]  # max "16" excludes 16.4 (v32)
    assert [bool(c["update"]) for c in row["cells"]] == [False, False, False, True]
    text = altsim("matrix", write(tmp_path, doc), "--ios", "16.4,17.0", "--installed",
                  "com.a=1.9").stdout
    assert "2.0 ↑" in text


def test_matrix_default_columns_and_json5_rejection():
    run = altsim("matrix", str(MISTAKES), "--format", "json")
    assert run.returncode == 1
    columns = json.loads(run.stdout)["ios"]
    assert columns[0]["ios"] == "12.5.7"
    assert {c["rejection"]["code"] for c in columns if c["ios"] < "15"} == {"jsonSyntax"}


def test_help():
    for command in ("preview", "matrix"):
        run = altsim(command, "--help")
        assert run.returncode == 0
        assert "--installed" in run.stdout


def test_showcase_sample_shows_every_behaviour():
    showcase = str(SAMPLES / "showcase.json")
    assert altsim("check", showcase).returncode == 0

    def apps(*args: str) -> dict[str, Any]:
        run = altsim("preview", showcase, "--now", "2026-01-01T00:00:00Z", "--format", "json",
                     *args)
        return {a["bundleIdentifier"]: a for a in json.loads(run.stdout)["sources"][0]["apps"]}

    old = apps("--ios", "14.8")
    new = apps("--ios", "17.4", "--installed", "com.example.showcase.ladder=1.0")
    assert old["com.example.showcase.ladder"]["latestSupportedVersion"]["version"] == "1.0"
    assert new["com.example.showcase.ladder"]["update"]["version"] == "3.0"
    assert new["com.example.showcase.tomorrow"]["button"]["enabled"] is False
    assert new["com.example.showcase.pledge"]["button"]["title"] == "€4.5/mo"
    assert new["com.example.showcase.hidden"]["visible"] is False
    tinted = new["com.example.showcase.tomorrow"]["tint"]
    assert (tinted["stored"], tinted["shown"]) == ("#FFFFFF", "#D9D9D9")
    # behaviour.md 2.5: too-dark tints are raised to brightness 0.35 in dark mode only
    dim = new["com.example.showcase.ladder"]["tint"]
    assert (dim["shown"], dim["dark"]) == ("#111111", "#595959")


@pytest.mark.parametrize("tz", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_dates_at_the_ends_of_time_in_every_time_zone(tmp_path, tz):
    """Foundation's dates have no year limit; Python's stop at 1 and 9999 (behaviour.md 3.1)."""
    doc = source(apps=[app(versions=[version(date="9999-12-31T23:59:59-05:00"),
                                     version(version="0.9", date="0001-01-01T00:00:00+01:00")])],
                 news=[news(identifier="end", date="9999-12-31"),
                       news(identifier="start", date="0001-01-01")])
    path = write(tmp_path, doc)
    for run in (altsim("check", path), altsim("preview", path, "--tz", tz),
                altsim("matrix", path, "--tz", tz, "--ios", "14.0,17.0")):
        assert run.returncode == 0, run.stderr
    document = preview(path, "--tz", tz)
    assert [item["identifier"] for item in document["news"]] == ["end", "start"]
