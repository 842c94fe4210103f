"""Sources: what each source granted and reported used, per batch and right type, for
reconciliation with the senders' own totals. Amounts are as sent; what was later reversed
is counted apart (``reversed_granted``, ``reversed_used``), against the original entry's
source and batch, so both the sender's figure and the net figure can be read."""

from __future__ import annotations

from abc import abstractmethod
from functools import singledispatchmethod
from typing import Any

from ledger.domain.account import Account
from ledger.projections.base import Context, Originals, Projection, View
from ledger.store.read_models.base import Store

SOURCE_COLUMNS = (
    "source", "batch", "right_code", "grants", "granted", "uses", "used",
    "reversed_granted", "reversed_used",
)  # fmt: skip
SOURCE_KEYS = SOURCE_COLUMNS[:3]
COLUMN_INDEX = {column: index for index, column in enumerate(SOURCE_COLUMNS)}
NO_SOURCE = ""  # uses entered by staff name no source; batch "" means no batch


class SourcesView(View):
    @abstractmethod
    def granted(self, source: str, batch: str, right: str, amount: int) -> None: ...

    @abstractmethod
    def used(self, source: str, batch: str, right: str, amount: int) -> None: ...

    @abstractmethod
    def reversed(self, source: str, batch: str, right: str, measure: str, amount: int) -> None:
        """A grant (``measure`` "granted") or use ("used") of that source and batch was
        reversed."""


class SourceTotals(SourcesView):
    def __init__(self, store: Store, table: str) -> None:
        self.store, self.table = store, table
        self.totals: dict[tuple[str, str, str], list[Any]] = {}

    def add(self, key: tuple[str, str, str], column: str, amount: int, count: int) -> None:
        row = self.totals.get(key)
        if row is None:
            row = self.totals[key] = [*key, 0, 0, 0, 0, 0, 0]
        index = COLUMN_INDEX[column]
        row[index] += amount
        if count:
            row[index - 1] += count  # grants / uses: the column just before the amount

    def granted(self, source: str, batch: str, right: str, amount: int) -> None:
        self.add((source, batch, right), "granted", amount, 1)

    def used(self, source: str, batch: str, right: str, amount: int) -> None:
        self.add((source, batch, right), "used", amount, 1)

    def reversed(self, source: str, batch: str, right: str, measure: str, amount: int) -> None:
        self.add((source, batch, right), f"reversed_{measure}", amount, 0)

    def flush(self) -> None:
        rows = list(self.totals.values())
        self.store.upsert(self.table, SOURCE_COLUMNS, SOURCE_KEYS, rows, add=SOURCE_COLUMNS[3:])
        self.totals = {}


class SourcesProjection(Projection[SourcesView]):
    name = "sources"
    tables = ("source_totals",)

    def __init__(self, view: SourcesView, originals: Originals) -> None:
        super().__init__(view)
        self.originals = originals

    @classmethod
    def build(cls, store: Store, suffix: str, context: Context) -> SourcesProjection:
        return cls(SourceTotals(store, "source_totals" + suffix), context.originals)

    @singledispatchmethod
    def process(self, event: Account.Event, account_id: str, position: int) -> None:
        """Only grants, uses and their reversals come from a source."""

    @process.register
    def _granted(self, event: Account.RightGranted, account_id: str, position: int) -> None:
        self.view.granted(event.source, event.batch or "", event.right, event.amount)

    @process.register
    def _used(self, event: Account.RightUsed, account_id: str, position: int) -> None:
        self.view.used(event.source or NO_SOURCE, event.batch or "", event.right, event.amount)

    @process.register
    def _redeemed(
        self, event: Account.ReservationConfirmed, account_id: str, position: int
    ) -> None:
        self.view.used(NO_SOURCE, event.batch or "", event.right, event.amount)

    @process.register
    def _reversed(self, event: Account.EntryReversed, account_id: str, position: int) -> None:
        if event.entry_event not in ("RightGranted", "RightUsed"):
            return  # a reversed forfeit gives back what the account lost: no source's entry
        original: Any = self.originals(event.originator_id, event.entry)
        measure = "granted" if event.entry_event == "RightGranted" else "used"
        source = getattr(original, "source", None) or NO_SOURCE  # a confirm names none
        self.view.reversed(source, original.batch or "", event.right, measure, event.amount)
