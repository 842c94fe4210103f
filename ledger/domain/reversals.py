"""Reversals: what compensating a grant, use or forfeit gives back, planned against the
account's lots when the command runs and applied when its ``EntryReversed`` is.

``ReversalCommands`` is a mixin of ``Account`` (``ledger/domain/account.py``, where the
event classes live): a reversal at once, or four eyes (a request, another's approval).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from ledger.domain import amounts
from ledger.domain.actors import person_of
from ledger.domain.catalogue import CapCounts, Catalogue, Status
from ledger.domain.command import Result
from ledger.domain.errors import (
    AlreadyReversedError,
    FourEyesError,
    InvalidInputError,
    NotReversibleError,
    RequestNotPendingError,
    ReversalPendingError,
)
from ledger.domain.lots import OPEN_STATES, Lot, LotState
from ledger.domain.refusals import check_in_order, refuse_unknown_entry
from ledger.domain.state import AccountState, Entry, EntryKind, Movements, RightTotals

# The event that made each kind of reversible entry, as an ``EntryReversed`` names it.
REVERSIBLE: Mapping[EntryKind, str] = {
    EntryKind.GRANT: "RightGranted",
    EntryKind.USE: "RightUsed",
    EntryKind.FORFEIT: "RightForfeited",
}


class ReversalCommands:
    """Account commands that correct entries; ``self`` is the Account (``AccountState``)."""

    def reverse(
        self: AccountState, catalogue: Catalogue, version: int, reason: str, on: date, actor: str
    ) -> Result:
        """Compensate an entry at once (the application allows this to no role: people
        go through ``request_reversal`` and ``approve_reversal``)."""
        entry, restores = checked_reversal(self, catalogue, version, reason, on)
        self.expire_due(on, actor)
        trigger_reversal(self, entry, version, restores, reason, on, actor)
        return Result.APPLIED

    def request_reversal(
        self: AccountState, catalogue: Catalogue, version: int, reason: str, on: date, actor: str
    ) -> Result:
        """Ask for a reversal; it is checked now, and again when it is approved."""
        entry, _ = checked_reversal(self, catalogue, version, reason, on)
        for request_id, request in self.reversal_requests.items():
            if request.entry == version and not request.approved:
                raise ReversalPendingError.because(
                    "event {version}: a reversal is already requested (request {request_id})",
                    version=version,
                    request_id=request_id,
                )
        self.trigger_event(
            self.ReversalRequested,
            on=on,
            actor=actor,
            entry=version,
            entry_event=REVERSIBLE[entry.kind],
            reason=reason,
        )
        return Result.APPLIED

    def approve_reversal(
        self: AccountState, catalogue: Catalogue, request_id: int, on: date | None, actor: str
    ) -> Result:
        """A second person approves a requested reversal, which then takes effect on
        ``on``, by default the date the request asked for."""
        request = self.reversal_requests.get(str(request_id))
        if request is None or request.approved:
            state = "no reversal request" if request is None else "a request approved before"
            raise RequestNotPendingError.because(
                "request {request_id}: {state} on this account", request_id=request_id, state=state
            )
        if person_of(request.actor) == person_of(actor):
            raise FourEyesError.because(
                "request {request_id} was made by {actor}: another person must approve it",
                request_id=request_id,
                actor=person_of(actor),
            )
        on = on or request.on
        entry, restores = checked_reversal(self, catalogue, request.entry, request.reason, on)
        self.expire_due(on, actor)
        self.trigger_event(
            self.ReversalApproved, on=on, actor=actor, request=request_id, entry=request.entry
        )
        trigger_reversal(self, entry, request.entry, restores, request.reason, on, actor)
        return Result.APPLIED


def checked_reversal(
    account: AccountState, catalogue: Catalogue, version: int, reason: str, on: date
) -> tuple[Entry, list[list[Any]]]:
    """The entry to reverse and what its reversal restores, or why it cannot be."""
    if not reason.strip():
        raise InvalidInputError.because("a reversal needs a reason")
    entry = account.entries.get(str(version))
    if entry is None:
        refuse_unknown_entry(version, account.version)
    if entry.reversed:
        raise AlreadyReversedError.because("event {version} was already reversed", version=version)
    check_in_order(on, account.opened_on, account.last_on)
    statuses = account.career.statuses_on(on)
    return entry, plan_reversal(account.lots, statuses, catalogue, entry, version, on)


def trigger_reversal(
    account: AccountState,
    entry: Entry,
    version: int,
    restores: list[list[Any]],
    reason: str,
    on: date,
    actor: str,
) -> None:
    account.trigger_event(
        account.EntryReversed,
        on=on,
        actor=actor,
        entry=version,
        entry_event=REVERSIBLE[entry.kind],
        right=account.lots[restores[0][0]].right,
        amount=sum(abs(taken) for _, taken, _ in restores),
        restores=restores,
        reason=reason,
    )


def plan_reversal(
    lots: Mapping[str, Lot],
    statuses: frozenset[Status],
    catalogue: Catalogue,
    entry: Entry,
    version: int,
    on: date,
) -> list[list[Any]]:
    """[[lot_id, units given back (negative: taken away), lot state after], ...]."""
    if entry.kind is EntryKind.GRANT:
        lot = lots[str(entry.lot)]
        if not lot.is_open or lot.remaining != lot.amount or lot.is_due(on):
            raise NotReversibleError.because(
                "event {version}: lot {lot_lot_id} was drawn from or closed since "
                "({lot_state}, {lot_right} of {lot_right_2} left); reverse its uses "
                "first",
                version=version,
                lot_lot_id=lot.lot_id,
                lot_state=lot.state,
                lot_right=amounts.text_of(lot.right, lot.remaining),
                lot_right_2=amounts.text_of(lot.right, lot.amount),
            )
        return [[lot.lot_id, -lot.amount, LotState.REVERSED.value]]
    if entry.kind is EntryKind.USE:
        restores: list[list[Any]] = []
        for lot_id, taken in entry.draws or ():
            lot = lots[lot_id]
            if lot.state not in OPEN_STATES or lot.is_due(on):
                raise NotReversibleError.because(
                    "event {version}: lot {lot_id} it drew from is {lot_state} or due on "
                    "{on}; its units cannot be given back",
                    version=version,
                    lot_id=lot_id,
                    lot_state=lot.state,
                    on=on,
                )
            # A lot drawn to zero got no outcome at later status changes, so its own
            # state may be stale: the units come back in the state the current status
            # gives them.
            restores.append([lot_id, taken, restored_state(catalogue, statuses, lot).value])
        return restores
    lot = lots[str(entry.lot)]
    if lot.is_due(on):
        raise NotReversibleError.because(
            "event {version}: lot {lot_lot_id} would have expired on {lot_expires_on}",
            version=version,
            lot_lot_id=lot.lot_id,
            lot_expires_on=lot.expires_on,
        )
    return [[lot.lot_id, entry.amount, restored_state(catalogue, statuses, lot).value]]


def restored_state(catalogue: Catalogue, statuses: frozenset[Status], lot: Lot) -> LotState:
    """Units given back are usable only if the citizen's statuses allow the right now."""
    usable = catalogue.rule(lot.rule_version).is_usable_in_any(statuses)
    return LotState.USABLE if usable else LotState.SUSPENDED


def apply_reversal(
    lots: Mapping[str, Lot],
    totals: RightTotals,
    movements: Movements,
    entry: Entry,
    event: Any,  # an Account.EntryReversed
) -> None:
    """Give back (or take away) what ``event.restores`` says, lot by lot."""
    entry.reversed = True
    for lot_id, units, state_after in event.restores:
        lot = lots[lot_id]
        if entry.kind is EntryKind.GRANT:
            totals.add(lot.state, -lot.remaining)
            totals.granted -= lot.amount
            movements.add(lot.right, CapCounts.GRANTS, lot.valid_from, -lot.amount, lot.track)
            lot.remaining = 0
        elif entry.kind is EntryKind.USE:
            totals.used -= units
            totals.add(lot.state, -lot.remaining)
            lot.remaining += units
            totals.add(state_after, lot.remaining)
        else:
            totals.forfeited -= units
            totals.add(state_after, units)
            lot.remaining = units
        lot.state = state_after
    if entry.kind is EntryKind.USE:
        assert entry.on is not None
        movements.add(event.right, CapCounts.USES, entry.on, -event.amount, entry.track)
