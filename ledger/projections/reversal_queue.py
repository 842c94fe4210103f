"""Reversal requests waiting for a second person, across citizens: the approvals queue.

Which accounts hold a request that waits comes from the audit trail read model, as ``llr
review list`` finds review cases: each approval approves one request, so an account with
more ``ReversalRequested`` rows than ``ReversalApproved`` rows holds one that waits. What a
request asks, and whether it still waits, comes from the account's own events, read through
the Ledger acting as the reader: its role check (approve-correction), its access log (one
entry per citizen listed, with the queue's reason) and the very state ``llr approve`` acts
on. So a trail that lags leaves out the newest requests, but never lists one approved since.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from ledger.application import Ledger
from ledger.domain.account import Account
from ledger.domain.identifiers import Insz, parse_insz
from ledger.domain.views import HistoryEntry, history
from ledger.projections.reports import Report, lag_of, plain, reading
from ledger.results import CommandOutcome
from ledger.security.roles import Action
from ledger.store.backend import has_read_models

# What the access log says of the queue's read of a citizen, and why it was made.
QUEUE_READ = "approval queue"
QUEUE_REASON = "a reversal request waits for a second person's approval"

WAITING_ACCOUNTS = (
    "SELECT account_id FROM audit_trail "
    "WHERE event IN ('ReversalRequested', 'ReversalApproved') GROUP BY account_id "
    "HAVING SUM(CASE WHEN event = 'ReversalRequested' THEN 1 ELSE -1 END) > 0 "
    "ORDER BY MIN(position)"
)


@dataclass(frozen=True)
class WaitingRequest:
    """A reversal request not approved yet, and the entry it would reverse (both as the
    citizen's history shows them)."""

    request: HistoryEntry  # the ReversalRequested: who asked, when, why, for which date
    entry: HistoryEntry  # the grant, use or forfeit it reverses

    @property
    def request_id(self) -> int:
        return self.request.event_id

    @property
    def reason(self) -> str:
        return str(self.request.details.get("reason", ""))

    @property
    def takes_effect_on(self) -> date:
        """The date the reversal takes effect unless the approver gives another."""
        return self.request.on


def waiting_requests(entries: Sequence[HistoryEntry]) -> list[WaitingRequest]:
    """The requests of one citizen's history that no approval has answered yet."""
    by_id = {entry.event_id: entry for entry in entries}
    approved = {e.details.get("request") for e in entries if e.event == "ReversalApproved"}
    return [
        WaitingRequest(entry, by_id[entry.details["entry"]])
        for entry in entries
        if entry.event == "ReversalRequested" and entry.event_id not in approved
    ]


@dataclass(frozen=True)
class QueuedRequest:
    account_id: UUID
    insz: Insz  # the reader sees it as ``ledger.shown`` gives it
    waiting: WaitingRequest


def approval_queue(ledger: Ledger) -> Report[QueuedRequest]:
    """Every reversal request that waits, oldest citizen first; refused unless the acting
    role may approve corrections. Each citizen listed is a read in their access log (one
    whose requests were all approved since the trail was read is neither listed nor
    logged)."""
    ledger.require(Action.APPROVE_CORRECTION)
    accounts, lag = waiting_accounts(ledger)
    found: list[QueuedRequest] = []
    for account_id in accounts:
        stored: Any = ledger.repository.event_store.get(account_id)
        events: list[Account.Event] = list(stored)
        waiting = waiting_requests(history(events))
        if not waiting:  # approved since the trail was read: nothing of it is shown
            continue
        ledger.guard.note_read(account_id, QUEUE_READ, QUEUE_REASON)  # before it is shown
        opened = events[0]
        assert isinstance(opened, Account.AccountOpened)  # every stream starts with it
        found += [QueuedRequest(account_id, parse_insz(opened.insz), w) for w in waiting]
    return Report(found, lag)


def waiting_accounts(ledger: Ledger) -> tuple[Iterable[UUID], int]:
    """The accounts that may hold a waiting request, and the trail's lag. A store without
    read models (in memory: tests, a trial) has few accounts: all of them are looked at."""
    if not has_read_models(ledger.store_env):
        return ledger.all_account_ids(), 0
    with reading(ledger) as store, store.snapshot():
        rows, lag = store.query(WAITING_ACCOUNTS), lag_of(ledger, store, ["trail"])
    return [UUID(str(plain(row[0]))) for row in rows], lag


def approve_queued(
    ledger: Ledger, account_id: UUID, request_id: int, on: date | None = None
) -> CommandOutcome:
    """``approve_reversal`` for a request the queue listed, named by its account (the queue
    carries no INSZ): refused, as there, to the person who asked."""
    ledger.require(Action.APPROVE_CORRECTION)
    return ledger.approve_reversal(ledger.get_account(account_id).insz, request_id, on)
