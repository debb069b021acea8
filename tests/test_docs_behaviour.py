"""docs/behaviour.md is the reference the code cites as "behaviour.md 9.2" (a list: "behaviour.md
6.4, 9.2, 9.3"; a range: "behaviour.md 10.3-10.5"), and the document itself as "§9.2".

Every such number cited in altsim/, README.md, tests/ and the document must be exactly one
heading of the document ("## 9 Refresh, …", "### 9.2 Error aggregation").
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "behaviour.md"

# "## 9 Title" / "### 9.2 Title": the number, one space, the title.
HEADING = re.compile(r"^#{2,4} (\d+(?:\.\d+)?) \S", re.MULTILINE)
# "§9.2", "§ 9.2", a range "§10.3-10.5" (inside the document); deeper numbers resolve to their
# first two levels.
CITATION = re.compile(r"§\s?(\d+(?:\.\d+)?)(?:\s?[-–]\s?(\d+(?:\.\d+)?))?")
# "behaviour.md 9.2", "behaviour.md 6.4, 9.2 and 9.3", "behaviour.md 10.3-10.5" (elsewhere)
NAMED = re.compile(r"behaviour\.md\s+(\d+(?:\.\d+)?(?:(?:-|, | and | or |,\n\s*)\d+(?:\.\d+)?)*)")
NUMBER = re.compile(r"\d+(?:\.\d+)?")


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
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in [*CITATION.finditer(text), *NAMED.finditer(text)]:
            where = f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, match.start()) + 1}"
            named = match.re is NAMED
            for cited in NUMBER.findall(match[1]) if named else filter(None, match.groups()):
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


def test_citation_patterns() -> None:
    assert [m[1] for m in CITATION.finditer("(§9.2) and § 10.3-10.5")] == ["9.2", "10.3"]
    text = "(behaviour.md 6.4, 9.2 and 9.3; vector 56) and behaviour.md 10.3-10.5"
    assert [NUMBER.findall(m[1]) for m in NAMED.finditer(text)] == [
        ["6.4", "9.2", "9.3"], ["10.3", "10.5"]]


def test_the_code_cites_by_document_name_not_by_section_sign() -> None:
    """Code and tests name the document they cite ("behaviour.md 9.2"), so a reader can open it
    without knowing a convention; "§" is left to the document itself."""
    signs = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
             for path in sorted((ROOT / "altsim").rglob("*.py"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if "§" in line]
    assert not signs, "\n".join(signs)
