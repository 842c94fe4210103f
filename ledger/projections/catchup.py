"""Bring projections up to date: a batched catch-up over the notification log, exactly once.

A batch reads the next events after the projections' lowest position, page by page; each
event is decoded, handed to the handlers that want it and dropped (``dispatch.py``), while
the views fold the batch's changes in memory. Then one short transaction on the read-model
store locks the positions, checks that they are still where the batch started, writes the
folded rows, moves the positions and commits. A process killed at any point leaves either
the whole batch or nothing, and the next run starts from the positions it finds. The
library's ProjectionRunner commits once per event and needs a subscription (none on
SQLite); this loop reads with ``select_notifications``, which works on both stores.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from functools import lru_cache
from itertools import pairwise
from typing import Any, cast
from uuid import UUID

from ledger.application import Ledger
from ledger.domain.account import Account
from ledger.perf.gc import gc_paused
from ledger.projections.base import Context, Originals, Projection
from ledger.projections.dispatch import (
    HandlerTable,
    account_ids_as_text,
    dispatch,
    handlers_by_kind,
)
from ledger.projections.personal_fields import FieldCipher
from ledger.projections.registry import ACCOUNT_EVENTS, ACCOUNT_TOPICS, PROJECTIONS
from ledger.store.read_models.base import ProjectionError, Store

# Events per batch (one transaction each), by backend. Bigger batches fold more changes to
# one row into one write and commit less often; they cost memory (the batch's changed rows
# and one page of events). A batch stops at the head of the log, so a command's catch-up
# of a few events is one small batch. Figures: benchmarks/PROJECTIONS.md.
CATCH_UP_BATCH = {"sqlite": 50_000, "postgres": 50_000}
REBUILD_BATCH = {"sqlite": 250_000, "postgres": 50_000}  # from the first event
PAGE = 10_000  # events read and decoded at once
# Called in each batch's transaction once it is written: an error it raises rolls the
# batch back (the exactly-once tests crash the process there).
BeforeCommit = Callable[[int], None]


def originals_of(ledger: Ledger) -> Originals:
    # Take-up and sources both ask for the event a reversal names: read it once.
    @lru_cache(maxsize=4096)
    def original(account_id: UUID, version: int) -> Account.Event:
        for event in ledger.repository.event_store.get(account_id, gt=version - 1, lte=version):
            return cast(Account.Event, event)
        raise ProjectionError(f"event {version} of account {account_id} is not in the store")

    return original


class CatchUp:
    """Projections of one store, brought up to the head of the log batch by batch."""

    def __init__(
        self, ledger: Ledger, store: Store, names: Sequence[str], suffix: str = "",
        batch_size: int | None = None, page_size: int = PAGE,
    ) -> None:  # fmt: skip
        self.ledger, self.store, self.names, self.suffix = ledger, store, list(names), suffix
        self.batch_size = batch_size or CATCH_UP_BATCH[store.backend]
        self.page_size = page_size
        self.context = Context(originals_of(ledger), FieldCipher(ledger.mapper.cipher))
        self.projections = self.built()
        self.tracking = [p.name + suffix for p in self.projections]
        self.counts = dict.fromkeys(names, 0)  # events applied and committed
        self.folded = dict.fromkeys(names, 0)  # events folded into the views, not yet written
        self.batches = 0

    def built(self) -> list[Projection[Any]]:
        """The projections, with empty views."""
        self.tables: dict[tuple[Projection[Any], ...], HandlerTable] = {}
        return [PROJECTIONS[n].build(self.store, self.suffix, self.context) for n in self.names]

    def step(self) -> int:
        """One batch, inside the caller's transaction; returns how many events it read.

        Only Account events are read: the log also holds other aggregates' events (import
        batches). A batch that reaches the end of the log moves the positions to the head
        read before it, past any other events: everything up to that id is committed (both
        stores commit notification ids in order), so nothing can appear behind it later.
        """
        positions = self.store.lock_positions(self.tracking)
        head = self.ledger.recorder.max_notification_id() or 0
        read, last = self.fold(positions, head)
        self.write(positions, last)
        return read

    def write(self, positions: dict[str, int], last: int) -> dict[str, int]:
        """Inside the batch's transaction: the folded rows, and the positions they reach."""
        for projection in self.projections:
            projection.view.flush()
        if last > min(positions.values()):
            positions = {t: max(positions[t], last) for t in self.tracking}
            self.store.set_positions(positions)
        for name, count in self.folded.items():
            self.counts[name] += count
        self.folded = dict.fromkeys(self.names, 0)
        return positions

    def drop_folded(self) -> None:
        """Forget a batch folded from positions that have moved since."""
        self.projections = self.built()
        self.folded = dict.fromkeys(self.names, 0)

    def fold(self, positions: dict[str, int], head: int) -> tuple[int, int]:
        """Read the batch page by page and fold each page into the views, so that memory
        holds one page of decoded events and the batch's changed rows, not the whole batch
        decoded; returns (events read, the position the batch reaches)."""
        after, read = min(positions.values()), 0
        while read < self.batch_size:
            limit = min(self.page_size, self.batch_size - read)
            page = self.ledger.recorder.select_notifications(
                start=after, limit=limit, topics=ACCOUNT_TOPICS, inclusive_of_start=False
            )
            # Cut at the head here rather than with ``stop=head`` in the query: with a stop,
            # PostgreSQL (before it has statistics on the events) sorted the whole rest of
            # the log for every page (benchmarks/PROJECTIONS.md).
            notes = page[: bisect_right(page, head, key=notification_id)]
            if notes:
                self.project(notes, positions)
                read += len(notes)
            if len(notes) < limit:
                return read, head
            after = notes[-1].id
        return read, after

    def project(self, notes: Sequence[Any], positions: dict[str, int]) -> None:
        """One pass over a page: decode each event and give it straight to the handlers of
        the projections that want it (each projection sees its events in log order)."""
        account_ids = account_ids_as_text(notes)
        # Where each projection starts in the page: at 0 unless it is ahead of the others.
        starts = {
            projection: bisect_right(notes, positions[tracking], key=notification_id)
            for projection, tracking in zip(self.projections, self.tracking, strict=True)
        }
        active = {projection: start for projection, start in starts.items() if start < len(notes)}
        accounts: dict[int, set[str]] = {}  # start -> the accounts of the events from there
        for projection, start in active.items():
            if start not in accounts:
                accounts[start] = set(account_ids[start:])
            projection.view.prefetch(accounts[start])
        to_event = self.ledger.mapper.to_domain_event
        bounds = sorted({*active.values(), len(notes)})
        for low, high in pairwise(bounds):
            wanted = tuple(projection for projection, start in active.items() if start <= low)
            table = self.tables.get(wanted)
            if table is None:
                table = self.tables[wanted] = handlers_by_kind(wanted, ACCOUNT_EVENTS)
            segment = zip(notes[low:high], account_ids[low:high], strict=True)
            dispatch(segment, table, to_event)
        for projection, start in active.items():
            self.folded[projection.name] += len(notes) - start

    def run(self, before_commit: BeforeCommit | None = None) -> dict[str, int]:
        """Batches until the head of the log, each read and folded before its transaction,
        which then only writes: SQLite's write lock (the whole database's: commands wait
        for it) is held for the writing alone, so batches can be big. Should another
        runner have moved the positions meanwhile, the folded batch is dropped and read
        again from where they are now, so every event still counts once.
        ``before_commit`` sees each batch's number (0-based) once its rows and positions
        are written and before it commits."""
        return self.batched(before_commit, None, moved_is_error=False)

    def fill(self, on_batch: Callable[[int], None] | None = None) -> dict[str, int]:
        """Like ``run``, for tables that only this process writes (a rebuild's copies):
        should another process have moved the positions, this fails rather than redo the
        batch. ``on_batch`` sees the events of each committed batch."""
        return self.batched(None, on_batch, moved_is_error=True)

    def batched(
        self, before_commit: BeforeCommit | None, on_batch: Callable[[int], None] | None,
        moved_is_error: bool,
    ) -> dict[str, int]:  # fmt: skip
        with self.store.transaction():
            positions = self.store.lock_positions(self.tracking)
        while True:
            with gc_paused():
                head = self.ledger.recorder.max_notification_id() or 0
                read, last = self.fold(positions, head)
                if not read and last <= min(positions.values()):
                    return dict(self.counts)  # nothing new, not even other aggregates' events
                with self.store.transaction():
                    found = self.store.lock_positions(self.tracking)
                    if found != positions:
                        if moved_is_error:
                            raise ProjectionError(
                                f"the positions of {', '.join(self.tracking)} moved while this "
                                "process was filling them: is another rebuild running?"
                            )
                        self.drop_folded()
                        positions = found
                        continue
                    positions = self.write(positions, last)
                    if read and before_commit is not None:
                        before_commit(self.batches)
            if not read:
                return dict(self.counts)
            self.batches += 1
            if on_batch is not None:
                on_batch(read)


def notification_id(note: Any) -> int:
    return int(note.id)
