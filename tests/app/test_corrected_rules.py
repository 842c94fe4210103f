"""The rules corrected by corrigenda, through the Ledger on every backend (issue 12)."""

from __future__ import annotations

from datetime import date

import pytest

from ledger.application import Ledger
from ledger.domain.errors import CapExceededError, DoubleFundingError
from tests.builders import EMPLOYER, FED_DAYS, FLANDERS, INSZ, VOV, employed_by, usable


def employed_since_2022(ledger: Ledger) -> None:
    start = date(2022, 1, 3)
    ledger.open_account(INSZ, "employee", start, employment=employed_by(EMPLOYER, start))


def test_three_federal_days_for_2022_are_refused_as_there_was_no_individual_right(
    ledger: Ledger,
) -> None:
    employed_since_2022(ledger)

    with pytest.raises(CapExceededError, match="no individual right before 2023"):
        ledger.grant_right(INSZ, FED_DAYS, "3", date(2022, 3, 1), EMPLOYER, "FED-2022")


def test_an_employer_may_grant_more_federal_days_than_the_minimum(ledger: Ledger) -> None:
    employed_since_2022(ledger)

    ledger.grant_right(INSZ, FED_DAYS, "5", date(2024, 1, 15), EMPLOYER, "FED-2024")
    more = ledger.grant_right(INSZ, FED_DAYS, "1.5", date(2024, 6, 3), EMPLOYER, "FED-2024-B")

    assert more.events == ("RightGranted",)
    assert usable(ledger, FED_DAYS) == (650, 0)  # hundredths of a day
    lot = ledger.get_account(ledger.account_id_for(INSZ)).lots[f"{EMPLOYER}/FED-2024-B"]
    assert lot.rule_version == "federal-training-days@2024-01-01+c1"


def test_one_training_is_not_funded_by_vov_hours_and_federal_days_at_once(
    ledger: Ledger,
) -> None:
    employed_since_2022(ledger)
    ledger.grant_right(INSZ, VOV, "40", date(2024, 9, 2), EMPLOYER, "VOV")
    ledger.grant_right(INSZ, FED_DAYS, "5", date(2024, 9, 2), EMPLOYER, "FED")
    first = ledger.use_right(INSZ, VOV, "8", date(2024, 10, 1), "OPL-1", "P", "U-VOV")

    with pytest.raises(DoubleFundingError) as refused:
        ledger.use_right(INSZ, FED_DAYS, "1", date(2024, 10, 2), "OPL-1", "P", "U-FED")

    assert f"already funded by vov-hours (event {first.account_version}, 2024-10-01)" in str(
        refused.value
    )
    ledger.use_right(INSZ, FED_DAYS, "1", date(2024, 10, 2), "OPL-2", "P", "U-FED-2")
    ledger.reverse_entry(
        INSZ, first.account_version, "funded by the federal days instead", date(2024, 10, 3)
    )
    again = ledger.use_right(INSZ, FED_DAYS, "1", date(2024, 10, 3), "OPL-1", "P", "U-FED")
    assert again.events == ("RightUsed",)


def test_a_civil_servant_may_use_training_vouchers(ledger: Ledger) -> None:
    ledger.open_account(INSZ, "civil-servant", date(2024, 9, 1))
    ledger.grant_right(INSZ, "training-vouchers", "250", date(2024, 9, 2), FLANDERS, "TV")

    used = ledger.use_right(INSZ, "training-vouchers", "100", date(2024, 10, 1), "T", "P", "U")

    assert used.events == ("RightUsed",)
    assert usable(ledger, "training-vouchers") == (15000, 0)  # cents
