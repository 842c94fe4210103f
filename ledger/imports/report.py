"""What an import says back: counts per kind of line, and a rejects file, one row per line."""

from __future__ import annotations

import csv
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from ledger.csvsafe import neutralise
from ledger.domain.command import Result
from ledger.imports.rows import KINDS

REJECTS_HEADER = ("line", "field", "reason", "original")
# The kinds a summary shows even when none was read; the others (career lines, unknown
# kinds) only when the file had some.
ALWAYS_COUNTED = ("grant", "use", "status")
UNKNOWN_KIND = "unknown"  # a line rejected before its kind could be read


@dataclass(frozen=True)
class Reject:
    line: int
    kind: str
    field: str
    reason: str
    original: str


@dataclass
class KindCounts:
    read: int = 0
    applied: int = 0
    already_applied: int = 0
    rejected: int = 0


@dataclass
class ImportSummary:
    batch_id: str
    source: str
    file_name: str
    sha256: str
    file_format: str
    dry_run: bool
    started_at: datetime
    finished_at: datetime | None = None
    events_written: int = 0
    chunks_redone: int = 0  # after a concurrent write to one of their accounts
    rejects_file: str | None = None
    per_kind: dict[str, KindCounts] = field(
        default_factory=lambda: {kind: KindCounts() for kind in (*KINDS, UNKNOWN_KIND)}
    )

    def count(self, kind: str, result: Result | None) -> None:
        counts = self.per_kind[kind if kind in self.per_kind else UNKNOWN_KIND]
        counts.read += 1
        if result is Result.APPLIED:
            counts.applied += 1
        elif result is Result.EXISTS:
            counts.already_applied += 1
        else:
            counts.rejected += 1

    def total(self, name: str) -> int:
        return sum(getattr(counts, name) for counts in self.per_kind.values())

    @property
    def lines_read(self) -> int:
        return self.total("read")

    @property
    def applied(self) -> int:
        return self.total("applied")

    @property
    def already_applied(self) -> int:
        return self.total("already_applied")

    @property
    def rejected(self) -> int:
        return self.total("rejected")

    def counts(self) -> dict[str, Any]:
        """The figures, as plain data (the batch record and ``--json`` both show them)."""
        return {
            "lines_read": self.lines_read,
            "applied": self.applied,
            "already_applied": self.already_applied,
            "rejected": self.rejected,
            "events_written": self.events_written,
            "chunks_redone": self.chunks_redone,
            "per_kind": {
                kind: asdict(counts)
                for kind, counts in self.per_kind.items()
                if counts.read or kind in ALWAYS_COUNTED
            },
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "batch_id": None if self.dry_run else self.batch_id,  # a dry run records none
            "source": self.source,
            "file": self.file_name,
            "sha256": self.sha256,
            "format": self.file_format,
            "dry_run": self.dry_run,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            **self.counts(),
            "rejects_file": self.rejects_file,
        }


class RejectsWriter:
    """The rejects CSV, created on the first rejection and flushed after every chunk."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.handle: IO[str] | None = None
        self.writer: Any = None

    def write(self, rejects: list[Reject]) -> None:
        if not rejects or self.path is None:
            return
        if self.writer is None:
            self.handle = self.path.open("w", encoding="utf-8", newline="")
            self.writer = csv.writer(self.handle)
            self.writer.writerow(REJECTS_HEADER)
        for reject in sorted(rejects, key=lambda r: r.line):
            cells = (reject.line, reject.field, reject.reason, reject.original)
            # A spreadsheet must not run a sender's text as a formula.
            self.writer.writerow([neutralise(cell) for cell in cells])
        assert self.handle is not None
        self.handle.flush()

    @property
    def written(self) -> bool:
        return self.writer is not None

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
