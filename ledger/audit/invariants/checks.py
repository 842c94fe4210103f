"""Invariants 1-5, event by event, against the replayed aggregate.

Each event is checked against the account state just before it (was the lot usable, was
there enough, was the status right) and just after it (no lot below zero, caps, the totals
the aggregate keeps against the sums of the event amounts, which this module keeps
itself). A record the rules cannot even read (a tampered field) is a finding, not a crash.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ledger.audit.findings import Invariant
from ledger.audit.invariants.bookings import RegistryCheck, close_before
from ledger.audit.invariants.caps import check_caps
from ledger.audit.invariants.conservation import add_flow
from ledger.audit.invariants.rulebook import RuleBook
from ledger.audit.invariants.stream import StreamAudit
from ledger.audit.invariants.transitions import (
    CAREER_EVENTS,
    OUTCOME_EVENTS,
    OutcomeEvent,
    career_before,
    check_outcome,
    close_transition,
    open_career_transition,
    open_transition,
)
from ledger.audit.invariants.uses import use_after, use_before
from ledger.domain.account import Account
from ledger.domain.career import status_label
from ledger.domain.catalogue import CapCounts, Catalogue, Outcome
from ledger.domain.lots import OPEN_STATES
from ledger.domain.offers import Offer
from ledger.domain.reversals import REVERSIBLE
from ledger.domain.state import Entry, EntryKind

# The invariant a record that cannot be checked at all is reported under.
CHECKED_FOR: dict[type, Invariant] = {
    Account.RightUsed: Invariant.USABLE_WHEN_USED,
    Account.RightGranted: Invariant.CAPS_PER_PERIOD,
    **dict.fromkeys(CAREER_EVENTS, Invariant.NOTHING_LOST_AT_TRANSITION),
    **dict.fromkeys(OUTCOME_EVENTS, Invariant.NOTHING_LOST_AT_TRANSITION),
    Account.UnitsReserved: Invariant.BOOKINGS,
    Account.ReservationConfirmed: Invariant.BOOKINGS,
    Account.ReservationCancelled: Invariant.BOOKINGS,
    Account.ReservationLapsed: Invariant.BOOKINGS,
}

Check = Callable[[StreamAudit, Any], bool]
CLOSE_EVENTS = (
    Account.ReservationConfirmed,
    Account.ReservationCancelled,
    Account.ReservationLapsed,
)
GRANTS, USES, SUSPEND = CapCounts.GRANTS, CapCounts.USES, Outcome.SUSPEND  # looked up once


class RuleChecks:
    """Invariants 1-5 for every event of a citizen's stream, around its replay."""

    def __init__(
        self, catalogue: Catalogue, offers: Callable[[str], Offer | None] = lambda code: None
    ) -> None:
        self.book = RuleBook(catalogue)
        self.registry = RegistryCheck(catalogue, offers)
        self.before: dict[type, Check] = {
            Account.RightGranted: self.grant_before,
            Account.RightUsed: self.use_before,
            # A reservation draws as a use does, into a hold instead of the used total.
            Account.UnitsReserved: self.use_before,
            Account.RightExpired: self.expiry_before,
            Account.EntryReversed: self.reversal_before,
            **dict.fromkeys(CAREER_EVENTS, self.career_before),
            Account.StatusChanged: self.status_before,
            **dict.fromkeys(OUTCOME_EVENTS, self.outcome_before),
            **dict.fromkeys(CLOSE_EVENTS, close_before),
        }
        self.after: dict[type, Callable[[StreamAudit, Any, bool], None]] = {
            Account.RightGranted: self.grant_after,
            Account.RightUsed: self.use_after,
            **dict.fromkeys(CAREER_EVENTS, self.career_after),
        }

    def step(self, stream: StreamAudit, event: Any) -> None:
        """Check one decoded event and apply it to the replayed account."""
        kind = type(event)
        reported = False
        try:
            if stream.transition is not None and kind not in OUTCOME_EVENTS:
                close_transition(stream)
            check = self.before.get(kind)
            if check is not None and stream.replaying and stream.account is not None:
                reported = check(stream, event)
        except Exception as error:  # tampered fields the rules cannot read
            reported = unreadable(stream, kind, error)
        if not stream.replay(event):
            return
        try:
            self.after_event(stream, event, kind, reported)
        except Exception as error:
            unreadable(stream, kind, error)

    def after_event(self, stream: StreamAudit, event: Any, kind: type, reported: bool) -> None:
        check = self.after.get(kind)
        if check is not None:
            check(stream, event, reported)
        right = event.__dict__.get("right")
        if right is not None:
            add_flow(stream, event, right)

    # ------------------------------------------------------------------ before
    def use_before(self, stream: StreamAudit, event: Any) -> bool:
        self.registry.check(stream, event)
        return use_before(stream, event, self.book)

    def grant_before(self, stream: StreamAudit, event: Account.RightGranted) -> bool:
        assert stream.account is not None
        if event.lot in stream.account.lots:
            stream.find(
                Invariant.CONSERVATION,
                f"lot {event.lot} is granted a second time",
                expected="a new lot",
                found="an existing lot",
            )
        if event.amount <= 0:
            stream.find(
                Invariant.CONSERVATION,
                "a grant must add units",
                expected="more than 0",
                found=event.amount,
            )
        recorded = event.__dict__.get("rule_hash")
        if recorded is not None:
            now = self.book.catalogue.rule(event.rule_version).content_hash
            if now != recorded:
                stream.find(
                    Invariant.RULE_TEXT_UNCHANGED,
                    f"lot {event.lot} was granted under {event.rule_version}, whose rule text "
                    "has changed since without a corrigendum (a correction is a new version "
                    "that names the one it corrects)",
                    expected=recorded[:16],
                    found=now[:16],
                )
        return False

    def expiry_before(self, stream: StreamAudit, event: Account.RightExpired) -> bool:
        assert stream.account is not None
        lot = stream.account.lots[event.lot]
        if lot.state not in OPEN_STATES:
            stream.find(
                Invariant.CONSERVATION,
                f"lot {event.lot} expires but was {lot.state}",
                expected="usable or suspended",
                found=lot.state,
            )
        elif event.amount != lot.remaining:
            stream.drifted.add(event.right)  # reported here, not again as drifting totals
            stream.find(
                Invariant.CONSERVATION,
                f"the expired amount differs from what was left in lot {event.lot}",
                expected=lot.remaining,
                found=event.amount,
            )
        if lot.expires_on is None or event.on < lot.expires_on:
            stream.find(
                Invariant.CONSERVATION,
                f"lot {event.lot} expires before its expiry date: units lost",
                expected=f"on or after {lot.expires_on}",
                found=event.on,
            )
        return False

    def reversal_before(self, stream: StreamAudit, event: Account.EntryReversed) -> bool:
        assert stream.account is not None
        entry = stream.account.entries.get(str(event.entry))
        if entry is None or entry.reversed:
            state = "no reversible entry" if entry is None else "already reversed"
            stream.find(
                Invariant.CONSERVATION,
                f"it reverses event {event.entry}: {state}",
                expected="a grant, use or forfeit not reversed yet",
                found=state,
            )
        elif REVERSIBLE[entry.kind] != event.entry_event:
            stream.find(
                Invariant.CONSERVATION,
                f"it names event {event.entry} a {event.entry_event}",
                expected=REVERSIBLE[entry.kind],
                found=event.entry_event,
            )
        elif event.amount != (undone := reversed_amount(stream.account, entry)):
            stream.drifted.add(event.right)  # reported here, not again as drifting totals
            stream.find(
                Invariant.CONSERVATION,
                f"it gives back {event.amount} units but event {event.entry} moved {undone}",
                expected=undone,
                found=event.amount,
            )
        return False

    def career_before(self, stream: StreamAudit, event: Any) -> bool:
        assert stream.account is not None
        stream.career_before = career_before(stream.account, event)
        return False

    def status_before(self, stream: StreamAudit, event: Account.StatusChanged) -> bool:
        self.career_before(stream, event)
        assert stream.account is not None
        if event.from_status != stream.account.status:
            stream.find(
                Invariant.NOTHING_LOST_AT_TRANSITION,
                "the status change does not start from the citizen's status",
                expected=stream.account.status,
                found=event.from_status,
            )
        return False

    def outcome_before(self, stream: StreamAudit, event: OutcomeEvent) -> bool:
        check_outcome(stream, event)
        return False

    # ------------------------------------------------------------------- after
    def grant_after(self, stream: StreamAudit, event: Account.RightGranted, reported: bool) -> None:
        account = stream.account
        assert account is not None
        if stream.effective:
            stream.granted_at[event.lot] = event.originator_version
        check_caps(stream, event, GRANTS, self.book)
        statuses = account.career.statuses_on(event.on)
        rule = self.book.catalogue.rule(event.rule_version)
        if rule.policy_for_all(statuses).outcome is SUSPEND:
            # Granted in statuses where the right is not usable: suspended at once.
            label = status_label(statuses)
            open_transition(stream, {event.lot: (SUSPEND, f"a grant to a {label}")}, label)

    def use_after(self, stream: StreamAudit, event: Account.RightUsed, reported: bool) -> None:
        use_after(stream, event, reported)
        check_caps(stream, event, USES, self.book)

    def career_after(self, stream: StreamAudit, event: Any, reported: bool) -> None:
        before, stream.career_before = stream.career_before, None
        if before is not None:  # None when the stream is not replayed from its start
            open_career_transition(stream, event, before, self.book.catalogue)


def reversed_amount(account: Account, entry: Entry) -> int:
    """What reversing the entry moves back: the grant's lot, the use's draws, the forfeit."""
    if entry.kind is EntryKind.GRANT:
        return int(account.lots[str(entry.lot)].amount)
    if entry.kind is EntryKind.USE:
        return sum(taken for _, taken in entry.draws or ())
    return int(entry.amount or 0)


def unreadable(stream: StreamAudit, kind: type, error: Exception) -> bool:
    invariant = CHECKED_FOR.get(kind, Invariant.CONSERVATION)
    stream.find(
        invariant,
        f"the event cannot be checked against the rules ({type(error).__name__}: {error})",
    )
    return True
