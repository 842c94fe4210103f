"""The reports as text tables for a terminal: take-up with its gaps, expiring, sources, trail.

The read models keep amounts in minor units; they are shown in their right's unit.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from cli.output import table
from ledger.domain import amounts
from ledger.domain.errors import LedgerError
from ledger.projections import reports

BAR_WIDTH = 20


def in_unit(minor: int, unit: str) -> int | Decimal:
    """An amount of the read models (minor units) as an exact number in ``unit``; as kept
    when the unit is not known (a right type no longer in the catalogue)."""
    return amounts.json_number(minor, unit) if unit in amounts.MINOR_UNITS else minor


def unit_or_blank(right: str) -> str:
    try:
        return amounts.unit_of(right)
    except LedgerError:
        return ""


def shown(minor: int | Decimal, unit: str) -> str:
    """An amount in its unit: minor units (int) converted, a Decimal already in the unit
    (a report's sum) written without trailing zeros."""
    value = in_unit(minor, unit) if isinstance(minor, int) else Decimal(minor)
    return str(value) if isinstance(value, int) else format(value.normalize(), "f")


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
         bar(r.share), shown(r.granted, r.unit), shown(r.used, r.unit),
         shown(r.expired, r.unit), shown(r.forfeited, r.unit), r.unit)
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
         r.account_id, r.right, shown(r.remaining, r.unit), r.unit, r.state, r.source)
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
        f"{right}: {shown(amount, unit)} {unit} in {lots} lots of {len(citizens)} citizens"
        for (right, unit), (amount, lots, citizens) in totals.items()
    ]
    return "\n".join([title, "", table(headers, lines), "", *summary])


def sources_text(rows: list[reports.SourceRow]) -> str:
    if not rows:
        return "no grants or uses are projected (yet)"
    headers = ("source", "batch", "right", "grants", "granted", "uses", "used",
               "reversed granted", "reversed used", "unit")  # fmt: skip
    lines = [
        (r.source or "(none)", r.batch, r.right, r.grants, shown(r.granted, r.unit), r.uses,
         shown(r.used, r.unit), shown(r.reversed_granted, r.unit),
         shown(r.reversed_used, r.unit), r.unit)
        for r in rows
    ]  # fmt: skip
    return table(headers, lines)


def trail_text(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "no events match"
    columns = ("position", "effective_on", "event", "account_id", "right_code", "amount", "lot",
               "source", "batch", "line", "actor")  # fmt: skip
    headers = ("#", "on", "event", "account", "right", "amount", "lot", "source", "batch",
               "line", "actor")  # fmt: skip
    return table(headers, [[_trail_cell(row, c) for c in columns] for row in rows])


def _trail_cell(row: dict[str, Any], column: str) -> Any:
    if column == "amount" and row["amount"] is not None and row["right_code"]:
        return shown(row["amount"], unit_or_blank(row["right_code"]))
    return row[column]
