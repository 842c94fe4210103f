"""How a balance derives, step by step: as JSON (see docs/cli.md) or as numbered text.

Totals are kept in minor units and shown in the right's unit (exact numbers in JSON).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from cli.output import iso, when_read
from ledger.domain import amounts
from ledger.domain.views import Explanation


def explain_json(
    insz: str, as_of: date | None, known_at: datetime | None, explanation: Explanation
) -> dict[str, Any]:
    unit = explanation.unit
    steps = [
        {
            "event_id": s.event_id,
            "event": s.event,
            "on": iso(s.on),
            "text": s.text,
            "totals_after": _in_unit(s.totals_after, unit),
        }
        for s in explanation.steps
    ]
    return {
        "insz": insz,
        "right": explanation.right,
        "unit": explanation.unit,
        "as_of": iso(as_of),
        "known_at": iso(known_at),
        "steps": steps,
        "totals": _in_unit(explanation.totals, unit),
        "balanced": explanation.balanced,
    }


def _in_unit(totals: dict[str, int], unit: str) -> dict[str, int | Decimal]:
    return {name: amounts.json_number(n, unit) for name, n in totals.items()}


def explain_text(
    insz: str, as_of: date | None, known_at: datetime | None, explanation: Explanation
) -> str:
    lines = [
        f"How the {explanation.right} balance of {insz} derives "
        f"(unit: {explanation.unit}){when_read(as_of, known_at)}",
        "",
    ]
    unit = explanation.unit
    if not explanation.steps:
        lines.append("no entries for this right")
    for number, step in enumerate(explanation.steps, start=1):
        lines.append(f"{number:>3}. event {step.event_id}, {step.on}, {step.event}: {step.text}")
        after = ", ".join(f"{k} {amounts.text(n, unit)}" for k, n in step.totals_after.items())
        lines.append(f"     after: {after}")
    lines += ["", identity_line(explanation)]
    return "\n".join(lines)


def identity_line(explanation: Explanation) -> str:
    """Invariant 1 written out: granted G = used U + expired E + ... + suspended S.

    The totals come in the order the domain keeps them (granted first), as in the JSON.
    """
    t = {k: amounts.text(n, explanation.unit) for k, n in explanation.totals.items()}
    rest = " + ".join(f"{k} {n}" for k, n in t.items() if k != "granted")
    verdict = "balanced" if explanation.balanced else "DOES NOT BALANCE: run 'llr audit verify'"
    return f"granted {t['granted']} = {rest}  ({verdict})"
