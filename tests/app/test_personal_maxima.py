"""VOV tracks, personal maxima and eligibility facts, through the Ledger on every backend
(the rules issue: each scenario asserts the outcome its source gives)."""

from __future__ import annotations

from datetime import date

import pytest

from ledger.application import Ledger
from ledger.domain.errors import (
    CapExceededError,
    InsufficientBalanceError,
    InvalidInputError,
    NoEmploymentError,
    NotEligibleError,
    SourceNotAllowedError,
    UnknownTrackError,
)
from ledger.domain.late import LateFactConflictError
from tests.builders import EMPLOYER, FLANDERS, INSZ, VOUCHERS, VOV, employed_by, usable


def employee(
    ledger: Ledger, fte: str = "1", on: date = date(2022, 1, 3), education: str = "low"
) -> None:
    ledger.open_account(INSZ, "employee", on, education, employment=employed_by(EMPLOYER, on, fte))


def vov(ledger: Ledger, hours: str, on: date, ref: str, track: str | None = None) -> object:
    return ledger.grant_right(INSZ, VOV, hours, on, EMPLOYER, ref, track=track)


def test_an_own_choice_training_of_200_hours_is_refused_as_own_choice_is_capped_at_125(
    ledger: Ledger,
) -> None:
    employee(ledger)

    with pytest.raises(CapExceededError) as refused:
        vov(ledger, "200", date(2023, 9, 4), "OWN-200")

    assert "grants on the own-choice track at most 125" in str(refused.value)
    assert "125 hours x 100% (employment fraction in Flanders in 2023-03) = 125 hours" in str(
        refused.value
    )


def test_the_employer_track_adds_125_hours_of_its_own_in_2023_24(ledger: Ledger) -> None:
    employee(ledger)
    vov(ledger, "125", date(2023, 9, 4), "OWN")

    vov(ledger, "125", date(2023, 9, 4), "EMP", track="employer")

    assert usable(ledger, VOV, as_of=date(2023, 9, 4)) == (25000, 0)
    with pytest.raises(CapExceededError, match="on the employer track"):
        vov(ledger, "0.5", date(2023, 9, 5), "EMP-2", track="employer")


def test_the_employer_track_ended_with_school_year_2023_24(ledger: Ledger) -> None:
    employee(ledger)

    with pytest.raises(UnknownTrackError, match=r"vov-hours@2024-09-01 has no such track"):
        vov(ledger, "10", date(2024, 9, 2), "EMP", track="employer")


def test_at_75_percent_the_personal_maximum_is_93_75_hours(ledger: Ledger) -> None:
    employee(ledger, fte="0.75")

    with pytest.raises(CapExceededError) as refused:
        vov(ledger, "93.76", date(2024, 9, 2), "TOO-MUCH")
    vov(ledger, "93.75", date(2024, 9, 2), "JUST-SO")

    assert "125 hours x 75% (employment fraction in Flanders in 2024-03) = 93.75 hours" in str(
        refused.value
    )
    assert usable(ledger, VOV, as_of=date(2024, 9, 2)) == (9375, 0)


def test_from_2023_24_the_fraction_of_march_before_the_school_year_counts(
    ledger: Ledger,
) -> None:
    employee(ledger, fte="0.5", on=date(2022, 1, 3))
    ledger.end_employment(INSZ, EMPLOYER.split(":")[1], date(2023, 6, 1), "end-of-contract")
    ledger.start_employment(INSZ, employed_by(EMPLOYER, date(2023, 6, 1), "1"))

    # 2022-23 counted September 2022 (50%); 2023-24 counts March 2023 (still 50%), not
    # the full time of September 2023.
    with pytest.raises(
        CapExceededError, match=r"x 50% \(employment fraction in Flanders in 2023-03\)"
    ):
        vov(ledger, "63", date(2023, 9, 4), "SEP-2023")
    vov(ledger, "62.5", date(2023, 9, 4), "SEP-2023-OK")


def test_a_use_draws_only_on_the_lots_of_its_own_track(ledger: Ledger) -> None:
    employee(ledger)
    vov(ledger, "40", date(2023, 9, 4), "OWN")
    vov(ledger, "40", date(2023, 9, 4), "EMP", track="employer")

    with pytest.raises(InsufficientBalanceError, match="usable balance of 40 on the own-choice"):
        ledger.use_right(INSZ, VOV, "50", date(2023, 10, 2), "OPL-1", "P", "U-OWN")
    used = ledger.use_right(
        INSZ, VOV, "30", date(2023, 10, 2), "OPL-2", "P", "U-EMP", track="employer"
    )

    account = ledger.get_account(ledger.account_id_for(INSZ))
    assert used.events == ("RightUsed",)
    assert account.lots[f"{EMPLOYER}/EMP"].remaining == 1000
    assert account.lots[f"{EMPLOYER}/OWN"].remaining == 4000


def test_from_2025_26_a_worker_below_80_percent_gets_no_vov(ledger: Ledger) -> None:
    employee(ledger, fte="0.75")

    with pytest.raises(NotEligibleError) as refused:
        vov(ledger, "10", date(2025, 9, 1), "VOV-2025")

    assert "employed 75% in Flanders on 2025-09-01, at least 80% needed" in str(refused.value)
    assert "25 Apr 2025" in str(refused.value)


def test_a_high_qualified_worker_gets_training_vouchers_only_with_a_pop(ledger: Ledger) -> None:
    employee(ledger, education="high")

    with pytest.raises(NotEligibleError, match=r"education high: no POP"):
        ledger.grant_right(INSZ, VOUCHERS, "250", date(2024, 9, 2), FLANDERS, "TV-1")
    ledger.record_fact(INSZ, "pop", None, date(2024, 3, 1))
    granted = ledger.grant_right(INSZ, VOUCHERS, "250", date(2024, 9, 2), FLANDERS, "TV-1")

    assert granted.events == ("RightGranted",)


def test_a_pop_counts_six_years_and_not_after_its_end(ledger: Ledger) -> None:
    employee(ledger, education="high", on=date(2016, 1, 4))
    ledger.record_fact(INSZ, "pop", None, date(2017, 3, 1))
    ledger.record_fact(INSZ, "pop", None, date(2023, 5, 1), until=date(2024, 1, 1))

    # The POP of 2017 counts until 2023-03-01; the one of 2023 ended on 2024-01-01.
    with pytest.raises(NotEligibleError, match="no POP"):
        ledger.grant_right(INSZ, VOUCHERS, "250", date(2024, 9, 2), FLANDERS, "TV-1")


def test_a_later_education_fact_decides_for_the_days_after_it(ledger: Ledger) -> None:
    employee(ledger, education="medium")
    ledger.grant_right(INSZ, VOUCHERS, "250", date(2023, 9, 4), FLANDERS, "TV-2023")
    ledger.record_fact(INSZ, "education", "high", date(2024, 6, 30))

    with pytest.raises(NotEligibleError, match="education high"):
        ledger.grant_right(INSZ, VOUCHERS, "250", date(2024, 9, 2), FLANDERS, "TV-2024")


def test_a_fact_with_a_wrong_value_is_refused_naming_the_rule(ledger: Ledger) -> None:
    employee(ledger)

    with pytest.raises(InvalidInputError, match="expected one of low, medium, high"):
        ledger.record_fact(INSZ, "education", "phd", date(2024, 1, 1))
    with pytest.raises(InvalidInputError, match="a whole number of years"):
        ledger.record_fact(INSZ, "work-experience", "seven", date(2024, 1, 1))
    with pytest.raises(InvalidInputError, match="expected one of education, pop"):
        ledger.record_fact(INSZ, "diploma", "x", date(2024, 1, 1))


def test_eligibility_says_why_not_and_the_personal_maximum(ledger: Ledger) -> None:
    employee(ledger, fte="0.75", education="high")
    vov(ledger, "20", date(2024, 9, 2), "VOV-2024")

    then = {r.right: r for r in ledger.eligibility(INSZ, date(2024, 10, 1), "test").rights}
    later = {r.right: r for r in ledger.eligibility(INSZ, date(2025, 10, 1), "test").rights}

    vov_2024 = then[VOV]
    assert vov_2024.eligible and vov_2024.version == "vov-hours@2024-09-01"
    grants = next(c for c in vov_2024.caps if c.counts == "grants")
    assert (grants.limit.limit, grants.so_far, grants.room) == (9375, 2000, 7375)
    assert not then[VOUCHERS].eligible
    assert "no POP" in then[VOUCHERS].reasons[0]
    assert not later[VOV].eligible
    assert "at least 80% needed" in later[VOV].reasons[0]


def test_the_federal_minimum_is_owed_per_employment_pro_rata_and_refuses_nothing(
    ledger: Ledger,
) -> None:
    second = "employer:0403170701"
    employee(ledger, fte="0.8", on=date(2023, 1, 2))
    ledger.start_employment(INSZ, employed_by(second, date(2024, 7, 1), "0.2"))
    ledger.grant_right(INSZ, "federal-training-days", "2", date(2024, 7, 1), EMPLOYER, "F-A")
    # More than the minimum is the employer's right: not refused.
    ledger.grant_right(INSZ, "federal-training-days", "3", date(2024, 7, 2), second, "F-B")

    report = ledger.eligibility(INSZ, date(2024, 10, 1), "test")
    federal = next(r for r in report.rights if r.right == "federal-training-days")
    owed = {m.employer: m for m in federal.minimums}

    first = owed[EMPLOYER.split(":")[1]]
    assert first.computation == "5 days x 80% x 366/366 days of 2024 = 4 days"
    assert (first.owed, first.granted, first.short) == (400, 200, 200)
    later = owed[second.split(":")[1]]
    assert later.computation == "5 days x 20% x 184/366 days of 2024 = 0.5 days"
    assert (later.owed, later.granted, later.short) == (50, 300, 0)


def test_the_mtech_career_account_is_granted_by_mtech_only_to_its_joint_committees(
    ledger: Ledger,
) -> None:
    metal = "employer:0403170701"
    employee(ledger, on=date(2023, 1, 2))  # PC 200: not the metal sector
    scheme = "mtech-career-account"

    with pytest.raises(NoEmploymentError, match="serves joint committees 111, 209"):
        ledger.grant_right(INSZ, scheme, "1000", date(2024, 1, 8), "sector-fund:mtech-plus", "M1")
    before = {r.right: r for r in ledger.eligibility(INSZ, date(2024, 1, 8), "t").rights}
    assert "no running employment in joint committee 111, 209" in before[scheme].reasons[0]
    ledger.start_employment(INSZ, employed_by(metal, date(2024, 2, 1), "1", "209"))
    after = {r.right: r for r in ledger.eligibility(INSZ, date(2024, 2, 5), "t").rights}
    assert after[scheme].eligible
    with pytest.raises(SourceNotAllowedError, match="the scheme of mtech-plus"):
        ledger.grant_right(INSZ, scheme, "1000", date(2024, 2, 5), "sector-fund:cevora", "C1")
    with pytest.raises(CapExceededError, match="EUR 1,000 per calendar year"):
        ledger.grant_right(
            INSZ, scheme, "1000.01", date(2024, 2, 5), "sector-fund:mtech-plus", "M2"
        )
    granted = ledger.grant_right(
        INSZ, scheme, "1000", date(2024, 2, 5), "sector-fund:mtech-plus", "M3"
    )

    lot = ledger.get_account(ledger.account_id_for(INSZ)).lots["sector-fund:mtech-plus/M3"]
    assert granted.events == ("RightGranted",)
    assert (lot.amount, lot.expires_on) == (100000, date(2025, 1, 1))  # cents; per year


def test_the_overview_shows_rights_without_a_balance_with_the_fact_that_entitles(
    ledger: Ledger,
) -> None:
    employee(ledger, on=date(2023, 1, 2))
    kbo = EMPLOYER.split(":")[1]
    ledger.suspend_employment(INSZ, kbo, date(2024, 2, 1), date(2024, 8, 1), "time-credit")
    ledger.end_employment(INSZ, kbo, date(2024, 9, 2), "dismissal")
    ledger.change_situation(INSZ, "jobseeker", date(2024, 9, 2), True)

    in_spring = {s.code: s for s in ledger.eligibility(INSZ, date(2024, 3, 1), "t").status_rights}
    in_autumn = {s.code: s for s in ledger.eligibility(INSZ, date(2024, 10, 1), "t").status_rights}

    credit = in_spring["flemish-training-credit"]
    assert (credit.entitled, credit.since, credit.until) == (
        True, date(2024, 2, 1), date(2024, 8, 1)
    )  # fmt: skip
    assert not in_spring["adult-education-tuition-exemption"].entitled
    exemption = in_autumn["adult-education-tuition-exemption"]
    assert (exemption.entitled, exemption.since, exemption.until) == (True, date(2024, 9, 2), None)
    assert exemption.fact == "situation jobseeker since 2024-09-02"
    assert "art. 109" in exemption.basis and "CVO-attest" in exemption.proof
    assert not in_autumn["flemish-training-credit"].entitled


def test_vouchers_bought_from_september_2020_follow_the_regime_of_that_date(
    ledger: Ledger,
) -> None:
    employee(ledger, on=date(2019, 9, 2))
    ledger.grant_right(INSZ, VOUCHERS, "250", date(2020, 8, 31), FLANDERS, "TV-2019-20")
    ledger.grant_right(INSZ, VOUCHERS, "250", date(2020, 9, 1), FLANDERS, "TV-2020-21")

    lots = ledger.get_account(ledger.account_id_for(INSZ)).lots
    assert lots[f"{FLANDERS}/TV-2019-20"].rule_version == "training-vouchers@2019-09-01+c2"
    assert lots[f"{FLANDERS}/TV-2020-21"].rule_version == "training-vouchers@2020-09-01"
    version = ledger.catalogue.rule("training-vouchers@2020-09-01")
    assert "for a named training" in version.summary and "refunded" in version.summary


def test_the_loopbaankrediet_gives_six_hours_in_six_years_after_seven_years_of_work(
    ledger: Ledger,
) -> None:
    employee(ledger, on=date(2026, 6, 1))
    with pytest.raises(NotEligibleError, match="no work-experience fact"):
        ledger.grant_right(INSZ, "career-credit", "6", date(2027, 1, 4), FLANDERS, "LK-1")
    ledger.record_fact(INSZ, "work-experience", "9", date(2026, 12, 1))

    ledger.grant_right(INSZ, "career-credit", "6", date(2027, 1, 4), FLANDERS, "LK-1")
    with pytest.raises(CapExceededError, match="any 6 years"):
        ledger.grant_right(INSZ, "career-credit", "1", date(2031, 1, 6), FLANDERS, "LK-2")
    with pytest.raises(CapExceededError, match="a lifetime"):
        ledger.grant_right(INSZ, "career-vouchers", "1", date(2027, 1, 4), FLANDERS, "CV-1")


def test_a_late_grant_that_takes_a_later_one_over_its_track_maximum_is_refused(
    ledger: Ledger,
) -> None:
    employee(ledger, on=date(2023, 1, 2))
    vov(ledger, "100", date(2024, 10, 1), "VOV-OCT")

    with pytest.raises(LateFactConflictError) as refused:
        vov(ledger, "50", date(2024, 9, 5), "VOV-SEP-LATE")

    assert "event 2 (2024-10-01, RightGranted)" in str(refused.value)
    assert "grants on the own-choice track at most 125" in str(refused.value)
    assert usable(ledger, VOV, as_of=date(2024, 10, 1)) == (10000, 0)


def test_a_late_fact_that_leaves_a_later_vov_grant_below_50_percent_is_refused(
    ledger: Ledger,
) -> None:
    second = "employer:0403170701"
    employee(ledger, on=date(2023, 1, 2))
    ledger.start_employment(INSZ, employed_by(second, date(2024, 9, 2), "0.3"))
    ledger.grant_right(INSZ, VOV, "20", date(2024, 10, 1), second, "VOV-B")

    with pytest.raises(LateFactConflictError, match="employed 30% in Flanders on 2024-10-01"):
        ledger.end_employment(INSZ, EMPLOYER.split(":")[1], date(2024, 9, 16), "resignation")
