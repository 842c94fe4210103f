"""Texts the projections make for the same few values over and over, made once each.

A batch of events has few distinct dates and school years, and ``date.isoformat`` (or the
school year) on every event of a rebuild adds up; the dictionaries below keep each text
once made. They live for one projection object, i.e. one catch-up or rebuild.
"""

from __future__ import annotations

from datetime import date

from ledger.projections.base import school_year


class IsoDayTexts(dict[date, str]):
    """date -> its ISO text, made on first use."""

    def __missing__(self, day: date) -> str:
        text = self[day] = day.isoformat()
        return text


class SchoolYearTexts(dict[date, str]):
    """date -> its school year ("2024-25"), made on first use."""

    def __missing__(self, day: date) -> str:
        period = self[day] = school_year(day)
        return period
