"""The money report: per right type and provider, what bookings purchased, redeemed and
refunded (own and public share, euro cents), and totals per kind of provider (public,
private, unknown) and per right type, over all periods, a year or a quarter.

Whether a provider is public or private is asked of the registry of providers when the
report runs (``provider_kind``), not kept in the projection: the registry can learn or
correct a provider's kind later without a rebuild.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import astuple, dataclass, fields
from typing import Any

from ledger.application import Ledger
from ledger.domain.errors import InvalidInputError
from ledger.projections.reports import Report, filters, lag_of, reading

PUBLIC, PRIVATE, UNKNOWN = "public", "private", "unknown"
KINDS = (PUBLIC, PRIVATE, UNKNOWN)
_PERIOD = re.compile(r"(?P<year>[0-9]{4})(?P<quarter>-Q[1-4])?")


def provider_kind(ledger: Ledger, kbo: str) -> str:
    """What the registry of providers says of ``kbo``: "public", "private" or "unknown".

    The one place the report asks it. The registry answers once it has
    ``provider_is_public`` (True, False, or None for a provider it does not know); until
    then every provider is unknown."""
    is_public = getattr(getattr(ledger, "registry", None), "provider_is_public", None)
    if is_public is None:
        return UNKNOWN
    answer = is_public(kbo)
    if answer is None:
        return UNKNOWN
    return PUBLIC if answer else PRIVATE


@dataclass(frozen=True)
class Money:
    """Euro cents of bookings, and how many money events did not know a share (their
    cents are missing from that share's sums)."""

    purchased_own: int = 0
    purchased_public: int = 0
    redeemed_own: int = 0
    redeemed_public: int = 0
    refunded_own: int = 0
    refunded_public: int = 0
    own_unknown: int = 0
    public_unknown: int = 0

    @property
    def net_public(self) -> int:
        """Public money spent: what providers redeemed of the public share (a purchase
        not yet redeemed is not spent, and what is refunded never was)."""
        return self.redeemed_public

    def __add__(self, other: Money) -> Money:
        return Money(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))


MONEY_FIELDS = tuple(f.name for f in fields(Money))  # the columns of money_totals they sum


@dataclass(frozen=True)
class MoneyRow:
    right: str
    provider: str  # KBO number
    kind: str  # public, private or unknown (provider_kind)
    money: Money


@dataclass(frozen=True)
class MoneyReport(Report[MoneyRow]):
    period: str | None  # a year (2027), a quarter (2027-Q1) or None for all
    by_kind: dict[str, Money]  # every kind, in KINDS order
    by_right: dict[str, Money]  # in right type order


def money(ledger: Ledger, period: str | None = None) -> MoneyReport:
    """Money per right type and provider, summed over ``period`` (all when None)."""
    where, params = filters(*period_bounds(period))
    columns = ", ".join(f"SUM({c})" for c in MONEY_FIELDS)
    sql = (
        f"SELECT right_code, provider, {columns} FROM money_totals{where} "
        "GROUP BY right_code, provider ORDER BY right_code, provider"
    )
    with reading(ledger) as store, store.snapshot():
        found, lag = store.query(sql, params), lag_of(ledger, store, ["money"])
    rows = rows_with_kinds(ledger, found)
    by_kind = {kind: total(r for r in rows if r.kind == kind) for kind in KINDS}
    rights = dict.fromkeys(r.right for r in rows)
    by_right = {right: total(r for r in rows if r.right == right) for right in rights}
    return MoneyReport(rows, lag, period, by_kind, by_right)


def rows_with_kinds(ledger: Ledger, found: Sequence[Sequence[Any]]) -> list[MoneyRow]:
    """The rows, each provider's kind asked once."""
    kinds = {provider: provider_kind(ledger, provider) for provider in {r[1] for r in found}}
    return [
        MoneyRow(right, provider, kinds[provider], Money(*(int(s) for s in sums)))
        for right, provider, *sums in found
    ]


def total(rows: Iterable[MoneyRow]) -> Money:
    return sum((row.money for row in rows), Money())


def period_bounds(period: str | None) -> tuple[tuple[str, str | None], ...]:
    """The filter of a period on the quarters ("2027-Q1"): one quarter, or a year's four."""
    if period is None:
        return ()
    matched = _PERIOD.fullmatch(period)
    if matched is None:
        raise InvalidInputError(
            f"--period {period!r}: a year (2027) or a calendar quarter (2027-Q1)"
        )
    if matched["quarter"]:
        return (("period", period),)
    return (("period >=", f"{period}-Q1"), ("period <=", f"{period}-Q4"))
