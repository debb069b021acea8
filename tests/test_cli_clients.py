"""Every client in one run (`--client all`, `--client a,b`) for check, preview and matrix, and
`--client` given once, as a user runs the commands: real processes, files, a real HTTP server."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from altsim.core.profiles import PROFILES

from .conftest import SAMPLES, Routes, altsim

CLEAN = SAMPLES / "clean.json"
MISTAKES = SAMPLES / "classic-mistakes.json"
NOW = "2024-06-01T12:00:00Z"
ALL = list(PROFILES)


class CountedRoutes(dict[str, tuple[int, bytes]]):
    """`Routes.routes` that counts the requests for each path."""

    def __init__(self, routes: dict[str, tuple[int, bytes]]) -> None:
        super().__init__(routes)
        self.requests: dict[str, int] = {}

    def get(self, path: str, default: Any = None) -> Any:  # what Routes.do_GET calls
        self.requests[path] = self.requests.get(path, 0) + 1
        return super().get(path, default)


# -- check -------------------------------------------------------------------------------------

def test_check_all_gives_one_result_per_source_and_client():
    run = altsim("check", "--client", "all", str(MISTAKES), str(CLEAN), "--format", "json")
    assert run.returncode == 1
    document = json.loads(run.stdout)
    assert "client" not in document  # kept only when one client is asked
    assert document["clients"] == ALL
    results = document["results"]
    # each client's results together, in PROFILES order; the inputs in theirs
    assert [(r["client"], r["input"]) for r in results] == [
        (client, str(path)) for client in ALL for path in (MISTAKES, CLEAN)]
    verdicts = {(r["client"], r["input"]): r for r in results}
    assert verdicts["altstore", str(CLEAN)]["accepted"] is True
    assert verdicts["altstore-pal", str(CLEAN)]["rejection"]["code"] == "marketplaceRequired"
    assert verdicts["altstore", str(MISTAKES)]["rejection"]["code"] == (
        "missingPermissionUsageDescription")


def test_check_with_one_client_keeps_the_contract_and_gains_clients():
    document = json.loads(altsim("check", str(CLEAN), "--format", "json").stdout)
    assert (document["client"], document["clients"]) == ("altstore", ["altstore"])
    assert [r["client"] for r in document["results"]] == ["altstore"]
    listed = json.loads(altsim("check", str(CLEAN), "--client", "sidestore",
                               "--format", "json").stdout)
    assert (listed["client"], listed["clients"]) == ("sidestore", ["sidestore"])


def test_a_comma_list_keeps_its_order_once_each():
    document = json.loads(altsim("check", str(CLEAN), "--client", "sidestore, altstore,sidestore",
                                 "--format", "json").stdout)
    assert document["clients"] == ["sidestore", "altstore"]
    assert [r["client"] for r in document["results"]] == ["sidestore", "altstore"]


def test_exit_status_is_over_every_source_and_client():
    assert altsim("check", str(CLEAN), "--client", "altstore,altstore-1.7").returncode == 0
    # PAL rejects a Classic source; the others accept it
    assert altsim("check", str(CLEAN), "--client", "altstore,altstore-pal").returncode == 1
    strict = altsim("check", str(CLEAN), "--client", "altstore,sidestore", "--strict")
    assert strict.returncode == (1 if "warning " in strict.stdout else 0)


def test_the_text_summary_has_sources_as_rows_and_clients_as_columns(tmp_path):
    missing = tmp_path / "missing.json"
    run = altsim("check", "--client", "all", str(MISTAKES), str(CLEAN), str(missing))
    assert run.returncode == 2
    assert run.stderr.count("cannot read") == 1  # one input, read once
    before, *per_source, summary = run.stdout.split("\nSummary: ")
    # each client's result as with one client, the client named on its verdict line
    for profile in PROFILES.values():
        assert f"{MISTAKES}: REJECTED by {profile.title} on iOS 17.0" in before
    # one table per source, a row per client with the client's own message
    mistakes = per_source[0].splitlines()
    assert mistakes[0].startswith(f"{MISTAKES} on iOS 17.0, client by client")
    rows = {line.split()[0]: line for line in mistakes[1:] if not line.startswith(" ")}
    assert list(rows) == ALL
    assert "The privacy permission 'NSCameraUsageDescription' for Camera Plus is missing a " \
        "usage description." in rows["altstore"]
    header, *grid, legend = summary.splitlines()[1:]
    assert header.split() == ["source", "\\", "client", *ALL]
    assert legend.startswith("+Nw: N warnings")
    by_input = {row.split()[0]: row for row in grid}
    assert list(by_input) == [str(MISTAKES), str(CLEAN), str(missing)]
    assert "rejected (missingPermissionUsageDescription)" in by_input[str(MISTAKES)]
    clean = by_input[str(CLEAN)]
    assert clean.split()[1] == "accepted"  # altstore: no warning
    assert "rejected (marketplaceRequired)" in clean  # altstore-pal
    assert by_input[str(missing)].split()[1:] == ["unreadable"] * len(ALL)


def test_no_summary_for_one_client():
    run = altsim("check", str(CLEAN), str(MISTAKES))
    assert "Summary" not in run.stdout


def test_github_titles_name_the_client_when_several_are_asked(tmp_path):
    missing = str(tmp_path / "missing.json")
    several = altsim("check", "--client", "altstore,sidestore", str(MISTAKES), missing,
                     "--format", "github").stdout.splitlines()
    assert any(",title=altsim missingPermissionUsageDescription (altstore)::" in line
               for line in several)
    assert any(" (sidestore)::" in line for line in several)
    assert sum(line.startswith(f"::error file={missing}::") for line in several) == 1
    one = altsim("check", str(MISTAKES), "--format", "github").stdout
    assert ",title=altsim missingPermissionUsageDescription::" in one
    assert "(altstore)" not in one


def test_each_url_is_fetched_once_for_every_client(server):
    Routes.routes = routes = CountedRoutes({"/broken.json": (500, CLEAN.read_bytes())})
    run = altsim("check", "--client", "all", f"{server}/broken.json", "--format", "json")
    assert routes.requests == {"/broken.json": 1}
    results = json.loads(run.stdout)["results"]
    assert [r["client"] for r in results] == ALL
    for result in results:  # the server's status is on every client's result: a warning where
        # the client decodes the body anyway, its rejection where it stops (LiveContainer)
        stops = PROFILES[result["client"]].http_status_is_error
        assert result["diagnostics"][0]["code"] == ("httpStatus" if stops else "http-status")


# -- preview and matrix -------------------------------------------------------------------------

def test_preview_of_several_clients(server):
    Routes.routes = routes = CountedRoutes({"/apps.json": (200, CLEAN.read_bytes())})
    url = f"{server}/apps.json"
    run = altsim("preview", url, "--client", "altstore,altstore-pal", "--format", "json",
                 "--now", NOW)
    assert run.returncode == 1  # the PAL build rejects the Classic source
    assert routes.requests == {"/apps.json": 1}
    document = json.loads(run.stdout)
    assert list(document) == ["results"]
    altstore, pal = document["results"]
    # each is the single-client document
    alone = json.loads(altsim("preview", url, "--format", "json", "--now", NOW).stdout)
    assert altstore == alone
    assert pal["client"] == "altstore-pal"
    assert pal["sources"][0]["rejection"]["code"] == "marketplaceRequired"

    text = altsim("preview", str(CLEAN), "--client", "all", "--now", NOW)
    assert text.returncode == 1
    titles = [line[2:] for line in text.stdout.splitlines() if line.startswith("# ")]
    assert titles == [profile.title for profile in PROFILES.values()]
    one = altsim("preview", str(CLEAN), "--now", NOW).stdout
    assert "#" * 78 not in one
    assert text.stdout.split("#" * 78 + "\n")[2] == one + "\n"  # each as it is alone


def test_matrix_of_several_clients():
    run = altsim("matrix", str(CLEAN), "--client", "all", "--ios", "15.8,17.0", "--format",
                 "json", "--now", NOW)
    assert run.returncode == 1  # the PAL build rejects it
    results = json.loads(run.stdout)["results"]
    assert [doc["client"] for doc in results] == ALL
    assert [c["ios"] for c in results[0]["ios"]] == ["15.8.0", "17.0.0"]
    assert altsim("matrix", str(CLEAN), "--client", "altstore,sidestore").returncode == 0
    text = altsim("matrix", str(CLEAN), "--client", "altstore,sidestore", "--ios", "17.0").stdout
    assert "# AltStore 2.0rc (public code)\n" in text
    assert "# SideStore 0.6\n" in text
    single = altsim("matrix", str(CLEAN), "--ios", "17.0", "--format", "json", "--now", NOW)
    assert "results" not in json.loads(single.stdout)


def test_preview_and_matrix_warn_of_a_non_2xx_status_and_use_the_body(server):
    Routes.routes = {"/apps.json": (500, CLEAN.read_bytes())}
    for command in ("preview", "matrix"):
        run = altsim(command, f"{server}/apps.json", "--now", NOW)
        assert run.returncode == 0, run.stderr
        assert run.stderr == (f"altsim {command}: warning: {server}/apps.json: HTTP 500 Internal "
                              "Server Error: the client ignores the status and decodes the body "
                              "anyway\n")


# -- --client is given once, and names clients -------------------------------------------------

SEVERAL = [["check", str(CLEAN)], ["preview", str(CLEAN)], ["matrix", str(CLEAN)]]
ONE = [["diff", str(CLEAN), str(CLEAN)], ["verify", str(CLEAN)]]


@pytest.mark.parametrize("command", SEVERAL + ONE, ids=lambda c: c[0])
def test_client_given_twice_is_a_usage_error(command: list[str]):
    run = altsim(*command, "--client", "altstore", "--client", "sidestore")
    assert run.returncode == 2
    hint = ("use a comma list, --client altstore,sidestore" if command in SEVERAL
            else "this command simulates one client")
    assert run.stderr == f"altsim {command[0]}: --client given twice: {hint}\n"
    assert run.stdout == ""


@pytest.mark.parametrize("command", SEVERAL + ONE, ids=lambda c: c[0])
def test_an_unknown_client_is_one_line_naming_the_valid_ones(command: list[str]):
    run = altsim(*command, "--client", "altstore,cydia")
    assert run.returncode == 2
    (line,) = run.stderr.splitlines()
    assert line.startswith(f"altsim {command[0]}: --client 'altstore,cydia': ")
    assert ", ".join(ALL) in line


@pytest.mark.parametrize("value", ["all", "altstore,sidestore"])
@pytest.mark.parametrize("command", ONE, ids=lambda c: c[0])
def test_diff_and_verify_take_one_client(command: list[str], value: str):
    run = altsim(*command, "--client", value)
    assert run.returncode == 2
    assert run.stderr == (f"altsim {command[0]}: --client {value!r}: this command simulates one "
                          f"client; choose one of {', '.join(ALL)}\n")


@pytest.mark.parametrize(("value", "says"), [
    ("cydia", "--client 'cydia': unknown client; choose from"),
    ("altstore,", "--client 'altstore,': an empty name in the list; choose from"),
    ("all,altstore", "--client 'all,altstore': unknown client 'all'; choose from"),
])
def test_bad_client_lists(value: str, says: str):
    run = altsim("check", str(CLEAN), f"--client={value}")
    assert run.returncode == 2
    assert run.stderr == (f"altsim check: {says} {', '.join(ALL)}, a comma list of them, or "
                          "all\n")


@pytest.mark.parametrize("command", ["check", "preview", "matrix", "diff", "verify"])
def test_help_shows_the_client_option_and_an_example(command: str):
    run = altsim(command, "--help")
    several = "--client NAME[,NAME…]|all" in run.stdout
    assert several == (command in ("check", "preview", "matrix"))
    assert several or "--client NAME " in run.stdout
    assert re.search(rf"\nexamples?:\n  altsim {command} ", run.stdout)
