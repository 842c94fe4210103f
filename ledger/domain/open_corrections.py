"""What waits for a second person on one account: the open review cases (a late fact that
made later entries invalid) and the reversals requested but not approved yet.

A pure fold over the events, so the same read answers "now" and "as known at a moment".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from ledger.domain.account import Account
from ledger.domain.late import Conflict
from ledger.domain.views import rebuild


@dataclass(frozen=True)
class PendingReversal:
    """A reversal requested (event ``request_id``) of the entry ``entry``, waiting for
    another person's approval; ``right`` and ``amount`` are the entry's."""

    request_id: int
    entry: int
    entry_event: str  # RightGranted, RightUsed or RightForfeited
    right: str
    amount: int
    on: date  # the date the reversal is to take effect
    requested_by: str
    reason: str


@dataclass(frozen=True)
class OpenCase:
    """A review case still open: ``number`` is the event id of its ``ReviewOpened``."""

    number: int
    opened_on: date
    fact_on: date
    opened_by: str
    conflicts: tuple[Conflict, ...]


@dataclass(frozen=True)
class OpenCorrections:
    cases: tuple[OpenCase, ...]
    reversals: tuple[PendingReversal, ...]


def open_corrections(events: Iterable[Account.Event]) -> OpenCorrections:
    listed = list(events)
    account = rebuild(listed)
    if account is None:
        return OpenCorrections((), ())
    by_id = {event.originator_version: event for event in listed}
    cases = tuple(
        OpenCase(int(number), case.opened_on, case.fact_on, case.actor,
                 tuple(Conflict.from_row(row) for row in case.conflicts))
        for number, case in sorted(account.review_cases.items(), key=lambda kv: int(kv[0]))
        if case.is_open
    )  # fmt: skip
    reversals = tuple(
        pending(int(request_id), request.entry, by_id[request.entry], request.on,
                request.actor, request.reason)
        for request_id, request in sorted(account.requests.items(), key=lambda kv: int(kv[0]))
        if not request.approved
    )  # fmt: skip
    return OpenCorrections(cases, reversals)


def pending(
    request_id: int, entry: int, event: Account.Event, on: date, actor: str, reason: str
) -> PendingReversal:
    fields = event.__dict__
    return PendingReversal(
        request_id, entry, type(event).__name__, fields["right"], fields["amount"], on, actor,
        reason,
    )  # fmt: skip
