"""The library's repository, reading an account as the ledger derives it: the fold of its
events in effective-date order (``ledger/domain/effective.py``).

A stream without late facts folds from its latest snapshot as the library folds it. When
an event after the snapshot is dated before what the snapshot (or an event before it)
already holds, or the snapshot is too old to restore (``SnapshotTooOld``), the account is
folded again from its first event, in effective order. The seam is the library's
``Repository._reconstruct_aggregate`` (eventsourcing 9.5): the one method that reads a
snapshot and the events after it.
"""

from __future__ import annotations

from itertools import chain
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Repository

from ledger.domain.account import SnapshotTooOld
from ledger.domain.effective import fold


class AccountRepository(Repository[UUID]):
    def _reconstruct_aggregate(
        self, aggregate_id: UUID, version: int | None, projector_func: Any
    ) -> Any:
        snapshots = self.latest_snapshot(aggregate_id, version)
        after = snapshots[0].originator_version if snapshots else None
        events = list(self.event_store.get(originator_id=aggregate_id, gt=after, lte=version))
        since = snapshots[0].state.get("last_on") if snapshots else None
        if not has_late(events, since):
            try:
                aggregate = projector_func(None, chain(snapshots, events))
            except SnapshotTooOld:
                aggregate = self.fold_all(aggregate_id, version)
        else:
            aggregate = self.fold_all(aggregate_id, version)
        if aggregate is None:
            raise AggregateNotFoundError(
                f"Aggregate {aggregate_id!r} version {version!r} not found."
            )
        return aggregate

    def latest_snapshot(self, aggregate_id: UUID, version: int | None) -> list[Any]:
        if self.snapshot_store is None:
            return []
        return list(
            self.snapshot_store.get(originator_id=aggregate_id, desc=True, limit=1, lte=version)
        )

    def fold_all(self, aggregate_id: UUID, version: int | None) -> Any:
        return fold(self.event_store.get(originator_id=aggregate_id, lte=version))


def has_late(events: list[Any], since: Any) -> bool:
    """Whether an event is dated before one folded before it (or before ``since``).
    Streams of other aggregates (an import's records) have no dates: never late."""
    latest = since
    for event in events:
        on = event.__dict__.get("on")
        if on is None:
            return False
        if latest is not None and on < latest:
            return True
        latest = on if latest is None else max(latest, on)
    return False
