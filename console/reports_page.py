"""Reports at the desk: take-up by education level (a bar chart drawn here as SVG, and a
table with the same numbers), expiring lots within a horizon, sources, and money.

Each report is built by ``cli.report_documents``, as ``llr report`` and the API build it,
and each CSV download is ``cli.output.csv_text`` of the same rows: the bytes ``llr report
... --csv`` prints for the same options. The reports name citizens by their masked INSZ
(birth date only) whatever the reader's role: the read models keep nothing more.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response

from cli import report_documents
from cli.output import csv_text
from cli.report_documents import ReportOutput
from console.charts import take_up_charts
from console.desk import allowed, attachment, desk_page, message_page
from console.i18n import Speech
from console.pages import SecuredRoute
from console.refusals import refusal_text
from console.signing import service_of
from console.words import N_
from ledger.application import Ledger
from ledger.domain.errors import LedgerError, UnknownRightError
from ledger.security.roles import Action

router = APIRouter(route_class=SecuredRoute, include_in_schema=False)
HOME = "/reports"
CSV = "text/csv; charset=utf-8"
HORIZONS = (30, 60, 90, 180, 365, 730)  # days, for the expiring report's picker
DEFAULT_HORIZON = "90"
BAD_HORIZON = N_("Choose a horizon in days from the list.")
BAD_DAY = N_("Give the date as a calendar date.")
NO_SUCH_REPORT = N_("There is no such report.")
REPORT_LAG = N_("The reports have not yet taken in the latest %(lag)s events.")

Query = Mapping[str, str]


@dataclass(frozen=True)
class Asked:
    """One report as its reader asked for it: the values given, the report (None when a
    value was refused) and a message per refused field."""

    values: dict[str, str]
    output: ReportOutput | None = None
    errors: dict[str, str] = field(default_factory=dict)


def built(
    values: dict[str, str], build: Callable[[], ReportOutput], speech: Speech,
    field_of: Callable[[LedgerError], str],
) -> Asked:  # fmt: skip
    try:
        return Asked(values, build())
    except LedgerError as error:  # a value the report refuses, named as the command line does
        return Asked(values, None, {field_of(error): refusal_text(error, speech)})


def take_up(ledger: Ledger, query: Query, speech: Speech) -> Asked:
    values = {"period": query.get("period", "").strip(), "right": query.get("right", "")}
    return built(values, lambda: report_documents.take_up(
        ledger, ["education"], values["period"] or None, values["right"] or None,
    ), speech, lambda e: "right" if isinstance(e, UnknownRightError) else "period")  # fmt: skip


def expiring(ledger: Ledger, query: Query, speech: Speech) -> Asked:
    values = {"within": query.get("within", DEFAULT_HORIZON),
              "as_of": query.get("as_of", "") or date.today().isoformat(),
              "expiring_right": query.get("expiring_right", "")}  # fmt: skip
    errors = {}
    if not values["within"].isdigit() or int(values["within"]) > 100_000:
        errors["within"] = speech.gettext(BAD_HORIZON)
    try:
        day = date.fromisoformat(values["as_of"])
    except ValueError:
        errors["as_of"] = speech.gettext(BAD_DAY)
    if errors:
        return Asked(values, None, errors)
    return built(values, lambda: report_documents.expiring(
        ledger, int(values["within"]), day, values["expiring_right"] or None,
    ), speech, lambda e: "expiring_right")  # fmt: skip


def sources(ledger: Ledger, query: Query, speech: Speech) -> Asked:
    values = {"source": query.get("source", "").strip()}
    return built(values, lambda: report_documents.sources(ledger, values["source"] or None, None),
                 speech, lambda e: "source")  # fmt: skip


def money(ledger: Ledger, query: Query, speech: Speech) -> Asked:
    values = {"money_period": query.get("money_period", "").strip()}
    return built(values, lambda: report_documents.money(ledger, values["money_period"] or None),
                 speech, lambda e: "money_period")  # fmt: skip


REPORTS: Mapping[str, Callable[[Ledger, Query, Speech], Asked]] = {
    "take-up": take_up, "expiring": expiring, "sources": sources, "money": money,
}  # fmt: skip


@router.get(HOME)
def reports_page(request: Request) -> Response:
    signed = allowed(request, Action.REPORT, HOME)
    if isinstance(signed, Response):
        return signed
    current, caller = signed
    speech, query = current.speech, request.query_params
    ledger = service_of(request).acting(caller)
    try:
        ledger.require(Action.REPORT)
    except LedgerError as error:
        return desk_page(current, caller, "desk_message.html", HOME, 403,
                         message=refusal_text(error, speech), detail="")  # fmt: skip
    asked = {name: report(ledger, query, speech) for name, report in REPORTS.items()}
    status = 422 if any(a.errors for a in asked.values()) else 200
    take_up_rows = asked["take-up"].output.rows if asked["take-up"].output else []
    lag = max((a.output.lag for a in asked.values() if a.output), default=0)
    return desk_page(current, caller, "reports.html", HOME, status, asked=asked,
                     charts=take_up_charts(take_up_rows, speech), horizons=HORIZONS,
                     rights=sorted(ledger.catalogue.rights), csv_link=csv_link,
                     lag=speech.gettext(REPORT_LAG) % {"lag": speech.number(lag)} if lag
                     else "")  # fmt: skip


@router.get(HOME + "/{name}.csv")
def report_csv(request: Request, name: str) -> Response:
    """The report as ``llr report NAME ... --csv`` prints it, as a file to keep."""
    signed = allowed(request, Action.REPORT, HOME)
    if isinstance(signed, Response):
        return signed
    current, caller = signed
    if name not in REPORTS:
        return message_page(current, caller, HOME, NO_SUCH_REPORT, 404)
    ledger = service_of(request).acting(caller)
    try:
        ledger.require(Action.REPORT)
    except LedgerError:
        return reports_page(request)
    asked = REPORTS[name](ledger, request.query_params, current.speech)
    if asked.output is None:
        return reports_page(request)  # the page, with the refused value's message
    body = csv_text(asked.output.rows, asked.output.columns)
    headers = {**attachment(f"{name}.csv"), "X-Report-Lag": str(asked.output.lag)}
    return Response(body, media_type=CSV, headers=headers)


def csv_link(name: str, values: Mapping[str, str]) -> str:
    """The download of a report with the values its section shows."""
    given = {key: value for key, value in values.items() if value}
    return f"{HOME}/{name}.csv" + (f"?{urlencode(given)}" if given else "")
