"""What the Ledger's commands and queries hand back: plain, frozen records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from ledger.domain.career import Employment, Spell
from ledger.domain.command import Result
from ledger.domain.eligibility import RightEligibility, StatusEntitlement
from ledger.domain.identifiers import Insz
from ledger.domain.views import Explanation, HistoryEntry, RightBalance
from ledger.security.access_log import AccessRecord


@dataclass(frozen=True)
class CommandOutcome:
    """What one command did to one account."""

    result: Result
    account_version: int
    events: tuple[str, ...]  # names of the events written, in order


@dataclass(frozen=True)
class BalanceReport:
    insz: Insz
    as_of: date | None
    known_at: datetime | None
    rights: tuple[RightBalance, ...]
    # The account's version now, from the same read (an HTTP read's ETag); with ``as_of``
    # or ``known_at`` too, since a write checks the account as it is now.
    account_version: int


@dataclass(frozen=True)
class HistoryReport:
    insz: Insz
    as_of: date | None
    known_at: datetime | None
    entries: tuple[HistoryEntry, ...]
    account_version: int  # now, as for BalanceReport


@dataclass(frozen=True)
class ExplainReport:
    """How one right's balance derives, and the account's version now (as for
    BalanceReport)."""

    explanation: Explanation
    account_version: int


@dataclass(frozen=True)
class AccessReport:
    insz: Insz
    account_id: UUID
    records: tuple[AccessRecord, ...]


@dataclass(frozen=True)
class ExpirySummary:
    as_of: date
    accounts_checked: int
    accounts_changed: int
    lots_expired: int
    holds_lapsed: int = 0  # reservations whose hold ended (``llr reserve``)


@dataclass(frozen=True)
class EligibilityReport:
    """Every right type on ``on``: eligible or not, the personal maximum and what counts
    against it, and why not (``ledger/domain/eligibility.py``)."""

    insz: Insz
    on: date
    education: str | None
    rights: tuple[RightEligibility, ...]
    status_rights: tuple[StatusEntitlement, ...]
    account_version: int  # as for BalanceReport


@dataclass(frozen=True)
class CareerReport:
    """A citizen's employments and situations as recorded up to ``as_of`` (all of them
    when None), and the statuses they give on that day."""

    insz: Insz
    as_of: date | None
    on: date  # the day the statuses are read on
    statuses: tuple[str, ...]
    employments: tuple[Employment, ...]
    spells: tuple[Spell, ...]
    account_version: int  # now, as for BalanceReport
