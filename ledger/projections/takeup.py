"""Take-up: is the account reaching people with low qualifications (the Matthew effect)?

Per citizen, right type and school year: what was granted, used, expired and forfeited.
Each such row belongs to one group (education, status, age band): the citizen's group at
their first entry of that school year for that right, so every citizen counts once per
right and year and the share of holders who used a right is a plain count. Reports sum the
rows per group. Periods are school years (1 Sep - 31 Aug): training leave, training
vouchers and their caps run by school year in Flanders.

Attribution: an expiry counts in the school year of the lot's last usable day (an
end-of-school-year lot expires on 1 September but belongs to the year that just ended); a
reversal counts against the school year of the entry it reverses.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterable
from datetime import date, timedelta
from functools import singledispatchmethod
from typing import Any

from ledger.domain.account import Account
from ledger.domain.identifiers import parse_insz
from ledger.projections.base import Originals, Projection, View, age_band, school_year
from ledger.projections.store import ProjectionError, Store

CITIZEN_COLUMNS = ("account_id", "education", "birth_year", "status")
FACT_COLUMNS = (
    "account_id", "right_code", "period", "education", "status", "age_band",
    "granted", "used", "expired", "forfeited",
)  # fmt: skip
MEASURES = ("granted", "used", "expired", "forfeited")
MEASURE_INDEX = {measure: FACT_COLUMNS.index(measure) for measure in MEASURES}
ONE_DAY = timedelta(days=1)
REVERSED_MEASURE = {"RightGranted": "granted", "RightUsed": "used", "RightForfeited": "forfeited"}


class TakeUpView(View):
    @abstractmethod
    def citizen_opened(
        self, account_id: str, education: str, birth_year: int | None, status: str
    ) -> None: ...

    @abstractmethod
    def citizen_moved(self, account_id: str, status: str) -> None: ...

    @abstractmethod
    def counted(self, account_id: str, right: str, on: date, measure: str, amount: int) -> None:
        """Add ``amount`` (negative for a reversal) to a measure of the period of ``on``."""


class TakeUpTables(TakeUpView):
    def __init__(self, store: Store, suffix: str) -> None:
        self.store = store
        self.citizens_table, self.facts_table = "takeup_citizens" + suffix, "takeup_facts" + suffix
        self.citizens: dict[str, list[Any]] = {}
        self.changed: set[str] = set()
        self.facts: dict[tuple[str, str, str], list[Any]] = {}
        self.periods: dict[date, str] = {}  # caches: a batch has few distinct dates
        self.bands: dict[tuple[int | None, str], str] = {}  # and few birth years

    def prefetch(self, account_ids: Iterable[str]) -> None:
        found = self.store.select_accounts(self.citizens_table, CITIZEN_COLUMNS, account_ids)
        self.citizens = {str(row[0]): [str(row[0]), *row[1:]] for row in found}

    def citizen_opened(
        self, account_id: str, education: str, birth_year: int | None, status: str
    ) -> None:
        self.citizens[account_id] = [account_id, education, birth_year, status]
        self.changed.add(account_id)

    def citizen_moved(self, account_id: str, status: str) -> None:
        self.citizen(account_id)[3] = status
        self.changed.add(account_id)

    def citizen(self, account_id: str) -> list[Any]:
        found = self.citizens.get(account_id)
        if found is None:
            raise ProjectionError(
                f"{self.citizens_table}: account {account_id} is missing, so the table no "
                "longer matches the events; rebuild it (llr projections rebuild takeup)"
            )
        return found

    def counted(self, account_id: str, right: str, on: date, measure: str, amount: int) -> None:
        period = self.periods.get(on)
        if period is None:
            period = self.periods[on] = school_year(on)
        key = (account_id, right, period)
        fact = self.facts.get(key)
        if fact is None:
            _, education, birth_year, status = self.citizen(account_id)
            band = self.bands.get((birth_year, period))
            if band is None:
                band = self.bands[(birth_year, period)] = age_band(birth_year, period)
            fact = [account_id, right, period, education, status, band, 0, 0, 0, 0]
            self.facts[key] = fact
        fact[MEASURE_INDEX[measure]] += amount

    def flush(self) -> None:
        citizens = [self.citizens[a] for a in self.changed]
        self.store.upsert(self.citizens_table, CITIZEN_COLUMNS, ("account_id",), citizens)
        self.store.upsert(
            self.facts_table, FACT_COLUMNS, FACT_COLUMNS[:3], list(self.facts.values()),
            add=MEASURES, keep=("education", "status", "age_band"),
        )  # fmt: skip
        self.citizens, self.changed, self.facts = {}, set(), {}


class TakeUpProjection(Projection[TakeUpView]):
    name = "takeup"
    tables = ("takeup_citizens", "takeup_facts")

    def __init__(self, view: TakeUpView, originals: Originals) -> None:
        super().__init__(view)
        self.originals = originals

    @classmethod
    def build(cls, store: Store, suffix: str, originals: Originals) -> TakeUpProjection:
        return cls(TakeUpTables(store, suffix), originals)

    @singledispatchmethod
    def process(self, event: Account.Event, account_id: str, position: int) -> None:
        """Transfers and suspensions move nothing in or out of the account."""

    @process.register
    def _opened(self, event: Account.AccountOpened, account_id: str, position: int) -> None:
        birth_year = parse_insz(event.insz).birth_year
        education = event.education or "unknown"
        self.view.citizen_opened(account_id, education, birth_year, event.status)

    @process.register
    def _status(self, event: Account.StatusChanged, account_id: str, position: int) -> None:
        self.view.citizen_moved(account_id, event.to_status)

    @process.register
    def _granted(self, event: Account.RightGranted, account_id: str, position: int) -> None:
        self.view.counted(account_id, event.right, event.on, "granted", event.amount)

    @process.register
    def _used(self, event: Account.RightUsed, account_id: str, position: int) -> None:
        self.view.counted(account_id, event.right, event.on, "used", event.amount)

    @process.register
    def _expired(self, event: Account.RightExpired, account_id: str, position: int) -> None:
        last_usable = event.on - ONE_DAY
        self.view.counted(account_id, event.right, last_usable, "expired", event.amount)

    @process.register
    def _forfeited(self, event: Account.RightForfeited, account_id: str, position: int) -> None:
        self.view.counted(account_id, event.right, event.on, "forfeited", event.amount)

    @process.register
    def _reversed(self, event: Account.EntryReversed, account_id: str, position: int) -> None:
        original = self.originals(event.originator_id, event.entry)
        measure = REVERSED_MEASURE[event.entry_event]
        self.view.counted(account_id, event.right, original.on, measure, -event.amount)
