"""The Account's commands that write entries: status changes, grants, uses, expiry.

A mixin of ``Account`` (``ledger/domain/account.py``, where the event classes live): each
command checks every rule first (``ledger/domain/refusals.py``), then triggers its events.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ledger.domain.catalogue import CapCounts, Catalogue, Outcome, RuleVersion, Status
from ledger.domain.command import Provenance, Result
from ledger.domain.errors import (
    InvalidInputError,
    NotUsableInStatusError,
    ReferenceConflictError,
    StatusUnchangedError,
)
from ledger.domain.idempotency import grant_fingerprint, status_fingerprint, use_fingerprint
from ledger.domain.lots import Lot, lot_id_for, plan_draws
from ledger.domain.refusals import (
    check_amount,
    check_balance,
    check_caps,
    check_in_order,
    check_source,
    checked_expiry,
    require_reference,
)
from ledger.domain.state import AccountState


class EntryCommands:
    """Account commands that write entries; ``self`` is the Account (``AccountState``)."""

    def change_status(
        self: AccountState, catalogue: Catalogue, status: Status, on: date, provenance: Provenance
    ) -> Result:
        if is_exact_repeat(self, provenance, status_fingerprint(status.value, on)):
            return Result.EXISTS
        check_in_order(on, self.opened_on, self.last_on)
        if status.value == self.status:
            raise StatusUnchangedError(f"the citizen is already {status.value} (on {on})")
        from_status = self.status
        self.expire_due(on, provenance.actor)
        still_open = [lot for lot in self.lots.values() if lot.is_open]
        self.trigger_event(
            self.StatusChanged,
            on=on,
            actor=provenance.actor,
            from_status=from_status,
            to_status=status.value,
            source=provenance.source,
            reference=provenance.reference,
            batch=provenance.batch,
            line=provenance.line,
        )
        for lot in still_open:
            rule = catalogue.rule(lot.rule_version)
            trigger_outcome(self, lot, rule, from_status, status, on, provenance.actor)
        return Result.APPLIED

    def grant(
        self: AccountState,
        catalogue: Catalogue,
        right: str,
        amount: int,
        on: date,
        expires_on: date | None,
        provenance: Provenance,
    ) -> Result:
        source, reference = require_reference(
            provenance.source, provenance.reference, source_required=True
        )
        rule = catalogue.right(right).version_on(on)
        expiry = checked_expiry(rule, on, expires_on)
        if is_exact_repeat(self, provenance, grant_fingerprint(right, amount, on, expiry)):
            return Result.EXISTS
        check_amount(amount)
        check_in_order(on, self.opened_on, self.last_on)
        check_source(rule, source)
        status = Status(self.status)
        policy = rule.policy_for(status)
        if policy.outcome is Outcome.FORFEIT:
            raise NotUsableInStatusError(
                f"right {right!r} cannot be granted to a citizen who is {self.status} "
                f"on {on}: it would be forfeited ({policy.legal_basis})"
            )
        check_caps(self.movements, rule, CapCounts.GRANTS, on, amount)
        lot_id = lot_id_for(source, reference)
        if lot_id in self.lots:
            # Two (source, reference) pairs can spell the same lot id ("a:1" + "x/y" and
            # "a:1/x" + "y"); a second lot under that id would overwrite the first.
            raise ReferenceConflictError(
                f"reference {reference!r} from {source}: lot {lot_id} already exists "
                "on this account"
            )
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
        )
        if policy.outcome is Outcome.SUSPEND:
            lot = self.lots[lot_id]
            trigger_outcome(self, lot, rule, self.status, status, on, provenance.actor)
        return Result.APPLIED

    def use(
        self: AccountState,
        catalogue: Catalogue,
        right: str,
        amount: int,
        on: date,
        training: str,
        provider: str,
        provenance: Provenance,
    ) -> Result:
        _, reference = require_reference(
            provenance.source, provenance.reference, source_required=False
        )
        if is_exact_repeat(
            self, provenance, use_fingerprint(right, amount, on, training, provider)
        ):
            return Result.EXISTS
        rule = catalogue.right(right).version_on(on)
        check_amount(amount)
        check_in_order(on, self.opened_on, self.last_on)
        for name, value in (("training", training), ("provider", provider)):
            if not value.strip():
                raise InvalidInputError(f"a use needs a {name} id; got {value!r}")
        if Status(self.status) not in rule.usable_in:
            allowed = ", ".join(sorted(s.value for s in rule.usable_in))
            raise NotUsableInStatusError(
                f"right {right!r} is not usable by a citizen who is {self.status} on {on} "
                f"(usable when: {allowed})"
            )
        check_balance(self.lots_of(right), right, amount, on)
        check_caps(self.movements, rule, CapCounts.USES, on, amount)
        draws = plan_draws(self.lots_of(right), amount, on)
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
        )
        return Result.APPLIED

    def expire(self: AccountState, as_of: date, actor: str) -> int:
        """Expire every open lot due on or before ``as_of``; returns how many expired."""
        return self.expire_due(as_of, actor)

    def expire_due(self: AccountState, day: date, actor: str) -> int:
        # Runs before every command: the date test first, as most lots are not due.
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
        return len(due)


def is_exact_repeat(account: AccountState, provenance: Provenance, fingerprint: str) -> bool:
    """True when this exact entry was applied before; raises a conflict when its reference
    was used before for other content."""
    return account.references.is_exact_repeat(provenance.source, provenance.reference, fingerprint)


def trigger_outcome(
    account: AccountState,
    lot: Lot,
    rule: RuleVersion,
    from_status: str,
    status: Status,
    on: date,
    actor: str,
) -> None:
    """The one outcome (carry, suspend, forfeit) of an open lot on entering ``status``."""
    policy = rule.policy_for(status)
    common: dict[str, Any] = {
        "on": on,
        "actor": actor,
        "right": lot.right,
        "lot": lot.lot_id,
        "amount": lot.remaining,
    }
    if policy.outcome is Outcome.CARRY:
        account.trigger_event(
            account.RightTransferred, from_status=from_status, to_status=status.value, **common
        )
    elif policy.outcome is Outcome.SUSPEND:
        account.trigger_event(
            account.RightSuspended, status=status.value, legal_basis=policy.legal_basis, **common
        )
    else:
        account.trigger_event(
            account.RightForfeited,
            status=status.value,
            legal_basis=policy.legal_basis,
            rule_version=rule.id,
            **common,
        )
