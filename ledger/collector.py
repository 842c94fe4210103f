"""Python's cyclic garbage collector, paused for passes that keep millions of objects alive.

A whole-ledger audit or a large import keeps many accounts' replayed state alive at once (an
audit, every account; an import, its account cache). Each automatic collection walks them
all again and finds almost nothing to free: reference counting frees what these passes
drop, and they make few reference cycles. Measured: a verify of 200,000 events on SQLite
took 30% less CPU with the collector paused, an import of 100,000 lines 20% less.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """No automatic collection inside the block.

    Leave the block only once the pass's objects are freed: the collector's first run
    afterwards walks every object made meanwhile that is still alive (seconds, for a
    million events). A long pass calls ``collect_young`` at its checkpoints.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def collect_young() -> None:
    """Free the cycles made since the last checkpoint (a refused line's traceback, say).

    Only the young generations are walked: what survives them, such as the accounts kept
    in a cache, is not looked at again until the pass ends.
    """
    gc.collect(1)
