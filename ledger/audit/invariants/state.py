"""What a ``StreamAudit`` keeps between two events of its account, besides the replay: the
running sum of a cap's window (caps.py) and an open status change (transitions.py). Plain
data, so the stream that holds them and the checks that fill them both import it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from ledger.domain.catalogue import Outcome, Status


class WindowSum(NamedTuple):
    start: date
    end: date
    counted: int  # how many movements the total has looked at
    total: int
    on: date  # the date of the event it was last brought up to


@dataclass
class Transition:
    version: int  # the event that opened it
    event: str
    status: str  # the statuses entered, as one text
    pending: dict[str, int]  # lot id -> units open when it began
    expected: dict[str, tuple[Outcome, str]]  # lot id -> its outcome, and why
    balance_before: int
    forfeited: int = 0
    reported: bool = False  # a lot's outcome was already reported: skip the sum check


@dataclass
class CareerBefore:
    """What a career event finds before it is applied: the statuses on its date, and the
    employments it ends (by employer: the end reason, or None for the status shorthand)."""

    statuses: frozenset[Status]
    ended: dict[str, str | None] = field(default_factory=dict)
