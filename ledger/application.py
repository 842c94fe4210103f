"""The Ledger: commands and queries on citizens' accounts.

Each command reads like the library's bank-account example: get the account, call one
domain command, save atomically. Arguments are primitives (text, ``int``, ``date``); the
INSZ is checked here and never leaves this layer except inside the account's events.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Snapshot
from eventsourcing.persistence import (
    IntegrityError,
    JSONTranscoder,
    RecordConflictError,
    Transcoder,
)
from eventsourcing.utils import get_topic

from ledger.catalogue import default_catalogue
from ledger.domain.account import Account
from ledger.domain.catalogue import Catalogue, Education, Status
from ledger.domain.command import Provenance, Result
from ledger.domain.errors import (
    AccountAlreadyOpenError,
    AccountNotFoundError,
    InvalidInputError,
    LedgerError,
)
from ledger.domain.identifiers import Insz, account_id, parse_insz, parse_source, shown
from ledger.domain.views import (
    Explanation,
    HistoryEntry,
    RightBalance,
    balances,
    effective_until,
    explain,
    history,
    known_at,
    rebuild,
)
from ledger.security.access_log import AccessLog, AccessRecord
from ledger.security.db_roles import harden
from ledger.security.guard import Guard
from ledger.security.inputs import MAX_REASON, checked_optional, checked_text
from ledger.security.roles import Action, Role, actor_with_role
from ledger.security.store_key import bind_store_key, check_store_key
from ledger.store.database_roles import Hardening
from ledger.store.security_tables import tables_for
from ledger.transcodings import LedgerTranscoder, ledger_transcodings

T = TypeVar("T")

SNAPSHOT_INTERVAL = 100
CONFLICT_RETRIES = 20
EXPIRY_BATCH = 500


@dataclass(frozen=True)
class CommandOutcome:
    """What one command did to one account."""

    result: Result
    account_version: int
    events: tuple[str, ...]  # names of the events written, in order


@dataclass(frozen=True)
class BalanceReport:
    insz: Insz
    as_of: date | None
    known_at: datetime | None
    rights: tuple[RightBalance, ...]


@dataclass(frozen=True)
class HistoryReport:
    insz: Insz
    as_of: date | None
    known_at: datetime | None
    entries: tuple[HistoryEntry, ...]


@dataclass(frozen=True)
class AccessReport:
    insz: Insz
    account_id: UUID
    records: tuple[AccessRecord, ...]


@dataclass(frozen=True)
class ExpirySummary:
    as_of: date
    accounts_checked: int
    accounts_changed: int
    lots_expired: int


class Ledger(Application[UUID]):
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
        try:
            super().__init__(env)
        except BaseException:
            # A half-built application may hold a connection pool: close it here rather
            # than leave it to a garbage collector's thread.
            factory = self.__dict__.get("factory")
            if factory is not None:
                factory.close()
            raise
        self.id_key = id_key
        # What this store was opened with, so that a worker process can open it too.
        self.store_env = dict(env or {})
        # Every event records who acted and in which role: "staff:42 (backoffice)".
        self.actor = actor if role is None else actor_with_role(actor, role)
        self.catalogue = catalogue or default_catalogue()
        self.security = tables_for(self.recorder)
        self.guard = Guard(role, actor, AccessLog(self.security, self.mapper.cipher))

    def construct_transcoder(self) -> Transcoder:
        transcoder = LedgerTranscoder()
        self.register_transcodings(transcoder)
        return transcoder

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        for transcoding in ledger_transcodings():
            transcoder.register(transcoding)

    # ------------------------------------------------------------- security
    @property
    def role(self) -> Role | None:
        return self.guard.role

    def require(self, action: Action, source: str | None = None) -> None:
        """Refuse unless the acting role may take ``action`` (for an import: ``source``)."""
        self.guard.require(action, source)

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
            raise InvalidInputError(
                "database roles exist on PostgreSQL only: on SQLite, protect the file with "
                "the file system's permissions"
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

    def provenance(
        self,
        source: str | None = None,
        reference: str | None = None,
        batch: str | None = None,
        line: int | None = None,
    ) -> Provenance:
        canonical = parse_source(source, self.catalogue.sector_funds) if source else None
        return Provenance(
            actor=self.actor, source=canonical, reference=reference, batch=batch, line=line
        )

    # -------------------------------------------------------------- commands
    def open_account(
        self,
        insz: str,
        status: str,
        on: date,
        education: str | None = None,
        source: str | None = None,
        reference: str | None = None,
    ) -> CommandOutcome:
        """Open a citizen's account; opening again with the same facts changes nothing."""
        self.require(Action.WRITE_ACCOUNT)
        parsed = parse_insz(insz)
        reference = checked_optional(reference, "reference")
        the_status, the_education = parse_status(status), parse_education(education)
        provenance = self.provenance(source, reference)
        aggregate_id = self.account_id_for(parsed)
        existing = self.find_account(aggregate_id)
        if existing is None:
            account = Account.open(
                aggregate_id, parsed.value, the_status, on, the_education, provenance
            )
            try:
                return self.save_outcome(account, Result.APPLIED)
            except IntegrityError:
                existing = self.get_account(aggregate_id)  # opened meanwhile by another writer
        if existing.opening_matches(the_status, on, the_education):
            return CommandOutcome(Result.EXISTS, existing.version, ())
        raise AccountAlreadyOpenError(
            f"an account is already open for {parsed.masked} (opened {existing.opened_on} "
            f"as {existing.status if existing.version == 1 else 'recorded'})"
        )

    def grant_right(
        self,
        insz: str,
        right: str,
        amount: int,
        on: date,
        source: str,
        reference: str,
        expires_on: date | None = None,
    ) -> CommandOutcome:
        """Grant a lot of a right to a citizen."""
        self.require(Action.WRITE_ACCOUNT)
        provenance = self.provenance(source, checked_text(reference, "reference"))
        return self.on_account(
            insz,
            lambda a: a.grant(self.catalogue, right, amount, on, expires_on, provenance),
        )

    def use_right(
        self,
        insz: str,
        right: str,
        amount: int,
        on: date,
        training: str,
        provider: str,
        reference: str,
        source: str | None = None,
    ) -> CommandOutcome:
        """Record a use, drawn from the lots that expire first."""
        self.require(Action.WRITE_ACCOUNT)
        training, provider = checked_text(training, "training"), checked_text(provider, "provider")
        provenance = self.provenance(source, checked_text(reference, "reference"))
        return self.on_account(
            insz,
            lambda a: a.use(self.catalogue, right, amount, on, training, provider, provenance),
        )

    def change_status(
        self,
        insz: str,
        status: str,
        on: date,
        source: str | None = None,
        reference: str | None = None,
    ) -> CommandOutcome:
        """A career transition: every open lot is carried, suspended or forfeited."""
        self.require(Action.WRITE_ACCOUNT)
        the_status = parse_status(status)
        reference = checked_optional(reference, "reference")
        provenance = self.provenance(source, reference)
        return self.on_account(
            insz, lambda a: a.change_status(self.catalogue, the_status, on, provenance)
        )

    def reverse_entry(
        self, insz: str, event_id: int, reason: str, on: date | None = None
    ) -> CommandOutcome:
        """Compensate an earlier grant, use or forfeit at once: trusted code only (a Ledger
        without a role); people request (``request_reversal``) and another approves."""
        self.require(Action.REVERSE_WITHOUT_APPROVAL)
        reason = checked_text(reason, "--reason", MAX_REASON)

        def command(account: Account) -> Result:
            return account.reverse(
                self.catalogue, event_id, reason, self.day(account, on), self.actor
            )

        return self.on_account(insz, command)

    def request_reversal(
        self, insz: str, event_id: int, reason: str, on: date | None = None
    ) -> CommandOutcome:
        """Ask for a reversal; it takes effect when another person approves it."""
        self.require(Action.WRITE_ACCOUNT)
        reason = checked_text(reason, "--reason", MAX_REASON)

        def command(account: Account) -> Result:
            day = self.day(account, on)
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
    def day(account: Account, on: date | None) -> date:
        """A correction's date: the one given, else today or the account's latest if later."""
        return on or max(account.last_on, today())

    def expire_all(self, as_of: date) -> ExpirySummary:
        """Expire, on every account, the lots due on or before ``as_of``."""
        self.require(Action.EXPIRE)
        checked = changed = expired = 0
        from ledger.imports.loading import load_accounts  # it builds on this module

        ids = list(self.all_account_ids())
        for start in range(0, len(ids), EXPIRY_BATCH):
            # Two queries per batch of accounts, not one or two per account.
            batch = list(load_accounts(self, ids[start : start + EXPIRY_BATCH]).values())
            counts = [account.expire(as_of, self.actor) for account in batch]
            touched = [a for a, n in zip(batch, counts, strict=True) if n]
            if touched:
                redone = self.save_with_retry(touched, lambda a: a.expire(as_of, self.actor))
                # After a conflict the counts of the stale copies are not what was written.
                counts = redone if redone is not None else counts
            checked += len(batch)
            changed += sum(1 for n in counts if n)
            expired += sum(counts)
        return ExpirySummary(as_of, checked, changed, expired)

    # --------------------------------------------------------------- queries
    def balance(
        self,
        insz: str,
        as_of: date | None = None,
        known_at_time: datetime | None = None,
        reason: str | None = None,
    ) -> BalanceReport:
        """Usable and suspended balance per right type; logged in the access log."""
        parsed = self.read_of(insz, "balance", reason)
        account = self.account_as(parsed, as_of, known_at_time)
        return BalanceReport(
            parsed,
            as_of,
            known_at_time,
            # Without a date, "now": lots past their expiry by today are not usable, even
            # when no command has recorded that expiry yet.
            tuple(balances(account, self.catalogue, as_of or max(account.last_on, today()))),
        )

    def history(
        self,
        insz: str,
        as_of: date | None = None,
        known_at_time: datetime | None = None,
        reason: str | None = None,
    ) -> HistoryReport:
        """Every event with the balance after it; logged in the access log."""
        parsed = self.read_of(insz, "history", reason)
        events = self.events_as(parsed, as_of, known_at_time)
        return HistoryReport(parsed, as_of, known_at_time, tuple(history(events)))

    def explain(
        self,
        insz: str,
        right: str,
        as_of: date | None = None,
        known_at_time: datetime | None = None,
        reason: str | None = None,
    ) -> Explanation:
        """How one right's balance derives; logged in the access log."""
        self.require(Action.READ_ACCOUNT)
        self.catalogue.right(right)
        parsed = self.read_of(insz, "explain", reason)
        return explain(self.events_as(parsed, as_of, known_at_time), self.catalogue, right)

    def all_account_ids(self) -> Iterator[UUID]:
        """Every account, in the order they were opened (from the notification log)."""
        topic = get_topic(Account.AccountOpened)
        start = 0
        while True:
            page = self.recorder.select_notifications(
                start=start, limit=1000, topics=[topic], inclusive_of_start=False
            )
            if not page:
                return
            for notification in page:
                yield UUID(str(notification.originator_id))
            start = page[-1].id

    def read_of(self, insz: str, what: str, reason: str | None) -> Insz:
        """Check the role may read, log the read, then hand over the parsed INSZ."""
        self.require(Action.READ_ACCOUNT)
        parsed = parse_insz(insz)
        self.guard.note_read(self.account_id_for(parsed), what, reason)
        return parsed

    # --------------------------------------------------------------- helpers
    def find_account(self, aggregate_id: UUID) -> Account | None:
        try:
            account: Account = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        return account

    def get_account(self, aggregate_id: UUID) -> Account:
        account = self.find_account(aggregate_id)
        if account is None:
            raise AccountNotFoundError("no account is open for this citizen; open one first")
        return account

    def on_account(self, insz: str, command: Callable[[Account], Result]) -> CommandOutcome:
        """Load, run the command, save; on a concurrent write, reload and run it again."""
        aggregate_id = self.account_id_for(insz)
        for _ in range(CONFLICT_RETRIES):
            account = self.get_account(aggregate_id)
            result = command(account)
            try:
                return self.save_outcome(account, result)
            except RecordConflictError:
                continue
        raise LedgerError(f"gave up after {CONFLICT_RETRIES} concurrent-write conflicts")

    def save_outcome(self, account: Account, result: Result) -> CommandOutcome:
        pending = account.collect_events()
        if pending:
            self.save(*pending)
            self.snapshot_if_due(account, pending)
        names = tuple(type(e).__name__ for e in pending)
        return CommandOutcome(result, account.version, names)

    def save_with_retry(
        self, accounts: list[Account], command: Callable[[Account], T]
    ) -> list[T] | None:
        """Save many accounts in one transaction; on a conflict, redo them one by one.

        Returns None when the batch saved as it was, else each account's redone result.
        """
        pending = [e for a in accounts for e in a.collect_events()]
        try:
            self.save(*pending)
        except RecordConflictError:
            return [self.on_account_id(account.id, command) for account in accounts]
        for account in accounts:
            self.snapshot_if_due(account, [e for e in pending if e.originator_id == account.id])
        return None

    def on_account_id(self, aggregate_id: UUID, command: Callable[[Account], T]) -> T:
        for _ in range(CONFLICT_RETRIES):
            account = self.get_account(aggregate_id)
            result = command(account)
            pending = account.collect_events()
            try:
                self.save(*pending)
                self.snapshot_if_due(account, pending)
                return result
            except RecordConflictError:
                continue
        raise LedgerError(f"gave up after {CONFLICT_RETRIES} concurrent-write conflicts")

    def snapshot_if_due(self, account: Account, written: Sequence[Any]) -> None:
        """Snapshot from memory when the save crossed a multiple of the interval.

        The library's own interval snapshots re-read the aggregate from the store; the
        state in hand after a successful save is the same and costs nothing to read.
        """
        if self.snapshots is None or not written:
            return
        first = written[0].originator_version
        if account.version // SNAPSHOT_INTERVAL > (first - 1) // SNAPSHOT_INTERVAL:
            self.snapshots.put([Snapshot.take(account)])

    def account_as(self, insz: Insz, as_of: date | None, moment: datetime | None) -> Account:
        if as_of is None and moment is None:
            return self.get_account(self.account_id_for(insz))
        account = rebuild(self.events_as(insz, as_of, moment))
        if account is None:
            raise AccountNotFoundError(f"no account was open for {insz.masked} at that time")
        return account

    def events_as(
        self, insz: Insz, as_of: date | None, moment: datetime | None
    ) -> list[Account.Event]:
        aggregate_id = self.account_id_for(insz)
        events: Any = self.repository.event_store.get(aggregate_id)
        if moment is not None:
            events = known_at(events, moment if moment.tzinfo else moment.replace(tzinfo=UTC))
        if as_of is not None:
            events = effective_until(events, as_of)
        listed: list[Account.Event] = list(events)
        if not listed and self.find_account(aggregate_id) is None:
            raise AccountNotFoundError("no account is open for this citizen")
        return listed


def today() -> date:
    """The calendar date of "now" for reads without ``as_of`` (one seam for tests)."""
    return date.today()


def parse_status(text: str) -> Status:
    try:
        return Status(text.strip().lower())
    except ValueError:
        raise InvalidInputError(
            f"status {shown(text)}: must be one of {', '.join(s.value for s in Status)}"
        ) from None


def parse_education(text: str | None) -> Education | None:
    if text is None:
        return None
    try:
        return Education(text.strip().lower())
    except ValueError:
        raise InvalidInputError(
            f"education {shown(text)}: must be one of {', '.join(e.value for e in Education)}"
        ) from None


def parse_moment(text: str) -> datetime:
    """A recorded-time bound: ISO date-time (naive = UTC), or a date meaning its last moment."""
    try:
        if len(text.strip()) == 10:
            return datetime.combine(date.fromisoformat(text.strip()), time.max, UTC)
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInputError(
            f"time {shown(text)}: expected ISO 8601, e.g. 2025-03-01 or 2025-03-01T14:30:00+01:00"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_day(text: str, name: str = "date") -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInputError(
            f"{name} {shown(text)}: expected an ISO date such as 2024-09-01"
        ) from None
