"""How `altsim verify` prints its verdicts: text for people, JSON for tools, GitHub annotations."""

from __future__ import annotations

from typing import Any

from altsim.cli.report import github_escape
from altsim.cli.verify import Verified
from altsim.core.install_check import InstallCheck
from altsim.core.profiles import ClientProfile
from altsim.core.safe_text import json_dumps, printable
from altsim.core.values import OSVersion, os_version_string

_COLOURS = {"fail": "\x1b[1;31m", "warn": "\x1b[33m", "pass": "\x1b[32m", "skip": "\x1b[2m"}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"
_LABELS = {"fail": "FAIL", "warn": "warn", "pass": "pass", "skip": "skip"}
_INDENT = " " * 26  # under the message, past "  FAIL  " and the name


def _check_json(check: InstallCheck) -> dict[str, Any]:
    return {"name": check.name, "ok": check.ok, "status": check.status,
            "expected": check.expected, "found": check.found, "message": check.message,
            "fix": check.fix, "byClient": check.by_client, "clientText": check.client_text}


def _result_json(result: Verified) -> dict[str, Any]:
    app, version, verdict = result.target.app, result.target.version, result.verdict
    shown = verdict.shown
    return {
        "bundleIdentifier": app.bundle_id, "name": app.name, "version": version.version,
        "buildVersion": version.build_version, "downloadURL": version.download_url,
        "archive": result.location, "size": result.size, "sha256": result.sha256,
        "ok": verdict.ok,
        # the client's alert; null also when it fails with a system error altsim cannot word
        "alert": shown and shown.client_text and {"title": verdict.alert_title,
                                                  "message": shown.message} or None,
        "warnings": list(result.warnings),
        "checks": [_check_json(check) for check in verdict.checks],
    }


def render_json(source: str, results: list[Verified], profile: ClientProfile,
                ios: OSVersion) -> str:
    document = {"source": source, "client": profile.name, "ios": os_version_string(ios),
                "ok": all(r.verdict.ok for r in results),
                "results": [_result_json(r) for r in results]}
    return json_dumps(document, indent=1) + "\n"


def render_github(source: str, results: list[Verified]) -> str:
    """A workflow annotation per failure and warning, on the source file."""
    file = github_escape(source, property=True)
    lines = []
    for result in results:
        subject = f"{result.target.app.bundle_id} {result.target.version.version}"
        for check in result.verdict.checks:
            if check.status not in ("fail", "warn"):
                continue
            level = "error" if check.status == "fail" else "warning"
            title = github_escape(f"altsim verify {subject}: {check.name}", property=True)
            message = check.message + (f"\nFix: {check.fix}" if check.fix else "")
            lines.append(f"::{level} file={file},title={title}::"
                         f"{github_escape(printable(message))}")
    return "\n".join(lines) + ("\n" if lines else "")


def render_text(results: list[Verified], profile: ClientProfile, ios: OSVersion, *,
                colour: bool) -> str:
    def paint(text: str, style: str) -> str:
        return f"{style}{text}{_RESET}" if colour else text

    def line(text: str) -> str:
        return printable(text, keep_newlines=False)

    out = [f"As {profile.title} on iOS {os_version_string(ios)}:"]
    for result in results:
        app, version, verdict = result.target.app, result.target.version, result.verdict
        out.append("")
        out.append(f"{paint(line(f'{app.name} {version.version}'), _BOLD)} "
                   f"({line(app.bundle_id)})  {paint(line(result.location), _DIM)}")
        if result.size is not None:
            out.append(f"  {result.size:,} bytes, sha256 {result.sha256}")
        out += [f"  warning: {line(warning)}" for warning in result.warnings]
        for check in verdict.checks:
            out += _check_lines(check, paint)
        shown = verdict.shown
        if shown is not None and shown.client_text:
            out.append("  " + paint("Refused.", _COLOURS["fail"]) + " The client shows “"
                       + line(verdict.alert_title) + "”: " + line(shown.message.split("\n")[0]))
        elif shown is not None:
            out.append("  " + paint("Refused.", _COLOURS["fail"]) + " The client fails with "
                       "the system's error for it, not with a text of its own.")
        else:
            out.append("  " + paint("Installs.", _COLOURS["pass"]))
    refused = sum(not r.verdict.ok for r in results)
    archives = "archive" if len(results) == 1 else "archives"
    out += ["", f"{len(results)} {archives} checked: {len(results) - refused} would install, "
                f"{refused} would be refused."]
    return "\n".join(out) + "\n"


def _check_lines(check: InstallCheck, paint: Any) -> list[str]:
    label = paint(_LABELS[check.status], _COLOURS[check.status])
    message = [printable(part, keep_newlines=False) for part in check.message.split("\n")
               if part]
    lines = [f"  {label}  {check.name:<17} {message[0]}"]
    if check.status in ("pass", "skip"):
        return lines
    lines += [_INDENT + part for part in message[1:]]
    compared = (check.expected, check.found)
    if compared != (None, None) and all(_scalar(value) for value in compared):
        lines.append(_INDENT + paint(f"expected: {_show(check.expected)}   found: "
                                     f"{_show(check.found)}", _DIM))
    if check.fix:
        lines.append(_INDENT + "fix: " + printable(check.fix, keep_newlines=False))
    return lines


def _scalar(value: object) -> bool:
    return value is None or isinstance(value, str | int)


def _show(value: object) -> str:
    text = "none" if value is None else json_dumps(value)
    return printable(text, keep_newlines=False)
