"""The Ledger: commands and queries on citizens' accounts.

Each command reads like the library's bank-account example: get the account, call one
domain command, save atomically. Arguments are primitives (text, ``int``, ``date``); the
INSZ is checked here and never leaves this layer except inside the account's events.

Around it: ``commands.py`` (each command as a value, and its batch form), ``saving.py``
(reading and saving accounts, the retry and snapshot policies), ``results.py`` (what
commands and queries return) and ``parsing.py`` (text from a command line).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from ledger.careers import CareerMethods
from ledger.catalogue import default_catalogue
from ledger.commands import (
    AmountGiven,
    Command,
    CommandBuilder,
    History,
    Reserve,
    Use,
    may_be_late,
    open_new,
    run_in_batch,
)
from ledger.domain.account import Account
from ledger.domain.career import Employment
from ledger.domain.catalogue import Catalogue, Status
from ledger.domain.command import Result
from ledger.domain.errors import AccountAlreadyOpenError, AccountNotFoundError, InvalidInputError
from ledger.domain.identifiers import Insz, account_id, parse_insz
from ledger.domain.late import run_late
from ledger.domain.views import (
    Explanation,
    balances,
    effective_until,
    explain,
    history,
    known_at,
    rebuild,
)
from ledger.parsing import parse_education, parse_status
from ledger.results import (
    AccessReport,
    BalanceReport,
    CommandOutcome,
    ExpirySummary,
    ExplainReport,
    HistoryReport,
)
from ledger.review_cases import ReviewMethods
from ledger.saving import AccountStore, retrying
from ledger.security.access_log import AccessLog
from ledger.security.db_roles import harden
from ledger.security.guard import Guard
from ledger.security.inputs import MAX_REASON, checked_optional, checked_text
from ledger.security.roles import Action, Role, actor_with_role
from ledger.security.store_key import bind_store_key, check_store_key
from ledger.store.database_roles import Hardening
from ledger.store.security_tables import tables_for
from ledger.timeline_reads import TimelineMethods

if TYPE_CHECKING:
    from ledger.registry import Registry

EXPIRY_BATCH = 500


class Ledger(CareerMethods, ReviewMethods, TimelineMethods, AccountStore):
    """The rights ledger as an eventsourcing application."""

    name = "ledger"
    log_section_size = 1000
    is_snapshotting_enabled = True

    def __init__(
        self,
        env: dict[str, str] | None = None,
        *,
        id_key: bytes,
        actor: str,
        catalogue: Catalogue | None = None,
        role: Role | None = None,
    ) -> None:
        super().__init__(env)
        self.id_key = id_key
        self.catalogue = catalogue or default_catalogue()
        self.security = tables_for(self.recorder)
        self.act_for(role, actor, AccessLog(self.security, self.mapper.cipher))

    def act_for(self, role: Role | None, actor: str, access_log: AccessLog) -> None:
        """Check ``role`` in every command, and record ``actor`` in every event and read."""
        # Every event records who acted and in which role: "staff:42 (backoffice)".
        self.actor = actor if role is None else actor_with_role(actor, role)
        self.commands = CommandBuilder(self.actor, self.catalogue.sector_funds, self.catalogue)
        self.guard = Guard(role, actor, access_log)

    # ------------------------------------------------------------- security
    @property
    def role(self) -> Role | None:
        return self.guard.role

    def acting_as(self, role: Role, actor: str) -> Ledger:
        """This Ledger for one caller of a service: the same store, connections and
        catalogue, with the caller's role checked and the caller recorded as the actor.

        A service opens one Ledger per process and takes a view per request; a view is a
        shallow copy, costs no connection and is never closed (the Ledger it came from is).
        """
        view = copy.copy(self)
        view.act_for(role, actor, self.guard.access_log)
        view.__dict__.pop("registry", None)
        view.__dict__["_viewed"] = self
        return view

    def require(self, action: Action, source: str | None = None) -> None:
        """Refuse unless the acting role may take ``action`` (for an import: ``source``)."""
        self.guard.require(action, source)

    def shown(self, insz: Insz) -> str:
        """The INSZ as the acting role may see it: formatted, or masked (trusted code, with
        no role, sees it formatted)."""
        role = self.role
        return insz.formatted if role is None or role.may(Action.SEE_INSZ) else insz.masked

    def bind_store_key(self) -> bool:
        """``llr init``: make the security tables, bind the store to its key (or to none)."""
        self.require(Action.INIT)
        return bind_store_key(self.security, self.recorder, self.mapper)

    def check_store_key(self, *, for_audit: bool = False) -> None:
        """Refuse a missing, unexpected or wrong cipher key before anything else happens.

        ``for_audit`` lets a store whose first record is damaged through (the key must
        still fit the rest), so that the audit can name that record as a finding.
        """
        check_store_key(self.security, self.recorder, self.mapper, for_audit=for_audit)

    def harden_database(self) -> Hardening:
        """PostgreSQL: one role per llr role with only its grants; events append-only."""
        self.require(Action.MANAGE_DB_ROLES)
        if not self.security.supports_database_roles or self.snapshots is None:
            raise InvalidInputError.because(
                "database roles exist on PostgreSQL only: on SQLite, protect the file "
                "with the file system's permissions"
            )
        events = self.recorder.events_table_name  # type: ignore[attr-defined]
        snapshots = self.snapshots.recorder.events_table_name  # type: ignore[attr-defined]
        return harden(self.security, events, snapshots)

    def access_log(self, insz: str) -> AccessReport:
        """Who read this citizen's data, when, in which role and why."""
        self.require(Action.READ_ACCESS_LOG)
        parsed = parse_insz(insz)
        aggregate_id = self.account_id_for(parsed)
        return AccessReport(parsed, aggregate_id, tuple(self.guard.access_log.of(aggregate_id)))

    # ----------------------------------------------------------- identities
    def account_id_for(self, insz: str | Insz) -> UUID:
        parsed = insz if isinstance(insz, Insz) else parse_insz(insz)
        return account_id(parsed, self.id_key)

    # -------------------------------------------------------------- commands
    def open_account(
        self,
        insz: str,
        status: str,
        on: date,
        education: str | None = None,
        source: str | None = None,
        reference: str | None = None,
        employment: Employment | None = None,
    ) -> CommandOutcome:
        """Open a citizen's account, in a situation (``status``) or as an employee of
        ``employment``; opening again with the same facts changes nothing."""
        self.require(Action.WRITE_ACCOUNT)
        parsed = parse_insz(insz)
        reference = checked_optional(reference, "reference")
        the_status, the_education = parse_status(status), parse_education(education)
        if employment is not None and the_status is not Status.EMPLOYEE:
            raise InvalidInputError.because(
                "an account opened with an employer opens as an employee, not {status}",
                status=status,
            )
        provenance = self.commands.provenance(source, reference)
        aggregate_id = self.account_id_for(parsed)
        existing = self.find_account(aggregate_id)
        if existing is None:
            account = open_new(
                aggregate_id, parsed.value, the_status, on, the_education, provenance, employment
            )
            try:
                return outcome(Result.APPLIED, account, self.save_events(account))
            except IntegrityError:
                existing = self.get_account(aggregate_id)  # opened meanwhile by another writer
        if existing.opening_matches(the_status, on, the_education, employment):
            return CommandOutcome(Result.EXISTS, existing.version, ())
        raise AccountAlreadyOpenError.because(
            "an account is already open for {insz} (opened {opened_on} as {status})",
            insz=parsed.masked, opened_on=existing.opened_on,
            status=existing.status if existing.version == 1 else "recorded",
        )  # fmt: skip

    def grant_right(
        self,
        insz: str,
        right: str,
        amount: AmountGiven,
        on: date,
        source: str,
        reference: str,
        expires_on: date | None = None,
        review: bool = False,
        track: str | None = None,
    ) -> CommandOutcome:
        """Grant a lot of a right to a citizen; ``amount`` as text or a Decimal in the
        right's unit (``"2.5"`` days), or an int of minor units (``AmountGiven``); on
        ``track`` for a right with tracks (default: its first)."""
        self.require(Action.WRITE_ACCOUNT)
        command = self.commands.grant(right, amount, on, source, reference, expires_on, track=track)
        return self.run_command(insz, command, review)

    def use_right(
        self,
        insz: str,
        right: str,
        amount: AmountGiven,
        on: date,
        training: str,
        provider: str | None,
        reference: str,
        source: str | None = None,
        employer: str | None = None,
        review: bool = False,
        track: str | None = None,
    ) -> CommandOutcome:
        """Record a use, drawn from the lots that expire first (with ``employer``, from
        that employer's lots only; with ``track``, from that track's); ``amount`` as for
        ``grant_right``."""
        self.require(Action.WRITE_ACCOUNT)
        command = self.commands.use(
            right, amount, on, training, provider, reference, source, employer=employer,
            track=track,
        )  # fmt: skip
        return self.run_command(insz, command, review)

    def reserve(
        self,
        insz: str,
        right: str,
        amount: AmountGiven,
        on: date,
        training: str,
        reference: str,
        hold_until: date | None = None,
        track: str | None = None,
        enrolment: str | None = None,
        employer: str | None = None,
        review: bool = False,
        provider: str | None = None,
    ) -> CommandOutcome:
        """Hold units of ``right`` for ``training`` until ``hold_until`` (default: the
        catalogue's hold), drawn as a use would be; ``enrolment`` links the bookings of
        one enrolment (hours and vouchers for the same training)."""
        self.require(Action.WRITE_ACCOUNT)
        command = self.commands.reserve(
            right, amount, on, training, reference, hold_until, track, enrolment, employer,
            provider=provider,
        )  # fmt: skip
        return self.run_command(insz, command, review)

    def confirm(
        self, insz: str, reservation: str, on: date, amount: AmountGiven | None = None
    ) -> CommandOutcome:
        """The provider redeems a reservation: its units (or ``amount`` of them) are used,
        the rest released and refunded."""
        self.require(Action.WRITE_ACCOUNT)
        return self.run_command(insz, self.commands.confirm(reservation, on, amount))

    def cancel(self, insz: str, reservation: str, on: date, reason: str) -> CommandOutcome:
        """Release a reservation's units and refund its purchase."""
        self.require(Action.WRITE_ACCOUNT)
        reason = checked_text(reason, "--reason", MAX_REASON)
        return self.run_command(insz, self.commands.cancel(reservation, on, reason))

    # ---------------------------------------------------------- the registry
    @cached_property
    def registry(self) -> Registry:
        """The registry of providers and trainings, in its own streams of this store
        (opened on first use: most commands never ask it)."""
        viewed: Ledger | None = self.__dict__.get("_viewed")
        if viewed is not None and self.role is not None:  # one registry per process
            return viewed.registry.acting_as(self.role, self.guard.actor)
        from ledger.registry import open_registry

        return open_registry(self.env, guard=self.guard)

    def close(self) -> None:
        """Close the store, and the registry's when it was opened (a view closes nothing:
        its Ledger owns the connections)."""
        if self.__dict__.get("_viewed") is not None:
            return
        registry = self.__dict__.get("registry")
        if registry is not None:
            registry.close()
        super().close()

    def with_offer(self, command: Command) -> Command:
        """A use or reservation whose right needs a registered training that day carries
        what the registry says of it (the domain decides, the Ledger looks it up)."""
        if isinstance(command, Use | Reserve):
            booking = self.catalogue.right(command.right).booking_rules
            if booking.needs_registry(command.on):
                command.offer = self.registry.offer(command.training)
        return command

    def change_status(
        self,
        insz: str,
        status: str,
        on: date,
        source: str | None = None,
        reference: str | None = None,
        review: bool = False,
    ) -> CommandOutcome:
        """The shorthand of a career transition: from ``on`` the citizen is only
        ``status`` (running employments and situations end); every open lot is carried,
        suspended or forfeited."""
        self.require(Action.WRITE_ACCOUNT)
        command = self.commands.status(status, on, source, reference)
        return self.run_command(insz, command, review)

    def runner_of(self, command: Command) -> Callable[[Account], Result]:
        return lambda account: command.run(account, self.catalogue)

    def run_command(self, insz: str, command: Command, review: bool = False) -> CommandOutcome:
        """Run one command on the citizen's account: in date order, or as a late fact
        (dated before facts already recorded, ``ledger/domain/late.py``), which is refused
        when it makes later entries invalid, unless ``review`` records it with a case."""
        aggregate_id = self.account_id_for(insz)
        run = self.runner_of(self.with_offer(command))

        def attempt(_: int) -> tuple[Result, Account, Sequence[Any]]:
            account = self.get_account(aggregate_id)
            late = may_be_late(command) and account.opened_on <= command.on < account.last_on
            if late:
                events = list(self.repository.event_store.get(aggregate_id))
                result = run_late(
                    events, account, self.catalogue, run, command.on, self.actor, review
                )
            else:
                result = run(account)
            written = self.save_events(account, snapshot=late)
            return result, account, written

        return outcome(*retrying(attempt))

    def reverse_entry(
        self, insz: str, event_id: int, reason: str, on: date | None = None
    ) -> CommandOutcome:
        """Compensate an earlier grant, use or forfeit at once: trusted code only (a Ledger
        without a role); people request (``request_reversal``) and another approves."""
        self.require(Action.REVERSE_WITHOUT_APPROVAL)
        reason = checked_text(reason, "--reason", MAX_REASON)

        def command(account: Account) -> Result:
            return account.reverse(
                self.catalogue, event_id, reason, self.correction_date(account, on), self.actor
            )

        return self.on_account(insz, command)

    def request_reversal(
        self, insz: str, event_id: int, reason: str, on: date | None = None
    ) -> CommandOutcome:
        """Ask for a reversal; it takes effect when another person approves it."""
        self.require(Action.WRITE_ACCOUNT)
        reason = checked_text(reason, "--reason", MAX_REASON)

        def command(account: Account) -> Result:
            day = self.correction_date(account, on)
            return account.request_reversal(self.catalogue, event_id, reason, day, self.actor)

        return self.on_account(insz, command)

    def approve_reversal(
        self, insz: str, request_id: int, on: date | None = None
    ) -> CommandOutcome:
        """Approve another person's reversal request: the entry is reversed now, on the
        date the request asked for unless ``on`` is given."""
        self.require(Action.APPROVE_CORRECTION)

        def command(account: Account) -> Result:
            return account.approve_reversal(self.catalogue, request_id, on, self.actor)

        return self.on_account(insz, command)

    @staticmethod
    def correction_date(account: Account, on: date | None) -> date:
        """A correction's date: the one given, else today or the account's latest if later."""
        return on or max(account.last_on, today())

    def expire_all(self, as_of: date) -> ExpirySummary:
        """Lapse, on every account, the holds that ended before ``as_of``, and expire the
        lots due on or before it."""
        self.require(Action.EXPIRE)
        checked = changed = expired = lapsed = 0
        ids = list(self.all_account_ids())
        for start in range(0, len(ids), EXPIRY_BATCH):
            # Two queries per batch of accounts, not one or two per account.
            batch = list(self.load_accounts(ids[start : start + EXPIRY_BATCH]).values())
            counts = [expiry_counts(account, as_of, self.actor) for account in batch]
            touched = [a for a, n in zip(batch, counts, strict=True) if any(n)]
            if touched:
                redone = self.save_many(touched, lambda a: expiry_counts(a, as_of, self.actor))
                # After a conflict the counts of the stale copies are not what was written.
                counts = redone if redone is not None else [n for n in counts if any(n)]
            checked += len(batch)
            changed += sum(1 for n in counts if any(n))
            expired += sum(lots for lots, _ in counts)
            lapsed += sum(holds for _, holds in counts)
        return ExpirySummary(as_of, checked, changed, expired, lapsed)

    def on_account(self, insz: str, command: Callable[[Account], Result]) -> CommandOutcome:
        """Load, run the command, save; on a concurrent write, reload and run it again."""
        return outcome(*self.on_account_id(self.account_id_for(insz), command))

    def run_in_batch(
        self,
        accounts: dict[UUID, Account],
        aggregate_id: UUID,
        insz: str,
        command: Command,
        employer_opens: bool,
        history: History | None = None,
        review: bool = False,
    ) -> Result:
        """The batch form: one command on an account in hand, for a chunk of an import
        (see ``ledger.commands.run_in_batch``); the chunk saves with ``write``."""
        return run_in_batch(
            self.catalogue, accounts, aggregate_id, insz, self.with_offer(command),
            employer_opens, history, review,
        )  # fmt: skip

    # --------------------------------------------------------------- queries
    def balance(
        self,
        insz: str,
        as_of: date | None = None,
        known_at_time: datetime | None = None,
        reason: str | None = None,
    ) -> BalanceReport:
        """Usable and suspended balance per right type; logged in the access log."""
        parsed = self.authorise_read(insz, "balance", reason)
        account, version = self.account_at(parsed, as_of, known_at_time)
        return BalanceReport(
            parsed,
            as_of,
            known_at_time,
            # Without a date, "now": lots past their expiry by today are not usable, even
            # when no command has recorded that expiry yet.
            tuple(balances(account, self.catalogue, as_of or max(account.last_on, today()))),
            version,
        )

    def history(
        self,
        insz: str,
        as_of: date | None = None,
        known_at_time: datetime | None = None,
        reason: str | None = None,
    ) -> HistoryReport:
        """Every event with the balance after it; logged in the access log."""
        parsed = self.authorise_read(insz, "history", reason)
        events, version = self.events_at(parsed, as_of, known_at_time)
        return HistoryReport(parsed, as_of, known_at_time, tuple(history(events)), version)

    def explain(
        self,
        insz: str,
        right: str,
        as_of: date | None = None,
        known_at_time: datetime | None = None,
        reason: str | None = None,
    ) -> Explanation:
        """How one right's balance derives; logged in the access log."""
        return self.explain_report(insz, right, as_of, known_at_time, reason).explanation

    def explain_report(
        self,
        insz: str,
        right: str,
        as_of: date | None = None,
        known_at_time: datetime | None = None,
        reason: str | None = None,
    ) -> ExplainReport:
        """``explain`` with the account's version, read with the events (an ETag)."""
        self.require(Action.READ_ACCOUNT)
        self.catalogue.right(right)
        parsed = self.authorise_read(insz, "explain", reason)
        events, version = self.events_at(parsed, as_of, known_at_time)
        return ExplainReport(explain(events, self.catalogue, right), version)

    def authorise_read(self, insz: str, what: str, reason: str | None) -> Insz:
        """Check the role may read, log the read, then hand over the parsed INSZ."""
        self.require(Action.READ_ACCOUNT)
        parsed = parse_insz(insz)
        self.guard.note_read(self.account_id_for(parsed), what, reason)
        return parsed

    # --------------------------------------------------------------- helpers
    def account_at(
        self, insz: Insz, as_of: date | None, moment: datetime | None
    ) -> tuple[Account, int]:
        """The account as of ``as_of`` as known at ``moment``, and its version now."""
        if as_of is None and moment is None:
            account = self.get_account(self.account_id_for(insz))
            return account, account.version
        events, version = self.events_at(insz, as_of, moment)
        rebuilt = rebuild(events)
        if rebuilt is None:
            raise AccountNotFoundError.because(
                "no account was open for {insz_masked} at that time", insz_masked=insz.masked
            )
        return rebuilt, version

    def events_at(
        self, insz: Insz, as_of: date | None, moment: datetime | None
    ) -> tuple[list[Account.Event], int]:
        """The events in effect by ``as_of`` as known at ``moment``, and the account's
        version now: both from one read, so a reader's ETag names what it was shown."""
        stored: Any = self.repository.event_store.get(self.account_id_for(insz))
        every: list[Account.Event] = list(stored)
        if not every:
            raise AccountNotFoundError.because("no account is open for this citizen")
        events: Any = every
        if moment is not None:
            events = known_at(events, moment if moment.tzinfo else moment.replace(tzinfo=UTC))
        if as_of is not None:
            events = effective_until(events, as_of)
        return list(events), every[-1].originator_version


def outcome(result: Result, account: Account, written: Sequence[Any]) -> CommandOutcome:
    return CommandOutcome(result, account.version, tuple(type(e).__name__ for e in written))


def expiry_counts(account: Account, as_of: date, actor: str) -> tuple[int, int]:
    """Expire what is due on ``account``: how many lots expired and how many holds lapsed."""
    start = len(account._pending_events)
    account.expire(as_of, actor)
    new = account._pending_events[start:]
    holds = sum(1 for event in new if isinstance(event, Account.ReservationLapsed))
    return len(new) - holds, holds


def today() -> date:
    """The calendar date of "now" for reads without ``as_of`` (one seam for tests)."""
    return date.today()
