"""Invariant 10: bookings hold, release and refund what they should.

Before each booking event, against the replayed account: a confirm, cancel or lapse
closes a reservation that is open; a confirm uses no more than was held and releases the
rest, each lot back what it gave; a close refunds exactly what was bought and not
redeemed, both shares. At the stream's end: the held units of the lots are the reserved
total, and no hold is still open past its date when a later fact was recorded (every
command on the account lapses the holds due first). Whether a booked or used training was
recognised for the right that day is checked against the registry
(``registry_recognised``), where the catalogue asks for it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from ledger.audit.findings import Invariant
from ledger.audit.invariants.stream import StreamAudit
from ledger.domain.account import Account
from ledger.domain.bookings import Reservation
from ledger.domain.catalogue import Catalogue
from ledger.domain.offers import Offer

BOOKINGS = Invariant.BOOKINGS


class RegistryCheck:
    """Whether a use or booking named a training the registry recognised for the right on
    its date, where the right's booking rules ask for one. The registry is asked once per
    training code per audit (its answer is a history: the date decides)."""

    def __init__(self, catalogue: Catalogue, offers: Callable[[str], Offer | None]) -> None:
        self.catalogue = catalogue
        self.offers = offers
        self.known: dict[str, Offer | None] = {}

    def offer(self, code: str) -> Offer | None:
        if code not in self.known:
            self.known[code] = self.offers(code)
        return self.known[code]

    def check(self, stream: StreamAudit, event: Any) -> bool:
        right = self.catalogue.rights.get(event.right)
        if right is None or not right.booking_rules.needs_registry(event.on):
            return False
        offer = self.offer(event.training)
        if offer is None:
            problem: str | None = f"training {event.training!r} is not in the registry"
        elif offer.provider != event.provider:
            problem = f"provider {event.provider} is not the registry's ({offer.provider})"
        else:
            problem = offer.refusal(event.right, event.on)
        if problem is None:
            return False
        stream.find(
            BOOKINGS, f"{event.right} at a training not recognised on {event.on}: {problem}",
            expected="a training the registry recognised for the right that day",
            found=event.training,
        )  # fmt: skip
        return False  # the balance checks still apply


def close_before(stream: StreamAudit, event: Any) -> bool:
    """A ReservationConfirmed, Cancelled or Lapsed against the reservation it closes."""
    assert stream.account is not None
    held: Reservation | None = stream.account.reservations.get(event.reservation)
    if held is None or not held.is_open:
        state = "none" if held is None else held.state
        stream.find(
            BOOKINGS, f"reservation {event.reservation!r} is closed without being open",
            expected="an open reservation", found=state,
        )  # fmt: skip
        return True
    taken = [list(t) for t in getattr(event, "taken", [])]
    given_back = Counter({lot: units for lot, units in taken})
    for lot, units, _ in event.released:
        given_back[lot] += units
    if given_back != Counter({lot: units for lot, units in held.draws}):
        found = {"taken": taken, "released": event.released}
        stream.find(
            BOOKINGS, f"reservation {event.reservation!r}: what is used and released is not "
            "what was held", expected=held.draws, found=found,
        )  # fmt: skip
        return True
    return _check_refund(stream, event, held)


def _check_refund(stream: StreamAudit, event: Any, held: Reservation) -> bool:
    redeemed = (getattr(event, "redeemed_own", 0), getattr(event, "redeemed_public", 0))
    refunds = (event.refund_own, event.refund_public)
    for name, bought, spent, refund in zip(
        ("own", "public"), (held.own_share, held.public_share), redeemed, refunds, strict=True
    ):
        if bought is None:
            continue
        if (spent or 0) + (refund or 0) != bought:
            stream.find(
                BOOKINGS, f"reservation {event.reservation!r}: the {name} share redeemed and "
                "refunded is not what was bought", expected=bought,
                found=f"{spent or 0} redeemed + {refund or 0} refunded",
            )  # fmt: skip
            return True
    return False


def check_holds(stream: StreamAudit) -> None:
    """At the stream's end: held units add up, and no hold outlived a later fact."""
    account = stream.account
    if not isinstance(account, Account) or not stream.replaying:
        return
    for right, totals in sorted(account.totals.items()):
        in_lots = sum(lot.held for lot in account.lots_of(right))
        if in_lots != totals.reserved:
            stream.find(
                BOOKINGS, f"the units held in the lots of {right} are not its reserved total",
                expected=totals.reserved, found=in_lots,
            )  # fmt: skip
    for reservation in account.reservations.values():
        if reservation.is_open and reservation.hold_until < account.last_on:
            stream.find(
                BOOKINGS, f"reservation {reservation.reference!r} is still open after its hold "
                f"ended ({reservation.hold_until}), with a fact recorded on {account.last_on}",
                expected="lapsed", found="open",
            )  # fmt: skip
