"""New virtual environments for the install tests, without downloading altsim's dependencies.

Each environment gets a .pth line naming this test environment's site-packages, so the
dependencies import from there; altsim itself is installed into the new environment by the
test (the line adds a folder to sys.path but runs none of its .pth files, so the test
environment's editable altsim stays out). Commands run outside the checkout, so the
checkout's own `altsim/` folder cannot be imported by accident.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Venv:
    root: Path

    @property
    def bin(self) -> Path:
        return self.root / "bin"

    @property
    def python(self) -> Path:
        return self.bin / "python"

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of a shell with this venv activated."""
        env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
        env.update(VIRTUAL_ENV=str(self.root), PATH=f"{self.bin}{os.pathsep}{env['PATH']}",
                   PIP_DISABLE_PIP_VERSION_CHECK="1", NO_COLOR="1", **extra)
        return env

    def run(self, *args: str | Path, cwd: Path, timeout: float = 300,
            **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(arg) for arg in args], cwd=cwd, env=self.env(**extra),
                              capture_output=True, text=True, timeout=timeout)

    def pip_install(self, *args: str | Path, cwd: Path) -> None:
        """pip install into this venv with the test environment's pip; altsim's dependencies
        are importable already (the build backend is fetched as any install fetches it)."""
        done = subprocess.run(
            [sys.executable, "-m", "pip", "--python", str(self.python), "install", "-q",
             "--no-deps", *map(str, args)],
            cwd=cwd, env=self.env(), capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr


def copy_checkout(where: Path) -> Path:
    """The files a build reads, copied into a new folder: builds write into their tree
    (build/, *.egg-info), and tests side by side must not share one, nor litter the checkout."""
    where.mkdir(parents=True, exist_ok=True)
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, where / name)
    shutil.copytree(ROOT / "altsim", where / "altsim",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return where


def make_venv(where: Path, *, with_pip: bool = False) -> Venv:
    venv.create(where, with_pip=with_pip, symlinks=True)
    made = Venv(where)
    site = subprocess.run([made.python, "-c", "import sysconfig; print(sysconfig.get_paths()"
                           "['purelib'])"], capture_output=True, text=True, check=True)
    test_site = sysconfig.get_paths()["purelib"]
    Path(site.stdout.strip(), "test-environment.pth").write_text(test_site + "\n")
    return made
