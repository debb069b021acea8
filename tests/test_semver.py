"""SemVer as SideStore parses and orders it, and both clients' update rules (behaviour.md 5, 14
39-44).

Parse cases marked "SV" come from SwiftPackageIndex/SemanticVersion's own test suite
(Tests/SemanticVersionTests/SemanticVersionTests.swift). Test ids carry the spec vector
(``v42-…``) or the section (``s5.2-…``).
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from altsim.core.latest import SIDESTORE_BETA_TRACKS
from altsim.core.semver import SemanticVersion, parse_semver, precedes, swift_int
from altsim.core.update_rules import update_offered

SV = SemanticVersion

# ---------------------------------------------------------------------------------------------
# Parsing

ACCEPT = [
    ("1.2.3", SV(1, 2, 3)),
    ("0.0.4", SV(0, 0, 4)),
    ("10.20.30", SV(10, 20, 30)),
    ("v1.2.3", SV(1, 2, 3)),  # SPI extension: lowercase v only
    ("v1.2.3-beta1+build5", SV(1, 2, 3, "beta1", "build5")),
    ("1.2.3-beta.1+exp.sha.5114f85", SV(1, 2, 3, "beta.1", "exp.sha.5114f85")),
    ("1.1.2-prerelease+meta", SV(1, 1, 2, "prerelease", "meta")),
    ("1.1.2+meta-valid", SV(1, 1, 2, "", "meta-valid")),
    ("1.0.0-alpha.0valid", SV(1, 0, 0, "alpha.0valid")),
    ("1.0.0-0A.is.legal", SV(1, 0, 0, "0A.is.legal")),
    ("1.2.3----RC-SNAPSHOT.12.9.1--.12+788", SV(1, 2, 3, "---RC-SNAPSHOT.12.9.1--.12", "788")),
    ("1.0.0+0.build.1-rc.10000aaa-kk-0.1", SV(1, 0, 0, "", "0.build.1-rc.10000aaa-kk-0.1")),
    ("2.0.0+001", SV(2, 0, 0, "", "001")),  # build identifiers may have leading zeros
    ("1.0.0--1", SV(1, 0, 0, "-1")),  # "-1" is an identifier (the hyphen makes it legal)
    ("9223372036854775807.0.0", SV(2**63 - 1, 0, 0)),  # Int.max
]

REJECT = [
    "",
    "1",
    "1.0",
    "1.2",
    "1.0.0.1",
    "1.2.3.DEV",
    "01.2.3",
    "1.01.1",
    "1.1.01",
    "V1.2.3",  # only lowercase v
    "vv1.2.3",
    "v",
    " 1.2.3",
    "1.2.3 ",
    "1.2.3\n",  # wholeMatch: a trailing newline is not consumed
    "1.2.3rc",
    "1.2.3-",
    "1.2.3+",
    "1.2.3-0123",
    "1.2.3-0123.0123",
    "1.0.0-00",
    "1.1.2+.123",
    "1.0.0-alpha..1",
    "1.0.0-alpha_beta",
    "1.0.0-alpha.",
    "1.2-SNAPSHOT",
    "-1.0.3-gamma+b7718",
    "+justmeta",
    "9.8.7+meta+meta",
    "9.8.7-whatever+meta+meta",
    "1.2.3-béta",
    "1.2.31.2.3----RC-SNAPSHOT.12.09.1--..12+788",
    "swift-2.2-SNAPSHOT-2016-01-11-a",
    "1.2.3 (5)",
    "１.2.3",  # fullwidth 1 is not [1-9]
    "1\u0661.0.0",  # Arabic-Indic digit: \d matches it, Swift Int() does not
    "9223372036854775808.0.0",  # Int overflow: regex matches, Int() is nil
    "99999999999999999999999.999999999999999999.99999999999999999",  # SV's regex-valid case
]


@pytest.mark.parametrize(("text", "expected"), ACCEPT, ids=[f"ok-{t}" for t, _ in ACCEPT])
def test_parse_accepts(text: str, expected: SemanticVersion) -> None:
    assert parse_semver(text) == expected


@pytest.mark.parametrize("text", REJECT, ids=[f"nil-{t!r}" for t in REJECT])
def test_parse_rejects(text: str) -> None:
    assert parse_semver(text) is None


def test_description_drops_leading_v() -> None:
    version = parse_semver("v1.2.3-beta1+build")
    assert version is not None
    assert str(version) == "1.2.3-beta1+build"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", 0),
        ("12", 12),
        ("-1", -1),
        ("+7", 7),
        ("-0", 0),
        ("01", 1),
        ("9223372036854775807", 2**63 - 1),
        ("-9223372036854775808", -(2**63)),
        ("9223372036854775808", None),
        ("", None),
        ("-", None),
        ("--1", None),
        ("1a", None),
        ("\u0661", None),
        (" 1", None),
    ],
)
def test_swift_int(text: str, expected: int | None) -> None:
    assert swift_int(text) == expected


@pytest.mark.parametrize(
    ("pre", "identifiers"),
    [
        ("alpha.1", ("alpha", 1)),
        ("0A.is.legal", ("0A", "is", "legal")),
        ("-1", (-1,)),  # Swift Int("-1") succeeds
        ("--1", ("--1",)),
        ("99999999999999999999", ("99999999999999999999",)),  # too big for Int: alphanumeric
        ("", ()),
    ],
)
def test_pre_release_identifiers(pre: str, identifiers: tuple[int | str, ...]) -> None:
    assert SV(1, 0, 0, pre).pre_release_identifiers == identifiers


def test_stability_ignores_build() -> None:
    assert SV(1, 0, 0, "", "build").is_stable
    assert not SV(1, 0, 0, "", "build").is_pre_release
    assert SV(1, 0, 0, "rc").is_pre_release


# ---------------------------------------------------------------------------------------------
# Precedence

SEMVER_ORG_11 = [
    "1.0.0-alpha",
    "1.0.0-alpha.1",
    "1.0.0-alpha.beta",
    "1.0.0-beta",
    "1.0.0-beta.2",
    "1.0.0-beta.11",
    "1.0.0-rc.1",
    "1.0.0",
    "1.0.1",
    "1.1.0",
    "1.10.0",
    "2.0.0",
]


def _v(text: str) -> SemanticVersion:
    version = parse_semver(text)
    assert version is not None, text
    return version


@pytest.mark.parametrize(
    ("lower", "higher"),
    list(itertools.combinations(SEMVER_ORG_11, 2)),
    ids=[f"{a}<{b}" for a, b in itertools.combinations(SEMVER_ORG_11, 2)],
)
def test_semver_org_precedence(lower: str, higher: str) -> None:
    a, b = _v(lower), _v(higher)
    assert precedes(a, b)
    assert not precedes(b, a)
    assert a < b
    assert b > a
    assert a <= b
    assert b >= a


@pytest.mark.parametrize(
    ("lower", "higher"),
    [
        ("1.0.0-1", "1.0.0-alpha"),  # numeric below alphanumeric
        ("1.0.0-2", "1.0.0-10"),  # numerically, not as strings
        ("1.0.0-alpha", "1.0.0-alpha.0"),  # longer list higher
        ("1.0.0-Beta", "1.0.0-alpha"),  # ASCII: uppercase first
        ("1.0.0-alpha.-1", "1.0.0-alpha.0"),  # "-1" is numeric -1
        ("1.0.0-9", "1.0.0-99999999999999999999"),  # Int vs overflowed "number" (a string)
        # Both overflow, so both are strings and compare as ASCII: the larger number is lower.
        ("1.0.0-100000000000000000000", "1.0.0-99999999999999999999"),
        ("1.0.0-rc.1+build.9", "1.0.0"),
        ("0.9.9+zzz", "1.0.0-alpha"),
    ],
)
def test_precedence_details(lower: str, higher: str) -> None:
    assert precedes(_v(lower), _v(higher))
    assert not precedes(_v(higher), _v(lower))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("1.0.0+a", "1.0.0+b"),
        ("1.0.0", "1.0.0+build"),
        ("1.0.0-rc.1+x", "1.0.0-rc.1+y"),
        ("1.0.0--1", "1.0.0--01"),  # both numeric -1
        ("v1.2.3", "1.2.3"),
    ],
)
def test_same_precedence(a: str, b: str) -> None:
    # Neither is lower; `==` still sees the build metadata (Swift's synthesized Equatable).
    va, vb = _v(a), _v(b)
    assert not precedes(va, vb)
    assert not precedes(vb, va)
    assert va <= vb
    assert va >= vb
    assert (va == vb) == (va.build == vb.build and va.pre_release == vb.pre_release)


# ---------------------------------------------------------------------------------------------
# Update rules: behaviour.md 14 vectors 39-44, then the SideStore branches of 5.2

Case = tuple[str, str | None, str, str | None]

VECTORS: list[tuple[str, Case, bool, bool]] = [
    # id, (installed, installed build, latest, latest build), AltStore, SideStore
    ("v39-downgrade-offered", ("2.0", None, "1.0", None), True, True),
    ("v40-1.0-vs-1.0.0", ("1.0", None, "1.0.0", None), True, True),
    ("v41-build-added", ("1.2", None, "1.2", "5"), True, True),
    ("v42-semver-downgrade", ("1.2.0", None, "1.1.0", None), True, False),
    ("v43-build-only-change", ("1.2.0", "5", "1.2.0", "6"), True, False),
    ("v44-non-semver-downgrade", ("1.2", None, "1.1", None), True, True),
]


@pytest.mark.parametrize(
    ("case", "altstore", "sidestore"),
    [(case, a, s) for _, case, a, s in VECTORS],
    ids=[vid for vid, *_ in VECTORS],
)
def test_spec_vectors(case: Case, altstore: bool, sidestore: bool) -> None:
    assert update_offered("string", *case) is altstore
    assert update_offered("semver", *case) is sidestore


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        (("1.2", None, "1.2", None), False),
        (("1.2", "", "1.2", None), False),  # "" build ≡ nil
        (("1.2", None, "1.2", ""), False),
        (("1.2", "5", "1.2", "5"), False),
        (("1.2", "5", "1.2", None), True),  # build dropped (e.g. the re-sign quirk)
        (("1.2", None, "1.2.0", None), True),
        (("1.2", None, "1.2 ", None), True),
        (("1.0b2", None, "1.0B2", None), True),  # case-sensitive
        (("v1.2.0", None, "1.2.0", None), True),
    ],
    ids=lambda c: repr(c),
)
def test_altstore_rule(case: Case, expected: bool) -> None:
    assert update_offered("string", *case) is expected


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        (("1.2.0", None, "1.2.1", None), True),
        (("1.2.0", None, "1.3.0-beta", None), True),  # newer core wins even as pre-release
        (("1.2.0-beta.2", None, "1.2.0-beta.11", None), True),
        (("1.2.0-beta.11", None, "1.2.0-beta.2", None), False),
        (("1.2.0-rc.1", None, "1.2.0", None), True),
        (("1.2.0", None, "1.2.0-rc.1", None), False),
        (("1.2.0+5", None, "1.2.0+6", None), False),  # build metadata ignored
        (("v1.2.0", None, "1.2.0", None), False),  # AltStore: update
        (("1.2.0", "5", "1.2.0", None), False),  # buildVersion unused on the SemVer path
        (("1.2.0", None, "1.2", None), True),  # one side not SemVer ⇒ string rule
        (("1.2", "7", "1.2", "7"), False),
    ],
    ids=lambda c: repr(c),
)
def test_sidestore_rule(case: Case, expected: bool) -> None:
    assert update_offered("semver", *case) is expected


@pytest.mark.parametrize(
    ("installed", "latest", "beta", "track", "expected"),
    [
        # Beta updates on, latest on alpha/nightly, same core: any pre-release/build difference.
        ("1.2.0", "1.2.0-alpha.1", True, "alpha", True),  # a SemVer downgrade, still offered
        ("1.2.0+5", "1.2.0+4", True, "nightly", True),  # older build metadata, still offered
        ("1.2.0-alpha.2", "1.2.0-alpha.1", True, "alpha", True),
        ("1.2.0", "1.2.0", True, "alpha", False),
        ("v1.2.0", "1.2.0", True, "alpha", False),  # the "v" is not kept
        # Any condition missing ⇒ plain precedence.
        ("1.2.0", "1.2.0-alpha.1", False, "alpha", False),
        ("1.2.0", "1.2.0-alpha.1", True, "stable", False),
        ("1.2.0", "1.2.0-alpha.1", True, "Alpha", False),  # raw value, case-sensitive
        ("1.2.0", "1.2.0-alpha.1", True, "beta", False),  # not a 0.6 track
        ("1.2.0", "1.2.0-alpha.1", True, None, False),
        ("1.2.1", "1.2.0-alpha.1", True, "alpha", False),  # different core
        ("1.2.0-alpha.1", "1.2.0", False, None, True),
    ],
)
def test_sidestore_beta_branch(
    installed: str, latest: str, beta: bool, track: str | None, expected: bool
) -> None:
    result = update_offered(
        "semver", installed, None, latest, None, beta_updates=beta, latest_track=track
    )
    assert result is expected


def test_beta_tracks() -> None:
    assert frozenset({"alpha", "nightly"}) == SIDESTORE_BETA_TRACKS


# ---------------------------------------------------------------------------------------------
# Properties

_digits = st.integers(min_value=0, max_value=30).map(str)
_alnum = st.text(alphabet="0123456789abcXYZ-", min_size=1, max_size=6).filter(
    lambda s: any(not c.isdigit() for c in s)
)
_pre_ids = st.one_of(_digits, _alnum, st.sampled_from(["alpha", "beta", "rc", "-1", "-2"]))
_build_ids = st.text(alphabet="0123456789abz-", min_size=1, max_size=4)


@st.composite
def semver_strings(draw: st.DrawFn) -> str:
    core = ".".join(str(draw(st.integers(min_value=0, max_value=3))) for _ in range(3))
    text = draw(st.sampled_from(["", "v"])) + core
    pre = draw(st.lists(_pre_ids, max_size=3))
    if pre:
        text += "-" + ".".join(pre)
    build = draw(st.lists(_build_ids, max_size=2))
    if build:
        text += "+" + ".".join(build)
    return text


_builds = st.one_of(st.none(), st.sampled_from(["", "1", "2"]))
_tracks = st.one_of(st.none(), st.sampled_from(["alpha", "nightly", "stable", "beta", "x"]))


@given(semver_strings())
def test_generated_strings_parse(text: str) -> None:
    version = parse_semver(text)
    assert version is not None
    assert parse_semver(str(version)) == version


@given(st.text(max_size=30))
def test_parse_never_raises(text: str) -> None:
    version = parse_semver(text)
    if version is not None:
        assert parse_semver(str(version)) == version


@given(semver_strings(), semver_strings(), _builds, _builds, st.booleans(), _tracks)
def test_no_semver_downgrade(
    installed: str,
    latest: str,
    installed_build: str | None,
    latest_build: str | None,
    beta: bool,
    track: str | None,
) -> None:
    current, newest = _v(installed), _v(latest)
    offered = update_offered("semver", installed, installed_build, latest, latest_build, beta,
                             track)
    if not (beta and track in SIDESTORE_BETA_TRACKS):
        # Without the beta branch the rule is exactly SemVer precedence: no downgrade, ever.
        assert offered is precedes(current, newest)
    elif precedes(newest, current):
        # The beta branch can offer a lower precedence, but only within the same core.
        assert not offered or (newest.major, newest.minor, newest.patch) == (
            current.major,
            current.minor,
            current.patch,
        )


@given(semver_strings())
def test_precedence_irreflexive(text: str) -> None:
    version = _v(text)
    assert not precedes(version, version)


@given(semver_strings(), semver_strings(), semver_strings())
def test_precedence_strict_order(x: str, y: str, z: str) -> None:
    a, b, c = _v(x), _v(y), _v(z)
    assert not (precedes(a, b) and precedes(b, a))  # asymmetric
    if precedes(a, b) and precedes(b, c):
        assert precedes(a, c)  # transitive
    # Incomparability is transitive too, so sorting is well defined.
    if not precedes(a, b) and not precedes(b, a) and not precedes(b, c) and not precedes(c, b):
        assert not precedes(a, c)
        assert not precedes(c, a)


@given(st.text(max_size=8), _builds)
def test_altstore_same_is_no_update(version: str, build: str | None) -> None:
    assert not update_offered("string", version, build, version, build)
    assert not update_offered("semver", version, build, version, build)
