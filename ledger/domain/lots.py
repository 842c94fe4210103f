"""Lots: what one grant created, and the pure arithmetic of drawing from them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class LotState(StrEnum):
    USABLE = "usable"
    SUSPENDED = "suspended"
    EXPIRED = "expired"
    FORFEITED = "forfeited"
    REVERSED = "reversed"


OPEN_STATES = (LotState.USABLE, LotState.SUSPENDED)


@dataclass
class Lot:
    """One grant's units. ``expires_on`` is exclusive: the first day the lot is not usable."""

    lot_id: str
    right: str
    source: str
    reference: str
    amount: int
    remaining: int
    valid_from: date
    expires_on: date | None
    rule_version: str
    state: str  # a LotState value; kept as text so snapshots round-trip unchanged
    # The employer (KBO) of the employment the lot is bound to; None: it follows the citizen.
    employer: str | None = None
    # The track of the right it was granted on (VOV: own-choice, employer); None: the right
    # had no tracks, and the lot counts as on the default one.
    track: str | None = None
    # Units reserved for a training (``llr reserve``): out of ``remaining``, not yet used;
    # a confirm uses them, a cancel or lapse gives them back (or, when the lot has closed
    # meanwhile, to the lot's outcome).
    held: int = 0

    def is_on_track(self, track: str | None, default: str | None) -> bool:
        return (self.track or default) == track

    @property
    def is_open(self) -> bool:
        """Usable or suspended with units left or held: an expiry or a career change's
        outcome applies to it (held units follow the outcome once released)."""
        return self.state in OPEN_STATES and (self.remaining > 0 or self.held > 0)

    def is_due(self, day: date) -> bool:
        """Whether the lot has reached its expiry on ``day`` (and so cannot be used then)."""
        return self.expires_on is not None and self.expires_on <= day

    def is_usable_on(self, day: date) -> bool:
        return (
            self.state == LotState.USABLE
            and self.remaining > 0
            and self.valid_from <= day
            and not self.is_due(day)
        )


def lot_id_for(source: str, reference: str) -> str:
    return f"{source}/{reference}"


def draw_order_key(lot: Lot) -> tuple[date, date, str]:
    # Earliest expiry first, so the units most at risk are used before safer ones; lots
    # without expiry come last; ties go to the oldest grant.
    return (lot.expires_on or date.max, lot.valid_from, lot.lot_id)


def plan_draws(lots: Iterable[Lot], amount: int, day: date) -> list[tuple[str, int]]:
    """Which lots a use of ``amount`` on ``day`` draws from, earliest expiry first.

    The caller has checked that enough is usable; this only splits the amount.
    """
    draws: list[tuple[str, int]] = []
    still_needed = amount
    for lot in sorted((x for x in lots if x.is_usable_on(day)), key=draw_order_key):
        if still_needed == 0:
            break
        taken = min(lot.remaining, still_needed)
        draws.append((lot.lot_id, taken))
        still_needed -= taken
    assert still_needed == 0, "plan_draws called without enough usable balance"
    return draws
