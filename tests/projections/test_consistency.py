"""The projected balances equal the balances computed from the event streams."""

from __future__ import annotations

import pytest

from ledger.projections.consistency import check_consistency
from ledger.projections.runner import catch_up_all
from ledger.store.read_models.opening import opened
from tests.builders import EMPLOYER, LOW, crowd, script_history
from tests.stores import Store


@pytest.fixture
def projected(store: Store) -> Store:
    script_history(store.ledger)
    crowd(store.ledger, 5)
    catch_up_all(store.ledger)
    return store


def damage(store: Store, sql: str) -> None:
    with opened(store.settings.store_env()) as db, db.transaction():
        db.execute(sql)


def test_balances_projected_from_the_events_are_consistent(projected: Store) -> None:
    assert check_consistency(projected.ledger) == []


def test_events_not_yet_projected_are_projected_before_the_check(projected: Store) -> None:
    crowd(projected.ledger, 3, start=50)

    assert check_consistency(projected.ledger) == []


def test_a_changed_remaining_amount_is_found(projected: Store) -> None:
    damage(
        projected, f"UPDATE balance_lots SET remaining = remaining + 5 WHERE lot = '{EMPLOYER}/F1'"
    )

    findings = check_consistency(projected.ledger)

    account = str(projected.ledger.account_id_for(LOW))
    assert [(f.account_id, f.lot, f.what, f.projected, f.expected) for f in findings] == [
        (account, f"{EMPLOYER}/F1", "remaining", "7", "2"),
        (account, None, "usable total", "7", "2"),
    ]
    assert "remaining is 7 in the balances projection but 2 from the events" in str(findings[0])


def test_a_missing_lot_and_a_wrong_state_are_found(projected: Store) -> None:
    damage(projected, "DELETE FROM balance_lots WHERE lot = 'flemish-government/V1'")
    damage(projected, f"UPDATE balance_lots SET state = 'suspended' WHERE lot = '{EMPLOYER}/F1'")

    found = {(f.lot, f.what) for f in check_consistency(projected.ledger)}

    assert found == {
        ("flemish-government/V1", "missing lot"),
        (f"{EMPLOYER}/F1", "state"),
        (None, "usable total"),
        (None, "suspended total"),
    }
