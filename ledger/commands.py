"""The write commands: each one function, run the same way for one command or a batch.

``CommandBuilder`` makes a command from primitives (text checks, the source parsed, who
acts); the Ledger runs it on an account: loaded and saved for ``llr grant/use/status``
(``Ledger.grant_right`` ...), or already in hand for a batch of lines (``run_in_batch``,
which the import's chunks call through ``Ledger.run_in_batch``). Either way the same rules
run in the same order and refuse with the same messages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any
from uuid import UUID

from ledger.domain.account import Account
from ledger.domain.amounts import parse_amount
from ledger.domain.career import Employment, SuspensionReason
from ledger.domain.catalogue import Catalogue, Education, EndReason, Status
from ledger.domain.command import Provenance, Result
from ledger.domain.errors import AccountNotFoundError, InvalidInputError
from ledger.domain.facts import FactKind
from ledger.domain.identifiers import parse_enterprise_number, parse_source
from ledger.domain.late import run_late
from ledger.domain.offers import Offer
from ledger.parsing import (
    parse_end_reason,
    parse_situation,
    parse_status,
    parse_suspension_reason,
)
from ledger.security.inputs import MAX_REASON, checked_optional, checked_text


def no_account() -> AccountNotFoundError:
    return AccountNotFoundError.because("no account is open for this citizen; open one first")


# An amount as callers give it: text or a Decimal is in the right's unit ("2.5" days, as
# people and files give it); an int is minor units already (250 = 2.5 days), as code that
# computed it holds it (``CommandBuilder.minor_units``).
AmountGiven = str | int | Decimal


@dataclass(slots=True)
class Grant:
    right: str
    amount: int  # minor units
    on: date
    expires_on: date | None
    provenance: Provenance
    track: str | None = None  # the right's track (VOV: own-choice, employer)

    def run(self, account: Account, catalogue: Catalogue) -> Result:
        return account.grant(
            catalogue, self.right, self.amount, self.on, self.expires_on, self.provenance,
            self.track,
        )  # fmt: skip


@dataclass(slots=True)
class Use:
    right: str
    amount: int  # minor units
    on: date
    training: str
    provider: str | None  # None: the registry's provider of the training
    provenance: Provenance
    employer: str | None = None  # draw only on this employer's lots
    track: str | None = None  # draw only on this track's lots
    offer: Offer | None = None  # the registry's training, set by the Ledger when needed

    def run(self, account: Account, catalogue: Catalogue) -> Result:
        return account.use(
            catalogue,
            self.right,
            self.amount,
            self.on,
            self.training,
            self.provider,
            self.provenance,
            self.employer,
            self.track,
            self.offer,
        )


@dataclass(slots=True)
class Reserve:
    right: str
    amount: int  # minor units
    on: date
    training: str
    hold_until: date | None
    provenance: Provenance
    track: str | None = None
    enrolment: str | None = None
    employer: str | None = None
    provider: str | None = None  # None: the registry's provider of the training
    offer: Offer | None = None  # the registry's training, set by the Ledger when needed

    def run(self, account: Account, catalogue: Catalogue) -> Result:
        return account.reserve(
            catalogue, self.right, self.amount, self.on, self.training, self.hold_until,
            self.provenance, self.offer, self.track, self.enrolment, self.employer,
            self.provider,
        )  # fmt: skip


def minor_units_of(catalogue: Catalogue, right: str, amount: AmountGiven, name: str) -> int:
    """``amount`` as minor units of ``right``: text or a Decimal in the right's unit, an
    int already in minor units (``AmountGiven``); refused naming ``name``."""
    if isinstance(amount, int) and not isinstance(amount, bool):
        return parse_amount(amount, "vouchers", name)  # minor units already: whole, > 0
    return parse_amount(amount, catalogue.right(right).unit.value, name)


def may_be_late(command: Command) -> bool:
    """Whether ``command`` may be a late fact (dated before facts already recorded): a
    confirm or cancel closes a reservation in the order things happen, never before."""
    return not isinstance(command, Confirm | Cancel)


@dataclass(slots=True)
class Confirm:
    reservation: str  # its reference
    on: date
    amount: AmountGiven | None  # in the right's unit; None: all that is held
    provenance: Provenance
    amount_name: str = "--amount"  # as a refusal names it: the option, or a file's column

    def run(self, account: Account, catalogue: Catalogue) -> Result:
        held = account.reservation(self.reservation)
        minor = (
            None if self.amount is None
            else minor_units_of(catalogue, held.right, self.amount, self.amount_name)
        )  # fmt: skip
        return account.confirm(catalogue, self.reservation, self.on, minor, self.provenance)


@dataclass(slots=True)
class Cancel:
    reservation: str  # its reference
    on: date
    reason: str
    provenance: Provenance

    def run(self, account: Account, catalogue: Catalogue) -> Result:
        return account.cancel(self.reservation, self.on, self.reason, self.provenance)


@dataclass(slots=True)
class ChangeStatus:
    status: Status
    on: date
    provenance: Provenance

    def run(self, account: Account, catalogue: Catalogue) -> Result:
        return account.change_status(catalogue, self.status, self.on, self.provenance)


@dataclass(slots=True)
class StartEmployment:
    employment: Employment
    provenance: Provenance

    @property
    def on(self) -> date:
        return self.employment.start

    def run(self, account: Account, catalogue: Catalogue) -> Result:
        return account.start_employment(catalogue, self.employment, self.provenance)


@dataclass(slots=True)
class EndEmployment:
    employer: str
    on: date
    reason: EndReason
    provenance: Provenance

    def run(self, account: Account, catalogue: Catalogue) -> Result:
        return account.end_employment(
            catalogue, self.employer, self.on, self.reason, self.provenance
        )


@dataclass(slots=True)
class SuspendEmployment:
    employer: str
    on: date
    until: date
    reason: SuspensionReason
    provenance: Provenance

    def run(self, account: Account, catalogue: Catalogue) -> Result:
        return account.suspend_employment(
            self.employer, self.on, self.until, self.reason.value, self.provenance
        )


@dataclass(slots=True)
class StartSituation:
    situation: Status
    on: date
    provenance: Provenance

    def run(self, account: Account, catalogue: Catalogue) -> Result:
        return account.start_situation(catalogue, self.situation, self.on, self.provenance)


@dataclass(slots=True)
class EndSituation:
    situation: Status
    on: date
    provenance: Provenance

    def run(self, account: Account, catalogue: Catalogue) -> Result:
        return account.end_situation(catalogue, self.situation, self.on, self.provenance)


@dataclass(slots=True)
class RecordFact:
    kind: FactKind
    value: str | None
    fact_on: date
    until: date | None
    provenance: Provenance

    @property
    def on(self) -> date:
        # Never late: a fact is recorded at the account's business time and changes no
        # entry made before it (``ledger/domain/fact_writes.py``); nor does it open one.
        return date.min

    def run(self, account: Account, catalogue: Catalogue) -> Result:
        return account.record_fact(self.kind, self.value, self.fact_on, self.until, self.provenance)


Command = (
    Grant | Use | ChangeStatus | StartEmployment | EndEmployment | SuspendEmployment
    | StartSituation | EndSituation | RecordFact | Reserve | Confirm | Cancel
)  # fmt: skip


class CommandBuilder:
    """Commands from primitives, for one actor: the text checks and the provenance.

    One builder serves ``llr grant/use/status`` and every line of an import alike; the
    rules themselves run in the account, when the command runs.

    Amounts: ``grant`` and ``use`` take an amount in the right's own unit (hours, days,
    euros, vouchers), as text (``"2.5"``, ``"250.00"``), an ``int`` (``5`` is five hours
    of an hours right) or a ``Decimal``, never a float; the command holds it in minor
    units (``ledger/domain/amounts.py``), checked against the unit's precision.
    """

    def __init__(
        self, actor: str, sector_funds: Mapping[str, Any], catalogue: Catalogue | None = None
    ) -> None:
        self.actor = actor
        self.sector_funds = sector_funds
        self.catalogue = catalogue  # the rights' units: needed to build grants and uses
        self.sources: dict[str, str] = {}  # as given -> canonical

    def provenance(
        self,
        source: str | None = None,
        reference: str | None = None,
        batch: str | None = None,
        line: int | None = None,
    ) -> Provenance:
        # Runs for every line of an import: the source is looked up, not parsed again.
        canonical = (self.sources.get(source) or self.canonical_source(source)) if source else None
        return Provenance(self.actor, canonical, reference, batch, line)

    def canonical_source(self, source: str) -> str:
        """The source in its one spelling (parsed once per spelling: a batch repeats it)."""
        found = self.sources.get(source)
        if found is None:
            found = self.sources[source] = parse_source(source, self.sector_funds)
        return found

    def minor_units(self, right: str, amount: AmountGiven, name: str = "AMOUNT") -> int:
        """``amount`` in ``right``'s unit as minor units (refused, naming ``name``)."""
        assert self.catalogue is not None, "a builder of grants and uses has a catalogue"
        return minor_units_of(self.catalogue, right, amount, name)

    def grant(
        self,
        right: str,
        amount: AmountGiven,
        on: date,
        source: str,
        reference: str,
        expires_on: date | None = None,
        batch: str | None = None,
        line: int | None = None,
        amount_name: str = "AMOUNT",
        track: str | None = None,
    ) -> Grant:
        minor = self.minor_units(right, amount, amount_name)
        provenance = self.provenance(source, checked_text(reference, "reference"), batch, line)
        return Grant(right, minor, on, expires_on, provenance, checked_optional(track, "track"))

    def use(
        self,
        right: str,
        amount: AmountGiven,
        on: date,
        training: str,
        provider: str | None,
        reference: str,
        source: str | None = None,
        batch: str | None = None,
        line: int | None = None,
        employer: str | None = None,
        amount_name: str = "AMOUNT",
        track: str | None = None,
    ) -> Use:
        minor = self.minor_units(right, amount, amount_name)
        training = checked_text(training, "training")
        provider = checked_optional(provider, "provider")
        provenance = self.provenance(source, checked_text(reference, "reference"), batch, line)
        kbo = None if employer is None else parse_enterprise_number(employer).value
        the_track = checked_optional(track, "track")
        return Use(right, minor, on, training, provider, provenance, kbo, the_track)

    def reserve(
        self,
        right: str,
        amount: AmountGiven,
        on: date,
        training: str,
        reference: str,
        hold_until: date | None = None,
        track: str | None = None,
        enrolment: str | None = None,
        employer: str | None = None,
        batch: str | None = None,
        line: int | None = None,
        amount_name: str = "AMOUNT",
        provider: str | None = None,
    ) -> Reserve:
        minor = self.minor_units(right, amount, amount_name)
        provenance = self.provenance(None, checked_text(reference, "reference"), batch, line)
        kbo = None if employer is None else parse_enterprise_number(employer).value
        return Reserve(
            right, minor, on, checked_text(training, "training"), hold_until, provenance,
            checked_optional(track, "track"), checked_optional(enrolment, "enrolment"), kbo,
            checked_optional(provider, "provider"),
        )  # fmt: skip

    def confirm(
        self,
        reservation: str,
        on: date,
        amount: AmountGiven | None = None,
        batch: str | None = None,
        line: int | None = None,
        amount_name: str = "--amount",
    ) -> Confirm:
        reservation = checked_text(reservation, "reservation")
        provenance = self.provenance(None, None, batch, line)
        return Confirm(reservation, on, amount, provenance, amount_name)

    def cancel(
        self,
        reservation: str,
        on: date,
        reason: str,
        batch: str | None = None,
        line: int | None = None,
    ) -> Cancel:
        reservation, reason = (
            checked_text(reservation, "reservation"),
            checked_text(reason, "reason", MAX_REASON),  # a reason, not an id: longer
        )
        return Cancel(reservation, on, reason, self.provenance(None, None, batch, line))

    def fact(
        self,
        kind: str,
        value: str | None,
        on: date,
        until: date | None = None,
        source: str | None = None,
        reference: str | None = None,
        batch: str | None = None,
        line: int | None = None,
    ) -> RecordFact:
        try:
            the_kind = FactKind(kind.strip().lower())
        except ValueError:
            known = ", ".join(k.value for k in FactKind)
            raise InvalidInputError.because(
                "fact {kind!r}: expected one of {known}", kind=kind, known=known
            ) from None
        provenance = self.provenance(source, checked_optional(reference, "reference"), batch, line)
        return RecordFact(the_kind, value, on, until, provenance)

    def status(
        self,
        status: str | Status,
        on: date,
        source: str | None = None,
        reference: str | None = None,
        batch: str | None = None,
        line: int | None = None,
    ) -> ChangeStatus:
        the_status = status if isinstance(status, Status) else parse_status(status)
        reference = checked_optional(reference, "reference")
        return ChangeStatus(the_status, on, self.provenance(source, reference, batch, line))

    def employment_start(
        self,
        employment: Employment,
        source: str | None = None,
        reference: str | None = None,
        batch: str | None = None,
        line: int | None = None,
    ) -> StartEmployment:
        reference = checked_optional(reference, "reference")
        return StartEmployment(employment, self.provenance(source, reference, batch, line))

    def employment_end(
        self,
        employer: str,
        on: date,
        reason: str,
        source: str | None = None,
        reference: str | None = None,
        batch: str | None = None,
        line: int | None = None,
    ) -> EndEmployment:
        kbo, the_reason = parse_enterprise_number(employer).value, parse_end_reason(reason)
        reference = checked_optional(reference, "reference")
        return EndEmployment(kbo, on, the_reason, self.provenance(source, reference, batch, line))

    def employment_suspend(
        self,
        employer: str,
        on: date,
        until: date,
        reason: str,
        source: str | None = None,
        reference: str | None = None,
        batch: str | None = None,
        line: int | None = None,
    ) -> SuspendEmployment:
        kbo, why = parse_enterprise_number(employer).value, parse_suspension_reason(reason)
        provenance = self.provenance(source, checked_optional(reference, "reference"), batch, line)
        return SuspendEmployment(kbo, on, until, why, provenance)

    def situation(
        self,
        situation: str,
        on: date,
        starts: bool,
        source: str | None = None,
        reference: str | None = None,
        batch: str | None = None,
        line: int | None = None,
    ) -> StartSituation | EndSituation:
        the_situation = parse_situation(situation)
        provenance = self.provenance(source, checked_optional(reference, "reference"), batch, line)
        kind = StartSituation if starts else EndSituation
        return kind(the_situation, on, provenance)


def open_new(
    aggregate_id: UUID,
    insz: str,
    status: Status,
    on: date,
    education: Education | None,
    provenance: Provenance,
    employment: Employment | None = None,
) -> Account:
    """A new account (nothing saved yet): the one way an account comes to be."""
    return Account.open(aggregate_id, insz, status, on, education, provenance, employment)


# The events an account has so far, stored or still on their way to the store: what a
# late line of a batch folds (``ledger/domain/late.py``).
History = Callable[[UUID], Sequence[Any]]


def run_in_batch(
    catalogue: Catalogue,
    accounts: dict[UUID, Account],
    aggregate_id: UUID,
    insz: str,
    command: Command,
    employer_opens: bool,
    history: History | None = None,
    review: bool = False,
) -> Result:
    """Run ``command`` on an account in hand; a refusal raises and changes nothing.

    An account the batch does not hold is opened by a status change, a situation's start
    or an employment's start (as that status, situation or employment, with its
    reference, so the same line is recognised next time) or, in a batch whose source is an
    employer (``employer_opens``), by any line (as an employee of that employer). A new
    account is kept in ``accounts`` only once its first command succeeded.
    """
    account = accounts.get(aggregate_id)
    if account is None:
        opening = opening_of(command)
        if opening is not None:
            status, employment = opening
            provenance = command.provenance
            accounts[aggregate_id] = open_new(
                aggregate_id, insz, status, command.on, None, provenance, employment
            )
            return Result.APPLIED
        if not employer_opens or isinstance(command, RecordFact):
            raise no_account()
        line = command.provenance  # the opening carries no reference: the line's own does
        provenance = Provenance(line.actor, line.source, None, line.batch, line.line)
        employer = (line.source or "").removeprefix("employer:")
        employment = Employment(employer, command.on)
        account = open_new(
            aggregate_id, insz, Status.EMPLOYEE, command.on, None, provenance, employment
        )
        result = command.run(account, catalogue)
        accounts[aggregate_id] = account
        return result
    if repeats_opening(account, command):
        return Result.EXISTS
    if (
        history is not None
        and may_be_late(command)
        and account.opened_on <= command.on < account.last_on
    ):
        run = partial(command.run, catalogue=catalogue)
        actor = command.provenance.actor
        # An account this chunk opened has all its events pending: nothing to read.
        opened_here = account.version == len(account._pending_events)
        stored = [] if opened_here else history(aggregate_id)
        return run_late(stored, account, catalogue, run, command.on, actor, review)
    return command.run(account, catalogue)


def opening_of(command: Command) -> tuple[Status, Employment | None] | None:
    """The status (and employment) a command opens a new account as, or None when it
    cannot open one."""
    if isinstance(command, ChangeStatus):
        return command.status, None
    if isinstance(command, StartSituation):
        return command.situation, None
    if isinstance(command, StartEmployment):
        return Status.EMPLOYEE, command.employment
    return None


def repeats_opening(account: Account, command: Command) -> bool:
    """Whether ``command`` is the one that opened the account (an exact repeat)."""
    opening = opening_of(command)
    if opening is None:
        return False
    source, reference = command.provenance.source, command.provenance.reference
    status, employment = opening
    return account.opened_by(source, reference) and account.opening_matches(
        status, command.on, None, employment
    )
