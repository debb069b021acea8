"""`altsim check` starts light (README, Speed): what a run on a clean local file loads is pinned
here as a set of modules, not a time, so that a regression fails on any machine.

What is loaded only when needed, and why: each other command's module (`altsim.cli` imports
only the one named); tomllib (a config file found), difflib (an unknown code to suggest
others for), importlib.resources and with it tempfile, random and hashlib (an
`altsim-sample:` address), shutil and with it bz2, lzma and zlib (argparse's terminal width,
read without it: cli/help_format.py), the regexes of core/safe_text.py, values.py and
semver.py that a run may never use (compiled at first use).
"""

from __future__ import annotations

import argparse
import io
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from altsim.cli import COMMAND_MODULES, build_parser
from altsim.cli.help_format import HelpWithExamples, terminal_columns
from altsim.core import safe_text

from .conftest import SAMPLES

# Runs `altsim ARGS...` as main() would, then prints the modules loaded (one a line) to stderr
# and leaves, whether or not the command ends the process itself (hard_exit).
LOADED = """
import os, sys
import altsim.cli.hard_exit as hard_exit
from altsim.cli import main

def report(status=0):
    sys.stderr.write("\\n".join(sorted(sys.modules)) + "\\n")
    sys.stderr.flush()
    os._exit(0)

hard_exit.exit_now = report
try:
    main(sys.argv[1:])
except SystemExit:
    pass
report()
"""

# What the interpreter loads on its own (site, the editable install's finder): not ours.
BARE = "import sys; print('\\n'.join(sorted(sys.modules)))"

# Every altsim module `check` may load on a clean local file. A module added to this path is a
# cost on every CI run: add it here only when `check` needs it at start.
CHECK_ALTSIM = {
    "altsim", "altsim.cli", "altsim.cli.check", "altsim.cli.errors", "altsim.cli.hard_exit",
    "altsim.cli.help_format", "altsim.cli.inputs", "altsim.cli.noise", "altsim.cli.options",
    "altsim.cli.output", "altsim.cli.report",
    "altsim.core", "altsim.core.check", "altsim.core.client_differences", "altsim.core.codes",
    "altsim.core.collector", "altsim.core.decoder", "altsim.core.device",
    "altsim.core.diagnostics", "altsim.core.fast_decode", "altsim.core.json_types",
    "altsim.core.jsontext", "altsim.core.keys", "altsim.core.latest", "altsim.core.locate",
    "altsim.core.model", "altsim.core.profiles", "altsim.core.qa", "altsim.core.safe_text",
    "altsim.core.semver", "altsim.core.values", "altsim.core.verify",
    "altsim.net", "altsim.net.limits", "altsim.net.local_file", "altsim.net.samples",
}
# The standard library beyond the bare interpreter, and why: argparse (gettext, locale);
# dataclasses (inspect: ast, dis, tokenize, linecache, copy, weakref); the model's datetime and
# Decimal; json; typing.
CHECK_STDLIB_LIMIT = 45

# Loaded by none of check's work on a clean local file; each was once part of every start.
NOT_FOR_CHECK = {
    "tomllib", "difflib", "hashlib", "_hashlib", "tempfile", "random", "shutil", "bz2", "lzma",
    "zlib", "importlib.resources", "ipaddress", "string", "textwrap", "heapq", "urllib.request",
    "http.client", "email", "socket", "ssl", "asyncio", "threading", "subprocess", "zoneinfo",
    "altsim.core.json5_reader", "altsim.core.identity", "altsim.core.install_check",
    "altsim.core.content_diff", "altsim.core.schema", "altsim.core.formatting",
    "altsim.net.address", "altsim.net.fetch",
}


def _loaded(args: list[str], cwd: Path) -> set[str]:
    out = subprocess.run([sys.executable, "-c", LOADED, *args], capture_output=True,
                         text=True, check=True, cwd=cwd)
    return set(out.stderr.split())


def _bare() -> set[str]:
    out = subprocess.run([sys.executable, "-c", BARE], capture_output=True, text=True,
                         check=True)
    return set(out.stdout.split())


@pytest.fixture(scope="module")
def check_loads(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """The modules `altsim check` loads beyond the bare interpreter, on a copy of clean.json
    in a folder with no config file above it."""
    folder = tmp_path_factory.mktemp("clean")
    shutil.copy(SAMPLES / "clean.json", folder / "clean.json")
    assert not any((place / name).exists() for place in (folder, *folder.parents)
                   for name in (".altsim.toml", "pyproject.toml"))
    return _loaded(["check", "clean.json"], folder) - _bare()


def test_check_loads_only_the_altsim_modules_it_needs(check_loads: set[str]) -> None:
    ours = {name for name in check_loads if name.split(".")[0] == "altsim"}
    assert ours <= CHECK_ALTSIM, sorted(ours - CHECK_ALTSIM)


def test_check_loads_no_third_party_module(check_loads: set[str]) -> None:
    others = {name for name in check_loads if name.split(".")[0] != "altsim"
              and name.split(".")[0] not in sys.stdlib_module_names}
    assert others == set()


def test_check_leaves_the_lazy_modules_unloaded(check_loads: set[str]) -> None:
    assert check_loads & NOT_FOR_CHECK == set()


def test_check_loads_a_bounded_standard_library(check_loads: set[str]) -> None:
    """A count, not a time: a new import of a package that pulls in many (asyncio, email,
    urllib.request) fails here on any machine."""
    stdlib = {name for name in check_loads if name.split(".")[0] != "altsim"}
    assert len(stdlib) <= CHECK_STDLIB_LIMIT, sorted(stdlib)


def test_what_each_case_loads_when_it_needs_it(tmp_path: Path) -> None:
    """The lazy modules are loaded, and work, where they are needed: a config file (tomllib),
    a bundled sample (importlib.resources)."""
    shutil.copy(SAMPLES / "clean.json", tmp_path / "clean.json")
    (tmp_path / ".altsim.toml").write_text('ignore = ["unread-key"]\n')
    assert "tomllib" in _loaded(["check", "clean.json"], tmp_path)
    assert "importlib.resources" in _loaded(["check", "altsim-sample:clean.json"], tmp_path)


def test_importing_the_command_line_loads_no_command(tmp_path: Path) -> None:
    code = "import sys, altsim.cli; print('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=tmp_path)
    loaded = set(out.stdout.split())
    commands = {f"altsim.cli.{module}" for module in COMMAND_MODULES.values()}
    assert loaded & commands == set()
    assert {"dataclasses", "altsim.core.profiles", "altsim.cli.options"} & loaded == set()


@pytest.mark.parametrize(("argv", "module"), [
    (["check", "--help"], "check"), (["schema", "--help"], "schema"),
    (["install", "--help"], "apps"), (["client", "--help"], "settings")])
def test_a_command_loads_its_own_module_only(argv: list[str], module: str,
                                             tmp_path: Path) -> None:
    loaded = _loaded(argv, tmp_path)
    commands = {f"altsim.cli.{name}" for name in COMMAND_MODULES.values()}
    assert loaded & commands == {f"altsim.cli.{module}"}


# Loaded by the terminal UI, the network or an archive's checks only: never by a command that
# reads a local file and prints.
_NOT_FOR_A_LOCAL_FILE = {"textual", "rich", "httpx", "httpcore", "anyio", "watchfiles", "PIL",
                         "textual_image", "platformdirs"}


@pytest.mark.parametrize(("argv", "module"), [
    (["preview", "clean.json"], "preview"), (["matrix", "clean.json"], "matrix"),
    (["diff", "clean.json", "clean.json"], "diff")])
def test_preview_matrix_and_diff_of_a_file_load_their_own_module_only(
        argv: list[str], module: str, tmp_path: Path) -> None:
    """Each loads its own command and nothing of the UI, the network or, for a small file,
    the fast path (msgspec)."""
    shutil.copy(SAMPLES / "clean.json", tmp_path / "clean.json")
    loaded = _loaded(argv, tmp_path)
    commands = {f"altsim.cli.{name}" for name in COMMAND_MODULES.values()}
    assert loaded & commands == {f"altsim.cli.{module}"}
    top = {name.split(".")[0] for name in loaded}
    assert top & (_NOT_FOR_A_LOCAL_FILE | {"msgspec"}) == set()


@pytest.mark.parametrize("argv", [["--version"], ["--vers", "check"]])
def test_version_loads_no_command(argv: list[str], tmp_path: Path) -> None:
    commands = {f"altsim.cli.{name}" for name in COMMAND_MODULES.values()}
    assert _loaded(argv, tmp_path) & commands == set()


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (action,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_the_command_table_matches_the_modules() -> None:
    """COMMAND_MODULES names every command, in `altsim --help`'s order, with the module that
    defines it; built alone, each module's commands have the same parser and help."""
    everything = _subcommands(build_parser())
    assert list(everything) == list(COMMAND_MODULES)
    for module in dict.fromkeys(COMMAND_MODULES.values()):
        alone = _subcommands(build_parser([module]))
        assert list(alone) == [c for c, m in COMMAND_MODULES.items() if m == module]
        for name, parser in alone.items():
            assert parser.format_help() == everything[name].format_help(), name


def test_top_level_help_and_version_as_before() -> None:
    from altsim import __version__
    from altsim.cli import main

    shown = io.StringIO()
    with redirect_stdout(shown), pytest.raises(SystemExit):
        main(["--version"])
    assert shown.getvalue() == f"altsim {__version__}\n"
    shown = io.StringIO()
    with redirect_stdout(shown), pytest.raises(SystemExit):
        main(["--help"])
    assert shown.getvalue() == build_parser().format_help()
    assert all(f"    {name}" in shown.getvalue() for name in COMMAND_MODULES)


@pytest.mark.parametrize("columns", [None, "", "0", "-4", "wide", "37", "120"])
def test_help_is_as_wide_as_argparse_makes_it(columns: str | None,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """HelpWithExamples reads the width as argparse does (shutil.get_terminal_size), without
    importing shutil."""
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert terminal_columns() == shutil.get_terminal_size().columns
    assert HelpWithExamples("altsim")._width == argparse.HelpFormatter("altsim")._width


# Every code point, lone surrogates included.
EVERY_CHARACTER = "".join(map(chr, range(sys.maxunicode + 1)))


@pytest.mark.parametrize("pattern", [
    safe_text._unsafe, safe_text._raw_in_json, safe_text._unsafe_except_sgr,
    safe_text._unshown, safe_text._bidi_class])
def test_printable_text_needs_no_pattern(pattern: Callable[[], re.Pattern[str]]) -> None:
    """safe_text skips its patterns for text `str.isprintable` passes (line feeds and tabs
    aside): exact only if no character they match is printable, nor a line feed or a tab."""
    found = {match[0] for match in pattern().finditer(EVERY_CHARACTER)}
    assert found
    assert not any(safe_text._only_printable(char) for char in found)


def test_printable_on_one_line_needs_no_pattern() -> None:
    found = {match[0] for match in safe_text._unsafe_on_one_line().finditer(EVERY_CHARACTER)}
    assert {"\n", "\t"} <= found
    assert not any(safe_text._only_printable(char, but_lines=False) for char in found)


@pytest.mark.parametrize("text", [
    "plain", "two\nlines\tand a tab", "caf\u00e9 \u2014 \U0001f600", "", "nbsp\u00a0here",
    "esc\x1b[31mred\x1b[0m", "bidi\u202eevil", "line\u2028sep", "lone\ud800", "del\x7f",
    "cr\r\nlf"])
def test_the_fast_path_changes_nothing(text: str) -> None:
    """Each function gives what its pattern alone gives."""
    assert safe_text.printable(text) == safe_text._unsafe().sub(
        safe_text._shown_keeping_lines, text)
    assert safe_text.printable(text, keep_newlines=False) == safe_text._unsafe_on_one_line(
        ).sub(safe_text._shown_on_one_line, text)
    assert safe_text.terminal_text(text, colour=True) == safe_text._unsafe_except_sgr().sub(
        safe_text._kept_sgr, text)
    first = safe_text._unshown().search(text)
    assert (safe_text.control_character_note(text) is None) == (first is None)

