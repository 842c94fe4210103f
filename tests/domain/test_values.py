"""Public value: lots times the value of their own rule version, exact to the cent."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from ledger.domain.catalogue import Catalogue, PublicValue
from ledger.domain.lots import LotState
from ledger.domain.values import exact_value, public_value, round_half_up
from ledger.domain.views import LotView, RightBalance
from tests.domain.support import CATALOGUE, FED_DAYS, SECTOR, VOUCHERS, VOV

VOV_2021 = "vov-hours@2021-09-01"
VOV_2025 = "vov-hours@2025-09-01"
SECTOR_2023 = "sector-training-hours@2023-01-01"


def lot(version: str, remaining: int, state: str = LotState.USABLE, n: int = 1) -> LotView:
    return LotView(
        lot=f"lot-{n}",
        source="flemish-government",
        grant_ref=f"REF-{n}",
        amount=remaining,
        remaining=remaining,
        valid_from=date(2024, 9, 1),
        expires_on=None,
        state=state,
        rule_version=version,
    )


def balance(right: str, *lots: LotView) -> RightBalance:
    usable = sum(x.remaining for x in lots if x.state == LotState.USABLE)
    suspended = sum(x.remaining for x in lots if x.state == LotState.SUSPENDED)
    unit = CATALOGUE.right(right).unit.value
    return RightBalance(right, unit, usable, suspended, lots)


def valued(version_id: str, cents_per_unit: int | None) -> Catalogue:
    """The shipped catalogue with one version's public value set (or taken away)."""
    right = CATALOGUE.rule(version_id).right
    value = None if cents_per_unit is None else PublicValue(cents_per_unit, "test basis")
    versions = tuple(
        replace(v, public_value=value) if v.id == version_id else v
        for v in CATALOGUE.right(right).versions
    )
    rights = dict(CATALOGUE.rights) | {right: replace(CATALOGUE.right(right), versions=versions)}
    return Catalogue(rights, CATALOGUE.sector_funds, CATALOGUE.exclusions)


def test_93_75_hours_at_eur_21_30_an_hour_are_worth_eur_1996_88() -> None:
    value = public_value([balance(VOV, lot(VOV_2021, 9375))], CATALOGUE)

    assert value.rights[0].lots[0].cents == 199_688  # 1,996.875 rounded half up
    assert value.rights[0].cents is not None and value.rights[0].cents.usable == 199_688
    assert value.totals.cents.usable == 199_688


def test_an_exact_half_cent_rounds_up_and_less_rounds_down() -> None:
    assert exact_value(1, "hours", 50) == 50  # 0.01 h at EUR 0.50 = half a cent
    assert round_half_up(exact_value(1, "hours", 50)) == 1
    assert round_half_up(exact_value(1, "hours", 49)) == 0
    assert round_half_up(exact_value(3, "vouchers", 64_000)) == 192_000


def test_a_right_is_rounded_once_from_the_exact_sum_of_its_lots() -> None:
    catalogue = valued(VOV_2021, 50)
    lots = (lot(VOV_2021, 1, n=1), lot(VOV_2021, 1, n=2))  # half a cent each

    value = public_value([balance(VOV, *lots)], catalogue).rights[0]

    assert [x.cents for x in value.lots] == [1, 1]
    assert value.cents is not None and value.cents.usable == 1


def test_the_total_is_rounded_once_from_the_exact_sum_over_the_rights() -> None:
    catalogue = valued(SECTOR_2023, 50)
    catalogue = replace(
        catalogue, rights=dict(catalogue.rights) | {VOV: valued(VOV_2021, 50).right(VOV)}
    )
    balances = [balance(VOV, lot(VOV_2021, 1)), balance(SECTOR, lot(SECTOR_2023, 1))]

    value = public_value(balances, catalogue)

    assert [r.cents.usable for r in value.rights if r.cents is not None] == [1, 1]
    assert value.totals.cents.usable == 1


def test_each_lot_is_valued_by_the_version_it_was_granted_under() -> None:
    lots = (lot(VOV_2021, 1000, n=1), lot(VOV_2025, 1000, n=2))  # 10 h each

    value = public_value([balance(VOV, *lots)], CATALOGUE).rights[0]

    assert [(x.cents_per_unit, x.cents) for x in value.lots] == [(2130, 21_300), (1491, 14_910)]
    assert value.cents is not None and value.cents.usable == 36_210


def test_a_euro_right_is_worth_its_public_share() -> None:
    version = CATALOGUE.right(VOUCHERS).version_on(date(2024, 9, 1)).id

    value = public_value([balance(VOUCHERS, lot(version, 25_000))], CATALOGUE)

    assert value.totals.cents.usable == 12_500  # half of EUR 250


def test_usable_and_suspended_lots_are_valued_apart() -> None:
    lots = (lot(VOV_2021, 1000, n=1), lot(VOV_2021, 250, LotState.SUSPENDED, n=2))

    value = public_value([balance(VOV, *lots)], CATALOGUE)

    assert value.rights[0].cents is not None
    assert (value.rights[0].cents.usable, value.rights[0].cents.suspended) == (21_300, 5_325)
    assert (value.totals.cents.usable, value.totals.cents.suspended) == (21_300, 5_325)


def test_a_right_without_a_public_value_is_unknown_not_zero() -> None:
    days = CATALOGUE.right(FED_DAYS).version_on(date(2024, 9, 1)).id
    balances = [balance(FED_DAYS, lot(days, 250)), balance(VOV, lot(VOV_2021, 100))]

    value = public_value(balances, CATALOGUE)

    assert value.rights[0].cents is None
    assert value.rights[0].without_value.usable == 250
    assert value.rights[0].lots[0].cents is None
    assert value.totals.cents.usable == 2130
    assert value.totals.rights_without_value == (FED_DAYS,)


def test_a_right_valued_in_part_counts_the_rest_apart() -> None:
    catalogue = valued(VOV_2025, None)
    lots = (lot(VOV_2021, 1000, n=1), lot(VOV_2025, 500, n=2))

    value = public_value([balance(VOV, *lots)], catalogue)

    assert value.rights[0].cents is not None and value.rights[0].cents.usable == 21_300
    assert value.rights[0].without_value.usable == 500
    assert value.totals.rights_without_value == (VOV,)


def test_a_right_with_no_open_lot_is_worth_nothing_rather_than_unknown() -> None:
    value = public_value([balance(FED_DAYS)], CATALOGUE)

    assert value.rights[0].cents is not None and value.rights[0].cents.usable == 0
    assert value.totals.rights_without_value == ()


def test_the_totals_keep_hours_days_euros_and_vouchers_apart() -> None:
    days = CATALOGUE.right(FED_DAYS).version_on(date(2024, 9, 1)).id
    vouchers = CATALOGUE.right(VOUCHERS).version_on(date(2024, 9, 1)).id
    balances = [
        balance(FED_DAYS, lot(days, 250)),
        balance(SECTOR, lot(SECTOR_2023, 1000)),
        balance(VOUCHERS, lot(vouchers, 25_000)),
        balance(VOV, lot(VOV_2021, 9375), lot(VOV_2021, 500, LotState.SUSPENDED, n=2)),
    ]

    totals = public_value(balances, CATALOGUE).totals

    assert {unit: (s.usable, s.suspended) for unit, s in totals.by_unit.items()} == {
        "hours": (9375 + 1000, 500),
        "days": (250, 0),
        "euro": (25_000, 0),
        "vouchers": (0, 0),
    }
    assert (totals.cents.usable, totals.cents.suspended) == (199_688 + 12_500, 10_650)
    assert totals.rights_without_value == (FED_DAYS, SECTOR)
