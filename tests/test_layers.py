"""altsim/core is pure: importing all of it pulls in no UI or network library."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
