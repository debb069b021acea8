"""What `altsim check` leaves out when asked: --ignore, --select, --min-severity, a config file
and a baseline, each silencing exactly what it names; errors never."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .builders import app, source, version
from .conftest import altsim

# warnings: a placeholder size, SideStore 0.5's rejection (no app-level version); infos: the
# unread keys appID and identifier
NOISY = source(identifier="com.example.s", apps=[
    app(versions=[version(size=1)]),
    app(bundleIdentifier="com.b", appID="com.b", versions=[version()])])


def write(folder: Path, doc: dict[str, Any], name: str = "apps.json") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


ALL = ["other-client-rejects", "placeholder-size", "unread-key", "unread-key"]


def without(*codes: str) -> list[str]:
    return [code for code in ALL if code not in codes]


def check(*args: str | Path) -> tuple[int, list[str], int]:
    """Exit status, the codes reported and the count silenced, from --format json."""
    done = altsim("check", "--format", "json", *map(str, args))
    assert done.returncode != 2, done.stderr
    result = json.loads(done.stdout)["results"][0]
    return done.returncode, sorted(d["code"] for d in result["diagnostics"]), result["silenced"]


def test_nothing_is_silenced_by_default(tmp_path: Path) -> None:
    path = write(tmp_path, NOISY)
    assert check(path) == (0, ALL, 0)
    assert check(path, "--strict")[0] == 1


def test_ignore_drops_exactly_the_codes_named(tmp_path: Path) -> None:
    path = write(tmp_path, NOISY)
    assert check(path, "--ignore", "placeholder-size") == (0, without("placeholder-size"), 1)
    both = without("unread-key", "placeholder-size")
    assert check(path, "--ignore", "unread-key,placeholder-size") == (0, both, 3)
    assert check(path, "--ignore", "unread-key", "--ignore", "placeholder-size") == (0, both, 3)
    # what is silenced does not fail --strict
    warnings = "placeholder-size,other-client-rejects"
    assert check(path, "--strict", "--ignore", warnings) == (0, ["unread-key"] * 2, 2)


def test_select_keeps_only_the_codes_named(tmp_path: Path) -> None:
    path = write(tmp_path, NOISY)
    assert check(path, "--select", "unread-key") == (0, ["unread-key"] * 2, 2)


def test_min_severity(tmp_path: Path) -> None:
    path = write(tmp_path, NOISY)
    assert check(path, "--min-severity", "warning") == (0, without("unread-key"), 2)
    assert check(path, "--min-severity", "error") == (0, [], 4)


def test_github_annotations_leave_infos_out_unless_asked(tmp_path: Path) -> None:
    path = write(tmp_path, NOISY)
    default = altsim("check", "--format", "github", str(path)).stdout
    assert "::warning" in default
    assert "::notice" not in default
    asked = altsim("check", "--format", "github", "--min-severity", "info", str(path)).stdout
    assert "::notice" in asked


def test_errors_are_never_silenced(tmp_path: Path) -> None:
    path = write(tmp_path, source(apps=[app(bundleIdentifier=None)]))
    done = altsim("check", "--format", "json", str(path))
    codes = [d["code"] for d in json.loads(done.stdout)["results"][0]["diagnostics"]
             if d["severity"] == "error"]
    status, kept, _ = check(path, "--min-severity", "error", "--ignore", ",".join(codes))
    assert status == 1
    assert kept == sorted(codes)


def test_a_config_file_beside_or_above_the_source(tmp_path: Path) -> None:
    path = write(tmp_path / "site" / "public", NOISY)
    (tmp_path / "site" / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.altsim]\nignore = ["placeholder-size"]\n')
    assert check(path) == (0, without("placeholder-size"), 1)
    (tmp_path / "site" / "public" / ".altsim.toml").write_text('ignore = ["unread-key"]\n')
    assert check(path) == (0, without("unread-key"), 2)  # the nearer file, alone, counts
    # the command line replaces the config's value for an option it gives
    assert check(path, "--ignore", "placeholder-size") == (0, without("placeholder-size"), 1)
    assert check(path, "--no-config") == (0, ALL, 0)


def test_a_strict_config_fails_on_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, NOISY)
    (tmp_path / ".altsim.toml").write_text("strict = true\n")
    assert check(path)[0] == 1
    assert check(path, "--ignore", "placeholder-size,other-client-rejects")[0] == 0


def test_config_mistakes_are_one_line_usage_errors(tmp_path: Path) -> None:
    path = write(tmp_path, NOISY)
    for text, said in [('ignore = ["placeholder-sise"]', "did you mean placeholder-size"),
                       ('ignroe = ["x"]', "unknown setting 'ignroe'"),
                       ('min-severity = "loud"', "min-severity is one of"),
                       ("ignore = [", "cannot read the config file")]:
        (tmp_path / ".altsim.toml").write_text(text + "\n")
        done = altsim("check", str(path))
        assert done.returncode == 2
        assert said in done.stderr
        assert done.stderr.count("\n") == 1
        assert "Traceback" not in done.stderr


def test_a_baseline_reports_only_what_is_new(tmp_path: Path) -> None:
    path, baseline = write(tmp_path, NOISY), tmp_path / "baseline.json"
    # the first run writes it; what it holds is known, so --strict passes
    assert check(path, "--strict", "--baseline", baseline) == (0, [], 4)
    assert json.loads(baseline.read_text())["altsim-baseline"] == 1
    # a new warning is reported, the known ones stay silent, even when lines move
    noisier = source(identifier="com.example.s", apps=[
        app(bundleIdentifier="com.c", versions=[version(size=2)]), *NOISY["apps"]])
    write(tmp_path, noisier)
    status, codes, silenced = check(path, "--strict", "--baseline", baseline)
    assert (status, codes, silenced) == (1, ["placeholder-size"], 4)
    # fixed findings leave the baseline when it is rewritten
    write(tmp_path, source(identifier="com.example.s", apps=[app()]))
    assert check(path, "--baseline", baseline, "--update-baseline") == (0, [], 2)
    assert len(json.loads(baseline.read_text())["findings"]) == 2  # of 5 before


def test_a_baseline_named_in_the_config_is_relative_to_it(tmp_path: Path) -> None:
    path = write(tmp_path / "public", NOISY)
    (tmp_path / ".altsim.toml").write_text('baseline = "known.json"\n')
    assert check(path) == (0, [], 4)
    assert (tmp_path / "known.json").is_file()
