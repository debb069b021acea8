"""The cyclic garbage collector paused while a source becomes a model.

Decoding a large source allocates hundreds of thousands of objects, none of them in a cycle;
each allocation past the collector's threshold starts a collection that walks them all again
(a third of `check`'s time on a 20 MB source). The decoder breaks its own cycles (Decoder.close),
so nothing is left for the collector to find afterwards.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    # Another thread may have paused it too: only the one that paused it resumes it.
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()
