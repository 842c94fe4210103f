"""The Account's commands that write entries: grants, uses, expiry.

A mixin of ``Account`` (``ledger/domain/account.py``, where the event classes live): each
command checks every rule first (``ledger/domain/refusals.py``), then triggers its events.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from ledger.domain.career import status_label
from ledger.domain.career_writes import check_grantor, trigger_outcome
from ledger.domain.catalogue import CapCounts, Catalogue, Outcome, RuleVersion
from ledger.domain.command import Provenance, Result
from ledger.domain.errors import (
    InvalidInputError,
    NoEmploymentError,
    NotUsableInStatusError,
    ReferenceConflictError,
)
from ledger.domain.idempotency import grant_fingerprint, use_fingerprint
from ledger.domain.lots import OPEN_STATES, Lot, lot_id_for, plan_draws
from ledger.domain.offers import Offer, check_registry
from ledger.domain.refusals import (
    check_amount,
    check_balance,
    check_caps,
    check_in_order,
    check_requirements,
    check_single_funding,
    check_source,
    check_track,
    checked_expiry,
    require_reference,
)
from ledger.domain.state import AccountState, Movements


class EntryCommands:
    """Account commands that write entries; ``self`` is the Account (``AccountState``)."""

    def grant(
        self: AccountState,
        catalogue: Catalogue,
        right: str,
        amount: int,
        on: date,
        expires_on: date | None,
        provenance: Provenance,
        track: str | None = None,
    ) -> Result:
        source, reference = require_reference(
            provenance.source, provenance.reference, source_required=True
        )
        rule = catalogue.right(right).version_on(on)
        expiry = checked_expiry(rule, on, expires_on)
        track = check_track(rule, track)
        if is_exact_repeat(self, provenance, grant_fingerprint(right, amount, on, expiry, track)):
            return Result.EXISTS
        check_amount(amount)
        check_in_order(on, self.opened_on, self.last_on)
        check_source(rule, source)
        lot_id = lot_id_for(source, reference)
        if lot_id in self.lots:
            # Two (source, reference) pairs can spell the same lot id ("a:1" + "x/y" and
            # "a:1/x" + "y"); a second lot under that id would overwrite the first.
            raise ReferenceConflictError.because(
                "reference {reference!r} from {source}: lot {lot_id} already exists on "
                "this account",
                reference=reference,
                source=source,
                lot_id=lot_id,
            )
        employer = check_grantor(self, catalogue, source, rule, on)
        statuses = self.career.statuses_on(on)
        policy = rule.policy_for_all(statuses)
        if policy.outcome is Outcome.FORFEIT:
            raise NotUsableInStatusError.because(
                "right {right!r} cannot be granted to a citizen who is {statuses} on "
                "{on}: it would be forfeited ({policy_legal_basis})",
                right=right,
                statuses=status_label(statuses),
                on=on,
                policy_legal_basis=policy.legal_basis,
            )
        # After the status: a right the status forfeits says so rather than what is missing.
        check_requirements(rule, self.career, self.facts, self.education, on)
        check_caps(self.movements, rule, CapCounts.GRANTS, on, amount, track, self.career)
        self.expire_due(on, provenance.actor)
        self.trigger_event(
            self.RightGranted,
            on=on,
            actor=provenance.actor,
            right=right,
            lot=lot_id,
            amount=amount,
            expires_on=expiry,
            rule_version=rule.id,
            source=source,
            reference=reference,
            batch=provenance.batch,
            line=provenance.line,
            employer=employer,
            rule_hash=rule.content_hash,
            **on_track(track),
        )
        if policy.outcome is Outcome.SUSPEND:
            label = status_label(statuses)
            trigger_outcome(self, self.lots[lot_id], rule, policy, label, label, on, provenance)
        return Result.APPLIED

    def use(
        self: AccountState,
        catalogue: Catalogue,
        right: str,
        amount: int,
        on: date,
        training: str,
        provider: str | None,
        provenance: Provenance,
        employer: str | None = None,
        track: str | None = None,
        offer: Offer | None = None,
    ) -> Result:
        _, reference = require_reference(
            provenance.source, provenance.reference, source_required=False
        )
        right_type = catalogue.right(right)
        rule = right_type.version_on(on)
        track = check_track(rule, track)
        check_training(training)
        provider = check_registry(self, right_type, training, provider, on, offer)
        if is_exact_repeat(
            self, provenance, use_fingerprint(right, amount, on, training, provider, track)
        ):
            return Result.EXISTS
        draws = plan_use(self, catalogue, rule, amount, on, training, employer, track)
        self.expire_due(on, provenance.actor)
        self.trigger_event(
            self.RightUsed,
            on=on,
            actor=provenance.actor,
            right=right,
            amount=amount,
            draws=[[lot_id, taken] for lot_id, taken in draws],
            training=training,
            provider=provider,
            source=provenance.source,
            reference=reference,
            batch=provenance.batch,
            line=provenance.line,
            employer=employer,
            **on_track(track),
        )
        return Result.APPLIED

    def expire(self: AccountState, as_of: date, actor: str) -> int:
        """Lapse every hold past its date and expire every open lot due on or before
        ``as_of``; returns how many lapsed and expired."""
        return self.expire_due(as_of, actor)

    def expire_due(self: AccountState, day: date, actor: str) -> int:
        # Runs before every command. Holds first: the units a lapse gives back to a lot
        # that is due expire with it.
        lapsed = self.lapse_due(day, actor) if self.reservations else 0
        # The date test first, as most lots are not due.
        due = [
            lot
            for lot in self.lots.values()
            if lot.expires_on is not None and lot.expires_on <= day and lot.is_open
        ]
        due.sort(key=lambda lot: (lot.expires_on, lot.lot_id))
        for lot in due:
            assert lot.expires_on is not None
            self.trigger_event(
                self.RightExpired,
                # Commands expire what is due before anything else, so an open lot never
                # expires before the latest fact; max() only guards that ordering.
                on=max(lot.expires_on, self.last_on),
                actor=actor,
                right=lot.right,
                lot=lot.lot_id,
                amount=lot.remaining,
                rule_version=lot.rule_version,
            )
        return lapsed + len(due)


def on_track(track: str | None) -> dict[str, str]:
    """The event field of an entry's track: none for a right without tracks, so that its
    events are recorded as they were before tracks existed."""
    return {} if track is None else {"track": track}


def is_exact_repeat(account: AccountState, provenance: Provenance, fingerprint: str) -> bool:
    """True when this exact entry was applied before; raises a conflict when its reference
    was used before for other content."""
    return account.references.is_exact_repeat(provenance.source, provenance.reference, fingerprint)


def drawable_lots(account: AccountState, right: str, on: date, employer: str | None) -> list[Lot]:
    """The lots of ``right`` a use on ``on`` may draw on: those that follow the citizen,
    and those of employments running that day; with ``employer``, that employer's only."""
    if employer is not None:
        if account.career.employment_with(employer, on) is None:
            raise NoEmploymentError.because(
                "--employer {employer}: the citizen has no running employment with it on {on}",
                employer=employer,
                on=on,
            )
        return [lot for lot in account.lots_of(right) if lot.employer == employer]
    return [
        lot
        for lot in account.lots_of(right)
        if lot.employer is None or account.career.employment_with(lot.employer, on) is not None
    ]


def holds_due(account: AccountState, day: date) -> list[Any]:
    """The open reservations whose hold ended before ``day``: a command on ``day`` lapses
    them first, in this order (``bookings.Reservation``)."""
    due = [r for r in account.reservations.values() if r.is_open and r.hold_until < day]
    return sorted(due, key=lambda r: (r.hold_until, r.reference))


@dataclass(frozen=True)
class AfterLapses:
    """What a use or a booking on a day plans on: the account once the holds past their
    date by then have lapsed. The command records those lapses (``expire_due``) before its
    own event, so its draws must see the units they give back, or it would draw a lot that
    expires later while an earlier one had units again (and count too little for the
    balance, too much for the caps, a training as funded by a hold that no longer is). The
    account itself changes only once every check has passed: a refused command lapses
    nothing, and the next command (or ``llr expire``) records the lapses."""

    freed: Mapping[str, int]  # by lot: the units that go back into it
    movements: Movements  # what the caps sum over
    fundings: Mapping[str, list[list[Any]]]  # per training, the entries that fund it

    @classmethod
    def of(cls, account: AccountState, day: date) -> AfterLapses:
        """What ``lapse_due(day)`` would do, without doing it (``ReservationClosed.apply``):
        a released unit goes back into its lot when the lot is open (else it follows the
        lot's outcome), leaves the caps' sums, and the hold no longer funds its training."""
        due = holds_due(account, day)
        if not due:  # (most days: the account as it is)
            return cls({}, account.movements, account.fundings)
        freed: dict[str, int] = defaultdict(int)
        movements = account.movements.copy()
        for reservation in due:
            for lot_id, units in reservation.draws:
                if account.lots[lot_id].state in OPEN_STATES:
                    freed[lot_id] += units
            units = sum(units for _, units in reservation.draws)
            if units:
                movements.add(
                    reservation.right, CapCounts.USES, reservation.on, -units, reservation.track
                )
        versions = {reservation.version for reservation in due}
        fundings = {
            training: [funding for funding in funded if funding[0] not in versions]
            for training, funded in account.fundings.items()
        }
        return cls(dict(freed), movements, fundings)

    def lots(self, lots: list[Lot]) -> list[Lot]:
        """``lots`` as the lapses leave them (copies where units come back)."""
        return [
            replace(lot, remaining=lot.remaining + units, held=lot.held - units)
            if (units := self.freed.get(lot.lot_id, 0))
            else lot
            for lot in lots
        ]


def check_training(training: str) -> None:
    if not training.strip():
        raise InvalidInputError.because(
            "a use needs a training id; got {training!r}", training=training
        )


def plan_use(
    account: AccountState,
    catalogue: Catalogue,
    rule: RuleVersion,
    amount: int,
    on: date,
    training: str,
    employer: str | None,
    track: str | None,
) -> list[tuple[str, int]]:
    """The draws of a use (or a reservation) of ``amount`` on ``on``, after every check a
    use must pass: date order, usable in the citizen's statuses, no double funding, enough
    balance on the lots it may draw on (of the employer, of the track), the caps; all on
    the account as the holds the command lapses first leave it (``AfterLapses``)."""
    right = rule.right
    check_amount(amount)
    check_in_order(on, account.opened_on, account.last_on)
    after = AfterLapses.of(account, on)
    statuses = account.career.statuses_on(on)
    if not rule.is_usable_in_any(statuses):
        allowed = ", ".join(sorted(s.value for s in rule.usable_in))
        raise NotUsableInStatusError.because(
            "right {right!r} is not usable by a citizen who is {statuses} on {on} "
            "(usable when: {allowed})",
            right=right,
            statuses=status_label(statuses),
            on=on,
            allowed=allowed,
        )
    check_single_funding(after.fundings, catalogue, right, training)
    lots = after.lots([
        lot
        for lot in drawable_lots(account, right, on, employer)
        if lot.is_on_track(track, rule.default_track)
    ])  # fmt: skip
    check_balance(lots, right, amount, on, employer, track)
    check_caps(after.movements, rule, CapCounts.USES, on, amount, track, account.career)
    return plan_draws(lots, amount, on)
