"""Bring projections up to date: a batched catch-up over the notification log, exactly once.

Each batch is one transaction on the read-model store: lock the projections' positions,
read the next events after the lowest one, let every projection apply the events past its
own position, flush the views and move the positions, then commit. A process killed at
any point leaves either the whole batch or nothing, and the next run starts from the
positions it finds. The library's ProjectionRunner commits once per event and needs a
subscription (none on SQLite); this loop reads with ``select_notifications``, which works
on both stores.

A batch is read in pages; each event is decoded, handed to the handlers that want it and
dropped, while the views fold the batch's changes in memory and write them at its end.
A rebuild fills its copies with ``CatchUp.fill``: the same batches, read and folded before
a short transaction that only writes.
"""

from __future__ import annotations

import os
import signal
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from types import MethodType
from typing import Any, cast
from uuid import UUID

from eventsourcing.utils import get_topic

from ledger.application import Ledger
from ledger.config import Settings
from ledger.domain.account import Account
from ledger.perf.gc import gc_paused
from ledger.projections.balances import BalancesProjection
from ledger.projections.base import Context, Originals, Projection
from ledger.projections.expiring import ExpiringProjection
from ledger.projections.migrate import check_current
from ledger.projections.sealing import Sealer
from ledger.projections.sources import SourcesProjection
from ledger.projections.store import ProjectionError, Store, opened
from ledger.projections.takeup import TakeUpProjection
from ledger.projections.trail import TrailProjection
from ledger.store.backend import has_read_models

PROJECTIONS: dict[str, type[Projection[Any]]] = {
    p.name: p
    for p in (
        BalancesProjection, ExpiringProjection, SourcesProjection, TakeUpProjection,
        TrailProjection,
    )
}  # fmt: skip
NAMES = tuple(PROJECTIONS)
# The Account's event classes (a new one is read too, and the trail refuses it loudly
# until it has a handler); other aggregates' events in the same log are skipped.
ACCOUNT_EVENTS = [
    cls
    for cls in vars(Account).values()
    if isinstance(cls, type) and issubclass(cls, Account.Event) and cls is not Account.Event
]
ACCOUNT_TOPICS = [get_topic(cls) for cls in ACCOUNT_EVENTS]
DEFAULT_BATCH = 2000  # events per transaction when catching up
# From the first event: bigger batches fold more changes to one row into one write. Each
# batch rewrites every page its rows land on, and lots, take-up rows and citizens are keyed
# by account (a hash), so on SQLite their pages are rewritten batch after batch: at 1M
# events, batches of 50,000 wrote 1.06 GB to the WAL for 0.45 GB of tables, batches of
# 250,000 wrote 0.55 GB. PostgreSQL was as fast with 50,000 as with 250,000, and its
# process peaked at 0.2 GB instead of 0.85 GB. Memory: the batch's changed rows and one
# page of events. A rebuild holds SQLite's write lock only while writing a batch
# (``CatchUp.fill``): about 2 s each at 250,000, 3 s for the swap (1M events, project
# machine), as long as a batch of 50,000 held it when it also read.
REBUILD_BATCH = {"sqlite": 250_000, "postgres": 50_000}
PAGE = 10_000  # events read and decoded at once
# Test hook: SIGKILL this process in the middle of batch N (0-based), after its rows are
# written and before its commit. Used by the kill-and-restart test; unset in real use.
KILL_AFTER_BATCHES = "LLR_TEST_KILL_AFTER_BATCHES"




class UnknownProjectionError(ProjectionError):
    """No projection has that name."""


def checked_names(names: Sequence[str] | None) -> list[str]:
    unknown = [n for n in names or () if n not in PROJECTIONS]
    if unknown:
        raise UnknownProjectionError(
            f"unknown projection {', '.join(map(repr, unknown))}: the projections are "
            f"{', '.join(NAMES)}"
        )
    return list(dict.fromkeys(names)) if names else list(NAMES)


@contextmanager
def ledger_for(source: Ledger | Settings) -> Iterator[Ledger]:
    """The given Ledger, or one made from settings for the time of the call."""
    if isinstance(source, Ledger):
        yield source
        return
    ledger = Ledger(source.store_env(create_tables=False), id_key=source.id_key, actor=source.actor)
    try:
        yield ledger
    finally:
        ledger.close()


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
        batch_size: int = DEFAULT_BATCH, page_size: int = PAGE,
    ) -> None:  # fmt: skip
        context = Context(originals_of(ledger), Sealer(ledger.mapper.cipher))
        self.ledger, self.store = ledger, store
        self.batch_size, self.page_size = batch_size, page_size
        self.projections = [PROJECTIONS[n].build(store, suffix, context) for n in names]
        self.tracking = [p.name + suffix for p in self.projections]
        self.tables: dict[tuple[Projection[Any], ...], HandlerTable] = {}
        self.counts = dict.fromkeys(names, 0)
        kill_after = os.environ.get(KILL_AFTER_BATCHES)
        self.kill_after = int(kill_after) if kill_after else None
        self.batches = 0

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
        return positions

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
            # the log for every page: 30 s instead of 2 s for 250,000 events.
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
        account_ids = texts_of(notes)
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
            self.counts[projection.name] += len(notes) - start

    def run(self, on_batch: Callable[[int], None] | None = None) -> dict[str, int]:
        """Batches until the head of the log; ``on_batch`` sees each committed batch."""
        while True:
            with self.store.transaction(), gc_paused():
                read = self.step()
                if read and self.kill_after is not None and self.batches >= self.kill_after:
                    os.kill(os.getpid(), signal.SIGKILL)
            if not read:
                return dict(self.counts)
            self.batches += 1
            if on_batch is not None:
                on_batch(read)

    def fill(self, on_batch: Callable[[int], None] | None = None) -> dict[str, int]:
        """Like ``run``, for tables that only this process writes (a rebuild's copies):
        each batch is read and folded before its transaction, which then only writes, so
        SQLite's write lock (the whole database's: commands wait for it) is held for the
        writing alone. The positions are checked under the lock, so should another process
        have moved them, this fails rather than count events twice."""
        with self.store.transaction():
            positions = self.store.lock_positions(self.tracking)
        while True:
            with gc_paused():
                head = self.ledger.recorder.max_notification_id() or 0
                read, last = self.fold(positions, head)
                with self.store.transaction():
                    if self.store.lock_positions(self.tracking) != positions:
                        raise ProjectionError(
                            f"the positions of {', '.join(self.tracking)} moved while this "
                            "process was filling them: is another rebuild running?"
                        )
                    positions = self.write(positions, last)
            if not read:
                return dict(self.counts)
            self.batches += 1
            if on_batch is not None:
                on_batch(read)


def notification_id(note: Any) -> int:
    return int(note.id)


def texts_of(notes: Sequence[Any]) -> list[str]:
    """The account id of each note as text (``str`` of a UUID is slow, and an account has
    many events in a page: each is made once, keyed by the UUID's integer)."""
    texts: dict[int, str] = {}
    found = []
    for note in notes:
        key = note.originator_id.int
        text = texts.get(key)
        if text is None:
            text = texts[key] = str(note.originator_id)
        found.append(text)
    return found


BoundHandler = Callable[[Any, str, int], None]
HandlerTable = dict[type, tuple[BoundHandler, ...]]


def handlers_by_kind(projections: Sequence[Projection[Any]], kinds: Iterable[type]) -> HandlerTable:
    """For each event class, the handlers (bound to their projection) that want it."""
    table: HandlerTable = {}
    for kind in kinds:
        found = [(p, p.handler_for(kind)) for p in projections]
        table[kind] = tuple(MethodType(h, p) for p, h in found if h is not None)
    return table


def dispatch(
    notes: Iterable[tuple[Any, str]], table: HandlerTable, to_event: Callable[[Any], Any]
) -> None:
    """The hot loop of every catch-up: each event is decoded, handled and dropped at once
    (a page of decoded events kept in memory made the decoding a quarter slower)."""
    for note, account_id in notes:
        event, position = to_event(note), note.id
        for handle in table[type(event)]:
            handle(event, account_id, position)


def catch_up_all(
    source: Ledger | Settings, names: Sequence[str] | None = None,
    batch_size: int = DEFAULT_BATCH,
) -> dict[str, int]:  # fmt: skip
    """Bring every projection (or those named) up to date; events applied per projection.

    Nothing to do on the in-memory store, which has no read models: returns {} there.
    """
    chosen = checked_names(names)
    with ledger_for(source) as ledger:
        if not has_read_models(ledger.store_env):
            return {}
        with opened(ledger.env) as store:
            check_current(store)
            return CatchUp(ledger, store, chosen, "", batch_size).run()


@dataclass(frozen=True)
class ProjectionStatus:
    name: str
    position: int
    head: int  # the highest notification id in the store
    rebuilding_at: int | None  # position of a rebuild in progress (or left by a killed one)

    @property
    def lag(self) -> int:
        return max(self.head - self.position, 0)


def status(source: Ledger | Settings) -> list[ProjectionStatus]:
    with ledger_for(source) as ledger, opened(ledger.env) as store:
        check_current(store)
        head = ledger.recorder.max_notification_id() or 0
        positions = store.read_positions()
    return [
        ProjectionStatus(name, positions.get(name, 0), head, positions.get(name + "_next"))
        for name in NAMES
    ]
