"""Dated eligibility facts about a citizen: education level, personal development plans
(POP), years of work experience.

They decide no balance on their own: the rules read them (``ledger/domain/eligibility.py``)
when a grant asks whether the citizen qualifies, and ``llr eligibility`` explains them. A
fact is about its own date, which may lie before anything else on the account (a POP made
years ago); recording it never changes an entry already made.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from ledger.domain.catalogue import Education, add_months


class FactKind(StrEnum):
    EDUCATION = "education"
    POP = "pop"
    WORK_EXPERIENCE = "work-experience"


# Years of work experience are kept as a whole number of years: the rules ask "at least 7".
MAX_YEARS = 60


@dataclass(frozen=True, slots=True)
class Fact:
    """One recorded fact: ``value`` is an education level, a number of years, or empty for
    a POP; ``until`` (exclusive) ends a POP early."""

    kind: FactKind
    value: str
    on: date
    until: date | None = None

    def as_row(self) -> list[Any]:
        return [self.kind.value, self.value, self.on, self.until]

    @classmethod
    def from_row(cls, row: list[Any]) -> Fact:
        kind, value, on, until = row
        return cls(FactKind(kind), value, on, until)


class Facts:
    """The facts of one account in the order they were recorded; a later recording about
    the same day wins."""

    __slots__ = ("recorded",)

    def __init__(self, recorded: list[Fact] | None = None) -> None:
        self.recorded: list[Fact] = recorded or []

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Facts) and self.recorded == other.recorded

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"Facts({self.recorded!r})"

    def add(self, fact: Fact) -> None:
        self.recorded.append(fact)

    def latest(self, kind: FactKind, day: date) -> Fact | None:
        """The fact of ``kind`` that holds on ``day``: the one with the latest date on or
        before it (of two about the same date, the one recorded last)."""
        found: Fact | None = None
        for fact in self.recorded:
            if fact.kind is kind and fact.on <= day and (found is None or fact.on >= found.on):
                found = fact
        return found

    def education_on(self, day: date, at_opening: str | None) -> str | None:
        fact = self.latest(FactKind.EDUCATION, day)
        return fact.value if fact is not None else at_opening

    def work_experience_on(self, day: date) -> Fact | None:
        return self.latest(FactKind.WORK_EXPERIENCE, day)

    def pop_on(self, day: date, within_years: int) -> Fact | None:
        """The latest POP that counts on ``day``: made at most ``within_years`` years
        before and not ended."""
        found: Fact | None = None
        for fact in self.recorded:
            if fact.kind is not FactKind.POP or not fact.on <= day:
                continue
            if day >= add_months(fact.on, 12 * within_years):
                continue
            if fact.until is not None and day >= fact.until:
                continue
            if found is None or fact.on > found.on:
                found = fact
        return found

    def as_rows(self) -> list[list[Any]]:
        return [fact.as_row() for fact in self.recorded]

    @classmethod
    def from_rows(cls, rows: list[list[Any]]) -> Facts:
        return cls([Fact.from_row(row) for row in rows])


def parse_fact_value(kind: FactKind, value: str | None) -> str:
    """The value of a fact as the account keeps it; raises ValueError naming the rule."""
    text = (value or "").strip()
    if kind is FactKind.EDUCATION:
        levels = [level.value for level in Education]
        if text.lower() not in levels:
            raise ValueError(f"education {value!r}: expected one of {', '.join(levels)}")
        return text.lower()
    if kind is FactKind.WORK_EXPERIENCE:
        if not text.isdigit() or int(text) > MAX_YEARS:
            raise ValueError(
                f"work-experience {value!r}: a whole number of years from 0 to {MAX_YEARS}"
            )
        return str(int(text))
    if text:
        raise ValueError(f"pop takes no value (got {value!r}): give --on and, if it ended, --until")
    return ""


def fact_detail(fields: dict[str, Any]) -> str:
    """What the trail and the history say of a ``FactRecorded``. Not the education level:
    the trail is read by many, and take-up is where it counts."""
    kind, about = fields.get("kind"), fields.get("fact_on")
    if kind == "education":
        return f"education level recorded, as of {about}"
    if kind == "pop":
        until = fields.get("until")
        return f"POP made on {about}" + (f", counts until {until}" if until else "")
    return f"{fields.get('value')} years of work experience on {about}"
