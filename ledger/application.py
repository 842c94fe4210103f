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
from eventsourcing.persistence import IntegrityError, JSONTranscoder, RecordConflictError
from eventsourcing.utils import get_topic

from ledger.domain.account import Account, Provenance, Result
from ledger.domain.catalogue import Catalogue, Education, Status
from ledger.domain.errors import (
    AccountAlreadyOpenError,
    AccountNotFoundError,
    InvalidInputError,
    LedgerError,
)
from ledger.domain.identifiers import Insz, account_id, parse_insz, parse_source
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
from ledger.rules import default_catalogue
from ledger.transcodings import DateAsISO, LotAsDict

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
        self.actor = actor
        self.catalogue = catalogue or default_catalogue()

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())
        transcoder.register(LotAsDict())

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
        parsed = parse_insz(insz)
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
        provenance = self.provenance(source, reference)
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
        provenance = self.provenance(source, reference)
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
        the_status = parse_status(status)
        provenance = self.provenance(source, reference)
        return self.on_account(
            insz, lambda a: a.change_status(self.catalogue, the_status, on, provenance)
        )

    def reverse_entry(
        self, insz: str, event_id: int, reason: str, on: date | None = None
    ) -> CommandOutcome:
        """Compensate an earlier grant, use or forfeit with a new event."""

        def command(account: Account) -> Result:
            day = on or max(account.last_on, date.today())
            return account.reverse(self.catalogue, event_id, reason, day, self.actor)

        return self.on_account(insz, command)

    def expire_all(self, as_of: date) -> ExpirySummary:
        """Expire, on every account, the lots due on or before ``as_of``."""
        checked = changed = expired = 0
        ids = list(self.all_account_ids())
        for start in range(0, len(ids), EXPIRY_BATCH):
            batch = [self.get_account(i) for i in ids[start : start + EXPIRY_BATCH]]
            counts = [account.expire(as_of, self.actor) for account in batch]
            touched = [a for a, n in zip(batch, counts, strict=True) if n]
            if touched:
                self.save_with_retry(touched, lambda a: a.expire(as_of, self.actor))
            checked += len(batch)
            changed += len(touched)
            expired += sum(counts)
        return ExpirySummary(as_of, checked, changed, expired)

    # --------------------------------------------------------------- queries
    def balance(
        self, insz: str, as_of: date | None = None, known_at_time: datetime | None = None
    ) -> BalanceReport:
        parsed = parse_insz(insz)
        account = self.account_as(parsed, as_of, known_at_time)
        return BalanceReport(
            parsed, as_of, known_at_time, tuple(balances(account, self.catalogue, as_of))
        )

    def history(
        self, insz: str, as_of: date | None = None, known_at_time: datetime | None = None
    ) -> HistoryReport:
        parsed = parse_insz(insz)
        events = self.events_as(parsed, as_of, known_at_time)
        return HistoryReport(parsed, as_of, known_at_time, tuple(history(events)))

    def explain(
        self,
        insz: str,
        right: str,
        as_of: date | None = None,
        known_at_time: datetime | None = None,
    ) -> Explanation:
        parsed = parse_insz(insz)
        self.catalogue.right(right)
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

    def save_with_retry(self, accounts: list[Account], command: Callable[[Account], Any]) -> None:
        """Save many accounts in one transaction; on a conflict, redo them one by one."""
        pending = [e for a in accounts for e in a.collect_events()]
        try:
            self.save(*pending)
        except RecordConflictError:
            for account in accounts:
                self.on_account_id(account.id, command)
            return
        for account in accounts:
            self.snapshot_if_due(account, [e for e in pending if e.originator_id == account.id])

    def on_account_id(self, aggregate_id: UUID, command: Callable[[Account], Any]) -> None:
        for _ in range(CONFLICT_RETRIES):
            account = self.get_account(aggregate_id)
            command(account)
            pending = account.collect_events()
            try:
                self.save(*pending)
                return
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
            events = known_at(events, moment)
        if as_of is not None:
            events = effective_until(events, as_of)
        listed: list[Account.Event] = list(events)
        if not listed and self.find_account(aggregate_id) is None:
            raise AccountNotFoundError("no account is open for this citizen")
        return listed


def parse_status(text: str) -> Status:
    try:
        return Status(text.strip().lower())
    except ValueError:
        raise InvalidInputError(
            f"status {text!r}: must be one of {', '.join(s.value for s in Status)}"
        ) from None


def parse_education(text: str | None) -> Education | None:
    if text is None:
        return None
    try:
        return Education(text.strip().lower())
    except ValueError:
        raise InvalidInputError(
            f"education {text!r}: must be one of {', '.join(e.value for e in Education)}"
        ) from None


def parse_moment(text: str) -> datetime:
    """A recorded-time bound: ISO date-time (naive = UTC), or a date meaning its last moment."""
    try:
        if len(text.strip()) == 10:
            return datetime.combine(date.fromisoformat(text.strip()), time.max, UTC)
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInputError(
            f"time {text!r}: expected ISO 8601, e.g. 2025-03-01 or 2025-03-01T14:30:00+01:00"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_day(text: str, name: str = "date") -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInputError(
            f"{name} {text!r}: expected an ISO date such as 2024-09-01"
        ) from None
