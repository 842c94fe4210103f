"""Bring projections up to date: a batched catch-up over the notification log, exactly once.

Each batch is one transaction on the read-model store: lock the projections' positions,
read the next events after the lowest one, let every projection apply the events past its
own position, flush the views and move the positions, then commit. A process killed at
any point leaves either the whole batch or nothing, and the next run starts from the
positions it finds. The library's ProjectionRunner commits once per event and needs a
subscription (none on SQLite); this loop reads with ``select_notifications``, which works
on both stores.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast
from uuid import UUID

from eventsourcing.utils import get_topic

from ledger.application import Ledger
from ledger.config import Settings
from ledger.domain.account import Account
from ledger.projections.balances import BalancesProjection
from ledger.projections.base import Originals, Projection
from ledger.projections.expiring import ExpiringProjection
from ledger.projections.migrate import check_current
from ledger.projections.sources import SourcesProjection
from ledger.projections.store import ProjectionError, Store, opened
from ledger.projections.takeup import TakeUpProjection
from ledger.projections.trail import TrailProjection

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
ACCOUNT_TOPICS = [
    get_topic(cls)
    for cls in vars(Account).values()
    if isinstance(cls, type) and issubclass(cls, Account.Event) and cls is not Account.Event
]
DEFAULT_BATCH = 2000  # events per transaction when catching up
# From the first event: bigger batches fold more changes to one row into one write and
# commit less often (on SQLite each commit may checkpoint the WAL). Memory: ~200 MB.
REBUILD_BATCH = 50_000
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


def has_read_models(ledger: Ledger) -> bool:
    module = str(ledger.env.get("PERSISTENCE_MODULE") or "eventsourcing.popo")
    return not module.endswith("popo")


def originals_of(ledger: Ledger) -> Originals:
    def original(account_id: UUID, version: int) -> Account.Event:
        for event in ledger.repository.event_store.get(account_id, gt=version - 1, lte=version):
            return cast(Account.Event, event)
        raise ProjectionError(f"event {version} of account {account_id} is not in the store")

    return original


class CatchUp:
    """Projections of one store, brought up to the head of the log batch by batch."""

    def __init__(
        self, ledger: Ledger, store: Store, names: Sequence[str], suffix: str = "",
        batch_size: int = DEFAULT_BATCH,
    ) -> None:  # fmt: skip
        originals = originals_of(ledger)
        self.ledger, self.store, self.batch_size = ledger, store, batch_size
        self.projections = [PROJECTIONS[n].build(store, suffix, originals) for n in names]
        self.tracking = [p.name + suffix for p in self.projections]
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
        start = min(positions.values())
        notes = self.ledger.recorder.select_notifications(
            start=start, limit=self.batch_size, stop=head, topics=ACCOUNT_TOPICS,
            inclusive_of_start=False,
        )  # fmt: skip
        last = notes[-1].id if len(notes) == self.batch_size else head
        if notes:
            self.project(notes, positions)
        if last > start:
            self.store.set_positions({t: max(positions[t], last) for t in self.tracking})
        return len(notes)

    def project(self, notes: Sequence[Any], positions: dict[str, int]) -> None:
        to_event = self.ledger.mapper.to_domain_event
        texts: dict[Any, str] = {}  # str(UUID) is slow, and an account has many events
        events = []
        for note in notes:
            text = texts.get(note.originator_id)
            if text is None:
                text = texts[note.originator_id] = str(note.originator_id)
            events.append((note.id, text, to_event(note)))
        accounts = {account_id for _, account_id, _ in events}
        for projection, tracking in zip(self.projections, self.tracking, strict=True):
            if positions[tracking] < events[0][0]:  # the usual case: all of them
                self.apply(projection, events, accounts)
            elif mine := [entry for entry in events if entry[0] > positions[tracking]]:
                self.apply(projection, mine, {account_id for _, account_id, _ in mine})

    def apply(
        self, projection: Projection[Any], events: list[tuple[int, str, Any]], accounts: set[str]
    ) -> None:
        projection.view.prefetch(accounts)
        handlers = {kind: projection.handler_for(kind) for kind in {type(e) for _, _, e in events}}
        for position, account_id, event in events:
            handler = handlers[type(event)]
            if handler is not None:
                handler(projection, event, account_id, position)
        projection.view.flush()
        self.counts[projection.name] += len(events)

    def run(self, on_batch: Callable[[int], None] | None = None) -> dict[str, int]:
        """Batches until the head of the log; ``on_batch`` sees each committed batch."""
        while True:
            with self.store.transaction():
                read = self.step()
                if read and self.kill_after is not None and self.batches >= self.kill_after:
                    os.kill(os.getpid(), signal.SIGKILL)
            if not read:
                return dict(self.counts)
            self.batches += 1
            if on_batch is not None:
                on_batch(read)


def catch_up_all(
    source: Ledger | Settings, names: Sequence[str] | None = None,
    batch_size: int = DEFAULT_BATCH,
) -> dict[str, int]:  # fmt: skip
    """Bring every projection (or those named) up to date; events applied per projection.

    Nothing to do on the in-memory store, which has no read models: returns {} there.
    """
    chosen = checked_names(names)
    with ledger_for(source) as ledger:
        if not has_read_models(ledger):
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
