"""Careers as they run, through the Ledger on every backend: employments at several
employers, a change of employer, situations beside employment, and the rights bound to an
employment (CORRECTIONS: employer A's federal days are not usable at employer B)."""

from __future__ import annotations

from datetime import date

import pytest

from ledger.application import Ledger
from ledger.domain.command import Result
from ledger.domain.errors import (
    AccountAlreadyOpenError,
    CareerFactError,
    InsufficientBalanceError,
    InvalidInputError,
    NoEmploymentError,
    ReferenceConflictError,
)
from ledger.parsing import employment_of
from tests.builders import (
    EMPLOYER,
    FED_DAYS,
    FUND,
    INSZ,
    OTHER_EMPLOYER,
    START,
    VOV,
    employed_by,
    event_names,
    open_employee,
    stored_state,
    usable,
)

A, B = EMPLOYER.removeprefix("employer:"), OTHER_EMPLOYER.removeprefix("employer:")
MOVE = date(2025, 2, 3)
MTECH = "sector-fund:mtech-plus"


def lots_of(ledger: Ledger, right: str) -> dict[str, tuple[int, str]]:
    """Each lot of ``right``: what is left and its state."""
    report = ledger.balance(INSZ, reason="test")
    return {
        lot.lot: (lot.remaining, lot.state)
        for balance in report.rights
        if balance.right == right
        for lot in balance.lots
    }


def test_a_change_of_employer_without_a_gap_ends_the_old_employment_s_rights_only(
    ledger: Ledger,
) -> None:
    open_employee(ledger)
    ledger.grant_right(INSZ, VOV, 40, START, EMPLOYER, "VOV-A")
    # (Within the federal cap of 5 days a year, which counts every employer's grants.)
    ledger.grant_right(INSZ, FED_DAYS, 1, date(2025, 1, 6), EMPLOYER, "FED-A")

    ended = ledger.end_employment(INSZ, A, MOVE, "resignation")
    ledger.start_employment(INSZ, employed_by(OTHER_EMPLOYER, MOVE))
    ledger.grant_right(INSZ, FED_DAYS, 4, MOVE, OTHER_EMPLOYER, "FED-B")

    assert ended.events == ("EmploymentEnded", "RightForfeited", "RightForfeited")
    assert usable(ledger, VOV) == (0, 0)
    assert lots_of(ledger, FED_DAYS) == {f"{OTHER_EMPLOYER}/FED-B": (4, "usable")}
    explanation = ledger.explain(INSZ, FED_DAYS, reason="test")
    assert explanation.totals["forfeited"] == 1 and explanation.balanced
    forfeit = explanation.steps[1].text
    assert "resignation at " + A in forfeit and "legal basis" in forfeit


def test_the_end_of_one_part_time_job_leaves_the_other_job_s_lots_untouched(
    ledger: Ledger,
) -> None:
    ledger.open_account(INSZ, "employee", START, employment=employed_by(EMPLOYER, fte="0.5"))
    ledger.start_employment(INSZ, employed_by(OTHER_EMPLOYER, START, fte="0.5"))
    ledger.grant_right(INSZ, FED_DAYS, 2, date(2025, 1, 6), EMPLOYER, "FED-A")
    ledger.grant_right(INSZ, FED_DAYS, 3, date(2025, 1, 6), OTHER_EMPLOYER, "FED-B")

    ended = ledger.end_employment(INSZ, A, MOVE, "dismissal")

    assert ended.events == ("EmploymentEnded", "RightForfeited")  # A's lot only
    assert usable(ledger, FED_DAYS) == (3, 0)
    assert ledger.career(INSZ, reason="test").statuses == ("employee",)


def test_a_use_draws_only_on_the_lots_of_running_employments_or_the_employer_named(
    ledger: Ledger,
) -> None:
    open_employee(ledger)
    ledger.start_employment(INSZ, employed_by(OTHER_EMPLOYER, START, fte="0.5"))
    ledger.grant_right(INSZ, FED_DAYS, 2, date(2025, 1, 6), EMPLOYER, "FED-A")
    ledger.grant_right(INSZ, FED_DAYS, 3, date(2025, 1, 6), OTHER_EMPLOYER, "FED-B")
    on = date(2025, 1, 20)

    ledger.use_right(INSZ, FED_DAYS, 3, on, "T-1", "P-1", "U-B", employer=B)

    assert lots_of(ledger, FED_DAYS) == {f"{EMPLOYER}/FED-A": (2, "usable")}  # B's drawn
    with pytest.raises(InsufficientBalanceError, match=f"at employer {B}"):
        ledger.use_right(INSZ, FED_DAYS, 1, on, "T-1", "P-1", "U-B2", employer=B)
    with pytest.raises(NoEmploymentError, match="--employer 0202239951"):
        ledger.use_right(INSZ, FED_DAYS, 1, on, "T-1", "P-1", "U-C", employer="0202239951")


def test_an_employer_grants_only_during_an_employment_with_the_citizen(ledger: Ledger) -> None:
    open_employee(ledger)
    before = stored_state(ledger)

    with pytest.raises(NoEmploymentError, match=f"employer {B} has no running employment"):
        ledger.grant_right(INSZ, FED_DAYS, 2, date(2025, 1, 6), OTHER_EMPLOYER, "FED-B")

    assert stored_state(ledger) == before


@pytest.mark.parametrize(
    ("committee", "fund", "granted"),
    [("200", FUND, True), ("111", FUND, False), ("111", MTECH, True), ("200", MTECH, False)],
)
def test_a_sector_fund_grants_only_in_its_joint_committees(
    ledger: Ledger, committee: str, fund: str, granted: bool
) -> None:
    ledger.open_account(
        INSZ, "employee", START, employment=employed_by(EMPLOYER, joint_committee=committee)
    )

    def grant() -> object:
        return ledger.grant_right(INSZ, "sector-training-hours", 8, START, fund, "S-1")

    if granted:
        grant()
        assert usable(ledger, "sector-training-hours") == (8, 0)
    else:
        with pytest.raises(NoEmploymentError, match="joint committees"):
            grant()


def test_an_employee_may_also_be_self_employed_on_the_side_and_keeps_what_either_keeps(
    ledger: Ledger,
) -> None:
    open_employee(ledger)
    ledger.grant_right(INSZ, "training-vouchers", 25000, START, "flemish-government", "TV")
    ledger.grant_right(INSZ, "sector-training-hours", 8, START, FUND, "S-1")

    side = ledger.change_situation(INSZ, "self-employed-side", date(2024, 10, 1), starts=True)
    ended = ledger.end_employment(INSZ, A, MOVE, "resignation")

    # The employment goes on; the lots that follow the citizen are carried into both.
    assert side.events == ("SituationStarted", "RightTransferred", "RightTransferred")
    # With the side job only: the vouchers are carried (a worker with a self-employed side
    # job qualifies, training-vouchers@2020-09-01), the sector fund's hours suspended (they
    # follow employment in its joint committee).
    assert ended.events == ("EmploymentEnded", "RightTransferred", "RightSuspended")
    assert ledger.career(INSZ, reason="test").statuses == ("self-employed-side",)
    assert usable(ledger, "training-vouchers", as_of=MOVE) == (25000, 0)
    assert usable(ledger, "sector-training-hours", as_of=MOVE) == (0, 8)


def test_a_suspended_contract_stays_an_employment_and_its_lots_stay_usable(
    ledger: Ledger,
) -> None:
    open_employee(ledger)
    ledger.grant_right(INSZ, FED_DAYS, 5, date(2025, 1, 6), EMPLOYER, "FED-A")

    paused = ledger.suspend_employment(
        INSZ, A, date(2025, 2, 1), date(2025, 5, 1), "parental-leave"
    )

    assert paused.events == ("EmploymentSuspended",)
    assert usable(ledger, FED_DAYS) == (5, 0)
    [employment] = ledger.career(INSZ, reason="test").employments
    assert employment.suspensions == [[date(2025, 2, 1), date(2025, 5, 1), "parental-leave"]]
    with pytest.raises(CareerFactError, match="already suspended"):
        ledger.suspend_employment(INSZ, A, date(2025, 3, 1), date(2025, 4, 1), "sickness")


def test_career_facts_that_contradict_the_career_are_refused_and_change_nothing(
    ledger: Ledger,
) -> None:
    open_employee(ledger)
    before = stored_state(ledger)
    refusals = [
        (lambda: ledger.start_employment(INSZ, employed_by(EMPLOYER, MOVE)), "already employs"),
        (lambda: ledger.end_employment(INSZ, B, MOVE, "resignation"), "no running employment"),
        (lambda: ledger.end_employment(INSZ, A, START, "resignation"), "a later date only"),
        (lambda: ledger.end_employment(INSZ, A, MOVE, "fired"), "--reason 'fired'"),
        (lambda: ledger.change_situation(INSZ, "jobseeker", MOVE, starts=False), "not jobseeker"),
        (lambda: ledger.change_situation(INSZ, "employee", MOVE, starts=True), "situations are"),
        (
            lambda: ledger.suspend_employment(INSZ, A, MOVE, MOVE, "sickness"),
            "must be after --from",
        ),
    ]

    for command, words in refusals:
        with pytest.raises((CareerFactError, InvalidInputError), match=words):
            command()

    assert stored_state(ledger) == before


def test_a_career_fact_sent_again_is_recognised_by_its_reference(ledger: Ledger) -> None:
    open_employee(ledger)
    start = employed_by(OTHER_EMPLOYER, MOVE)

    first = ledger.start_employment(INSZ, start, FUND, "DIM-1")
    again = ledger.start_employment(INSZ, start, FUND, "DIM-1")

    assert (first.result, again.result) == (Result.APPLIED, Result.EXISTS)
    other = employment_of(B, MOVE, fte="0.5")
    with pytest.raises(ReferenceConflictError):
        ledger.start_employment(INSZ, other, FUND, "DIM-1")


def test_an_account_opened_with_an_employer_remembers_it(ledger: Ledger) -> None:
    employment = employed_by(EMPLOYER, fte="0.8")

    first = ledger.open_account(INSZ, "employee", START, employment=employment)
    again = ledger.open_account(INSZ, "employee", START, employment=employment)

    assert (first.result, again.result) == (Result.APPLIED, Result.EXISTS)
    with pytest.raises(AccountAlreadyOpenError):
        ledger.open_account(INSZ, "employee", START, employment=employed_by(OTHER_EMPLOYER))
    [recorded] = ledger.career(INSZ, reason="test").employments
    assert (recorded.employer, recorded.fte, recorded.joint_committee) == (A, 80, "200")


def test_the_career_as_of_a_date_shows_the_career_then(ledger: Ledger) -> None:
    open_employee(ledger)
    ledger.end_employment(INSZ, A, MOVE, "end-of-contract")
    ledger.change_situation(INSZ, "jobseeker", MOVE, starts=True)

    then = ledger.career(INSZ, as_of=date(2025, 1, 1), reason="citizen asked")
    now = ledger.career(INSZ, reason="citizen asked")

    assert (then.statuses, [e.end for e in then.employments]) == (("employee",), [None])
    assert (now.statuses, [e.end for e in now.employments]) == (("jobseeker",), [MOVE])
    assert event_names(ledger.history(INSZ))[-2:] == ["EmploymentEnded", "SituationStarted"]
