"""altsim as users install it: a wheel and an sdist built from the checkout, and a store that
survives reinstalling altsim (editable or not) in the same environment."""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from altsim import __version__

from .venvs import Venv, copy_checkout, make_venv

# What a first start of the TUI does (it adds the bundled samples), without a terminal.
START_TUI = """
import asyncio
from altsim.cli.simulated import open_simulator
from altsim.ui.app import AltsimApp

async def main():
    app = AltsimApp(open_simulator())
    async with app.run_test() as pilot:
        await pilot.pause()

asyncio.run(main())
"""
SAMPLES = {"classic-mistakes.json", "clean.json", "showcase.json", "README.md"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The wheel and the sdist `python -m build` makes from the checkout."""
    out = tmp_path_factory.mktemp("dist")
    tree = copy_checkout(tmp_path_factory.mktemp("checkout"))
    done = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(tree)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return {"wheel": next(out.glob("*.whl")), "sdist": next(out.glob("*.tar.gz"))}


def test_the_wheel_holds_the_samples_and_the_stylesheet(built: dict[str, Path]) -> None:
    names = zipfile.ZipFile(built["wheel"]).namelist()
    assert {Path(n).name for n in names if "/sample_sources/" in n} == SAMPLES
    assert "altsim/ui/app.tcss" in names
    with tarfile.open(built["sdist"]) as sdist:
        members = {Path(*Path(m).parts[1:]).as_posix() for m in sdist.getnames()}
    assert {f"altsim/sample_sources/{name}" for name in SAMPLES} <= members
    assert "README.md" in members


@pytest.mark.parametrize("kind", ["wheel", "sdist"])
def test_a_built_package_runs_with_no_checkout_beside_it(kind: str, built: dict[str, Path],
                                                         tmp_path: Path) -> None:
    env = make_venv(tmp_path / "venv")
    env.pip_install(built[kind], cwd=tmp_path)
    version = env.run("altsim", "--version", cwd=tmp_path)
    assert version.stdout.strip() == f"altsim {__version__}"
    where = env.run("python", "-c", "import altsim; print(altsim.__file__)", cwd=tmp_path)
    assert where.stdout.startswith(str(tmp_path / "venv"))  # not the checkout
    clean = env.run("altsim", "check", "altsim-sample:clean.json", cwd=tmp_path)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    mistakes = env.run("altsim", "check", "--format", "json",
                       "altsim-sample:classic-mistakes.json", cwd=tmp_path)
    assert mistakes.returncode == 1
    assert json.loads(mistakes.stdout)["results"][0]["accepted"] is False


def _start_and_refresh(env: Venv, home: Path, cwd: Path) -> list[dict[str, object]]:
    started = env.run("python", "-c", START_TUI, cwd=cwd, ALTSIM_HOME=str(home))
    assert started.returncode == 0, started.stderr[-2000:]
    refreshed = env.run("altsim", "refresh", cwd=cwd, ALTSIM_HOME=str(home))
    assert refreshed.returncode == 0, refreshed.stdout + refreshed.stderr
    listed = env.run("altsim", "sources", "list", "--format", "json", cwd=cwd,
                     ALTSIM_HOME=str(home))
    sources: list[dict[str, object]] = json.loads(listed.stdout)
    return sources


def test_a_store_survives_reinstalling_altsim(tmp_path: Path) -> None:
    """The README's two set-up commands in either order on one environment: an install, then
    an editable one, then an install again; the samples a first start added keep working."""
    env, home = make_venv(tmp_path / "venv"), tmp_path / "home"
    tree = copy_checkout(tmp_path / "checkout")
    for editable in (False, True, False):
        env.pip_install(*(["-e"] if editable else []), tree, cwd=tmp_path)
        sources = _start_and_refresh(env, home, tmp_path)
        assert [(s["identifier"], s["error"]) for s in sources] == [
            ("altsim-sample:clean.json", None), ("altsim-sample:showcase.json", None)]
