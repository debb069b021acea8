"""How `altsim check` prints results: text for people (with a summary table when several
clients are asked), JSON for tools, GitHub annotations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from altsim.core.check import CheckResult
from altsim.core.diagnostics import Diagnostic, Severity
from altsim.core.profiles import ClientProfile
from altsim.core.safe_text import json_dumps, printable
from altsim.core.values import OSVersion, os_version_string

if TYPE_CHECKING:
    from altsim.cli.check import Outcome

_COLOURS = {Severity.ERROR: "\x1b[31m", Severity.WARNING: "\x1b[33m", Severity.INFO: "\x1b[36m"}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"
_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def full_version(ios: OSVersion) -> str:
    return ".".join(str(part) for part in ios)


def _diagnostic_json(d: Diagnostic) -> dict[str, Any]:
    return {"severity": d.severity.value, "code": d.code, "message": d.message,
            "pointer": d.pointer, "line": d.line, "column": d.column}


# The depth of each result's diagnostics list in render_json's document (document, results,
# result), and json's indentation there: indent=1, one space per level.
_DIAGNOSTICS_DEPTH = 3
_EMPTY_DIAGNOSTICS = '"diagnostics": []'


def _diagnostics_json(diagnostics: list[Diagnostic]) -> str:
    """What `json_dumps(..., indent=1)` writes for a result's diagnostics, at C speed.

    json indents with its pure-Python encoder, about 6 µs a diagnostic (0.7 s for 100,000).
    Here `json_dumps` writes the list compactly, with json's C encoder and its one escaping
    pass, and `str.replace` puts in the line breaks and spaces the indenting encoder writes.
    Every pattern replaced holds a quote or a line break outside any string: inside a string
    json_dumps writes neither raw (\" and \n), so only the structure is touched."""
    if not diagnostics:
        return "[]"
    member = "\n" + " " * (_DIAGNOSTICS_DEPTH + 2)
    element = "\n" + " " * (_DIAGNOSTICS_DEPTH + 1)
    text = json_dumps([_diagnostic_json(d) for d in diagnostics], compact=True)[1:-1]
    for key in ("code", "message", "pointer", "line", "column"):
        text = text.replace(f',"{key}":', f',{member}"{key}": ')
    text = text.replace('{"severity":', f'{{{member}"severity": ')
    text = text.replace(f"}},{{{member}", f"{element}}},{element}{{{member}")
    return f"[{element}{text[:-1]}{element}}}\n{' ' * _DIAGNOSTICS_DEPTH}]"


def render_json(outcomes: list[Outcome], profiles: list[ClientProfile], ios: OSVersion) -> str:
    results = []
    diagnostics: list[list[Diagnostic]] = []  # each result's, for _diagnostics_json
    for outcome in outcomes:
        entry: dict[str, Any] = {"input": outcome.input, "client": outcome.profile.name}
        result = outcome.result
        if result is None:
            entry.update(accepted=False, rejection=None, error=outcome.error, diagnostics=[])
            diagnostics.append([])
        else:
            rejection = result.rejection
            entry["accepted"] = rejection is None
            entry["rejection"] = rejection and {
                "code": rejection.code, "message": rejection.message, "path": rejection.path,
                "detail": rejection.detail,
            }
            entry["diagnostics"] = []
            diagnostics.append(result.diagnostics)
            entry["silenced"] = outcome.silenced
            if outcome.differences:
                entry["differences"] = outcome.differences
        results.append(entry)
    document: dict[str, Any] = {}
    if len(profiles) == 1:  # the contract before --client took a list
        document["client"] = profiles[0].name
    document.update(clients=[p.name for p in profiles], ios=full_version(ios), results=results)
    # Each result's "diagnostics": [] is a quoted key outside any string: split there.
    parts = json_dumps(document, indent=1).split(_EMPTY_DIAGNOSTICS)
    text = parts[0]
    for part, found in zip(parts[1:], diagnostics, strict=True):
        text += f'"diagnostics": {_diagnostics_json(found)}{part}'
    return text + "\n"


def github_escape(text: str, *, property: bool = False) -> str:
    """A workflow command's message or property: control characters shown, never run."""
    text = printable(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property else text


def render_github(outcomes: list[Outcome], *, several_clients: bool = False) -> str:
    lines = []
    unreadable = set()
    for outcome in outcomes:
        file = github_escape(outcome.input, property=True)
        if outcome.result is None:
            if outcome.input not in unreadable:  # once, not once per client
                unreadable.add(outcome.input)
                lines.append(f"::error file={file}::{github_escape(outcome.error or '')}")
            continue
        client = f" ({outcome.profile.name})" if several_clients else ""
        for d in outcome.result.diagnostics:
            where = f"file={file}"
            if d.line is not None:
                where += f",line={d.line},col={d.column}"
            title = github_escape(f"altsim {d.code}{client}", property=True)
            message = printable(f"{d.message} [{d.pointer or '/'}]")
            lines.append(f"::{_GITHUB_LEVEL[d.severity]} {where},title={title}::"
                         f"{github_escape(message)}")
    return "\n".join(lines) + ("\n" if lines else "")


def render_text(outcomes: list[Outcome], ios: OSVersion, *, colour: bool) -> str:
    """Each outcome's verdict and problems; a blank line between one client's and the next."""
    def paint(text: str, style: str) -> str:
        return f"{style}{text}{_RESET}" if colour else text

    out: list[str] = []
    for index, outcome in enumerate(outcomes):
        if index and outcome.profile is not outcomes[index - 1].profile:
            out.append("")
        client = f"{outcome.profile.title} on iOS {os_version_string(ios)}"
        name = printable(outcome.input, keep_newlines=False)
        result = outcome.result
        if result is None:
            out.append(f"{paint(name, _BOLD)}: {paint('UNREADABLE', _COLOURS[Severity.ERROR])} "
                       f"{printable(outcome.error or '', keep_newlines=False)}")
            continue
        if result.rejection is None:
            out.append(f"{paint(name, _BOLD)}: {paint('ACCEPTED', _BOLD)} by {client}")
        else:
            r = result.rejection
            where = f" at {printable(r.path, keep_newlines=False)}" if r.path else ""
            out.append(f"{paint(name, _BOLD)}: "
                       f"{paint('REJECTED', _BOLD + _COLOURS[Severity.ERROR])} by {client}: "
                       f"{r.code}{where}")
            out.append(f"  the client says: {printable(r.message, keep_newlines=False)}")
            if r.detail:
                out.append(f"  {paint(printable(r.detail, keep_newlines=False), _DIM)}")
        for d in result.diagnostics:
            place = f"{d.line}:{d.column}" if d.line is not None else "-"
            label = paint(f"{d.severity.value:<7}", _COLOURS[d.severity])
            pointer = paint(printable(d.pointer or "/", keep_newlines=False), _DIM)
            out.append(f"  {place:>9}  {label} {d.code}: "
                       f"{printable(d.message, keep_newlines=False)}  {pointer}")
        out.append(f"  {_counts(result, outcome.silenced)}")
    return "\n".join(out) + "\n"


def _counts(result: CheckResult, silenced: int) -> str:
    counts = ", ".join(f"{result.count(s)} {s.value}{'s' if result.count(s) != 1 else ''}"
                       for s in Severity)
    return counts + (f", {silenced} silenced (--ignore, --select, --min-severity, a baseline "
                     "or a config file)" if silenced else "")


def render_summary(outcomes: list[Outcome], profiles: list[ClientProfile], ios: OSVersion,
                   *, colour: bool) -> str:
    """For each source, one row per client: its verdict in its own words and how it shows the
    source differently from AltStore; then, with several sources, one screen of every verdict
    (inputs as rows, clients as columns)."""
    by_input: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        by_input.setdefault(outcome.input, []).append(outcome)
    parts = [_clients_table(name, rows, ios, colour) for name, rows in by_input.items()]
    if len(by_input) > 1:
        parts.append(_sources_grid(by_input, profiles, ios, colour))
    return "\n".join(parts)


def _clients_table(name: str, outcomes: list[Outcome], ios: OSVersion, colour: bool) -> str:
    width = max(len(o.profile.name) for o in outcomes)
    lines = [f"Summary: {printable(name, keep_newlines=False)} on iOS {os_version_string(ios)}, "
             "client by client (· how each shows it differently from AltStore)"]
    for outcome in outcomes:
        text, style = _verdict_cell(outcome)
        if outcome.result is not None and outcome.result.rejection is not None:
            text = f"{text}: {printable(outcome.result.rejection.message, keep_newlines=False)}"
        painted = f"{style}{text}{_RESET}" if colour and style else text
        lines.append(f"{outcome.profile.name.ljust(width)}  {painted}")
        lines += [f"{'':{width}}  · {printable(d, keep_newlines=False)}"
                  for d in outcome.differences]
    return "\n".join(lines) + "\n"


def _sources_grid(by_input: dict[str, list[Outcome]], profiles: list[ClientProfile],
                  ios: OSVersion, colour: bool) -> str:
    header = ["source \\ client", *(p.name for p in profiles)]
    cells = {name: {o.profile.name: _verdict_cell(o) for o in rows}
             for name, rows in by_input.items()}
    rows = [[(printable(name, keep_newlines=False), "")] + [row[p.name] for p in profiles]
            for name, row in cells.items()]
    widths = [max(len(text) for text in column) for column in
              zip(header, *([text for text, _ in row] for row in rows), strict=True)]

    def line(row: list[tuple[str, str]]) -> str:
        padded = [text.ljust(width) for (text, _), width in zip(row, widths, strict=True)]
        painted = [f"{style}{text}{_RESET}" if colour and style else text
                   for text, (_, style) in zip(padded, row, strict=True)]
        return "  ".join(painted).rstrip()

    lines = [f"Summary: {len(cells)} sources × {len(profiles)} clients on iOS "
             f"{os_version_string(ios)}", line([(h, _BOLD) for h in header])]
    lines += [line(row) for row in rows]
    lines.append("+Nw: N warnings (listed above, under each client's verdict)")
    return "\n".join(lines) + "\n"


def _verdict_cell(outcome: Outcome) -> tuple[str, str]:
    """A summary cell's text and its colour: accepted or rejected (code), and the warnings."""
    result = outcome.result
    if result is None:
        return "unreadable", _COLOURS[Severity.ERROR]
    warnings = result.count(Severity.WARNING)
    more = f" +{warnings}w" if warnings else ""
    if result.rejection is None:
        return f"accepted{more}", ""
    return f"rejected ({result.rejection.code}){more}", _COLOURS[Severity.ERROR]
