"""No source can write to the terminal: every command, in every format, run as a real process
over a source whose every shown field holds C0 and C1 controls, ESC sequences, DEL, the
bidirectional controls, U+2028/U+2029 and a lone surrogate. The bytes on stdout and stderr hold
none of them raw, JSON parses and gives the original strings back, and nothing crashes."""

from __future__ import annotations

import hashlib
import json
import os
import plistlib
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from altsim.core import fast_decode, safe_text
from altsim.core.safe_text import control_character_note, json_dumps, printable, terminal_text

from .builders import app, news, source, version
from .conftest import Routes
from .ipa_builders import ipa, macho

# Everything a terminal must not receive raw; one lone surrogate last.
CONTROLS = ("\x01\x1b[2J\x1b]0;pwned\x07\x9b31m\x9d0;osc\x9c\x7f\r\u202eevil\u2066\u2067\u2068"
            "\u2069\u061c\u200e\u200f\u202a\u202b\u202c\u202d")
SEPARATORS = "\u2028\u2029"
BAD = "A" + CONTROLS + SEPARATORS + "\ud800Z"
BAD_PLIST = "A" + CONTROLS + SEPARATORS + "Z"  # a plist cannot hold a lone surrogate
# Binary: an XML plist cannot hold C0 controls.
ENTITLEMENTS = plistlib.dumps({BAD_PLIST: True}, fmt=plistlib.FMT_BINARY)

# The forbidden characters as UTF-8 bytes (a surrogate as Python's surrogatepass writes it).
FORBIDDEN = re.compile(
    rb"[\x00-\x08\x0b-\x1f\x7f]"  # C0 but tab and line feed (ESC among them), DEL
    rb"|\xc2[\x80-\x9f]"  # C1
    rb"|\xd8\x9c|\xe2\x80[\x8e\x8f\xa8\xa9\xaa-\xae]|\xe2\x81[\xa6-\xa9]"  # bidi, U+2028/9
    rb"|\xed[\xa0-\xbf]")  # surrogates
FORBIDDEN_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029"
                            "\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def injection_source(download_url: str = "https://example.com/app.ipa") -> dict[str, Any]:
    """Every field the client shows holds BAD."""
    permissions = {"entitlements": [BAD], "privacy": {"NSCameraUsageDescription": BAD}}
    versions = [version(version=BAD, buildVersion=BAD, localizedDescription=BAD,
                        downloadURL=download_url, date="2023-03-01"),
                version(version="1.0", localizedDescription=BAD, date="2023-02-01",
                        downloadURL=download_url)]
    return source(
        name=BAD, subtitle=BAD, description=BAD, website=f"https://example.com/{BAD}",
        identifier=f"inject.{BAD}",
        apps=[app(name=BAD, bundleIdentifier="com.inject", developerName=BAD, subtitle=BAD,
                  localizedDescription=BAD, versions=versions, appPermissions=permissions),
              app(name="Second", bundleIdentifier=f"com.{BAD}", developerName=BAD,
                  subtitle=BAD, localizedDescription=BAD, versions=versions)],
        news=[news(identifier=f"n.{BAD}", title=BAD, caption=BAD, notify=True,
                   appID="com.inject", url=f"https://example.com/{BAD}")])


def encoded(document: dict[str, Any]) -> bytes:
    """JSON text as a source writes it: ASCII, so the lone surrogate is a valid \\ud800
    escape."""
    return json.dumps(document).encode()


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "ALTSIM_HOME": str(tmp_path / "home"), "NO_COLOR": "1",
            "PYTHONIOENCODING": "utf-8"}


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    clean = source(name="Clean", apps=[app(bundleIdentifier="com.inject")])
    paths = {"bad": tmp_path / "bad.json", "clean": tmp_path / "clean.json"}
    paths["bad"].write_bytes(encoded(injection_source()))
    paths["clean"].write_bytes(encoded(clean))
    return {name: str(path) for name, path in paths.items()}


def run(env: dict[str, str], *args: str, codes: tuple[int, ...] = (0,),
        stdin: bytes = b"") -> bytes:
    """The command's stdout, after checking both streams and the exit status."""
    done = subprocess.run([sys.executable, "-m", "altsim", *args], capture_output=True,
                          env=env, timeout=120, input=stdin)
    for name, stream in (("stdout", done.stdout), ("stderr", done.stderr)):
        found = FORBIDDEN.search(stream)
        assert found is None, (args, name, found, stream[max(0, found.start() - 80):][:200])
        assert b"Traceback" not in stream, (args, stream.decode(errors="replace"))
        stream.decode("utf-8")  # strict: nothing but well-formed UTF-8
    assert done.returncode in codes, (args, done.returncode, done.stderr.decode())
    return done.stdout


def strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*strings(k), *strings(v))]
    if isinstance(value, list):
        return [s for item in value for s in strings(item)]
    return []


def round_trips(stdout: bytes, expected: str = BAD) -> Any:
    """The JSON parses and holds ``expected`` among its strings, character for character."""
    document = json.loads(stdout)
    assert any(expected in text for text in strings(document)), stdout[:400]
    return document


# -- the commands over a file ----------------------------------------------------------------

def test_check_in_every_format(env, files, tmp_path):
    for fmt in ("text", "github"):
        run(env, "check", files["bad"], "--format", fmt, codes=(0, 1))
    json.loads(run(env, "check", files["bad"], "--format", "json", codes=(0, 1)))
    spoofed = tmp_path / "spoofed.json"
    spoofed.write_bytes(encoded(source(apps=[app(name="Safe\u202egnp.exe")])))
    document = json.loads(run(env, "check", str(spoofed), "--format", "json"))
    notes = [(d["pointer"], d["message"]) for r in document["results"]
             for d in r["diagnostics"]]
    assert ("/apps/0/name", "contains bidirectional control U+202E at offset 4, which "
            "reorders the text the client shows") in notes, notes


def test_check_of_several_clients(env, files):
    run(env, "check", files["bad"], "--client", "all", codes=(0, 1))
    json.loads(run(env, "check", files["bad"], "--client", "all", "--format", "json",
                   codes=(0, 1)))


def test_preview_in_every_format(env, files):
    run(env, "preview", files["bad"])
    round_trips(run(env, "preview", files["bad"], "--format", "json"))
    # Some clients reject it (exit 1): PAL asks for a marketplaceID, SideStore 0.5 for a
    # version on the app.
    round_trips(run(env, "preview", files["bad"], "--format", "json", "--client", "all",
                    codes=(1,)))
    run(env, "preview", files["bad"], "--client", "all", codes=(1,))


def test_preview_json_of_a_large_source(env, tmp_path):
    """A source past the fast path's size (fast_decode.FAST_FROM): msgspec is loaded, and it
    writes the page unless a string of the page is one it refuses. BAD without its lone
    surrogate is written by msgspec, BAD itself by json; both escaped alike."""
    padding = [app(bundleIdentifier=f"com.pad{i}", localizedDescription="x" * 300,
                   versions=[version(version=f"1.{j}") for j in range(6)]) for i in range(2000)]
    for name in (BAD.replace("\ud800", ""), BAD):
        big = tmp_path / "big.json"
        big.write_bytes(encoded(source(apps=[app(name=name, subtitle=name), *padding])))
        assert big.stat().st_size > fast_decode.FAST_FROM
        round_trips(run(env, "preview", str(big), "--format", "json"), name)


def test_matrix_in_every_format(env, files):
    run(env, "matrix", files["bad"], codes=(0, 1))
    round_trips(run(env, "matrix", files["bad"], "--format", "json", codes=(0, 1)), "\ud800")


def test_diff_in_every_format(env, files):
    args = ("diff", files["clean"], files["bad"], "--installed", "com.inject=0.1")
    run(env, *args)
    round_trips(run(env, *args, "--format", "json"))


def test_a_hostile_argument_in_an_error_message(env, files):
    run(env, "device", "--locale", CONTROLS, codes=(2,))
    run(env, "preview", files["bad"], "--ios", CONTROLS, codes=(2,))


def test_an_ascii_terminal_gets_no_crash(env, files):
    """A stream that cannot encode the text: replaced, never a UnicodeEncodeError."""
    run({**env, "PYTHONIOENCODING": "ascii"}, "preview", files["bad"])
    run({**env, "PYTHONIOENCODING": "ascii"}, "check", files["bad"], codes=(0, 1))


# -- verify and permissions --------------------------------------------------------------------

def test_verify_in_every_format(env, server, tmp_path):
    archive = ipa(info={"CFBundleIdentifier": BAD_PLIST, "CFBundleShortVersionString":
                        BAD_PLIST, "CFBundleVersion": BAD_PLIST,
                        "NSContactsUsageDescription": BAD_PLIST},
                  executable=macho(ENTITLEMENTS), binary_plist=True)
    assert isinstance(archive, bytes)
    Routes.routes = {"/x.ipa": (200, archive)}
    document = injection_source(f"{server}/x.ipa")
    document["apps"][0]["versions"][0]["sha256"] = hashlib.sha256(b"other").hexdigest()
    path = tmp_path / "verify.json"
    path.write_bytes(encoded(document))
    for fmt in ("text", "github"):
        run(env, "verify", str(path), "--app", "com.inject", "--all", "--format", fmt,
            codes=(1,))
    round_trips(run(env, "verify", str(path), "--app", "com.inject", "--all", "--format",
                    "json", codes=(1,)), BAD_PLIST)
    run(env, "verify", str(path), "--app", CONTROLS, codes=(2,))


def test_permissions(env, tmp_path):
    archive = tmp_path / "x.ipa"
    ipa(archive, info={"CFBundleIdentifier": BAD_PLIST, "CFBundleDisplayName": BAD_PLIST,
                       "NSCameraUsageDescription": BAD_PLIST, "NSContactsUsageDescription": ""},
        executable=macho(ENTITLEMENTS), binary_plist=True)
    round_trips(run(env, "permissions", str(archive)), BAD_PLIST)


# -- the world: sources, refresh, apps ---------------------------------------------------------

def test_the_world_commands(env, files, server):
    bad = injection_source()
    Routes.routes = {"/apps.json": (200, encoded(bad))}
    url = f"{server}/apps.json"
    run(env, "sources", "add", url, stdin=b"n\n", codes=(1,))
    run(env, "sources", "add", url, "--yes")
    run(env, "sources", "add", files["bad"], "--yes", codes=(0, 1))
    run(env, "sources", "list")
    round_trips(run(env, "sources", "list", "--format", "json"))
    run(env, "install", "com.inject", "--yes", codes=(0, 1))
    run(env, "installed")
    json.loads(run(env, "installed", "--format", "json"))

    # A newer version and a news item: the background refresh posts them.
    bad["apps"][0]["versions"].insert(0, version(version="9.0", date="2023-04-01",
                                                 localizedDescription=BAD))
    bad["news"].append(news(identifier=f"n2.{BAD}", title=BAD, caption=BAD, notify=True))
    Routes.routes = {"/apps.json": (200, encoded(bad))}
    run(env, "refresh", "--background")
    Routes.routes = {"/apps.json": (200, encoded(bad | {"news": bad["news"] + [
        news(identifier=f"n3.{BAD}", title=BAD, caption=BAD, notify=True)]}))}
    round_trips(run(env, "refresh", "--background", "--format", "json"))

    # An error whose text quotes the source: a value the client refuses.
    Routes.routes = {"/apps.json": (200, encoded(source(name=BAD, apps=[app(
        bundleIdentifier="com.inject", versions=[version(date=BAD)])])))}
    run(env, "refresh", codes=(1,))
    json.loads(run(env, "refresh", "--format", "json", codes=(1,)))
    run(env, "sources", "list")
    json.loads(run(env, "sources", "list", "--format", "json"))
    run(env, "update", "com.inject", codes=(0, 1))
    run(env, "remove", "com.inject", codes=(0, 1))
    for command in ("device", "settings", "client", "patron"):
        run(env, command)


# -- the rules themselves ----------------------------------------------------------------------

@given(st.text())
def test_printable_leaves_nothing_unsafe(text):
    for shown in (printable(text), printable(text, keep_newlines=False), terminal_text(text)):
        assert FORBIDDEN_TEXT.search(shown) is None
        shown.encode("utf-8")
    assert "\n" not in printable(text, keep_newlines=False)


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                    lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner)))
def test_json_dumps_escapes_and_round_trips(value):
    for text in (json_dumps(value), json_dumps(value, indent=1), json_dumps(value, compact=True)):
        assert FORBIDDEN_TEXT.search(text) is None
        text.encode("utf-8")
        assert json.loads(text) == value


_PLAIN_FLOATS = st.floats(min_value=1e-4, max_value=1e16, exclude_max=True) | st.just(0.0)


@given(st.recursive(
    st.none() | st.booleans() | st.integers() | st.text() | _PLAIN_FLOATS
    | _PLAIN_FLOATS.map(lambda x: -x),
    lambda inner: st.lists(inner) | st.dictionaries(st.text() | st.integers(), inner)))
def test_compact_json_with_plain_floats_is_json_s_text_whichever_encoder_writes_it(value):
    """Once msgspec is loaded (after the fast path), a compact text with plain floats is its
    encoder's: the same as json's, or json's where msgspec refuses (a lone surrogate)."""
    import msgspec  # loaded, as after the fast path  # noqa: F401

    by_json = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    assert safe_text._compact_by_msgspec(value) in (None, by_json)
    assert json_dumps(value, compact=True, plain_floats=True) == json_dumps(value, compact=True)


def test_floats_outside_the_plain_range_are_written_by_json():
    import msgspec  # noqa: F401

    assert json_dumps([1e16, 1e-5], compact=True) == "[1e+16,1e-05]"
    assert safe_text._compact_by_msgspec([1e16]) == "[1e16]"  # why the caller must vouch


def test_separators_are_line_breaks_where_lines_are_kept():
    assert printable("a\u2028b\u2029c") == "a\nb\nc"
    assert printable("a\u2028b\nc\td", keep_newlines=False) == "a b c d"
    assert printable("\u202eevil\ud800") == "\ufffdevil\ufffd"


def test_only_colour_survives_the_last_pass_and_only_when_colouring():
    assert terminal_text("\x1b[1;31mred\x1b[0m", colour=True) == "\x1b[1;31mred\x1b[0m"
    assert terminal_text("\x1b[1;31mred\x1b[0m") == "\ufffd[1;31mred\ufffd[0m"
    for colour in (True, False):
        assert (terminal_text("\x1b]0;title\x07\x1b[2J\x9b", colour=colour)
                == "\ufffd]0;title\ufffd\ufffd[2J\ufffd")


def test_bidi_controls_are_reported_to_the_maintainer():
    assert control_character_note("Safe\u202eexe.txt") == (
        "contains bidirectional control U+202E at offset 4, which reorders the text the "
        "client shows")
    assert control_character_note("a\u2066b\u2069") == (
        "contains bidirectional control U+2066 at offset 1 and 1 more, which reorders the "
        "text the client shows")


def test_the_terminal_ui_escapes_as_the_cli_does():
    from altsim.ui.text import literal, paragraph, plain

    for shown in (literal(BAD).plain, paragraph(BAD).plain, plain(BAD)):
        assert FORBIDDEN_TEXT.search(shown) is None, shown
    assert paragraph("a\u2028b").plain == "a\nb"


async def test_a_notification_quoting_a_source_is_escaped(tmp_path):
    from altsim.sim.simulator import Simulator
    from altsim.state import open_user_state
    from altsim.ui.app import AltsimApp

    app = AltsimApp(Simulator(open_user_state(tmp_path / "home")), background=False)
    async with app.run_test(notifications=True) as pilot:
        app.notify(BAD, title=BAD, markup=False)
        await pilot.pause()
        (note,) = [n for n in app._notifications if "evil" in n.message]
        assert FORBIDDEN_TEXT.search(note.message) is None
        assert FORBIDDEN_TEXT.search(note.title) is None
