"""``verify``: every invariant of docs/design.md for one citizen or for the whole ledger.

For everyone it streams the notification log once (pages of stored records, decoded one by
one), keeping a small ``StreamAudit`` per account: the cost grows with the number of
events, the memory with the number of accounts. A large store is shared out over several
processes by account (see parallel.py), each streaming the log and keeping only its own
accounts. For one citizen it reads that stream alone. Neither goes through the repository,
which would start from a snapshot and so hide a tampered record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from ledger.application import Ledger
from ledger.audit import transitions
from ledger.audit.checks import RuleChecks
from ledger.audit.conservation import compare_balances, totals_of
from ledger.audit.consistency import projection_findings
from ledger.audit.digest import DigestToCheck
from ledger.audit.digest_check import Coverage, Covered
from ledger.audit.findings import AuditReport, Finding, Invariant, RightTotals
from ledger.audit.records import (
    SnapshotIndex,
    log_position,
    notifications,
    stream_records,
)
from ledger.audit.snapshots import check_snapshot_reached, compare_snapshot
from ledger.audit.stream import UNKNOWN_HEAD, StreamAudit
from ledger.domain.errors import AccountNotFoundError
from ledger.domain.identifiers import parse_insz
from ledger.perf.gc import gc_paused
from ledger.security.roles import Action

EVERYONE = "all citizens"


class Auditor:
    """Feeds stored records, in order, through the chain, the replay and the rules."""

    def __init__(self, ledger: Ledger, snapshots: SnapshotIndex) -> None:
        self.mapper = ledger.mapper
        self.rules = RuleChecks(ledger.catalogue)
        self.snapshots = snapshots
        # By the account id's number: every record brings a new UUID object, and a UUID
        # hashes and compares in Python, which on millions of lookups shows.
        self.streams: dict[int, StreamAudit] = {}
        self.first_seen: dict[UUID, int] = {}  # account -> its first notification id
        self.findings: list[Finding] = []
        self.events = 0

    def take(self, record: Any) -> StreamAudit:
        stream = self.streams.get(record.originator_id.int)
        if stream is None:
            stream = self.start(record)
        self.events += 1
        event = stream.take(record, self.mapper)
        if event is not None:
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
        for stream in self.streams.values():
            try:
                if stream.transition is not None:
                    transitions.end(stream)
                compare_balances(stream)
                check_snapshot_reached(stream)
                totals.extend(totals_of(stream))
            except Exception as error:  # a replayed state that tampered values made unreadable
                stream.find(
                    Invariant.CONSERVATION,
                    f"the end of the stream cannot be checked ({type(error).__name__}: {error})",
                )
        return totals


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
    ledger: Ledger, position: int, covered_up_to: int, share: int = 0, shares: int = 1
) -> Share:
    """One pass over the log up to ``position``, auditing the accounts of ``share``."""
    with gc_paused():  # until the pass's own objects are freed, on its return
        return audit_pass(ledger, position, covered_up_to, share, shares)


def audit_pass(ledger: Ledger, position: int, covered_up_to: int, share: int, shares: int) -> Share:
    auditor = Auditor(ledger, SnapshotIndex(ledger, bulk=True))
    covered_events = 0
    for record in notifications(ledger, position):
        if shares > 1 and record.originator_id.int % shares != share:
            continue
        stream = auditor.take(record)
        if record.id <= covered_up_to:
            stream.covered = (stream.version, stream.head or UNKNOWN_HEAD, stream.event)
            covered_events += 1
    totals = auditor.finish()
    streams = {s.account_id: Covered(s.citizen, s.covered) for s in auditor.streams.values()}
    return Share(
        auditor.findings, totals, auditor.events, auditor.first_seen, streams, covered_events
    )


def verify(
    ledger: Ledger,
    insz: str | None = None,
    digest: DigestToCheck | None = None,
    workers: int | None = None,
) -> AuditReport:
    """Check invariants 1-7 for one citizen (``insz``) or for all.

    ``digest`` (whole ledger only) adds the check that all the history an earlier digest
    covered is still there, unchanged. ``workers`` processes share a whole-ledger check
    (default: as many as there are cores, for a large store on SQLite or PostgreSQL).
    """
    ledger.require(Action.AUDIT)
    if insz is not None:
        return verify_citizen(ledger, insz)
    return verify_all(ledger, digest, workers)


def verify_citizen(ledger: Ledger, insz: str) -> AuditReport:
    parsed = parse_insz(insz)
    account_id = ledger.account_id_for(parsed)
    ledger.guard.note_read(account_id, "audit verify", None)  # the access log keeps it
    records = stream_records(ledger, account_id)
    if not records:
        raise AccountNotFoundError(f"no account is open for {parsed.masked}")
    auditor = Auditor(ledger, SnapshotIndex(ledger, bulk=False))
    for record in records:
        auditor.take(record)
    totals = auditor.finish()
    return AuditReport(
        parsed.masked, None, 1, auditor.events, auditor.findings, totals,
        ["projections: checked only when verifying all citizens"],
    )  # fmt: skip


def verify_all(
    ledger: Ledger, digest: DigestToCheck | None = None, workers: int | None = None
) -> AuditReport:
    from ledger.audit.parallel import audit_shares  # parallel.py imports this module

    position = log_position(ledger)
    covered_up_to = digest.digest.position if digest else 0
    shares = audit_shares(ledger, position, covered_up_to, workers)
    first_seen = {account: n for share in shares for account, n in share.first_seen.items()}
    streams = {account: s for share in shares for account, s in share.streams.items()}
    report = AuditReport(
        EVERYONE, position, len(streams), sum(share.events for share in shares),
        in_log_order([f for share in shares for f in share.findings], first_seen),
        sorted((t for share in shares for t in share.totals),
               key=lambda t: first_seen[UUID(t.account_id)]),
    )  # fmt: skip
    report.findings.extend(orphan_snapshots(ledger, set(streams)))
    found, note = projection_findings(ledger, {a: s.citizen for a, s in streams.items()})
    report.findings.extend(found)
    report.notes.append(note)
    if digest is not None:
        coverage = Coverage(digest.digest, position, sum(s.covered_events for s in shares), streams)
        report.findings.extend(coverage.findings(digest.heads, digest.seal_problem))
        report.notes.append(f"digest: checked at position {digest.digest.position}; {digest.note}")
    return report


def in_log_order(findings: list[Finding], first_seen: dict[UUID, int]) -> list[Finding]:
    """Per citizen, in the order they first appear in the log; then event by event."""
    rank = {account.hex: n for account, n in first_seen.items()}
    return sorted(findings, key=lambda f: (rank.get(f.account_id, 0), f.version or 0, f.invariant))


def orphan_snapshots(ledger: Ledger, seen: set[UUID]) -> list[Finding]:
    """Snapshots of accounts that have no events at all."""
    found: list[Finding] = []
    for account_id in sorted(SnapshotIndex(ledger, bulk=True).accounts() - seen, key=str):
        StreamAudit(account_id, found).find(
            Invariant.HISTORY_UNALTERED, "a snapshot exists but the stream has no events",
            expected="events up to the snapshot", found="none", version=0, event="",
        )  # fmt: skip
    return found
