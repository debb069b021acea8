""".pre-commit-hooks.yaml: the altsim-check hook, run by `pre-commit try-repo` from a git
repository made of a copy of this checkout, on sample sources in another git repository."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from .venvs import ROOT, copy_checkout

SAMPLES = ROOT / "altsim" / "sample_sources"
GIT_IDENTITY = {"GIT_AUTHOR_NAME": "altsim tests", "GIT_AUTHOR_EMAIL": "tests@altsim.invalid",
                "GIT_COMMITTER_NAME": "altsim tests", "GIT_COMMITTER_EMAIL": "tests@altsim.invalid"}


def hook() -> dict[str, object]:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [h["id"] for h in hooks] == ["altsim-check"]
    found: dict[str, object] = hooks[0]
    return found


def test_the_hook_definition() -> None:
    found = hook()
    assert found["entry"] == "altsim check"
    assert found["language"] == "python"
    assert found["pass_filenames"] is True
    pattern = re.compile(str(found["files"]))
    for name in ("apps.json", "site/apps.json", "AltStore.json", "altstore-pal.json",
                 "apps_altstore.json", "source.json", "quantumsource.json", "repo.json",
                 "sidestore.json5", "sources.json"):
        assert pattern.search(name), name
    for name in ("package.json", "appsettings.json", "report.json", "tsconfig.json",
                 "apps.json.bak", "apps.yaml"):
        assert not pattern.search(name), name


def git(*args: str, cwd: Path) -> None:
    done = subprocess.run(["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false",
                           "-c", "core.hooksPath=/dev/null", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={**os.environ, **GIT_IDENTITY})
    assert done.returncode == 0, done.stdout + done.stderr


def hook_repository(where: Path) -> Path:
    """The files a build needs and the hook definitions, committed in a new git repository
    (try-repo clones it; the checkout itself may hold other people's uncommitted work)."""
    copy_checkout(where)
    for name in (".pre-commit-hooks.yaml", "action.yml"):
        shutil.copy2(ROOT / name, where / name)
    git("init", "-q", cwd=where)
    git("add", ".", cwd=where)
    git("commit", "-q", "-m", "altsim under test", cwd=where)
    return where


def try_repo(repository: Path, project: Path, *files: str,
             home: Path) -> subprocess.CompletedProcess[str]:
    """`pre-commit try-repo REPOSITORY altsim-check --files …` in `project`. try-repo builds
    the hook's environment (pip install of the repository, with its dependencies) in a
    temporary store every time, whatever PRE_COMMIT_HOME says; that folder, set here to keep
    the user's own cache out of it, only receives pre-commit's database."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(GIT_IDENTITY, PRE_COMMIT_HOME=str(home), NO_COLOR="1", PRE_COMMIT_COLOR="never")
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(repository),
                           "altsim-check", "--verbose", "--files", *files],
                          cwd=project, env=env, capture_output=True, text=True, timeout=900)
    print(f"pre-commit try-repo {' '.join(files)}: {time.monotonic() - started:.1f} s")
    return done


@pytest.fixture(scope="module")
def repositories(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The hook's repository and a project with a clean source, a rejected one, and a JSON
    file that is no source, all staged."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    base = tmp_path_factory.mktemp("precommit")
    repository = hook_repository(base / "altsim")
    project = base / "project"
    (project / "broken").mkdir(parents=True)
    shutil.copy2(SAMPLES / "clean.json", project / "apps.json")
    shutil.copy2(SAMPLES / "classic-mistakes.json", project / "broken" / "apps.json")
    (project / "package.json").write_text('{"name": "not a source"}\n')
    git("init", "-q", cwd=project)
    git("add", ".", cwd=project)
    return repository, project


def test_the_hook_passes_a_clean_source(repositories: tuple[Path, Path], tmp_path: Path) -> None:
    repository, project = repositories
    done = try_repo(repository, project, "apps.json", "package.json", home=tmp_path / "home")
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"altsim check\.+Passed", done.stdout), done.stdout
    assert "apps.json: ACCEPTED" in done.stdout, done.stdout
    assert "package.json" not in done.stdout  # the hook's files pattern leaves it out


def test_the_hook_stops_a_rejected_source(repositories: tuple[Path, Path],
                                          tmp_path: Path) -> None:
    repository, project = repositories
    done = try_repo(repository, project, "broken/apps.json", home=tmp_path / "home")
    assert done.returncode == 1, done.stdout + done.stderr
    assert re.search(r"altsim check\.+Failed", done.stdout), done.stdout
    assert "broken/apps.json: REJECTED by AltStore" in done.stdout, done.stdout
