"""A chunk's life, one record per stage: pending, worked out in memory, committed, reported.

- ``PendingChunk``: validated, its lines being run (in this process or by workers).
- ``WorkedChunk``: its lines run on the accounts in memory, its records not yet written.
- ``CommittedChunk``: what its lines did, once the write of their records committed.
- ``ChunkReport``: every line's result in file order, with the rejects, for the summary.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from eventsourcing.persistence import StoredEvent

from ledger.domain.command import Result
from ledger.imports.lines import ParsedLine
from ledger.imports.readers import Record
from ledger.imports.report import Reject
from ledger.imports.rows import Problem
from ledger.imports.validation import reject_of

LineResults = dict[int, Result | Problem]  # by line number


@dataclass(frozen=True)
class ChunkReport:
    results: list[tuple[str, Result | None]]  # (kind, result) per line; None = rejected
    rejects: list[Reject]
    events_written: int
    redone: int  # how many times a concurrent write made the chunk start over


@dataclass(frozen=True)
class CommittedChunk:
    """What the commands of one chunk's lines did, once their write committed."""

    key: int
    results: LineResults
    made: int  # account events made (a dry run makes them too, and writes none)
    redone: int


@dataclass
class WorkedChunk:
    """A chunk worked out in memory, its records still to be written."""

    key: int
    parsed: list[ParsedLine]
    results: LineResults
    made: int
    events: list[StoredEvent]
    snapshots: list[StoredEvent]
    redone: int = 0

    def committed(self) -> CommittedChunk:
        return CommittedChunk(self.key, self.results, self.made, self.redone)


@dataclass
class PendingChunk:
    """A validated chunk whose lines are being run."""

    records: Sequence[Record]
    parsed: list[ParsedLine]
    rejects: list[Reject]
    results: LineResults = field(default_factory=dict)
    made: int = 0
    redone: int = 0

    def add(self, committed: CommittedChunk) -> None:
        self.results.update(committed.results)
        self.made += committed.made
        self.redone = max(self.redone, committed.redone)

    def report(self) -> ChunkReport:
        """The chunk's results in file order: refused before any command, then by command."""
        rejects = list(self.rejects)
        results: list[tuple[str, Result | None]] = [(r.kind, None) for r in rejects]
        originals = {record.line: record for record in self.records}
        for line in self.parsed:
            result = self.results[line.line]
            if isinstance(result, Problem):
                rejects.append(reject_of(originals[line.line], result, line.row.kind))
                results.append((line.row.kind, None))
            else:
                results.append((line.row.kind, result))
        rejects.sort(key=lambda reject: reject.line)
        return ChunkReport(results, rejects, self.made, self.redone)
