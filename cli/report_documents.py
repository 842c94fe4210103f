"""The reports as documents: what ``llr report ... --json`` and ``--csv`` write, and the text.

``llr report`` and the HTTP API (``api/routes/reports.py``) both build their output here,
from parameters already parsed, so a report reads the same whichever way it is asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, is_dataclass, replace
from datetime import date
from typing import Any

from cli.money_text import money_flat, money_text, totals_flat
from cli.report_text import (
    expiring_text,
    in_unit,
    sources_text,
    take_up_text,
    trail_text,
    unit_or_blank,
)
from ledger.application import Ledger
from ledger.domain.identifiers import parse_source
from ledger.projections import money_report, reports
from ledger.projections.trail import TRAIL_COLUMNS


@dataclass(frozen=True)
class ReportOutput:
    """One report three ways: the ``--json`` document, the ``--csv`` rows, the text table."""

    document: dict[str, Any]
    rows: list[dict[str, Any]]
    text: Callable[[], str]  # only a terminal needs it: built on demand
    lag: int
    columns: tuple[str, ...] | None = None  # the CSV header when rows may be none


def take_up(
    ledger: Ledger, groups: Sequence[str], period: str | None, right: str | None
) -> ReportOutput:
    check_right(ledger, right)
    report = reports.take_up(ledger, groups, period, right)
    extra = {"period_kind": "school-year", "by": list(groups)}
    return ReportOutput(
        report_json("take-up", report, extra), [take_up_flat(row) for row in report.rows],
        lambda: take_up_text(report, list(groups)), report.lag,
    )  # fmt: skip


def expiring(ledger: Ledger, within: int, as_of: date, right: str | None) -> ReportOutput:
    check_right(ledger, right)
    report = reports.expiring(ledger, within, as_of, right)
    extra = {"as_of": as_of.isoformat(), "within_days": within}
    return ReportOutput(
        report_json("expiring", report, extra), [plain_row(row) for row in report.rows],
        lambda: expiring_text(report.rows, as_of, within), report.lag,
    )  # fmt: skip


def sources(ledger: Ledger, source: str | None, batch: str | None) -> ReportOutput:
    canonical = parse_source(source, ledger.catalogue.sector_funds) if source else None
    report = reports.sources(ledger, canonical, batch)
    return ReportOutput(
        report_json("sources", report, {}), [plain_row(row) for row in report.rows],
        lambda: sources_text(report.rows), report.lag,
    )  # fmt: skip


def trail(ledger: Ledger, wanted: reports.TrailFilter) -> ReportOutput:
    check_right(ledger, wanted.right)
    if wanted.source:
        wanted = replace(wanted, source=parse_source(wanted.source, ledger.catalogue.sector_funds))
    report = reports.trail(ledger, wanted)
    return ReportOutput(
        report_json("trail", report, {}), [plain_row(row) for row in report.rows],
        lambda: trail_text(report.rows), report.lag, TRAIL_COLUMNS,
    )  # fmt: skip


def money(ledger: Ledger, period: str | None) -> ReportOutput:
    report = money_report.money(ledger, period)
    rows = [money_flat(row) for row in report.rows]
    document = {
        "report": "money", "period": period, "unit": "euro", "lag": report.lag, "rows": rows,
        "by_kind": totals_flat("kind", report.by_kind),
        "by_right": totals_flat("right", report.by_right),
    }  # fmt: skip
    return ReportOutput(document, rows, lambda: money_text(report), report.lag)


def check_right(ledger: Ledger, right: str | None) -> None:
    if right:
        ledger.catalogue.right(right)  # an unknown right type is an error, not an empty report


def report_json(name: str, report: reports.Report[Any], extra: dict[str, Any]) -> dict[str, Any]:
    rows = [plain_row(row) for row in report.rows]
    return {"report": name, **extra, "lag": report.lag, "rows": rows}


# The fields of each report row that hold amounts (minor units in the read models),
# written in the row's unit; the others are counts of lots, citizens or entries.
AMOUNT_FIELDS: dict[type, tuple[str, ...]] = {
    reports.TakeUpRow: ("granted", "used", "expired", "forfeited"),
    reports.ExpiringRow: ("remaining",),
    reports.SourceRow: ("granted", "used", "reversed_granted", "reversed_used"),
}


def plain_row(row: Any) -> dict[str, Any]:
    """A row for JSON or CSV, amounts as exact numbers in the right's unit."""
    if isinstance(row, reports.TakeUpRow):
        plain = {**asdict(row), "share": None if row.share is None else round(row.share, 4)}
    elif is_dataclass(row) and not isinstance(row, type):
        plain = asdict(row)
    else:  # a trail row: its amount is in the unit of its right_code
        plain = dict(row)
        if plain.get("amount") is not None and plain.get("right_code"):
            plain["amount"] = in_unit(plain["amount"], unit_or_blank(plain["right_code"]))
        return plain
    for name in AMOUNT_FIELDS.get(type(row), ()):
        plain[name] = in_unit(plain[name], row.unit)
    return plain


def take_up_flat(row: reports.TakeUpRow) -> dict[str, Any]:
    plain = plain_row(row)
    group = plain.pop("group")
    return {"period": row.period, "right": row.right, **group, **plain}
