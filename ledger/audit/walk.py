"""One process's pass over stored records: the chain, the replay and the rules, per account.

``Auditor`` feeds records, in order, to one ``StreamAudit`` per account and the rule checks
around its replay; ``audit_log`` streams the notification log once through an ``Auditor``
for one share of the accounts (all of them by default) and returns what it found as a
``Share``, which a worker process can send back to the parent (parallel.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from ledger.application import Ledger
from ledger.audit.digest.digest_check import Covered
from ledger.audit.findings import Finding, Invariant, RightTotals
from ledger.audit.invariants.bookings import check_holds
from ledger.audit.invariants.checks import RuleChecks
from ledger.audit.invariants.conservation import compare_balances, totals_of
from ledger.audit.invariants.snapshots import check_snapshot_reached, compare_snapshot
from ledger.audit.invariants.stream import UNKNOWN_HEAD, StreamAudit
from ledger.audit.invariants.transitions import close_transition
from ledger.audit.records import SnapshotIndex, notifications
from ledger.domain.account import Account
from ledger.domain.chain import event_hash
from ledger.domain.effective import effective_order, fold
from ledger.perf.gc import gc_paused

Progress = Callable[[int], None]  # hears the log position a pass has reached
PROGRESS_EVERY = 5000  # records: often enough for a progress bar, rarely enough to cost nothing


class Auditor:
    """Feeds stored records, in order, through the chain, the replay and the rules."""

    def __init__(self, ledger: Ledger, snapshots: SnapshotIndex) -> None:
        self.ledger = ledger
        self.mapper = ledger.mapper
        self.rules = RuleChecks(ledger.catalogue, ledger.registry.offer)
        self.snapshots = snapshots
        # By the account id's number: every record brings a new UUID object, and a UUID
        # hashes and compares in Python, which on millions of lookups shows.
        self.streams: dict[int, StreamAudit] = {}
        self.first_seen: dict[UUID, int] = {}  # account -> its first notification id
        self.findings: list[Finding] = []
        self.events = 0

    def check_record(self, record: Any) -> StreamAudit:
        stream = self.streams.get(record.originator_id.int)
        if stream is None:
            stream = self.start(record)
        self.events += 1
        event = stream.check_record(record, self.mapper)
        if event is not None and not stream.meets_late_fact(event):
            self.rules.step(stream, event)
        if stream.version == stream.snapshot_version:
            compare_snapshot(stream, self.snapshots)
        return stream

    def start(self, record: Any) -> StreamAudit:
        """The first record of an account: its StreamAudit, and where its snapshot is."""
        account_id = record.originator_id
        stream = self.streams[account_id.int] = StreamAudit(account_id, self.findings)
        stream.snapshot_version = self.snapshots.latest_version(account_id)
        self.first_seen[account_id] = getattr(record, "id", 0)  # a notification's position
        return stream

    def finish(self) -> list[RightTotals]:
        """The checks that need a stream's end; the citizens' totals."""
        totals: list[RightTotals] = []
        for key, stream in list(self.streams.items()):
            if stream.late:
                stream = self.streams[key] = self.audit_in_effective_order(stream)
            try:
                if stream.transition is not None:
                    close_transition(stream)
                compare_balances(stream)
                check_holds(stream)
                check_snapshot_reached(stream)
                check_review_cases(stream)
                totals.extend(totals_of(stream))
            except Exception as error:  # a replayed state that tampered values made unreadable
                stream.find(
                    Invariant.CONSERVATION,
                    f"the end of the stream cannot be checked ({type(error).__name__}: {error})",
                )
        return totals

    def audit_in_effective_order(self, recorded: StreamAudit) -> StreamAudit:
        """The rules and the replay again for an account with a late fact, over its
        events in effective-date order (its chain was checked in recording order)."""
        stream = StreamAudit(recorded.account_id, self.findings)
        stream.citizen, stream.effective = recorded.citizen, True
        stream.snapshot_version = recorded.snapshot_version
        stream.covered = recorded.covered
        events = list(self.ledger.repository.event_store.get(recorded.account_id))
        for event in effective_order(e for e in events if e.originator_version <= recorded.version):
            stream.version, stream.event = event.originator_version, type(event).__name__
            stream.head = event_hash(event)
            self.rules.step(stream, event)
        if stream.snapshot_version is not None and recorded.late <= stream.snapshot_version:
            # (a snapshot before the first late fact was compared in recording order)
            compare_snapshot(snapshot_of(stream, events), self.snapshots)
        stream.version, stream.head, stream.event = recorded.version, recorded.head, recorded.event
        return stream


def snapshot_of(stream: StreamAudit, events: list[Any]) -> StreamAudit:
    """A stream standing at its snapshot's version: the effective fold of the events
    recorded up to it (what the snapshot was taken of)."""
    version = stream.snapshot_version
    at = StreamAudit(stream.account_id, stream.findings)
    at.citizen, at.version = stream.citizen, version or 0
    taken = [e for e in events if e.originator_version <= at.version]
    at.account = fold(taken)
    at.head = event_hash(max(taken, key=lambda e: e.originator_version))
    at.event = type(at.account).__name__
    return at


def check_review_cases(stream: StreamAudit) -> None:
    """An open review case is a finding of its own: a late fact recorded although it
    makes the later entries it lists invalid, not resolved yet."""
    account = stream.account
    if not isinstance(account, Account):
        return
    for number, case in sorted(account.review_cases.items(), key=lambda item: int(item[0])):
        if case.is_open:
            stream.find(
                Invariant.REVIEW_CASE_OPEN,
                f"review case {number} is open: a fact dated {case.fact_on} makes "
                f"{len(case.conflicts)} later entries invalid",
                expected="closed once resolved",
                found="open",
                version=int(number),
                event="ReviewOpened",
            )


@dataclass
class Share:
    """What one pass over the log found for its share of the accounts."""

    findings: list[Finding]
    totals: list[RightTotals]
    events: int
    first_seen: dict[UUID, int]  # account -> its first notification id, to order the report
    streams: dict[UUID, Covered]
    covered_events: int  # records at or before the digest's position


def audit_log(
    ledger: Ledger,
    position: int,
    covered_up_to: int,
    share: int = 0,
    shares: int = 1,
    progress: Progress | None = None,
) -> Share:
    """One pass over the log up to ``position``, auditing the accounts of ``share``;
    ``progress`` hears the position reached every ``PROGRESS_EVERY`` records and at the end."""
    with gc_paused():  # until the pass's own objects are freed, on its return
        return audit_pass(ledger, position, covered_up_to, share, shares, progress)


def audit_pass(
    ledger: Ledger,
    position: int,
    covered_up_to: int,
    share: int,
    shares: int,
    progress: Progress | None = None,
) -> Share:
    auditor = Auditor(ledger, SnapshotIndex(ledger, bulk=True))
    covered_events = 0
    for record in notifications(ledger, position):
        if progress is not None and record.id % PROGRESS_EVERY == 0:
            progress(record.id)
        if shares > 1 and record.originator_id.int % shares != share:
            continue
        stream = auditor.check_record(record)
        if record.id <= covered_up_to:
            stream.covered = (stream.version, stream.head or UNKNOWN_HEAD, stream.event)
            covered_events += 1
    totals = auditor.finish()
    if progress is not None:
        progress(position)
    streams = {s.account_id: Covered(s.citizen, s.covered) for s in auditor.streams.values()}
    return Share(
        auditor.findings, totals, auditor.events, auditor.first_seen, streams, covered_events
    )
