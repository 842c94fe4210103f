"""An auditor's replay for the tests: checks each event against the state just before it.

Written apart from the aggregate's own bookkeeping, so the property tests compare two
independent accounts of the same stream: invariants 2 to 5 and 7 of docs/design.md per event,
and the sums over the events (invariant 1) and a fold of the lots built from event fields.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from ledger.domain.account import Account
from ledger.domain.career import Career
from ledger.domain.catalogue import CapCounts, Catalogue, EndReason, Outcome, Status
from ledger.domain.chain import GENESIS, event_hash
from ledger.domain.effective import apply_effective, effective_order
from ledger.domain.eligibility import cap_limit
from ledger.domain.lots import LotState
from tests.domain.support import balanced, live_state

OUTCOME_EVENTS = {
    Account.RightTransferred: Outcome.CARRY,
    Account.RightSuspended: Outcome.SUSPEND,
    Account.RightForfeited: Outcome.FORFEIT,
}
REVERSED_KEY = {"RightGranted": "granted", "RightUsed": "used", "RightForfeited": "forfeited"}


def sums_from_events(events: Iterable[Account.Event]) -> dict[str, dict[str, int]]:
    """Granted, used, expired and forfeited per right, net of reversals, from event fields."""
    sums: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for event in events:
        if isinstance(event, Account.RightGranted):
            sums[event.right]["granted"] += event.amount
        elif isinstance(event, Account.RightUsed):
            sums[event.right]["used"] += event.amount
        elif isinstance(event, Account.RightExpired):
            sums[event.right]["expired"] += event.amount
        elif isinstance(event, Account.RightForfeited):
            sums[event.right]["forfeited"] += event.amount
        elif isinstance(event, Account.EntryReversed):
            sums[event.right][REVERSED_KEY[event.entry_event]] -= event.amount
        elif isinstance(event, Account.UnitsReserved):
            sums[event.right]["reserved"] += event.amount
        if isinstance(event, Account.ReservationConfirmed):
            sums[event.right]["used"] += event.amount
            sums[event.right]["reserved"] -= event.amount
        if isinstance(event, Account.ReservationClosed):
            for _, units, state in event.released:
                sums[event.right]["reserved"] -= units
                if state in ("expired", "forfeited"):
                    sums[event.right][state] += units
    return sums


class LotFold:
    """What is left in each lot, from event fields alone; refuses any lot below zero."""

    def __init__(self) -> None:
        self.left: dict[str, int] = {}
        self.held: dict[str, int] = defaultdict(int)  # reserved for a training
        self.closed: set[str] = set()

    def apply(self, event: Any) -> None:
        if isinstance(event, Account.RightGranted):
            self.left[event.lot] = event.amount
        elif isinstance(event, Account.UnitsReserved):
            assert sum(taken for _, taken in event.draws) == event.amount, event
            for lot, taken in event.draws:
                self.left[lot] -= taken
                self.held[lot] += taken
        elif isinstance(event, Account.ReservationClosed):
            self.close_reservation(event)
        elif isinstance(event, Account.RightUsed):
            assert sum(taken for _, taken in event.draws) == event.amount, event
            for lot, taken in event.draws:
                self.left[lot] -= taken
        elif isinstance(event, Account.RightExpired | Account.RightForfeited):
            # All that was left (nothing, when all of it is held for a training).
            assert event.amount == self.left[event.lot], event
            assert event.amount > 0 or self.held[event.lot] > 0, event
            self.left[event.lot] = 0
            self.closed.add(event.lot)
        elif isinstance(event, Account.RightTransferred | Account.RightSuspended):
            assert event.amount == self.left[event.lot], event
        elif isinstance(event, Account.EntryReversed):
            self.reverse(event)
        assert all(left >= 0 for left in self.left.values()), (event, self.left)

    def close_reservation(self, event: Any) -> None:
        taken = getattr(event, "taken", [])
        assert sum(units for _, units in taken) == event.amount or not taken, event
        for lot, units in taken:
            self.held[lot] -= units
        for lot, units, state in event.released:
            self.held[lot] -= units
            assert (state in ("expired", "forfeited")) == (lot in self.closed), event
            if lot not in self.closed:
                self.left[lot] += units
        assert all(units >= 0 for units in self.held.values()), (event, self.held)

    def reverse(self, event: Account.EntryReversed) -> None:
        for lot, units, _ in event.restores:
            if event.entry_event == "RightForfeited":
                self.closed.discard(lot)  # the forfeit undone: the lot is open again
            if event.entry_event == "RightGranted":
                assert -units == self.left[lot], event  # only an untouched lot goes back
                self.left[lot] = 0
            else:
                self.left[lot] += units


CAREER_EVENTS = (
    Account.StatusChanged, Account.EmploymentStarted, Account.EmploymentEnded,
    Account.SituationStarted, Account.SituationEnded,
)  # fmt: skip
FAVOUR = [Outcome.CARRY, Outcome.SUSPEND, Outcome.FORFEIT]  # most favourable first


class CareerChangeCheck:
    """Invariant 4: the outcomes after one career change, against the state around it. A
    lot bound to an employment the change ends follows the end rule for its reason (the
    status shorthand gives none: then the new statuses decide); a lot bound to an
    employment that goes on is untouched; a lot that follows the citizen gets the most
    favourable outcome of the new statuses whenever they change."""

    def __init__(
        self,
        account: Account,
        event: Any,
        catalogue: Catalogue,
        before: frozenset[Status],
        ended: dict[str, str | None],
    ) -> None:
        self.catalogue = catalogue
        self.on = event.on
        self.after = account.career.statuses_on(event.on)
        self.ended = ended
        self.owed = {
            lot.lot_id: lot
            for lot in account.lots.values()
            if lot.is_open
            and (lot.employer in ended or (lot.employer is None and before != self.after))
        }
        self.held_before = held(account)
        self.forfeited: dict[str, int] = defaultdict(int)

    def expected(self, lot: Any) -> Any:
        rule = self.catalogue.rule_of_the_day(lot.rule_version, self.on)
        reason = self.ended.get(lot.employer) if lot.employer is not None else None
        if reason is not None and rule.employment_end is not None:
            return rule.employment_end[EndReason(reason)]
        policies = [rule.policy_for(status) for status in self.after]
        return min(policies, key=lambda policy: FAVOUR.index(policy.outcome))

    def outcome(self, event: Any, after_late: bool) -> None:
        lot = self.owed.pop(event.lot)  # KeyError: not open, untouched, or a second outcome
        policy = self.expected(lot)
        assert OUTCOME_EVENTS[type(event)] is policy.outcome, (event, policy)
        assert event.amount == lot.remaining, event
        if policy.outcome is not Outcome.CARRY:
            # The basis recorded then: a late fact may since have made another status's
            # basis (for the same outcome) the one that applies.
            assert event.legal_basis == policy.legal_basis or after_late, event
            assert event.legal_basis, event
        if isinstance(event, Account.RightForfeited):
            self.forfeited[event.right] += event.amount

    def close(self, account: Account) -> None:
        assert self.owed == {}, f"open lots without an outcome: {sorted(self.owed)}"
        after = held(account)
        for right, before in self.held_before.items():
            assert before == after.get(right, 0) + self.forfeited[right], (right, before, after)


def ended_by(account: Account, event: Any) -> dict[str, str | None]:
    """The employments a career event ends, by employer: the reason, or None."""
    if isinstance(event, Account.EmploymentEnded):
        return {event.employer: event.reason}
    if isinstance(event, Account.StatusChanged):
        return {e.employer: None for e in account.career.running_employments(event.on)}
    return {}


class CapCheck:
    """Invariant 5: the caps of the rule in force hold at every grant and use, counted from
    the events (net of reversals) rather than from the aggregate's own movements; a cap of
    one track counts that track's entries (and, on the default track, those of no track);
    a personal maximum is the limit for the career on the entry's day."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        # by event version: (counts, right, day, amount, track)
        self.counted: dict[int, tuple[CapCounts, str, date, int, str | None]] = {}

    def apply(self, event: Any, career: Any) -> None:
        if isinstance(event, Account.RightGranted | Account.RightUsed):
            counts = CapCounts.GRANTS if isinstance(event, Account.RightGranted) else CapCounts.USES
            track = event.__dict__.get("track")
            self.check(counts, event.right, event.on, event.amount, track, career)
            self.counted[event.originator_version] = (
                counts, event.right, event.on, event.amount, track
            )  # fmt: skip
        elif isinstance(event, Account.EntryReversed):
            self.counted.pop(event.entry, None)  # a forfeit counts toward no cap

    def check(
        self, counts: CapCounts, right: str, on: date, amount: int, track: str | None, career: Any
    ) -> None:
        rule = self.catalogue.right(right).version_on(on)
        for cap in rule.caps:
            if cap.counts is counts and cap.applies_to(track):
                start, end = cap.window(on)
                so_far = sum(
                    n for c, r, day, n, t in self.counted.values()
                    if c is counts and r == right and start <= day < end
                    and (cap.track is None or (t or rule.default_track) == cap.track)
                )  # fmt: skip
                limit = cap_limit(cap, rule.unit.value, career, on).limit
                assert so_far + amount <= limit, (right, on, amount, so_far, cap)


def held(account: Account) -> dict[str, int]:
    return {r: t.usable + t.suspended for r, t in account.totals.items()}


def check_use(
    account: Account,
    event: Account.RightUsed | Account.UnitsReserved,
    catalogue: Catalogue,
    known: set[str],
) -> None:
    """Invariants 2 and 3: usable status, lots valid on the day, earliest expiry first
    among the lots of its track ``known`` when the use was recorded (a lot granted later,
    late, was not there to choose). The state is the one just before the use, so it holds
    what the lapses the same command recorded first gave back: the use drew after them.
    As ``ledger/audit/invariants/uses.py`` checks it."""
    rule = catalogue.right(event.right).version_on(event.on)
    statuses = account.career.statuses_on(event.on)
    assert any(status in rule.usable_in for status in statuses), (statuses, event)
    taken = dict((lot, n) for lot, n in event.draws)
    for lot_id, n in taken.items():
        lot = account.lots[lot_id]
        assert lot.right == event.right and lot.is_usable_on(event.on), (lot, event)
        if lot.employer is not None or event.employer is not None:  # invariant 3b
            assert lot.employer == (event.employer or lot.employer), (lot, event)
            assert account.career.employment_with(lot.employer, event.on), (lot, event)
        assert 0 < n <= lot.remaining, (lot, event)
    latest_drawn = max(_expiry_key(account.lots[lot].expires_on) for lot in taken)
    track = event.__dict__.get("track")
    for lot in account.lots_of(event.right):
        if not lot.is_on_track(track, rule.default_track):
            continue  # (a use of one track draws that track's lots only)
        left_after = lot.remaining - taken.get(lot.lot_id, 0)
        drawable = (
            lot.employer == event.employer
            if event.employer is not None
            else lot.employer is None or account.career.employment_with(lot.employer, event.on)
        )
        if lot.lot_id in known and drawable and lot.is_usable_on(event.on) and left_after > 0:
            # No unit that expires later was drawn while this earlier one was left.
            assert _expiry_key(lot.expires_on) >= latest_drawn, (lot, event)


def _expiry_key(expires_on: date | None) -> date:
    return expires_on or date.max


def audit_stream(events: list[Account.Event], catalogue: Catalogue) -> Account:
    """Replay ``events`` into a fresh account in effective-date order (late facts in
    their place), checking every event on the way; the chain in recording order."""
    head = GENESIS
    for event in events:  # invariant 7: each event names the hash of the one before it
        assert event.prev_hash == head, event
        head = event_hash(event)
    granted_at = {e.lot: e.originator_version for e in events if type(e) is Account.RightGranted}
    account: Any = None
    lots, caps = LotFold(), CapCheck(catalogue)
    change: CareerChangeCheck | None = None
    newest = 0  # the latest version folded so far: a later one met first was a late fact
    for event in effective_order(events):
        after_late = event.originator_version < newest
        newest = max(newest, event.originator_version)
        if change is not None and type(event) not in OUTCOME_EVENTS:
            change.close(account)
            change = None
        if isinstance(event, Account.RightUsed | Account.UnitsReserved):  # (draws as a use)
            known = {lot for lot, at in granted_at.items() if at < event.originator_version}
            check_use(account, event, catalogue, known)
        elif isinstance(event, Account.RightExpired):
            assert account.lots[event.lot].is_due(event.on), event
        elif change is not None:
            change.outcome(event, after_late)
        lots.apply(event)
        caps.apply(event, account.career if account is not None else Career())
        if isinstance(event, CAREER_EVENTS):
            before, ended = account.career.statuses_on(event.on), ended_by(account, event)
            apply_effective(account, event)
            change = CareerChangeCheck(account, event, catalogue, before, ended)
        elif account is None:
            account = event.mutate(None)
        else:
            apply_effective(account, event)
    if change is not None:
        change.close(account)
    for lot_id, left in lots.left.items():
        assert account.lots[lot_id].remaining == left, (lot_id, left)
    assert isinstance(account, Account)
    return account


# --------------------------------------------------- checks on the live account and stream
def check_account(account: Account, events: list[Account.Event], catalogue: Catalogue) -> None:
    """Every invariant the domain can check on one account and the stream that built it."""
    check_totals(account, events)
    check_lots(account, catalogue)
    check_single_funding(events, catalogue)
    replayed = audit_stream(events, catalogue)  # invariants 2-4 and 7, and the lot fold
    assert live_state(replayed) == live_state(account)  # invariant 6
    assert account.head_hash == event_hash(events[-1])


def check_single_funding(events: list[Account.Event], catalogue: Catalogue) -> None:
    """No training is funded by two rights that exclude each other (net of reversals)."""
    reversed_uses = {e.entry for e in events if isinstance(e, Account.EntryReversed)}
    funded: dict[str, set[str]] = defaultdict(set)
    for event in events:
        if isinstance(event, Account.RightUsed) and event.originator_version not in reversed_uses:
            funded[event.training].add(event.right)
    for training, rights in funded.items():
        for right in rights:
            excluded = {other for other, _ in catalogue.excluded_by(right)}
            assert not excluded & rights, (training, rights)


def check_totals(account: Account, events: list[Account.Event]) -> None:
    """Invariant 1, three ways: the totals, sums over the events, and the lots."""
    from_events = sums_from_events(events)
    for right, totals in account.totals.items():
        assert balanced(totals), (right, totals)
        sums = from_events.get(right, {})
        for key in ("granted", "used", "expired", "forfeited", "reserved"):
            assert getattr(totals, key) == sums.get(key, 0), (right, key, totals, sums)
        lots = account.lots_of(right)
        for state in (LotState.USABLE, LotState.SUSPENDED):
            held_in_state = sum(lot.remaining for lot in lots if lot.state == state)
            assert held_in_state == getattr(totals, state.value), (right, state, totals)


def check_lots(account: Account, catalogue: Catalogue) -> None:
    """No lot below zero or above its grant; open lots usable exactly when one of the
    statuses allows."""
    statuses = account.career.statuses_on(account.last_on)
    for lot in account.lots.values():
        assert 0 <= lot.remaining <= lot.amount, lot
        if lot.state not in (LotState.USABLE, LotState.SUSPENDED):
            assert lot.remaining == 0, lot
        elif lot.remaining:
            usable_now = catalogue.rule(lot.rule_version).is_usable_in_any(statuses)
            assert (lot.state == LotState.USABLE) == usable_now, (statuses, lot)
