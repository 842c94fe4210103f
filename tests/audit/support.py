"""A small population of citizens, and ways to break their stored history.

The population goes through the Ledger's public commands, so its history is one the rules
allowed. ``StoredRecords`` changes the stored records with plain SQL, as someone with
database access would (SQLite table ``stored_events``, PostgreSQL ``ledger_events``).
``forge`` appends a well-chained event that no command would have written.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.persistence import StoredEvent

from ledger.application import Ledger
from ledger.audit import AuditReport, Finding, Invariant
from ledger.domain.account import Account
from ledger.domain.chain import event_hash
from tests.builders import EMPLOYER, FLANDERS, START, insz_born

ANNA = insz_born("800101")  # transitions back and forth, a reversal, retirement, an expiry
BERT = insz_born("850202")  # an employee whose lot expires after one use
CLEO = insz_born("900303")  # opened as a jobseeker: her vouchers are suspended at once
SHOWN = {ANNA: "80.01.01-***.**", BERT: "85.02.02-***.**", CLEO: "90.03.03-***.**"}


def build_population(ledger: Ledger) -> None:
    ledger.open_account(ANNA, "employee", START)
    ledger.grant_right(ANNA, "vov-hours", 125, START, EMPLOYER, "A-VOV")
    ledger.grant_right(ANNA, "training-vouchers", 25000, START, FLANDERS, "A-TV")
    ledger.use_right(ANNA, "vov-hours", 20, date(2024, 10, 1), "T1", "P1", "A-U1")
    ledger.change_status(ANNA, "jobseeker", date(2024, 11, 1))
    ledger.change_status(ANNA, "employee", date(2024, 12, 1))
    used = ledger.use_right(ANNA, "vov-hours", 15, date(2025, 1, 6), "T2", "P1", "A-U2")
    ledger.reverse_entry(ANNA, used.account_version, "booked twice", date(2025, 1, 7))
    ledger.change_status(ANNA, "retired", date(2025, 2, 1))
    ledger.open_account(BERT, "employee", START)
    ledger.grant_right(BERT, "vov-hours", 100, START, EMPLOYER, "B-VOV")
    ledger.use_right(BERT, "vov-hours", 30, date(2024, 10, 1), "T1", "P1", "B-U1")
    ledger.open_account(CLEO, "jobseeker", START)
    ledger.grant_right(CLEO, "training-vouchers", 10000, START, FLANDERS, "C-TV")
    ledger.change_status(CLEO, "employee", date(2024, 10, 1))
    ledger.expire_all(date(2025, 9, 1))  # Bert's VOV lot; Cleo's vouchers run till November


def lines(report: AuditReport) -> list[str]:
    return [finding.line() for finding in report.findings]


def findings_of(report: AuditReport, invariant: Invariant) -> list[Finding]:
    return [f for f in report.findings if f.invariant is invariant]


def version_of(ledger: Ledger, insz: str, event: str, nth: int = 0) -> int:
    """The event id (account version) of the nth event of that name in the citizen's history."""
    return [e.event_id for e in ledger.history(insz).entries if e.event == event][nth]


def forge(ledger: Ledger, insz: str, event_class: type[Account.Event], **fields: Any) -> int:
    """Append an event no command would write, chained onto the stream like a real one."""
    account: Account = ledger.repository.get(ledger.account_id_for(insz))
    event = event_class(  # type: ignore[call-arg]
        originator_id=account.id,
        originator_version=account.version + 1,
        timestamp=datetime.now(UTC),
        prev_hash=account.head_hash,
        actor="forger",
        **fields,
    )
    ledger.recorder.insert_events([ledger.mapper.to_stored_event(event)])
    return account.version + 1


class StoredRecords:
    """Plain SQL on one store's event and snapshot tables."""

    def __init__(self, database_url: str, ledger: Ledger) -> None:
        self.url = database_url
        self.ledger = ledger
        self.postgres = database_url.startswith("postgresql://")
        self.events = "ledger_events" if self.postgres else "stored_events"
        self.snapshots = "ledger_snapshots" if self.postgres else "stored_snapshots"

    @contextmanager
    def sql(self) -> Iterator[Callable[..., list[Any]]]:
        """A function running one statement (``?`` placeholders) and returning its rows."""
        if self.postgres:
            with psycopg.connect(self.url, autocommit=True) as connection:
                yield lambda text, *args: _rows(connection.execute(text.replace("?", "%s"), args))
        else:
            file = sqlite3.connect(self.url)
            try:
                yield lambda text, *args: file.execute(text, args).fetchall()
                file.commit()
            finally:
                file.close()

    def key(self, account_id: UUID) -> Any:
        return account_id if self.postgres else account_id.hex

    def state(self, account_id: UUID, version: int, table: str | None = None) -> dict[str, Any]:
        with self.sql() as run:
            rows = run(
                f"SELECT state FROM {table or self.events} WHERE originator_id = ? "
                "AND originator_version = ?",
                self.key(account_id),
                version,
            )
        return dict(json.loads(bytes(rows[0][0])))

    def set_state(
        self, account_id: UUID, version: int, state: dict[str, Any], table: str | None = None
    ) -> None:
        with self.sql() as run:
            run(
                f"UPDATE {table or self.events} SET state = ? WHERE originator_id = ? "
                "AND originator_version = ?",
                _bytes(state),
                self.key(account_id),
                version,
            )

    def edit(self, account_id: UUID, version: int, **changes: Any) -> None:
        self.set_state(account_id, version, {**self.state(account_id, version), **changes})

    def delete(self, account_id: UUID, version: int) -> None:
        with self.sql() as run:
            run(
                f"DELETE FROM {self.events} WHERE originator_id = ? AND originator_version = ?",
                self.key(account_id),
                version,
            )

    def swap(self, account_id: UUID, first: int, second: int) -> None:
        one, two = self.state(account_id, first), self.state(account_id, second)
        self.set_state(account_id, first, two)
        self.set_state(account_id, second, one)

    def swap_versions(self, account_id: UUID, first: int, second: int) -> None:
        """Swap two records' versions, each keeping its place in the log."""
        statement = (
            f"UPDATE {self.events} SET originator_version = ? WHERE originator_id = ? "
            "AND originator_version = ?"
        )
        with self.sql() as run:
            for old, new in ((first, -1), (second, first), (-1, second)):
                run(statement, new, self.key(account_id), old)

    def topics(self, account_id: UUID) -> list[str]:
        with self.sql() as run:
            rows = run(
                f"SELECT topic FROM {self.events} WHERE originator_id = ? "
                "ORDER BY originator_version",
                self.key(account_id),
            )
        return [row[0] for row in rows]

    def rewrite(self, account_id: UUID, change: Callable[[int, dict[str, Any]], None]) -> None:
        """Change every event through ``change`` and re-chain the hashes: internally consistent."""
        previous = ""
        for version, topic in enumerate(self.topics(account_id), start=1):
            state = self.state(account_id, version)
            change(version, state)
            state["prev_hash"] = previous
            self.set_state(account_id, version, state)
            stored = StoredEvent(account_id, version, topic, _bytes(state))
            previous = event_hash(self.ledger.mapper.to_domain_event(stored))


def _bytes(state: dict[str, Any]) -> bytes:
    return json.dumps(state, separators=(",", ":")).encode("utf-8")


def _rows(cursor: Any) -> list[Any]:
    return list(cursor.fetchall()) if cursor.description else []
