"""Invariant 5: the caps per period of the catalogue hold, recomputed per cap window.

After each grant or use the audit sums what the account moved in the cap's window around
the event's date (``Account.movements``, where a reversal adds a negative movement). The
sum is kept per stream and cap while the window stays the same: the next event only adds
the movements appended since (a reversal appends one too, dated on the entry it undoes, so
it is counted only if that date lies in the window). A new window (the next school year, a
rolling window that moved) or a date that went back (only a forged stream has one) sums the
window again from all movements.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ledger.audit.findings import Invariant
from ledger.audit.invariants.rulebook import RuleBook
from ledger.audit.invariants.state import WindowSum
from ledger.audit.invariants.stream import StreamAudit
from ledger.domain import amounts
from ledger.domain.account import Account
from ledger.domain.catalogue import CapCounts
from ledger.domain.eligibility import Limit, cap_limit

CappedEvent = Account.RightGranted | Account.RightUsed


def check_caps(stream: StreamAudit, event: CappedEvent, counts: CapCounts, book: RuleBook) -> None:
    assert stream.account is not None
    # A grant is checked against the version it was granted under (a corrigendum since
    # does not make it a breach); a use, which names none, against the one of its day.
    granted_under = event.__dict__.get("rule_version")
    rule = (
        book.catalogue.rule(granted_under)
        if granted_under
        else book.version_on(event.right, event.on)
    )
    track = event.__dict__.get("track")
    caps = book.caps_counting(event.right, rule, counts, track)
    if not caps:
        return
    account = stream.account
    unit = rule.unit.value
    for sum_key, movement_key, cap in caps:
        start, end = book.window(cap, event.on)
        movements = account.movements.get(movement_key)
        total = window_total(stream, sum_key, movements, start, end, event.on)
        # A personal maximum, from the career the replay holds on the event's day.
        limit = cap_limit(cap, unit, account.career, event.on) if cap.scale else Limit(cap.limit)
        if total > limit.limit:
            personal = f"; personal maximum: {limit.computation}" if limit.computation else ""
            stream.find(
                Invariant.CAPS_PER_PERIOD,
                f"{counts.value} of {event.right} from {start} to {end} add up to "
                f"{amounts.text(total, unit)} {unit} ({cap.describe(unit)}{personal}; "
                f"{cap.basis})",
                expected=f"at most {amounts.text(limit.limit, unit)}",
                found=amounts.text(total, unit),
            )


def window_total(
    stream: StreamAudit, cap: str, movements: list[list[Any]], start: date, end: date, on: date
) -> int:
    kept = stream.cap_sums.get(cap)
    if kept is None or (kept.start, kept.end) != (start, end) or on < kept.on:
        kept = WindowSum(start, end, 0, 0, on)
    new = movements[kept.counted :]  # a slice copies only these; islice would walk them all
    total: int = kept.total + sum(amount for day, amount in new if start <= day < end)
    stream.cap_sums[cap] = WindowSum(start, end, len(movements), total, on)
    return total
