"""``llr report take-up|expiring|sources|trail|money``: reports across citizens, from projections.

A readable table by default (``cli.report_text``); ``--csv`` or ``--json`` for further use.
The documents themselves are built in ``cli.report_documents``, which the HTTP API shares.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import click

from cli import report_documents
from cli.context import LedgerContext, pass_ledger_context
from cli.output import echo_csv, echo_json
from cli.parsing import parse_optional_day, whole_number
from cli.report_documents import ReportOutput
from ledger.parsing import parse_day
from ledger.projections import reports

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
    groups = [g.strip() for g in by.split(",") if g.strip()]
    show(report_documents.take_up(obj.ledger, groups, period, right), as_csv, as_json)


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
        obj.catalogue.right(right)  # before the other options, as ever
    day = parse_optional_day(as_of, "--as-of") or date.today()
    days = whole_number(within, "--within")
    show(report_documents.expiring(obj.ledger, days, day, right), as_csv, as_json)


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
    show(report_documents.sources(obj.ledger, of_source, batch), as_csv, as_json)


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
        obj.catalogue.right(right)  # before the other options, as ever
    wanted = reports.TrailFilter(
        date_from=parse_day(date_from, "--from") if date_from else None,
        date_to=parse_day(date_to, "--to") if date_to else None,
        events=events, right=right, batch=batch, source=of_source,
        limit=whole_number(limit, "--limit") if limit is not None else None,
    )  # fmt: skip
    show(report_documents.trail(obj.ledger, wanted), as_csv, as_json)


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
    show(report_documents.money(obj.ledger, period), as_csv, as_json)


def show(output: ReportOutput, as_csv: bool, as_json: bool) -> None:
    if as_json:
        echo_json(output.document)
    elif as_csv:
        echo_csv(output.rows, output.columns)
    else:
        click.echo(output.text())
    lag_note(output.lag, as_json)


def lag_note(lag: int, as_json: bool) -> None:
    """On stderr, so CSV and tables stay clean; JSON carries ``lag`` itself."""
    if lag and not as_json:
        click.echo(
            f"note: {lag} events are not in this report yet; "
            "`llr projections run` brings it up to date",
            err=True,
        )
