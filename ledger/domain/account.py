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

from ledger.domain.amounts import upcast_to_minor_units
from ledger.domain.batch import ChainedEvent
from ledger.domain.bookings import BookingCommands, Reservation, ReservationState, release
from ledger.domain.career import Career, Employment
from ledger.domain.career_writes import CareerCommands
from ledger.domain.catalogue import CapCounts, Education, Status
from ledger.domain.chain import GENESIS
from ledger.domain.command import Provenance
from ledger.domain.fact_writes import FactCommands, fact_fingerprint
from ledger.domain.facts import Fact, FactKind, Facts
from ledger.domain.idempotency import (
    References,
    career_fingerprint,
    grant_fingerprint,
    opening_fingerprint,
    reserve_fingerprint,
    status_fingerprint,
    use_fingerprint,
)
from ledger.domain.lots import Lot, LotState
from ledger.domain.reversals import ReversalCommands, apply_reversal
from ledger.domain.reviews import ReviewCommands
from ledger.domain.state import (
    Entries,
    Entry,
    EntryKind,
    Movements,
    ReversalRequest,
    ReviewCase,
    RightTotals,
)
from ledger.domain.writes import EntryCommands

EMPLOYER_PREFIX = "employer:"


def employment_of_fields(on: date, fields: dict[str, Any]) -> Employment:
    """The employment an ``EmploymentStarted`` (or its command's fields) starts."""
    return Employment(
        fields["employer"], on, fields["fte"], fields["joint_committee"], fields["region"],
        fields["unit"],
    )  # fmt: skip


class SnapshotTooOld(Exception):
    """A snapshot of a state the account can no longer be restored from (loaders replay
    the account from its first event instead)."""


class Account(
    EntryCommands,
    BookingCommands,
    CareerCommands,
    FactCommands,
    ReversalCommands,
    ReviewCommands,
    Aggregate,
):
    """One citizen's account. Its commands are in the mixins: entries (grants, uses,
    expiry) in ``writes.py``, the career (employments, situations, the status shorthand)
    in ``career_writes.py``, corrections in ``reversals.py``."""

    # Version 2: typed state (RightTotals, Entry, Movements, References, ReversalRequest)
    # instead of string-keyed dicts. Version 3: the career (employments and situations)
    # instead of one status. Version 4: amounts in minor units. Older snapshots go through
    # upcast_v1_v2, upcast_v2_v3 and upcast_v3_v4. Version 5: eligibility facts (``facts``).
    # Version 6: bookings (``reservations``, ``Lot.held``, ``RightTotals.reserved``).
    class_version = 6

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
        # Opened with an employment (``Employment.as_row``); absent from older streams.
        employment: list[Any] | None = None

    class StatusChanged(Event):
        """The shorthand `llr status`: from ``on`` the citizen is only ``to_status``; every
        employment and situation running then ends (streams before employments existed
        hold only these)."""

        from_status: str
        to_status: str
        source: str | None
        reference: str | None
        batch: str | None
        line: int | None

        def apply(self, account: Account) -> None:
            account.career.replace_all(self.to_status, self.on)
            account.status = self.to_status
            account.last_on = self.on
            account.references.remember(
                self.source, self.reference, status_fingerprint(self.to_status, self.on)
            )

    class CareerEvent(Event):
        """A dated fact of the career. ``statuses`` is the label of the statuses it leaves
        (``career.status_label``), kept for the read models, which fold no career."""

        source: str | None
        reference: str | None
        batch: str | None
        line: int | None
        statuses: str

        def apply(self, account: Account) -> None:
            self.change(account.career, self.on, self.__dict__)
            account.status = self.statuses
            account.last_on = self.on
            account.references.remember(self.source, self.reference, self.fingerprint())

        @staticmethod
        def change(career: Career, on: date, fields: dict[str, Any]) -> None:
            """The fact's change to ``career`` (the command tries it on a copy first)."""
            raise NotImplementedError

        def fingerprint(self) -> str:
            raise NotImplementedError

    class EmploymentStarted(CareerEvent):
        employer: str
        unit: str | None
        fte: int  # hundredths of a full-time job
        joint_committee: str | None
        region: str

        @staticmethod
        def change(career: Career, on: date, fields: dict[str, Any]) -> None:
            career.start_employment(employment_of_fields(on, fields))

        def fingerprint(self) -> str:
            employment = employment_of_fields(self.on, self.__dict__)
            return career_fingerprint("employment-start", employment.as_row())

    class EmploymentEnded(CareerEvent):
        employer: str
        reason: str

        @staticmethod
        def change(career: Career, on: date, fields: dict[str, Any]) -> None:
            career.end_employment(fields["employer"], on, fields["reason"])

        def fingerprint(self) -> str:
            return career_fingerprint("employment-end", [self.employer, self.on, self.reason])

    class EmploymentSuspended(CareerEvent):
        """The contract is suspended from ``on`` until (not including) ``until``."""

        employer: str
        until: date
        reason: str

        @staticmethod
        def change(career: Career, on: date, fields: dict[str, Any]) -> None:
            employment = career.employment_with(fields["employer"], on)
            if employment is not None:
                employment.suspensions.append([on, fields["until"], fields["reason"]])

        def fingerprint(self) -> str:
            return career_fingerprint(
                "employment-suspend", [self.employer, self.on, self.until, self.reason]
            )

    class SituationStarted(CareerEvent):
        situation: str

        @staticmethod
        def change(career: Career, on: date, fields: dict[str, Any]) -> None:
            career.start_spell(fields["situation"], on)

        def fingerprint(self) -> str:
            return career_fingerprint("situation-start", [self.situation, self.on])

    class SituationEnded(CareerEvent):
        situation: str

        @staticmethod
        def change(career: Career, on: date, fields: dict[str, Any]) -> None:
            career.end_spell(fields["situation"], on)

        def fingerprint(self) -> str:
            return career_fingerprint("situation-end", [self.situation, self.on])

    class RightGranted(Event):
        # Version 2: amounts in minor units (hours and days were whole units before).
        class_version = 2
        upcast_v1_v2 = staticmethod(upcast_to_minor_units)

        right: str
        lot: str
        amount: int
        expires_on: date | None
        rule_version: str
        source: str
        reference: str
        batch: str | None
        line: int | None
        # The employment the lot is bound to. Grants recorded before employments lack the
        # field (read as None): they bind nothing and name no employment, so that an old
        # stream replays as its old snapshot loads.
        employer: str | None = None
        # The content hash of the rule text granted under (``RuleVersion.content_hash``),
        # which the audit checks the catalogue still has; None before hashes were kept.
        rule_hash: str | None = None
        # The track of the right granted on; absent for rights without tracks.
        track: str | None = None

        def apply(self, account: Account) -> None:
            if "employer" in self.__dict__ and self.source.startswith(EMPLOYER_PREFIX):
                account.career.name_employment(self.source[len(EMPLOYER_PREFIX) :], self.on)
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
                employer=self.employer,
                track=self.track,
            )
            totals = account.totals_for(self.right)
            totals.granted += self.amount
            totals.usable += self.amount
            account.movements.add(self.right, CapCounts.GRANTS, self.on, self.amount, self.track)
            account.entries[str(self.originator_version)] = Entry(EntryKind.GRANT, lot=self.lot)
            account.last_on = self.on
            account.references.remember(
                self.source,
                self.reference,
                grant_fingerprint(self.right, self.amount, self.on, self.expires_on, self.track),
            )

    class RightUsed(Event):
        # Version 2: amounts in minor units (hours and days were whole units before).
        class_version = 2
        upcast_v1_v2 = staticmethod(upcast_to_minor_units)

        right: str
        amount: int
        draws: list[list[Any]]  # [[lot_id, amount], ...] earliest expiry first
        training: str
        provider: str
        source: str | None
        reference: str
        batch: str | None
        line: int | None
        employer: str | None = None  # drawn only on this employer's lots (None before them)
        track: str | None = None  # drawn only on this track's lots (absent without tracks)

        def apply(self, account: Account) -> None:
            for lot_id, taken in self.draws:
                account.lots[lot_id].remaining -= taken
            totals = account.totals_for(self.right)
            totals.used += self.amount
            totals.usable -= self.amount
            account.movements.add(self.right, CapCounts.USES, self.on, self.amount, self.track)
            account.entries[str(self.originator_version)] = Entry(
                EntryKind.USE, on=self.on, draws=self.draws, track=self.track
            )
            account.fundings.setdefault(self.training, []).append(
                [self.originator_version, self.right, self.on]
            )
            account.last_on = self.on
            account.references.remember(
                self.source,
                self.reference,
                use_fingerprint(
                    self.right, self.amount, self.on, self.training, self.provider, self.track
                ),
            )

    class RightTransferred(Event):
        """A lot carried into the new status; a suspended lot becomes usable again."""

        # Version 2: amounts in minor units (hours and days were whole units before).
        class_version = 2
        upcast_v1_v2 = staticmethod(upcast_to_minor_units)

        right: str
        lot: str
        amount: int
        from_status: str
        to_status: str
        # Recorded with a late fact, in its place among the events of its day: just after
        # (odd, 2v+1) or before (2v-1) event v (``effective.effective_key``).
        place: int | None = None

        def apply(self, account: Account) -> None:
            account.move_lot(self.lot, LotState.USABLE)
            account.unbind_if_employment_ended(self.lot, self.on)

    class RightSuspended(Event):
        # Version 2: amounts in minor units (hours and days were whole units before).
        class_version = 2
        upcast_v1_v2 = staticmethod(upcast_to_minor_units)

        right: str
        lot: str
        amount: int
        status: str
        legal_basis: str
        # Recorded with a late fact, in its place among the events of its day: just after
        # (odd, 2v+1) or before (2v-1) event v (``effective.effective_key``).
        place: int | None = None

        def apply(self, account: Account) -> None:
            account.move_lot(self.lot, LotState.SUSPENDED)
            account.unbind_if_employment_ended(self.lot, self.on)

    class RightForfeited(Event):
        # Version 2: amounts in minor units (hours and days were whole units before).
        class_version = 2
        upcast_v1_v2 = staticmethod(upcast_to_minor_units)

        right: str
        lot: str
        amount: int
        status: str
        legal_basis: str
        rule_version: str
        # Recorded with a late fact, in its place among the events of its day: just after
        # (odd, 2v+1) or before (2v-1) event v (``effective.effective_key``).
        place: int | None = None

        def apply(self, account: Account) -> None:
            account.close_lot(self.lot, LotState.FORFEITED)
            account.entries[str(self.originator_version)] = Entry(
                EntryKind.FORFEIT, lot=self.lot, amount=self.amount
            )

    class RightExpired(Event):
        # Version 2: amounts in minor units (hours and days were whole units before).
        class_version = 2
        upcast_v1_v2 = staticmethod(upcast_to_minor_units)

        right: str
        lot: str
        amount: int
        rule_version: str
        # Recorded with a late fact, in its place among the events of its day: just after
        # (odd, 2v+1) or before (2v-1) event v (``effective.effective_key``).
        place: int | None = None

        def apply(self, account: Account) -> None:
            account.close_lot(self.lot, LotState.EXPIRED)
            account.last_on = max(account.last_on, self.on)

    class EntryReversed(Event):
        # Version 2: amounts in minor units (hours and days were whole units before).
        class_version = 2
        upcast_v1_v2 = staticmethod(upcast_to_minor_units)

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
            if self.entry_event == "RightUsed":  # the training is no longer funded by it
                for funded in account.fundings.values():
                    funded[:] = [f for f in funded if f[0] != self.entry]
            for lot_id, _, _ in self.restores:
                if lot_id in account.lots:  # units back in a lot that outlived its employment
                    account.unbind_if_employment_ended(lot_id, self.on)
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

    class FactRecorded(Event):
        """An eligibility fact about ``fact_on`` (education level, a POP, years of work
        experience), recorded at the account's business time ``on``."""

        kind: str
        value: str
        fact_on: date
        until: date | None
        source: str | None
        reference: str | None
        batch: str | None
        line: int | None

        def apply(self, account: Account) -> None:
            account.facts.add(Fact(FactKind(self.kind), self.value, self.fact_on, self.until))
            account.references.remember(
                self.source,
                self.reference,
                fact_fingerprint(self.kind, self.value, self.fact_on, self.until),
            )

    class UnitsReserved(Event):
        """Units held from lots for a training (``bookings.py``), not yet used."""

        right: str
        amount: int
        draws: list[list[Any]]  # [[lot_id, units], ...] earliest expiry first
        training: str
        provider: str
        hold_until: date  # the last day the hold stands
        own_share: int | None  # euro cents the citizen pays for what is held
        public_share: int | None  # euro cents the public pays
        enrolment: str | None  # links the bookings of one enrolment (hours and vouchers)
        source: str | None
        reference: str
        batch: str | None
        line: int | None
        employer: str | None = None
        track: str | None = None

        def apply(self, account: Account) -> None:
            for lot_id, units in self.draws:
                lot = account.lots[lot_id]
                lot.remaining -= units
                lot.held += units
            totals = account.totals_for(self.right)
            totals.usable -= self.amount
            totals.reserved += self.amount
            account.movements.add(self.right, CapCounts.USES, self.on, self.amount, self.track)
            account.fundings.setdefault(self.training, []).append(
                [self.originator_version, self.right, self.on]
            )
            account.reservations[self.reference] = Reservation(
                self.reference, self.right, self.amount, self.draws, self.training,
                self.provider, self.on, self.hold_until, self.track, self.enrolment,
                self.own_share, self.public_share, self.originator_version,
            )  # fmt: skip
            account.last_on = self.on
            account.references.remember(
                self.source,
                self.reference,
                reserve_fingerprint(
                    self.right, self.amount, self.on, self.training, self.hold_until, self.track
                ),
            )

    class ReservationClosed(Event):
        """A reservation's end: what goes back to which lot (``released``: [[lot_id, units,
        state]], the state the units go to) and what is refunded, in euro cents."""

        right: str
        reservation: str  # its reference
        amount: int
        released: list[list[Any]]
        refund_own: int | None
        refund_public: int | None

        def apply(self, account: Account) -> None:
            reservation = account.reservations[self.reservation]
            release(account, self.right, self.released)
            units = sum(units for _, units, _ in self.released)
            if units:  # the released units no longer count against the caps
                account.movements.add(
                    self.right, CapCounts.USES, reservation.on, -units, reservation.track
                )
            reservation.state = self.closes_as
            reservation.closed_on = self.on
            account.last_on = max(account.last_on, self.on)
            if self.closes_as != ReservationState.CONFIRMED:
                self.unfund(account, reservation)

        closes_as = ReservationState.CANCELLED

        @staticmethod
        def unfund(account: Account, reservation: Reservation) -> None:
            funded = account.fundings.get(reservation.training, [])
            funded[:] = [f for f in funded if f[0] != reservation.version]

    class ReservationConfirmed(ReservationClosed):
        """The provider redeemed the booking: ``amount`` of the held units is used
        (``taken``), the rest released; the shares redeemed and refunded are recorded."""

        taken: list[list[Any]]  # [[lot_id, units], ...]
        redeemed_own: int | None
        redeemed_public: int | None
        batch: str | None
        line: int | None
        closes_as = ReservationState.CONFIRMED

        def apply(self, account: Account) -> None:
            reservation = account.reservations[self.reservation]
            for lot_id, units in self.taken:
                account.lots[lot_id].held -= units
            totals = account.totals_for(self.right)
            totals.reserved -= self.amount
            totals.used += self.amount
            reservation.confirmed = self.amount
            # Reversible as a use, dated as the reservation whose movement it keeps.
            account.entries[str(self.originator_version)] = Entry(
                EntryKind.USE, on=reservation.on, draws=self.taken, track=reservation.track
            )
            super().apply(account)

    class ReservationCancelled(ReservationClosed):
        reason: str
        batch: str | None
        line: int | None

    class ReservationLapsed(ReservationClosed):
        """The hold date passed without a confirm (``llr expire`` or the next command)."""

        closes_as = ReservationState.LAPSED

    class ReviewOpened(Event):
        """A late fact (dated ``fact_on``) recorded although it makes later entries
        invalid: the case lists them (``late.Conflict`` rows)."""

        fact_on: date
        conflicts: list[list[Any]]

        def apply(self, account: Account) -> None:
            account.review_cases[str(self.originator_version)] = ReviewCase(
                self.on, self.fact_on, [list(c) for c in self.conflicts], self.actor
            )

    class ReviewClosed(Event):
        case: int  # the event id of the ReviewOpened
        reason: str

        def apply(self, account: Account) -> None:
            case = account.review_cases[str(self.case)]
            case.closed_reason, case.closed_by = self.reason, self.actor

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
        employment: list[Any] | None = None,  # absent from streams before employments
    ) -> None:
        self.head_hash = GENESIS  # set to this event's hash once it is applied
        self.insz = insz
        self.education = education
        self.status = status
        self.career = Career.opened_as(
            status, on, None if employment is None else Employment.from_row(employment)
        )
        self.opened_on = on
        self.opening = opening_fingerprint(
            status, on, education, None if employment is None else employment[0]
        )
        self.last_on = on
        self.lots: dict[str, Lot] = {}
        self.totals: dict[str, RightTotals] = {}
        self.movements = Movements()  # what caps sum over
        self.entries = Entries()  # reversible entries by event version
        self.references = References()
        self.reversal_requests: dict[str, ReversalRequest] = {}  # by event version
        self.review_cases: dict[str, ReviewCase] = {}  # by the ReviewOpened's version
        # Per training id, the uses that funded it: [[event version, right, date]].
        self.fundings: dict[str, list[list[Any]]] = {}
        self.facts = Facts()  # eligibility facts, as recorded
        self.reservations: dict[str, Reservation] = {}  # bookings, by reference
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

    @staticmethod
    def upcast_v2_v3(state: dict[str, Any]) -> None:
        """A snapshot of one status cannot say since when, nor which employments ran
        before: the account is replayed from its events instead (a snapshot only saves
        reading time)."""
        raise SnapshotTooOld("a snapshot from before employments: replay the events")

    @staticmethod
    def upcast_v3_v4(state: dict[str, Any]) -> None:
        """A snapshot holds its lots, totals, movements and fingerprints in the units of
        its time (whole hours and days): the events, upcast one by one, say it in minor
        units."""
        raise SnapshotTooOld("a snapshot from before minor units: replay the events")

    @staticmethod
    def upcast_v4_v5(state: dict[str, Any]) -> None:
        """No fact was recorded before facts existed."""
        state["facts"] = Facts()

    @staticmethod
    def upcast_v5_v6(state: dict[str, Any]) -> None:
        """No reservation was made before bookings existed (their totals read 0)."""
        state["reservations"] = {}

    @classmethod
    def open(
        cls,
        account_id: UUID,
        insz: str,
        status: Status,
        on: date,
        education: Education | None,
        provenance: Provenance,
        employment: Employment | None = None,
    ) -> Account:
        """Open as ``status`` (a situation), or as an employee of ``employment``."""
        return cls._create(
            cls.AccountOpened,
            id=account_id,
            insz=insz,
            status=Status.EMPLOYEE.value if employment is not None else status.value,
            education=education.value if education else None,
            on=on,
            actor=provenance.actor,
            source=provenance.source,
            reference=provenance.reference,
            batch=provenance.batch,
            line=provenance.line,
            prev_hash=GENESIS,
            employment=None if employment is None else employment.as_row(),
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

    def opening_matches(
        self,
        status: Status,
        on: date,
        education: Education | None,
        employment: Employment | None = None,
    ) -> bool:
        """Whether opening again with these facts repeats the original opening exactly."""
        return self.opening == opening_fingerprint(
            status.value,
            on,
            education.value if education else None,
            None if employment is None else employment.employer,
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

    def unbind_if_employment_ended(self, lot_id: str, on: date) -> None:
        """A lot that outlives its employment (carried or suspended) follows the citizen."""
        lot = self.lots[lot_id]
        if lot.employer is not None and not self.career.employment_with(lot.employer, on):
            lot.employer = None

    def close_lot(self, lot_id: str, state: LotState) -> None:
        """The lot's units leave its open state for the total of the same name."""
        lot = self.lots[lot_id]
        totals = self.totals_for(lot.right)
        totals.add(lot.state, -lot.remaining)
        totals.add(state.value, lot.remaining)
        lot.state = state.value
        lot.remaining = 0
