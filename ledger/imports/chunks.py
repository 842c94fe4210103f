"""Apply a chunk of lines: many accounts, one transaction, redone whole on a write conflict.

A chunk is validated line by line (``validation.py``), then its accounts are loaded in
bulk, its lines run in file order, and every event it made is written in one transaction,
by a background writer while the next chunk is worked out (``writer.py``). Nothing of a
chunk is reported before its write commits, so a crash or a conflict never counts a line
twice: after a conflict the chunk's accounts are read again from the store and its lines
redone (and so is the chunk after it, which ran on the state the failed write would have
made). That is safe because a line applied meanwhile (by this file or another) is an exact
repeat and comes back as "already applied".
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.domain import Snapshot
from eventsourcing.persistence import RecordConflictError, StoredEvent

from ledger.application import CONFLICT_RETRIES, SNAPSHOT_INTERVAL, Ledger
from ledger.domain.account import Account
from ledger.domain.command import Result
from ledger.domain.errors import LedgerError
from ledger.imports.apply import ParsedLine, Target, apply_line, field_of
from ledger.imports.cache import AccountCache
from ledger.imports.earlier import EarlierRuns, recheck
from ledger.imports.readers import Record
from ledger.imports.report import Reject
from ledger.imports.rows import Problem
from ledger.imports.validation import Validator, reject_of
from ledger.imports.writer import ChunkWriter


@dataclass(frozen=True)
class ImportSettings:
    # Lines per transaction: large enough that per-save costs fade, small enough that a
    # conflict redoes little and a chunk's accounts fit in memory many times over.
    chunk_lines: int = 2000
    cached_accounts: int = 10_000
    retries: int = CONFLICT_RETRIES
    # Processes that apply lines (each a share of the citizens); 1 applies in this one.
    workers: int = 1


@dataclass(frozen=True)
class ChunkOutcome:
    results: list[tuple[str, Result | None]]  # (kind, result) per line; None = rejected
    rejects: list[Reject]
    events_written: int
    redone: int  # how many times a concurrent write made the chunk start over


Outcomes = dict[int, Result | Problem]  # by line number


@dataclass(frozen=True)
class Committed:
    """What the commands of one chunk's lines did, once their write committed."""

    key: int
    outcomes: Outcomes
    made: int  # account events made (a dry run makes them too, and writes none)
    redone: int


@dataclass
class Applied:
    """A chunk worked out in memory, its records still to be written."""

    key: int
    parsed: list[ParsedLine]
    outcomes: Outcomes
    made: int
    events: list[StoredEvent]
    snapshots: list[StoredEvent]
    redone: int = 0

    def committed(self) -> Committed:
        return Committed(self.key, self.outcomes, self.made, self.redone)


@dataclass
class Waiting:
    """A validated chunk whose lines are being applied."""

    records: Sequence[Record]
    parsed: list[ParsedLine]
    rejects: list[Reject]
    outcomes: Outcomes = field(default_factory=dict)
    made: int = 0
    redone: int = 0

    def add(self, committed: Committed) -> None:
        self.outcomes.update(committed.outcomes)
        self.made += committed.made
        self.redone = max(self.redone, committed.redone)

    def outcome(self) -> ChunkOutcome:
        """The chunk's results in file order: refused before any command, then by command."""
        rejects = list(self.rejects)
        results: list[tuple[str, Result | None]] = [(r.kind, None) for r in rejects]
        originals = {record.line: record for record in self.records}
        for line in self.parsed:
            outcome = self.outcomes[line.line]
            if isinstance(outcome, Problem):
                rejects.append(reject_of(originals[line.line], outcome, line.row.kind))
                results.append((line.row.kind, None))
            else:
                results.append((line.row.kind, outcome))
        rejects.sort(key=lambda reject: reject.line)
        return ChunkOutcome(results, rejects, self.made, self.redone)


class ChunkRunner:
    """Validates and applies chunks in this process, in file order."""

    def __init__(
        self,
        ledger: Ledger,
        target: Target,
        settings: ImportSettings,
        dry_run: bool,
        earlier: EarlierRuns,
    ) -> None:
        self.settings = settings
        self.validator = Validator(ledger)
        memory = MemoryApplier(ledger, target, settings, dry_run, earlier)
        self.applier = Applier(memory, ledger)
        self.waiting: dict[int, Waiting] = {}
        self.keys = itertools.count()

    def submit(self, records: Sequence[Record]) -> list[ChunkOutcome]:
        """Start on a chunk; the outcomes of the chunks whose write committed meanwhile."""
        parsed, rejects = self.validator.validate(records)
        key = next(self.keys)
        self.waiting[key] = Waiting(records, parsed, rejects)
        return self.collect(self.applier.submit(key, parsed))

    def finish(self) -> list[ChunkOutcome]:
        """The outcomes of the chunks still being written, once they are."""
        return self.collect(self.applier.finish())

    def collect(self, committed: list[Committed]) -> list[ChunkOutcome]:
        outcomes = []
        for done in committed:
            waiting = self.waiting.pop(done.key)
            waiting.add(done)
            outcomes.append(waiting.outcome())
        return outcomes

    def close(self) -> None:
        self.applier.close()
        self.validator.close()


class Applier:
    """Runs chunks of validated lines, writing each in the background while the next runs.

    ``submit`` returns what the chunks whose write has committed did (the one before,
    usually); ``finish`` waits for the last. If a write fails on a conflict, what is in
    memory ran ahead of the store: it is all forgotten, and the chunk and the one after it
    are redone from the store.
    """

    def __init__(self, memory: MemoryApplier, ledger: Ledger) -> None:
        self.memory = memory
        self.writer = ChunkWriter(ledger)
        self.in_flight: tuple[Applied, Future[None]] | None = None

    def submit(self, key: int, parsed: list[ParsedLine]) -> list[Committed]:
        applied = self.memory.apply(key, parsed)
        done: list[Committed] = []
        if self.in_flight is not None:
            before, write = self.in_flight
            self.in_flight = None
            if written(write):
                self.memory.written(before.key)
                done.append(before.committed())
            else:  # this chunk ran on the state the failed write would have made
                self.memory.reset()
                done.append(self.redo(before))
                done.append(self.redo(applied))
                return done
        if self.memory.dry_run:
            self.memory.written(applied.key)
            done.append(applied.committed())
        else:
            self.in_flight = (applied, self.writer.start(applied.events, applied.snapshots))
        return done

    def finish(self) -> list[Committed]:
        if self.in_flight is None:
            return []
        applied, write = self.in_flight
        self.in_flight = None
        if written(write):
            self.memory.written(applied.key)
            return [applied.committed()]
        self.memory.reset()
        return [self.redo(applied)]

    def redo(self, applied: Applied) -> Committed:
        """The chunk again from the store, written before returning, after a conflict."""
        for attempt in range(1, self.memory.settings.retries + 1):
            again = self.memory.apply(applied.key, applied.parsed)
            again.redone = applied.redone + attempt
            if self.memory.dry_run or written(self.writer.start(again.events, again.snapshots)):
                self.memory.written(again.key)
                return again.committed()
            self.memory.reset()
            time.sleep(random.uniform(0, 0.02 * attempt))  # let the other writer go
        raise gave_up(applied.parsed, self.memory.settings.retries)

    def close(self) -> None:
        """Stop the writer (after its last write) and let go of the cache."""
        self.writer.close()
        self.memory.close()


def written(write: Future[None]) -> bool:
    """Whether the write committed; False on a conflict, any other failure raises."""
    try:
        write.result()
    except RecordConflictError:
        return False
    return True


def gave_up(parsed: list[ParsedLine], retries: int) -> LedgerError:
    return LedgerError(
        f"gave up on lines {parsed[0].line}-{parsed[-1].line} after {retries} "
        "concurrent-write conflicts; run the same import again to finish it"
    )


class MemoryApplier:
    """Runs a chunk's lines on the accounts in memory and turns what they did into records.

    Until a chunk's write commits, its accounts are held here ("unwritten"): the store does
    not have that chunk's events yet, and the bounded cache may have let go of them, so a
    later chunk must find them here, never read a state from the store that misses them.
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
        self.unwritten: dict[int, dict[UUID, Account]] = {}

    def apply(self, key: int, parsed: list[ParsedLine]) -> Applied:
        accounts = self.fetch({p.account_id for p in parsed})
        outcomes = self.apply_all(accounts, parsed)
        events = [e for account in accounts.values() for e in account.collect_events()]
        snapshots = self.snapshots_due(accounts, events)  # taken now: the next chunk moves on
        made = len(events)
        events += self.note_refusals(outcomes)
        self.cache.keep(accounts)
        self.unwritten[key] = accounts
        mapper = self.ledger.mapper
        return Applied(
            key,
            parsed,
            outcomes,
            made,
            [] if self.dry_run else [mapper.to_stored_event(e) for e in events],
            [mapper.to_stored_event(s) for s in snapshots],
        )

    def written(self, key: int) -> None:
        """The chunk's write committed: its accounts are as the store has them."""
        self.unwritten.pop(key, None)

    def reset(self) -> None:
        """After a failed write: forget every account in memory, read the file record again."""
        self.unwritten.clear()
        self.cache.clear()
        self.earlier.forget_unsaved()

    def fetch(self, ids: set[UUID]) -> dict[UUID, Account]:
        accounts: dict[UUID, Account] = {}
        for held in self.unwritten.values():  # the same objects as in the cache, if there
            accounts.update((i, held[i]) for i in ids if i in held)
        accounts.update(self.cache.fetch(ids - accounts.keys()))
        return accounts

    def apply_all(self, accounts: dict[UUID, Account], parsed: list[ParsedLine]) -> Outcomes:
        outcomes: Outcomes = {}
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

    def note_refusals(self, outcomes: Outcomes) -> list[Any]:
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
        self.cache.close()
