"""Feather, Ksign and LiveContainer through the command line, as a maintainer runs it."""

from __future__ import annotations

import json
from pathlib import Path

from altsim.core.profiles import PROFILES

from .builders import app, source, version
from .conftest import SAMPLES, Routes, altsim


def test_check_all_gives_every_clients_verdict_in_its_own_words() -> None:
    run = altsim("check", "--client", "all", str(SAMPLES / "classic-mistakes.json"))
    assert run.returncode == 1
    table = run.stdout.split("client by client")[1].splitlines()[1:]
    rows = {line.split()[0]: line for line in table if line and not line.startswith(" ")}
    assert list(rows) == list(PROFILES)
    assert "Failed to parse data: The data couldn’t be read because it isn’t in the correct " \
        "format." in rows["feather"]  # JSON5: a plain JSONDecoder
    assert rows["livecontainer"].endswith(
        ": The data couldn’t be read because it isn’t in the correct format.")


def test_livecontainer_offers_the_first_version_it_can_download(tmp_path: Path) -> None:
    no_download = version(version="2.0")
    del no_download["downloadURL"]
    path = tmp_path / "apps.json"
    path.write_text(json.dumps(source(apps=[app(versions=[no_download, version()])])))
    run = altsim("preview", "--client", "livecontainer", "--format", "json", str(path))
    assert run.returncode == 0, run.stderr
    offered = json.loads(run.stdout)["sources"][0]["apps"][0]
    assert offered["latestSupportedVersion"]["version"] == "1.0"
    text = altsim("preview", "--client", "livecontainer", str(path)).stdout
    assert "This client shows no news" in text.splitlines()[1]
    # AltStore refuses the source outright: a version needs its downloadURL
    assert altsim("preview", str(path)).returncode == 1


def test_feather_offers_a_version_whatever_its_minimum_ios(tmp_path: Path) -> None:
    path = tmp_path / "apps.json"
    path.write_text(json.dumps(source(apps=[app(versions=[
        version(version="2.0", minOSVersion="99.0"), version()])])))
    cells = {}
    for client in ("altstore", "feather"):
        run = altsim("matrix", "--client", client, "--ios", "14.8", "--format", "json", str(path))
        cells[client] = json.loads(run.stdout)["apps"][0]["cells"][0]
    assert cells["altstore"]["latestSupportedVersion"]["version"] == "1.0"
    assert cells["feather"]["latestSupportedVersion"]["version"] == "2.0"


def test_livecontainer_stops_at_an_http_error(server: str) -> None:
    Routes.routes = {"/apps.json": (404, b"<html>Not Found</html>")}
    run = altsim("check", "--client", "livecontainer", "--format", "json", f"{server}/apps.json")
    result = json.loads(run.stdout)["results"][0]
    assert run.returncode == 1
    assert result["rejection"]["message"] == "HTTP 404"
    assert "http-status" not in [d["code"] for d in result["diagnostics"]]
    feather = altsim("check", "--client", "feather", "--format", "json", f"{server}/apps.json")
    codes = [d["code"] for d in json.loads(feather.stdout)["results"][0]["diagnostics"]]
    assert "http-status" in codes  # Feather decodes the page, and fails on it as JSON


def test_a_date_feather_cannot_read_is_no_date(tmp_path: Path) -> None:
    path = tmp_path / "apps.json"
    path.write_text(json.dumps(source(apps=[app(versions=[version(date="05/01/2024")])])))
    run = altsim("preview", "--client", "feather", "--format", "json", str(path))
    offered = json.loads(run.stdout)["sources"][0]["apps"][0]
    assert offered["latestVersion"]["date"] is None  # `try?`: the date is dropped (T9)
    text = altsim("preview", "--client", "feather", str(path)).stdout
    assert "Version 1.0 · no date ·" in text
