"""Real rules from docs/domain.md, through the shipped catalogue: careers, rule versions and caps.

Each scenario checks the balances a back-office employee would read on each date, and that
every unit stays accounted for (``check_account``: invariants 1 to 7).
"""

from __future__ import annotations

from datetime import date
from uuid import NAMESPACE_URL, uuid5

import pytest

from ledger.domain.account import Account
from ledger.domain.catalogue import Status
from ledger.domain.errors import CapExceededError, NotEligibleError
from ledger.domain.facts import FactKind
from ledger.domain.views import balances, effective_until, explain, rebuild
from tests.domain.audit import check_account
from tests.domain.support import (
    CAREER,
    CATALOGUE,
    EMPLOYER,
    FED_DAYS,
    FLANDERS,
    INSZ,
    VOUCHERS,
    VOV,
    by,
    change,
    grant,
    names,
    refused,
    use,
)


class Career:
    """One citizen's account with every event kept, checked after each step."""

    def __init__(self, status: Status, on: date) -> None:
        account_id = uuid5(NAMESPACE_URL, "/tests/scenarios")
        self.account = Account.open(account_id, INSZ, status, on, None, by())
        self.events: list[Account.Event] = list(self.account.collect_events())

    def worked_years(self, years: int, on: date) -> None:
        """A work-experience fact (career vouchers ask for 7 years from 2020)."""
        self.account.record_fact(FactKind.WORK_EXPERIENCE, str(years), on, None, by())

    def record(self) -> list[str]:
        new = self.account.collect_events()
        self.events.extend(new)
        check_account(self.account, self.events, CATALOGUE)
        return names(new)

    def balance_on(self, day: date, right: str) -> tuple[int, int]:
        """(usable, suspended) as the ledger reports it on ``day`` from the events so far."""
        then = rebuild(effective_until(self.events, day))
        assert then is not None
        found = [b for b in balances(then, CATALOGUE, day) if b.right == right]
        return (found[0].usable, found[0].suspended) if found else (0, 0)


def employee_with_vov_and_federal_days() -> Career:
    """125 h of VOV for school year 2024-25 and 5 federal days for 2024; some of each used."""
    career = Career(Status.EMPLOYEE, date(2024, 1, 2))
    grant(career.account, FED_DAYS, 5, date(2024, 1, 15), "fla-2024")
    grant(career.account, VOV, 125, date(2024, 9, 2), "vov-2024-25")
    use(career.account, VOV, 24, date(2024, 10, 7), "leave-1")
    use(career.account, FED_DAYS, 2, date(2024, 11, 4), "course-1")
    career.record()
    change(career.account, Status.JOBSEEKER, date(2025, 1, 6))
    career.record()
    change(career.account, Status.SELF_EMPLOYED, date(2025, 3, 3))
    career.record()
    return career


def test_vov_is_suspended_out_of_work_and_usable_again_on_return_before_1_september() -> None:
    career = employee_with_vov_and_federal_days()

    change(career.account, Status.EMPLOYEE, date(2025, 6, 2))
    events = career.record()

    assert events == ["StatusChanged", "RightTransferred"]
    expected = {
        date(2024, 12, 31): {VOV: (101, 0), FED_DAYS: (3, 0)},
        date(2025, 1, 6): {VOV: (0, 101), FED_DAYS: (0, 0)},  # jobseeker
        date(2025, 3, 3): {VOV: (0, 101), FED_DAYS: (0, 0)},  # self-employed
        date(2025, 6, 2): {VOV: (101, 0), FED_DAYS: (0, 0)},  # employee again
        date(2025, 9, 1): {VOV: (0, 0), FED_DAYS: (0, 0)},  # the school year is over
    }
    for day, rights in expected.items():
        for right, balance in rights.items():
            assert career.balance_on(day, right) == balance, (day, right)
    vov = career.account.totals[VOV]
    assert (vov.granted, vov.used, vov.usable) == (125, 24, 101)


def test_vov_suspended_past_the_end_of_the_school_year_expires() -> None:
    career = employee_with_vov_and_federal_days()

    change(career.account, Status.EMPLOYEE, date(2025, 10, 1))
    events = career.record()

    assert events == ["RightExpired", "StatusChanged"]
    assert career.balance_on(date(2025, 8, 31), VOV) == (0, 101)
    assert career.balance_on(date(2025, 10, 1), VOV) == (0, 0)
    vov = career.account.totals[VOV]
    assert (vov.granted, vov.used, vov.expired, vov.usable) == (125, 24, 101, 0)


def test_federal_days_are_forfeited_on_leaving_employment_citing_the_arbeidsdeal() -> None:
    career = employee_with_vov_and_federal_days()

    forfeits = [e for e in career.events if isinstance(e, Account.RightForfeited)]
    explanation = explain(career.events, CATALOGUE, FED_DAYS)

    (forfeit,) = forfeits
    assert (forfeit.amount, forfeit.status, forfeit.on) == (3, "jobseeker", date(2025, 1, 6))
    assert "law of 3 Oct 2022" in forfeit.legal_basis
    # The law of the day of the change: the version in force then (a corrigendum).
    assert forfeit.rule_version == "federal-training-days@2024-01-01+c1"
    assert "law of 3 Oct 2022" in explanation.steps[-1].text
    totals = explanation.totals
    assert (totals["granted"], totals["used"], totals["forfeited"]) == (5, 2, 3)
    assert explanation.balanced


def test_each_vov_lot_keeps_the_rule_version_it_was_granted_under() -> None:
    career = Career(Status.EMPLOYEE, date(2020, 1, 6))
    grant(career.account, VOV, 100, date(2020, 9, 1), "2020-21")
    grant(career.account, VOV, 200, date(2024, 9, 2), "2024-25")
    career.record()

    grant(career.account, VOV, 80, date(2025, 9, 1), "2025-26")
    events = career.record()

    versions = {lot.reference: lot.rule_version for lot in career.account.lots.values()}
    assert versions == {
        "2020-21": "vov-hours@2019-09-01+c1",
        "2024-25": "vov-hours@2024-09-01",
        "2025-26": "vov-hours@2025-09-01+c1",
    }
    assert events == ["RightExpired", "RightGranted"]  # 2024-25 ends as 2025-26 starts
    assert career.balance_on(date(2025, 9, 1), VOV) == (80, 0)


def test_the_vov_ceiling_was_125_hours_and_125_more_on_the_employer_track_in_2021_22() -> None:
    career = Career(Status.EMPLOYEE, date(2020, 1, 6))
    grant(career.account, VOV, 12500, date(2020, 9, 1), "2020-21")  # minor units: 125 hours
    career.record()

    refused(
        career.account,
        CapExceededError,
        lambda: grant(career.account, VOV, 1, date(2021, 8, 31), "2020-21-extra"),
    )
    grant(career.account, VOV, 12500, date(2021, 9, 1), "2021-22")
    career.account.grant(
        CATALOGUE, VOV, 12500, date(2021, 9, 1), None, by(EMPLOYER, "2021-22-employer"), "employer"
    )
    career.record()

    # Two caps of 125 h, not one of 250 h: the own-choice track is full on its own.
    refused(
        career.account,
        CapExceededError,
        lambda: grant(career.account, VOV, 1, date(2021, 9, 2), "2021-22-extra"),
    )
    assert career.balance_on(date(2021, 9, 1), VOV) == (25000, 0)


def test_training_vouchers_are_capped_at_500_euros_per_school_year() -> None:
    career = Career(Status.EMPLOYEE, date(2024, 9, 2))
    grant(career.account, VOUCHERS, 30000, date(2024, 9, 10), "wse-1", source=FLANDERS)
    grant(career.account, VOUCHERS, 20000, date(2025, 3, 3), "wse-2", source=FLANDERS)
    career.record()

    info = refused(
        career.account,
        CapExceededError,
        lambda: grant(career.account, VOUCHERS, 1, date(2025, 8, 31), "wse-3", source=FLANDERS),
    )
    grant(career.account, VOUCHERS, 25000, date(2025, 9, 1), "wse-4", source=FLANDERS)
    career.record()

    assert "0.01 euro of 'training-vouchers'" in str(info.value)
    assert "at most 500 per school-year): 500 already from 2024-09-01" in str(info.value)
    assert career.account.lots[f"{FLANDERS}/wse-1"].expires_on == date(2025, 11, 10)  # 14 months
    assert career.balance_on(date(2025, 9, 1), VOUCHERS) == (75000, 0)


def test_from_the_autumn_2025_reform_a_citizen_gets_one_career_voucher_in_a_lifetime() -> None:
    career = Career(Status.EMPLOYEE, date(2025, 10, 6))
    career.worked_years(9, date(2025, 10, 6))
    grant(career.account, CAREER, 1, date(2025, 11, 3), "vdab-1", source=FLANDERS)
    career.record()

    refused(
        career.account,
        CapExceededError,
        lambda: grant(career.account, CAREER, 1, date(2026, 6, 1), "vdab-2", source=FLANDERS),
    )
    career.record()

    (lot,) = career.account.lots.values()
    # Valid 3 months (carrieretest.be), at the latest until the loopbaankrediet starts.
    assert (lot.rule_version, lot.expires_on) == ("career-vouchers@2025-10-01+c1", date(2026, 2, 3))


def test_a_career_voucher_needs_seven_years_of_work_experience() -> None:
    career = Career(Status.EMPLOYEE, date(2024, 3, 4))
    career.worked_years(6, date(2024, 3, 4))
    career.record()

    info = refused(
        career.account,
        NotEligibleError,
        lambda: grant(career.account, CAREER, 1, date(2024, 6, 3), "vdab-1", source=FLANDERS),
    )
    career.worked_years(7, date(2025, 3, 3))
    grant(career.account, CAREER, 1, date(2025, 3, 3), "vdab-1", source=FLANDERS)
    career.record()

    assert "6 years of work experience (fact of 2024-03-04), at least 7 needed" in str(info.value)


def test_open_career_vouchers_end_when_the_loopbaankrediet_starts() -> None:
    career = Career(Status.EMPLOYEE, date(2026, 11, 2))
    career.worked_years(10, date(2026, 11, 2))
    grant(career.account, CAREER, 1, date(2026, 11, 16), "vdab-late", source=FLANDERS)
    career.record()

    assert career.account.lots[f"{FLANDERS}/vdab-late"].expires_on == date(2027, 1, 1)
    refused(
        career.account,
        CapExceededError,
        lambda: grant(career.account, CAREER, 1, date(2027, 1, 4), "vdab-2027", source=FLANDERS),
    )


def test_the_reform_s_career_voucher_cap_counts_the_vouchers_granted_before_it() -> None:
    career = Career(Status.SELF_EMPLOYED, date(2020, 3, 2))
    career.worked_years(12, date(2020, 3, 2))
    grant(career.account, CAREER, 1, date(2021, 5, 3), "vdab-2021", source=FLANDERS)
    career.record()

    refused(
        career.account,
        CapExceededError,
        lambda: grant(career.account, CAREER, 1, date(2025, 11, 3), "vdab-2025", source=FLANDERS),
    )


def test_a_second_career_voucher_in_spring_2025_follows_the_old_regime() -> None:
    # Corrigendum: the reform took effect in autumn 2025, not on 1 Jan 2025.
    career = Career(Status.EMPLOYEE, date(2020, 3, 2))
    career.worked_years(12, date(2020, 3, 2))
    grant(career.account, CAREER, 1, date(2021, 5, 3), "vdab-1", source=FLANDERS)
    grant(career.account, CAREER, 1, date(2025, 4, 1), "vdab-2", source=FLANDERS)
    career.record()

    lot = career.account.lots[f"{FLANDERS}/vdab-2"]
    assert (lot.rule_version, lot.expires_on) == ("career-vouchers@2025-01-01+c2", date(2025, 7, 1))


def test_before_2025_two_career_vouchers_in_any_six_years() -> None:
    career = Career(Status.EMPLOYEE, date(2020, 3, 2))
    career.worked_years(12, date(2020, 3, 2))
    grant(career.account, CAREER, 1, date(2020, 3, 2), "vdab-1", source=FLANDERS)
    grant(career.account, CAREER, 1, date(2021, 5, 3), "vdab-2", source=FLANDERS)
    career.record()

    refused(
        career.account,
        CapExceededError,
        lambda: grant(career.account, CAREER, 1, date(2024, 6, 3), "vdab-3", source=FLANDERS),
    )


# The Arbeidsdeal: 3 days in 2022, 4 in 2023, 5 from 2024 (the 2024 rule is still in force).
def test_there_were_no_federal_training_days_to_grant_in_2022() -> None:
    career = Career(Status.EMPLOYEE, date(2022, 1, 3))

    info = refused(
        career.account,
        CapExceededError,
        lambda: grant(career.account, FED_DAYS, 100, date(2022, 1, 15), "q1"),
    )

    assert "no individual right before 2023" in str(info.value)


@pytest.mark.parametrize(
    ("year", "minimum", "rule"),
    [(2023, 4, "2023-01-01+c1"), (2024, 5, "2024-01-01+c1"), (2025, 5, "2024-01-01+c1")],
)
def test_federal_training_days_are_a_minimum_an_employer_may_exceed(
    year: int, minimum: int, rule: str
) -> None:
    career = Career(Status.EMPLOYEE, date(year, 1, 3))
    # Minor units: hundredths of a day.
    grant(career.account, FED_DAYS, minimum * 100, date(year, 1, 15), "q1")
    grant(career.account, FED_DAYS, 150, date(year, 12, 31), "more")  # more generous
    career.record()

    assert career.balance_on(date(year, 12, 31), FED_DAYS) == (minimum * 100 + 150, 0)
    assert career.account.lots[f"{EMPLOYER}/q1"].rule_version == f"{FED_DAYS}@{rule}"
