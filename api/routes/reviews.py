"""Review cases: late facts recorded with ``review`` although they make later entries
invalid (``llr review list``, ``show``, ``close``).

A case id (``3c25ce17e186-7``) names its account through the audit trail read model, as
on the command line; the list reads that read model and says how far it lags behind the
store (the service's follower keeps it up to date, ``llr projections run`` otherwise).
Showing a case is a read of the citizen's account, written to the access log.
"""

from __future__ import annotations

from api.deps import ActingLedger, action_of
from api.responses import LedgerJSON, document
from api.routes.common import Body, field_named_router, written
from cli.reviews import case_json
from ledger.projections.reviews import account_of_case, open_reviews
from ledger.security.roles import Action

router = field_named_router("/api/v1/reviews", "reviews")


class CloseBody(Body):
    reason: str  # how the case was resolved


@router.get(
    "",
    summary="The open review cases, oldest first (from the audit trail read model)",
    openapi_extra=action_of(Action.READ_ACCOUNT),
)
def list_cases(ledger: ActingLedger) -> LedgerJSON:
    ledger.require(Action.READ_ACCOUNT)
    report = open_reviews(ledger)
    return document({"cases": [vars(row) for row in report.rows], "lag": report.lag})


@router.get(
    "/{case}",
    summary="One case: the late fact's date and each later entry it makes invalid",
    openapi_extra=action_of(Action.READ_ACCOUNT),
)
def show(ledger: ActingLedger, case: str) -> LedgerJSON:
    ledger.require(Action.READ_ACCOUNT)
    account_id, number = account_of_case(ledger, case)
    return document(case_json(case, ledger.review_case(account_id, number)))


@router.post(
    "/{case}/close",
    status_code=201,
    summary="Close a case once what it lists is resolved",
    openapi_extra=action_of(Action.APPROVE_CORRECTION),
)
def close(ledger: ActingLedger, case: str, body: CloseBody) -> LedgerJSON:
    ledger.require(Action.APPROVE_CORRECTION)
    account_id, number = account_of_case(ledger, case)
    return written(ledger.close_review(account_id, number, body.reason))
