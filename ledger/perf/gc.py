"""Python's cyclic garbage collector, paused for passes that keep millions of objects alive.

A whole-ledger audit, a large import or a projection rebuild keeps many objects alive at
once (replayed accounts, an account cache, a batch of rows). Each automatic collection
walks them all again and finds almost nothing to free: reference counting frees what
these passes drop, and they make few reference cycles (BENCHMARKS.md has the savings).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_pauses = 0
_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """No automatic collection inside the block; re-entrant and safe across threads.

    The collector is on again when the last pause ends, if it was on before the first.
    Leave the block only once the pass's objects are freed: the collector's first run
    afterwards walks every object made meanwhile that is still alive. A long pass calls
    ``collect_young`` at its checkpoints.
    """
    global _pauses, _was_enabled
    with _lock:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _was_enabled:
                gc.enable()


def collect_young() -> None:
    """Free the cycles made since the last checkpoint (a refused line's traceback, say).

    Only the young generations are walked: what survives them, such as the accounts kept
    in a cache, is not looked at again until the pass ends.
    """
    gc.collect(1)
