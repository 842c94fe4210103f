"""The library's repository, with one change: an account whose latest snapshot is too old
to restore (``SnapshotTooOld``: written before its state had a career) is replayed from
its first event instead, and its next snapshot replaces the old one's role.

The seam is the library's ``Repository._reconstruct_aggregate`` (eventsourcing 9.5): the
one method that reads a snapshot and the events after it.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.application import Repository

from ledger.domain.account import SnapshotTooOld


class AccountRepository(Repository[UUID]):
    def _reconstruct_aggregate(
        self, aggregate_id: UUID, version: int | None, projector_func: Any
    ) -> Any:
        try:
            return super()._reconstruct_aggregate(aggregate_id, version, projector_func)
        except SnapshotTooOld:
            snapshots, self.snapshot_store = self.snapshot_store, None
            try:
                return super()._reconstruct_aggregate(aggregate_id, version, projector_func)
            finally:
                self.snapshot_store = snapshots
