"""altsim/core is pure: importing all of it pulls in no UI or network library."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import SAMPLES

CORE = Path(__file__).resolve().parent.parent / "altsim" / "core"


def test_core_imports_no_ui_or_network():
    modules = sorted(f"altsim.core.{p.stem}" for p in CORE.glob("*.py") if p.stem != "__init__")
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in modules)
        + "banned = ('textual', 'rich', 'httpx')\n"
        + "bad = sorted(m for m in sys.modules if m.split('.')[0] in banned)\n"
        + "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_the_command_line_starts_light():
    """`altsim check` runs in CI on every push: its start loads no UI, network or event loop
    (each command imports what it needs when it runs)."""
    code = ("import sys, altsim.cli\n"
            "heavy = ('textual', 'rich', 'httpx', 'asyncio', 'regex', 'babel', 'pyjson5')\n"
            "print(','.join(sorted({m.split('.')[0] for m in sys.modules} & set(heavy))))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


# What each QA command may load beyond the standard library, for a clean local file: `check`
# nothing heavy; the page-drawing commands Babel, for dates and prices in the user's locale.
RUN_LIGHT = """
import os, sys
import altsim.cli.hard_exit as hard_exit
from altsim.cli import main

def report(status=0):
    heavy = ('textual', 'rich', 'httpx', 'asyncio', 'regex', 'babel', 'pyjson5', 'watchfiles',
             'PIL', 'textual_image')
    print(','.join(sorted({m.split('.')[0] for m in sys.modules} & set(heavy))), file=sys.stderr)
    sys.stderr.flush()
    os._exit(0)

hard_exit.exit_now = report
main(sys.argv[1:])
report()
"""


@pytest.mark.parametrize(("command", "allowed"), [
    (["check"], ""), (["preview"], "babel"), (["matrix"], "babel"),
    (["diff", str(SAMPLES / "showcase.json")], "babel")])
def test_each_qa_command_loads_only_what_it_needs(command: list[str], allowed: str) -> None:
    clean = str(SAMPLES / "clean.json")
    args = [command[0], clean, *command[1:]]
    out = subprocess.run([sys.executable, "-c", RUN_LIGHT, *args], capture_output=True,
                         text=True, check=True)
    assert out.stderr.splitlines()[-1] == allowed
