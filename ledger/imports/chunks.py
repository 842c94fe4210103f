"""Apply a chunk of lines: many accounts, one transaction, redone whole on a write conflict.

A chunk is validated line by line, then its accounts are loaded in bulk, its lines run in
file order, and every event it made is written in one transaction, by a background writer
while the next chunk is worked out (see ``writer.py``). Nothing of a chunk is reported
before its write commits, so a crash or a conflict never counts a line twice: after a
conflict the chunk's accounts are read again from the store and its lines redone (and so
is the chunk after it, which ran on the state the failed write would have made). That is
safe because a line applied meanwhile (by this file or another) is an exact repeat and
comes back as "already applied".
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.domain import Snapshot
from eventsourcing.persistence import RecordConflictError, StoredEvent

from ledger.application import CONFLICT_RETRIES, SNAPSHOT_INTERVAL, Ledger
from ledger.domain.account import Account, Result
from ledger.domain.errors import LedgerError
from ledger.imports.apply import ParsedLine, Target, apply_line, field_of
from ledger.imports.cache import AccountCache
from ledger.imports.earlier import EarlierRuns, recheck
from ledger.imports.readers import Record
from ledger.imports.references import Claim, ReferenceIndex
from ledger.imports.report import UNKNOWN_KIND, Reject
from ledger.imports.rows import KINDS, Problem, parse_row
from ledger.imports.writer import ChunkWriter

KNOWN_IDS = 1 << 16


@dataclass(frozen=True)
class ImportSettings:
    # Lines per transaction: large enough that per-save costs fade, small enough that a
    # conflict redoes little and a chunk's accounts fit in memory many times over.
    chunk_lines: int = 2000
    cached_accounts: int = 10_000
    retries: int = CONFLICT_RETRIES


@dataclass(frozen=True)
class ChunkOutcome:
    results: list[tuple[str, Result | None]]  # (kind, result) per line; None = rejected
    rejects: list[Reject]
    events_written: int
    redone: int  # how many times a concurrent write made the chunk start over


@dataclass
class Applied:
    """A chunk worked out in memory: its outcomes and the records still to be written."""

    records: Sequence[Record]
    parsed: list[ParsedLine]
    rejects: list[Reject]  # the lines refused before any command ran
    outcomes: dict[int, Result | Problem]
    accounts: dict[UUID, Account]  # kept for the next chunk until this one is written
    made: int  # events the chunk made (a dry run makes them too, and writes none)
    events: list[StoredEvent]
    snapshots: list[StoredEvent]
    redone: int = 0


class ChunkRunner:
    """Runs chunks in file order, writing each in the background while the next is worked out.

    ``submit`` returns the outcomes of the chunks whose write has committed (the one before,
    usually); ``finish`` waits for the last. Accounts stay in the cache as soon as a chunk
    has run, so the next chunk sees them; if a write fails on a conflict, every account of
    that chunk and of the one after it is forgotten, and both are redone from the store.
    """

    def __init__(
        self,
        ledger: Ledger,
        target: Target,
        settings: ImportSettings,
        dry_run: bool,
        earlier: EarlierRuns,
    ) -> None:
        self.ledger = ledger
        self.target = target
        self.settings = settings
        self.dry_run = dry_run
        self.earlier = earlier
        self.cache = AccountCache(ledger, settings.cached_accounts, dry_run)
        self.references = ReferenceIndex()
        self.ids: dict[str, UUID] = {}  # INSZ -> account id (a keyed hash: worth keeping)
        self.writer = ChunkWriter(ledger)
        self.in_flight: tuple[Applied, Future[None]] | None = None

    def run(self, records: Sequence[Record]) -> ChunkOutcome:
        """One chunk, written before returning (no overlap)."""
        done = self.submit(records)
        done += self.finish()
        (outcome,) = done
        return outcome

    def submit(self, records: Sequence[Record]) -> list[ChunkOutcome]:
        parsed, rejects = self.validate(records)
        applied = self.apply(records, parsed, rejects)
        done: list[ChunkOutcome] = []
        if self.in_flight is not None:
            before, write = self.in_flight
            self.in_flight = None
            if self.written(write):
                done.append(self.outcome(before))
            else:  # this chunk ran on the state the failed write would have made
                self.cache.forget(before.accounts.keys() | applied.accounts.keys())
                self.earlier.forget_unsaved()
                done.append(self.outcome(self.redo(before)))
                applied = self.redo(applied)
        if self.dry_run:
            done.append(self.outcome(applied))
        else:
            self.in_flight = (applied, self.writer.start(applied.events, applied.snapshots))
        return done

    def finish(self) -> list[ChunkOutcome]:
        """The outcome of the chunk still being written, once it is."""
        if self.in_flight is None:
            return []
        applied, write = self.in_flight
        self.in_flight = None
        if not self.written(write):
            self.cache.forget(applied.accounts)
            self.earlier.forget_unsaved()
            applied = self.redo(applied)
        return [self.outcome(applied)]

    @staticmethod
    def written(write: Future[None]) -> bool:
        """Whether the write committed; False on a conflict, any other failure raises."""
        try:
            write.result()
        except RecordConflictError:
            return False
        return True

    def outcome(self, applied: Applied) -> ChunkOutcome:
        rejects = list(applied.rejects)
        results: list[tuple[str, Result | None]] = [(r.kind, None) for r in rejects]
        originals = {record.line: record for record in applied.records}
        for line in applied.parsed:
            outcome = applied.outcomes[line.line]
            if isinstance(outcome, Problem):
                record = originals[line.line]
                rejects.append(_reject(record, outcome, line.row.kind))
                results.append((line.row.kind, None))
            else:
                results.append((line.row.kind, outcome))
        return ChunkOutcome(results, rejects, applied.made, applied.redone)

    # ------------------------------------------------------------ validation
    def validate(self, records: Sequence[Record]) -> tuple[list[ParsedLine], list[Reject]]:
        parsed: list[ParsedLine] = []
        rejects: list[Reject] = []
        if len(self.ids) > KNOWN_IDS:
            self.ids.clear()  # bounded: the next chunks' citizens are mostly new anyway
        for record in records:
            row = parse_row(record.fields) if record.problem is None else record.problem
            if isinstance(row, Problem):
                rejects.append(_reject(record, row, _kind_of(record)))
            else:
                parsed.append(ParsedLine(record.line, self.account_id(row.insz.value), row))
        claims = [Claim(p.line, p.row.reference, p.account_id) for p in parsed]
        refused = self.references.claim(claims)
        if refused:
            by_line = {record.line: record for record in records}
            for line in (p for p in parsed if p.line in refused):
                rejects.append(_reject(by_line[line.line], refused[line.line], line.row.kind))
            parsed = [p for p in parsed if p.line not in refused]
        return parsed, rejects

    def account_id(self, insz: str) -> UUID:
        found = self.ids.get(insz)
        if found is None:
            found = self.ids[insz] = self.ledger.account_id_for(insz)
        return found

    # ------------------------------------------------------------ applying
    def apply(
        self, records: Sequence[Record], parsed: list[ParsedLine], rejects: list[Reject]
    ) -> Applied:
        """Run the chunk's commands in memory and turn what they did into records."""
        accounts = self.fetch({p.account_id for p in parsed})
        outcomes = self.apply_all(accounts, parsed)
        events = [e for account in accounts.values() for e in account.collect_events()]
        snapshots = self.snapshots_due(accounts, events)  # taken now: the next chunk moves on
        made = len(events)
        events += self.note_refusals(outcomes)
        self.cache.keep(accounts)
        mapper = self.ledger.mapper
        return Applied(
            records,
            parsed,
            rejects,
            outcomes,
            accounts,
            made,
            [] if self.dry_run else [mapper.to_stored_event(e) for e in events],
            [mapper.to_stored_event(s) for s in snapshots],
        )

    def fetch(self, ids: set[UUID]) -> dict[UUID, Account]:
        """The accounts among ``ids``; those of the chunk being written come from memory.

        The store does not have that chunk's events yet, and the cache may have let go of
        its accounts: read from the store, they would be a state that misses them.
        """
        writing = {} if self.in_flight is None else self.in_flight[0].accounts
        accounts = {i: writing[i] for i in ids if i in writing}
        accounts.update(self.cache.fetch(ids - accounts.keys()))
        return accounts

    def redo(self, applied: Applied) -> Applied:
        """The chunk again from the store, written before returning, after a conflict."""
        for attempt in range(1, self.settings.retries + 1):
            again = self.apply(applied.records, applied.parsed, applied.rejects)
            again.redone = applied.redone + attempt
            if self.written(self.writer.start(again.events, again.snapshots)):
                return again
            self.cache.forget(again.accounts)  # their state in memory ran ahead of the store
            self.earlier.forget_unsaved()
            time.sleep(random.uniform(0, 0.02 * attempt))  # let the other writer go
        parsed = applied.parsed
        raise LedgerError(
            f"gave up on lines {parsed[0].line}-{parsed[-1].line} after "
            f"{self.settings.retries} concurrent-write conflicts; run the same import again "
            "to finish it"
        )

    def apply_all(
        self, accounts: dict[UUID, Account], parsed: list[ParsedLine]
    ) -> dict[int, Result | Problem]:
        outcomes: dict[int, Result | Problem] = {}
        for line in parsed:
            refused_in = self.earlier.refused_by(line.line)
            if refused_in is not None:
                outcomes[line.line] = recheck(self.target, accounts, line, refused_in)
                continue
            try:
                outcomes[line.line] = apply_line(self.target, accounts, line)
            except LedgerError as error:
                outcomes[line.line] = Problem(field_of(error), str(error))
        return outcomes

    def note_refusals(self, outcomes: dict[int, Result | Problem]) -> list[Any]:
        """The file record's events for the lines the rules refused for the first time."""
        if self.dry_run:
            return []
        refused = [
            line
            for line, outcome in outcomes.items()
            if isinstance(outcome, Problem) and self.earlier.refused_by(line) is None
        ]
        return self.earlier.note(self.target.batch, refused)

    def snapshots_due(self, accounts: dict[UUID, Account], events: list[Any]) -> list[Snapshot]:
        """Snapshots, from memory, of the accounts whose events crossed the interval."""
        if self.ledger.snapshots is None or self.dry_run:
            return []
        first_written: dict[UUID, int] = {}
        for event in events:
            first_written.setdefault(event.originator_id, event.originator_version)
        return [
            Snapshot.take(accounts[i])
            for i, first in first_written.items()
            if accounts[i].version // SNAPSHOT_INTERVAL > (first - 1) // SNAPSHOT_INTERVAL
        ]

    def close(self) -> None:
        """Stop the writer (after its last write) and let go of the caches."""
        self.writer.close()
        self.references.close()
        self.cache.close()


def _kind_of(record: Record) -> str:
    kind = record.fields.get("kind")
    return kind if isinstance(kind, str) and kind in KINDS else UNKNOWN_KIND


def _reject(record: Record, problem: Problem, kind: str) -> Reject:
    return Reject(record.line, kind, problem.field, problem.reason, record.original)
