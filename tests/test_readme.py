"""The README's commands stay true: each `altsim` line of its shell blocks is one the command
line accepts, and those on the bundled samples run with the exit status the README gives."""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest

from altsim.cli import build_parser

from .conftest import altsim

ROOT = Path(__file__).parent.parent
_BLOCK = re.compile(r"^```sh\n(.*?)^```", re.DOTALL | re.MULTILINE)


def readme_commands() -> list[tuple[list[str], str]]:
    """(arguments after `altsim`, the comment) for each altsim line of a shell block."""
    found = []
    for block in _BLOCK.findall((ROOT / "README.md").read_text(encoding="utf-8")):
        for line in block.splitlines():
            command, _, comment = line.partition("#")
            words = shlex.split(command)
            if words and words[0].endswith("altsim") and len(words) > 1:
                found.append((words[1:], comment.strip()))
    return found


COMMANDS = readme_commands()


def test_the_readme_shows_the_commands() -> None:
    assert {words[0] for words, _ in COMMANDS} >= {
        "check", "preview", "sources", "install", "device", "patron", "client", "refresh",
        "settings", "update", "installed"}


@pytest.mark.parametrize(("words", "comment"), COMMANDS, ids=[" ".join(w) for w, _ in COMMANDS])
def test_each_readme_command_parses(words: list[str], comment: str) -> None:
    build_parser().parse_args(words)  # SystemExit (usage error) fails the test


SAMPLE_RUNS = [(words, comment) for words, comment in COMMANDS
               if any(word.startswith("sample_sources/") for word in words)]


@pytest.mark.parametrize(("words", "comment"), SAMPLE_RUNS,
                         ids=[" ".join(w) for w, _ in SAMPLE_RUNS])
def test_readme_commands_on_the_samples_run_as_described(
        words: list[str], comment: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the README's paths are the checkout's
    run = altsim(*words, env={**os.environ, "ALTSIM_HOME": str(tmp_path)})
    assert "Traceback" not in run.stderr
    said = re.search(r"exit (\d)", comment)
    assert run.returncode == int(said[1]) if said else run.returncode in (0, 1)
