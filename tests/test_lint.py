"""The house rules hold: ruff over everything, mypy in strict mode over the whole package."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True)


def test_ruff():
    run = _run("ruff", "check", "altsim", "tests", "bench")
    assert run.returncode == 0, run.stdout


def test_mypy_strict():
    run = _run("mypy")
    assert run.returncode == 0, run.stdout
