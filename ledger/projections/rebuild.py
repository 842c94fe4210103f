"""Rebuild projections beside the live ones and swap them in, so readers never see a
half-built table.

1. Make empty copies of the projection's tables (``<table>_next``: same columns and keys,
   no other indexes yet, which makes filling them faster) and a position of its own.
2. Catch the copies up from the first event, in batches, while the live tables keep
   serving readers and the live runner keeps them current. Each batch is read and folded
   in memory first and written in a short transaction (``CatchUp.fill``): on SQLite the
   write lock of the whole database is held only while writing.
3. Index the copies (PostgreSQL; SQLite cannot rename an index, so it indexes in step 4).
4. In one transaction: lock the live positions (live runners wait), catch the copies up to
   the last event, drop the live tables, rename the copies (and their indexes) to the live
   names, and give the live position the copy's. Readers see the old tables until commit
   and the new ones after; never a mix, never a partial table.

A rebuild killed part-way leaves ``_next`` tables and position behind, which the next
rebuild drops and starts again; the live tables are untouched until the swap commits.

On a long log, the audit trail (about half of a rebuild's projection work: a row and up to
four index entries per event) is filled by a second process while this one fills the rest
(``rebuild_worker.py``); on two cores the rebuild takes about the time of the longer half.
Step 3 and 4 then run here for all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ledger.application import Ledger
from ledger.projections.catchup import REBUILD_BATCH, CatchUp
from ledger.projections.migrate import check_current
from ledger.projections.rebuild_worker import SecondProcessFill, in_own_process
from ledger.projections.registry import NEXT, PROJECTIONS, checked_names
from ledger.store.read_models.base import Store
from ledger.store.read_models.opening import opened


def rebuild(
    ledger: Ledger,
    names: Sequence[str] | None = None,
    batch_size: int | None = None,
    on_batch: Callable[[int], None] | None = None,
    processes: int | None = None,
) -> dict[str, int]:
    """Rebuild the named projections (all by default) in one pass over the log; returns
    how many events each one applied. ``batch_size`` defaults to the store's
    ``REBUILD_BATCH``; ``on_batch`` sees each batch this process commits. ``processes``:
    with 2, the trail is filled by a second process when others are rebuilt with it; by
    default that happens for a long log when two cores are idle."""
    chosen = checked_names(names)
    with opened(ledger.env) as store:
        check_current(store)
        batch = batch_size or REBUILD_BATCH[store.backend]
        tables = [table for name in chosen for table in PROJECTIONS[name].tables]
        with store.transaction():
            for table in tables:
                store.create_copy(table, NEXT)
            store.forget_positions([name + NEXT for name in chosen])
        events = ledger.recorder.max_notification_id() or 0
        elsewhere = in_own_process(chosen, events, processes)
        here = [name for name in chosen if name not in elsewhere]
        with SecondProcessFill(ledger, elsewhere, batch) as second:
            counts = CatchUp(ledger, store, here, NEXT, batch).fill(on_batch)
        counts.update(second.counts())
        for table in tables:
            store.index_copy(table, NEXT)
        copies = CatchUp(ledger, store, chosen, NEXT, batch)
        swap(store, copies, chosen, tables)
        return {name: counts[name] + copies.counts[name] for name in chosen}


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
