"""Expiring: the lots that have an expiry date, per citizen, to find what runs out soon.

The same lot rows as the balances projection, limited to lots with an expiry date, plus
the masked INSZ of each account (birth date only) so a report can be read by people.
"""

from __future__ import annotations

from abc import abstractmethod

from ledger.domain.account import Account
from ledger.domain.identifiers import parse_insz
from ledger.projections.balances import LotsProjection, LotsView, LotTable
from ledger.projections.base import Originals
from ledger.projections.store import Store


class ExpiringView(LotsView):
    @abstractmethod
    def citizen_opened(self, account_id: str, masked_insz: str) -> None: ...


class ExpiringTables(LotTable, ExpiringView):
    def __init__(self, store: Store, suffix: str) -> None:
        super().__init__(store, "expiring_lots" + suffix, only_expiring=True)
        self.citizens_table = "expiring_citizens" + suffix
        self.citizens: list[tuple[str, str]] = []

    def citizen_opened(self, account_id: str, masked_insz: str) -> None:
        self.citizens.append((account_id, masked_insz))

    def flush(self) -> None:
        super().flush()
        self.store.insert(self.citizens_table, ("account_id", "citizen"), self.citizens)
        self.citizens = []


class ExpiringProjection(LotsProjection[ExpiringView]):
    name = "expiring"
    tables = ("expiring_lots", "expiring_citizens")

    @classmethod
    def build(cls, store: Store, suffix: str, originals: Originals) -> ExpiringProjection:
        return cls(ExpiringTables(store, suffix))

    def account_opened(self, event: Account.AccountOpened, account_id: str) -> None:
        self.view.citizen_opened(account_id, parse_insz(event.insz).masked)
