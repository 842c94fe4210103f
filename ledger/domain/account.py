"""The Account aggregate: one citizen's status history and lots, as an event stream.

Every public command checks all its rules against the current state first and only then
triggers events, so a refused command leaves the aggregate exactly as it was. Event
``apply`` methods only assign: they run again on every replay, long after the rules that
allowed them may have changed.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from ledger.domain.batch import ChainedEvent
from ledger.domain.catalogue import CapCounts, Education, Status
from ledger.domain.chain import GENESIS
from ledger.domain.command import Provenance
from ledger.domain.idempotency import (
    References,
    grant_fingerprint,
    opening_fingerprint,
    status_fingerprint,
    use_fingerprint,
)
from ledger.domain.lots import Lot, LotState
from ledger.domain.reversals import ReversalCommands, apply_reversal
from ledger.domain.state import Entries, Entry, EntryKind, Movements, ReversalRequest, RightTotals
from ledger.domain.writes import EntryCommands


class Account(EntryCommands, ReversalCommands, Aggregate):
    """One citizen's account. Its commands are in the two mixins: entries (status changes,
    grants, uses, expiry) in ``writes.py``, corrections in ``reversals.py``."""

    # Version 2: typed state (RightTotals, Entry, Movements, References, ReversalRequest)
    # instead of string-keyed dicts. Snapshots of version 1 go through upcast_v1_v2.
    class_version = 2

    # ----------------------------------------------------------------- events
    class Event(ChainedEvent):
        on: date
        actor: str

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
            account.references.remember(
                self.source, self.reference, status_fingerprint(self.to_status, self.on)
            )

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
            totals.granted += self.amount
            totals.usable += self.amount
            account.movements.add(self.right, CapCounts.GRANTS, self.on, self.amount)
            account.entries[str(self.originator_version)] = Entry(EntryKind.GRANT, lot=self.lot)
            account.last_on = self.on
            account.references.remember(
                self.source,
                self.reference,
                grant_fingerprint(self.right, self.amount, self.on, self.expires_on),
            )

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
            totals.used += self.amount
            totals.usable -= self.amount
            account.movements.add(self.right, CapCounts.USES, self.on, self.amount)
            account.entries[str(self.originator_version)] = Entry(
                EntryKind.USE, on=self.on, draws=self.draws
            )
            account.last_on = self.on
            account.references.remember(
                self.source,
                self.reference,
                use_fingerprint(self.right, self.amount, self.on, self.training, self.provider),
            )

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
            account.close_lot(self.lot, LotState.FORFEITED)
            account.entries[str(self.originator_version)] = Entry(
                EntryKind.FORFEIT, lot=self.lot, amount=self.amount
            )

    class RightExpired(Event):
        right: str
        lot: str
        amount: int
        rule_version: str

        def apply(self, account: Account) -> None:
            account.close_lot(self.lot, LotState.EXPIRED)
            account.last_on = max(account.last_on, self.on)

    class EntryReversed(Event):
        entry: int
        entry_event: str
        right: str
        amount: int
        restores: list[list[Any]]  # [[lot_id, amount, state_after], ...]
        reason: str

        def apply(self, account: Account) -> None:
            entry = account.entries[str(self.entry)]
            totals = account.totals_for(self.right)
            apply_reversal(account.lots, totals, account.movements, entry, self)
            account.last_on = self.on

    class ReversalRequested(Event):
        """Four eyes: a correction asked for, which takes effect only once another person
        approves it (``ReversalApproved``, then ``EntryReversed``)."""

        entry: int
        entry_event: str
        reason: str

        def apply(self, account: Account) -> None:
            account.reversal_requests[str(self.originator_version)] = ReversalRequest(
                self.entry, self.reason, self.actor, self.on
            )

    class ReversalApproved(Event):
        request: int  # the event id of the ReversalRequested
        entry: int

        def apply(self, account: Account) -> None:
            account.reversal_requests[str(self.request)].approved = True

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
        self.opening = opening_fingerprint(status, on, education)
        self.last_on = on
        self.lots: dict[str, Lot] = {}
        self.totals: dict[str, RightTotals] = {}
        self.movements = Movements()  # what caps sum over
        self.entries = Entries()  # reversible entries by event version
        self.references = References()
        self.reversal_requests: dict[str, ReversalRequest] = {}  # by event version
        self.references.remember(source, reference, self.opening)

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """A snapshot's state of the string-keyed shape, as the typed state of version 2."""
        state["totals"] = {
            right: RightTotals(**totals) for right, totals in state["totals"].items()
        }
        state["movements"] = Movements.from_v1(state["movements"])
        state["entries"] = Entries(
            {v: Entry.from_v1(entry) for v, entry in state["entries"].items()}
        )
        state["references"] = References.from_v1(state["references"])
        # Version 1 made the requests on first use only.
        state["reversal_requests"] = {
            request_id: ReversalRequest(**request)
            for request_id, request in state.get("reversal_requests", {}).items()
        }

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
        return self.opening == opening_fingerprint(
            status.value, on, education.value if education else None
        )

    def opened_by(self, source: str | None, reference: str | None) -> bool:
        """Whether the account's opening carried this source's reference."""
        return self.references.known(source, reference) == self.opening

    @property
    def requests(self) -> dict[str, ReversalRequest]:
        """Reversal requests by the event id of their ``ReversalRequested`` (read only)."""
        return self.reversal_requests

    # ------------------------------------------- state changes (called by apply)
    def lots_of(self, right: str) -> list[Lot]:
        return [lot for lot in self.lots.values() if lot.right == right]

    def totals_for(self, right: str) -> RightTotals:
        totals = self.totals.get(right)
        if totals is None:  # not setdefault: that would build a new one on every call
            totals = self.totals[right] = RightTotals()
        return totals

    def move_lot(self, lot_id: str, state: LotState) -> None:
        lot = self.lots[lot_id]
        totals = self.totals_for(lot.right)
        totals.add(lot.state, -lot.remaining)
        totals.add(state.value, lot.remaining)
        lot.state = state.value

    def close_lot(self, lot_id: str, state: LotState) -> None:
        """The lot's units leave its open state for the total of the same name."""
        lot = self.lots[lot_id]
        totals = self.totals_for(lot.right)
        totals.add(lot.state, -lot.remaining)
        totals.add(state.value, lot.remaining)
        lot.state = state.value
        lot.remaining = 0
