"""Who looked at which citizen, when, in which role and why: the citizen's right to know.

One row per read of one citizen's data (balance, history, explain), written *before* the
data is returned, so a read that could not be logged does not happen. Stored in its own
append-only table rather than as events on the Account: a look is not a fact about the
citizen's rights, and keeping it out of the event streams keeps it out of the audit's
hash chains, the projections and the snapshots. The record is encrypted with the store's
cipher when it has one (a reason is free text and may name the citizen).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from uuid import UUID

from eventsourcing.persistence import Cipher

from ledger.domain.errors import LedgerError
from ledger.store.security_tables import SecurityTables

Clock = Callable[[], datetime]


class AccessLogMissingError(LedgerError):
    """The store has no access log yet: it must be initialised by this version."""


@dataclass(frozen=True)
class AccessRecord:
    recorded_at: datetime
    actor: str
    role: str
    action: str  # balance, history, explain
    reason: str | None
    readable: bool = True  # False: the row is damaged or was written with another key


class AccessLog:
    """The access log of one store."""

    def __init__(
        self, tables: SecurityTables, cipher: Cipher | None, clock: Clock | None = None
    ) -> None:
        self.tables = tables
        self.cipher = cipher
        self.clock = clock or (lambda: datetime.now(UTC))

    def record(
        self, account_id: UUID, actor: str, role: str, action: str, reason: str | None
    ) -> None:
        if not self.tables.has_access_log():
            raise AccessLogMissingError(
                "this store has no access log, so no citizen's data may be read: "
                "run 'llr init' (as admin) to add it"
            )
        payload = {"actor": actor, "role": role, "action": action, "reason": reason}
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        sealed = self.cipher.encrypt(data) if self.cipher else data
        self.tables.append_access(account_id, self.clock(), sealed)

    def of(self, account_id: UUID) -> list[AccessRecord]:
        """Every look at this account, oldest first."""
        if not self.tables.has_access_log():
            return []
        return [self.opened(at, sealed) for at, sealed in self.tables.accesses(account_id)]

    def opened(self, at: datetime, sealed: bytes) -> AccessRecord:
        try:
            data = self.cipher.decrypt(sealed) if self.cipher else sealed
            fields = json.loads(data.decode("utf-8"))
            return AccessRecord(
                at, str(fields["actor"]), str(fields["role"]), str(fields["action"]),
                None if fields["reason"] is None else str(fields["reason"]),
            )  # fmt: skip
        except (ValueError, KeyError, TypeError):
            return AccessRecord(at, "?", "?", "?", None, readable=False)


def as_json(record: AccessRecord) -> dict[str, object]:
    return asdict(record) | {"recorded_at": record.recorded_at.isoformat()}
