"""What a check finds: diagnostics for the maintainer and the client's verdict."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from altsim.core.codes import CODES

# Foundation's user-visible texts for decoding errors (behaviour.md 1.2).
MISSING_TEXT = "The data couldn’t be read because it is missing."
FORMAT_TEXT = "The data couldn’t be read because it isn’t in the correct format."


class Severity(StrEnum):
    ERROR = "error"  # the client rejects the source
    WARNING = "warning"  # accepted, but wrong or surprising
    INFO = "info"


@dataclass(slots=True)
class Diagnostic:
    """One finding: its severity, its code (core/codes.py), a message and where it is."""

    severity: Severity
    code: str
    message: str
    pointer: str  # RFC 6901 JSON pointer into the document
    line: int | None = None
    column: int | None = None

    if __debug__:  # no check, and no call, under python -O
        def __post_init__(self) -> None:
            registered = CODES.get(self.code)
            assert registered is not None, f"{self.code!r} is not in altsim/core/codes.py"
            assert self.severity in registered.severities, (
                f"{self.code!r} is not registered as {self.severity} in altsim/core/codes.py")


class Rejection(NamedTuple):
    """Why the client refuses the source, in the client's own words."""

    code: str  # the client's error name, e.g. "keyNotFound", "duplicateBundleID"
    message: str  # the client's user-visible text
    path: str  # the coding path in the client's form: "apps > 1 > developerName"
    detail: str = ""  # the debug description, when the client has one


def pointer_join(parent: str, key: str | int) -> str:
    if type(key) is str and ("~" in key or "/" in key):  # RFC 6901 escapes
        key = key.replace("~", "~0").replace("/", "~1")
    return f"{parent}/{key}"


def pointer_parts(pointer: str) -> list[str]:
    if not pointer:
        return []
    return [p.replace("~1", "/").replace("~0", "~") for p in pointer[1:].split("/")]


def coding_path(pointer: str) -> str:
    """The client's rendering of a coding path: keys and indices joined by " > "
    (behaviour.md 1.2)."""
    return " > ".join(pointer_parts(pointer))
