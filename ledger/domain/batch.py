"""The records of file imports: one per run (``ImportBatch``) and one per file (``ImportedFile``).

An auditor goes from any entry (its ``batch`` and ``line`` fields) to the run's record, and
from there to the file by its SHA-256. The file's record remembers which lines the rules
refused, so a line refused once stays refused when the same file comes again: importing a
file twice then changes nothing, even where a refused line would fit the state the rest of
the file left. Both are pure: the caller passes the clock readings in.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from ledger.domain.chain import GENESIS, event_hash
from ledger.domain.errors import LedgerError


class ChainedEvent(Aggregate.Event):
    """An event that names the hash of the one before it, as an account's events do."""

    prev_hash: str

    def mutate(self, aggregate: Any) -> Any:
        record: Any = super().mutate(aggregate)
        record.head_hash = event_hash(self)
        return record


def batch_id_for(source: str, sha256: str, started_at: datetime) -> UUID:
    """One id per run: the same file imported again (or resumed) is a new batch."""
    return uuid5(NAMESPACE_URL, f"/imports/{source}/{sha256}/{started_at.isoformat()}")


class ImportBatch(Aggregate):
    class Event(ChainedEvent):
        pass

    class BatchStarted(Event, Aggregate.Created):
        source: str
        file_name: str
        sha256: str
        file_format: str
        actor: str
        started_at: datetime

    class BatchFinished(Event):
        finished_at: datetime
        counts: dict[str, Any]  # lines_read, applied, already_applied, rejected, per_kind...

        def apply(self, batch: ImportBatch) -> None:
            batch.finished_at = self.finished_at
            batch.counts = dict(self.counts)

    def __init__(
        self,
        source: str,
        file_name: str,
        sha256: str,
        file_format: str,
        actor: str,
        started_at: datetime,
    ) -> None:
        self.head_hash = GENESIS
        self.source = source
        self.file_name = file_name
        self.sha256 = sha256
        self.file_format = file_format
        self.actor = actor
        self.started_at = started_at
        self.finished_at: datetime | None = None
        self.counts: dict[str, Any] = {}

    @classmethod
    def start(
        cls,
        source: str,
        file_name: str,
        sha256: str,
        file_format: str,
        actor: str,
        started_at: datetime,
    ) -> ImportBatch:
        return cls._create(
            cls.BatchStarted,
            id=batch_id_for(source, sha256, started_at),
            source=source,
            file_name=file_name,
            sha256=sha256,
            file_format=file_format,
            actor=actor,
            started_at=started_at,
            prev_hash=GENESIS,
        )

    def finish(self, finished_at: datetime, counts: dict[str, Any]) -> None:
        if self.finished_at is not None:
            raise LedgerError.because(
                "batch {self_id} already finished at {self_finished_at}",
                self_id=self.id,
                self_finished_at=self.finished_at,
            )
        self.trigger_event(
            self.BatchFinished, finished_at=finished_at, counts=counts, prev_hash=self.head_hash
        )

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None


# A file imported by several worker processes keeps one record per worker ("part"): each
# writes its own refusals, in the same transaction as its lines, without waiting on the
# others. Part 0 is the record of a single-process import.
FILE_PARTS = 8


def file_id_for(source: str, sha256: str, part: int = 0) -> UUID:
    if not 0 <= part < FILE_PARTS:
        raise LedgerError.because(
            "part {part} of a file record: expected 0 to {last}", part=part, last=FILE_PARTS - 1
        )
    suffix = f"/part-{part}" if part else ""
    return uuid5(NAMESPACE_URL, f"/imports/{source}/{sha256}{suffix}")


class ImportedFile(Aggregate):
    class Event(ChainedEvent):
        pass

    class FileSeen(Event, Aggregate.Created):
        source: str
        sha256: str

    class LinesRefused(Event):
        batch: str
        lines: list[int]

        def apply(self, record: ImportedFile) -> None:
            for line in self.lines:
                record.refused.setdefault(line, self.batch)

    def __init__(self, source: str, sha256: str) -> None:
        self.head_hash = GENESIS
        self.source = source
        self.sha256 = sha256
        self.refused: dict[int, str] = {}  # line number -> the batch that first refused it

    @classmethod
    def seen(cls, source: str, sha256: str, part: int = 0) -> ImportedFile:
        return cls._create(
            cls.FileSeen,
            id=file_id_for(source, sha256, part),
            source=source,
            sha256=sha256,
            prev_hash=GENESIS,
        )

    def refuse(self, batch: str, lines: list[int]) -> None:
        new = sorted(line for line in set(lines) if line not in self.refused)
        if new:
            self.trigger_event(self.LinesRefused, batch=batch, lines=new, prev_hash=self.head_hash)
