"""A citizen's career as dated facts: employment relationships and situations.

The status a rule asks about is not stored: it is what the employments and situations
running on a date say (someone can be an employee at two employers and self-employed on
the side at once). An employment runs from its start date up to, not including, its end
date, as a lot's expiry does; a suspension (sickness, time credit...) leaves it running.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from ledger.domain.catalogue import Status

# The employer of an employment recorded only as the status "employee" (by `llr status`,
# `--status employee`, or any stream written before employments existed).
UNNAMED = ""


class Region(StrEnum):
    FLANDERS = "flanders"
    BRUSSELS = "brussels"
    WALLONIA = "wallonia"
    ABROAD = "abroad"


class SuspensionReason(StrEnum):
    SICKNESS = "sickness"
    TIME_CREDIT = "time-credit"
    PARENTAL_LEAVE = "parental-leave"
    TEMPORARY_UNEMPLOYMENT = "temporary-unemployment"


# What `llr situation start` takes: every status but "employee", which an employment gives.
SITUATIONS = tuple(status for status in Status if status is not Status.EMPLOYEE)

# Nothing recorded runs (an employment ended, no other situation known): the rules read
# the citizen as inactive until a new fact says otherwise.
NOTHING_KNOWN = frozenset({Status.INACTIVE})


@dataclass(slots=True)
class Employment:
    """One employment relationship; ``fte`` in hundredths of a full-time job (80 = 0.8)."""

    employer: str  # KBO number (10 digits), or UNNAMED
    start: date
    fte: int = 100
    joint_committee: str | None = None
    region: str = Region.FLANDERS.value
    unit: str | None = None  # establishment unit number, when given
    end: date | None = None
    end_reason: str | None = None
    suspensions: list[list[Any]] = field(default_factory=list)  # [[from, until, reason]]

    def runs_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)

    def suspended_on(self, day: date) -> str | None:
        """The reason the contract is suspended on ``day``, or None."""
        for start, until, reason in self.suspensions:
            if start <= day < until:
                return str(reason)
        return None

    def as_row(self) -> list[Any]:
        return [
            self.employer, self.start, self.fte, self.joint_committee, self.region, self.unit,
            self.end, self.end_reason, [list(s) for s in self.suspensions],
        ]  # fmt: skip

    @classmethod
    def from_row(cls, row: list[Any]) -> Employment:
        """A fresh Employment: it never shares a list with the event or snapshot it came
        from, as later facts change it and a replay must find the event as recorded."""
        employer, start, fte, committee, region, unit, end, end_reason, suspensions = row
        return cls(
            employer, start, fte, committee, region, unit, end, end_reason,
            [list(s) for s in suspensions],
        )  # fmt: skip


@dataclass(slots=True)
class Spell:
    """A situation beside employment (jobseeker, self-employed, student...) for a while."""

    situation: str
    start: date
    end: date | None = None

    def runs_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)

    def as_row(self) -> list[Any]:
        return [self.situation, self.start, self.end]

    @classmethod
    def from_row(cls, row: list[Any]) -> Spell:
        return cls(*row)


class Career:
    """Every employment and situation of one citizen, in the order they were recorded."""

    __slots__ = ("employments", "spells")

    def __init__(
        self, employments: list[Employment] | None = None, spells: list[Spell] | None = None
    ) -> None:
        self.employments: list[Employment] = employments or []
        self.spells: list[Spell] = spells or []

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Career)
            and self.employments == other.employments
            and self.spells == other.spells
        )

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"Career({self.employments!r}, {self.spells!r})"

    def copy(self) -> Career:
        return Career.from_rows(self.as_rows())

    # ------------------------------------------------------------------ reading
    def statuses_on(self, day: date) -> frozenset[Status]:
        found = {Status(spell.situation) for spell in self.spells if spell.runs_on(day)}
        if any(employment.runs_on(day) for employment in self.employments):
            found.add(Status.EMPLOYEE)
        return frozenset(found) if found else NOTHING_KNOWN

    def running_employments(self, day: date) -> list[Employment]:
        return [employment for employment in self.employments if employment.runs_on(day)]

    def employment_with(self, employer: str, day: date) -> Employment | None:
        """The employment with ``employer`` running on ``day`` (one at a time per employer)."""
        for employment in self.employments:
            if employment.employer == employer and employment.runs_on(day):
                return employment
        return None

    def spell_of(self, situation: str, day: date) -> Spell | None:
        for spell in self.spells:
            if spell.situation == situation and spell.runs_on(day):
                return spell
        return None

    def joint_committees_on(self, day: date) -> set[str]:
        return {e.joint_committee for e in self.running_employments(day) if e.joint_committee}

    # ------------------------------------------------------------ changes (apply)
    def start_employment(self, employment: Employment) -> None:
        # A named employment takes over from one recorded only as the status "employee".
        if employment.employer != UNNAMED:
            unnamed = self.employment_with(UNNAMED, employment.start)
            if unnamed is not None and unnamed.start == employment.start:
                self.employments.remove(unnamed)  # the same employment, now named
            elif unnamed is not None:
                unnamed.end = employment.start
        self.employments.append(employment)

    def name_employment(self, employer: str, on: date) -> None:
        """An employer's grant to someone recorded as an employee without an employer names
        that employment: it is the one with this employer (older streams hold only those)."""
        if self.employment_with(employer, on) is None:
            unnamed = self.employment_with(UNNAMED, on)
            if unnamed is not None:
                unnamed.employer = employer

    def end_employment(self, employer: str, on: date, reason: str | None) -> Employment | None:
        employment = self.employment_with(employer, on)
        if employment is not None:
            employment.end, employment.end_reason = on, reason
        return employment

    def start_spell(self, situation: str, on: date) -> None:
        self.spells.append(Spell(situation, on))

    def end_spell(self, situation: str, on: date) -> None:
        spell = self.spell_of(situation, on)
        if spell is not None:
            spell.end = on

    def replace_all(self, status: str, on: date) -> list[Employment]:
        """The shorthand `llr status`: from ``on`` the citizen is only ``status``. Returns
        the employments it ended."""
        ended = [employment for employment in self.running_employments(on)]
        for employment in ended:
            employment.end = on
        for spell in self.spells:
            if spell.runs_on(on):
                spell.end = on
        if status == Status.EMPLOYEE.value:
            self.employments.append(Employment(UNNAMED, on))
        else:
            self.spells.append(Spell(status, on))
        return ended

    # ------------------------------------------------------------------ storing
    def as_rows(self) -> list[list[Any]]:
        return [[e.as_row() for e in self.employments], [s.as_row() for s in self.spells]]

    @classmethod
    def from_rows(cls, rows: list[list[Any]]) -> Career:
        employments, spells = rows
        return cls(
            [Employment.from_row(row) for row in employments],
            [Spell.from_row(row) for row in spells],
        )

    @classmethod
    def opened_as(cls, status: str, on: date, employment: Employment | None) -> Career:
        career = cls()
        if employment is not None:
            career.employments.append(employment)
        elif status == Status.EMPLOYEE.value:
            career.employments.append(Employment(UNNAMED, on))
        else:
            career.spells.append(Spell(status, on))
        return career


def status_label(statuses: frozenset[Status]) -> str:
    """One text for a set of statuses, as events and messages show it: ``employee``,
    ``employee+self-employed-side``."""
    return "+".join(sorted(status.value for status in statuses))


def cause_text(status: str) -> str:
    """What an outcome's ``status`` field says, as a phrase: ``becoming jobseeker`` for the
    statuses entered, or as is for the end of an employment (``resignation at 0566988259``)."""
    parts = status.split("+")
    return f"becoming {status}" if all(p in _STATUS_VALUES for p in parts) else status


_STATUS_VALUES = frozenset(status.value for status in Status)
