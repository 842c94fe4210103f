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
four index entries per event) is filled by a second process while this one fills the rest:
each reads and decodes the log itself, each writes only its own copies and positions, and
on two cores the rebuild takes about the time of the longer half. Step 3 and 4 then run
here for all of them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
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
from ledger.projections.store import ProjectionError, Store, opened
from ledger.store.backend import worker_env

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
    ``REBUILD_BATCH``; ``on_batch`` sees each batch this process commits. ``processes``:
    with 2, the trail is filled by a second process when others are rebuilt with it; by
    default that happens for a long log when two cores are idle."""
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
        if apart and (processes or default_processes(ledger)) < 2:
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
    """Two for a long log when two cores are idle, one for each process: the second
    process decodes the log again, which only pays on a core of its own (1M events,
    SQLite: 24 s instead of 31 s on an idle machine, 37 s instead of 32 s with another
    busy process on its two cores)."""
    long_log = (ledger.recorder.max_notification_id() or 0) >= TWO_PROCESSES_FROM
    return 2 if long_log and idle_cores() >= 1.75 else 1


def idle_cores(seconds: float = 0.25) -> float:
    """How many cores were idle over a short look (Linux's /proc/stat; elsewhere the load
    average, which also counts this process's own recent work)."""
    try:
        first = cpu_ticks()
        time.sleep(seconds)
        second = cpu_ticks()
    except OSError:
        return (os.cpu_count() or 1) - os.getloadavg()[0]
    total = sum(second) - sum(first)
    idle = second[3] + second[4] - first[3] - first[4]  # idle and waiting for I/O
    return (os.cpu_count() or 1) * idle / total if total > 0 else 0.0


def cpu_ticks() -> list[int]:
    with open("/proc/stat", encoding="ascii") as stat:
        return [int(ticks) for ticks in stat.readline().split()[1:]]


class ApartFill:
    """A second process filling the copies of ``names`` (none: nothing to do) while the
    ``with`` block fills the others; ``counts`` gives what it applied. Leaving the block
    by an error stops it: its open batch rolls back, and the next rebuild starts over.

    The process is ``python -m ledger.projections.apart``, a fresh interpreter that
    imports nothing of this one (multiprocessing's "spawn" would run the caller's script
    again in it, unless guarded by ``if __name__ == "__main__"``). Its orders go through
    its stdin, as they hold the store's environment with the cipher key, if any: it
    decodes the events too."""

    def __init__(self, ledger: Ledger, names: list[str], batch: int) -> None:
        self.names = names
        self.process: subprocess.Popen[str] | None = None
        self.output, self.said = "{}", ""
        if names:
            # The tables exist: making them again could race with this process's DDL.
            env = worker_env(ledger.store_env)
            order = {"env": env, "id_key": ledger.id_key.hex(), "names": names, "batch": batch}
            path = os.pathsep.join(p for p in sys.path if p)  # where this process found llr
            # A file, not a pipe: a pipe nobody reads could fill up and stop the process.
            # Closed in __exit__, like the process's pipes.
            self.errors = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
            self.process = subprocess.Popen(
                [sys.executable, "-m", "ledger.projections.apart"], text=True,
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.errors,
                env={**os.environ, "PYTHONPATH": path},
            )  # fmt: skip
            assert self.process.stdin is not None
            self.process.stdin.write(json.dumps(order))
            self.process.stdin.close()

    def __enter__(self) -> ApartFill:
        return self

    def __exit__(self, error: type[BaseException] | None, *rest: object) -> None:
        if self.process is None:
            return
        if error is not None:
            self.process.terminate()
        assert self.process.stdout is not None
        self.output = self.process.stdout.read()
        self.process.wait()
        self.process.stdout.close()
        self.errors.seek(0)
        self.said = self.errors.read().strip()
        self.errors.close()

    def counts(self) -> dict[str, int]:
        if self.process is None:
            return {}
        if self.process.returncode != 0:
            said = self.said.splitlines()[-1] if self.said else f"exit {self.process.returncode}"
            raise ProjectionError(f"the rebuild of {', '.join(self.names)} failed: {said}")
        return {str(name): int(count) for name, count in json.loads(self.output).items()}


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
