"""SemVer as SideStore reads it.

A port of `SwiftPackageIndex/SemanticVersion` (SV, 0.4+: the `wholeMatch` parser, the
precedence of semver.org 2.0.0 rule 11). SideStore's update rule built on it is in update_rules.py.

Stdlib only: this module must stay importable without the UI or network dependencies.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TypeAlias

# Swift `Int` on iOS is 64-bit; `Int(text)` is nil outside this range.
_INT_MIN = -(2**63)
_INT_MAX = 2**63 - 1

# SV:Sources/SemanticVersion/SemanticVersion+LosslessStringConvertible.swift:20-63 — the
# semver.org regex (regex101.com/r/Ly7O1x/3) plus an optional lowercase `v` (not `V`), applied
# with `wholeMatch`, so nothing may follow, not even a newline (hence `fullmatch`). No leading
# zeros in major/minor/patch or in all-digit pre-release identifiers; no empty identifiers.
# `\d` is Unicode (ICU and Swift Regex alike, and Python's str `re`): "1١.0.0" matches, but then
# `Int("1١")` is nil, so `parse_semver` still rejects it. Compiled at its first use: only
# SideStore's rules read versions as SemVer, and compiling it costs every start 0.3 ms.
_semver = functools.cache(functools.partial(
    re.compile,
    r"""
    v?
    (?P<major>0|[1-9]\d*)
    \.
    (?P<minor>0|[1-9]\d*)
    \.
    (?P<patch>0|[1-9]\d*)
    (?:-
      (?P<prerelease>
        (?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)
        (?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*
      )
    )?
    (?:\+
      (?P<build>[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*)
    )?
    """,
    re.VERBOSE,
))
_SWIFT_INT = re.compile(r"[+-]?[0-9]+")


def swift_int(text: str) -> int | None:
    """Swift's `Int(text)`: optional sign, ASCII digits only, within 64 bits; else None."""
    if not _SWIFT_INT.fullmatch(text):
        return None
    value = int(text)
    return value if _INT_MIN <= value <= _INT_MAX else None


# A pre-release identifier: `.numeric(Int)` is an int, `.alphanumeric(String)` a str.
PreReleaseIdentifier: TypeAlias = int | str
Identifiers: TypeAlias = tuple[PreReleaseIdentifier, ...]


def _identifier(raw: str) -> PreReleaseIdentifier:
    # SV SemanticVersion.swift `PreReleaseIdentifier.init`: numeric iff `Int(raw)` succeeds.
    # Quirks kept: "-1" (legal: a hyphen makes it alphanumeric to the regex) becomes numeric -1;
    # a digit string too large for Int, e.g. "99999999999999999999", stays alphanumeric.
    number = swift_int(raw)
    return raw if number is None else number


def _identifier_lt(a: PreReleaseIdentifier, b: PreReleaseIdentifier) -> bool:
    # SV SemanticVersion.swift `PreReleaseIdentifier <` (semver.org rule 11.4.1-3): numeric <
    # alphanumeric; numbers numerically; strings by Swift `<` (NFC scalar order), which for these
    # strings — ASCII, perhaps with Unicode digits, which NFC leaves alone — is Python's code-point
    # order.
    if isinstance(a, int):
        return a < b if isinstance(b, int) else True
    return False if isinstance(b, int) else a < b


def _identifiers_lt(a: Identifiers, b: Identifiers) -> bool:
    # SV SemanticVersion.swift `Array<PreReleaseIdentifier> <`: first difference decides, else
    # the shorter list is lower (semver.org rule 11.4.4).
    for x, y in zip(a, b, strict=False):
        if x != y:
            return _identifier_lt(x, y)
    return len(a) < len(b)


@dataclass(frozen=True, slots=True)
class SemanticVersion:
    """SV's `SemanticVersion`. `==` compares all five fields (Swift's synthesized Equatable), so
    versions differing only in build metadata are unequal, yet neither is `<` the other."""

    major: int
    minor: int
    patch: int
    pre_release: str = ""
    build: str = ""

    def __str__(self) -> str:  # SV `description`: the leading "v" is not kept
        pre = f"-{self.pre_release}" if self.pre_release else ""
        bld = f"+{self.build}" if self.build else ""
        return f"{self.major}.{self.minor}.{self.patch}{pre}{bld}"

    @property
    def is_stable(self) -> bool:  # SV: `preRelease.isEmpty`; build metadata does not count
        return not self.pre_release

    @property
    def is_pre_release(self) -> bool:
        return bool(self.pre_release)

    @property
    def pre_release_identifiers(self) -> Identifiers:
        # Swift `split(separator: ".")` drops empty pieces; the regex never lets one through.
        return tuple(_identifier(part) for part in self.pre_release.split(".") if part)

    # Swift `Comparable` derives `>`, `<=`, `>=` from `<`; so do these.
    def __lt__(self, other: SemanticVersion) -> bool:
        return precedes(self, other)

    def __gt__(self, other: SemanticVersion) -> bool:
        return precedes(other, self)

    def __le__(self, other: SemanticVersion) -> bool:
        return not precedes(other, self)

    def __ge__(self, other: SemanticVersion) -> bool:
        return not precedes(self, other)


def parse_semver(text: str) -> SemanticVersion | None:
    """`SemanticVersion(text)`, or None where the Swift initializer returns nil.

    SV SemanticVersion+LosslessStringConvertible.swift:20-63: whole-string regex match, then
    `Int(...)` of each core number (nil on 64-bit overflow).
    """
    match = _semver().fullmatch(text)
    if match is None:
        return None
    major, minor, patch = (swift_int(match[name]) for name in ("major", "minor", "patch"))
    if major is None or minor is None or patch is None:
        return None
    return SemanticVersion(major, minor, patch, match["prerelease"] or "", match["build"] or "")


def precedes(a: SemanticVersion, b: SemanticVersion) -> bool:
    """Swift `a < b` (SV SemanticVersion.swift:52-116, semver.org rule 11): core numbers, then a
    pre-release below its stable release, then pre-release identifiers. Build metadata is
    ignored (semver.org rule 10)."""
    if a.major != b.major:
        return a.major < b.major
    if a.minor != b.minor:
        return a.minor < b.minor
    if a.patch != b.patch:
        return a.patch < b.patch
    if a.is_stable != b.is_stable:
        return b.is_stable
    return _identifiers_lt(a.pre_release_identifiers, b.pre_release_identifiers)
