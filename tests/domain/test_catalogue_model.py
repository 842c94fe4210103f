"""The catalogue model: expiry rules, cap windows, month arithmetic, rule versions in force."""

from __future__ import annotations

from datetime import date

import pytest

from ledger.domain.catalogue import (
    Cap,
    CapCounts,
    CapPeriod,
    ExpiryKind,
    ExpiryRule,
    RightType,
    Status,
    add_months,
    school_year_start,
)
from ledger.domain.errors import NoRuleInForceError, UnknownRightError
from tests.domain.support import CATALOGUE, VOV, small_catalogue


# --- add_months ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 1, 15), 1, date(2024, 2, 15)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year: clamped to the 29th
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 3, 31), 1, date(2024, 4, 30)),
        (date(2024, 11, 30), 2, date(2025, 1, 30)),  # across the year end
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 9, 1), 14, date(2025, 11, 1)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),  # backwards, clamped
        (date(2025, 1, 15), -72, date(2019, 1, 15)),
        (date(2024, 5, 5), 0, date(2024, 5, 5)),
    ],
)
def test_add_months_keeps_the_day_and_clamps_it_to_a_shorter_month(
    day: date, months: int, expected: date
) -> None:
    assert add_months(day, months) == expected


def test_the_school_year_starts_on_the_first_of_september() -> None:
    assert school_year_start(date(2024, 8, 31)) == date(2023, 9, 1)
    assert school_year_start(date(2024, 9, 1)) == date(2024, 9, 1)
    assert school_year_start(date(2025, 1, 1)) == date(2024, 9, 1)


# --- ExpiryRule ------------------------------------------------------------------------------
SCHOOL_YEAR = ExpiryRule(ExpiryKind.END_OF_SCHOOL_YEAR)
CALENDAR_YEAR = ExpiryRule(ExpiryKind.END_OF_CALENDAR_YEAR)
FOURTEEN_MONTHS = ExpiryRule(ExpiryKind.MONTHS_AFTER_GRANT, months=14)
ONE_MONTH = ExpiryRule(ExpiryKind.MONTHS_AFTER_GRANT, months=1)
FIXED = ExpiryRule(ExpiryKind.FIXED_DATE, on=date(2027, 1, 1))


@pytest.mark.parametrize(
    ("rule", "valid_from", "expected"),
    [
        (SCHOOL_YEAR, date(2024, 9, 1), date(2025, 9, 1)),
        (SCHOOL_YEAR, date(2025, 8, 31), date(2025, 9, 1)),
        (SCHOOL_YEAR, date(2025, 9, 1), date(2026, 9, 1)),
        (CALENDAR_YEAR, date(2024, 1, 1), date(2025, 1, 1)),
        (CALENDAR_YEAR, date(2024, 12, 31), date(2025, 1, 1)),
        (
            ExpiryRule(ExpiryKind.MONTHS_AFTER_GRANT, months=14),
            date(2024, 9, 10),
            date(2025, 11, 10),
        ),
        (ONE_MONTH, date(2025, 1, 31), date(2025, 2, 28)),
        (
            ExpiryRule(ExpiryKind.FIXED_DATE, on=date(2027, 1, 1)),
            date(2025, 2, 1),
            date(2027, 1, 1),
        ),
        (ExpiryRule(ExpiryKind.NONE), date(2025, 2, 1), None),
    ],
)
def test_an_expiry_rule_gives_the_first_day_a_lot_is_no_longer_usable(
    rule: ExpiryRule, valid_from: date, expected: date | None
) -> None:
    assert rule.expires_on(valid_from) == expected


# --- Cap.window ------------------------------------------------------------------------------
def cap(period: CapPeriod, years: int = 0) -> Cap:
    return Cap(CapCounts.GRANTS, period, 10, "test", years)


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        (date(2025, 8, 31), date(2024, 9, 1), date(2025, 9, 1)),  # last day of 2024-25
        (date(2025, 9, 1), date(2025, 9, 1), date(2026, 9, 1)),  # first day of 2025-26
        (date(2024, 12, 31), date(2024, 9, 1), date(2025, 9, 1)),
    ],
)
def test_a_school_year_cap_counts_from_1_september_to_31_august(
    day: date, start: date, end: date
) -> None:
    assert cap(CapPeriod.SCHOOL_YEAR).window(day) == (start, end)


def test_a_calendar_year_cap_counts_from_1_january_to_31_december() -> None:
    assert cap(CapPeriod.CALENDAR_YEAR).window(date(2024, 12, 31)) == (
        date(2024, 1, 1),
        date(2025, 1, 1),
    )


def test_a_rolling_cap_counts_the_years_that_end_on_the_entry_day() -> None:
    six_years = cap(CapPeriod.ROLLING_YEARS, years=6)

    start, end = six_years.window(date(2025, 3, 10))

    assert (start, end) == (date(2019, 3, 11), date(2025, 3, 11))


def test_a_rolling_window_ending_on_29_february_starts_on_1_march() -> None:
    assert cap(CapPeriod.ROLLING_YEARS, years=1).window(date(2024, 2, 29)) == (
        date(2023, 3, 1),
        date(2024, 3, 1),
    )


def test_a_lifetime_cap_counts_every_day() -> None:
    assert cap(CapPeriod.LIFETIME).window(date(2025, 3, 10)) == (date.min, date.max)


def test_a_cap_describes_its_limit_and_period() -> None:
    assert cap(CapPeriod.ROLLING_YEARS, years=6).describe() == "grants at most 10 any 6 years"
    assert cap(CapPeriod.LIFETIME).describe() == "grants at most 10 a lifetime"
    assert cap(CapPeriod.SCHOOL_YEAR).describe() == "grants at most 10 per school-year"


# --- rule versions ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("day", "version"),
    [
        # A corrigendum of the same date is the version in force from that date.
        (date(2019, 9, 1), "vov-hours@2019-09-01+c1"),
        (date(2021, 8, 31), "vov-hours@2019-09-01+c1"),
        (date(2021, 9, 1), "vov-hours@2021-09-01+c1"),
        (date(2022, 9, 1), "vov-hours@2022-09-01"),
        (date(2023, 9, 1), "vov-hours@2023-09-01"),
        (date(2025, 8, 31), "vov-hours@2024-09-01"),
        (date(2025, 9, 1), "vov-hours@2025-09-01+c1"),
        (date(2040, 1, 1), "vov-hours@2025-09-01+c1"),
    ],
)
def test_the_version_in_force_is_the_latest_that_started_on_or_before_the_day(
    day: date, version: str
) -> None:
    assert CATALOGUE.right(VOV).version_on(day).id == version


def test_no_version_is_in_force_before_the_first_one() -> None:
    with pytest.raises(NoRuleInForceError, match="2019-09-01"):
        CATALOGUE.right(VOV).version_on(date(2019, 8, 31))


def test_a_version_is_found_again_by_its_id() -> None:
    right: RightType = CATALOGUE.right(VOV)

    # The corrected version stays in the catalogue beside its corrigendum.
    assert CATALOGUE.rule("vov-hours@2021-09-01") is right.versions[2]
    assert CATALOGUE.rule("vov-hours@2021-09-01+c1") is right.versions[3]


def test_an_unknown_right_is_refused_and_the_known_ones_are_named() -> None:
    with pytest.raises(UnknownRightError, match="vov-hours"):
        CATALOGUE.right("nap-hours")


def test_a_right_is_usable_only_in_the_statuses_it_is_carried_into() -> None:
    rule = small_catalogue().rule("test-hours@2020-01-01")

    assert rule.usable_in == {Status.EMPLOYEE, Status.SELF_EMPLOYED}
