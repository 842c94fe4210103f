"""What an audit reports: one finding per breach, and each citizen's totals per right."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any


class Invariant(IntEnum):
    """The auditor's list (docs/design.md, "Invariants"), numbered as there."""

    CONSERVATION = 1
    NO_NEGATIVE_LOT = 2
    USABLE_WHEN_USED = 3
    NOTHING_LOST_AT_TRANSITION = 4
    CAPS_PER_PERIOD = 5
    REPLAY_SNAPSHOT_PROJECTIONS = 6
    HISTORY_UNALTERED = 7
    REVIEW_CASE_OPEN = 8
    RULE_TEXT_UNCHANGED = 9
    BOOKINGS = 10

    @property
    def title(self) -> str:
        return _TITLES[self]


_TITLES = {
    Invariant.CONSERVATION: "conservation: granted = used + expired + forfeited + balance",
    Invariant.NO_NEGATIVE_LOT: "no lot below zero, no use beyond the usable balance",
    Invariant.USABLE_WHEN_USED: "used only when usable in the status, from valid lots",
    Invariant.NOTHING_LOST_AT_TRANSITION: "nothing lost at a status change but cited forfeits",
    Invariant.CAPS_PER_PERIOD: "caps per period hold",
    Invariant.REPLAY_SNAPSHOT_PROJECTIONS: "replay = snapshot = projections",
    Invariant.HISTORY_UNALTERED: "stored history unaltered (tamper evidence)",
    Invariant.REVIEW_CASE_OPEN: "no late fact left in an open review case",
    Invariant.RULE_TEXT_UNCHANGED: "a lot's rule text unchanged since its grant",
    Invariant.BOOKINGS: "bookings hold, release and refund what they should, at recognised "
    "trainings",
}

LEDGER_WIDE = "(ledger)"  # the citizen column of a finding about the whole store


@dataclass(frozen=True)
class Finding:
    """One breach: who (masked INSZ, else the account id), which event, which rule, numbers."""

    invariant: Invariant
    citizen: str
    message: str
    expected: str = ""
    found: str = ""
    account_id: str = ""
    version: int | None = None  # the event's account version (its event id in `llr history`)
    event: str = ""  # the event's name, e.g. RightUsed (or what else the finding is about)

    def line(self) -> str:
        where = f"event {self.version} ({self.event})" if self.version else self.event or "stream"
        if self.citizen == LEDGER_WIDE:
            where = "store"
        numbers = f" [expected {self.expected}, found {self.found}]" if self.expected else ""
        return (
            f"{self.citizen} {where}: invariant {int(self.invariant)} "
            f"({self.invariant.title}): {self.message}{numbers}"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "citizen": self.citizen,
            "account_id": self.account_id,
            "event_id": self.version,
            "event": self.event,
            "invariant": int(self.invariant),
            "rule": self.invariant.title,
            "message": self.message,
            "expected": self.expected,
            "found": self.found,
        }


TOTAL_COLUMNS = ("granted", "used", "expired", "forfeited", "usable", "suspended", "reserved")


@dataclass(frozen=True)
class RightTotals:
    """One citizen's totals of one right, from the replayed stream (as `llr explain` shows)."""

    citizen: str
    account_id: str
    right: str
    granted: int
    used: int
    expired: int
    forfeited: int
    usable: int
    suspended: int
    replayed_to: int  # the last event the replay reached (less than the stream on a breach)
    reserved: int = 0  # held for trainings booked, not yet confirmed

    def as_dict(self) -> dict[str, Any]:
        return {
            "citizen": self.citizen,
            "account_id": self.account_id,
            "right": self.right,
            **{name: getattr(self, name) for name in TOTAL_COLUMNS},
            "replayed_to": self.replayed_to,
        }


@dataclass
class AuditReport:
    """The outcome of one verification: clean when ``findings`` is empty."""

    scope: str  # "all citizens" or one masked INSZ
    position: int | None  # the store position checked up to (max notification id)
    streams: int
    events: int
    findings: list[Finding] = field(default_factory=list)
    totals: list[RightTotals] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was checked beyond, or skipped

    @property
    def ok(self) -> bool:
        return not self.findings

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "scope": self.scope,
            "position": self.position,
            "streams": self.streams,
            "events": self.events,
            "findings": [f.as_dict() for f in self.findings],
            "totals": [t.as_dict() for t in self.totals],
            "notes": list(self.notes),
        }
