"""Money: is public money flowing to private providers?

Per right type, provider and calendar quarter, the euro cents of the bookings: purchased
(``UnitsReserved``), redeemed (``ReservationConfirmed``) and refunded (the refund of every
close: a confirm's unused part, a cancel, a lapse), each split into the citizen's own
share and the public share. Quarters, not the school years of take-up: money is budgeted
and paid out by calendar year. Each flow counts in the quarter of its own event, so a
booking made in March and redeemed in April is purchased in Q1 and redeemed in Q2.

A share the catalogue does not know (a career voucher's public value) is None on the
event: it adds nothing to the sums, and the row counts such events (``own_unknown``,
``public_unknown``) so a report can say its figure is incomplete. A booking of a right
without any price (hours, days) moves no money and leaves no row.

The closing events name their reservation by reference only, so the provider of each
reservation is kept (``money_bookings``) to attribute its redeem and refunds. Whether a
provider is public or private is not kept here: the report asks the registry of providers
when it runs (``money_report.provider_kind``).
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterable
from datetime import date
from functools import singledispatchmethod
from typing import Any

from ledger.domain.account import Account
from ledger.projections.base import Context, Projection, View
from ledger.store.read_models.base import ProjectionError, Store

FLOWS = ("purchased", "redeemed", "refunded")
SHARES = ("own", "public")
MONEY_SUMS = tuple(f"{flow}_{share}" for flow in FLOWS for share in SHARES)
UNKNOWN_COUNTS = ("own_unknown", "public_unknown")
MONEY_COLUMNS = ("right_code", "provider", "period", *MONEY_SUMS, *UNKNOWN_COUNTS)
MONEY_KEYS = MONEY_COLUMNS[:3]
COLUMN_INDEX = {column: index for index, column in enumerate(MONEY_COLUMNS)}
BOOKING_COLUMNS = ("account_id", "reservation", "provider")


def quarter(day: date) -> str:
    """The period money is counted in: the calendar quarter, e.g. "2027-Q1"."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


class MoneyView(View):
    @abstractmethod
    def booked(self, account_id: str, reservation: str, provider: str) -> None:
        """Remember the provider of a reservation, for the events that close it."""

    @abstractmethod
    def provider_of(self, account_id: str, reservation: str) -> str: ...

    @abstractmethod
    def counted(
        self, right: str, provider: str, on: date, flow: str, own: int | None, public: int | None
    ) -> None:
        """Add the cents of one flow (purchased, redeemed, refunded) to the quarter of ``on``."""


class MoneyTables(MoneyView):
    def __init__(self, store: Store, suffix: str) -> None:
        self.store = store
        self.totals_table, self.bookings_table = "money_totals" + suffix, "money_bookings" + suffix
        self.providers: dict[tuple[str, str], str] = {}  # (account, reservation) -> provider
        self.loaded: set[str] = set()  # accounts whose reservations are in ``providers``
        self.new_bookings: list[list[str]] = []
        self.totals: dict[tuple[str, str, str], list[Any]] = {}

    def prefetch(self, account_ids: Iterable[str]) -> None:
        missing = [a for a in account_ids if a not in self.loaded]
        if missing:
            found = self.store.select_accounts(self.bookings_table, BOOKING_COLUMNS, missing)
            for account_id, reservation, provider in found:
                self.providers[(str(account_id), reservation)] = provider
            self.loaded.update(missing)

    def booked(self, account_id: str, reservation: str, provider: str) -> None:
        self.providers[(account_id, reservation)] = provider
        self.new_bookings.append([account_id, reservation, provider])

    def provider_of(self, account_id: str, reservation: str) -> str:
        found = self.providers.get((account_id, reservation))
        if found is None:
            raise ProjectionError(
                f"{self.bookings_table}: reservation {reservation!r} of account {account_id} "
                "is missing, so the table no longer matches the events; rebuild it (llr "
                "projections rebuild money)"
            )
        return found

    def counted(
        self, right: str, provider: str, on: date, flow: str, own: int | None, public: int | None
    ) -> None:
        if own is None and public is None:
            return  # a right without a price: no money moves
        key = (right, provider, quarter(on))
        row = self.totals.get(key)
        if row is None:
            row = self.totals[key] = [*key, *[0] * (len(MONEY_COLUMNS) - len(key))]
        for share, cents in zip(SHARES, (own, public), strict=True):
            if cents is None:
                row[COLUMN_INDEX[f"{share}_unknown"]] += 1
            else:
                row[COLUMN_INDEX[f"{flow}_{share}"]] += cents

    def flush(self) -> None:
        self.store.insert(self.bookings_table, BOOKING_COLUMNS, self.new_bookings)
        rows = [self.totals[key] for key in sorted(self.totals)]  # key order, as the lots
        self.store.upsert(self.totals_table, MONEY_COLUMNS, MONEY_KEYS, rows, add=MONEY_COLUMNS[3:])
        # Forgotten with the batch, as the other views do: after a batch that did not
        # commit, nothing of it stays in memory.
        self.providers, self.loaded, self.new_bookings, self.totals = {}, set(), [], {}


class MoneyProjection(Projection[MoneyView]):
    name = "money"
    tables = ("money_totals", "money_bookings")

    @classmethod
    def build(cls, store: Store, suffix: str, context: Context) -> MoneyProjection:
        return cls(MoneyTables(store, suffix))

    @singledispatchmethod
    def process(self, event: Account.Event, account_id: str, position: int) -> None:
        """Only bookings move money."""

    @process.register
    def _reserved(self, event: Account.UnitsReserved, account_id: str, position: int) -> None:
        self.view.booked(account_id, event.reference, event.provider)
        self.view.counted(
            event.right, event.provider, event.on, "purchased", event.own_share,
            event.public_share,
        )  # fmt: skip

    @process.register
    def _redeemed(
        self, event: Account.ReservationConfirmed, account_id: str, position: int
    ) -> None:
        provider = self.view.provider_of(account_id, event.reservation)
        self.view.counted(
            event.right, provider, event.on, "redeemed", event.redeemed_own, event.redeemed_public
        )
        self._refunded(event, account_id, position)

    @process.register
    def _refunded(self, event: Account.ReservationClosed, account_id: str, position: int) -> None:
        provider = self.view.provider_of(account_id, event.reservation)
        self.view.counted(
            event.right, provider, event.on, "refunded", event.refund_own, event.refund_public
        )
