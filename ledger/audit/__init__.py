"""The auditor's kit: invariant checks, tamper evidence over the hash chain, and digests.

``verify(ledger, insz=None)`` checks invariants 1-7 of docs/design.md and returns an
``AuditReport`` (one ``Finding`` per breach, each citizen's totals per right);
``take_digest`` states the whole ledger at a position; ``load_digest`` reads one back for
``verify(..., digest=...)``. docs/audit.md describes the digest so it can be checked with
other code.

The folder: ``invariants/`` checks each event (the chain, the replay, invariants 1-7 per
stream); ``digest/`` is the tamper evidence over the whole ledger; ``verify.py`` drives a
verify (``walk.py`` is one pass over the log, ``parallel.py`` shares it over processes,
``records.py`` reads the stored records, ``consistency.py`` asks the projections to check
their read models); ``findings.py`` and ``report.py`` are its output.
"""

from __future__ import annotations

from ledger.audit.digest.digest import (
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
