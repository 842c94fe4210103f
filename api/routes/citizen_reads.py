"""Reads of one citizen's account: the ``--json`` documents of ``llr balance``, ``history``,
``explain``, ``eligibility``, ``employment list`` and ``access-log``.

Each read is the Ledger's, so it is checked and written to the access log before any
data is returned; a backoffice caller gives the reason in the ``X-Reason`` header. The
INSZ is masked for roles that may not see it. The ``ETag`` is the account's version now
(also for ``as_of`` and ``known_at`` reads), read with the data: the version a write's
``If-Match`` must still find.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request

from api.deps import ActingLedger, Reason, action_of, citizen
from api.responses import LedgerJSON, document
from api.routes.common import AsOf, Day, KnownAt, field_named_router, read
from cli.careers import career_json
from cli.eligibility import eligibility_json
from cli.explanation import explain_json
from cli.parsing import parse_known_at
from cli.render import balance_json, history_json
from ledger.domain.values import public_value
from ledger.security.access_log import as_json as record_json
from ledger.security.roles import Action

router = field_named_router("/api/v1/citizens", "citizen reads")


@router.get(
    "/{insz}/balance",
    summary="Usable and suspended balance per right type",
    openapi_extra=action_of(Action.READ_ACCOUNT),
)
def balance(
    request: Request, ledger: ActingLedger, insz: str, reason: Reason,
    as_of: AsOf = None, known_at: KnownAt = None, value: bool = False,
) -> LedgerJSON:  # fmt: skip
    parsed = citizen(request, ledger, insz)
    report = ledger.balance(insz, as_of, parse_known_at(known_at), reason)
    worth = public_value(report.rights, ledger.catalogue) if value else None
    return read(balance_json(report, ledger.shown(parsed), worth), report.account_version)


@router.get(
    "/{insz}/history",
    summary="Every event with the balance after it (the audit trail of one account)",
    openapi_extra=action_of(Action.READ_ACCOUNT),
)
def history(
    request: Request, ledger: ActingLedger, insz: str, reason: Reason,
    as_of: AsOf = None, known_at: KnownAt = None,
) -> LedgerJSON:  # fmt: skip
    parsed = citizen(request, ledger, insz)
    report = ledger.history(insz, as_of, parse_known_at(known_at), reason)
    return read(history_json(report, ledger.shown(parsed)), report.account_version)


@router.get(
    "/{insz}/explain/{right}",
    summary="How one right's balance derives, step by step",
    openapi_extra=action_of(Action.READ_ACCOUNT),
)
def explain(
    request: Request, ledger: ActingLedger, insz: str, right: str, reason: Reason,
    as_of: AsOf = None, known_at: KnownAt = None,
) -> LedgerJSON:  # fmt: skip
    parsed = citizen(request, ledger, insz)
    moment = parse_known_at(known_at)
    report = ledger.explain_report(insz, right, as_of, moment, reason)
    content = explain_json(ledger.shown(parsed), as_of, moment, report.explanation)
    return read(content, report.account_version)


@router.get(
    "/{insz}/eligibility",
    summary="Every right type on a day: eligible or not, the personal maximum, why not",
    openapi_extra=action_of(Action.READ_ACCOUNT),
)
def eligibility(
    request: Request, ledger: ActingLedger, insz: str, reason: Reason,
    on: Annotated[Day | None, Query(description="The day asked about (default: the latest).")]
    = None,
) -> LedgerJSON:  # fmt: skip
    parsed = citizen(request, ledger, insz)
    report = ledger.eligibility(insz, on, reason)
    return read(eligibility_json(report, ledger.shown(parsed)), report.account_version)


@router.get(
    "/{insz}/employments",
    summary="The employments and situations, and the statuses they give",
    openapi_extra=action_of(Action.READ_ACCOUNT),
)
def employments(
    request: Request, ledger: ActingLedger, insz: str, reason: Reason,
    as_of: AsOf = None, known_at: KnownAt = None,
) -> LedgerJSON:  # fmt: skip
    parsed = citizen(request, ledger, insz)
    report = ledger.career(insz, as_of, parse_known_at(known_at), reason)
    return read(career_json(report, ledger.shown(parsed)), report.account_version)


@router.get(
    "/{insz}/access-log",
    summary="Who read this citizen's data: when, in which role and why",
    openapi_extra=action_of(Action.READ_ACCESS_LOG),
)
def access_log(request: Request, ledger: ActingLedger, insz: str) -> LedgerJSON:
    citizen(request, ledger, insz)
    report = ledger.access_log(insz)
    # No ETag: the log is not the account, and reading it writes nothing to the account.
    return document({
        "insz": ledger.shown(report.insz), "account_id": str(report.account_id),
        "entries": [record_json(r) for r in report.records],
    })  # fmt: skip
