"""Text from a command line turned into the Ledger's values, with messages that name the rule."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from ledger.domain.catalogue import Education, Status
from ledger.domain.errors import InvalidInputError
from ledger.domain.identifiers import shown


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
