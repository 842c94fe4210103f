"""The timeline of one account: each right's balance over business dates, to the unit
what a ``balance`` read gives on its last day, with the entries as marks and the career
as bands. Built from Account objects alone, no store."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import NAMESPACE_URL, uuid5

from ledger.domain.account import Account
from ledger.domain.catalogue import Education, Status
from ledger.domain.timeline import Timeline, timeline
from ledger.domain.views import balances, effective_until, rebuild
from tests.domain.support import (
    ACTOR,
    CATALOGUE,
    CEVORA,
    EMPLOYER,
    FED_DAYS,
    FLANDERS,
    SECTOR,
    VOUCHERS,
    VOV,
    by,
    change,
    employment_at,
    grant,
    use,
)

OPENED = date(2024, 9, 1)
SEP_2 = date(2024, 9, 2)
TODAY = date(2026, 1, 5)


def employee() -> Account:
    """An employee of EMPLOYER whose every event, the opening too, is still pending."""
    return Account.open(
        uuid5(NAMESPACE_URL, "/tests/timeline"), "93051822361", Status.EMPLOYEE, OPENED,
        Education.LOW, by(), employment_at(EMPLOYER, OPENED),
    )  # fmt: skip


def balance_read(
    events: Sequence[Account.Event], as_of: date | None = None
) -> dict[str, tuple[int, int, int]]:
    """What ``Ledger.balance`` answers for these events: usable, suspended, reserved."""
    account = rebuild(effective_until(events, as_of) if as_of else events)
    assert account is not None
    day = as_of or max(account.last_on, TODAY)
    return {b.right: (b.usable, b.suspended, b.reserved) for b in balances(account, CATALOGUE, day)}


def last_points(drawn: Timeline) -> dict[str, tuple[int, int, int]]:
    ends = {line.right: line.points[-1] for line in drawn.lines}
    return {right: (p.usable, p.suspended, p.reserved) for right, p in ends.items()}


def read(events: Sequence[Account.Event], as_of: date | None = None) -> Timeline:
    kept = [e for e in events if as_of is None or e.on <= as_of]
    return timeline(kept, CATALOGUE, as_of, TODAY)


def steps(drawn: Timeline, right: str) -> list[tuple[date, int]]:
    (line,) = (line for line in drawn.lines if line.right == right)
    return [(p.on, p.usable) for p in line.points]


def marks(drawn: Timeline) -> list[tuple[date, str, str, int, bool]]:
    return [(m.on, m.kind, m.right, m.amount, m.event_id is not None) for m in drawn.marks]


def test_a_use_steps_the_balance_down_and_an_unrecorded_expiry_ends_it_on_its_day() -> None:
    account = employee()
    grant(account, VOV, 4000, SEP_2, "vov")
    use(account, VOV, 1000, date(2024, 10, 1), "u1")
    events = account.collect_events()
    expires_on = events[1].expires_on

    drawn = read(events)

    assert steps(drawn, VOV) == [(SEP_2, 4000), (date(2024, 10, 1), 3000), (expires_on, 0)]
    assert last_points(drawn) == balance_read(events) == {VOV: (0, 0, 0)}
    assert marks(drawn) == [
        (SEP_2, "grant", VOV, 4000, True),
        (date(2024, 10, 1), "use", VOV, 1000, True),
        (expires_on, "expiry", VOV, 3000, False),  # due, and no command recorded it yet
    ]
    assert (drawn.start, drawn.end) == (OPENED, TODAY)


def test_an_expiry_a_command_recorded_is_marked_once_with_its_event() -> None:
    account = employee()
    grant(account, VOV, 4000, SEP_2, "vov")
    grant(account, FED_DAYS, 500, SEP_2, "fed")
    expiry = date(2025, 9, 1)
    account.expire(date(2025, 10, 1), ACTOR)
    events = account.collect_events()

    drawn = read(events)

    expiries = [m for m in drawn.marks if m.kind == "expiry"]
    assert [(m.right, m.amount, m.event_id is not None) for m in expiries] == [
        (r, n, True)
        for r, n in sorted(
            [(VOV, 4000)] + [(e.right, e.amount) for e in events[3:] if e.right == FED_DAYS]
        )
    ]
    assert steps(drawn, VOV) == [(SEP_2, 4000), (expiry, 0)]
    assert last_points(drawn) == balance_read(events)


def test_a_forfeit_and_a_suspension_at_a_status_change_move_usable_units_away() -> None:
    account = employee()
    grant(account, VOV, 4000, SEP_2, "vov")
    grant(account, FED_DAYS, 500, SEP_2, "fed")
    grant(account, SECTOR, 1600, SEP_2, "sector", source=CEVORA)
    jobseeker = date(2025, 1, 6)
    change(account, Status.JOBSEEKER, jobseeker)
    events = account.collect_events()

    drawn = read(events)

    assert steps(drawn, FED_DAYS) == [(SEP_2, 500), (jobseeker, 0)]
    (vov,) = (line for line in drawn.lines if line.right == VOV)
    assert [(p.on, p.usable, p.suspended) for p in vov.points] == [
        (SEP_2, 4000, 0), (jobseeker, 0, 4000), (date(2025, 9, 1), 0, 0),  # suspended, expired
    ]  # fmt: skip
    assert (jobseeker, "forfeit", FED_DAYS, 500, True) in marks(drawn)
    assert last_points(drawn) == balance_read(events)
    assert [(b.kind, b.name, b.start, b.end) for b in drawn.bands] == [
        ("employment", EMPLOYER.removeprefix("employer:"), OPENED, jobseeker),
        ("situation", "jobseeker", jobseeker, None),
    ]


def test_a_reversed_use_gives_its_units_back_on_the_reversal_s_date() -> None:
    account = employee()
    grant(account, FED_DAYS, 500, SEP_2, "fed")
    use(account, FED_DAYS, 200, date(2024, 10, 1), "u1")
    used = account.collect_events()
    reversal = date(2024, 11, 4)
    account.reverse(CATALOGUE, used[-1].originator_version, "sent twice", reversal, ACTOR)
    events = used + account.collect_events()

    drawn = read(events)

    assert steps(drawn, FED_DAYS)[:3] == [
        (SEP_2, 500), (date(2024, 10, 1), 300), (reversal, 500),
    ]  # fmt: skip
    assert (reversal, "reversal", FED_DAYS, 200, True) in marks(drawn)
    assert last_points(drawn) == balance_read(events)


def test_as_of_a_past_date_the_timeline_ends_there_with_that_day_s_balance() -> None:
    account = employee()
    grant(account, VOV, 4000, SEP_2, "vov")
    use(account, VOV, 1000, date(2024, 10, 1), "u1")
    use(account, VOV, 500, date(2025, 2, 3), "u2")
    events = account.collect_events()
    as_of = date(2024, 12, 31)

    drawn = read(events, as_of)

    assert drawn.end == as_of
    assert steps(drawn, VOV) == [(SEP_2, 4000), (date(2024, 10, 1), 3000)]
    assert all(m.on <= as_of for m in drawn.marks)
    assert last_points(drawn) == balance_read(events, as_of) == {VOV: (3000, 0, 0)}


def test_a_booking_holds_units_out_of_the_usable_line_until_its_hold_ends() -> None:
    account = employee()
    grant(account, VOUCHERS, 50000, SEP_2, "TV-1", FLANDERS)
    booked, hold = date(2024, 10, 7), date(2024, 11, 29)
    account.reserve(CATALOGUE, VOUCHERS, 25000, booked, "OPL-1", hold, by(None, "B-1"),
                    None, provider="0403170701")  # fmt: skip
    events = account.collect_events()

    drawn = read(events, date(2025, 1, 31))

    (line,) = drawn.lines
    assert [(p.on, p.usable, p.reserved) for p in line.points] == [
        (SEP_2, 50000, 0), (booked, 25000, 25000), (date(2024, 11, 30), 50000, 0),
    ]  # fmt: skip
    assert [(m.kind, m.event_id is not None) for m in drawn.marks] == [
        ("grant", True), ("reserve", True), ("lapse", False),
    ]  # fmt: skip
    assert last_points(drawn) == balance_read(events, date(2025, 1, 31))
