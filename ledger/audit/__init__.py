"""The auditor's kit: invariant checks, tamper evidence over the hash chain, and digests.

``verify(ledger, insz=None)`` checks invariants 1-7 of docs/design.md and returns an
``AuditReport`` (one ``Finding`` per breach, each citizen's totals per right);
``take_digest`` states the whole ledger at a position; ``load_digest`` reads one back for
``verify(..., digest=...)``. docs/audit.md describes the digest so it can be checked with
other code.
"""

from __future__ import annotations

from ledger.audit.digest import (
    Digest,
    DigestError,
    DigestToCheck,
    heads_path,
    load_digest,
    save_digest,
    take_digest,
    write_heads,
)
from ledger.audit.findings import AuditReport, Finding, Invariant, RightTotals
from ledger.audit.verify import verify

__all__ = [
    "AuditReport",
    "Digest",
    "DigestError",
    "DigestToCheck",
    "Finding",
    "Invariant",
    "RightTotals",
    "heads_path",
    "load_digest",
    "save_digest",
    "take_digest",
    "verify",
    "write_heads",
]
