"""Rebuild projections beside the live ones and swap them in, so readers never see a
half-built table.

1. Make empty copies of the projection's tables (``<table>_next``: same columns and keys,
   no other indexes yet, which makes filling them faster) and a position of its own.
2. Catch the copies up from the first event, in batches, while the live tables keep
   serving readers and the live runner keeps them current.
3. Index the copies (PostgreSQL; SQLite cannot rename an index, so it indexes in step 4).
4. In one transaction: lock the live positions (live runners wait), catch the copies up to
   the last event, drop the live tables, rename the copies (and their indexes) to the live
   names, and give the live position the copy's. Readers see the old tables until commit
   and the new ones after; never a mix, never a partial table.

A rebuild killed part-way leaves ``_next`` tables and position behind, which the next
rebuild drops and starts again; the live tables are untouched until the swap commits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ledger.application import Ledger
from ledger.config import Settings
from ledger.projections.migrate import check_current
from ledger.projections.runner import (
    PROJECTIONS,
    REBUILD_BATCH,
    CatchUp,
    checked_names,
    ledger_for,
)
from ledger.projections.store import Store, opened

NEXT = "_next"


def rebuild(
    source: Ledger | Settings,
    names: Sequence[str] | None = None,
    batch_size: int = REBUILD_BATCH,
    on_batch: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Rebuild the named projections (all by default) in one pass over the log; returns
    how many events each one applied. ``on_batch`` sees each committed batch."""
    chosen = checked_names(names)
    with ledger_for(source) as ledger, opened(ledger.env) as store:
        check_current(store)
        tables = [table for name in chosen for table in PROJECTIONS[name].tables]
        with store.transaction():
            for table in tables:
                store.create_copy(table, NEXT)
            store.forget_positions([name + NEXT for name in chosen])
        copies = CatchUp(ledger, store, chosen, NEXT, batch_size)
        copies.run(on_batch)
        for table in tables:
            store.index_copy(table, NEXT)
        swap(store, copies, chosen, tables)
        return copies.counts


def swap(store: Store, copies: CatchUp, names: list[str], tables: list[str]) -> None:
    with store.transaction():
        store.lock_positions(names)  # live runners of these projections now wait for us
        while copies.step():
            pass  # events written since the copies' last batch
        caught_up = store.lock_positions([name + NEXT for name in names])
        store.lock_tables(tables)
        for table in tables:
            store.swap_in(table, NEXT)
        store.set_positions({name: caught_up[name + NEXT] for name in names})
        store.forget_positions([name + NEXT for name in names])
