"""Invariant 1: granted = used + expired + forfeited + balance, per citizen and right.

The audit sums the amounts the events state (a reversal taking its amount off the sum it
undoes) and, once the stream has been read to its end, holds them against the totals and
the lots of the replayed aggregate. An event whose amount disagrees with what its lot held
(an expiry, an outcome, a use's draws, a reversal) is named where it happens, by the
checks before it is applied; its right is then left out here, so one breach is one
finding.
"""

from __future__ import annotations

from typing import Any

from ledger.audit.findings import Invariant, RightTotals
from ledger.audit.invariants.stream import StreamAudit
from ledger.domain.account import Account
from ledger.domain.lots import OPEN_STATES

FLOW_NAMES = ("granted", "used", "expired", "forfeited", "reserved")
RESERVED = FLOW_NAMES.index("reserved")
# Which running sum an event adds its amount to.
FLOW_OF = {
    Account.RightGranted: 0,
    Account.RightUsed: 1,
    Account.RightExpired: 2,
    Account.RightForfeited: 3,
}
FLOW_OF_NAME = {cls.__name__: index for cls, index in FLOW_OF.items()}
# Where units a booking releases go when their lot has closed meanwhile.
CLOSED_FLOWS = {
    "expired": FLOW_OF[Account.RightExpired],
    "forfeited": FLOW_OF[Account.RightForfeited],
}
CONSERVATION = Invariant.CONSERVATION


def add_flow(stream: StreamAudit, event: Any, right: str) -> None:
    flows = stream.flows.get(right)
    if flows is None:
        flows = stream.flows[right] = [0] * len(FLOW_NAMES)
    index = FLOW_OF.get(type(event))
    if index is not None:
        flows[index] += event.amount
    elif isinstance(event, Account.EntryReversed):
        flows[FLOW_OF_NAME[event.entry_event]] -= event.amount
    elif isinstance(event, Account.UnitsReserved | Account.ReservationClosed):
        add_booking_flow(flows, event)


def add_booking_flow(flows: list[int], event: Any) -> None:
    """A reservation holds its amount; a confirm turns its amount into a use; what a
    close releases leaves the held sum for the balance, or for the lot's outcome."""
    if isinstance(event, Account.UnitsReserved):
        flows[RESERVED] += event.amount
        return
    if isinstance(event, Account.ReservationConfirmed):
        flows[RESERVED] -= event.amount
        flows[FLOW_OF[Account.RightUsed]] += event.amount
    for _, units, state in event.released:
        flows[RESERVED] -= units
        if state in CLOSED_FLOWS:
            flows[CLOSED_FLOWS[state]] += units


def compare_totals(stream: StreamAudit, right: str, flows: list[int]) -> bool:
    """The aggregate's totals equal the sums of the event amounts; False (and a finding)
    when they do not."""
    assert stream.account is not None
    totals = stream.account.totals.get(right)
    found = [getattr(totals, name) for name in FLOW_NAMES] if totals else [0] * len(FLOW_NAMES)
    if found == flows:
        return True
    stream.find(
        CONSERVATION,
        f"the replayed totals of {right} differ from the sums of the event amounts "
        "(as of the stream's last event)",
        expected=_named(flows),
        found=_named(found),
    )
    return False


def compare_balances(stream: StreamAudit) -> None:
    """At the stream's end: the sums of the amounts are the totals, and the balance they
    leave is what the totals and the lots hold."""
    account = stream.account
    if not isinstance(account, Account) or not stream.replaying:
        return
    for right, flows in sorted(stream.flows.items()):
        if right in stream.drifted or not compare_totals(stream, right, flows):
            continue
        granted, used, expired, forfeited, reserved = flows
        totals = account.totals.get(right)
        held = totals.usable + totals.suspended if totals else 0
        in_lots = sum(
            lot.remaining
            for lot in account.lots.values()
            if lot.right == right and lot.state in OPEN_STATES
        )
        balance = granted - used - expired - forfeited - reserved
        if not balance == held == in_lots:
            stream.find(
                CONSERVATION,
                f"granted - used - expired - forfeited - reserved of {right} is not "
                "the balance the account holds",
                expected=balance,
                found=f"{held} in the totals, {in_lots} in the lots",
            )


def totals_of(stream: StreamAudit) -> list[RightTotals]:
    """The citizen's totals per right, as far as the replay went (as `llr explain` shows)."""
    if not isinstance(stream.account, Account):  # no stream yet, or not a citizen's
        return []
    return [
        RightTotals(
            stream.citizen,
            stream.account_id.hex,
            right,
            totals.granted,
            totals.used,
            totals.expired,
            totals.forfeited,
            totals.usable,
            totals.suspended,
            stream.account.version,
            totals.reserved,
        )
        for right, totals in sorted(stream.account.totals.items())
    ]


def _named(values: list[int]) -> str:
    return ", ".join(f"{name} {value}" for name, value in zip(FLOW_NAMES, values, strict=True))
