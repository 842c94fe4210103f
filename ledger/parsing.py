"""Text from a command line turned into the Ledger's values, with messages that name the rule."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any

from ledger.domain.career import SITUATIONS, Employment, Region, SuspensionReason
from ledger.domain.catalogue import Education, EndReason, Status
from ledger.domain.errors import InvalidInputError
from ledger.domain.identifiers import (
    parse_enterprise_number,
    parse_establishment_unit,
    parse_joint_committee,
    shown,
)


def parse_status(text: str) -> Status:
    try:
        return Status(text.strip().lower())
    except ValueError:
        raise InvalidInputError.because(
            "status {text}: must be one of {join}",
            text=shown(text),
            join=", ".join(s.value for s in Status),
        ) from None


def parse_education(text: str | None) -> Education | None:
    if text is None:
        return None
    try:
        return Education(text.strip().lower())
    except ValueError:
        raise InvalidInputError.because(
            "education {text}: must be one of {join}",
            text=shown(text),
            join=", ".join(e.value for e in Education),
        ) from None


def parse_moment(text: str) -> datetime:
    """A recorded-time bound: ISO date-time (naive = UTC), or a date meaning its last moment."""
    try:
        if len(text.strip()) == 10:
            return datetime.combine(date.fromisoformat(text.strip()), time.max, UTC)
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInputError.because(
            "time {text}: expected ISO 8601, e.g. 2025-03-01 or 2025-03-01T14:30:00+01:00",
            text=shown(text),
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_day(text: str, name: str = "date") -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInputError.because(
            "{name} {text}: expected an ISO date such as 2024-09-01", name=name, text=shown(text)
        ) from None


def _one_of(text: str, what: str, choices: type[StrEnum]) -> Any:
    try:
        return choices(text.strip().lower())
    except ValueError:
        raise InvalidInputError.because(
            "{what} {text}: must be one of {join}",
            what=what,
            text=shown(text),
            join=", ".join(c.value for c in choices),
        ) from None


def parse_end_reason(text: str) -> EndReason:
    return _one_of(text, "--reason", EndReason)  # type: ignore[no-any-return]


def parse_region(text: str | None) -> Region:
    return Region.FLANDERS if text is None else _one_of(text, "--region", Region)


def parse_suspension_reason(text: str) -> SuspensionReason:
    return _one_of(text, "--reason", SuspensionReason)  # type: ignore[no-any-return]


def parse_situation(text: str) -> Status:
    """A situation beside employment: every status but employee (an employment gives it)."""
    status = parse_status(text)
    if status not in SITUATIONS:
        raise InvalidInputError.because(
            "situation {text}: an employee is recorded with 'llr employment "
            "start'; situations are {join}",
            text=shown(text),
            join=", ".join(s.value for s in SITUATIONS),
        )
    return status


_FTE_FORM = re.compile(r"(?:0|1)?(?:[.,][0-9]{1,2})?|1")


def parse_fte(text: str | None) -> int:
    """An employment fraction, 0 < fte <= 1 with at most two decimals, as hundredths."""
    if text is None:
        return 100
    cleaned = text.strip()
    if not cleaned or _FTE_FORM.fullmatch(cleaned) is None:
        raise InvalidInputError.because(
            "--fte {text}: the employment fraction is a number above 0 and at most "
            "1, with at most two decimals, e.g. 0.8 or 0.55",
            text=shown(text),
        )
    whole, _, decimals = cleaned.replace(",", ".").partition(".")
    hundredths = int(whole or "0") * 100 + int((decimals + "00")[:2])
    if not 0 < hundredths <= 100:
        raise InvalidInputError.because(
            "--fte {text}: the employment fraction is above 0 and at most 1 (1 is full time)",
            text=shown(text),
        )
    return hundredths


def employment_of(
    employer: str,
    on: date,
    fte: str | None = None,
    joint_committee: str | None = None,
    region: str | None = None,
    unit: str | None = None,
) -> Employment:
    """An employment from the text of a command line or an import line."""
    return Employment(
        parse_enterprise_number(employer).value,
        on,
        parse_fte(fte),
        None if joint_committee is None else parse_joint_committee(joint_committee),
        parse_region(region).value,
        None if unit is None else parse_establishment_unit(unit).value,
    )
