"""What every projection is: handlers per event class over a view.

A projection's ``process`` is a ``singledispatchmethod``: one handler per Account event
class it cares about, each calling one update method of its view. The view is an abstract
class (one method per kind of update) implemented over a :class:`Store`, which holds the
backend's SQL. Views fold a whole batch of events in memory and write it in ``flush``, so a
catch-up costs a few statements per thousand events, not one per event.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import ClassVar, Generic, TypeVar
from uuid import UUID

from ledger.domain.account import Account
from ledger.domain.catalogue import school_year_start
from ledger.projections.personal_fields import FieldCipher
from ledger.store.read_models.base import Store

# The event an EntryReversed names: (account id, version) -> event, read from the store.
Originals = Callable[[UUID, int], Account.Event]


@dataclass(frozen=True)
class Context:
    """What a projection may need besides its rows: the events an ``EntryReversed`` names,
    and the cipher of personal values (the store's, if it has one)."""

    originals: Originals
    cipher: FieldCipher


class View(ABC):
    """Where a projection's rows go. Changes fold in memory over one batch (one
    transaction), which is read in pages; ``flush`` writes them at the end of the batch."""

    def prefetch(self, account_ids: Iterable[str]) -> None:  # noqa: B027 (optional hook)
        """Before each page: load what its events will change, for these accounts, unless
        it is in memory already (default: nothing)."""

    @abstractmethod
    def flush(self) -> None:
        """Write the batch's changes (inside the batch's transaction)."""


V = TypeVar("V", bound=View)


class Projection(ABC, Generic[V]):
    name: ClassVar[str]
    tables: ClassVar[tuple[str, ...]]  # the tables it owns (rebuilt and swapped together)
    skips_others: ClassVar[bool] = True  # the default ``process`` ignores the event
    # ``process`` is a ``singledispatchmethod`` in each projection: ``dispatch.py`` looks
    # its handlers up once per event class.

    def __init__(self, view: V) -> None:
        self.view = view

    @classmethod
    @abstractmethod
    def build(cls, store: Store, suffix: str, context: Context) -> Projection[V]:
        """The projection writing to ``table + suffix`` (suffix "_next" during a rebuild)."""

    @abstractmethod
    def process(self, event: Account.Event, account_id: str, position: int) -> None:
        """Apply one event of the account ``account_id`` (the stream id as text);
        ``position`` is its notification id."""


def school_year(day: date) -> str:
    """The period take-up is counted in: the school year, e.g. "2024-25" (1 Sep - 31 Aug)."""
    start = school_year_start(day).year
    return f"{start}-{(start + 1) % 100:02d}"


AGE_BANDS = ((25, "<25"), (35, "25-34"), (45, "35-44"), (55, "45-54"))


def age_band(birth_year: int | None, period: str) -> str:
    """The age band at the start of a period, from the birth year alone."""
    if birth_year is None:
        return "unknown"
    age = int(period[:4]) - birth_year
    for limit, label in AGE_BANDS:
        if age < limit:
            return label
    return "55+"
