"""Late facts: a command dated before facts already recorded.

The command runs on the account as it stood on its date (the effective fold of the events
dated up to then, ``ledger/domain/effective.py``), with every reference the account knows
(a reference reused later is still a reuse). The events dated after it are then folded
again on top, in effective order, and each is checked against the state it now meets
(``LaterCheck``): a later use must still find its units in the lots it drew from, in
statuses where the right is usable; a later grant must still fit its caps and its
grantor's employment; a later outcome must still be the one its career change owes; a
later career fact must still fit the career. What the late fact makes owed is recorded
with it, each on its own date: a lot granted late gets the outcome of every later career
change and its expiry; a later career change or grant that now owes an outcome (a late
situation changed the statuses it met) gets it.

A later entry that no longer holds is a ``Conflict``. The command is then refused naming
each (``LateFactConflictError``), or, when asked for, recorded together with an open
review case that lists them (``ReviewOpened``), for back office to resolve.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from ledger.domain.career import status_label
from ledger.domain.career_writes import (
    check_grantor,
    ended_by,
    outcomes_of_change,
    trigger_outcome,
)
from ledger.domain.catalogue import CapCounts, Catalogue, Outcome, TransitionPolicy
from ledger.domain.command import Provenance, Result
from ledger.domain.effective import effective_order, fold
from ledger.domain.errors import LedgerError
from ledger.domain.lots import Lot
from ledger.domain.refusals import check_caps, check_requirements, check_single_funding
from ledger.domain.reversals import restored_state

MAX_NAMED = 20  # conflicts a refusal names one by one; the rest are counted


@dataclass(frozen=True)
class Conflict:
    """A later entry the late fact would make invalid."""

    version: int
    on: date
    event: str
    reason: str

    def describe(self) -> str:
        return f"event {self.version} ({self.on}, {self.event}): {self.reason}"

    def as_row(self) -> list[Any]:
        return [self.version, self.on, self.event, self.reason]

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> Conflict:
        version, on, event, reason = row
        return cls(int(version), on, str(event), str(reason))


class LateFactConflictError(LedgerError):
    """A late fact that would make later entries invalid; nothing was written."""

    def __init__(self, on: date, conflicts: Sequence[Conflict]) -> None:
        self.conflicts = tuple(conflicts)
        named = "; ".join(c.describe() for c in conflicts[:MAX_NAMED])
        more = f"; and {len(conflicts) - MAX_NAMED} more" if len(conflicts) > MAX_NAMED else ""
        template = (
            "a fact dated {on} would make {count} later {entries} invalid: {named}{more}; "
            "nothing was written (record it with --review to open a review case)"
        )
        values = {"on": on, "count": len(conflicts), "named": named, "more": more,
                  "entries": "entry" if len(conflicts) == 1 else "entries"}  # fmt: skip
        super().__init__(template.format(**values))
        self.explained(template, values)


def run_late(
    events: Sequence[Any],
    live: Any,
    catalogue: Catalogue,
    command: Callable[[Any], Result],
    on: date,
    actor: str,
    review: bool,
) -> Result:
    """Run ``command`` (dated ``on``) on the account as it stood that day, then fold the
    later events again. ``events`` are the stored ones; the live account's unsaved events
    count too. On success the live account takes the new state in place (whoever holds it
    sees it) and its pending events gain what to save; a refusal leaves it as it was."""
    pending = list(live._pending_events)  # saved by whoever holds it
    account, result = run_on_fold([*events, *pending], live, catalogue, command, on, actor, review)
    if result is not Result.EXISTS:
        made = account.collect_events()
        live.__dict__.clear()
        live.__dict__.update(account.__dict__)
        live._pending_events = pending + made
    return result


def run_on_fold(
    events: Sequence[Any],
    live: Any,
    catalogue: Catalogue,
    command: Callable[[Any], Result],
    on: date,
    actor: str,
    review: bool,
) -> tuple[Any, Result]:
    """The late command on a fold of ``events``: the account it leaves, with its new
    events pending, or raises (a refusal, or ``LateFactConflictError``)."""
    ordered = effective_order(events)
    account = fold([e for e in ordered if e.on <= on])
    account.version, account.head_hash = live.version, live.head_hash  # the chain goes on
    account.references = live.references.copy()  # references used later count too
    lots_before = set(account.lots)
    result = command(account)
    if result is Result.EXISTS:
        return account, result
    new_lots = set(account.lots) - lots_before
    check = LaterCheck(account, catalogue, new_lots, Provenance(actor=actor))
    for event in (e for e in ordered if e.on > on):
        check.fold(event)
    check.finish()
    if check.conflicts and not review:
        raise LateFactConflictError(on, check.conflicts)
    if check.conflicts:
        account.trigger_event(
            account.ReviewOpened,
            on=account.last_on,
            actor=actor,
            fact_on=on,
            conflicts=[conflict.as_row() for conflict in check.conflicts],
        )
    return account, result


@dataclass
class Owed:
    """The outcomes a later career change owes, by lot, and the texts they name."""

    version: int
    on: date
    event: str
    outcomes: dict[str, tuple[TransitionPolicy, Any, str]]  # lot -> policy, rule, cause
    from_label: str


class LaterCheck:
    """Folds the later events onto the account a late command left, checking each."""

    def __init__(
        self, account: Any, catalogue: Catalogue, new_lots: set[str], provenance: Provenance
    ) -> None:
        self.account = account
        self.catalogue = catalogue
        self.new_lots = new_lots
        self.provenance = provenance
        self.conflicts: list[Conflict] = []
        self.owed: Owed | None = None
        a = account
        self.checks: dict[type, Callable[[Any], str | None]] = {
            a.RightGranted: self.grant, a.RightUsed: self.use, a.RightExpired: self.expiry,
            a.RightTransferred: self.outcome, a.RightSuspended: self.outcome,
            a.RightForfeited: self.outcome, a.EmploymentStarted: self.employment_start,
            a.EmploymentEnded: self.employment_running, a.EmploymentSuspended:
            self.employment_running, a.SituationStarted: self.situation_start,
            a.SituationEnded: self.situation_end, a.EntryReversed: self.reversal,
            a.UnitsReserved: self.booking, a.ReservationConfirmed: self.booking,
            a.ReservationCancelled: self.booking, a.ReservationLapsed: self.booking,
        }  # fmt: skip
        self.career_events = (
            a.StatusChanged, a.EmploymentStarted, a.EmploymentEnded, a.SituationStarted,
            a.SituationEnded,
        )  # fmt: skip
        self.outcome_events = (a.RightTransferred, a.RightSuspended, a.RightForfeited)

    # ------------------------------------------------------------------ the fold
    def fold(self, event: Any) -> None:
        if self.owed is not None and not isinstance(event, self.outcome_events):
            self.settle_owed()
        self.expire_new_lots(event.on, place=2 * event.originator_version - 1)
        check = self.checks.get(type(event))
        reason = check(event) if check is not None else None
        if reason is not None:
            self.conflicts.append(
                Conflict(event.originator_version, event.on, type(event).__name__, reason)
            )
        if isinstance(event, self.career_events):
            self.fold_career(event)
        else:
            event.apply(self.account)  # the state follows the record, even in conflict
        if isinstance(event, self.account.RightGranted):
            self.owe_suspension_at_grant(event)

    @staticmethod
    def booking(event: Any) -> str:
        # A booking held units from the lots as they stood then, and its release put them
        # back as the lots stood then: a fact placed before it changes both.
        return (
            "a booking (reservation, confirm, cancel or lapse) comes after the late fact: "
            "a late fact is not placed before bookings"
        )

    def finish(self) -> None:
        if self.owed is not None:
            self.settle_owed()
        self.expire_new_lots(self.account.last_on, place=None)

    def fold_career(self, event: Any) -> None:
        account = self.account
        before = account.career.statuses_on(event.on)
        ended = ended_by(account, event)
        event.apply(account)
        after = account.career.statuses_on(event.on)
        self.owed = Owed(
            event.originator_version,
            event.on,
            type(event).__name__,
            {
                lot.lot_id: (policy, rule, cause)
                for lot, rule, policy, cause in outcomes_of_change(
                    account, self.catalogue, before, after, ended, event.on
                )
            },
            status_label(before),
        )

    def owe_suspension_at_grant(self, event: Any) -> None:
        """A lot granted in statuses that suspend its right is suspended at once (as
        ``grant`` does): a late career fact can make a later grant owe that."""
        rule = self.catalogue.rule(event.rule_version)
        statuses = self.account.career.statuses_on(event.on)
        policy = rule.policy_for_all(statuses)
        if policy.outcome is Outcome.SUSPEND:
            label = status_label(statuses)
            self.owed = Owed(
                event.originator_version, event.on, "RightGranted",
                {event.lot: (policy, rule, label)}, label,
            )  # fmt: skip

    def settle_owed(self) -> None:
        """The owed outcomes no recorded event gave, recorded now with the late fact, on
        the date they were owed (a lot granted late, or one a late career fact moved)."""
        owed, self.owed = self.owed, None
        assert owed is not None
        for lot_id, (policy, rule, cause) in owed.outcomes.items():
            lot = self.account.lots[lot_id]
            if lot.is_open:
                trigger_outcome(
                    self.account, lot, rule, policy, owed.from_label, cause, owed.on,
                    self.provenance, 2 * owed.version + 1,
                )  # fmt: skip

    def expire_new_lots(self, day: date, place: int | None) -> None:
        """A late lot expires on its date, as it would have in order: before the first
        later event on or after that date, or at the end if that date has passed."""
        lots = [self.account.lots[lot_id] for lot_id in sorted(self.new_lots)]
        due = [lot for lot in lots if lot.is_open and lot.expires_on and lot.expires_on <= day]
        for lot in sorted(due, key=lambda lot: (lot.expires_on, lot.lot_id)):
            self.account.trigger_event(
                self.account.RightExpired,
                on=lot.expires_on,
                actor=self.provenance.actor,
                right=lot.right,
                lot=lot.lot_id,
                amount=lot.remaining,
                rule_version=lot.rule_version,
                **({} if place is None or lot.expires_on < day else {"place": place}),
            )

    # ----------------------------------------------------------------- the checks
    def grant(self, event: Any) -> str | None:
        account = self.account
        rule = self.catalogue.rule(event.rule_version)
        try:
            check_grantor(account, self.catalogue, event.source, rule, event.on)
            check_requirements(rule, account.career, account.facts, account.education, event.on)
            check_caps(
                account.movements, rule, CapCounts.GRANTS, event.on, event.amount,
                event.track, account.career,
            )  # fmt: skip
        except LedgerError as error:
            return str(error)
        statuses = account.career.statuses_on(event.on)
        if rule.policy_for_all(statuses).outcome is Outcome.FORFEIT:
            return f"{event.right} cannot be granted to a citizen who is {status_label(statuses)}"
        return None

    def use(self, event: Any) -> str | None:
        account = self.account
        rule = self.catalogue.right(event.right).version_on(event.on)
        statuses = account.career.statuses_on(event.on)
        if not rule.is_usable_in_any(statuses):
            return f"{event.right} is not usable by a citizen who is {status_label(statuses)}"
        for lot_id, taken in event.draws:
            lot = account.lots.get(lot_id)
            reason = draw_problem(account, lot, lot_id, taken, event.on)
            if reason is not None:
                return reason
        try:
            check_caps(
                account.movements, rule, CapCounts.USES, event.on, event.amount, event.track,
                account.career,
            )  # fmt: skip
            check_single_funding(account.fundings, self.catalogue, event.right, event.training)
        except LedgerError as error:
            return str(error)
        return None

    def expiry(self, event: Any) -> str | None:
        lot = self.account.lots.get(event.lot)
        if lot is None or not lot.is_open:
            return f"lot {event.lot} is no longer open to expire"
        if lot.remaining != event.amount:
            return f"it expires {event.amount} of lot {event.lot}, which would hold {lot.remaining}"
        return None

    def outcome(self, event: Any) -> str | None:
        owed = self.owed.outcomes.pop(event.lot, None) if self.owed is not None else None
        lot = self.account.lots.get(event.lot)
        if owed is None or lot is None:
            return f"lot {event.lot} would no longer be owed an outcome here"
        policy = owed[0]
        kind = OUTCOME_OF[type(event).__name__]
        if kind is not policy.outcome:
            return f"lot {event.lot} would be {policy.outcome.value}, not {kind.value}"
        if lot.remaining != event.amount:
            return f"it moves {event.amount} of lot {event.lot}, which would hold {lot.remaining}"
        return None

    def employment_start(self, event: Any) -> str | None:
        running = self.account.career.employment_with(event.employer, event.on)
        if running is not None:
            return (
                f"employer {event.employer} would already employ the citizen "
                f"(since {running.start})"
            )
        return None

    def employment_running(self, event: Any) -> str | None:
        if self.account.career.employment_with(event.employer, event.on) is None:
            return f"the employment with {event.employer} would not be running then"
        return None

    def situation_start(self, event: Any) -> str | None:
        if self.account.career.spell_of(event.situation, event.on) is not None:
            return f"the citizen would already be {event.situation}"
        return None

    def situation_end(self, event: Any) -> str | None:
        if self.account.career.spell_of(event.situation, event.on) is None:
            return f"the citizen would not be {event.situation} then"
        return None

    def reversal(self, event: Any) -> str | None:
        statuses = self.account.career.statuses_on(event.on)
        for lot_id, units, state in event.restores:
            lot = self.account.lots.get(lot_id)
            if lot is None or not 0 <= lot.remaining + units <= lot.amount:
                return f"giving {units} back to lot {lot_id} would not fit it"
            if units > 0 and state != restored_state(self.catalogue, statuses, lot).value:
                return f"the units given back to lot {lot_id} would not be {state} now"
        return None


OUTCOME_OF = {
    "RightTransferred": Outcome.CARRY,
    "RightSuspended": Outcome.SUSPEND,
    "RightForfeited": Outcome.FORFEIT,
}


def draw_problem(account: Any, lot: Lot | None, lot_id: str, taken: int, on: date) -> str | None:
    if lot is None or not lot.is_usable_on(on):
        return f"it draws from lot {lot_id}, which would not be usable on {on}"
    if lot.remaining < taken:
        return f"it draws {taken} from lot {lot_id}, which would hold {lot.remaining}"
    if lot.employer is not None and account.career.employment_with(lot.employer, on) is None:
        return f"lot {lot_id} belongs to an employment with {lot.employer} that would have ended"
    return None
