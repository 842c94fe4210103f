"""Apply a chunk of lines: many accounts, one transaction, redone whole on a write conflict.

A chunk is validated line by line, then its accounts are loaded in bulk, its lines run in
file order, and every event it made is written with one ``save``. Nothing of a chunk is
reported before that save commits, so a crash or a conflict never counts a line twice:
after a conflict the chunk's accounts are read again from the store and its lines redone,
which is safe because a line applied meanwhile (by this file or another) is an exact
repeat and comes back as "already applied".
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.domain import Snapshot
from eventsourcing.persistence import RecordConflictError

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


class ChunkRunner:
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

    def run(self, records: Sequence[Record]) -> ChunkOutcome:
        parsed, rejects = self.validate(records)
        results: list[tuple[str, Result | None]] = [(r.kind, None) for r in rejects]
        outcomes, written, redone = self.apply_with_retry(parsed)
        originals = {record.line: record for record in records}
        for line in parsed:
            outcome = outcomes[line.line]
            if isinstance(outcome, Problem):
                record = originals[line.line]
                rejects.append(_reject(record, outcome, line.row.kind))
                results.append((line.row.kind, None))
            else:
                results.append((line.row.kind, outcome))
        return ChunkOutcome(results, rejects, written, redone)

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
    def apply_with_retry(
        self, parsed: list[ParsedLine]
    ) -> tuple[dict[int, Result | Problem], int, int]:
        ids = {p.account_id for p in parsed}
        for attempt in range(self.settings.retries):
            accounts = self.cache.fetch(ids)
            outcomes = self.apply_all(accounts, parsed)
            events = [e for account in accounts.values() for e in account.collect_events()]
            try:
                self.write(events + self.note_refusals(outcomes))
            except RecordConflictError:
                self.cache.forget(accounts)  # their state in memory ran ahead of the store
                self.earlier.forget_unsaved()
                time.sleep(random.uniform(0, 0.02 * (attempt + 1)))  # let the other writer go
                continue
            self.cache.keep(accounts)
            self.snapshot_crossed(accounts, events)
            return outcomes, len(events), attempt
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

    def write(self, events: list[Any]) -> None:
        if not self.dry_run and events:
            self.ledger.events.put(events)  # what save() does, minus its per-object checks

    def snapshot_crossed(self, accounts: dict[UUID, Account], events: list[Any]) -> None:
        """Snapshot, from memory and in one write, the accounts that crossed the interval.

        Snapshots only save reading time: one that cannot be written is left out, and the
        chunk, whose events are in the store already, stands.
        """
        if self.ledger.snapshots is None or self.dry_run:
            return
        first_written: dict[UUID, int] = {}
        for event in events:
            first_written.setdefault(event.originator_id, event.originator_version)
        due = [
            Snapshot.take(accounts[i])
            for i, first in first_written.items()
            if accounts[i].version // SNAPSHOT_INTERVAL > (first - 1) // SNAPSHOT_INTERVAL
        ]
        if due:
            with contextlib.suppress(RecordConflictError):
                self.ledger.snapshots.put(due)

    def close(self) -> None:
        self.references.close()
        self.cache.close()


def _kind_of(record: Record) -> str:
    kind = record.fields.get("kind")
    return kind if isinstance(kind, str) and kind in KINDS else UNKNOWN_KIND


def _reject(record: Record, problem: Problem, kind: str) -> Reject:
    return Reject(record.line, kind, problem.field, problem.reason, record.original)
