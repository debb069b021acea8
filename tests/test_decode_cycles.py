"""A decode leaves nothing in reference cycles: the decode cache freezes decodes out of the
cycle collector's sight (gc.freeze), so anything cyclic would never be freed (the decoder once
held every app it read inside its own cycles: 150 MB more for a 10,000-app source at each new
decode in the terminal UI)."""

from __future__ import annotations

import gc
import json

import pytest

from altsim.core import model
from altsim.core.check import check_source, client_verdict
from altsim.core.profiles import PROFILES

from .conftest import IN_REPO_CORPUS


@pytest.mark.parametrize("decode", [client_verdict, check_source], ids=["client", "check"])
@pytest.mark.parametrize("name", ["altstoreio__AltStore__apps.json",
                                  "Neoncat-OG__TrollStore-IPAs__apps_esign.json"])
def test_a_decode_leaves_no_cycles(decode, name):
    raw = (IN_REPO_CORPUS / name).read_bytes()
    json.loads(raw)  # warm the parser's caches outside the measured region
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)  # what the collector finds stays in gc.garbage to look at
    try:
        result = decode(raw, PROFILES["altstore"], (17, 0, 0))
        assert result.diagnostics is not None
        del result
        gc.collect()
        kept = [type(o).__name__ for o in gc.garbage if type(o).__module__ == model.__name__]
        assert kept == []
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
