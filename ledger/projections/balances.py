"""Balances: per citizen and lot, what is left and in which state.

The expiring report reads these rows too (the lots that have an expiry date, found by a
partial index); the expiring projection only adds who holds them (``expiring.py``).
"""

from __future__ import annotations

from abc import abstractmethod
from functools import singledispatchmethod
from typing import Any

from ledger.domain.account import Account
from ledger.domain.lots import LotState
from ledger.projections.base import Context, Projection, View
from ledger.projections.memos import IsoDayTexts
from ledger.store.read_models.base import ProjectionError, Store

LOT_COLUMNS = (
    "account_id", "lot", "right_code", "source", "amount", "remaining", "state",
    "valid_from", "expires_on",
)  # fmt: skip
REMAINING, STATE = LOT_COLUMNS.index("remaining"), LOT_COLUMNS.index("state")
# The states as plain text, looked up once (an enum member's .value is a slow descriptor).
USABLE, SUSPENDED = LotState.USABLE.value, LotState.SUSPENDED.value
EXPIRED, FORFEITED = LotState.EXPIRED.value, LotState.FORFEITED.value


class LotsView(View):
    """The updates a lot goes through, one method each."""

    @abstractmethod
    def lot_granted(self, account_id: str, event: Account.RightGranted) -> None: ...

    @abstractmethod
    def lot_drawn(self, account_id: str, lot: str, units: int) -> None: ...

    @abstractmethod
    def lot_moved(self, account_id: str, lot: str, state: str) -> None:
        """Carried into a new status (usable) or suspended; nothing is added or taken."""

    @abstractmethod
    def lot_closed(self, account_id: str, lot: str, state: str) -> None:
        """Expired or forfeited: nothing is left."""

    @abstractmethod
    def lot_restored(self, account_id: str, lot: str, units: int, state: str) -> None:
        """A reversal gives units back (or, reversing a grant, takes them all away)."""


class LotTable(LotsView):
    """Lots changed in memory over a batch and written without reading anything back.

    A lot granted in the batch is a whole row here, inserted at the flush. A change to an
    older lot folds into one (emptied first?, units added, new state) per lot, written as
    one UPDATE each; every such lot must be in the table.
    """

    def __init__(self, store: Store, table: str) -> None:
        self.store, self.table = store, table
        self.days = IsoDayTexts()
        self.new: dict[tuple[str, str], list[Any]] = {}
        self.changes: dict[tuple[str, str], list[Any]] = {}  # [emptied, units, state]

    def adjust(self, account_id: str, lot: str, emptied: bool, units: int, state: str) -> None:
        key = (account_id, lot)
        row = self.new.get(key)
        if row is not None:
            row[REMAINING] = (0 if emptied else row[REMAINING]) + units
            row[STATE] = state or row[STATE]
        elif (change := self.changes.get(key)) is None:
            self.changes[key] = [emptied, units, state or None]
        else:
            if emptied:
                change[0], change[1] = True, 0
            change[1] += units
            change[2] = state or change[2]

    def lot_granted(self, account_id: str, event: Account.RightGranted) -> None:
        expires = None if event.expires_on is None else self.days[event.expires_on]
        self.new[(account_id, event.lot)] = [
            account_id, event.lot, event.right, event.source, event.amount, event.amount,
            USABLE, self.days[event.on], expires,
        ]  # fmt: skip

    def lot_drawn(self, account_id: str, lot: str, units: int) -> None:
        self.adjust(account_id, lot, False, -units, "")

    def lot_moved(self, account_id: str, lot: str, state: str) -> None:
        self.adjust(account_id, lot, False, 0, state)

    def lot_closed(self, account_id: str, lot: str, state: str) -> None:
        self.adjust(account_id, lot, True, 0, state)

    def lot_restored(self, account_id: str, lot: str, units: int, state: str) -> None:
        self.adjust(account_id, lot, False, units, state)

    def flush(self) -> None:
        # In key order: the table is a B-tree on (account, lot), where rows in order touch
        # each page once, and accounts (hashes) arrive in no order at all.
        self.store.insert(self.table, LOT_COLUMNS, [self.new[key] for key in sorted(self.new)])
        changes = [(*key, *self.changes[key]) for key in sorted(self.changes)]
        found = self.store.update_lots(self.table, changes)
        if found != len(changes):
            raise ProjectionError(
                f"{self.table}: {len(changes) - found} of the lots these events change are "
                "missing, so the table no longer matches the events; rebuild it "
                "(llr projections rebuild balances)"
            )
        self.new, self.changes = {}, {}


class BalancesProjection(Projection[LotsView]):
    name = "balances"
    tables = ("balance_lots",)

    @classmethod
    def build(cls, store: Store, suffix: str, context: Context) -> BalancesProjection:
        return cls(LotTable(store, "balance_lots" + suffix))

    @singledispatchmethod
    def process(self, event: Account.Event, account_id: str, position: int) -> None:
        """An opening or a status change changes no lot by itself: a transition's outcomes
        are events of their own."""

    @process.register
    def _granted(self, event: Account.RightGranted, account_id: str, position: int) -> None:
        self.view.lot_granted(account_id, event)

    @process.register
    def _used(self, event: Account.RightUsed, account_id: str, position: int) -> None:
        for lot, units in event.draws:
            self.view.lot_drawn(account_id, lot, units)

    @process.register
    def _reserved(self, event: Account.UnitsReserved, account_id: str, position: int) -> None:
        for lot, units in event.draws:  # held: out of what is left, as a use
            self.view.lot_drawn(account_id, lot, units)

    @process.register
    def _released(self, event: Account.ReservationClosed, account_id: str, position: int) -> None:
        for lot, units, state in event.released:
            if state in (USABLE, SUSPENDED):  # back into the lot; a closed lot stays empty
                self.view.lot_restored(account_id, lot, units, state)

    @process.register
    def _carried(self, event: Account.RightTransferred, account_id: str, position: int) -> None:
        self.view.lot_moved(account_id, event.lot, USABLE)

    @process.register
    def _suspended(self, event: Account.RightSuspended, account_id: str, position: int) -> None:
        self.view.lot_moved(account_id, event.lot, SUSPENDED)

    @process.register
    def _forfeited(self, event: Account.RightForfeited, account_id: str, position: int) -> None:
        self.view.lot_closed(account_id, event.lot, FORFEITED)

    @process.register
    def _expired(self, event: Account.RightExpired, account_id: str, position: int) -> None:
        self.view.lot_closed(account_id, event.lot, EXPIRED)

    @process.register
    def _reversed(self, event: Account.EntryReversed, account_id: str, position: int) -> None:
        for lot, units, state in event.restores:
            self.view.lot_restored(account_id, lot, units, state)
