"""Invariant 4: at a status change every open lot gets exactly one outcome, and nothing is
lost except by a forfeit that cites its legal basis.

A status change (or a grant made in a status that suspends the right) opens a
``Transition``; the outcome events that follow close its lots one by one; the first other
event closes the transition, and any lot left without an outcome is a finding.
"""

from __future__ import annotations

from ledger.audit.findings import Invariant
from ledger.audit.invariants.rulebook import RuleBook
from ledger.audit.invariants.state import Transition
from ledger.audit.invariants.stream import StreamAudit
from ledger.domain.account import Account
from ledger.domain.catalogue import Outcome, Status

TRANSITION = Invariant.NOTHING_LOST_AT_TRANSITION
OUTCOME_EVENTS: dict[type, Outcome] = {
    Account.RightTransferred: Outcome.CARRY,
    Account.RightSuspended: Outcome.SUSPEND,
    Account.RightForfeited: Outcome.FORFEIT,
}
OutcomeEvent = Account.RightTransferred | Account.RightSuspended | Account.RightForfeited


def open_balance(account: Account) -> int:
    return sum(t.usable + t.suspended for t in account.totals.values())


def open_transition(stream: StreamAudit, lots: list[str], status: str) -> None:
    """Expect one outcome for each of ``lots`` (open lots of the replayed account)."""
    account = stream.account
    assert account is not None
    stream.transition = Transition(
        stream.version,
        stream.event,
        Status(status).value,  # a status the catalogue does not know raises here
        {lot: account.lots[lot].remaining for lot in lots},
        open_balance(account),
    )


def close_transition(stream: StreamAudit) -> None:
    """Close the open transition: every lot had its outcome, the balance only lost forfeits."""
    transition = stream.transition
    stream.transition = None
    if transition is None or stream.account is None:
        return
    at = transition.version, transition.event  # findings name the status change
    for lot, units in transition.pending.items():
        transition.reported = True
        stream.find(
            TRANSITION,
            f"lot {lot} ({units} units) got no outcome on entering "
            f"{transition.status}: it would vanish silently",
            expected="carried, suspended or forfeited",
            found="nothing",
            version=at[0],
            event=at[1],
        )
    after = open_balance(stream.account)
    if not transition.reported and transition.balance_before != after + transition.forfeited:
        stream.find(
            TRANSITION,
            "the balance after the status change plus the forfeits does "
            "not equal the balance before it",
            expected=transition.balance_before,
            found=f"{after} + {transition.forfeited} forfeited",
            version=at[0],
            event=at[1],
        )


def check_outcome(stream: StreamAudit, event: OutcomeEvent, book: RuleBook) -> None:
    """Before an outcome event is applied: it belongs to a transition and follows the rule."""
    transition = pending_transition(stream, event)
    if transition is None:
        return
    assert stream.account is not None
    kind = OUTCOME_EVENTS[type(event)]
    lot = stream.account.lots[event.lot]
    wanted = book.outcome(lot.rule_version, transition.status)
    breaches = [
        (kind is not wanted, f"lot {event.lot} must be {wanted.value} on entering "
         f"{transition.status} under {lot.rule_version}", wanted.value, kind.value),
        (event.amount != lot.remaining, f"the event moves {event.amount} units but lot "
         f"{event.lot} held {lot.remaining}", lot.remaining, event.amount),
        (isinstance(event, Account.RightForfeited) and not str(event.legal_basis or "").strip(),
         f"a forfeit of {event.amount} units cites no legal basis", "a legal basis", "none"),
    ]  # fmt: skip
    for breached, message, expected, found in breaches:
        if breached:
            transition.reported = True
            stream.find(TRANSITION, message, expected=expected, found=found)
    if event.amount != lot.remaining:
        stream.drifted.add(event.right)  # reported here, not again as drifting totals
    if kind is Outcome.FORFEIT:
        transition.forfeited += event.amount


def pending_transition(stream: StreamAudit, event: OutcomeEvent) -> Transition | None:
    """The open transition that expects this lot's outcome; None (and a finding) if none."""
    transition = stream.transition
    if transition is None:
        stream.find(
            TRANSITION,
            f"a {stream.event} without a status change before it: only a "
            "status change may move a lot",
            expected="StatusChanged first",
        )
        return None
    if transition.pending.pop(event.lot, None) is None:
        transition.reported = True
        stream.find(
            TRANSITION,
            f"lot {event.lot} was not open at the status change or already had its outcome",
            expected="one outcome per open lot",
            found="another",
        )
        return None
    return transition
