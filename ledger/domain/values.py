"""Public value: a citizen's rights in euros of public money, to compare them.

Rights are counted in hours, days, euros and vouchers, which do not add up. A rule version
may say what one unit of its right costs the public purse (``RuleVersion.public_value``,
whole cents per unit). An open lot is worth its remaining amount times the value of the
version it was granted under; a lot whose version has no value is counted apart, never as
zero euros.

Exact to the cent, in integers: a lot's amount is in minor units (hundredths of an hour,
cents), so its value is ``remaining x cents_per_unit / minor units per unit`` cents. It is
kept exact as a whole number of ``1/PER_CENT`` cents, ``PER_CENT`` being a multiple of every
unit's minor units (100), so values of any units add up exactly. Every figure (a lot, a
right's usable or suspended value, the totals) is rounded half up to the cent once, from
its exact value: a total is the rounded exact sum, so it may differ by a cent from the sum
of the rounded figures shown above it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ledger.domain import amounts
from ledger.domain.catalogue import Catalogue, Unit
from ledger.domain.lots import LotState
from ledger.domain.views import LotView, RightBalance

# Exact values count in 1/PER_CENT of a cent: divisible by every unit's minor units.
PER_CENT = math.lcm(*amounts.MINOR_UNITS.values())


def exact_value(remaining: int, unit: str, cents_per_unit: int) -> int:
    """The exact public value of ``remaining`` minor units of ``unit``, in 1/PER_CENT of a
    cent: 93.75 hours (9375) at 2130 cents per hour -> 19,968,750 (199,687.5 cents)."""
    return remaining * cents_per_unit * (PER_CENT // amounts.minor_per_unit(unit))


def round_half_up(exact: int) -> int:
    """Whole cents from 1/PER_CENT cents, a half cent going up: 19,968,750 -> 199,688."""
    return (2 * exact + PER_CENT) // (2 * PER_CENT)


@dataclass(frozen=True)
class Split:
    """A figure for the usable and for the suspended part of a balance."""

    usable: int = 0
    suspended: int = 0


@dataclass(frozen=True)
class LotValue:
    lot: str
    rule_version: str
    state: str
    cents_per_unit: int | None  # None: the lot's version has no public value
    cents: int | None


@dataclass(frozen=True)
class RightValue:
    right: str
    unit: str
    # Over the lots whose version has a public value; None when the right holds units and
    # none of them has one (unknown, which is not zero euros).
    cents: Split | None
    without_value: Split  # minor units of the lots whose version has none
    lots: tuple[LotValue, ...]


@dataclass(frozen=True)
class ValueTotals:
    by_unit: dict[str, Split]  # every unit (hours, days, euro, vouchers): minor units
    cents: Split  # public value over every right that has one
    rights_without_value: tuple[str, ...]  # rights holding units that have no value


@dataclass(frozen=True)
class BalanceValue:
    rights: tuple[RightValue, ...]
    totals: ValueTotals


def public_value(balances: Sequence[RightBalance], catalogue: Catalogue) -> BalanceValue:
    """Each right's balance in public money, lot by lot, and the totals over all rights."""
    exact = [_exact_lots(balance, catalogue) for balance in balances]
    rights = tuple(
        _right_value(balance, lots) for balance, lots in zip(balances, exact, strict=True)
    )
    every_lot = [lot for lots in exact for lot in lots]
    totals = ValueTotals(
        by_unit=_amounts_per_unit(balances),
        cents=_rounded_split(every_lot),
        rights_without_value=tuple(
            r.right for r in rights if r.without_value.usable or r.without_value.suspended
        ),
    )
    return BalanceValue(rights=rights, totals=totals)


@dataclass(frozen=True)
class _ExactLot:
    view: LotView
    unit: str
    cents_per_unit: int | None

    @property
    def exact(self) -> int | None:
        if self.cents_per_unit is None:
            return None
        return exact_value(self.view.remaining, self.unit, self.cents_per_unit)


def _exact_lots(balance: RightBalance, catalogue: Catalogue) -> list[_ExactLot]:
    # A lot is valued by the version it was granted under, as its other rules are.
    return [
        _ExactLot(lot, balance.unit, _cents_per_unit(catalogue, lot.rule_version))
        for lot in balance.lots
    ]


def _cents_per_unit(catalogue: Catalogue, version_id: str) -> int | None:
    value = catalogue.rule(version_id).public_value
    return None if value is None else value.cents_per_unit


def _right_value(balance: RightBalance, lots: list[_ExactLot]) -> RightValue:
    unvalued = [lot for lot in lots if lot.cents_per_unit is None]
    known = len(unvalued) < len(lots) or not lots
    return RightValue(
        right=balance.right,
        unit=balance.unit,
        cents=_rounded_split(lots) if known else None,
        without_value=Split(
            usable=sum(lot.view.remaining for lot in unvalued if _usable(lot)),
            suspended=sum(lot.view.remaining for lot in unvalued if _suspended(lot)),
        ),
        lots=tuple(_lot_value(lot) for lot in lots),
    )


def _lot_value(lot: _ExactLot) -> LotValue:
    exact = lot.exact
    return LotValue(
        lot=lot.view.lot,
        rule_version=lot.view.rule_version,
        state=lot.view.state,
        cents_per_unit=lot.cents_per_unit,
        cents=None if exact is None else round_half_up(exact),
    )


def _rounded_split(lots: Iterable[_ExactLot]) -> Split:
    usable = suspended = 0
    for lot in lots:
        exact = lot.exact
        if exact is not None and _usable(lot):
            usable += exact
        elif exact is not None and _suspended(lot):
            suspended += exact
    return Split(round_half_up(usable), round_half_up(suspended))


def _amounts_per_unit(balances: Sequence[RightBalance]) -> dict[str, Split]:
    # Every unit, held or not, so a reader finds the same keys; hours and days stay apart:
    # no source gives a conversion between them.
    totals = {unit.value: Split() for unit in Unit}
    for balance in balances:
        held = totals[balance.unit]
        totals[balance.unit] = Split(
            held.usable + balance.usable, held.suspended + balance.suspended
        )
    return totals


def _usable(lot: _ExactLot) -> bool:
    return lot.view.state == LotState.USABLE


def _suspended(lot: _ExactLot) -> bool:
    return lot.view.state == LotState.SUSPENDED
