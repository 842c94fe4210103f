"""The typed parts of an Account's state besides its lots: running totals per right, the
reversible entries, the movements caps sum over, and the reversal requests.

Each is a small value the account's events assign to. They are stored in snapshots through
the transcodings in ``ledger/store/transcodings.py``, each as short JSON lists (``as_row``/
``from_row``, ``as_rows``/``from_rows``), and built from the older dict shape by
``Account.upcast_v1_v2``.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, NamedTuple, Protocol

from ledger.domain.career import Career
from ledger.domain.catalogue import CapCounts
from ledger.domain.facts import Facts
from ledger.domain.idempotency import References
from ledger.domain.lots import Lot

TOTAL_KEYS = ("granted", "used", "expired", "forfeited", "usable", "suspended", "reserved")
# The order people read them in: granted = used + reserved + expired + forfeited + usable +
# suspended (``TOTAL_KEYS`` is the order of a snapshot's row).
IDENTITY_KEYS = ("granted", "used", "reserved", "expired", "forfeited", "usable", "suspended")


@dataclass(slots=True)
class RightTotals:
    """Invariant 1 per right: granted = used + reserved + expired + forfeited + usable +
    suspended (``reserved``: held for a training, not yet used; last, so that the rows of
    snapshots from before bookings read as before)."""

    granted: int = 0
    used: int = 0
    expired: int = 0
    forfeited: int = 0
    usable: int = 0
    suspended: int = 0
    reserved: int = 0

    def add(self, key: str, units: int) -> None:
        """Add to the total named ``key`` (a lot state or a ``TOTAL_KEYS`` name)."""
        setattr(self, key, getattr(self, key) + units)

    def as_dict(self) -> dict[str, int]:
        """The totals in the order of the identity (granted = used + reserved + ...)."""
        return {key: getattr(self, key) for key in IDENTITY_KEYS}

    def as_row(self) -> list[int]:
        return [
            self.granted, self.used, self.expired, self.forfeited, self.usable, self.suspended,
            self.reserved,
        ]  # fmt: skip

    @classmethod
    def from_row(cls, row: list[int]) -> RightTotals:
        return cls(*row)


class EntryKind(StrEnum):
    """The entries a reversal can compensate, by the event that made them."""

    GRANT = "grant"
    USE = "use"
    FORFEIT = "forfeit"


@dataclass(slots=True)
class Entry:
    """A reversible entry: a grant names its lot, a use its draws and date, a forfeit its
    lot and the units it took."""

    kind: EntryKind
    lot: str | None = None
    amount: int | None = None
    on: date | None = None
    draws: list[list[Any]] | None = None  # [[lot_id, units], ...] of a use
    reversed: bool = False
    track: str | None = None  # the track of a use (its reversal takes it off that track)

    @classmethod
    def from_v1(cls, entry: dict[str, Any]) -> Entry:
        return cls(
            EntryKind(entry["kind"]),
            lot=entry.get("lot"),
            amount=entry.get("amount"),
            on=entry.get("on"),
            draws=entry.get("draws"),
            reversed=bool(entry.get("reversed", False)),
        )


_KIND_OF = {kind.value: kind for kind in EntryKind}  # a look-up, faster than EntryKind(text)


class Entries(MutableMapping[str, Entry]):
    """The reversible entries by the version of the event that made them.

    Not a dict: a snapshot stores them as one list of plain rows (``as_rows``), read back
    in one pass, instead of one tagged JSON object per entry and per date in it (an
    account of 10,000 events loads its snapshot 20% faster that way).
    """

    __slots__ = ("by_version",)

    def __init__(self, by_version: dict[str, Entry] | None = None) -> None:
        self.by_version: dict[str, Entry] = {} if by_version is None else by_version

    def __getitem__(self, version: str) -> Entry:
        return self.by_version[version]

    def __setitem__(self, version: str, entry: Entry) -> None:
        self.by_version[version] = entry

    def __delitem__(self, version: str) -> None:
        del self.by_version[version]

    def __iter__(self) -> Iterator[str]:
        return iter(self.by_version)

    def __len__(self) -> int:
        return len(self.by_version)

    def __repr__(self) -> str:
        return f"Entries({self.by_version!r})"

    def as_rows(self) -> list[list[Any]]:
        # A use on a track has an eighth item: the rows of the others read as before.
        return [
            [version, e.kind.value, e.lot, e.amount, e.on and e.on.isoformat(), e.draws,
             e.reversed] + ([e.track] if e.track else [])
            for version, e in self.by_version.items()
        ]  # fmt: skip

    @classmethod
    def from_rows(cls, rows: list[list[Any]]) -> Entries:
        day = date.fromisoformat
        return cls({
            row[0]: Entry(
                _KIND_OF[row[1]], row[2], row[3], row[4] and day(row[4]), row[5], row[6],
                row[7] if len(row) > 7 else None,
            )
            for row in rows
        })  # fmt: skip


class MovementKey(NamedTuple):
    """What a cap sums over: the grants or the uses of one right, of all its tracks (None)
    or of one."""

    right: str
    counts: CapCounts
    track: str | None = None


class Movements:
    """Dated amounts per right and kind (``MovementKey``): what caps sum over. A reversal
    adds a negative movement on the date of the entry it reverses."""

    __slots__ = ("by_key",)

    def __init__(self, by_key: dict[MovementKey, list[list[Any]]] | None = None) -> None:
        self.by_key: dict[MovementKey, list[list[Any]]] = {} if by_key is None else by_key

    def add(
        self, right: str, counts: CapCounts, on: date, amount: int, track: str | None = None
    ) -> None:
        """Add to the right's movements, and to its track's when the entry has one."""
        self._add(MovementKey(right, counts), on, amount)
        if track is not None:
            self._add(MovementKey(right, counts, track), on, amount)

    def _add(self, key: MovementKey, on: date, amount: int) -> None:
        found = self.by_key.get(key)
        if found is None:
            self.by_key[key] = [[on, amount]]
        else:
            found.append([on, amount])

    def in_window(
        self, key: MovementKey, start: date, end: date, default_track: str | None = None
    ) -> int:
        """What moved under ``key`` in [start, end). The default track also counts the
        movements of no track (entries made before the right had tracks)."""
        total = _window_sum(self.by_key.get(key, ()), start, end)
        if key.track is not None and key.track == default_track:
            everything = _window_sum(self.by_key.get(key._replace(track=None), ()), start, end)
            tracked = sum(
                _window_sum(moves, start, end)
                for other, moves in self.by_key.items()
                if other.track is not None and other[:2] == key[:2]
            )
            total += everything - tracked
        return total

    def get(self, key: MovementKey) -> list[list[Any]]:
        """``[[date, amount], ...]`` in the order they happened; empty when none."""
        return self.by_key.get(key, [])

    def copy(self) -> Movements:
        """Another ``Movements`` to add to, leaving this one as it is."""
        return Movements({key: list(moves) for key, moves in self.by_key.items()})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Movements) and self.by_key == other.by_key

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"Movements({self.by_key!r})"

    def as_rows(self) -> list[list[Any]]:
        # A track's row has a fourth item: rows of all tracks read as before.
        return [
            [key.right, key.counts.value, moves] + ([key.track] if key.track else [])
            for key, moves in self.by_key.items()
        ]

    @classmethod
    def from_rows(cls, rows: list[list[Any]]) -> Movements:
        return cls({
            MovementKey(row[0], CapCounts(row[1]), row[3] if len(row) > 3 else None): row[2]
            for row in rows
        })  # fmt: skip

    @classmethod
    def from_v1(cls, movements: dict[str, list[list[Any]]]) -> Movements:
        """From ``{"right|grants": [...]}``; a right's name may hold a ``|``, a count not."""
        found: dict[MovementKey, list[list[Any]]] = {}
        for key, moves in movements.items():
            right, counts = key.rsplit("|", 1)
            found[MovementKey(right, CapCounts(counts))] = moves
        return cls(found)


def _window_sum(moves: Any, start: date, end: date) -> int:
    return sum(amount for day, amount in moves if start <= day < end)


@dataclass(slots=True)
class ReversalRequest:
    """Four eyes: a reversal asked for by one person, waiting for another's approval."""

    entry: int
    reason: str
    actor: str
    on: date
    approved: bool = False

    def as_row(self) -> list[Any]:
        return [self.entry, self.reason, self.actor, self.on, self.approved]

    @classmethod
    def from_row(cls, row: list[Any]) -> ReversalRequest:
        return cls(*row)


@dataclass(slots=True)
class ReviewCase:
    """A late fact recorded although it makes later entries invalid: the entries it
    affects (``Conflict`` rows: version, date, event, reason), open until back office
    closes it with a reason (after reversing what had to be reversed)."""

    opened_on: date
    fact_on: date
    conflicts: list[list[Any]]
    actor: str
    closed_reason: str | None = None
    closed_by: str | None = None

    @property
    def is_open(self) -> bool:
        return self.closed_reason is None

    def as_row(self) -> list[Any]:
        return [
            self.opened_on, self.fact_on, self.conflicts, self.actor, self.closed_reason,
            self.closed_by,
        ]  # fmt: skip

    @classmethod
    def from_row(cls, row: list[Any]) -> ReviewCase:
        opened_on, fact_on, conflicts, actor, reason, by = row
        return cls(opened_on, fact_on, [list(c) for c in conflicts], actor, reason, by)


class AccountState(Protocol):
    """What the Account's command mixins (``ledger.domain.writes``, ``.reversals``) use of
    the Account: its state, its event classes and the methods that trigger them."""

    status: str  # a label of the latest statuses (``career.status_label``)
    career: Career
    opened_on: date
    last_on: date
    lots: dict[str, Lot]
    totals: dict[str, RightTotals]
    movements: Movements
    entries: Entries
    references: References
    reversal_requests: dict[str, ReversalRequest]
    review_cases: dict[str, ReviewCase]
    fundings: dict[str, list[list[Any]]]
    facts: Facts
    education: str | None  # at opening; later levels are facts
    reservations: dict[str, Any]  # by reference: ``bookings.Reservation``

    @property
    def version(self) -> int: ...

    def trigger_event(self, event_class: Any, **kwargs: Any) -> None: ...

    def expire_due(self, day: date, actor: str) -> int: ...

    def lapse_due(self, day: date, actor: str) -> int: ...

    def totals_for(self, right: str) -> RightTotals: ...

    def lots_of(self, right: str) -> list[Lot]: ...

    # The Account's nested event classes (their topics are stored: they live in account.py).
    @property
    def StatusChanged(self) -> type[Any]: ...
    @property
    def FactRecorded(self) -> type[Any]: ...
    @property
    def ReviewOpened(self) -> type[Any]: ...
    @property
    def ReviewClosed(self) -> type[Any]: ...
    @property
    def EmploymentStarted(self) -> type[Any]: ...
    @property
    def EmploymentEnded(self) -> type[Any]: ...
    @property
    def EmploymentSuspended(self) -> type[Any]: ...
    @property
    def SituationStarted(self) -> type[Any]: ...
    @property
    def SituationEnded(self) -> type[Any]: ...
    @property
    def RightGranted(self) -> type[Any]: ...
    @property
    def RightUsed(self) -> type[Any]: ...
    @property
    def RightTransferred(self) -> type[Any]: ...
    @property
    def RightSuspended(self) -> type[Any]: ...
    @property
    def RightForfeited(self) -> type[Any]: ...
    @property
    def RightExpired(self) -> type[Any]: ...
    @property
    def EntryReversed(self) -> type[Any]: ...
    @property
    def ReversalRequested(self) -> type[Any]: ...
    @property
    def ReversalApproved(self) -> type[Any]: ...
    @property
    def UnitsReserved(self) -> type[Any]: ...
    @property
    def ReservationConfirmed(self) -> type[Any]: ...
    @property
    def ReservationCancelled(self) -> type[Any]: ...
    @property
    def ReservationLapsed(self) -> type[Any]: ...
