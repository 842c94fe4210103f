"""Balances: per citizen and lot, what is left and in which state.

The lot handlers and the lot table are shared with the expiring projection
(``expiring.py``), which keeps the same rows for the lots that have an expiry date.
"""

from __future__ import annotations

from abc import abstractmethod
from functools import singledispatchmethod
from typing import Any, TypeVar

from ledger.domain.account import Account
from ledger.domain.lots import LotState
from ledger.projections.base import Originals, Projection, View
from ledger.projections.store import ProjectionError, Store

LOT_COLUMNS = (
    "account_id", "lot", "right_code", "source", "amount", "remaining", "state",
    "valid_from", "expires_on",
)  # fmt: skip
LOT_KEYS = ("account_id", "lot")
REMAINING, STATE = LOT_COLUMNS.index("remaining"), LOT_COLUMNS.index("state")


class LotsView(View):
    """The updates a lot goes through, one method each."""

    @abstractmethod
    def lot_granted(self, account_id: str, event: Account.RightGranted) -> None: ...

    @abstractmethod
    def lot_drawn(self, account_id: str, lot: str, units: int) -> None: ...

    @abstractmethod
    def lot_moved(self, account_id: str, lot: str, state: LotState) -> None:
        """Carried into a new status (usable) or suspended; nothing is added or taken."""

    @abstractmethod
    def lot_closed(self, account_id: str, lot: str, state: LotState) -> None:
        """Expired or forfeited: nothing is left."""

    @abstractmethod
    def lot_restored(self, account_id: str, lot: str, units: int, state: str) -> None:
        """A reversal gives units back (or, reversing a grant, takes them all away)."""


L = TypeVar("L", bound=LotsView)


class LotTable(LotsView):
    """Lots changed in memory over a batch and written without reading anything back.

    A lot granted in the batch is a whole row here, inserted at the flush. A change to an
    older lot folds into one (emptied first?, units added, new state) per lot, written as
    one UPDATE each; every such lot must be in the table (the expiring table holds only
    the lots with an expiry date, so there an UPDATE may find nothing).
    """

    def __init__(self, store: Store, table: str, only_expiring: bool = False) -> None:
        self.store, self.table, self.only_expiring = store, table, only_expiring
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
        if self.only_expiring and event.expires_on is None:
            return
        expires = None if event.expires_on is None else event.expires_on.isoformat()
        self.new[(account_id, event.lot)] = [
            account_id, event.lot, event.right, event.source, event.amount, event.amount,
            LotState.USABLE.value, event.on.isoformat(), expires,
        ]  # fmt: skip

    def lot_drawn(self, account_id: str, lot: str, units: int) -> None:
        self.adjust(account_id, lot, False, -units, "")

    def lot_moved(self, account_id: str, lot: str, state: LotState) -> None:
        self.adjust(account_id, lot, False, 0, state.value)

    def lot_closed(self, account_id: str, lot: str, state: LotState) -> None:
        self.adjust(account_id, lot, True, 0, state.value)

    def lot_restored(self, account_id: str, lot: str, units: int, state: str) -> None:
        self.adjust(account_id, lot, False, units, state)

    def flush(self) -> None:
        self.store.insert(self.table, LOT_COLUMNS, list(self.new.values()))
        changes = [(*key, *change) for key, change in self.changes.items()]
        found = self.store.update_lots(self.table, changes)
        if found != len(changes) and not self.only_expiring:
            raise ProjectionError(
                f"{self.table}: {len(changes) - found} of the lots these events change are "
                "missing, so the table no longer matches the events; rebuild it "
                "(llr projections rebuild balances)"
            )
        self.new, self.changes = {}, {}


class LotsProjection(Projection[L]):
    """The lot handlers, shared by the balances and the expiring projections."""

    @singledispatchmethod
    def process(self, event: Account.Event, account_id: str, position: int) -> None:
        """A status change changes no lot by itself: its outcomes are events of their own."""

    @process.register
    def _opened(self, event: Account.AccountOpened, account_id: str, position: int) -> None:
        self.account_opened(event, account_id)

    @process.register
    def _granted(self, event: Account.RightGranted, account_id: str, position: int) -> None:
        self.view.lot_granted(account_id, event)

    @process.register
    def _used(self, event: Account.RightUsed, account_id: str, position: int) -> None:
        for lot, units in event.draws:
            self.view.lot_drawn(account_id, lot, units)

    @process.register
    def _carried(self, event: Account.RightTransferred, account_id: str, position: int) -> None:
        self.view.lot_moved(account_id, event.lot, LotState.USABLE)

    @process.register
    def _suspended(self, event: Account.RightSuspended, account_id: str, position: int) -> None:
        self.view.lot_moved(account_id, event.lot, LotState.SUSPENDED)

    @process.register
    def _forfeited(self, event: Account.RightForfeited, account_id: str, position: int) -> None:
        self.view.lot_closed(account_id, event.lot, LotState.FORFEITED)

    @process.register
    def _expired(self, event: Account.RightExpired, account_id: str, position: int) -> None:
        self.view.lot_closed(account_id, event.lot, LotState.EXPIRED)

    @process.register
    def _reversed(self, event: Account.EntryReversed, account_id: str, position: int) -> None:
        for lot, units, state in event.restores:
            self.view.lot_restored(account_id, lot, units, state)

    def account_opened(self, event: Account.AccountOpened, account_id: str) -> None:
        """An account starts without lots."""


class BalancesProjection(LotsProjection[LotsView]):
    name = "balances"
    tables = ("balance_lots",)

    @classmethod
    def build(cls, store: Store, suffix: str, originals: Originals) -> BalancesProjection:
        return cls(LotTable(store, "balance_lots" + suffix))
