"""What `altsim check` reports: codes ignored or selected, a lowest severity, a baseline of
findings already known, from the command line or a config file beside the source.

Errors are never silenced: they are the client's rejection (or would be once the first one is
fixed), and a rejected source stays rejected. Everything else that is silenced is neither
shown nor counted by --strict.

A config file is `.altsim.toml`, or the `[tool.altsim]` table of a `pyproject.toml`, in the
source's folder or the nearest folder above it that has one (the current folder for a URL):

    ignore = ["placeholder-size"]
    select = []                # when not empty: only these codes
    min-severity = "warning"
    strict = true
    baseline = "altsim-baseline.json"   # relative to the config file

Each option given on the command line replaces the config file's value.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from altsim.cli.errors import UsageError
from altsim.core.codes import CODES, unknown_codes
from altsim.core.diagnostics import Diagnostic, Severity
from altsim.core.safe_text import json_dumps, printable
from altsim.net.samples import is_sample

if TYPE_CHECKING:
    from altsim.cli.check import Outcome

SEVERITIES = {"info": 0, "warning": 1, "error": 2}
CONFIG_KEYS = ("ignore", "select", "min-severity", "strict", "baseline")
BASELINE_FORMAT = 1
# (input, client, code, message): where a finding is (its pointer, line) moves with edits
# elsewhere in the file, and would make every finding after an insertion look new
Finding = tuple[str, str, str, str]


@dataclass(frozen=True, slots=True)
class Noise:
    """What to report, once the config file and the command line are merged."""

    ignore: frozenset[str] = frozenset()
    select: frozenset[str] = frozenset()  # empty: every code
    min_severity: str | None = None  # None: the format's default
    strict: bool = False
    baseline: Path | None = None
    config: Path | None = field(default=None, compare=False)  # the file it came from

    def keeps(self, diagnostic: Diagnostic, default_severity: str) -> bool:
        if diagnostic.severity is Severity.ERROR:
            return True
        if diagnostic.code in self.ignore or (self.select and diagnostic.code not in self.select):
            return False
        lowest = self.min_severity or default_severity
        return SEVERITIES[diagnostic.severity.value] >= SEVERITIES[lowest]


def add_noise_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "what to report", "errors always are; the rest can be silenced here or in a config "
        "file (.altsim.toml, or [tool.altsim] in pyproject.toml, beside the source or above "
        "it); the command line wins. Codes: docs/codes.md")
    group.add_argument("--ignore", action="append", metavar="CODE[,CODE…]",
                       help="do not report these codes (repeatable)")
    group.add_argument("--select", action="append", metavar="CODE[,CODE…]",
                       help="report only these codes, and errors (repeatable)")
    group.add_argument("--min-severity", choices=tuple(SEVERITIES),
                       help="the lowest severity reported (default: info; warning with "
                       "--format github, whose infos would be notices on every run)")
    group.add_argument("--baseline", metavar="FILE", type=Path,
                       help="report only findings not in FILE; if FILE does not exist, write "
                       "it with today's findings (commit it, fix them over time)")
    group.add_argument("--update-baseline", action="store_true",
                       help="with --baseline: rewrite FILE with today's findings")
    group.add_argument("--config", metavar="FILE", type=Path,
                       help="read this config file instead of looking for one")
    group.add_argument("--no-config", action="store_true",
                       help="read no config file")


def noise_for(source: str, args: argparse.Namespace) -> Noise:
    """The settings for one SOURCE: its config file's, then the command line's on top."""
    if args.no_config:
        noise = Noise()
    elif args.config is not None:
        noise = _read_config(args.config.resolve())
    else:
        noise = _found_config(_folder_of(source))
    given: dict[str, Any] = {}
    if args.ignore is not None:
        given["ignore"] = _codes(args.ignore, "--ignore")
    if args.select is not None:
        given["select"] = _codes(args.select, "--select")
    if args.min_severity is not None:
        given["min_severity"] = args.min_severity
    if args.strict:
        given["strict"] = True
    if args.baseline is not None:
        given["baseline"] = args.baseline
    if args.update_baseline and (given.get("baseline") or noise.baseline) is None:
        raise UsageError("--update-baseline needs --baseline FILE (or baseline in the config)")
    return replace(noise, **given)


def silence(outcomes: Sequence[Outcome], noises: dict[str, Noise], default_severity: str,
            *, update_baseline: bool = False) -> None:
    """Drop what each outcome's settings silence from its diagnostics, counting them in
    `outcome.silenced`; write the baselines asked for first."""
    for path in {n.baseline for n in noises.values() if n.baseline is not None}:
        if update_baseline or not path.exists():
            mine = [o for o in outcomes if noises[o.input].baseline == path]
            _write_baseline(path, mine, noises, default_severity)
    # each finding in a baseline silences one finding of a run (the copies are this run's)
    known = {path: Counter(_read_baseline(path)) for path in
             {n.baseline for n in noises.values() if n.baseline is not None}}
    for outcome in outcomes:
        if outcome.result is None:
            continue
        noise = noises[outcome.input]
        remaining = known[noise.baseline] if noise.baseline is not None else Counter()
        kept = []
        for diagnostic in outcome.result.diagnostics:
            finding = _finding(outcome, diagnostic)
            if not noise.keeps(diagnostic, default_severity):
                outcome.silenced += 1
            elif diagnostic.severity is not Severity.ERROR and remaining[finding] > 0:
                remaining[finding] -= 1
                outcome.silenced += 1
            else:
                kept.append(diagnostic)
        outcome.result.diagnostics = kept


def _finding(outcome: Outcome, diagnostic: Diagnostic) -> Finding:
    return (outcome.input, outcome.profile.name, diagnostic.code, diagnostic.message)


def _write_baseline(path: Path, outcomes: Iterable[Outcome], noises: dict[str, Noise],
                    default_severity: str) -> None:
    findings = [
        {"input": o.input, "client": o.profile.name, "code": d.code, "message": d.message,
         "pointer": d.pointer}
        for o in outcomes if o.result is not None
        for d in o.result.diagnostics
        if d.severity is not Severity.ERROR and noises[o.input].keeps(d, default_severity)]
    document = {"altsim-baseline": BASELINE_FORMAT, "findings": findings}
    try:
        path.write_text(json_dumps(document, indent=1) + "\n", encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot write the baseline {printable(str(path))}: "
                         f"{error.strerror or error}") from None
    _read_baseline.cache_clear()


@cache
def _read_baseline(path: Path) -> Counter[Finding]:
    where = printable(str(path))
    try:
        document = json.loads(path.read_bytes())
        if document.get("altsim-baseline") != BASELINE_FORMAT:
            raise UsageError(f"{where} is not an altsim baseline (format {BASELINE_FORMAT})")
        return Counter((f["input"], f["client"], f["code"], f["message"])
                       for f in document["findings"])
    except OSError as error:
        raise UsageError(f"cannot read the baseline {where}: {error.strerror}") from None
    except (ValueError, KeyError, TypeError, AttributeError):
        raise UsageError(f"{where} is not an altsim baseline file") from None


def _folder_of(source: str) -> Path:
    if source.startswith(("http://", "https://")) or is_sample(source):
        return Path.cwd()  # a URL or a bundled sample: the config of where altsim runs
    return Path(source).resolve().parent


@cache
def _found_config(folder: Path) -> Noise:
    for place in (folder, *folder.parents):
        if (place / ".altsim.toml").is_file():
            return _read_config(place / ".altsim.toml")
        pyproject = place / "pyproject.toml"
        if pyproject.is_file() and "altsim" in _toml(pyproject).get("tool", {}):
            return _read_config(pyproject)
    return Noise()


def _toml(path: Path) -> dict[str, Any]:
    import tomllib  # only when a config file is found

    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise UsageError(f"cannot read the config file {printable(str(path))}: "
                         f"{printable(str(error))}") from None


def _read_config(path: Path) -> Noise:
    table = _toml(path)
    if path.name == "pyproject.toml":
        table = table.get("tool", {}).get("altsim", {})
    where = printable(str(path))
    if not isinstance(table, dict):
        raise UsageError(f"{where}: [tool.altsim] is not a table")
    if unknown := [key for key in table if key not in CONFIG_KEYS]:
        raise UsageError(f"{where}: unknown setting {printable(unknown[0])!r} "
                         f"(the settings are {', '.join(CONFIG_KEYS)})")
    codes = {}
    for key in ("ignore", "select"):
        values = table.get(key, [])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise UsageError(f"{where}: {key} is a list of codes")
        codes[key] = _codes(values, f"{where}: {key}")
    noise = Noise(codes["ignore"], codes["select"], config=path)
    if "min-severity" in table:
        if table["min-severity"] not in SEVERITIES:
            raise UsageError(f"{where}: min-severity is one of {', '.join(SEVERITIES)}")
        noise = replace(noise, min_severity=table["min-severity"])
    if "strict" in table:
        if not isinstance(table["strict"], bool):
            raise UsageError(f"{where}: strict is true or false")
        noise = replace(noise, strict=table["strict"])
    if "baseline" in table:
        if not isinstance(table["baseline"], str):
            raise UsageError(f"{where}: baseline is a file name")
        noise = replace(noise, baseline=path.parent / table["baseline"])
    return noise


def _codes(values: Iterable[str], where: str) -> frozenset[str]:
    codes = [code.strip() for value in values for code in value.split(",") if code.strip()]
    if unknown := unknown_codes(codes):
        import difflib

        close = difflib.get_close_matches(unknown[0], CODES, n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else " (see docs/codes.md)"
        raise UsageError(f"{where}: unknown code {printable(unknown[0])!r}{hint}")
    return frozenset(codes)
