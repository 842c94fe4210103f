"""Read one account: balances, the history with balances after each event, explanations.

All pure folds over the aggregate or its events, so the same code answers "now", "as of a
past effective date" and "as known at a past recorded time": only the events differ.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import takewhile
from typing import Any, cast

from ledger.domain import amounts
from ledger.domain.account import Account
from ledger.domain.career import cause_text
from ledger.domain.catalogue import Catalogue
from ledger.domain.effective import fold, fold_steps, late_versions
from ledger.domain.lots import LotState
from ledger.domain.state import RightTotals


@dataclass(frozen=True)
class LotView:
    lot: str
    source: str
    grant_ref: str
    amount: int
    remaining: int
    valid_from: date
    expires_on: date | None
    state: str
    rule_version: str
    employer: str | None = None  # the employment the lot is bound to
    held: int = 0  # reserved for a training (``llr reserve``), not in ``remaining``


@dataclass(frozen=True)
class HeldView:
    """An open reservation: what it holds, for which training, until when."""

    reference: str
    amount: int
    training: str
    provider: str
    on: date
    hold_until: date
    enrolment: str | None


@dataclass(frozen=True)
class RightBalance:
    right: str
    unit: str
    usable: int
    suspended: int
    lots: tuple[LotView, ...]
    reserved: int = 0  # held for trainings booked and not yet confirmed
    reservations: tuple[HeldView, ...] = ()  # the open ones, by hold date


def effective_until(events: Iterable[Account.Event], as_of: date) -> Iterator[Account.Event]:
    """The events in force on ``as_of``: dated on or before it (a late fact recorded after
    later-dated ones included)."""
    return (e for e in events if e.on <= as_of)


def known_at(events: Iterable[Account.Event], moment: datetime) -> Iterator[Account.Event]:
    """The events recorded by ``moment``: a prefix of the stream.

    Recorded times are in UTC; a moment without a time zone is read as UTC too (as
    ``parse_moment`` does), since comparing it with an aware time would raise TypeError.
    """
    bound = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return takewhile(lambda e: e.timestamp <= bound, events)


def replay(events: Iterable[Account.Event]) -> Iterator[tuple[Account.Event, Account]]:
    """Each event, in effective-date order, with the account state right after it."""
    for event, account in fold_steps(events):
        yield event, cast(Account, account)


def rebuild(events: Iterable[Account.Event]) -> Account | None:
    return cast("Account | None", fold(events))


def balances(account: Account, catalogue: Catalogue, as_of: date | None) -> list[RightBalance]:
    """Usable and suspended balance per right type, with the open lots behind them.

    A lot that reached its expiry by ``as_of`` but whose expiry is not recorded yet (no
    command ran on the account since) counts as expired here too, so a past or present
    reading never shows units that could not be used on that day. Likewise a hold that
    ended before ``as_of`` gives its units back, lapse recorded or not.
    """
    day = as_of or account.last_on
    back = released_by_lapse(account, day)
    result = []
    for right in sorted(account.totals):
        open_lots = [lot for lot in account.lots_of(right) if lot.is_open and not lot.is_due(day)]
        views = tuple(
            LotView(
                lot=lot.lot_id,
                source=lot.source,
                grant_ref=lot.reference,
                amount=lot.amount,
                remaining=lot.remaining + back.get(lot.lot_id, 0),
                valid_from=lot.valid_from,
                expires_on=lot.expires_on,
                state=lot.state,
                rule_version=lot.rule_version,
                employer=lot.employer,
                held=lot.held - back.get(lot.lot_id, 0),
            )
            for lot in sorted(open_lots, key=lambda x: (x.expires_on or date.max, x.lot_id))
        )
        result.append(
            RightBalance(
                right=right,
                unit=catalogue.right(right).unit.value,
                usable=sum(v.remaining for v in views if v.state == LotState.USABLE),
                suspended=sum(v.remaining for v in views if v.state == LotState.SUSPENDED),
                lots=views,
                # Held units stand until their hold ends, even in a lot that has closed.
                reserved=sum(lot.held - back.get(lot.lot_id, 0) for lot in account.lots_of(right)),
                reservations=open_reservations(account, right, day),
            )
        )
    return result


def released_by_lapse(account: Account, day: date) -> dict[str, int]:
    """Per lot, the units of open holds that ended before ``day`` (not lapsed yet)."""
    back: dict[str, int] = {}
    for reservation in account.reservations.values():
        if reservation.is_open and reservation.hold_until < day:
            for lot_id, units in reservation.draws:
                back[lot_id] = back.get(lot_id, 0) + units
    return back


def open_reservations(account: Account, right: str, day: date) -> tuple[HeldView, ...]:
    """The reservations of ``right`` whose hold stands on ``day``."""
    held = [
        r
        for r in account.reservations.values()
        if r.right == right and r.is_open and day <= r.hold_until
    ]
    return tuple(
        HeldView(r.reference, r.amount, r.training, r.provider, r.on, r.hold_until, r.enrolment)
        for r in sorted(held, key=lambda r: (r.hold_until, r.reference))
    )


@dataclass(frozen=True)
class HistoryEntry:
    event_id: int
    event: str
    on: date
    recorded_at: datetime
    actor: str
    right: str | None
    amount: int | None
    lot: str | None
    reference: str | None
    details: dict[str, Any]
    balance_after: dict[str, dict[str, int]]
    late: bool = False  # recorded after a fact dated later


DETAIL_FIELDS = (
    "status",
    "statuses",
    "employer",
    "joint_committee",
    "fte",
    "until",
    "situation",
    "from_status",
    "to_status",
    "education",
    "legal_basis",
    "rule_version",
    "expires_on",
    "draws",
    "training",
    "provider",
    "source",
    "batch",
    "line",
    "entry",
    "entry_event",
    "request",
    "reason",
    "restores",
    "track",
    "kind",
    "value",
    "fact_on",
    "hold_until",
    "enrolment",
    "reservation",
    "taken",
    "released",
    "own_share",
    "public_share",
    "redeemed_own",
    "redeemed_public",
    "refund_own",
    "refund_public",
)


def history(events: Iterable[Account.Event]) -> list[HistoryEntry]:
    """Every event in effective-date order, with the balance after it."""
    listed = list(events)
    late = late_versions(listed)
    entries = []
    for event, account in replay(listed):
        fields = event.__dict__
        entries.append(
            HistoryEntry(
                event_id=event.originator_version,
                event=type(event).__name__,
                on=event.on,
                recorded_at=event.timestamp,
                actor=event.actor,
                right=fields.get("right"),
                amount=fields.get("amount"),
                lot=_lot_of(fields),
                reference=fields.get("reference"),
                details={k: fields[k] for k in DETAIL_FIELDS if fields.get(k) is not None},
                balance_after={
                    right: {"usable": t.usable, "suspended": t.suspended, "reserved": t.reserved}
                    for right, t in sorted(account.totals.items())
                },
                late=event.originator_version in late,
            )
        )
    return entries


def _lot_of(fields: dict[str, Any]) -> str | None:
    lot = fields.get("lot")
    return lot if isinstance(lot, str) else None


@dataclass(frozen=True)
class ExplainStep:
    event_id: int
    event: str
    on: date
    text: str
    totals_after: dict[str, int]


@dataclass(frozen=True)
class Explanation:
    right: str
    unit: str
    steps: tuple[ExplainStep, ...]
    totals: dict[str, int]

    @property
    def balanced(self) -> bool:
        """Invariant 1: granted = used + reserved + expired + forfeited + usable +
        suspended."""
        t = self.totals
        return t["granted"] == sum(n for key, n in t.items() if key != "granted")


def explain(events: Iterable[Account.Event], catalogue: Catalogue, right: str) -> Explanation:
    unit = catalogue.right(right).unit.value
    steps = []
    totals: dict[str, int] = {}
    for event, account in replay(events):
        if event.__dict__.get("right") != right:
            continue
        totals = account.totals_for(right).as_dict()
        steps.append(
            ExplainStep(
                event_id=event.originator_version,
                event=type(event).__name__,
                on=event.on,
                text=describe(event, unit),
                totals_after=totals,
            )
        )
    if not totals:
        totals = RightTotals().as_dict()
    return Explanation(right=right, unit=unit, steps=tuple(steps), totals=totals)


def describe(event: Account.Event, unit: str) -> str:
    """One line an auditor can follow by hand, amounts in the right's unit (``2.5 days``)."""
    f = event.__dict__
    amount = f"{amounts.text(f['amount'], unit)} {unit}" if "amount" in f else f"None {unit}"
    if isinstance(event, Account.RightGranted):
        until = f"until {event.expires_on}" if event.expires_on else "without expiry"
        return (
            f"granted {amount} by {event.source} (ref {event.reference}), "
            f"lot {event.lot}, {until}, rule {event.rule_version}"
        )
    if isinstance(event, Account.RightUsed):
        drawn = ", ".join(f"{amounts.text(n, unit)} from {lot}" for lot, n in event.draws)
        return f"used {amount} for training {event.training} at {event.provider}: {drawn}"
    if isinstance(event, Account.RightTransferred):
        return (
            f"carried {amount} of lot {event.lot} from {event.from_status} "
            f"to {event.to_status}: still usable"
        )
    if isinstance(event, Account.RightSuspended):
        return (
            f"suspended {amount} of lot {event.lot} while {event.status} "
            f"({event.legal_basis or 'catalogue policy'})"
        )
    if isinstance(event, Account.RightForfeited):
        return (
            f"forfeited {amount} of lot {event.lot} on {cause_text(event.status)}; "
            f"legal basis: {event.legal_basis}"
        )
    if isinstance(event, Account.RightExpired):
        return f"expired {amount} left in lot {event.lot} ({event.rule_version})"
    if isinstance(event, Account.EntryReversed):
        return f"reversed event {event.entry} ({event.entry_event}, {amount}): {event.reason}"
    if isinstance(event, Account.UnitsReserved | Account.ReservationClosed):
        return describe_booking(event, amount, unit)
    return type(event).__name__


def describe_booking(event: Account.Event, amount: str, unit: str) -> str:
    """A booking's step: what is held or released, where to, and the money."""
    f = event.__dict__
    enrolment = f" (enrolment {f['enrolment']})" if f.get("enrolment") else ""
    if isinstance(event, Account.UnitsReserved):
        held = ", ".join(f"{amounts.text(n, unit)} from {lot}" for lot, n in event.draws)
        return (
            f"reserved {amount} for training {event.training} at {event.provider}{enrolment}, "
            f"held until {event.hold_until} (ref {event.reference}): {held}"
            + money_text("purchase", event.own_share, event.public_share)
        )
    assert isinstance(event, Account.ReservationClosed)
    back = "; ".join(
        f"{amounts.text(n, unit)} back to {lot}" if state in ("usable", "suspended")
        else f"{amounts.text(n, unit)} of {lot} to {state} (the lot's outcome)"
        for lot, n, state in event.released
    )  # fmt: skip
    refund = money_text("refund", event.refund_own, event.refund_public)
    if isinstance(event, Account.ReservationConfirmed):
        used = ", ".join(f"{amounts.text(n, unit)} from {lot}" for lot, n in event.taken)
        redeemed = money_text("redeemed", event.redeemed_own, event.redeemed_public)
        rest = f"; released {back}{refund}" if back else ""
        return f"confirmed reservation {event.reservation}: used {amount} ({used}){redeemed}{rest}"
    verb = "cancelled" if isinstance(event, Account.ReservationCancelled) else "lapsed"
    why = f" ({event.reason})" if isinstance(event, Account.ReservationCancelled) else ""
    return f"{verb} reservation {event.reservation}{why}: released {back}{refund}"


def money_text(what: str, own: int | None, public: int | None) -> str:
    """``; purchase EUR 125.00 own + EUR 125.00 public`` (the shares the catalogue knows)."""
    parts = [
        f"EUR {amounts.text(cents, 'euro')} {name}"
        for name, cents in (("own", own), ("public", public))
        if cents is not None
    ]
    return f"; {what} {' + '.join(parts)}" if parts else ""
