"""One account over business dates: each right's balance day by day, the entries that
moved it, and the employments and situations the citizen was in.

A pure fold over the events, as the other views are: the same events a ``balance`` read
takes (up to ``as_of``, as known at a moment) give a timeline whose last balance is that
read's, to the unit. Between two entries the balance can still change: a lot reaches its
expiry, a hold ends. The balance is read again on those days, as ``balances`` reads it,
whether the expiry or lapse was recorded by a command yet or not.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ledger.domain.account import Account
from ledger.domain.catalogue import Catalogue
from ledger.domain.effective import effective_order
from ledger.domain.views import balances, replay

# The kind of mark each event makes, by the event's class name.
MARK_KINDS = {
    "RightGranted": "grant",
    "RightUsed": "use",
    "RightExpired": "expiry",
    "RightForfeited": "forfeit",
    "RightSuspended": "suspension",
    "EntryReversed": "reversal",
    "UnitsReserved": "reserve",
    "ReservationConfirmed": "confirm",
    "ReservationCancelled": "cancel",
    "ReservationLapsed": "lapse",
}


@dataclass(frozen=True)
class BalancePoint:
    """A right's balance from ``on`` until the next point (in minor units)."""

    on: date
    usable: int
    suspended: int
    reserved: int


@dataclass(frozen=True)
class RightLine:
    right: str
    unit: str
    points: tuple[BalancePoint, ...]  # by date; a point only where something changed


@dataclass(frozen=True)
class Mark:
    """An entry on a right: a grant, use, expiry, ... ``event_id`` None: an expiry or
    lapse that took effect that day but that no command has recorded yet."""

    on: date
    kind: str  # a value of MARK_KINDS
    right: str
    amount: int
    event_id: int | None
    reference: str | None  # the lot or reservation it concerns


@dataclass(frozen=True)
class Band:
    """An employment (``name``: the employer) or a situation, from ``start`` up to, not
    including, ``end`` (None: still running at the timeline's end)."""

    kind: str  # "employment" or "situation"
    name: str
    start: date
    end: date | None


@dataclass(frozen=True)
class Timeline:
    start: date  # the account's opening
    end: date  # the day read up to
    lines: tuple[RightLine, ...]
    marks: tuple[Mark, ...]
    bands: tuple[Band, ...]


def timeline(
    events: Iterable[Account.Event], catalogue: Catalogue, as_of: date | None, today: date
) -> Timeline:
    """The timeline of ``events`` (the account's, in any order, all dated on or before
    ``as_of``) up to ``as_of``; without it up to the day a ``balance`` read takes: today,
    or the account's latest date if later."""
    ordered = effective_order(events)
    if not ordered:
        raise ValueError("a timeline needs the account's events")
    recorded = recorded_closings(ordered)
    points: dict[str, list[BalancePoint]] = {}
    marks = [mark for event in ordered if (mark := mark_of(event)) is not None]
    days = [event.on for event in ordered]
    account: Any = None
    end = as_of or today
    for index, (event, account) in enumerate(replay(ordered)):  # one account, folded on
        if index + 1 < len(days):
            following = days[index + 1]
        else:  # the account is complete: its latest date is known
            end = as_of or max(account.last_on, today)
            following = end + timedelta(1)
        if following == event.on:
            continue  # the balance after the day's last entry
        for day in [event.on, *checkpoints(account, event.on, following)]:
            marks.extend(implied_marks(account, day, recorded))
            for balance in balances(account, catalogue, day):
                point = BalancePoint(day, balance.usable, balance.suspended, balance.reserved)
                add_point(points.setdefault(balance.right, []), point)
    assert account is not None
    units = {right: catalogue.right(right).unit.value for right in points}
    lines = tuple(RightLine(right, units[right], tuple(points[right])) for right in sorted(points))
    marks.sort(key=lambda m: (m.on, m.event_id or 0, m.right))
    return Timeline(ordered[0].on, end, lines, tuple(marks), bands_of(account, end))


def add_point(line: list[BalancePoint], point: BalancePoint) -> None:
    """A step only where the balance changed (the first point always)."""
    last = line[-1] if line else None
    if last is None or (last.usable, last.suspended, last.reserved) != (
        point.usable, point.suspended, point.reserved,
    ):  # fmt: skip
        line.append(point)


def checkpoints(account: Account, after: date, before: date) -> list[date]:
    """The days strictly between ``after`` and ``before`` on which the balance changes
    without an entry: a lot's expiry (its first day not usable), a hold's first day gone."""
    days = {lot.expires_on for lot in account.lots.values() if lot.is_open and lot.expires_on}
    days |= {r.hold_until + timedelta(1) for r in account.reservations.values() if r.is_open}
    return sorted(day for day in days if after < day < before)


def recorded_closings(events: Sequence[Account.Event]) -> set[str]:
    """The lots whose expiry and the reservations whose lapse an event records."""
    closed = set()
    for event in events:
        if isinstance(event, Account.RightExpired):
            closed.add(event.lot)
        elif isinstance(event, Account.ReservationLapsed):
            closed.add(event.reservation)
    return closed


def implied_marks(account: Account, day: date, recorded: set[str]) -> Iterator[Mark]:
    """The expiries and lapses that take effect on ``day`` with no event recording them
    (no command ran on the account since): the balance drops or rises all the same."""
    for lot in account.lots.values():
        if lot.is_open and lot.expires_on == day and lot.lot_id not in recorded:
            yield Mark(day, "expiry", lot.right, lot.remaining, None, lot.lot_id)
    for r in account.reservations.values():
        if r.is_open and r.hold_until + timedelta(1) == day and r.reference not in recorded:
            yield Mark(day, "lapse", r.right, r.amount, None, r.reference)


def mark_of(event: Account.Event) -> Mark | None:
    kind = MARK_KINDS.get(type(event).__name__)
    if kind is None:
        return None
    fields = event.__dict__
    reference = fields.get("lot") or fields.get("reservation") or fields.get("reference")
    return Mark(
        event.on, kind, fields["right"], fields["amount"], event.originator_version, reference
    )


def bands_of(account: Account, end: date) -> tuple[Band, ...]:
    """The employments and situations the account knows, those begun by ``end``; one that
    ends after ``end`` is drawn as still running."""
    career = account.career
    found = [Band("employment", e.employer, e.start, e.end) for e in career.employments] + [
        Band("situation", s.situation, s.start, s.end) for s in career.spells
    ]
    return tuple(
        Band(b.kind, b.name, b.start, b.end if b.end is not None and b.end <= end else None)
        for b in sorted(found, key=lambda b: (b.start, b.kind, b.name))
        if b.start <= end
    )
