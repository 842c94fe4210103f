"""Balance and history: as JSON (stable shapes, see docs/cli.md) or as text.

Amounts are kept in minor units and shown in their right's unit: ``2.5`` in text, and in
JSON an exact number (an int when whole, else a Decimal that ``echo_json`` writes exactly).

``shown`` is the INSZ as the reader's role may see it (formatted or masked), in JSON too.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from cli.output import iso, table, when_read
from ledger.domain import amounts
from ledger.domain.career import cause_text
from ledger.domain.facts import fact_detail
from ledger.domain.values import BalanceValue, LotValue, RightValue, Split, ValueTotals
from ledger.domain.views import HeldView, HistoryEntry, LotView, RightBalance
from ledger.results import BalanceReport, HistoryReport

LOT_HEADERS = (
    "lot",
    "source",
    "amount",
    "remaining",
    "valid from",
    "expires on",
    "state",
    "rule version",
)
HISTORY_HEADERS = (
    "id",
    "on",
    "recorded (UTC)",
    "event",
    "right",
    "amount",
    "what",
    "balance after",
)
VALUE_HEADERS = ("EUR per unit", "public value (EUR)")
LONG_TEXT = 60  # cut longer texts in tables; the JSON output has them whole


def balance_json(
    report: BalanceReport, shown: str, value: BalanceValue | None = None
) -> dict[str, Any]:
    """The balance; with ``value`` (``--value``) each right gets a ``value`` object and the
    document a ``totals`` object. Without it the shape is the one readers already know."""
    rights = {r.right: _right_json(r) for r in report.rights}
    document = {
        "insz": shown,
        "as_of": iso(report.as_of),
        "known_at": iso(report.known_at),
        "rights": rights,
    }
    if value is None:
        return document
    for right in value.rights:
        rights[right.right]["value"] = _right_value_json(right)
    return document | {"totals": _totals_json(value.totals)}


def _right_value_json(value: RightValue) -> dict[str, Any]:
    cents = value.cents
    return {
        "usable_eur": None if cents is None else _euros(cents.usable),
        "suspended_eur": None if cents is None else _euros(cents.suspended),
        "without_value": _split_json(value.without_value, value.unit),
        "lots": [
            {
                "lot": lot.lot,
                "rule_version": lot.rule_version,
                "per_unit_eur": None if lot.cents_per_unit is None else _euros(lot.cents_per_unit),
                "eur": None if lot.cents is None else _euros(lot.cents),
            }
            for lot in value.lots
        ],
    }


def _totals_json(totals: ValueTotals) -> dict[str, Any]:
    return {unit: _split_json(split, unit) for unit, split in totals.by_unit.items()} | {
        "public_value_eur": _split_json(totals.cents, "euro"),
        "rights_without_value": list(totals.rights_without_value),
    }


def _split_json(split: Split, unit: str) -> dict[str, int | Decimal]:
    return {
        "usable": amounts.json_number(split.usable, unit),
        "suspended": amounts.json_number(split.suspended, unit),
    }


def _euros(cents: int) -> int | Decimal:
    return amounts.json_number(cents, "euro")


def _right_json(balance: RightBalance) -> dict[str, Any]:
    unit = balance.unit
    lots = [
        {
            "lot": lot.lot,
            "grant_ref": lot.grant_ref,
            "source": lot.source,
            "amount": amounts.json_number(lot.amount, unit),
            "remaining": amounts.json_number(lot.remaining, unit),
            "valid_from": iso(lot.valid_from),
            "expires_on": iso(lot.expires_on),
            "state": lot.state,
            "rule_version": lot.rule_version,
            "employer": lot.employer,
            "held": amounts.json_number(lot.held, unit),
        }
        for lot in balance.lots
    ]
    return {
        "unit": balance.unit,
        "usable": amounts.json_number(balance.usable, unit),
        "suspended": amounts.json_number(balance.suspended, unit),
        "reserved": amounts.json_number(balance.reserved, unit),
        "lots": lots,
        "reservations": [
            {
                "reference": held.reference,
                "amount": amounts.json_number(held.amount, unit),
                "training": held.training,
                "provider": held.provider,
                "on": iso(held.on),
                "hold_until": iso(held.hold_until),
                "enrolment": held.enrolment,
            }
            for held in balance.reservations
        ],
    }


def balance_text(report: BalanceReport, shown: str, value: BalanceValue | None = None) -> str:
    """The balance per right with its open lots; with ``value`` (``--value``) the public
    value of each right and lot, and the totals."""
    lines = [f"Balance of {shown}{when_read(report.as_of, report.known_at)}"]
    if not report.rights:
        lines.append("no rights granted yet")
    values = {v.right: v for v in value.rights} if value is not None else {}
    for right in report.rights:
        unit, worth = right.unit, values.get(right.right)
        usable, suspended = amounts.text(right.usable, unit), amounts.text(right.suspended, unit)
        heading = f"{right.right}: {usable} {unit} usable, {suspended} suspended"
        if right.reserved:
            heading += f", {amounts.text(right.reserved, unit)} reserved"
        lines += ["", heading + ("" if worth is None else f"; {_worth_text(worth)}")]
        rows = [_lot_row(lot, unit) for lot in right.lots]
        headers: tuple[str, ...] = LOT_HEADERS
        if worth is not None:
            headers += VALUE_HEADERS
            rows = [row + _lot_value_cells(lot) for row, lot in zip(rows, worth.lots, strict=True)]
        lines.append(table(headers, rows, indent="  ") if rows else "  no open lots")
        lines += [_held_line(held, unit) for held in right.reservations]
    if value is not None:
        lines += ["", *_totals_text(value.totals)]
    return "\n".join(lines)


def _held_line(held: HeldView, unit: str) -> str:
    enrolment = f", enrolment {held.enrolment}" if held.enrolment else ""
    return (
        f"  reserved {amounts.text(held.amount, unit)} {unit} (ref {held.reference}) for "
        f"training {held.training} at {held.provider}, held until {held.hold_until}{enrolment}"
    )


def _lot_row(lot: LotView, unit: str) -> tuple[Any, ...]:
    return (
        lot.lot,
        lot.source,
        amounts.text(lot.amount, unit),
        amounts.text(lot.remaining, unit),
        lot.valid_from,
        lot.expires_on,
        lot.state,
        lot.rule_version,
    )


def _lot_value_cells(lot: LotValue) -> tuple[str | None, str | None]:
    # Without thousands separators, so the table aligns them as numbers.
    per_unit = None if lot.cents_per_unit is None else _eur_cell(lot.cents_per_unit)
    return per_unit, None if lot.cents is None else _eur_cell(lot.cents)


def _worth_text(value: RightValue) -> str:
    unvalued, cents = value.without_value, value.cents
    if cents is None:
        return "no public value known"
    worth = f"public value {_eur(cents.usable)} usable, {_eur(cents.suspended)} suspended"
    if unvalued.usable or unvalued.suspended:
        held = amounts.text(unvalued.usable + unvalued.suspended, value.unit)
        worth += f" ({held} {value.unit} without one)"
    return worth


def _totals_text(totals: ValueTotals) -> list[str]:
    rows = [
        (unit, amounts.text(split.usable, unit), amounts.text(split.suspended, unit))
        for unit, split in totals.by_unit.items()
    ]
    rows.append(
        ("public value (EUR)", _eur_cell(totals.cents.usable), _eur_cell(totals.cents.suspended))
    )
    lines = ["Totals", table(("in", "usable", "suspended"), rows, indent="  ")]
    if totals.rights_without_value:
        missing = ", ".join(totals.rights_without_value)
        lines.append(f"  not in the public value (no value known for their version): {missing}")
    return lines


def _eur(cents: int) -> str:
    """``EUR 1,996.88``: whole cents as euros, always with two decimals."""
    return f"EUR {Decimal(cents).scaleb(-2):,.2f}"


def _eur_cell(cents: int) -> str:
    return f"{Decimal(cents).scaleb(-2):.2f}"


def history_json(report: HistoryReport, shown: str) -> dict[str, Any]:
    return {
        "insz": shown,
        "as_of": iso(report.as_of),
        "known_at": iso(report.known_at),
        "entries": [_entry_json(e) for e in report.entries],
    }


def _entry_json(entry: HistoryEntry) -> dict[str, Any]:
    right = entry.right
    details = dict(entry.details)
    if right is not None:  # draws and restores count in the right's unit, as the amount
        if "draws" in details:
            details["draws"] = [[lot, amounts.json_of(right, n)] for lot, n in details["draws"]]
        if "restores" in details:
            details["restores"] = [
                [lot, amounts.json_of(right, n), state] for lot, n, state in details["restores"]
            ]
    return {
        "event_id": entry.event_id,
        "event": entry.event,
        "on": iso(entry.on),
        "recorded_at": iso(entry.recorded_at),
        "actor": entry.actor,
        "right": entry.right,
        "amount": _amount_json(right, entry.amount),
        "lot": entry.lot,
        "reference": entry.reference,
        "details": details,
        "balance_after": {
            code: {name: amounts.json_of(code, n) for name, n in figures.items()}
            for code, figures in entry.balance_after.items()
        },
        "late": entry.late,
    }


def _amount_json(right: str | None, amount: int | None) -> int | Decimal | None:
    return None if right is None or amount is None else amounts.json_of(right, amount)


def history_text(report: HistoryReport, shown: str) -> str:
    rows = [
        (
            e.event_id,
            e.on,
            _utc(e.recorded_at),
            f"{e.event} (late)" if e.late else e.event,
            e.right,
            None if e.right is None or e.amount is None else amounts.text_of(e.right, e.amount),
            _cut(what_happened(e)),
            balance_after_text(e.balance_after),
        )
        for e in report.entries
    ]
    title = f"History of {shown}{when_read(report.as_of, report.known_at)}"
    return f"{title}\n{table(HISTORY_HEADERS, rows)}"


def what_happened(entry: HistoryEntry) -> str:
    """The details that matter for each kind of event, in a few words."""
    d = entry.details
    texts = {
        "AccountOpened": f"opened as {d.get('status')}"
        + (f", education {d['education']}" if "education" in d else ""),
        "StatusChanged": f"{d.get('from_status')} -> {d.get('to_status')}",
        "RightGranted": f"ref {entry.reference}, "
        + (f"until {d['expires_on']}" if "expires_on" in d else "no expiry"),
        "RightUsed": f"ref {entry.reference}, training {d.get('training')} at {d.get('provider')}",
        "RightTransferred": f"carried into {d.get('to_status')}",
        "RightSuspended": f"suspended while {d.get('status')}",
        "RightForfeited": f"forfeited on {cause_text(str(d.get('status')))}: "
        f"{d.get('legal_basis')}",
        "RightExpired": f"expired under {d.get('rule_version')}",
        "EntryReversed": f"reverses event {d.get('entry')} ({d.get('entry_event')}): "
        f"{d.get('reason')}",
        "ReversalRequested": f"asks to reverse event {d.get('entry')} "
        f"({d.get('entry_event')}): {d.get('reason')}",
        "ReversalApproved": f"approves request {d.get('request')} to reverse event "
        f"{d.get('entry')}",
        "EmploymentStarted": f"employed by {d.get('employer') or 'an employer'}"
        + (f", PC {d['joint_committee']}" if d.get("joint_committee") else "")
        + f" -> {d.get('statuses')}",
        "EmploymentEnded": f"employment with {d.get('employer')} ends ({d.get('reason')}) "
        f"-> {d.get('statuses')}",
        "EmploymentSuspended": f"employment with {d.get('employer')} suspended until "
        f"{d.get('until')} ({d.get('reason')})",
        "SituationStarted": f"{d.get('situation')} begins -> {d.get('statuses')}",
        "SituationEnded": f"{d.get('situation')} ends -> {d.get('statuses')}",
        "FactRecorded": fact_detail(d) if entry.event == "FactRecorded" else "",
        "UnitsReserved": f"ref {entry.reference}, training {d.get('training')} at "
        f"{d.get('provider')}, held until {d.get('hold_until')}"
        + (f", enrolment {d['enrolment']}" if d.get("enrolment") else ""),
        "ReservationConfirmed": f"reservation {d.get('reservation')} redeemed",
        "ReservationCancelled": f"reservation {d.get('reservation')} cancelled: {d.get('reason')}",
        "ReservationLapsed": f"reservation {d.get('reservation')}: its hold ended",
    }
    return texts.get(entry.event, "")


def balance_after_text(balance_after: dict[str, dict[str, int]]) -> str:
    parts = []
    for right, figures in balance_after.items():
        held = amounts.text_of(right, figures["suspended"])
        suspended = f" (+{held} suspended)" if figures["suspended"] else ""
        reserved = figures.get("reserved", 0)
        if reserved:
            suspended += f" (+{amounts.text_of(right, reserved)} reserved)"
        parts.append(f"{right} {amounts.text_of(right, figures['usable'])}{suspended}")
    return ", ".join(parts)


def _cut(text: str) -> str:
    return text if len(text) <= LONG_TEXT else text[: LONG_TEXT - 3] + "..."


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
