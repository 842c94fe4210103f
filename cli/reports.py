"""``llr report take-up|expiring|sources|trail``: reports across citizens, from projections.

A readable table by default; ``--csv`` or ``--json`` for further use. Register in
``cli/main.py`` with ``cli.add_command(report_group)``.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable
from dataclasses import asdict, is_dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

import click

from cli.context import LedgerContext, pass_ledger_context
from cli.output import echo_json, table
from cli.parsing import parse_optional_day
from ledger.domain.errors import InvalidInputError
from ledger.domain.identifiers import parse_source
from ledger.parsing import parse_day
from ledger.projections import reports
from ledger.projections.trail import TRAIL_COLUMNS

F = TypeVar("F", bound=Callable[..., Any])
# A spreadsheet runs a cell that starts with one of these as a formula: CSV injection.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BAR_WIDTH = 20


def format_options(command: F) -> F:
    command = click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout.")(command)
    return click.option("--csv", "as_csv", is_flag=True, help="Print CSV on stdout.")(command)


def check_format(as_csv: bool, as_json: bool) -> None:
    if as_csv and as_json:
        raise click.UsageError("choose one of --csv and --json")


def whole_number(text: str, name: str) -> int:
    if not text.strip().isdigit() or not text.strip().isascii():
        raise InvalidInputError(f"{name} {text!r}: must be a whole number, 0 or more")
    return int(text)


@click.group("report")
def report_group() -> None:
    """Reports across citizens: take-up, expiring rights, sources, the audit trail."""


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
        echo_csv([asdict(row) for row in report.rows])
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
        echo_csv([asdict(row) for row in report.rows])
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
        echo_csv(report.rows, TRAIL_COLUMNS)
    else:
        click.echo(trail_text(report.rows))
    lag_note(report, as_json)


# ------------------------------------------------------------------------------ output
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


def plain_row(row: Any) -> dict[str, Any]:
    if isinstance(row, reports.TakeUpRow):
        return {**asdict(row), "share": None if row.share is None else round(row.share, 4)}
    return asdict(row) if is_dataclass(row) and not isinstance(row, type) else dict(row)


def echo_csv(rows: list[dict[str, Any]], columns: tuple[str, ...] | None = None) -> None:
    # The default dialect (RFC 4180, lines end in CRLF) quotes any cell holding a CR or LF,
    # so no cell can start a new row in a spreadsheet, let alone one that starts with "=".
    writer = csv.writer(sys.stdout)
    names = columns or (tuple(rows[0]) if rows else ())
    writer.writerow(names)
    for row in rows:
        writer.writerow([defused(row[name]) for name in names])


def defused(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


def take_up_flat(row: reports.TakeUpRow) -> dict[str, Any]:
    plain = plain_row(row)
    group = plain.pop("group")
    return {"period": row.period, "right": row.right, **group, **plain}


def percent(share: float | None) -> str:
    return "-" if share is None else f"{share:.0%}"


def bar(share: float | None) -> str:
    filled = round((share or 0) * BAR_WIDTH)
    return "#" * filled + "." * (BAR_WIDTH - filled)


def take_up_text(report: reports.Report[reports.TakeUpRow], groups: list[str]) -> str:
    if not report.rows:
        return "no take-up to show: no grants or uses are projected (yet)"
    names = [g.replace("_", "-") for g in groups]
    rows = [
        (r.period, r.right, *r.group.values(), r.holders, r.users, percent(r.share),
         bar(r.share), r.granted, r.used, r.expired, r.forfeited, r.unit)
        for r in report.rows
    ]  # fmt: skip
    headers = ("period", "right", *names, "holders", "users", "share", "share of holders "
               "who used", "granted", "used", "expired", "forfeited", "unit")  # fmt: skip
    title = f"Take-up per school year, by {', '.join(names)}"
    return "\n".join([title, "", table(headers, rows), "", *gap_lines(report.rows)])


def gap_lines(rows: list[reports.TakeUpRow]) -> list[str]:
    """Per school year and right type: how far apart the known groups' shares are."""
    blocks: dict[tuple[str, str], list[reports.TakeUpRow]] = {}
    for row in rows:
        if row.share is not None and "unknown" not in row.group.values():
            blocks.setdefault((row.period, row.right), []).append(row)
    lines = []
    for (period, right), block in blocks.items():
        if len(block) < 2:
            continue
        low = min(block, key=lambda r: r.share or 0)
        high = max(block, key=lambda r: r.share or 0)
        points = round(((high.share or 0) - (low.share or 0)) * 100)
        if points == 0:
            lines.append(f"gap {period} {right}: none (every group {percent(low.share)})")
            continue
        lines.append(
            f"gap {period} {right}: {points} points between "
            f"{'/'.join(high.group.values())} ({percent(high.share)}) and "
            f"{'/'.join(low.group.values())} ({percent(low.share)})"
        )
    return lines


def expiring_text(rows: list[reports.ExpiringRow], as_of: date, within: int) -> str:
    until = as_of + timedelta(days=within)
    title = f"Lots usable on {as_of} that stop being usable by {until} (within {within} days)"
    if not rows:
        return f"{title}\n\nnone"
    lines = [
        (r.expires_on, date.fromisoformat(r.expires_on) - timedelta(days=1), r.citizen,
         r.account_id, r.right, r.remaining, r.unit, r.state, r.source)
        for r in rows
    ]  # fmt: skip
    headers = ("expires on", "last day", "citizen", "account", "right", "remaining", "unit",
               "state", "source")  # fmt: skip
    totals: dict[tuple[str, str], list[Any]] = {}
    for r in rows:
        total = totals.setdefault((r.right, r.unit), [0, 0, set()])
        total[0], total[1] = total[0] + r.remaining, total[1] + 1
        total[2].add(r.account_id)
    summary = [
        f"{right}: {amount} {unit} in {lots} lots of {len(citizens)} citizens"
        for (right, unit), (amount, lots, citizens) in totals.items()
    ]
    return "\n".join([title, "", table(headers, lines), "", *summary])


def sources_text(rows: list[reports.SourceRow]) -> str:
    if not rows:
        return "no grants or uses are projected (yet)"
    headers = ("source", "batch", "right", "grants", "granted", "uses", "used",
               "reversed granted", "reversed used", "unit")  # fmt: skip
    lines = [
        (r.source or "(none)", r.batch, r.right, r.grants, r.granted, r.uses, r.used,
         r.reversed_granted, r.reversed_used, r.unit)
        for r in rows
    ]  # fmt: skip
    return table(headers, lines)


def trail_text(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "no events match"
    shown = ("position", "effective_on", "event", "account_id", "right_code", "amount", "lot",
             "source", "batch", "line", "actor")  # fmt: skip
    headers = ("#", "on", "event", "account", "right", "amount", "lot", "source", "batch",
               "line", "actor")  # fmt: skip
    return table(headers, [[row[c] for c in shown] for row in rows])
