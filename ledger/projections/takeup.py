"""Take-up: is the account reaching people with low qualifications (the Matthew effect)?

Per citizen, right type and school year: what was granted, used, expired and forfeited.
Each such row belongs to one group (education, status, age band), so every citizen counts
once per right and year and the share of holders who used a right is a plain count.
Reports sum the rows per group. Periods are school years (1 Sep - 31 Aug): training leave,
training vouchers and their caps run by school year in Flanders.

The group: the status is the citizen's status at their first entry of that school year for
that right, kept on the row; the education level (given at opening) and the age band (from
the birth year and the period) come from the citizen's row. Education and birth year are
personal data: the citizen's row keeps them as one "profile" text (``low|1993``), encrypted
with the store's cipher when it has one (``personal_fields.py``), and the report reads it back.

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
from ledger.projections.base import Context, Originals, Projection, View
from ledger.projections.memos import SchoolYearTexts
from ledger.projections.personal_fields import FieldCipher
from ledger.store.read_models.base import ProjectionError, Store

CITIZEN_COLUMNS = ("account_id", "profile", "status")
FACT_COLUMNS = (
    "account_id", "right_code", "period", "status", "granted", "used", "expired", "forfeited",
)  # fmt: skip
MEASURES = ("granted", "used", "expired", "forfeited")
MEASURE_INDEX = {measure: FACT_COLUMNS.index(measure) for measure in MEASURES}
ONE_DAY = timedelta(days=1)
REVERSED_MEASURE = {"RightGranted": "granted", "RightUsed": "used", "RightForfeited": "forfeited"}
STATUS = CITIZEN_COLUMNS.index("status")


def profile_text(education: str, birth_year: int | None) -> str:
    """What take-up needs to know of a person, as one text: "low|1993", "unknown|"."""
    return f"{education}|{'' if birth_year is None else birth_year}"


def parse_profile(text: str) -> tuple[str, int | None]:
    education, _, year = text.partition("|")
    return education, int(year) if year else None


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
    def __init__(self, store: Store, suffix: str, cipher: FieldCipher) -> None:
        self.store, self.cipher = store, cipher
        self.citizens_table, self.facts_table = "takeup_citizens" + suffix, "takeup_facts" + suffix
        self.citizens: dict[str, list[Any]] = {}
        self.changed: set[str] = set()
        self.facts: dict[tuple[str, str, str], list[Any]] = {}
        self.periods = SchoolYearTexts()

    def prefetch(self, account_ids: Iterable[str]) -> None:
        """The citizens of a page's events, unless an earlier page of the batch has them."""
        missing = [a for a in account_ids if a not in self.citizens]
        if missing:
            found = self.store.select_accounts(self.citizens_table, CITIZEN_COLUMNS, missing)
            for row in found:
                self.citizens[str(row[0])] = [str(row[0]), *row[1:]]

    def citizen_opened(
        self, account_id: str, education: str, birth_year: int | None, status: str
    ) -> None:
        profile = self.cipher.encrypt(profile_text(education, birth_year))
        self.citizens[account_id] = [account_id, profile, status]
        self.changed.add(account_id)

    def citizen_moved(self, account_id: str, status: str) -> None:
        self.citizen(account_id)[STATUS] = status
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
        period = self.periods[on]
        key = (account_id, right, period)
        fact = self.facts.get(key)
        if fact is None:
            status = self.citizen(account_id)[STATUS]
            fact = self.facts[key] = [account_id, right, period, status, 0, 0, 0, 0]
        fact[MEASURE_INDEX[measure]] += amount

    def flush(self) -> None:
        # In key order, as the lots (see LotTable.flush).
        citizens = [self.citizens[a] for a in sorted(self.changed)]
        facts = [self.facts[key] for key in sorted(self.facts)]
        self.store.upsert(self.citizens_table, CITIZEN_COLUMNS, ("account_id",), citizens)
        self.store.upsert(
            self.facts_table, FACT_COLUMNS, FACT_COLUMNS[:3], facts, add=MEASURES, keep=("status",)
        )
        self.citizens, self.changed, self.facts = {}, set(), {}


class TakeUpProjection(Projection[TakeUpView]):
    name = "takeup"
    tables = ("takeup_citizens", "takeup_facts")

    def __init__(self, view: TakeUpView, originals: Originals) -> None:
        super().__init__(view)
        self.originals = originals

    @classmethod
    def build(cls, store: Store, suffix: str, context: Context) -> TakeUpProjection:
        return cls(TakeUpTables(store, suffix, context.cipher), context.originals)

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
    def _career(self, event: Account.CareerEvent, account_id: str, position: int) -> None:
        self.view.citizen_moved(account_id, event.statuses)

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
    def _redeemed(
        self, event: Account.ReservationConfirmed, account_id: str, position: int
    ) -> None:
        self.view.counted(account_id, event.right, event.on, "used", event.amount)
        self._released(event, account_id, position)

    @process.register
    def _released(self, event: Account.ReservationClosed, account_id: str, position: int) -> None:
        # Units released to a lot that closed meanwhile follow its outcome.
        for _, units, state in event.released:
            if state in ("expired", "forfeited"):
                self.view.counted(account_id, event.right, event.on, state, units)

    @process.register
    def _reversed(self, event: Account.EntryReversed, account_id: str, position: int) -> None:
        original = self.originals(event.originator_id, event.entry)
        measure = REVERSED_MEASURE[event.entry_event]
        self.view.counted(account_id, event.right, original.on, measure, -event.amount)
