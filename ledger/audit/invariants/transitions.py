"""Invariant 4: at a career change every open lot it touches gets exactly one outcome, and
nothing is lost except by a forfeit that cites its legal basis.

A career event (an employment or situation starting or ending, the status shorthand) or a
grant made in statuses that suspend the right opens a ``Transition`` that names the lots
owed an outcome and which one (the same question the account asks,
``outcomes_of_change``: a lot bound to an ended employment follows the end rule for its
reason, a lot bound to an employment that goes on is untouched, a lot that follows the
citizen takes the most favourable outcome of the new statuses); the outcome events that
follow close its lots one by one; the first other event closes the transition, and any lot
left without an outcome is a finding.
"""

from __future__ import annotations

from typing import Any

from ledger.audit.findings import Invariant
from ledger.audit.invariants.state import CareerBefore, Transition
from ledger.audit.invariants.stream import StreamAudit
from ledger.domain.account import Account
from ledger.domain.career import status_label
from ledger.domain.career_writes import ended_by, outcomes_of_change
from ledger.domain.catalogue import Catalogue, Outcome

TRANSITION = Invariant.NOTHING_LOST_AT_TRANSITION
OUTCOME_EVENTS: dict[type, Outcome] = {
    Account.RightTransferred: Outcome.CARRY,
    Account.RightSuspended: Outcome.SUSPEND,
    Account.RightForfeited: Outcome.FORFEIT,
}
OutcomeEvent = Account.RightTransferred | Account.RightSuspended | Account.RightForfeited


def open_balance(account: Account) -> int:
    return sum(t.usable + t.suspended for t in account.totals.values())


CAREER_EVENTS: tuple[type, ...] = (
    Account.StatusChanged, Account.EmploymentStarted, Account.EmploymentEnded,
    Account.SituationStarted, Account.SituationEnded,
)  # fmt: skip


def career_before(account: Account, event: Any) -> CareerBefore:
    """Read before a career event is applied: the statuses, and what the event ends."""
    return CareerBefore(account.career.statuses_on(event.on), ended_by(account, event))


def open_career_transition(
    stream: StreamAudit, event: Any, before: CareerBefore, catalogue: Catalogue
) -> None:
    """After a career event: expect the outcome of every lot it touches."""
    account = stream.account
    assert account is not None
    after = account.career.statuses_on(event.on)
    expected = {
        lot.lot_id: (policy.outcome, why)
        for lot, _, policy, why in outcomes_of_change(
            account, catalogue, before.statuses, after, before.ended, event.on
        )
    }
    open_transition(stream, expected, status_label(after))


def open_transition(
    stream: StreamAudit, expected: dict[str, tuple[Outcome, str]], status: str
) -> None:
    """Expect one outcome for each lot of ``expected`` (open lots of the replayed account)."""
    account = stream.account
    assert account is not None
    stream.transition = Transition(
        stream.version,
        stream.event,
        status,
        {lot: account.lots[lot].remaining for lot in expected},
        expected,
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
            f"lot {lot} ({units} units) got no outcome on "
            f"{transition.expected[lot][1]}: it would vanish silently",
            expected="carried, suspended or forfeited",
            found="nothing",
            version=at[0],
            event=at[1],
        )
    after = open_balance(stream.account)
    if not transition.reported and transition.balance_before != after + transition.forfeited:
        stream.find(
            TRANSITION,
            "the balance after the career change plus the forfeits does "
            "not equal the balance before it",
            expected=transition.balance_before,
            found=f"{after} + {transition.forfeited} forfeited",
            version=at[0],
            event=at[1],
        )


def check_outcome(stream: StreamAudit, event: OutcomeEvent) -> None:
    """Before an outcome event is applied: it belongs to a transition and follows the rule."""
    transition = pending_transition(stream, event)
    if transition is None:
        return
    assert stream.account is not None
    kind = OUTCOME_EVENTS[type(event)]
    lot = stream.account.lots[event.lot]
    wanted, why = transition.expected[event.lot]
    breaches = [
        (kind is not wanted, f"lot {event.lot} must be {wanted.value} on {why} under "
         f"{lot.rule_version}", wanted.value, kind.value),
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
            f"a {stream.event} without a career change before it: only a "
            "career change may move a lot",
            expected="a career change first",
        )
        return None
    if transition.pending.pop(event.lot, None) is None:
        transition.reported = True
        stream.find(
            TRANSITION,
            f"lot {event.lot} was not owed an outcome at the career change, or already had "
            "its outcome",
            expected="one outcome per open lot",
            found="another",
        )
        return None
    return transition
