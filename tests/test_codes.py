"""The registry of diagnostic codes (altsim/core/codes.py): complete, used, and documented."""

from __future__ import annotations

import ast
import difflib
import re
import subprocess
import sys
from pathlib import Path

import pytest

from altsim.core.codes import CODES, markdown, unknown_codes
from altsim.core.diagnostics import Diagnostic, Severity

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "altsim"
KEBAB = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)+")  # altsim's codes
CODE_SHAPE = re.compile(rf"{KEBAB.pattern}|[a-z]+(?:[A-Z][a-z0-9]*)+")  # and the client's
# The callables that take a diagnostic code, and the position of the code among their arguments:
# Diagnostic itself, and the decoder's and the checks' callbacks (Decoder.reject and .warn,
# verify's and qa's report and warn).
CODE_ARGUMENT = {"Diagnostic": 1, "reject": 0, "warn": 0, "report": 0}
# Codes no source line spells out whole (built at run time), with the reason. None today: every
# code is a literal, a module constant or a (code, note) pair.
BUILT_AT_RUN_TIME: dict[str, str] = {}


def _modules() -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text(encoding="utf-8"))
            for path in sorted(PACKAGE.rglob("*.py")) if path != PACKAGE / "core" / "codes.py"}


def _constants(tree: ast.Module) -> dict[str, str]:
    """The module's NAME = "text" assignments, so that a code given by its constant is found."""
    return {target.id: node.value.value for node in tree.body if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
            for target in node.targets if isinstance(target, ast.Name)}


def _callee(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _code_expressions(tree: ast.Module, core: bool) -> list[ast.expr]:
    """Every expression in a code's place: a code argument, or in altsim/core the code of a
    (code, note) pair (the decoder's table of ignored keys, its OS-version notes)."""
    found: list[ast.expr] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _callee(node) in CODE_ARGUMENT:
            position = CODE_ARGUMENT[_callee(node) or ""]
            found += [k.value for k in node.keywords if k.arg == "code"]
            if len(node.args) > position:
                found.append(node.args[position])
        elif (core and isinstance(node, ast.Tuple) and len(node.elts) == 2
              and isinstance(node.elts[0], ast.Constant) and isinstance(node.elts[0].value, str)
              and KEBAB.fullmatch(node.elts[0].value)
              and isinstance(node.elts[1], ast.Constant | ast.JoinedStr)):
            found.append(node.elts[0])
    return found


def _emitted() -> tuple[set[str], list[str]]:
    """The codes altsim's source passes as codes, and the places that build one at run time."""
    codes: set[str] = set()
    built: list[str] = []
    for path, tree in _modules().items():
        constants = _constants(tree)
        for expression in _code_expressions(tree, path.parent.name == "core"):
            if isinstance(expression, ast.Constant) and isinstance(expression.value, str):
                codes.add(expression.value)
            elif isinstance(expression, ast.Name) and expression.id in constants:
                codes.add(constants[expression.id])
            elif isinstance(expression, ast.JoinedStr):
                built.append(f"{path.relative_to(ROOT)}:{expression.lineno}")
    return codes, built


def test_docs_page_is_generated_from_the_registry() -> None:
    page = (ROOT / "docs" / "codes.md").read_text(encoding="utf-8")
    assert page == markdown(), "run python -m altsim.core.codes > docs/codes.md"


def test_every_code_passed_as_a_code_is_registered() -> None:
    codes, built = _emitted()
    assert len(codes) > 30  # the scan still finds the call sites
    assert sorted(codes - CODES.keys()) == []
    assert built == [], "a code built at run time: list it in BUILT_AT_RUN_TIME, with why"


def test_every_registered_code_is_emitted_somewhere() -> None:
    literals = {node.value for tree in _modules().values() for node in ast.walk(tree)
                if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    never = sorted(CODES.keys() - literals - BUILT_AT_RUN_TIME.keys())
    assert never == [], "registered, but no source file spells it: remove it from codes.py"


def test_entries_are_consistent() -> None:
    expected = {"decoding": {"error"}, "verification": {"error"}, "warning": {"warning"},
                "info": {"info"}}
    for code, info in CODES.items():
        assert info.code == code
        assert CODE_SHAPE.fullmatch(code), code
        assert set(info.severities) == expected[info.stage], code
        assert set(info.severities) <= {s.value for s in Severity}, code
        assert info.meaning, code
        assert info.fix, code
        assert "§" not in info.meaning + info.fix + info.reference, code  # cite what one can open


def test_a_diagnostic_refuses_an_unregistered_code_or_severity() -> None:
    Diagnostic(Severity.WARNING, "unknown-key", "m", "")
    with pytest.raises(AssertionError, match="not in altsim/core/codes.py"):
        Diagnostic(Severity.WARNING, "unknown-keys", "m", "")
    with pytest.raises(AssertionError, match="not registered as error"):
        Diagnostic(Severity.ERROR, "unknown-key", "m", "")


def test_the_check_costs_nothing_under_optimize() -> None:
    code = ("from altsim.core.diagnostics import Diagnostic, Severity\n"
            "Diagnostic(Severity.ERROR, 'not-a-code', 'm', '')\n"
            "print(hasattr(Diagnostic, '__post_init__'))\n")
    out = subprocess.run([sys.executable, "-O", "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_unknown_codes_names_the_unregistered_in_order() -> None:
    assert unknown_codes([]) == []
    assert unknown_codes(["unknown-key", "jsonSyntax"]) == []
    assert unknown_codes(["colour-rgba", "unknown-key", "Unknown-Key"]) == ["colour-rgba",
                                                                            "Unknown-Key"]
    assert unknown_codes(iter(["x"])) == ["x"]  # any iterable, read once
    # what a usage error offers instead
    assert difflib.get_close_matches("colour-rgba", CODES)[0] == "colour-argb"
    assert "jsonSyntax" in difflib.get_close_matches("jsonsyntax", CODES)
