"""``TrainingOffer.refusal``: the registry fact that refuses a use or booking, or None.

Domain only: no database.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from ledger.domain.registry import Recognition, TrainingOffer

PREFIX = "training OPL-7 at provider 0403170701 (Syntra West): "
OFFER = TrainingOffer(
    code="OPL-7",
    title="Welding",
    provider="0403170701",
    provider_name="Syntra West",
    provider_public=False,
    classification="labour-market",
    rights=frozenset({"training-vouchers", "vov-hours"}),
    listed_from=date(2024, 2, 1),
    listed_until=date(2027, 12, 31),
    delisted_on=None,
    recognitions=(
        Recognition("training-vouchers", date(2027, 1, 1), None),
        Recognition("vov-hours", date(2024, 1, 1), date(2026, 12, 31)),
    ),
    revoked_on=None,
)


def test_a_use_within_every_period_is_allowed() -> None:
    assert OFFER.refusal("vov-hours", date(2025, 3, 1)) is None


def test_a_right_the_training_does_not_qualify_for_is_refused_naming_its_rights() -> None:
    assert OFFER.refusal("career-vouchers", date(2025, 3, 1)) == (
        PREFIX + "is not eligible for career-vouchers (its rights: training-vouchers, vov-hours)"
    )


def test_a_start_before_the_training_is_registered_is_refused() -> None:
    assert OFFER.refusal("vov-hours", date(2024, 1, 15)) == (
        PREFIX + "is not registered until 2024-02-01, so not for vov-hours on 2024-01-15"
    )


def test_a_start_after_the_training_s_last_day_is_refused() -> None:
    assert OFFER.refusal("training-vouchers", date(2028, 1, 1)) == (
        PREFIX + "was registered until 2027-12-31, so not for training-vouchers on 2028-01-01"
    )


def test_a_provider_not_yet_recognised_for_the_right_is_refused_with_when_it_will_be() -> None:
    assert OFFER.refusal("training-vouchers", date(2026, 10, 7)) == (
        PREFIX + "not recognised for training-vouchers on 2026-10-07 "
        "(recognised for it from 2027-01-01)"
    )


def test_a_start_after_the_recognition_ended_is_refused() -> None:
    assert OFFER.refusal("vov-hours", date(2027, 1, 1)) == (
        PREFIX + "not recognised for vov-hours on 2027-01-01 "
        "(recognised for it from 2024-01-01 until 2026-12-31)"
    )


def test_the_last_day_of_a_recognition_is_still_recognised() -> None:
    assert OFFER.refusal("vov-hours", date(2026, 12, 31)) is None


def test_a_start_on_or_after_the_delisting_is_refused() -> None:
    delisted = replace(OFFER, delisted_on=date(2025, 9, 30))

    assert delisted.refusal("vov-hours", date(2025, 9, 30)) == (
        PREFIX + "was delisted on 2025-09-30, so not for vov-hours on 2025-09-30"
    )


def test_a_training_started_before_its_delisting_may_be_finished() -> None:
    delisted = replace(OFFER, delisted_on=date(2025, 9, 30))

    assert delisted.refusal("vov-hours", date(2025, 9, 29)) is None


def test_a_start_on_or_after_the_provider_s_revocation_is_refused_for_every_right() -> None:
    revoked = replace(OFFER, revoked_on=date(2025, 6, 1))

    assert revoked.refusal("vov-hours", date(2025, 6, 1)) == (
        PREFIX + "the provider's recognition was revoked on 2025-06-01, so not for vov-hours "
        "on 2025-06-01"
    )
    assert revoked.refusal("vov-hours", date(2025, 5, 31)) is None


@pytest.mark.parametrize("right", ["career-vouchers", "vov-hours"])
def test_a_provider_never_recognised_for_a_right_says_so(right: str) -> None:
    offer = replace(OFFER, rights=frozenset({right}), recognitions=())

    assert offer.refusal(right, date(2025, 1, 1)) == (
        PREFIX + f"not recognised for {right} on 2025-01-01 (never recognised for it)"
    )
