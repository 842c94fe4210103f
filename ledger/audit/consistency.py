"""Invariant 6, third part: the read models agree with the event streams.

The projections own that check (``ledger.projections.consistency.check_consistency``,
which first brings the balances projection up to date, then compares every account's lots
and totals with the read model). The audit calls it when the whole ledger is verified and
turns each difference into a finding that names the citizen. When the check cannot run
(the read models were not built or their migrations are pending, the database role may
not update them, a stream cannot be loaded), the report's notes say that this part was
not checked and why, and the rest of verify stands.
"""

from __future__ import annotations

from collections.abc import Mapping
from uuid import UUID

from ledger.application import Ledger
from ledger.audit.findings import Finding, Invariant
from ledger.projections.consistency import Difference, check_consistency

REPLAY = Invariant.REPLAY_SNAPSHOT_PROJECTIONS


def projection_findings(ledger: Ledger, citizens: Mapping[UUID, str]) -> tuple[list[Finding], str]:
    """Findings of the projections' consistency check, and a note on what was done.

    ``citizens`` names each account (masked INSZ) as the verify pass found it.
    """
    try:
        differences = check_consistency(ledger)
    except Exception as error:  # read models missing, no rights on them, a broken stream...
        # Not a finding: what verify itself checks stands, and a stream the repository
        # cannot load is already reported by it.
        return [], f"projections: not checked ({type(error).__name__}: {first_line(error)})"
    return [as_finding(d, citizens) for d in differences], (
        f"projections: checked, {len(differences)} differences"
    )


def as_finding(difference: Difference, citizens: Mapping[UUID, str]) -> Finding:
    """One difference the projections report, naming the citizen as verify does."""
    account = str(difference.account_id)
    try:
        account_id = UUID(account)
    except ValueError:
        return Finding(REPLAY, account or "(ledger)", str(difference))
    right, lot = difference.right, difference.lot
    where = " ".join(part for part in (right, lot and f"lot {lot}") if part)
    what = difference.what
    return Finding(
        REPLAY,
        citizens.get(account_id, account_id.hex),
        f"{where}: {what} differs from the events" if where else f"{what} differs",
        difference.expected,
        difference.projected,
        account_id.hex,
        event="balances projection",
    )


def first_line(error: BaseException) -> str:
    text = str(error)
    return text.splitlines()[0] if text else type(error).__name__
