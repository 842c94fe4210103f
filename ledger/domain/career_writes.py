"""The Account's career commands: employments, situations and the status shorthand, and
what each career change does to the open lots.

A mixin of ``Account`` (``ledger/domain/account.py``). A career change triggers its fact,
then one outcome per lot it touches: a lot bound to an employment that ends follows the
catalogue's rule for that end reason; a lot bound to an employment that goes on is left
alone; a lot that follows the citizen gets an outcome whenever the set of statuses
changes, the most favourable among them (an employee who is also self-employed on the
side keeps what either status keeps).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from ledger.domain.career import SITUATIONS, UNNAMED, Employment, status_label
from ledger.domain.catalogue import (
    Catalogue,
    EndReason,
    Outcome,
    RuleVersion,
    Status,
    TransitionPolicy,
)
from ledger.domain.command import Provenance, Result
from ledger.domain.errors import (
    CareerFactError,
    InvalidInputError,
    NoEmploymentError,
    StatusUnchangedError,
)
from ledger.domain.idempotency import career_fingerprint, status_fingerprint
from ledger.domain.identifiers import EMPLOYER, SECTOR_FUND
from ledger.domain.lots import Lot
from ledger.domain.refusals import check_in_order
from ledger.domain.state import AccountState

# Employments ended by a change, by employer: the end reason, or None for the shorthand
# `llr status`, whose lots follow the new status instead of an end rule.
Ended = Mapping[str, str | None]


class CareerCommands:
    """Account commands on the career; ``self`` is the Account (``AccountState``)."""

    def start_employment(
        self: AccountState, catalogue: Catalogue, employment: Employment, provenance: Provenance
    ) -> Result:
        on = employment.start
        if self.references.is_exact_repeat(
            provenance.source,
            provenance.reference,
            career_fingerprint("employment-start", employment.as_row()),
        ):
            return Result.EXISTS
        check_in_order(on, self.opened_on, self.last_on)
        running = self.career.employment_with(employment.employer, on)
        if running is not None:
            raise CareerFactError.because(
                "employer {employment_employer} already employs this citizen on {on} "
                "(since {running_start}): end that employment first",
                employment_employer=employment.employer,
                on=on,
                running_start=running.start,
            )
        change_career(
            self, catalogue, self.EmploymentStarted, on, provenance, {},
            employer=employment.employer, unit=employment.unit, fte=employment.fte,
            joint_committee=employment.joint_committee, region=employment.region,
        )  # fmt: skip
        return Result.APPLIED

    def end_employment(
        self: AccountState,
        catalogue: Catalogue,
        employer: str,
        on: date,
        reason: EndReason,
        provenance: Provenance,
    ) -> Result:
        fingerprint = career_fingerprint("employment-end", [employer, on, reason.value])
        if self.references.is_exact_repeat(provenance.source, provenance.reference, fingerprint):
            return Result.EXISTS
        check_in_order(on, self.opened_on, self.last_on)
        employment = running_employment(self, employer, on)
        if on <= employment.start:
            raise CareerFactError.because(
                "the employment with {employer} started on {employment_start}: it can "
                "end on a later date only (the end date is the first day without it)",
                employer=employer,
                employment_start=employment.start,
            )
        change_career(
            self, catalogue, self.EmploymentEnded, on, provenance, {employer: reason.value},
            employer=employer, reason=reason.value,
        )  # fmt: skip
        return Result.APPLIED

    def suspend_employment(
        self: AccountState,
        employer: str,
        start: date,
        until: date,
        reason: str,
        provenance: Provenance,
    ) -> Result:
        fingerprint = career_fingerprint("employment-suspend", [employer, start, until, reason])
        if self.references.is_exact_repeat(provenance.source, provenance.reference, fingerprint):
            return Result.EXISTS
        check_in_order(start, self.opened_on, self.last_on)
        employment = running_employment(self, employer, start)
        if until <= start:
            raise InvalidInputError.because(
                "--until {until} must be after --from {start}", until=until, start=start
            )
        if employment.suspended_on(start):
            raise CareerFactError.because(
                "the employment with {employer} is already suspended on {start} ({start_2})",
                employer=employer,
                start=start,
                start_2=employment.suspended_on(start),
            )
        # A suspension leaves the contract running: no status changes, no lot moves.
        self.expire_due(start, provenance.actor)
        self.trigger_event(
            self.EmploymentSuspended, on=start, actor=provenance.actor, employer=employer,
            until=until, reason=reason, statuses=self.status, **provenance_fields(provenance),
        )  # fmt: skip
        return Result.APPLIED

    def start_situation(
        self: AccountState,
        catalogue: Catalogue,
        situation: Status,
        on: date,
        provenance: Provenance,
    ) -> Result:
        check_situation(situation)
        fingerprint = career_fingerprint("situation-start", [situation.value, on])
        if self.references.is_exact_repeat(provenance.source, provenance.reference, fingerprint):
            return Result.EXISTS
        check_in_order(on, self.opened_on, self.last_on)
        running = self.career.spell_of(situation.value, on)
        if running is not None:
            raise CareerFactError.because(
                "the citizen is already {situation_value} on {on} (since {running_start})",
                situation_value=situation.value,
                on=on,
                running_start=running.start,
            )
        change_career(
            self, catalogue, self.SituationStarted, on, provenance, {}, situation=situation.value
        )
        return Result.APPLIED

    def end_situation(
        self: AccountState,
        catalogue: Catalogue,
        situation: Status,
        on: date,
        provenance: Provenance,
    ) -> Result:
        check_situation(situation)
        fingerprint = career_fingerprint("situation-end", [situation.value, on])
        if self.references.is_exact_repeat(provenance.source, provenance.reference, fingerprint):
            return Result.EXISTS
        check_in_order(on, self.opened_on, self.last_on)
        spell = self.career.spell_of(situation.value, on)
        if spell is None:
            raise CareerFactError.because(
                "the citizen is not {situation_value} on {on}",
                situation_value=situation.value,
                on=on,
            )
        if on <= spell.start:
            raise CareerFactError.because(
                "{situation_value} started on {spell_start}: it can end on a later date only",
                situation_value=situation.value,
                spell_start=spell.start,
            )
        change_career(
            self, catalogue, self.SituationEnded, on, provenance, {}, situation=situation.value
        )
        return Result.APPLIED

    def change_status(
        self: AccountState, catalogue: Catalogue, status: Status, on: date, provenance: Provenance
    ) -> Result:
        """The shorthand: from ``on`` the citizen is only ``status``."""
        if self.references.is_exact_repeat(
            provenance.source, provenance.reference, status_fingerprint(status.value, on)
        ):
            return Result.EXISTS
        check_in_order(on, self.opened_on, self.last_on)
        if self.career.statuses_on(on) == frozenset({status}) and (
            status is not Status.EMPLOYEE or len(self.career.running_employments(on)) == 1
        ):
            raise StatusUnchangedError.because(
                "the citizen is already {status_value} (on {on})", status_value=status.value, on=on
            )
        ended = {employment.employer: None for employment in self.career.running_employments(on)}
        change_career(
            self, catalogue, self.StatusChanged, on, provenance, ended,
            from_status=self.status, to_status=status.value,
        )  # fmt: skip
        return Result.APPLIED


def change_career(
    account: AccountState,
    catalogue: Catalogue,
    event_class: Any,
    on: date,
    provenance: Provenance,
    ended: Ended,
    **fields: Any,
) -> None:
    """Trigger the career fact, then the outcome of every lot it touches."""
    before = account.career.statuses_on(on)
    account.expire_due(on, provenance.actor)
    if event_class is not account.StatusChanged:  # which records its own to_status
        trial = account.career.copy()
        event_class.change(trial, on, fields)
        fields["statuses"] = status_label(trial.statuses_on(on))
    account.trigger_event(
        event_class, on=on, actor=provenance.actor, **provenance_fields(provenance), **fields
    )
    after = account.career.statuses_on(on)
    changes = outcomes_of_change(account, catalogue, before, after, ended, on)
    for lot, rule, policy, cause in changes:
        trigger_outcome(account, lot, rule, policy, status_label(before), cause, on, provenance)


def outcomes_of_change(
    account: AccountState,
    catalogue: Catalogue,
    before: frozenset[Status],
    after: frozenset[Status],
    ended: Ended,
    on: date,
) -> Iterator[tuple[Lot, RuleVersion, TransitionPolicy, str]]:
    """Each open lot the change touches, with its rule, its outcome and the status text
    the outcome names (the audit asks the same question of every career change)."""
    label = status_label(after)
    for lot in account.lots.values():
        if not lot.is_open:
            continue
        rule = catalogue.rule_of_the_day(lot.rule_version, on)  # the law of the day
        if lot.employer is not None and lot.employer in ended:
            reason = ended[lot.employer]
            if reason is not None and rule.employment_end is not None:
                yield lot, rule, rule.end_policy(EndReason(reason)), f"{reason} at {lot.employer}"
            else:
                yield lot, rule, rule.policy_for_all(after), label
        elif lot.employer is None and before != after:
            yield lot, rule, rule.policy_for_all(after), label


def ended_by(account: AccountState, event: Any) -> dict[str, str | None]:
    """The employments a recorded career event ends, read before it applies, by employer:
    the end reason, or None for the status shorthand (which ends every running one)."""
    if isinstance(event, account.EmploymentEnded):
        return {event.employer: event.reason}
    if isinstance(event, account.StatusChanged):
        return {e.employer: None for e in account.career.running_employments(event.on)}
    return {}


def trigger_outcome(
    account: AccountState,
    lot: Lot,
    rule: RuleVersion,
    policy: TransitionPolicy,
    from_status: str,
    to_status: str,
    on: date,
    provenance: Provenance,
    place: int | None = None,
) -> None:
    """The one outcome (carry, suspend, forfeit) of an open lot at a career change
    (``place``: for an outcome a late fact records, see ``effective.effective_key``)."""
    common: dict[str, Any] = {
        "on": on,
        "actor": provenance.actor,
        "right": lot.right,
        "lot": lot.lot_id,
        "amount": lot.remaining,
    }
    if place is not None:
        common["place"] = place
    if policy.outcome is Outcome.CARRY:
        account.trigger_event(
            account.RightTransferred, from_status=from_status, to_status=to_status, **common
        )
    elif policy.outcome is Outcome.SUSPEND:
        account.trigger_event(
            account.RightSuspended, status=to_status, legal_basis=policy.legal_basis, **common
        )
    else:
        account.trigger_event(
            account.RightForfeited,
            status=to_status,
            legal_basis=policy.legal_basis,
            rule_version=rule.id,
            **common,
        )


def check_grantor(
    account: AccountState, catalogue: Catalogue, source: str, rule: RuleVersion, on: date
) -> str | None:
    """Refuse a grant from an employer or sector fund with no say over this citizen on
    ``on``; the employer a granted lot is bound to, or None."""
    kind, _, party = source.partition(":")
    if kind == EMPLOYER:
        employment = account.career.employment_with(party, on) or account.career.employment_with(
            UNNAMED, on
        )  # named by this grant (Career.name_employment)
        if employment is None:
            raise NoEmploymentError.because(
                "employer {party} has no running employment with this citizen on {on}; "
                "record it first: llr employment start INSZ --employer {party} --on "
                "DATE",
                party=party,
                on=on,
            )
        return party if rule.employment_bound else None
    if kind == SECTOR_FUND:
        fund = catalogue.sector_funds.get(party) or next(
            (f for code, f in catalogue.sector_funds.items() if code.lower() == party), None
        )
        committees = set(fund.joint_committees) if fund is not None else set()
        if not committees & account.career.joint_committees_on(on):
            raise NoEmploymentError.because(
                "sector fund {party} serves joint committees {join}: the citizen has "
                "no running employment in one of them on {on}",
                party=party,
                join=", ".join(sorted(committees)),
                on=on,
            )
    return None


def running_employment(account: AccountState, employer: str, on: date) -> Employment:
    employment = account.career.employment_with(employer, on)
    if employment is None:
        raise CareerFactError.because(
            "the citizen has no running employment with {employer} on {on}",
            employer=employer,
            on=on,
        )
    return employment


def check_situation(situation: Status) -> None:
    if situation not in SITUATIONS:
        raise InvalidInputError.because(
            "situation {situation_value!r}: an employee is recorded with llr "
            "employment start; situations are {join}",
            situation_value=situation.value,
            join=", ".join(s.value for s in SITUATIONS),
        )


def provenance_fields(provenance: Provenance) -> dict[str, Any]:
    return {
        "source": provenance.source,
        "reference": provenance.reference,
        "batch": provenance.batch,
        "line": provenance.line,
    }
