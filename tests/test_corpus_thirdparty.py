"""The real corpus under Feather, Ksign and LiveContainer: each file's verdict, checked against
the clients' rules (behaviour.md 15-17). Every file not listed here is accepted by all three."""

from __future__ import annotations

import pytest

from altsim.core.check import check_source
from altsim.core.profiles import PROFILES

from .conftest import corpus_file, corpus_files

CLIENTS = ("feather", "ksign", "livecontainer")
SYNTAX = {"feather": "jsonSyntax", "ksign": "jsonSyntax", "livecontainer": "jsonSyntax"}
# file -> client -> the client's error code, and why
REJECTED: dict[str, dict[str, str]] = {
    # invalid JSON: no client reads JSON5 or broken JSON (behaviour.md 15.1, 17.1)
    "Randomblock1__altstore__apps@bb28bc2.json": SYNTAX,
    "Randomblock1__altstore__apps@cb7f848.json": SYNTAX,
    "qnblackcat__AltStore__apps@90bcff6.json": SYNTAX,
    # marketplaceID: Feather refuses PAL sources; Ksign does not read the key (behaviour.md 15.3,
    # 16.1)
    "Ceylo__FurAffinityApp__altstore-pal.json": {"feather": "palNotSupported"},
    "altstoreio__FAQ__PALSource.json": {"feather": "palNotSupported"},
    # "" is no URL for URL(string:) (headerURL, website); LiveContainer reads them as text, ""
    # as none (behaviour.md 15.2, 17.2)
    "Neoncat-OG__TrollStore-IPAs__apps_altstore@9486702.json": {
        "feather": "dataCorrupted", "ksign": "dataCorrupted"},
    "altstoreio__FAQ__apps.json": {"feather": "dataCorrupted", "ksign": "dataCorrupted"},
}


@pytest.mark.parametrize("client", CLIENTS)
@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_corpus_verdicts(path, client):
    expected = REJECTED.get(path.name, {}).get(client)
    result = check_source(corpus_file(path.name).read_bytes(), PROFILES[client], (17, 0, 0))
    found = None if result.rejection is None else result.rejection.code
    assert found == expected, result.rejection
