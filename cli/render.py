"""Balance and history: as JSON (stable shapes, see docs/cli.md) or as text.

``shown`` is the INSZ as the reader's role may see it (formatted or masked), in JSON too.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from cli.output import iso, table, when_read
from ledger.domain.career import cause_text
from ledger.domain.views import HistoryEntry, RightBalance
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
LONG_TEXT = 60  # cut longer texts in tables; the JSON output has them whole


def balance_json(report: BalanceReport, shown: str) -> dict[str, Any]:
    return {
        "insz": shown,
        "as_of": iso(report.as_of),
        "known_at": iso(report.known_at),
        "rights": {r.right: _right_json(r) for r in report.rights},
    }


def _right_json(balance: RightBalance) -> dict[str, Any]:
    lots = [
        {
            "lot": lot.lot,
            "grant_ref": lot.grant_ref,
            "source": lot.source,
            "amount": lot.amount,
            "remaining": lot.remaining,
            "valid_from": iso(lot.valid_from),
            "expires_on": iso(lot.expires_on),
            "state": lot.state,
            "rule_version": lot.rule_version,
        }
        for lot in balance.lots
    ]
    return {
        "unit": balance.unit,
        "usable": balance.usable,
        "suspended": balance.suspended,
        "lots": lots,
    }


def balance_text(report: BalanceReport, shown: str) -> str:
    lines = [f"Balance of {shown}{when_read(report.as_of, report.known_at)}"]
    if not report.rights:
        lines.append("no rights granted yet")
    for right in report.rights:
        lines += [
            "",
            f"{right.right}: {right.usable} {right.unit} usable, {right.suspended} suspended",
        ]
        rows = [
            (
                lot.lot,
                lot.source,
                lot.amount,
                lot.remaining,
                lot.valid_from,
                lot.expires_on,
                lot.state,
                lot.rule_version,
            )
            for lot in right.lots
        ]
        lines.append(table(LOT_HEADERS, rows, indent="  ") if rows else "  no open lots")
    return "\n".join(lines)


def history_json(report: HistoryReport, shown: str) -> dict[str, Any]:
    return {
        "insz": shown,
        "as_of": iso(report.as_of),
        "known_at": iso(report.known_at),
        "entries": [_entry_json(e) for e in report.entries],
    }


def _entry_json(entry: HistoryEntry) -> dict[str, Any]:
    return {
        "event_id": entry.event_id,
        "event": entry.event,
        "on": iso(entry.on),
        "recorded_at": iso(entry.recorded_at),
        "actor": entry.actor,
        "right": entry.right,
        "amount": entry.amount,
        "lot": entry.lot,
        "reference": entry.reference,
        "details": entry.details,
        "balance_after": entry.balance_after,
        "late": entry.late,
    }


def history_text(report: HistoryReport, shown: str) -> str:
    rows = [
        (
            e.event_id,
            e.on,
            _utc(e.recorded_at),
            e.event,
            e.right,
            e.amount,
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
    }
    return texts.get(entry.event, "")


def balance_after_text(balance_after: dict[str, dict[str, int]]) -> str:
    parts = []
    for right, figures in balance_after.items():
        suspended = f" (+{figures['suspended']} suspended)" if figures["suspended"] else ""
        parts.append(f"{right} {figures['usable']}{suspended}")
    return ", ".join(parts)


def _cut(text: str) -> str:
    return text if len(text) <= LONG_TEXT else text[: LONG_TEXT - 3] + "..."


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
