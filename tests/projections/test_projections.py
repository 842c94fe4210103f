"""Each projection's rows after a scripted history, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from eventsourcing.domain import Aggregate

from ledger.projections.runner import catch_up_all, status
from ledger.store.read_models.opening import opened
from tests.builders import EMPLOYER, HIGH, LOW, script_history
from tests.stores import Store

V = "flemish-government/V1"
G = f"{EMPLOYER}/G1"
F = f"{EMPLOYER}/F1"
LOW_SHOWN, HIGH_SHOWN = "93.05.18-***.**", "85.07.30-***.**"


@pytest.fixture
def projected(store: Store) -> Store:
    script_history(store.ledger)
    catch_up_all(store.ledger)
    return store


def rows(store: Store, sql: str) -> list[tuple[Any, ...]]:
    with opened(store.settings.store_env()) as db:
        return [tuple(None if v is None else str(v) for v in row) for row in db.query(sql)]


def test_every_projection_applies_every_event_once(store: Store) -> None:
    script_history(store.ledger)
    head = store.ledger.recorder.max_notification_id()

    counts = catch_up_all(store.ledger)
    again = catch_up_all(store.ledger)

    assert counts == dict.fromkeys(
        ("balances", "expiring", "money", "sources", "takeup", "trail"), head
    )
    assert set(again.values()) == {0}


def test_balances_hold_each_lot_with_what_is_left_and_its_state(projected: Store) -> None:
    found = rows(
        projected,
        "SELECT c.citizen, b.lot, b.right_code, b.amount, b.remaining, b.state, b.expires_on "
        "FROM balance_lots b JOIN expiring_citizens c ON c.account_id = b.account_id "
        "ORDER BY c.citizen, b.lot",
    )

    assert found == [
        (HIGH_SHOWN, G, "vov-hours", "100", "0", "usable", "2025-09-01"),
        (LOW_SHOWN, F, "federal-training-days", "2", "2", "usable", "2029-09-02"),
        (LOW_SHOWN, G, "vov-hours", "100", "0", "expired", "2025-09-01"),
        (LOW_SHOWN, V, "training-vouchers", "25000", "25000", "usable", "2025-11-02"),
    ]


def test_lots_are_suspended_when_their_holder_moves_out_of_an_eligible_status(
    projected: Store,
) -> None:
    projected.ledger.change_status(LOW, "inactive", date(2025, 9, 3))

    catch_up_all(projected.ledger)

    found = rows(projected, "SELECT lot, state, remaining FROM balance_lots ORDER BY lot, state")
    assert found == [
        (F, "suspended", "2"),
        (G, "expired", "0"),
        (G, "usable", "0"),
        (V, "suspended", "25000"),
    ]


def test_the_expiring_projection_keeps_who_holds_the_lots_by_their_masked_insz(
    projected: Store,
) -> None:
    found = rows(
        projected,
        "SELECT c.citizen, l.lot, l.remaining, l.expires_on FROM balance_lots l "
        "JOIN expiring_citizens c ON c.account_id = l.account_id "
        "WHERE l.expires_on IS NOT NULL AND l.remaining > 0 "
        "AND l.state IN ('usable', 'suspended') ORDER BY l.expires_on",
    )

    assert found == [(LOW_SHOWN, V, "25000", "2025-11-02"), (LOW_SHOWN, F, "2", "2029-09-02")]
    assert rows(projected, "SELECT citizen FROM expiring_citizens ORDER BY citizen") == [
        (HIGH_SHOWN,),
        (LOW_SHOWN,),
    ]


def test_the_trail_has_one_row_per_event_with_its_provenance(projected: Store) -> None:
    trail = rows(
        projected,
        "SELECT position, event, effective_on, right_code, amount, lot, source, batch, line "
        "FROM audit_trail ORDER BY position",
    )

    assert len(trail) == projected.ledger.recorder.max_notification_id()
    assert [int(r[0]) for r in trail] == list(range(1, len(trail) + 1))
    events = [r[1] for r in trail]
    assert {e: events.count(e) for e in set(events)} == {
        "AccountOpened": 2, "RightGranted": 4, "RightUsed": 3, "StatusChanged": 2,
        "RightSuspended": 2, "RightForfeited": 1, "RightTransferred": 2, "EntryReversed": 2,
        "RightExpired": 1, "FactRecorded": 1,
    }  # fmt: skip
    imported = [r[1:] for r in trail if r[7] == "B-2024"]
    assert imported == [
        ("RightGranted", "2024-09-02", "vov-hours", "100", G, EMPLOYER, "B-2024", "7"),
        ("RightUsed", "2024-12-01", "vov-hours", "100", G, EMPLOYER, "B-2024", "8"),
    ]


def test_a_forfeit_in_the_trail_cites_its_legal_basis(projected: Store) -> None:
    found = rows(
        projected, "SELECT lot, amount, detail FROM audit_trail WHERE event = 'RightForfeited'"
    )

    [(lot, amount, detail)] = found
    assert (lot, amount) == (F, "2")
    assert detail.startswith("forfeited on becoming jobseeker: ")
    assert len(detail) > len("forfeited on becoming jobseeker: ") + 10


def test_take_up_counts_each_citizen_once_per_right_and_school_year(projected: Store) -> None:
    found = rows(
        projected,
        "SELECT c.profile, f.status, f.right_code, f.period, f.granted, f.used, f.expired, "
        "f.forfeited FROM takeup_facts f JOIN takeup_citizens c ON c.account_id = f.account_id "
        "ORDER BY c.profile, f.right_code, f.period",
    )

    assert found == [
        ("high|1985", "employee", "vov-hours", "2024-25", "100", "100", "0", "0"),
        ("low|1993", "employee", "federal-training-days", "2024-25", "2", "0", "0", "0"),
        ("low|1993", "employee", "training-vouchers", "2024-25", "25000", "0", "0", "0"),
        ("low|1993", "employee", "vov-hours", "2024-25", "100", "30", "70", "0"),
    ]


def test_take_up_keeps_the_status_a_citizen_had_at_their_first_entry_of_the_year(
    projected: Store,
) -> None:
    ledger = projected.ledger
    ledger.change_status(HIGH, "self-employed", date(2024, 12, 15))
    ledger.grant_right(HIGH, "training-vouchers", 500, date(2025, 1, 2), "flemish-government", "V8")
    catch_up_all(ledger)

    found = rows(
        projected,
        "SELECT f.right_code, f.status FROM takeup_facts f "
        "JOIN takeup_citizens c ON c.account_id = f.account_id "
        "WHERE c.profile = 'high|1985' ORDER BY f.right_code",
    )
    assert found == [("training-vouchers", "self-employed"), ("vov-hours", "employee")]
    assert rows(projected, "SELECT status FROM takeup_citizens WHERE profile = 'high|1985'") == [
        ("self-employed",)
    ]


def test_sources_total_what_each_source_and_batch_sent(projected: Store) -> None:
    found = rows(
        projected,
        "SELECT source, batch, right_code, grants, granted, uses, used, reversed_granted, "
        "reversed_used FROM source_totals ORDER BY source, batch, right_code",
    )

    assert found == [
        ("", "", "vov-hours", "0", "0", "2", "50", "0", "20"),
        (EMPLOYER, "", "federal-training-days", "1", "2", "0", "0", "0", "0"),
        (EMPLOYER, "", "vov-hours", "1", "100", "0", "0", "0", "0"),
        (EMPLOYER, "B-2024", "vov-hours", "1", "100", "1", "100", "0", "0"),
        ("flemish-government", "", "training-vouchers", "1", "25000", "0", "0", "0", "0"),
    ]


def test_a_reversed_grant_is_taken_out_of_take_up_and_counted_against_its_source(
    projected: Store,
) -> None:
    ledger = projected.ledger
    granted = ledger.grant_right(HIGH, "training-vouchers", 5000, date(2024, 12, 2),
                                 "flemish-government", "V9")  # fmt: skip
    ledger.reverse_entry(HIGH, granted.account_version, "wrong citizen", date(2025, 1, 3))

    catch_up_all(ledger)

    assert rows(
        projected,
        "SELECT f.granted FROM takeup_facts f JOIN takeup_citizens c "
        "ON c.account_id = f.account_id "
        "WHERE f.right_code = 'training-vouchers' AND c.profile LIKE 'high|%'",
    ) == [("0",)]
    assert rows(
        projected,
        "SELECT grants, granted, reversed_granted FROM source_totals "
        "WHERE source = 'flemish-government'",
    ) == [("2", "30000", "5000")]
    assert rows(projected, "SELECT state, remaining FROM balance_lots WHERE lot LIKE '%/V9'") == [
        ("reversed", "0")
    ]


def test_a_four_eyes_correction_shows_its_request_and_approval_in_the_trail(
    projected: Store,
) -> None:
    ledger, day = projected.ledger, date(2025, 9, 5)
    granted = ledger.grant_right(HIGH, "training-vouchers", 500, day, "flemish-government", "V5")
    asked = ledger.on_account(HIGH, lambda a: a.request_reversal(
        ledger.catalogue, granted.account_version, "wrong amount", day, "staff:1"))  # fmt: skip
    ledger.on_account(HIGH, lambda a: a.approve_reversal(
        ledger.catalogue, asked.account_version, None, "staff:2"))  # fmt: skip

    catch_up_all(ledger)

    found = rows(projected, "SELECT event, detail FROM audit_trail ORDER BY position DESC LIMIT 3")
    assert [event for event, _ in found] == [
        "EntryReversed",
        "ReversalApproved",
        "ReversalRequested",
    ]
    assert (
        found[2][1]
        == f"asks to reverse event {granted.account_version} (RightGranted): wrong amount"
    )


class Note(Aggregate):
    """Another aggregate writing to the same log, as import batches do."""


def test_other_aggregates_events_are_skipped_and_leave_no_lag(projected: Store) -> None:
    projected.ledger.save(Note(), Note())

    counts = catch_up_all(projected.ledger)

    head = projected.ledger.recorder.max_notification_id()
    assert set(counts.values()) == {0}
    assert {s.lag for s in status(projected.ledger)} == {0}
    assert rows(projected, "SELECT MAX(position) FROM audit_trail") == [(str(head - 2),)]
