"""What every projection is: handlers per event class over a view.

A projection's ``process`` is a ``singledispatchmethod``: one handler per Account event
class it cares about, each calling one update method of its view. The view is an abstract
class (one method per kind of update) implemented over a :class:`Store`, which holds the
backend's SQL. Views fold a whole batch of events in memory and write it in ``flush``, so a
catch-up costs a few statements per thousand events, not one per event.
"""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import singledispatchmethod
from typing import Any, ClassVar, Generic, TypeVar, cast
from uuid import UUID

from ledger.domain.account import Account
from ledger.domain.catalogue import school_year_start
from ledger.projections.sealing import Sealer
from ledger.projections.store import Store

# process(self, event, account_id, position), unbound.
Handler = Callable[[Any, Any, str, int], None]
# The event an EntryReversed names: (account id, version) -> event, read from the store.
Originals = Callable[[UUID, int], Account.Event]


@dataclass(frozen=True)
class Context:
    """What a projection may need besides its rows: the events an ``EntryReversed`` names,
    and the sealer of personal values (the store's cipher, if it has one)."""

    originals: Originals
    sealer: Sealer


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

    def handler_for(self, event_class: type) -> Handler | None:
        """``process`` for one event class, looked up once per batch rather than per event
        (a ``singledispatchmethod`` rebuilds its wrapper on every attribute access); None
        when the class falls to a ``process`` default that does nothing."""
        method = inspect.getattr_static(type(self), "process")
        if not isinstance(method, singledispatchmethod):
            return cast(Handler, method)
        found = method.dispatcher.dispatch(event_class)
        if self.skips_others and found is method.dispatcher.registry[object]:
            return None
        return cast(Handler, found)


class IsoDays(dict[date, str]):
    """date -> ISO text, remembered: a batch has few distinct dates, and ``isoformat`` on
    every event of a rebuild adds up."""

    def __missing__(self, day: date) -> str:
        text = self[day] = day.isoformat()
        return text


class SchoolYears(dict[date, str]):
    """date -> its school year, remembered (see ``IsoDays``)."""

    def __missing__(self, day: date) -> str:
        period = self[day] = school_year(day)
        return period


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
