"""The registry's streams without a database: history kept, each command idempotent."""

from __future__ import annotations

from datetime import date

import pytest

from ledger.domain.command import Result
from ledger.domain.registry import (
    NotRegisteredError,
    Recognition,
    RegistryConflictError,
    RegistryError,
)
from ledger.domain.registry_streams import Listing, Provider, Training, check_listing
from tests.registry.support import FROM, KBO, NAME, VOUCHERS, VOV


def provider() -> Provider:
    registered = Provider.register(KBO, NAME, False, None, FROM, "test")
    registered.recognise(Recognition(VOV, FROM, None), "test")
    return registered


def listing(rights: tuple[str, ...] = (VOV,), start: date = date(2024, 2, 1)) -> Listing:
    return Listing("OPL-7", KBO, "Welding", "labour-market", 4000, rights, start, None)


def test_a_provider_recognised_for_a_further_right_keeps_the_first() -> None:
    held = provider()

    result = held.recognise(Recognition(VOUCHERS, date(2025, 1, 1), None), "test")

    assert result is Result.APPLIED
    assert [r.right for r in held.recognitions] == [VOV, VOUCHERS]


def test_an_open_recognition_is_given_an_end_by_the_same_start_with_an_until() -> None:
    held = provider()

    held.recognise(Recognition(VOV, FROM, date(2025, 12, 31)), "test")

    assert held.recognitions == [Recognition(VOV, FROM, date(2025, 12, 31))]
    assert [type(e).__name__ for e in held.collect_events()][-1] == "RecognitionEnded"


def test_the_same_recognition_again_changes_nothing() -> None:
    held = provider()
    held.collect_events()

    assert held.recognise(Recognition(VOV, FROM, None), "test") is Result.EXISTS
    assert held.collect_events() == []


def test_an_overlapping_recognition_of_the_same_right_is_a_conflict() -> None:
    with pytest.raises(RegistryConflictError, match="overlaps the one held from 2024-01-01"):
        provider().recognise(Recognition(VOV, date(2024, 6, 1), None), "test")


def test_a_revoked_provider_is_not_recognised_again() -> None:
    held = provider()
    held.revoke(date(2025, 1, 1), "audit failed", "test")

    with pytest.raises(RegistryConflictError, match="revoked on 2025-01-01"):
        held.recognise(Recognition(VOUCHERS, date(2026, 1, 1), None), "test")


def test_a_revocation_before_the_first_recognition_is_refused() -> None:
    with pytest.raises(RegistryError, match="before its first recognition, from 2024-01-01"):
        provider().revoke(date(2023, 12, 31), "too early", "test")


def test_a_second_revocation_on_another_date_is_a_conflict_and_the_same_one_exists() -> None:
    held = provider()
    held.revoke(date(2025, 1, 1), "audit failed", "test")

    assert held.revoke(date(2025, 1, 1), "audit failed", "test") is Result.EXISTS
    with pytest.raises(RegistryConflictError, match="already revoked on 2025-01-01"):
        held.revoke(date(2025, 2, 1), "audit failed", "test")


def test_a_training_needs_its_provider_recognised_for_each_right_on_its_first_day() -> None:
    with pytest.raises(RegistryError, match=f"not recognised for {VOUCHERS} on 2024-02-01"):
        check_listing(listing((VOV, VOUCHERS)), provider())


def test_a_training_of_an_unregistered_provider_is_refused() -> None:
    with pytest.raises(NotRegisteredError, match=f"no provider {KBO} is registered"):
        check_listing(listing(), None)


def test_a_training_of_a_revoked_provider_is_refused() -> None:
    held = provider()
    held.revoke(date(2024, 1, 15), "audit failed", "test")

    with pytest.raises(RegistryError, match="revoked on 2024-01-15"):
        check_listing(listing(), held)


def test_a_delisting_before_the_registration_is_refused() -> None:
    training = Training.register(listing(), "test")

    with pytest.raises(RegistryError, match="before its registration, from 2024-02-01"):
        training.delist(date(2024, 1, 31), "test")


def test_a_training_registered_again_with_other_content_names_what_differs() -> None:
    training = Training.register(listing(), "test")
    other = Listing("OPL-7", KBO, "Soldering", "labour-market", 4000, (VOV,), FROM, None)

    with pytest.raises(RegistryConflictError, match="title 'Welding' \\(given 'Soldering'\\)"):
        training.check_same(other)


def test_the_offer_of_a_training_carries_its_provider_s_facts() -> None:
    held = provider()
    offer = Training.register(listing(), "test").offer(held)

    assert (offer.provider, offer.provider_name, offer.rights) == (KBO, NAME, frozenset({VOV}))
    assert offer.refusal(VOV, date(2024, 3, 1)) is None
