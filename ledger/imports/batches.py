"""The records of import runs, read back from the store (``ImportBatch``, one per run).

Every run, from the command line or the HTTP API, leaves its record in the store; this
lists them. The store keeps no index of them, so listing asks the log for the batch
events by topic alone (a filter the database applies: no other event is read or decoded).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.utils import get_topic

from ledger.application import Ledger
from ledger.domain.batch import ImportBatch

PAGE_SIZE = 1000
TOPICS = (get_topic(ImportBatch.BatchStarted), get_topic(ImportBatch.BatchFinished))


@dataclass
class BatchRecord:
    batch_id: str
    source: str
    file_name: str
    sha256: str
    file_format: str
    actor: str
    started_at: datetime
    finished_at: datetime | None = None
    counts: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The record, named as ``llr import --json`` names the same figures."""
        return {
            "batch_id": self.batch_id,
            "source": self.source,
            "file": self.file_name,
            "sha256": self.sha256,
            "format": self.file_format,
            "actor": self.actor,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            **self.counts,
        }


def batch_records(ledger: Ledger, source: str | None = None) -> list[BatchRecord]:
    """Every import run's record (of one ``source``, if given), the latest started first."""
    found: dict[UUID, BatchRecord] = {}
    start = 0
    while page := ledger.recorder.select_notifications(
        start, PAGE_SIZE, topics=TOPICS, inclusive_of_start=False
    ):
        for notification in page:
            event = ledger.mapper.to_domain_event(notification)
            if isinstance(event, ImportBatch.BatchStarted):
                found[event.originator_id] = started(event)
            elif isinstance(event, ImportBatch.BatchFinished) and event.originator_id in found:
                found[event.originator_id].finished_at = event.finished_at
                found[event.originator_id].counts = dict(event.counts)
        start = page[-1].id
    chosen = [r for r in found.values() if source is None or r.source == source]
    return sorted(chosen, key=lambda r: r.started_at, reverse=True)


def batch_record(ledger: Ledger, batch_id: UUID) -> BatchRecord | None:
    """One run's record, or None when the store holds no batch of that id."""
    try:
        batch: Any = ledger.repository.get(batch_id)
    except AggregateNotFoundError:
        return None
    if not isinstance(batch, ImportBatch):
        return None
    return BatchRecord(
        str(batch.id), batch.source, batch.file_name, batch.sha256, batch.file_format,
        batch.actor, batch.started_at, batch.finished_at, dict(batch.counts),
    )  # fmt: skip


def started(event: ImportBatch.BatchStarted) -> BatchRecord:
    return BatchRecord(
        str(event.originator_id), event.source, event.file_name, event.sha256,
        event.file_format, event.actor, event.started_at,
    )  # fmt: skip
