"""What the bookings and corrections page offers, read from the citizen's history through
the Ledger acting as the reader (``Ledger.history``: role-checked and written to the access
log with the reader's reason, as ``llr history`` is): the open reservations to confirm or
cancel, the entries a reversal may be asked for, and the requests that wait for a second
person. Each entry is put in words: date, kind, right and amount in the reader's notation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from console.i18n import Speech
from console.words import N_
from ledger.application import Ledger
from ledger.domain import amounts
from ledger.domain.catalogue import Catalogue
from ledger.domain.errors import LedgerError
from ledger.domain.identifiers import parse_insz
from ledger.domain.views import HistoryEntry
from ledger.projections.reversal_queue import WaitingRequest, waiting_requests

# The kinds of entry a reversal compensates, in the reader's words.
KINDS = {"RightGranted": N_("grant"), "RightUsed": N_("use"), "RightForfeited": N_("forfeit")}
HELD_UNTIL = N_("held until")
CLOSING = frozenset({"ReservationConfirmed", "ReservationCancelled", "ReservationLapsed"})


@dataclass(frozen=True)
class Choice:
    value: str  # what the form sends: an event id, a reservation's reference
    words: str  # what the reader reads


@dataclass(frozen=True)
class WaitingRow:
    request: int
    entry: str  # the entry it reverses, in words
    requested_by: str
    requested_at: str
    reason: str
    takes_effect_on: str


@dataclass(frozen=True)
class EntriesPage:
    insz: str  # as the reader's role may see it
    reservations: tuple[Choice, ...]
    reversible: tuple[Choice, ...]
    waiting: tuple[WaitingRow, ...]

    @property
    def reservation_options(self) -> tuple[tuple[str, str], ...]:
        return tuple((choice.value, choice.words) for choice in self.reservations)

    @property
    def entry_options(self) -> tuple[tuple[str, str], ...]:
        return tuple((choice.value, choice.words) for choice in self.reversible)


def read_entries(ledger: Ledger, insz: str, reason: str | None, speech: Speech) -> EntriesPage:
    entries = ledger.history(insz, reason=reason).entries
    waiting = waiting_requests(entries)
    words = EntryWords(ledger.catalogue, speech)
    return EntriesPage(
        insz=ledger.shown(parse_insz(insz)),
        reservations=tuple(
            Choice(e.reference or "", words.reservation(e)) for e in open_reservations(entries)
        ),
        reversible=tuple(
            Choice(str(e.event_id), words.entry(e)) for e in reversible(entries, waiting)
        ),
        waiting=tuple(words.waiting(w) for w in waiting),
    )


def open_reservations(entries: Sequence[HistoryEntry]) -> list[HistoryEntry]:
    """The reservations no confirm, cancel or lapse has closed yet."""
    closed = {e.details.get("reservation") for e in entries if e.event in CLOSING}
    return [e for e in entries if e.event == "UnitsReserved" and e.reference not in closed]


def reversible(
    entries: Sequence[HistoryEntry], waiting: Sequence[WaitingRequest]
) -> list[HistoryEntry]:
    """Grants, uses and forfeits not reversed and with no request waiting; newest first,
    as the reader most often corrects what was just written. The Ledger still decides
    (a lot drawn from since cannot lose its grant)."""
    done = {e.details.get("entry") for e in entries if e.event == "EntryReversed"}
    done |= {w.entry.event_id for w in waiting}
    found = [e for e in entries if e.event in KINDS and e.event_id not in done]
    return list(reversed(found))


class EntryWords:
    """Entries in the reader's words: ``1 mrt 2025 · grant · federal-training-days ·
    2,5 dagen · S-1``."""

    def __init__(self, catalogue: Catalogue, speech: Speech) -> None:
        self.catalogue, self.speech = catalogue, speech

    def amount(self, entry: HistoryEntry) -> str:
        if entry.amount is None or entry.right is None:
            return ""
        try:
            unit = self.catalogue.right(entry.right).unit.value
        except LedgerError:  # a right no longer in the catalogue still shows, unit-less
            return self.speech.number(entry.amount)
        number = self.speech.number(amounts.json_number(entry.amount, unit))
        return f"{number} {self.speech.gettext(unit)}"

    def entry(self, entry: HistoryEntry) -> str:
        parts = (self.speech.day(entry.on), self.speech.gettext(KINDS[entry.event]),
                 entry.right or "", self.amount(entry), entry.reference or "")  # fmt: skip
        return " · ".join(part for part in parts if part)

    def reservation(self, entry: HistoryEntry) -> str:
        until = self.speech.day(entry.details.get("hold_until"))
        parts = (entry.reference or "", entry.right or "", self.amount(entry),
                 str(entry.details.get("training", "")),
                 f"{self.speech.gettext(HELD_UNTIL)} {until}")  # fmt: skip
        return " · ".join(part for part in parts if part)

    def waiting(self, waiting: WaitingRequest) -> WaitingRow:
        request = waiting.request
        return WaitingRow(
            request=waiting.request_id, entry=self.entry(waiting.entry),
            requested_by=request.actor, requested_at=self.speech.moment(request.recorded_at),
            reason=waiting.reason, takes_effect_on=self.speech.day(waiting.takes_effect_on),
        )  # fmt: skip
