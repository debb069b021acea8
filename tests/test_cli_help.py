"""Every command and subcommand of altsim explains itself: `--help` has a description and ends
with examples, kept whole, that altsim itself accepts."""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys

import pytest

from altsim.cli import build_parser
from altsim.cli.options import HelpWithExamples


def _commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    """(the words that name it, the parser) for `altsim` and every command under it."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _commands(sub, (*path, name))


COMMANDS = dict(_commands(build_parser()))


def _examples(parser: argparse.ArgumentParser) -> list[str]:
    heading, *lines = (parser.epilog or "").splitlines() or [""]
    assert heading in ("example:", "examples:"), parser.prog
    return [line.strip() for line in lines if line.startswith("  altsim")]


def test_the_walk_finds_every_command():
    assert {("sources", "add"), ("sources", "list"), ("refresh",), ("install",), ("installed",),
            ("device",), ("patron",), ("client",), ("settings",), ("check",),
            ("permissions",)} <= COMMANDS.keys()


@pytest.mark.parametrize("path", COMMANDS, ids=lambda path: " ".join(("altsim", *path)))
def test_help_has_a_description_and_examples(path):
    parser = COMMANDS[path]
    assert parser.description, parser.prog
    assert parser.formatter_class is HelpWithExamples, parser.prog  # examples kept whole
    examples = _examples(parser)
    assert examples, parser.prog
    shown = parser.format_help()
    for example in examples:
        words = shlex.split(example)
        assert words[: 1 + len(path)] == ["altsim", *path], example  # this command's own
        assert f"\n  {example}\n" in shown + "\n"
        build_parser().parse_args(words[1:])  # altsim accepts it (a usage error exits)


def test_help_as_a_user_asks_for_it():
    done = subprocess.run([sys.executable, "-m", "altsim", "sources", "add", "--help"],
                          capture_output=True, text=True, check=True)
    assert "examples:\n  altsim sources add apps.altstore.io\n" in done.stdout
