"""The Account aggregate: one citizen's status history and lots, as an event stream.

Every public command checks all its rules against the current state first and only then
triggers events, so a refused command leaves the aggregate exactly as it was. Event
``apply`` methods only assign: they run again on every replay, long after the rules that
allowed them may have changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, NoReturn
from uuid import UUID

from eventsourcing.domain import Aggregate

from ledger.domain.catalogue import CapCounts, Catalogue, Education, Outcome, RuleVersion, Status
from ledger.domain.chain import GENESIS, event_hash
from ledger.domain.errors import (
    AlreadyReversedError,
    AmountNotPositiveError,
    CapExceededError,
    EntryNotFoundError,
    ExpiryBeyondRuleError,
    FourEyesError,
    InsufficientBalanceError,
    InvalidInputError,
    NotReversibleError,
    NotUsableInStatusError,
    OutOfOrderError,
    ReferenceConflictError,
    RequestNotPendingError,
    ReversalPendingError,
    SourceNotAllowedError,
    StatusUnchangedError,
)
from ledger.domain.lots import OPEN_STATES, Lot, LotState, lot_id_for, plan_draws


class Result(StrEnum):
    """What a command did: TigerBeetle's lesson, an exact repeat is ``exists``, not an error."""

    APPLIED = "applied"
    EXISTS = "exists"


@dataclass(frozen=True)
class Provenance:
    """Who wrote an entry and where it came from."""

    actor: str
    source: str | None = None
    reference: str | None = None
    batch: str | None = None
    line: int | None = None


TOTAL_KEYS = ("granted", "used", "expired", "forfeited", "usable", "suspended")


def _empty_totals() -> dict[str, int]:
    return dict.fromkeys(TOTAL_KEYS, 0)


def _fingerprint(*parts: object) -> str:
    return "|".join(["" if p is None else str(p) for p in parts])  # a list joins faster


class Account(Aggregate):
    # ----------------------------------------------------------------- events
    class Event(Aggregate.Event):
        on: date
        actor: str
        prev_hash: str  # hash of the event before this one in the stream (see chain.py)

        def mutate(self, aggregate: Any) -> Any:
            account = super().mutate(aggregate)
            assert account is not None
            account.head_hash = event_hash(self)
            return account

    class AccountOpened(Event, Aggregate.Created):
        insz: str
        status: str
        education: str | None
        source: str | None
        reference: str | None
        batch: str | None
        line: int | None

    class StatusChanged(Event):
        from_status: str
        to_status: str
        source: str | None
        reference: str | None
        batch: str | None
        line: int | None

        def apply(self, account: Account) -> None:
            account.status = self.to_status
            account.last_on = self.on
            account.remember(self.source, self.reference, fingerprint_of_status(self))

    class RightGranted(Event):
        right: str
        lot: str
        amount: int
        expires_on: date | None
        rule_version: str
        source: str
        reference: str
        batch: str | None
        line: int | None

        def apply(self, account: Account) -> None:
            account.lots[self.lot] = Lot(
                lot_id=self.lot,
                right=self.right,
                source=self.source,
                reference=self.reference,
                amount=self.amount,
                remaining=self.amount,
                valid_from=self.on,
                expires_on=self.expires_on,
                rule_version=self.rule_version,
                state=LotState.USABLE.value,
            )
            totals = account.totals_for(self.right)
            totals["granted"] += self.amount
            totals["usable"] += self.amount
            account.add_movement(self.right, CapCounts.GRANTS, self.on, self.amount)
            account.entries[str(self.originator_version)] = {"kind": "grant", "lot": self.lot}
            account.last_on = self.on
            account.remember(self.source, self.reference, fingerprint_of_grant(self))

    class RightUsed(Event):
        right: str
        amount: int
        draws: list[list[Any]]  # [[lot_id, amount], ...] earliest expiry first
        training: str
        provider: str
        source: str | None
        reference: str
        batch: str | None
        line: int | None

        def apply(self, account: Account) -> None:
            for lot_id, taken in self.draws:
                account.lots[lot_id].remaining -= taken
            totals = account.totals_for(self.right)
            totals["used"] += self.amount
            totals["usable"] -= self.amount
            account.add_movement(self.right, CapCounts.USES, self.on, self.amount)
            account.entries[str(self.originator_version)] = {
                "kind": "use",
                "on": self.on,
                "draws": self.draws,
            }
            account.last_on = self.on
            account.remember(self.source, self.reference, fingerprint_of_use(self))

    class RightTransferred(Event):
        """A lot carried into the new status; a suspended lot becomes usable again."""

        right: str
        lot: str
        amount: int
        from_status: str
        to_status: str

        def apply(self, account: Account) -> None:
            account.move_lot(self.lot, LotState.USABLE)

    class RightSuspended(Event):
        right: str
        lot: str
        amount: int
        status: str
        legal_basis: str

        def apply(self, account: Account) -> None:
            account.move_lot(self.lot, LotState.SUSPENDED)

    class RightForfeited(Event):
        right: str
        lot: str
        amount: int
        status: str
        legal_basis: str
        rule_version: str

        def apply(self, account: Account) -> None:
            account.close_lot(self.lot, LotState.FORFEITED, "forfeited")
            account.entries[str(self.originator_version)] = {
                "kind": "forfeit",
                "lot": self.lot,
                "amount": self.amount,
            }

    class RightExpired(Event):
        right: str
        lot: str
        amount: int
        rule_version: str

        def apply(self, account: Account) -> None:
            account.close_lot(self.lot, LotState.EXPIRED, "expired")
            account.last_on = max(account.last_on, self.on)

    class EntryReversed(Event):
        entry: int
        entry_event: str
        right: str
        amount: int
        restores: list[list[Any]]  # [[lot_id, amount, state_after], ...]
        reason: str

        def apply(self, account: Account) -> None:
            account.apply_reversal(self)

    class ReversalRequested(Event):
        """Four eyes: a correction asked for, which takes effect only once another person
        approves it (``ReversalApproved``, then ``EntryReversed``)."""

        entry: int
        entry_event: str
        reason: str

        def apply(self, account: Account) -> None:
            # Made on first use, so the state (and snapshots) of accounts that never had a
            # request stay exactly as they were before four eyes existed.
            requests = account.__dict__.setdefault("reversal_requests", {})
            requests[str(self.originator_version)] = {
                "entry": self.entry,
                "reason": self.reason,
                "actor": self.actor,
                "on": self.on,
                "approved": False,
            }

    class ReversalApproved(Event):
        request: int  # the event id of the ReversalRequested
        entry: int

        def apply(self, account: Account) -> None:
            account.__dict__["reversal_requests"][str(self.request)]["approved"] = True

    # ------------------------------------------------------------ lifecycle
    def __init__(
        self,
        insz: str,
        status: str,
        education: str | None,
        on: date,
        actor: str,
        source: str | None,
        reference: str | None,
        batch: str | None,
        line: int | None,
    ) -> None:
        self.head_hash = GENESIS  # set to this event's hash once it is applied
        self.insz = insz
        self.education = education
        self.status = status
        self.opened_on = on
        self.opening = _fingerprint("open", status, on, education)
        self.last_on = on
        self.lots: dict[str, Lot] = {}
        self.totals: dict[str, dict[str, int]] = {}
        # "right|grants" or "right|uses" -> [[date, amount], ...]: what caps sum over.
        self.movements: dict[str, list[list[Any]]] = {}
        self.entries: dict[str, dict[str, Any]] = {}  # reversible entries by event version
        self.references: dict[str, str] = {}  # "source|reference" -> content fingerprint
        self.remember(source, reference, self.opening)

    @classmethod
    def open(
        cls,
        account_id: UUID,
        insz: str,
        status: Status,
        on: date,
        education: Education | None,
        provenance: Provenance,
    ) -> Account:
        return cls._create(
            cls.AccountOpened,
            id=account_id,
            insz=insz,
            status=status.value,
            education=education.value if education else None,
            on=on,
            actor=provenance.actor,
            source=provenance.source,
            reference=provenance.reference,
            batch=provenance.batch,
            line=provenance.line,
            prev_hash=GENESIS,
        )

    def trigger_event(self, event_class: Any, **kwargs: Any) -> None:
        """Every event names the hash of the one before it: the stream's hash chain.

        What the library's ``trigger_event`` does, minus its checks for features this
        aggregate does not use (explicit topics, a caller's timestamp): it runs for every
        event of every command.
        """
        event = event_class(
            originator_id=self.id,
            originator_version=self.version + 1,
            timestamp=event_class.create_timestamp(),
            prev_hash=self.head_hash,
            **kwargs,
        )
        event.mutate(self)
        self._pending_events.append(event)

    def opening_matches(self, status: Status, on: date, education: Education | None) -> bool:
        """Whether opening again with these facts repeats the original opening exactly."""
        return self.opening == _fingerprint(
            "open", status.value, on, education.value if education else None
        )

    def opened_by(self, source: str | None, reference: str | None) -> bool:
        """Whether the account's opening carried this source's reference."""
        return self.references.get(f"{source or ''}|{reference}") == self.opening

    # -------------------------------------------------------------- commands
    def change_status(
        self, catalogue: Catalogue, status: Status, on: date, provenance: Provenance
    ) -> Result:
        if self.seen(provenance, _fingerprint("status", status.value, on)):
            return Result.EXISTS
        self.check_in_order(on)
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
            self.trigger_outcome(lot, rule, from_status, status, on, provenance.actor)
        return Result.APPLIED

    def grant(
        self,
        catalogue: Catalogue,
        right: str,
        amount: int,
        on: date,
        expires_on: date | None,
        provenance: Provenance,
    ) -> Result:
        source, reference = self.require_reference(provenance, source_required=True)
        rule = catalogue.right(right).version_on(on)
        expiry = self.checked_expiry(rule, on, expires_on)
        if self.seen(provenance, _fingerprint("grant", right, amount, on, expiry)):
            return Result.EXISTS
        self.check_amount(amount)
        self.check_in_order(on)
        self.check_source(rule, source)
        status = Status(self.status)
        policy = rule.policy_for(status)
        if policy.outcome is Outcome.FORFEIT:
            raise NotUsableInStatusError(
                f"right {right!r} cannot be granted to a citizen who is {self.status} "
                f"on {on}: it would be forfeited ({policy.legal_basis})"
            )
        self.check_caps(rule, CapCounts.GRANTS, on, amount)
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
            self.trigger_outcome(lot, rule, self.status, status, on, provenance.actor)
        return Result.APPLIED

    def use(
        self,
        catalogue: Catalogue,
        right: str,
        amount: int,
        on: date,
        training: str,
        provider: str,
        provenance: Provenance,
    ) -> Result:
        _, reference = self.require_reference(provenance, source_required=False)
        print_ = _fingerprint("use", right, amount, on, training, provider)
        if self.seen(provenance, print_):
            return Result.EXISTS
        rule = catalogue.right(right).version_on(on)
        self.check_amount(amount)
        self.check_in_order(on)
        for name, value in (("training", training), ("provider", provider)):
            if not value.strip():
                raise InvalidInputError(f"a use needs a {name} id; got {value!r}")
        if Status(self.status) not in rule.usable_in:
            allowed = ", ".join(sorted(s.value for s in rule.usable_in))
            raise NotUsableInStatusError(
                f"right {right!r} is not usable by a citizen who is {self.status} on {on} "
                f"(usable when: {allowed})"
            )
        self.check_balance(right, amount, on)
        self.check_caps(rule, CapCounts.USES, on, amount)
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

    def expire(self, as_of: date, actor: str) -> int:
        """Expire every open lot due on or before ``as_of``; returns how many expired."""
        return self.expire_due(as_of, actor)

    def reverse(
        self, catalogue: Catalogue, version: int, reason: str, on: date, actor: str
    ) -> Result:
        """Compensate an entry at once (the application allows this to no role: people
        go through ``request_reversal`` and ``approve_reversal``)."""
        entry, restores = self.checked_reversal(catalogue, version, reason, on)
        self.expire_due(on, actor)
        self.trigger_reversal(entry, version, restores, reason, on, actor)
        return Result.APPLIED

    def request_reversal(
        self, catalogue: Catalogue, version: int, reason: str, on: date, actor: str
    ) -> Result:
        """Ask for a reversal; it is checked now, and again when it is approved."""
        entry, _ = self.checked_reversal(catalogue, version, reason, on)
        for request_id, request in self.requests.items():
            if request["entry"] == version and not request["approved"]:
                raise ReversalPendingError(
                    f"event {version}: a reversal is already requested (request {request_id})"
                )
        self.trigger_event(
            self.ReversalRequested,
            on=on,
            actor=actor,
            entry=version,
            entry_event=REVERSIBLE[entry["kind"]],
            reason=reason,
        )
        return Result.APPLIED

    def approve_reversal(
        self, catalogue: Catalogue, request_id: int, on: date | None, actor: str
    ) -> Result:
        """A second person approves a requested reversal, which then takes effect on
        ``on``, by default the date the request asked for."""
        request = self.requests.get(str(request_id))
        if request is None or request["approved"]:
            state = "no reversal request" if request is None else "a request approved before"
            raise RequestNotPendingError(f"request {request_id}: {state} on this account")
        if person_of(request["actor"]) == person_of(actor):
            raise FourEyesError(
                f"request {request_id} was made by {person_of(actor)}: another person must "
                "approve it"
            )
        version, reason = request["entry"], request["reason"]
        on = on or request["on"]
        entry, restores = self.checked_reversal(catalogue, version, reason, on)
        self.expire_due(on, actor)
        self.trigger_event(
            self.ReversalApproved, on=on, actor=actor, request=request_id, entry=version
        )
        self.trigger_reversal(entry, version, restores, reason, on, actor)
        return Result.APPLIED

    @property
    def requests(self) -> dict[str, dict[str, Any]]:
        """Reversal requests by the event id of their ``ReversalRequested`` (read only)."""
        found: dict[str, dict[str, Any]] = self.__dict__.get("reversal_requests", {})
        return found

    def checked_reversal(
        self, catalogue: Catalogue, version: int, reason: str, on: date
    ) -> tuple[dict[str, Any], list[list[Any]]]:
        """The entry to reverse and what its reversal restores, or why it cannot be."""
        if not reason.strip():
            raise InvalidInputError("a reversal needs a reason")
        entry = self.entries.get(str(version))
        if entry is None:
            self.refuse_unknown_entry(version)
        if entry.get("reversed"):
            raise AlreadyReversedError(f"event {version} was already reversed")
        self.check_in_order(on)
        return entry, self.plan_reversal(catalogue, entry, version, on)

    def trigger_reversal(
        self,
        entry: dict[str, Any],
        version: int,
        restores: list[list[Any]],
        reason: str,
        on: date,
        actor: str,
    ) -> None:
        self.trigger_event(
            self.EntryReversed,
            on=on,
            actor=actor,
            entry=version,
            entry_event=REVERSIBLE[entry["kind"]],
            right=self.lots[restores[0][0]].right,
            amount=sum(abs(taken) for _, taken, _ in restores),
            restores=restores,
            reason=reason,
        )

    # ------------------------------------------------------ command checks
    def refuse_unknown_entry(self, version: int) -> NoReturn:
        # Tell "no such event" apart from "an event of a kind that cannot be reversed".
        if 1 <= version <= self.version:
            raise NotReversibleError(
                f"event {version} is not a grant, use or forfeit; only those can be reversed "
                "(a status change is corrected by another status change)"
            )
        raise EntryNotFoundError(
            f"event {version}: no event with that id on this account (it has {self.version})"
        )

    def check_in_order(self, on: date) -> None:
        if on < self.opened_on:
            raise OutOfOrderError(f"date {on} is before the account was opened ({self.opened_on})")
        if on < self.last_on:
            raise OutOfOrderError(
                f"date {on} is before the latest fact on this account ({self.last_on}); "
                "business time on an account only moves forward: reverse later entries "
                "and enter them again instead"
            )

    @staticmethod
    def check_amount(amount: int) -> None:
        if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
            raise AmountNotPositiveError(
                f"amount {amount!r}: must be a whole number of units greater than zero"
            )

    @staticmethod
    def check_source(rule: RuleVersion, source: str) -> None:
        kind = source.split(":", 1)[0]
        if kind not in rule.sources:
            raise SourceNotAllowedError(
                f"source {source!r} may not grant {rule.right!r} under {rule.id} "
                f"(allowed: {', '.join(sorted(rule.sources))})"
            )

    @staticmethod
    def checked_expiry(rule: RuleVersion, on: date, asked: date | None) -> date | None:
        by_rule = rule.expiry.expires_on(on)
        if by_rule is not None and by_rule <= on:
            # A fixed end date the grant is not before: the lot could never be used.
            raise ExpiryBeyondRuleError(
                f"a grant on {on} under {rule.id} would expire on {by_rule}, before it could "
                "be used; no grant is possible on or after that date"
            )
        if asked is None:
            return by_rule
        if asked <= on:
            raise ExpiryBeyondRuleError(
                f"expiry {asked} must be after the grant date {on} (the expiry date is the "
                "first day the lot is no longer usable)"
            )
        if by_rule is not None and asked > by_rule:
            raise ExpiryBeyondRuleError(
                f"expiry {asked} is later than {rule.id} allows for a grant on {on} "
                f"({rule.expiry.kind.value}: {by_rule})"
            )
        return asked

    def check_caps(self, rule: RuleVersion, counts: CapCounts, on: date, amount: int) -> None:
        movements = self.movements.get(f"{rule.right}|{counts.value}", [])
        for cap in rule.caps:
            if cap.counts is not counts:
                continue
            start, end = cap.window(on)
            so_far = sum(n for day, n in movements if start <= day < end)
            if so_far + amount > cap.limit:
                raise CapExceededError(
                    f"{amount} {rule.unit.value} of {rule.right!r} on {on} exceeds the cap "
                    f"({cap.describe()}): {so_far} already from {start} to {end}; "
                    f"basis: {cap.basis}"
                )

    def check_balance(self, right: str, amount: int, on: date) -> None:
        usable = sum(lot.remaining for lot in self.lots_of(right) if lot.is_usable_on(on))
        if amount > usable:
            suspended = sum(
                lot.remaining
                for lot in self.lots_of(right)
                if lot.state == LotState.SUSPENDED and not lot.is_due(on)
            )
            extra = f" ({suspended} more are suspended)" if suspended else ""
            raise InsufficientBalanceError(
                f"a use of {amount} of {right!r} on {on} exceeds the usable balance of "
                f"{usable}{extra}"
            )

    @staticmethod
    def require_reference(provenance: Provenance, source_required: bool) -> tuple[str, str]:
        if source_required and not provenance.source:
            raise InvalidInputError("a grant needs a source")
        if not provenance.reference or not provenance.reference.strip():
            raise InvalidInputError("the entry needs a reference (the sender's own id for it)")
        return provenance.source or "", provenance.reference

    def seen(self, provenance: Provenance, print_: str) -> bool:
        """True when this exact entry was applied before; a conflict when it differs."""
        if not provenance.reference:
            return False
        known = self.references.get(f"{provenance.source or ''}|{provenance.reference}")
        if known is None:
            return False
        if known != print_:
            raise ReferenceConflictError(
                f"reference {provenance.reference!r} from {provenance.source or 'no source'} "
                f"was already used on this account for [{known}]; this entry is [{print_}]"
            )
        return True

    def plan_reversal(
        self, catalogue: Catalogue, entry: dict[str, Any], version: int, on: date
    ) -> list[list[Any]]:
        """[[lot_id, units given back (negative: taken away), lot state after], ...]."""
        if entry["kind"] == "grant":
            lot = self.lots[entry["lot"]]
            if not lot.is_open or lot.remaining != lot.amount or lot.is_due(on):
                raise NotReversibleError(
                    f"event {version}: lot {lot.lot_id} was drawn from or closed since "
                    f"({lot.state}, {lot.remaining} of {lot.amount} left); reverse its uses first"
                )
            return [[lot.lot_id, -lot.amount, LotState.REVERSED.value]]
        if entry["kind"] == "use":
            restores: list[list[Any]] = []
            for lot_id, taken in entry["draws"]:
                lot = self.lots[lot_id]
                if lot.state not in OPEN_STATES or lot.is_due(on):
                    raise NotReversibleError(
                        f"event {version}: lot {lot_id} it drew from is {lot.state} or due "
                        f"on {on}; its units cannot be given back"
                    )
                # A lot drawn to zero got no outcome at later status changes, so its own
                # state may be stale: the units come back in the state the current status
                # gives them.
                restores.append([lot_id, taken, self.restored_state(catalogue, lot).value])
            return restores
        lot = self.lots[entry["lot"]]
        if lot.is_due(on):
            raise NotReversibleError(
                f"event {version}: lot {lot.lot_id} would have expired on {lot.expires_on}"
            )
        return [[lot.lot_id, entry["amount"], self.restored_state(catalogue, lot).value]]

    def restored_state(self, catalogue: Catalogue, lot: Lot) -> LotState:
        """Units given back are usable only if the citizen's status allows the right now."""
        usable = Status(self.status) in catalogue.rule(lot.rule_version).usable_in
        return LotState.USABLE if usable else LotState.SUSPENDED

    # ------------------------------------------------------ event triggering
    def trigger_outcome(
        self,
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
            self.trigger_event(
                self.RightTransferred, from_status=from_status, to_status=status.value, **common
            )
        elif policy.outcome is Outcome.SUSPEND:
            self.trigger_event(
                self.RightSuspended, status=status.value, legal_basis=policy.legal_basis, **common
            )
        else:
            self.trigger_event(
                self.RightForfeited,
                status=status.value,
                legal_basis=policy.legal_basis,
                rule_version=rule.id,
                **common,
            )

    def expire_due(self, day: date, actor: str) -> int:
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

    # ------------------------------------------- state changes (called by apply)
    def lots_of(self, right: str) -> list[Lot]:
        return [lot for lot in self.lots.values() if lot.right == right]

    def totals_for(self, right: str) -> dict[str, int]:
        totals = self.totals.get(right)
        if totals is None:  # not setdefault: that would build a new dict on every call
            totals = self.totals[right] = _empty_totals()
        return totals

    def add_movement(self, right: str, counts: CapCounts, on: date, amount: int) -> None:
        self.movements.setdefault(f"{right}|{counts.value}", []).append([on, amount])

    def remember(self, source: str | None, reference: str | None, print_: str) -> None:
        if reference:
            self.references[f"{source or ''}|{reference}"] = print_

    def move_lot(self, lot_id: str, state: LotState) -> None:
        lot = self.lots[lot_id]
        totals = self.totals_for(lot.right)
        totals[lot.state] -= lot.remaining
        totals[state.value] += lot.remaining
        lot.state = state.value

    def close_lot(self, lot_id: str, state: LotState, total_key: str) -> None:
        lot = self.lots[lot_id]
        totals = self.totals_for(lot.right)
        totals[lot.state] -= lot.remaining
        totals[total_key] += lot.remaining
        lot.state = state.value
        lot.remaining = 0

    def apply_reversal(self, event: Account.EntryReversed) -> None:
        entry = self.entries[str(event.entry)]
        entry["reversed"] = True
        totals = self.totals_for(event.right)
        for lot_id, units, state_after in event.restores:
            lot = self.lots[lot_id]
            if entry["kind"] == "grant":
                totals[lot.state] -= lot.remaining
                totals["granted"] -= lot.amount
                self.add_movement(lot.right, CapCounts.GRANTS, lot.valid_from, -lot.amount)
                lot.remaining = 0
            elif entry["kind"] == "use":
                totals["used"] -= units
                totals[lot.state] -= lot.remaining
                lot.remaining += units
                totals[state_after] += lot.remaining
            else:
                totals["forfeited"] -= units
                totals[state_after] += units
                lot.remaining = units
            lot.state = state_after
        if entry["kind"] == "use":
            self.add_movement(event.right, CapCounts.USES, entry["on"], -event.amount)
        self.last_on = event.on


REVERSIBLE = {"grant": "RightGranted", "use": "RightUsed", "forfeit": "RightForfeited"}


def person_of(actor: str) -> str:
    """The person behind an actor: the application adds the role, ``staff:42 (backoffice)``,
    and the same person in another role is still the same pair of eyes."""
    if actor.endswith(")") and " (" in actor:
        return actor.rsplit(" (", 1)[0]
    return actor


def fingerprint_of_grant(event: Account.RightGranted) -> str:
    return _fingerprint("grant", event.right, event.amount, event.on, event.expires_on)


def fingerprint_of_use(event: Account.RightUsed) -> str:
    return _fingerprint("use", event.right, event.amount, event.on, event.training, event.provider)


def fingerprint_of_status(event: Account.StatusChanged) -> str:
    return _fingerprint("status", event.to_status, event.on)
