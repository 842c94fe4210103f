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

On a long log, the audit trail (about half of a rebuild's projection work: a row and four
index entries per event) is filled by a second process while this one fills the others:
each reads and decodes the log itself, each writes only its own copies and positions, and
on two cores the rebuild takes about the time of the longer half. Step 3 and 4 then run
here for all of them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from multiprocessing import get_context
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

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
from ledger.projections.store import ProjectionError, Store, opened

NEXT = "_next"
APART = ("trail",)  # filled by a process of its own when the log is long
# Events in the log from which a second process pays: it costs about a second to start.
TWO_PROCESSES_FROM = 200_000


def rebuild(
    source: Ledger | Settings,
    names: Sequence[str] | None = None,
    batch_size: int | None = None,
    on_batch: Callable[[int], None] | None = None,
    processes: int | None = None,
) -> dict[str, int]:
    """Rebuild the named projections (all by default) in one pass over the log; returns
    how many events each one applied. ``batch_size`` defaults to the store's
    ``REBUILD_BATCH``; ``on_batch`` sees each batch this process commits; ``processes``
    (1 or 2) defaults to 2 for a long log, when the trail and others are rebuilt."""
    chosen = checked_names(names)
    with ledger_for(source) as ledger, opened(ledger.env) as store:
        check_current(store)
        batch = batch_size or REBUILD_BATCH[store.backend]
        tables = [table for name in chosen for table in PROJECTIONS[name].tables]
        with store.transaction():
            for table in tables:
                store.create_copy(table, NEXT)
            store.forget_positions([name + NEXT for name in chosen])
        apart = [name for name in chosen if name in APART and len(chosen) > 1]
        if (processes or default_processes(ledger)) < 2:
            apart = []
        here = [name for name in chosen if name not in apart]
        with ApartFill(ledger, apart, batch) as elsewhere:
            counts = CatchUp(ledger, store, here, NEXT, batch).fill(on_batch)
        counts.update(elsewhere.counts())
        for table in tables:
            store.index_copy(table, NEXT)
        copies = CatchUp(ledger, store, chosen, NEXT, batch)
        swap(store, copies, chosen, tables)
        return {name: counts[name] + copies.counts[name] for name in chosen}


def default_processes(ledger: Ledger) -> int:
    """Two for a long log when a core is idle (by the load average of the last minute):
    the second process decodes the log again, which only pays on a core of its own (1M
    events, SQLite: 24 s instead of 31 s when idle, 37 s instead of 32 s at a load of 3)."""
    long_log = (ledger.recorder.max_notification_id() or 0) >= TWO_PROCESSES_FROM
    idle_core = (os.cpu_count() or 1) - os.getloadavg()[0] >= 1
    return 2 if long_log and idle_core else 1


class ApartFill:
    """A second process filling the copies of ``names`` (none: nothing to do) while the
    ``with`` block fills the others; ``counts`` gives what it applied. Leaving the block
    by an error stops it: its open batch rolls back, and the next rebuild starts over."""

    def __init__(self, ledger: Ledger, names: list[str], batch: int) -> None:
        self.names = names
        self.result: tuple[str, Any] = ("ok", {})
        self.process: BaseProcess | None = None
        if names:
            # A fresh interpreter, with no inherited connections. It gets the store's
            # environment, the cipher key included: it decodes the events too.
            context = get_context("spawn")
            self.receiver, sender = context.Pipe(duplex=False)
            self.process = context.Process(
                target=fill_copies, args=(sender, dict(ledger.env), ledger.id_key, names, batch),
                name=f"llr rebuild {' '.join(names)}", daemon=True,
            )  # fmt: skip
            self.process.start()
            sender.close()

    def __enter__(self) -> ApartFill:
        return self

    def __exit__(self, error: type[BaseException] | None, *rest: object) -> None:
        if self.process is None:
            return
        if error is None:
            try:
                self.result = self.receiver.recv()
            except EOFError:
                self.result = ("error", f"it stopped (exit code {self.process.exitcode})")
        else:
            self.process.terminate()
        self.process.join()

    def counts(self) -> dict[str, int]:
        kind, value = self.result
        if kind != "ok":
            raise ProjectionError(f"the rebuild of {', '.join(self.names)} failed: {value}")
        return dict(value)


def fill_copies(
    sender: Connection, env: dict[str, str], id_key: bytes, names: list[str], batch: int
) -> None:
    """In the second process: fill these projections' copies; send back the counts."""
    try:
        ledger = Ledger(env, id_key=id_key, actor="llr:rebuild")
        try:
            with opened(ledger.env) as store:
                sender.send(("ok", CatchUp(ledger, store, names, NEXT, batch).fill()))
        finally:
            ledger.close()
    except Exception as error:  # reported by the parent, which raises it as its own
        sender.send(("error", f"{type(error).__name__}: {error}"))


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
