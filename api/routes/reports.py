"""Reports across citizens, and the expiry run over every account.

Each report is the document ``llr report <name> --json`` prints (the default), or the CSV of
``--csv`` with ``?format=csv`` or ``Accept: text/csv``: both are built by
``cli.report_documents`` from the same parameters. Reports read the read models; ``lag`` in
the JSON (and the ``X-Report-Lag`` header) says how many events they have not applied yet.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict

from api.deps import ActingLedger, action_of
from api.refresh import refresh_read_models
from api.responses import LedgerJSON, document
from cli import report_documents
from cli.expiry import expiry_json
from cli.output import csv_text
from cli.report_documents import ReportOutput
from ledger.application import Ledger
from ledger.projections import reports
from ledger.security.roles import Action

router = APIRouter(prefix="/api/v1", tags=["reports"], default_response_class=LedgerJSON)
REPORTS = "/reports"
CSV = "text/csv; charset=utf-8"
REPORT_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"content": {"application/json": {}, "text/csv": {}}},
}

Format = Annotated[
    str | None,
    Query(alias="format", pattern="^(json|csv)$",
          description="json (default) or csv; or ask with Accept: text/csv"),
]  # fmt: skip
Right = Annotated[str | None, Query(description="One right type, e.g. vov-hours")]
Source = Annotated[str | None, Query(description="One source, e.g. employer:0566988259")]
Batch = Annotated[str | None, Query(description="One import batch")]


def answer(request: Request, output: ReportOutput, wanted: str | None) -> Response:
    """The JSON document, or the CSV when the caller asks for it."""
    headers = {"X-Report-Lag": str(output.lag)}
    accept = request.headers.get("accept", "")
    if wanted == "csv" or (wanted is None and "text/csv" in accept):
        return Response(csv_text(output.rows, output.columns), media_type=CSV, headers=headers)
    return document(output.document, 200, headers)


def reporting(ledger: Ledger) -> Ledger:
    ledger.require(Action.REPORT)
    return ledger


@router.get(
    f"{REPORTS}/take-up",
    summary="Who holds and who uses their rights, per school year, right type and group",
    response_class=Response, responses=REPORT_RESPONSES,
    openapi_extra=action_of(Action.REPORT),
)  # fmt: skip
def take_up(
    request: Request, ledger: ActingLedger, by: str = "education",
    period: Annotated[str | None, Query(description="One school year, e.g. 2024-25")] = None,
    right: Right = None, output: Format = None,
) -> Response:  # fmt: skip
    groups = [g.strip() for g in by.split(",") if g.strip()]
    report = report_documents.take_up(reporting(ledger), groups, period, right)
    return answer(request, report, output)


@router.get(
    f"{REPORTS}/expiring",
    summary="Open lots that stop being usable within a number of days, soonest first",
    response_class=Response, responses=REPORT_RESPONSES,
    openapi_extra=action_of(Action.REPORT),
)  # fmt: skip
def expiring(
    request: Request, ledger: ActingLedger,
    within: Annotated[int, Query(ge=0, le=100_000, description="Window in days")],
    as_of: Annotated[date | None, Query(description="Start of the window (default: today)")]
    = None,
    right: Right = None, output: Format = None,
) -> Response:  # fmt: skip
    day = as_of or date.today()  # as llr report expiring reads "today"
    report = report_documents.expiring(reporting(ledger), within, day, right)
    return answer(request, report, output)


@router.get(
    f"{REPORTS}/sources",
    summary="Granted and used per source, batch and right type",
    response_class=Response, responses=REPORT_RESPONSES,
    openapi_extra=action_of(Action.REPORT),
)  # fmt: skip
def sources(
    request: Request, ledger: ActingLedger, source: Source = None, batch: Batch = None,
    output: Format = None,
) -> Response:  # fmt: skip
    report = report_documents.sources(reporting(ledger), source, batch)
    return answer(request, report, output)


@router.get(
    f"{REPORTS}/trail",
    summary="Every event across citizens, in log order, filtered",
    response_class=Response, responses=REPORT_RESPONSES,
    openapi_extra=action_of(Action.REPORT),
)  # fmt: skip
def trail(
    request: Request, ledger: ActingLedger,
    date_from: Annotated[date | None, Query(alias="from", description="From this effective "
                         "date on")] = None,
    date_to: Annotated[date | None, Query(alias="to", description="Up to and including this "
                       "date")] = None,
    event: Annotated[list[str] | None, Query(description="e.g. RightForfeited; repeatable")]
    = None,
    right: Right = None, source: Source = None, batch: Batch = None,
    limit: Annotated[int | None, Query(ge=0, description="At most this many rows")] = None,
    output: Format = None,
) -> Response:  # fmt: skip
    wanted = reports.TrailFilter(
        date_from=date_from, date_to=date_to, events=tuple(event or ()), right=right,
        source=source, batch=batch, limit=limit,
    )  # fmt: skip
    return answer(request, report_documents.trail(reporting(ledger), wanted), output)


@router.get(
    f"{REPORTS}/money",
    summary="Money of the bookings per right and provider, in euros",
    response_class=Response, responses=REPORT_RESPONSES,
    openapi_extra=action_of(Action.REPORT),
)  # fmt: skip
def money(
    request: Request, ledger: ActingLedger,
    period: Annotated[str | None, Query(description="A year (2027) or quarter (2027-Q1)")]
    = None,
    output: Format = None,
) -> Response:  # fmt: skip
    return answer(request, report_documents.money(reporting(ledger), period), output)


class ExpiryBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    as_of: date


@router.post(
    "/expiry",
    summary="Expire, on every account, the lots due on or before a date",
    openapi_extra=action_of(Action.EXPIRE),
)
def expire(ledger: ActingLedger, body: ExpiryBody) -> LedgerJSON:
    summary = ledger.expire_all(body.as_of)
    refresh_read_models(ledger)  # a failure is logged: the expiry is done, and says so
    return document(expiry_json(summary))
