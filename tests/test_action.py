"""action.yml, the composite GitHub Action: its inputs, and its `run` steps run as written.

The steps run with bash the way a runner runs them (`bash --noprofile --norc -eo pipefail`
on a script file), after the `${{ … }}` expressions in their `env:` values and `run:` text
are replaced the way the runner replaces them. A composite action gets no INPUT_* variables:
its inputs reach the steps only through those expressions. The setup-python step (`uses:`)
is not run: it only provides a Python, which the test's virtual environment does.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from .venvs import ROOT, Venv, copy_checkout, make_venv

SAMPLES = ROOT / "altsim" / "sample_sources"
INPUTS = {"sources", "clients", "ios", "strict", "ignore", "format", "python-version"}
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)
INPUT = re.compile(r"inputs\.([A-Za-z_][A-Za-z0-9_-]*)")


def load_action() -> dict[str, Any]:
    action: dict[str, Any] = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    return action


def substitute(text: str, inputs: Mapping[str, str], action_path: Path) -> str:
    """The runner's replacement of `${{ inputs.NAME }}` and `${{ github.action_path }}`;
    any other expression fails the test (this small evaluator knows no more)."""

    def value(match: re.Match[str]) -> str:
        expression = match.group(1).strip()
        if expression == "github.action_path":
            return str(action_path)
        name = INPUT.fullmatch(expression)
        if name and name.group(1) in inputs:
            return inputs[name.group(1)]
        raise AssertionError(f"an expression this test cannot evaluate: ${{{{ {expression} }}}}")

    return EXPRESSION.sub(value, text)


def test_substitute_is_strict(tmp_path: Path) -> None:
    assert substitute("a ${{ inputs.x }} ${{github.action_path}}", {"x": "1"}, tmp_path) == (
        f"a 1 {tmp_path}")
    for unknown in ("${{ inputs.y }}", "${{ secrets.TOKEN }}", "${{ github.event.x }}"):
        with pytest.raises(AssertionError, match="cannot evaluate"):
            substitute(unknown, {"x": "1"}, tmp_path)


def test_the_inputs_and_steps() -> None:
    action = load_action()
    assert action["runs"]["using"] == "composite"
    inputs = action["inputs"]
    assert set(inputs) == INPUTS
    for name, spec in inputs.items():
        assert spec.get("description"), name
        assert spec.get("required", False) is False, name
        assert isinstance(spec.get("default"), str), name
    assert inputs["clients"]["default"] == "altstore"
    assert inputs["format"]["default"] == "github"
    assert inputs["strict"]["default"] == "false"
    assert inputs["ios"]["default"] == inputs["ignore"]["default"] == ""
    assert inputs["python-version"]["default"] == "3.12"
    steps = action["runs"]["steps"]
    assert steps[0]["uses"] == "actions/setup-python@v5"
    assert steps[0]["with"]["python-version"] == "${{ inputs.python-version }}"
    for step in steps[1:]:
        assert step["shell"] == "bash"
        # script injection: inputs reach the script through env: only, never in its text
        assert "${{" not in step["run"], step["run"]
    assert action["outputs"]["exit-code"]["value"] == "${{ steps.check.outputs.exit-code }}"


@dataclass(frozen=True)
class Installed:
    """A runner's state after the action's install step: the action's checkout, the Python."""

    action_path: Path
    venv: Venv
    install_seconds: float


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str
    outputs: str  # what the steps wrote to $GITHUB_OUTPUT

    @property
    def lines(self) -> list[str]:
        return [line for line in self.stdout.splitlines() if line.strip()]


def run_steps(steps: list[dict[str, Any]], *, inputs: Mapping[str, str], action_path: Path,
              venv: Venv, workdir: Path) -> Run:
    """Run the `run` steps in order with bash, as a runner does; stop at the first failure."""
    given = {name: str(spec.get("default", "")) for name, spec in load_action()["inputs"].items()}
    unknown = set(inputs) - set(given)
    assert not unknown, f"inputs the action does not declare: {unknown}"
    given.update(inputs)
    scratch = workdir.parent / f"{workdir.name}-runner"
    scratch.mkdir(exist_ok=True)
    output_file = scratch / "github_output"
    output_file.write_text("")
    out, err = [], []
    returncode = 0
    for number, step in enumerate(steps):
        if "uses" in step:  # actions/setup-python: the venv is the Python it would provide
            continue
        env = {key: substitute(str(value), given, action_path)
               for key, value in step.get("env", {}).items()}
        script = scratch / f"step{number}.sh"
        script.write_text(substitute(step["run"], given, action_path))
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            env=venv.env(**env, GITHUB_ACTION_PATH=str(action_path), GITHUB_ACTIONS="true",
                         GITHUB_WORKSPACE=str(workdir), GITHUB_OUTPUT=str(output_file)),
            cwd=workdir, capture_output=True, text=True, timeout=600)
        out.append(done.stdout)
        err.append(done.stderr)
        returncode = done.returncode
        if returncode:
            break
    return Run(returncode, "".join(out), "".join(err), output_file.read_text())


def install(base: Path) -> Installed:
    """The action checked out (a copy of the repository) and its install step run: the step
    pip-installs altsim from that checkout into a new virtual environment, whose .pth line
    makes the dependencies already present (pip fetches only setuptools, for the build)."""
    action_path = copy_checkout(base / "action")
    shutil.copy2(ROOT / "action.yml", action_path / "action.yml")
    venv = make_venv(base / "venv", with_pip=True)
    steps = [step for step in load_action()["runs"]["steps"] if step.get("name") ==
             "Install altsim"]
    workdir = base / "workspace"
    workdir.mkdir()
    started = time.monotonic()
    done = run_steps(steps, inputs={}, action_path=action_path, venv=venv, workdir=workdir)
    seconds = time.monotonic() - started
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    where = venv.run("python", "-c", "import altsim; print(altsim.__file__)", cwd=workdir)
    assert where.stdout.startswith(str(venv.root)), where.stdout + where.stderr
    return Installed(action_path, venv, seconds)


def check(installed: Installed, workdir: Path, **inputs: str) -> Run:
    """The action's steps after the install step (run once, by install()), in order."""
    steps = load_action()["runs"]["steps"]
    after = next(i for i, step in enumerate(steps) if step.get("name") == "Install altsim") + 1
    workdir.mkdir(parents=True, exist_ok=True)
    return run_steps(steps[after:], inputs=inputs, action_path=installed.action_path,
                     venv=installed.venv, workdir=workdir)


def only_annotations(run: Run) -> bool:
    return all(re.match(r"::(error|warning|notice)( [^:]*)?::", line) for line in run.lines)


def warnings_only_source(path: Path) -> Path:
    """The clean sample with one plain-http icon: a warning, no error."""
    data = json.loads((SAMPLES / "clean.json").read_text(encoding="utf-8"))
    data["apps"][0]["iconURL"] = data["apps"][0]["iconURL"].replace("https://", "http://")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def the_clean_sample_passes(installed: Installed, tmp_path: Path) -> None:
    work = tmp_path / "work"
    (work / "site").mkdir(parents=True)
    shutil.copy2(SAMPLES / "clean.json", work / "site" / "apps.json")
    # the default sources, **/apps.json, finds it in a folder
    done = check(installed, work)
    assert done.returncode == 0, done.stdout + done.stderr
    assert only_annotations(done), done.stdout
    assert "exit-code=0" in done.outputs.splitlines()
    done = check(installed, work, sources="site/*.json")
    assert done.returncode == 0, done.stdout + done.stderr


def the_classic_mistakes_fail_with_errors(installed: Installed, tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy2(SAMPLES / "clean.json", work / "clean.json")
    shutil.copy2(SAMPLES / "classic-mistakes.json", work / "mistakes.json")
    done = check(installed, work, sources="clean.json\n  mistakes.json")
    assert done.returncode == 1, done.stdout + done.stderr
    assert only_annotations(done), done.stdout
    errors = [line for line in done.lines if line.startswith("::error")]
    assert errors, done.stdout
    assert all("file=mistakes.json," in line for line in errors), errors  # workspace-relative
    assert "exit-code=1" in done.outputs.splitlines()


def strict_fails_on_warnings(installed: Installed, tmp_path: Path) -> None:
    work = tmp_path / "work"
    warnings_only_source(work / "apps.json")
    relaxed = check(installed, work, sources="apps.json")
    assert relaxed.returncode == 0, relaxed.stdout + relaxed.stderr
    assert any(line.startswith("::warning") for line in relaxed.lines), relaxed.stdout
    strict = check(installed, work, sources="apps.json", strict="true")
    assert strict.returncode == 1, strict.stdout + strict.stderr


def other_inputs_reach_altsim(installed: Installed, tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy2(SAMPLES / "clean.json", work / "apps.json")
    done = check(installed, work, sources="apps.json", clients="altstore,sidestore",
                 ios="16.4", format="json")
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert (report["clients"], report["ios"]) == (["altstore", "sidestore"], "16.4.0")
    wrong = check(installed, work, sources="apps.json", ios="sixteen")
    assert wrong.returncode == 2
    assert "--ios" in wrong.stderr


def inputs_are_data_not_script(installed: Installed, tmp_path: Path) -> None:
    """An input full of shell syntax is a file name, not a command."""
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy2(SAMPLES / "clean.json", work / "apps.json")
    done = check(installed, work, sources='apps.json"; touch pwned; echo "',
                 clients="altstore$(touch pwned2)")
    assert done.returncode == 2
    assert not (work / "pwned").exists()
    assert not (work / "pwned2").exists()


def a_glob_that_matches_nothing_fails_clearly(installed: Installed, tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy2(SAMPLES / "clean.json", work / "apps.json")
    done = check(installed, work, sources="apps.json sources/**/*.json")
    assert done.returncode == 2
    assert "::error title=altsim action::no file matches 'sources/**/*.json'" in done.stdout
    nothing = check(installed, work, sources="  \n ")
    assert nothing.returncode == 2
    assert "names no file" in nothing.stdout
    bad = check(installed, work, sources="apps.json", strict="yes")
    assert bad.returncode == 2
    assert "strict must be true or false" in bad.stdout


def ignore_is_passed_when_set(installed: Installed, tmp_path: Path) -> None:
    work = tmp_path / "work"
    warnings_only_source(work / "apps.json")
    done = check(installed, work, sources="apps.json", strict="true",
                 ignore="insecure-url, unread-key")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "insecure-url" not in done.stdout
    assert "unread-key" not in done.stdout


CASES = [the_clean_sample_passes, the_classic_mistakes_fail_with_errors, strict_fails_on_warnings,
         other_inputs_reach_altsim, inputs_are_data_not_script,
         a_glob_that_matches_nothing_fails_clearly]


def test_the_action_runs_as_written(tmp_path: Path) -> None:
    """One test, so one install: under xdist, one worker runs it beside the rest of the suite
    (a module fixture would install once per worker, four at a time on two cores)."""
    installed = install(tmp_path / "runner")
    print(f"the action's install step: {installed.install_seconds:.1f} s")
    for case in CASES:
        (tmp_path / case.__name__).mkdir()
        case(installed, tmp_path / case.__name__)
    has_ignore = installed.venv.run("altsim", "check", "--help", cwd=tmp_path)
    if "--ignore" in has_ignore.stdout:
        (tmp_path / "ignore").mkdir()
        ignore_is_passed_when_set(installed, tmp_path / "ignore")
    else:
        warnings.warn("altsim check has no --ignore: the ignore input is not tested",
                      stacklevel=1)
