"""Expiring: who holds the lots that run out soon, so the report can be read by people.

The lots themselves are the balances projection's rows (``balance_lots``, whose partial
index finds the open lots by expiry date): keeping a second copy of every lot cost a
quarter of a rebuild. This projection keeps, per account, the masked INSZ (birth date
only), encrypted with the store's cipher when it has one (``personal_fields.py``): the birth date is
personal data.
"""

from __future__ import annotations

from abc import abstractmethod
from functools import singledispatchmethod

from ledger.domain.account import Account
from ledger.domain.identifiers import parse_insz
from ledger.projections.base import Context, Projection, View
from ledger.projections.personal_fields import FieldCipher
from ledger.store.read_models.base import Store

CITIZEN_COLUMNS = ("account_id", "citizen")


class ExpiringView(View):
    @abstractmethod
    def citizen_opened(self, account_id: str, masked_insz: str) -> None: ...


class ExpiringCitizens(ExpiringView):
    def __init__(self, store: Store, table: str, cipher: FieldCipher) -> None:
        self.store, self.table, self.cipher = store, table, cipher
        self.citizens: list[tuple[str, str]] = []

    def citizen_opened(self, account_id: str, masked_insz: str) -> None:
        self.citizens.append((account_id, self.cipher.encrypt(masked_insz)))

    def flush(self) -> None:
        self.store.insert(self.table, CITIZEN_COLUMNS, self.citizens)
        self.citizens = []


class ExpiringProjection(Projection[ExpiringView]):
    name = "expiring"
    tables = ("expiring_citizens",)

    @classmethod
    def build(cls, store: Store, suffix: str, context: Context) -> ExpiringProjection:
        return cls(ExpiringCitizens(store, "expiring_citizens" + suffix, context.cipher))

    @singledispatchmethod
    def process(self, event: Account.Event, account_id: str, position: int) -> None:
        """Only an opening names the citizen."""

    @process.register
    def _opened(self, event: Account.AccountOpened, account_id: str, position: int) -> None:
        self.view.citizen_opened(account_id, parse_insz(event.insz).masked)
