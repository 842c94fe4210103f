"""``llr report take-up|expiring|sources|trail|money``: reports across citizens, from projections.

A readable table by default (``cli.report_text``); ``--csv`` or ``--json`` for further use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, is_dataclass
from datetime import date
from typing import Any, TypeVar

import click

from cli.context import LedgerContext, pass_ledger_context
from cli.money_text import money_flat, money_text, totals_flat
from cli.output import echo_csv, echo_json
from cli.parsing import parse_optional_day, whole_number
from cli.report_text import (
    expiring_text,
    in_unit,
    sources_text,
    take_up_text,
    trail_text,
    unit_or_blank,
)
from ledger.domain.identifiers import parse_source
from ledger.parsing import parse_day
from ledger.projections import money_report, reports
from ledger.projections.trail import TRAIL_COLUMNS

F = TypeVar("F", bound=Callable[..., Any])


def format_options(command: F) -> F:
    command = click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout.")(command)
    return click.option("--csv", "as_csv", is_flag=True, help="Print CSV on stdout.")(command)


def check_format(as_csv: bool, as_json: bool) -> None:
    if as_csv and as_json:
        raise click.UsageError("choose one of --csv and --json")


@click.group("report")
def report_group() -> None:
    """Reports across citizens: take-up, expiring rights, sources, the audit trail, money."""


@report_group.command("take-up")
@click.option(
    "--by", default="education", show_default=True, metavar="GROUPS",
    help="Comma-separated groups: education, status, age-band.",
)  # fmt: skip
@click.option("--period", metavar="YYYY-YY", help="One school year, e.g. 2024-25.")
@click.option("--right", metavar="CODE", help="One right type.")
@format_options
@pass_ledger_context
def take_up(
    obj: LedgerContext, by: str, period: str | None, right: str | None, as_csv: bool,
    as_json: bool,
) -> None:  # fmt: skip
    """Who holds and who uses their rights, per school year, right type and group.

    The share is the part of the holders (granted the right in that school year) who used
    it in the same year; the bar shows it, and the gap line compares the groups.

    \b
    Example:
      llr report take-up
      llr report take-up --by education,age-band --period 2024-25 --csv
    """
    check_format(as_csv, as_json)
    if right:
        obj.catalogue.right(right)  # an unknown right type is an error, not an empty report
    groups = [g.strip() for g in by.split(",") if g.strip()]
    report = reports.take_up(obj.ledger, groups, period, right)
    if as_json:
        echo_report_json("take-up", report, {"period_kind": "school-year", "by": groups})
    elif as_csv:
        echo_csv([take_up_flat(row) for row in report.rows])
    else:
        click.echo(take_up_text(report, groups))
    lag_note(report, as_json)


@report_group.command("expiring")
@click.option("--within", "within", required=True, metavar="DAYS", help="Window in days.")
@click.option("--as-of", metavar="DATE", help="Start of the window (default: today).")
@click.option("--right", metavar="CODE", help="One right type.")
@format_options
@pass_ledger_context
def expiring(
    obj: LedgerContext, within: str, as_of: str | None, right: str | None, as_csv: bool,
    as_json: bool,
) -> None:  # fmt: skip
    """Open lots that stop being usable within DAYS days, per citizen, soonest first.

    \b
    Example:
      llr report expiring --within 30 --as-of 2025-08-01
    """
    check_format(as_csv, as_json)
    if right:
        obj.catalogue.right(right)
    day = parse_optional_day(as_of, "--as-of") or date.today()
    days = whole_number(within, "--within")
    report = reports.expiring(obj.ledger, days, day, right)
    if as_json:
        echo_report_json("expiring", report, {"as_of": day.isoformat(), "within_days": days})
    elif as_csv:
        echo_csv([plain_row(row) for row in report.rows])
    else:
        click.echo(expiring_text(report.rows, day, days))
    lag_note(report, as_json)


@report_group.command("sources")
@click.option("--source", "of_source", metavar="SRC", help="One source, e.g. employer:0566988259.")
@click.option("--batch", metavar="ID", help="One import batch.")
@format_options
@pass_ledger_context
def sources(
    obj: LedgerContext, of_source: str | None, batch: str | None, as_csv: bool, as_json: bool
) -> None:
    """Granted and used per source, batch and right type, to reconcile with the senders.

    \b
    Example:
      llr report sources --source employer:0566988259 --csv
    """
    check_format(as_csv, as_json)
    canonical = parse_source(of_source, obj.catalogue.sector_funds) if of_source else None
    report = reports.sources(obj.ledger, canonical, batch)
    if as_json:
        echo_report_json("sources", report, {})
    elif as_csv:
        echo_csv([plain_row(row) for row in report.rows])
    else:
        click.echo(sources_text(report.rows))
    lag_note(report, as_json)


@report_group.command("trail")
@click.option("--from", "date_from", metavar="DATE", help="From this effective date on.")
@click.option("--to", "date_to", metavar="DATE", help="Up to and including this date.")
@click.option("--event", "events", multiple=True, metavar="NAME", help="e.g. RightForfeited.")
@click.option("--right", metavar="CODE", help="One right type.")
@click.option("--source", "of_source", metavar="SRC", help="One source.")
@click.option("--batch", metavar="ID", help="One import batch.")
@click.option("--limit", metavar="N", help="At most N rows (the first in log order).")
@format_options
@pass_ledger_context
def trail(
    obj: LedgerContext, date_from: str | None, date_to: str | None, events: tuple[str, ...],
    right: str | None, of_source: str | None, batch: str | None, limit: str | None,
    as_csv: bool, as_json: bool,
) -> None:  # fmt: skip
    """Every event across citizens, in log order, filtered by date, event, right, source
    or batch ("every forfeit in 2025", "everything batch X wrote").

    \b
    Example:
      llr report trail --event RightForfeited --from 2025-01-01 --to 2025-12-31
      llr report trail --batch import-2025-q1 --csv
    """
    check_format(as_csv, as_json)
    if right:
        obj.catalogue.right(right)
    wanted = reports.TrailFilter(
        date_from=parse_day(date_from, "--from") if date_from else None,
        date_to=parse_day(date_to, "--to") if date_to else None,
        events=events, right=right, batch=batch,
        source=parse_source(of_source, obj.catalogue.sector_funds) if of_source else None,
        limit=whole_number(limit, "--limit") if limit is not None else None,
    )  # fmt: skip
    report = reports.trail(obj.ledger, wanted)
    if as_json:
        echo_report_json("trail", report, {})
    elif as_csv:
        echo_csv([plain_row(row) for row in report.rows], TRAIL_COLUMNS)
    else:
        click.echo(trail_text(report.rows))
    lag_note(report, as_json)


@report_group.command("money")
@click.option("--period", metavar="YYYY[-QN]", help="One year (2027) or quarter (2027-Q1).")
@format_options
@pass_ledger_context
def money(obj: LedgerContext, period: str | None, as_csv: bool, as_json: bool) -> None:
    """Money of the bookings per right and provider: purchased, redeemed and refunded,
    own and public share, in euros; totals per kind of provider (public, private, unknown,
    as the registry of providers says) and per right. Net public is the public share
    redeemed: public money spent.

    \b
    Example:
      llr report money --period 2027-Q1
      llr report money --period 2027 --csv
    """
    check_format(as_csv, as_json)
    report = money_report.money(obj.ledger, period)
    if as_json:
        echo_json({
            "report": "money", "period": period, "unit": "euro", "lag": report.lag,
            "rows": [money_flat(row) for row in report.rows],
            "by_kind": totals_flat("kind", report.by_kind),
            "by_right": totals_flat("right", report.by_right),
        })  # fmt: skip
    elif as_csv:
        echo_csv([money_flat(row) for row in report.rows])
    else:
        click.echo(money_text(report))
    lag_note(report, as_json)


def lag_note(report: reports.Report[Any], as_json: bool) -> None:
    """On stderr, so CSV and tables stay clean; JSON carries ``lag`` itself."""
    if report.lag and not as_json:
        click.echo(
            f"note: {report.lag} events are not in this report yet; "
            "`llr projections run` brings it up to date",
            err=True,
        )


def echo_report_json(name: str, report: reports.Report[Any], extra: dict[str, Any]) -> None:
    rows = [plain_row(row) for row in report.rows]
    echo_json({"report": name, **extra, "lag": report.lag, "rows": rows})


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
