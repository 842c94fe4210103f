"""One account's stream as the audit walks it: the hash chain (7) and the replay (6).

The audit keeps one small ``StreamAudit`` per account while it streams the notification
log: the chain's head, the replayed aggregate, and running sums; never the history itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Mapper, StoredEvent

from ledger.audit.findings import Finding, Invariant
from ledger.audit.invariants.state import CareerBefore, Transition, WindowSum
from ledger.audit.records import decode_failure
from ledger.domain.account import Account
from ledger.domain.batch import ChainedEvent
from ledger.domain.chain import GENESIS, event_hash
from ledger.domain.effective import apply_effective
from ledger.domain.identifiers import Insz

TAMPER = Invariant.HISTORY_UNALTERED
UNKNOWN_HEAD = "unknown (undecodable record)"
OPENED = Account.AccountOpened


def event_name(topic: str) -> str:
    """``ledger.domain.account:Account.RightUsed`` -> ``RightUsed``."""
    return topic.rsplit(":", 1)[-1].rsplit(".", 1)[-1]


class StreamAudit:
    """What the audit holds for one account between two of its events."""

    __slots__ = (
        "account",
        "account_id",
        "cap_sums",
        "career_before",
        "citizen",
        "covered",
        "drifted",
        "effective",
        "event",
        "findings",
        "flows",
        "granted_at",
        "head",
        "late",
        "replaying",
        "snapshot_version",
        "transition",
        "version",
    )

    def __init__(self, account_id: UUID, findings: list[Finding]) -> None:
        self.account_id = account_id
        self.citizen = account_id.hex  # until the AccountOpened event names the citizen
        self.findings = findings
        self.version = 0  # the event being checked (after ``check_record``), else the last one
        self.event = ""
        self.head: str | None = GENESIS  # hash of the last event; None after a bad record
        # The replayed aggregate: an Account on a citizen's stream (an import batch's own
        # aggregate on its stream, which only the chain and the replay concern).
        self.account: Account | None = None
        self.replaying = True
        self.flows: dict[str, list[int]] = {}  # right -> [granted, used, expired, forfeited]
        self.drifted: set[str] = set()  # rights whose totals were already reported as off
        self.transition: Transition | None = None  # an open career change (transitions.py)
        self.career_before: CareerBefore | None = None  # read before a career event
        # A stream with a late fact is audited again in effective-date order (walk.py):
        # ``late`` once one is met in recording order, ``effective`` in that second pass.
        self.late = 0  # the version of the first late fact met in recording order
        self.effective = False
        # In that second pass, the version that granted each lot (a lot granted late is
        # folded before the uses recorded before it, which could not draw on it).
        self.granted_at: dict[str, int] = {}
        self.snapshot_version: int | None = None
        self.cap_sums: dict[str, WindowSum] = {}  # per cap, its current window's sum (caps.py)
        self.covered: tuple[int, str, str] | None = None  # version, head, event at a digest

    def find(
        self,
        invariant: Invariant,
        message: str,
        expected: object = "",
        found: object = "",
        version: int | None = None,
        event: str | None = None,
    ) -> None:
        self.findings.append(
            Finding(
                invariant,
                self.citizen,
                message,
                str(expected),
                str(found),
                self.account_id.hex,
                self.version if version is None else version,
                self.event if event is None else event,
            )
        )

    # ------------------------------------------------------------- the chain (7)
    def check_record(self, record: StoredEvent, mapper: Mapper[UUID]) -> Any:
        """Check the record's place in the chain; the decoded event, or None if unreadable."""
        before, before_event = self.version, self.event
        self.version = record.originator_version
        in_sequence = self.version == before + 1 or self.out_of_sequence(before, record.topic)
        try:
            event = mapper.to_domain_event(record)
            head = event_hash(event)
        except Exception as error:  # whatever the bytes hold, the audit goes on
            self.event = event_name(record.topic)
            self.find(TAMPER, f"the stored record does not decode ({decode_failure(error)})")
            self.head = None
            self.stop_replay()
            return None
        kind = type(event)
        self.event = kind.__name__
        recorded = event.__dict__.get("prev_hash")
        if recorded != self.head and in_sequence and self.head is not None:
            self.broken_link(recorded, before, before_event)
        if kind is OPENED:
            self.citizen = masked(event, self.account_id)
        elif self.version == 1 and not isinstance(event, Account.Event):
            self.citizen = f"({kind.__qualname__.split('.')[0]} {self.account_id.hex})"
        self.head = head
        return event

    def broken_link(self, recorded: Any, before: int, before_event: str) -> None:
        """The event before this one no longer hashes to what this one recorded."""
        self.find(
            TAMPER,
            f"as stored it no longer hashes to the prev_hash that event {self.version} "
            f"({self.event}) recorded: one of the two was changed",
            expected=recorded,
            found=self.head,
            version=before,
            event=before_event,
        )

    def out_of_sequence(self, before: int, topic: str) -> bool:
        self.event = event_name(topic)
        if self.version > before + 1:
            missing = (
                f"{before + 1}"
                if self.version == before + 2
                else f"{before + 1} to {self.version - 1}"
            )
            message = f"event {missing} is missing: versions must run on from 1 without gaps"
        else:
            message = f"it comes after event {before}: the stream is out of order"
        self.find(
            TAMPER,
            message + " (the rest is checked for tamper evidence only)",
            expected=f"version {before + 1}",
            found=f"version {self.version}",
        )
        self.stop_replay()
        return False

    # ------------------------------------------------------------- the replay (6)
    def replay(self, event: Account.Event) -> bool:
        """Apply the event to the replayed aggregate; False once the replay has stopped."""
        if not self.replaying:
            return False
        try:
            kind = type(event)
            account: Any = self.account
            if self.effective and account is not None:
                apply_effective(account, event)  # keeps the latest recorded head itself
            else:
                account = (_BASE_MUTATE.get(kind) or base_mutate(kind))(event, self.account)
            assert account is not None
        except Exception as error:  # a record the aggregate cannot apply is a finding
            self.find(
                Invariant.REPLAY_SNAPSHOT_PROJECTIONS,
                f"the stream cannot be replayed from here ({type(error).__name__}: {error}); "
                "the rest is checked for tamper evidence only",
            )
            self.stop_replay()
            return False
        if not self.effective:
            account.head_hash = self.head
        self.account = account  # an Account, or the aggregate of another kind of stream
        return True

    def meets_late_fact(self, event: Any) -> bool:
        """Whether ``event`` is dated before what the recording-order replay already
        holds: then this pass stops checking the rules (the chain goes on), and the
        account is audited again in effective-date order."""
        account = self.account
        if self.effective or not self.replaying or not isinstance(account, Account):
            return False
        on = event.__dict__.get("on")
        if not isinstance(on, date) or on >= account.last_on:
            return False  # (a date the rules cannot read is theirs to report)
        self.late = self.version
        self.stop_replay()
        return True

    def stop_replay(self) -> None:
        self.replaying = False
        self.transition = None
        self.career_before = None


_BASE_MUTATE: dict[type, Callable[[Any, Any], Any]] = {}


def base_mutate(kind: type) -> Callable[[Any, Any], Any]:
    """The aggregate's own ``mutate`` for this event class, minus its hashing for an
    account's events (the audit has just computed the hash itself): the next ``mutate``
    after ``ChainedEvent`` (which hashes) in the MRO. Other streams (import batches) are
    few and replay with their own ``mutate``."""
    found = _BASE_MUTATE.get(kind)
    if found is None:
        mutate = getattr(kind, "mutate")  # noqa: B009 (any class a record may name)
        if issubclass(kind, Account.Event):
            mutate = super(ChainedEvent, kind).mutate
        found = _BASE_MUTATE[kind] = mutate
    return found


def masked(opened: Any, account_id: UUID) -> str:
    """The citizen as findings name them: 93.05.18-***.**, else the account id."""
    try:
        return Insz(str(getattr(opened, "insz", ""))).masked
    except ValueError:  # an unreadable INSZ: the chain reports the record itself
        return account_id.hex
