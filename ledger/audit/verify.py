"""``verify``: every invariant of docs/design.md for one citizen or for the whole ledger.

For everyone it streams the notification log once (pages of stored records, decoded one by
one), keeping a small ``StreamAudit`` per account: the cost grows with the number of
events, the memory with the number of accounts (walk.py is that pass). A large store is
shared out over several processes by account (see parallel.py), each streaming the log and
keeping only its own accounts. For one citizen it reads that stream alone. Neither goes
through the repository, which would start from a snapshot and so hide a tampered record.
"""

from __future__ import annotations

from uuid import UUID

from ledger.application import Ledger
from ledger.audit.consistency import projection_findings
from ledger.audit.digest.digest import DigestToCheck
from ledger.audit.digest.digest_check import Coverage
from ledger.audit.findings import AuditReport, Finding, Invariant
from ledger.audit.invariants.stream import StreamAudit
from ledger.audit.parallel import audit_shares
from ledger.audit.records import SnapshotIndex, log_position, stream_records
from ledger.audit.walk import Auditor, Progress
from ledger.domain.errors import AccountNotFoundError
from ledger.domain.identifiers import parse_insz
from ledger.security.roles import Action

EVERYONE = "all citizens"


def verify(
    ledger: Ledger,
    insz: str | None = None,
    digest: DigestToCheck | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> AuditReport:
    """Check invariants 1-7 for one citizen (``insz``) or for all.

    ``digest`` (whole ledger only) adds the check that all the history an earlier digest
    covered is still there, unchanged. ``workers`` processes share a whole-ledger check
    (default: as many as there are cores, for a large store on SQLite or PostgreSQL).
    ``progress`` hears the log position a one-process pass has reached, now and then.
    """
    ledger.require(Action.AUDIT)
    if insz is not None:
        return verify_citizen(ledger, insz)
    return verify_all(ledger, digest, workers, progress)


def verify_citizen(ledger: Ledger, insz: str) -> AuditReport:
    parsed = parse_insz(insz)
    account_id = ledger.account_id_for(parsed)
    ledger.guard.note_read(account_id, "audit verify", None)  # the access log keeps it
    records = stream_records(ledger, account_id)
    if not records:
        raise AccountNotFoundError(f"no account is open for {parsed.masked}")
    auditor = Auditor(ledger, SnapshotIndex(ledger, bulk=False))
    for record in records:
        auditor.check_record(record)
    totals = auditor.finish()
    return AuditReport(
        parsed.masked, None, 1, auditor.events, auditor.findings, totals,
        ["projections: checked only when verifying all citizens"],
    )  # fmt: skip


def verify_all(
    ledger: Ledger,
    digest: DigestToCheck | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> AuditReport:
    position = log_position(ledger)
    covered_up_to = digest.digest.position if digest else 0
    shares = audit_shares(ledger, position, covered_up_to, workers, progress)
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
