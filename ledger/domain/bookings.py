"""Bookings: units held for a named training, then confirmed, cancelled or lapsed.

A reservation (``UnitsReserved``) takes units out of lots, earliest expiry first, as a use
would, but holds them (``Lot.held``, the ``reserved`` total) until the training provider
confirms it (``ReservationConfirmed``: the held units, or part of them, become a use), the
citizen or back office cancels it (``ReservationCancelled``) or its hold date passes
(``ReservationLapsed``, recorded by the next command on the account or by ``llr
expire``). Units released go back to the lot they came from; when that lot expired or was
forfeited meanwhile, they follow its outcome (the hold stands until its date, then the
units go where the lot went). Money: a reservation records the citizen's own share and the
public share of what it holds; a confirm records what the provider redeems, and what is
not redeemed is refunded, both shares named, so that purchase = redeemed + refunded.

A mixin of ``Account`` (the event classes live in ``account.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from ledger.domain import amounts
from ledger.domain.catalogue import Booking, Catalogue, RightType
from ledger.domain.command import Provenance, Result
from ledger.domain.errors import (
    InvalidInputError,
    OutOfOrderError,
    ReservationClosedError,
    ReservationNotFoundError,
)
from ledger.domain.idempotency import reserve_fingerprint
from ledger.domain.lots import OPEN_STATES, Lot
from ledger.domain.offers import Offer, check_registry
from ledger.domain.refusals import check_in_order, check_track, require_reference
from ledger.domain.state import AccountState
from ledger.domain.writes import check_training, holds_due, is_exact_repeat, on_track, plan_use


class ReservationState(StrEnum):
    OPEN = "open"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    LAPSED = "lapsed"


@dataclass(slots=True)
class Reservation:
    """One booking's hold: what it took from which lots, for which training, until when,
    and the money it stands for (euro cents; None where the catalogue knows no share)."""

    reference: str
    right: str
    amount: int
    draws: list[list[Any]]  # [[lot_id, units], ...] earliest expiry first
    training: str
    provider: str
    on: date
    hold_until: date  # the last day the hold stands
    track: str | None
    enrolment: str | None
    own_share: int | None
    public_share: int | None
    version: int  # the UnitsReserved event's version
    state: str = ReservationState.OPEN.value
    closed_on: date | None = None  # confirmed, cancelled or lapsed on
    confirmed: int = 0  # units the confirm used

    @property
    def is_open(self) -> bool:
        return self.state == ReservationState.OPEN

    def as_row(self) -> list[Any]:
        return [
            self.reference, self.right, self.amount, self.draws, self.training, self.provider,
            self.on, self.hold_until, self.track, self.enrolment, self.own_share,
            self.public_share, self.version, self.state, self.closed_on, self.confirmed,
        ]  # fmt: skip

    @classmethod
    def from_row(cls, row: list[Any]) -> Reservation:
        return cls(*row)


@dataclass(frozen=True)
class Shares:
    """Euro cents of one amount of a right: the citizen's own share and the public one."""

    own: int | None
    public: int | None

    def minus(self, other: Shares) -> Shares:
        return Shares(_minus(self.own, other.own), _minus(self.public, other.public))


def _minus(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else a - b


def shares_of(right: RightType, cents_public: int | None, amount: int) -> Shares:
    """The shares of ``amount`` minor units: cents per unit times units, half a cent up."""
    per_unit = amounts.minor_per_unit(right.unit)
    own = right.booking_rules.own_cents_per_unit
    return Shares(
        None if own is None else _half_up(amount * own, per_unit),
        None if cents_public is None else _half_up(amount * cents_public, per_unit),
    )


def _half_up(numerator: int, denominator: int) -> int:
    return (2 * numerator + denominator) // (2 * denominator)


def split_held(draws: list[list[Any]], amount: int) -> tuple[list[list[Any]], list[list[Any]]]:
    """A confirm of ``amount``: taken from the held draws in their order, the rest left."""
    taken: list[list[Any]] = []
    left: list[list[Any]] = []
    still = amount
    for lot_id, units in draws:
        take = min(units, still)
        still -= take
        if take:
            taken.append([lot_id, take])
        if units - take:
            left.append([lot_id, units - take])
    return taken, left


def released_to(lots: dict[str, Lot], draws: list[list[Any]]) -> list[list[Any]]:
    """Where released units go: ``[[lot_id, units, state], ...]``, the lot's state now
    (usable or suspended: back into it; expired or forfeited: to that total)."""
    return [[lot_id, units, lots[lot_id].state] for lot_id, units in draws if units]


def release(account: AccountState, right: str, released: list[list[Any]]) -> None:
    """Apply a release (from a cancel, a lapse or a partial confirm): the event's record."""
    totals = account.totals_for(right)
    for lot_id, units, state in released:
        lot = account.lots[lot_id]
        lot.held -= units
        totals.reserved -= units
        if state in OPEN_STATES:
            lot.remaining += units
        totals.add(state, units)


def checked_hold(booking: Booking, on: date, hold_until: date | None) -> date:
    if hold_until is None:
        return on + timedelta(days=booking.hold_days - 1)
    if hold_until < on:
        raise InvalidInputError.because(
            "--hold-until {hold_until}: a hold ends on or after the reservation's date {on}",
            hold_until=hold_until,
            on=on,
        )
    return hold_until


class BookingCommands:
    """Account commands of bookings; ``self`` is the Account (``AccountState``)."""

    def reservation(self: AccountState, reference: str) -> Reservation:
        found: Reservation | None = self.reservations.get(reference)
        if found is None:
            raise ReservationNotFoundError.because(
                "reservation {reference!r}: this account holds no reservation with "
                "that reference (llr history lists them)",
                reference=reference,
            )
        return found

    def reserve(
        self: AccountState,
        catalogue: Catalogue,
        right: str,
        amount: int,
        on: date,
        training: str,
        hold_until: date | None,
        provenance: Provenance,
        offer: Offer | None = None,
        track: str | None = None,
        enrolment: str | None = None,
        employer: str | None = None,
        provider: str | None = None,
    ) -> Result:
        _, reference = require_reference(
            provenance.source, provenance.reference, source_required=False
        )
        right_type = catalogue.right(right)
        rule = right_type.version_on(on)
        track = check_track(rule, track)
        until = checked_hold(right_type.booking_rules, on, hold_until)
        check_training(training)
        provider = check_registry(self, right_type, training, provider, on, offer)
        fingerprint = reserve_fingerprint(right, amount, on, training, until, track)
        if is_exact_repeat(self, provenance, fingerprint):
            return Result.EXISTS
        draws = plan_use(self, catalogue, rule, amount, on, training, employer, track)
        self.expire_due(on, provenance.actor)
        shares = shares_of(right_type, catalogue_public_cents(right_type, on), amount)
        self.trigger_event(
            self.UnitsReserved,
            on=on,
            actor=provenance.actor,
            right=right,
            amount=amount,
            draws=[[lot_id, taken] for lot_id, taken in draws],
            training=training,
            provider=provider,
            hold_until=until,
            own_share=shares.own,
            public_share=shares.public,
            enrolment=enrolment,
            source=provenance.source,
            reference=reference,
            batch=provenance.batch,
            line=provenance.line,
            employer=employer,
            **on_track(track),
        )
        return Result.APPLIED

    def confirm(
        self: AccountState,
        catalogue: Catalogue,
        reference: str,
        on: date,
        amount: int | None,
        provenance: Provenance,
    ) -> Result:
        reservation = BookingCommands.reservation(self, reference)
        confirmed = reservation.amount if amount is None else amount
        if reservation.state == ReservationState.CONFIRMED and (
            reservation.closed_on,
            reservation.confirmed,
        ) == (on, confirmed):
            return Result.EXISTS
        _check_open(reservation, on, "confirm", self.last_on)
        if not 0 < confirmed <= reservation.amount:
            unit = catalogue.right(reservation.right).unit.value
            raise InvalidInputError.because(
                "--amount {confirmed}: a confirm uses more than zero and at most the "
                "{reservation_amount} {unit} reserved",
                confirmed=amounts.text(confirmed, unit),
                reservation_amount=amounts.text(reservation.amount, unit),
                unit=unit,
            )
        self.expire_due(on, provenance.actor)
        taken, left = split_held(reservation.draws, confirmed)
        right = catalogue.right(reservation.right)
        public = catalogue_public_cents(right, reservation.on)
        redeemed = shares_of(right, public, confirmed)
        refund = Shares(reservation.own_share, reservation.public_share).minus(redeemed)
        self.trigger_event(
            self.ReservationConfirmed,
            on=on,
            actor=provenance.actor,
            right=reservation.right,
            reservation=reference,
            amount=confirmed,
            taken=taken,
            released=released_to(self.lots, left),
            redeemed_own=redeemed.own,
            redeemed_public=redeemed.public,
            refund_own=refund.own,
            refund_public=refund.public,
            batch=provenance.batch,
            line=provenance.line,
        )
        return Result.APPLIED

    def cancel(
        self: AccountState,
        reference: str,
        on: date,
        reason: str,
        provenance: Provenance,
    ) -> Result:
        reservation = BookingCommands.reservation(self, reference)
        if reservation.state == ReservationState.CANCELLED:
            return Result.EXISTS
        _check_open(reservation, on, "cancel", self.last_on)
        if not reason.strip():
            raise InvalidInputError.because("--reason: a cancellation says why")
        self.expire_due(on, provenance.actor)
        release_all(
            self, self.ReservationCancelled, reservation, on, provenance.actor,
            reason=reason, batch=provenance.batch, line=provenance.line,
        )  # fmt: skip
        return Result.APPLIED

    def lapse_due(self: AccountState, day: date, actor: str) -> int:
        """Lapse every open reservation whose hold ended before ``day``."""
        due = holds_due(self, day)
        for reservation in due:
            # Dated the first day without the hold, unless later facts came before it.
            lapsed_on = max(reservation.hold_until + timedelta(days=1), self.last_on)
            release_all(self, self.ReservationLapsed, reservation, lapsed_on, actor)
        return len(due)


def release_all(
    account: AccountState,
    event_class: Any,
    reservation: Reservation,
    on: date,
    actor: str,
    **fields: Any,
) -> None:
    """Close ``reservation`` releasing all it holds, refunding all it bought."""
    account.trigger_event(
        event_class,
        on=on,
        actor=actor,
        right=reservation.right,
        reservation=reservation.reference,
        amount=reservation.amount,
        released=released_to(account.lots, reservation.draws),
        refund_own=reservation.own_share,
        refund_public=reservation.public_share,
        **fields,
    )


def catalogue_public_cents(right: RightType, on: date) -> int | None:
    value = right.version_on(on).public_value
    return None if value is None else value.cents_per_unit


def _check_open(reservation: Reservation, on: date, what: str, last_on: date) -> None:
    if not reservation.is_open:
        raise ReservationClosedError.because(
            "reservation {reservation_reference!r} is {reservation_state}: nothing to {what}",
            reservation_reference=reservation.reference,
            reservation_state=reservation.state,
            what=what,
        )
    if on < reservation.on:
        raise OutOfOrderError.because(
            "date {on}: a {what} comes on or after the reservation's date {reservation_on}",
            on=on,
            what=what,
            reservation_on=reservation.on,
        )
    # Never a late fact: a reservation is closed in the order things happen.
    check_in_order(on, reservation.on, last_on)
    if on > reservation.hold_until:
        raise ReservationClosedError.because(
            "reservation {reservation_reference!r}: its hold ended on "
            "{reservation_hold_until}; it lapses, and a new reservation is needed",
            reservation_reference=reservation.reference,
            reservation_hold_until=reservation.hold_until,
        )
