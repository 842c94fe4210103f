"""Property: whatever grants are attempted, in whatever order, on whatever track, the
hours granted per track in a school year never exceed the personal maximum (125 h x the
employment fraction in the reference month)."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import NAMESPACE_URL, uuid5

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.domain.account import Account
from ledger.domain.catalogue import Education, Status
from ledger.domain.errors import LedgerError
from tests.domain.support import CATALOGUE, EMPLOYER, INSZ, VOV, by, employment_at

SCHOOL_YEAR = date(2023, 9, 1)  # 2023-24: two tracks, the fraction of March 2023 counts

attempts = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=9000),  # minor units: up to 90 hours
        st.sampled_from([None, "own-choice", "employer"]),
        st.integers(min_value=0, max_value=360),  # days into the school year
    ),
    max_size=12,
)


def employee_at(fte: int) -> Account:
    start = date(2023, 1, 2)
    account = Account.open(
        uuid5(NAMESPACE_URL, f"/tests/fte-{fte}"), INSZ, Status.EMPLOYEE, start, Education.LOW,
        by(), employment_at(EMPLOYER, start, fte),
    )  # fmt: skip
    account.collect_events()
    return account


@settings(max_examples=150, deadline=None)
@given(fte=st.sampled_from([50, 60, 75, 80, 100]), tried=attempts)
def test_grants_never_exceed_the_personal_maximum_of_their_track(
    fte: int, tried: list[tuple[int, str | None, int]]
) -> None:
    account = employee_at(fte)
    offsets = sorted(offset for _, _, offset in tried)
    for number, ((amount, track, _), offset) in enumerate(zip(tried, offsets, strict=True)):
        on = SCHOOL_YEAR + timedelta(days=offset)
        try:
            account.grant(CATALOGUE, VOV, amount, on, None, by(EMPLOYER, f"g{number}"), track)
        except LedgerError:
            continue

    maximum = 12500 * fte // 100
    for track in ("own-choice", "employer"):
        granted = sum(
            lot.amount for lot in account.lots.values() if (lot.track or "own-choice") == track
        )
        assert granted <= maximum, (track, granted, maximum)
