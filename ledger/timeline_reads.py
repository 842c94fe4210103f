"""The Ledger's reads for the citizen page: the timeline of one account, and what waits
on it for a second person (open review cases, reversals requested). A mixin of ``Ledger``.

Each is a read of the citizen's data: role-checked and written to the access log, with
the reader's reason, before anything is computed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from ledger.domain.account import Account
from ledger.domain.catalogue import Catalogue
from ledger.domain.errors import AccountNotFoundError
from ledger.domain.identifiers import Insz
from ledger.domain.open_corrections import OpenCorrections, open_corrections
from ledger.domain.timeline import Timeline, timeline
from ledger.domain.views import rebuild

# What the access log names each read (the console translates them).
TIMELINE_READ = "timeline"
CORRECTIONS_READ = "open corrections"


@dataclass(frozen=True)
class TimelineReport:
    insz: Insz
    as_of: date | None
    known_at: datetime | None
    timeline: Timeline
    account_version: int  # now, as for BalanceReport


@dataclass(frozen=True)
class CorrectionsReport:
    insz: Insz
    known_at: datetime | None
    corrections: OpenCorrections
    account_version: int


class Ledger(Protocol):
    catalogue: Catalogue

    def authorise_read(self, insz: str, what: str, reason: str | None) -> Insz: ...
    def events_at(
        self, insz: Insz, as_of: date | None, moment: datetime | None
    ) -> tuple[list[Account.Event], int]: ...
    @staticmethod
    def correction_date(account: Account, on: date | None) -> date: ...


class TimelineMethods:
    def timeline(
        self: Ledger,
        insz: str,
        as_of: date | None = None,
        known_at_time: datetime | None = None,
        reason: str | None = None,
    ) -> TimelineReport:
        """Each right's balance over business dates up to ``as_of`` (default: today or
        the account's latest date, as ``balance`` reads), the entries that moved it, and
        the employments and situations; as known at ``known_at_time``."""
        parsed = self.authorise_read(insz, TIMELINE_READ, reason)
        events, version = self.events_at(parsed, as_of, known_at_time)
        # The day a balance read takes: as_of, or today (the account's latest if later).
        end = self.correction_date(rebuild_account(events), as_of)
        drawn = timeline(events, self.catalogue, end, end)
        return TimelineReport(parsed, as_of, known_at_time, drawn, version)

    def open_corrections(
        self: Ledger,
        insz: str,
        known_at_time: datetime | None = None,
        reason: str | None = None,
    ) -> CorrectionsReport:
        """The open review cases and the reversals requested and not yet approved, as
        recorded by ``known_at_time`` (default: now); a state of the work, not of a
        business date, so no ``as_of``."""
        parsed = self.authorise_read(insz, CORRECTIONS_READ, reason)
        events, version = self.events_at(parsed, None, known_at_time)
        return CorrectionsReport(parsed, known_at_time, open_corrections(events), version)


def rebuild_account(events: list[Account.Event]) -> Account:
    account = rebuild(events)
    if account is None:  # the account was opened after as_of, or recorded after known_at
        raise AccountNotFoundError("no account was open for this citizen at that time")
    return account
