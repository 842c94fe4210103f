"""Late facts through the Ledger on every backend: a command dated before facts already
recorded takes its place in effective-date order when every later entry still holds; it
is refused naming the entries it would break, or recorded with an open review case."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from ledger.application import Ledger
from ledger.domain.command import Result
from ledger.domain.late import LateFactConflictError
from ledger.domain.reviews import ReviewNotOpenError
from ledger.domain.views import rebuild
from tests.builders import (
    EMPLOYER,
    FED_DAYS,
    INSZ,
    START,
    VOV,
    event_names,
    open_employee,
    stored_state,
    usable,
)

A = EMPLOYER.removeprefix("employer:")
USE_DAY = date(2024, 10, 1)
QUARTER_LINE = date(2024, 9, 20)


def with_a_vov_use(ledger: Ledger) -> None:
    open_employee(ledger)
    ledger.grant_right(INSZ, VOV, 40, START, EMPLOYER, "VOV")
    ledger.use_right(INSZ, VOV, 10, USE_DAY, "T-1", "P-1", "U-1")


def entries(ledger: Ledger) -> list[tuple[int, str, date, bool]]:
    return [(e.event_id, e.event, e.on, e.late) for e in ledger.history(INSZ).entries]


def test_a_late_quarterly_line_takes_its_place_in_effective_date_order(ledger: Ledger) -> None:
    with_a_vov_use(ledger)
    before_it = datetime.now(UTC)

    late = ledger.grant_right(INSZ, FED_DAYS, 3, QUARTER_LINE, EMPLOYER, "FED-Q3")

    assert late.result is Result.APPLIED and late.events == ("RightGranted",)
    assert entries(ledger) == [
        (1, "AccountOpened", START, False),
        (2, "RightGranted", START, False),
        (4, "RightGranted", QUARTER_LINE, True),
        (3, "RightUsed", USE_DAY, False),
    ]
    assert usable(ledger, FED_DAYS, as_of=date(2024, 9, 25)) == (3, 0)
    assert usable(ledger, FED_DAYS, as_of=date(2024, 9, 19)) == (0, 0)
    assert usable(ledger, FED_DAYS, known_at_time=before_it) == (0, 0)  # not known then
    explained = ledger.explain(INSZ, VOV)
    assert explained.balanced and explained.totals["usable"] == 30


def test_the_stored_account_is_the_fold_in_effective_date_order(ledger: Ledger) -> None:
    with_a_vov_use(ledger)
    ledger.grant_right(INSZ, FED_DAYS, 3, QUARTER_LINE, EMPLOYER, "FED-Q3")

    loaded = ledger.get_account(ledger.account_id_for(INSZ))
    events = list(ledger.repository.event_store.get(loaded.id))

    assert vars(loaded) == vars(rebuild(events))
    assert loaded.last_on == USE_DAY


def test_a_late_grant_gets_the_outcome_of_a_later_career_change_recorded_with_it(
    ledger: Ledger,
) -> None:
    open_employee(ledger)
    ledger.change_situation(INSZ, "self-employed-side", date(2024, 11, 1), starts=True)
    ledger.end_employment(INSZ, A, date(2025, 1, 6), "resignation")

    late = ledger.grant_right(
        INSZ, "training-vouchers", 25000, date(2024, 10, 1), "flemish-government", "TV-1"
    )

    # Carried into employee + side activity, then carried into the side activity only (a
    # worker with a self-employed side job qualifies, training-vouchers@2020-09-01).
    assert late.events == ("RightGranted", "RightTransferred", "RightTransferred")
    assert usable(ledger, "training-vouchers", as_of=date(2025, 1, 6)) == (25000, 0)
    transfers = [e.details for e in ledger.history(INSZ).entries if e.event == "RightTransferred"]
    assert [(t["from_status"], t["to_status"]) for t in transfers] == [
        ("employee", "employee+self-employed-side"),
        ("employee+self-employed-side", "self-employed-side"),
    ]
    late_ones = [(name, on) for _, name, on, is_late in entries(ledger) if is_late]
    assert late_ones == [  # the second transfer is dated on the latest day: not late
        ("RightGranted", date(2024, 10, 1)),
        ("RightTransferred", date(2024, 11, 1)),
    ]


def test_a_late_grant_whose_lot_has_run_out_since_expires_on_its_date(ledger: Ledger) -> None:
    open_employee(ledger)
    ledger.grant_right(INSZ, VOV, 10, date(2025, 9, 2), EMPLOYER, "VOV-2025")

    late = ledger.grant_right(INSZ, VOV, 20, START, EMPLOYER, "VOV-2024")

    assert late.events == ("RightGranted", "RightExpired")
    assert usable(ledger, VOV) == (10, 0)
    assert ledger.explain(INSZ, VOV).totals["expired"] == 20


def test_a_late_fact_that_breaks_later_entries_is_refused_naming_each_and_writes_nothing(
    ledger: Ledger,
) -> None:
    with_a_vov_use(ledger)
    before = stored_state(ledger)

    with pytest.raises(LateFactConflictError) as refused:
        ledger.end_employment(INSZ, A, date(2024, 9, 15), "resignation")

    assert [(c.version, c.on, c.event) for c in refused.value.conflicts] == [
        (3, USE_DAY, "RightUsed")
    ]
    assert "event 3 (2024-10-01, RightUsed)" in str(refused.value)
    assert stored_state(ledger) == before


def test_with_review_the_conflicting_fact_is_recorded_with_an_open_case_to_close(
    ledger: Ledger,
) -> None:
    with_a_vov_use(ledger)

    recorded = ledger.end_employment(INSZ, A, date(2024, 9, 15), "resignation", review=True)

    assert recorded.events == ("EmploymentEnded", "RightForfeited", "ReviewOpened")
    account_id = ledger.account_id_for(INSZ)
    case = ledger.review_case(account_id, recorded.account_version)
    assert case.case.is_open and [c.version for c in case.conflicts] == [3]
    forfeit = recorded.account_version - 1
    ledger.reverse_entry(INSZ, forfeit, "the hours were used before the resignation")
    closed = ledger.close_review(account_id, recorded.account_version, "forfeit reversed")
    assert closed.events == ("ReviewClosed",)
    with pytest.raises(ReviewNotOpenError, match="closed"):
        ledger.close_review(account_id, recorded.account_version, "again")


def test_a_late_line_sent_again_exists_and_a_later_reference_still_counts(
    ledger: Ledger,
) -> None:
    with_a_vov_use(ledger)
    ledger.grant_right(INSZ, FED_DAYS, 3, QUARTER_LINE, EMPLOYER, "FED-Q3")

    again = ledger.grant_right(INSZ, FED_DAYS, 3, QUARTER_LINE, EMPLOYER, "FED-Q3")

    assert again.result is Result.EXISTS
    assert event_names(ledger.history(INSZ)).count("RightGranted") == 2


def test_a_late_fact_older_than_the_latest_snapshot_loads_as_its_fold(ledger: Ledger) -> None:
    open_employee(ledger)
    ledger.grant_right(INSZ, VOV, 125, START, EMPLOYER, "VOV")
    for n in range(105):  # past the snapshot interval of 100 events
        ledger.use_right(INSZ, VOV, 1, USE_DAY + timedelta(days=n // 2), "T", "P", f"U-{n}")
    assert ledger.snapshots is None or list(ledger.snapshots.get(ledger.account_id_for(INSZ)))
    ledger.use_right(INSZ, VOV, 1, date(2025, 3, 1), "T", "P", "U-LAST")

    ledger.grant_right(INSZ, FED_DAYS, 2, date(2024, 9, 20), EMPLOYER, "FED-OLD")

    loaded = ledger.get_account(ledger.account_id_for(INSZ))
    events = list(ledger.repository.event_store.get(loaded.id))
    assert vars(loaded) == vars(rebuild(events))
    assert usable(ledger, FED_DAYS) == (2, 0)
