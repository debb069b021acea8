"""docs/behaviour.md is the reference the code cites as "§N" / "§N.M" (or "behaviour.md §N.M").

Every such number cited in altsim/, README.md, tests/ and the document itself must be exactly
one heading of the document ("## 9 Refresh, …", "### 9.2 Error aggregation").
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "behaviour.md"

# "## 9 Title" / "### 9.2 Title": the number, one space, the title.
HEADING = re.compile(r"^#{2,4} (\d+(?:\.\d+)?) \S", re.MULTILINE)
# "§9.2", "§ 9.2", "behaviour.md §9.2", a range "§10.3-10.5"; deeper numbers such as
# "§11.4.1" (SemVer's own numbering) resolve to their first two levels.
CITATION = re.compile(r"§\s?(\d+(?:\.\d+)?)(?:\s?[-–]\s?(\d+(?:\.\d+)?))?")


def heading_numbers() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    in_fence = False
    numbers = []
    for line in text.splitlines():
        if line.startswith("```"):
            in_fence = not in_fence
        elif not in_fence and (match := HEADING.match(line)):
            numbers.append(match[1])
    return numbers


def cited_files() -> list[Path]:
    files = sorted((ROOT / "altsim").rglob("*.py")) + [ROOT / "README.md", DOC]
    files += sorted(p for p in (ROOT / "tests").glob("*.py") if p.name != Path(__file__).name)
    return [p for p in files if p.is_file()]


def citations() -> dict[str, list[str]]:
    """Cited number -> where ("path:line")."""
    found: dict[str, list[str]] = {}
    for path in cited_files():
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        for number, line in enumerate(lines, 1):
            for match in CITATION.finditer(line):
                for cited in filter(None, match.groups()):
                    where = f"{path.relative_to(ROOT)}:{number}"
                    found.setdefault(cited, []).append(where)
    return found


def test_heading_numbers_are_unique():
    counts = Counter(heading_numbers())
    assert not [n for n, c in counts.items() if c > 1], counts


def test_top_level_sections_present():
    numbers = set(heading_numbers())
    assert {str(n) for n in range(15)} <= numbers
    assert re.search(r"^## Departures\b", DOC.read_text(encoding="utf-8"), re.MULTILINE)


def test_every_citation_resolves():
    numbers = set(heading_numbers())
    missing = {n: where[:3] for n, where in citations().items() if n not in numbers}
    assert not missing, f"cited but not a heading of docs/behaviour.md: {missing}"


def test_citation_pattern_survives_rewrite():
    # The lead will rewrite "§9.2" into "behaviour.md §9.2": both forms are read the same way.
    for text in ("(§9.2)", "behaviour.md §9.2", "docs/behaviour.md § 9.2"):
        assert [m[1] for m in CITATION.finditer(text)] == ["9.2"]
    assert [m.groups() for m in CITATION.finditer("§10.3-10.5")] == [("10.3", "10.5")]


def test_every_section_sign_in_the_code_names_the_document() -> None:
    """A "§" in altsim/ says which document it cites, on its own line: a reader of the code can
    open it without knowing a convention."""
    bare = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
            for path in sorted((ROOT / "altsim").rglob("*.py"))
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if "§" in line and "behaviour.md §" not in line]
    assert not bare, "\n".join(bare)
