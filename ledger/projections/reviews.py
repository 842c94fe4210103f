"""Review cases across citizens, read from the audit trail (``ReviewOpened`` rows with no
``ReviewClosed`` row for the same case): ``llr review list`` and the way from a case id to
its account."""

from __future__ import annotations

import re
from dataclasses import dataclass
from uuid import UUID

from ledger.application import Ledger
from ledger.domain.errors import InvalidInputError
from ledger.domain.reviews import ReviewNotOpenError
from ledger.projections.reports import Report, lag_of, plain, reading

CASE_FORM = re.compile(r"([0-9a-f]{12})-([1-9][0-9]*)")


@dataclass(frozen=True)
class ReviewRow:
    case: str
    account_id: str
    opened_on: str  # the account's date when it was opened
    recorded_at: str
    actor: str
    detail: str


OPEN_CASES = (
    "SELECT o.lot, o.account_id, o.effective_on, o.recorded_at, o.actor, o.detail "
    "FROM audit_trail o WHERE o.event = 'ReviewOpened' AND NOT EXISTS ("
    "SELECT 1 FROM audit_trail c WHERE c.event = 'ReviewClosed' AND c.lot = o.lot "
    "AND c.account_id = o.account_id) ORDER BY o.position"
)


def open_reviews(ledger: Ledger) -> Report[ReviewRow]:
    with reading(ledger) as store, store.snapshot():
        found, lag = store.query(OPEN_CASES), lag_of(ledger, store, ["trail"])
    return Report([ReviewRow(*(str(plain(v)) for v in row)) for row in found], lag)


def account_of_case(ledger: Ledger, case: str) -> tuple[UUID, int]:
    """The account a case id belongs to, and the version of its ``ReviewOpened``."""
    match = CASE_FORM.fullmatch(case.strip().lower())
    if match is None:
        raise InvalidInputError(
            f"CASE {case!r}: a review case id is 12 hex digits, a dash and a number, as "
            "'llr review list' shows it (e.g. 3c25ce17e186-7)"
        )
    with reading(ledger) as store:
        rows = store.query(
            "SELECT DISTINCT account_id FROM audit_trail WHERE event = 'ReviewOpened' AND lot = ?",
            [match.group(0)],
        )
    if len(rows) != 1:
        raise ReviewNotOpenError(
            f"review case {case}: "
            + ("not found (is 'llr projections run' up to date?)" if not rows else "ambiguous")
        )
    return UUID(str(rows[0][0])), int(match.group(2))
