"""The two write policies: retry on a concurrent write; snapshot when a write crosses
the interval."""

from __future__ import annotations

import pytest
from eventsourcing.persistence import RecordConflictError

from ledger.domain.errors import LedgerError
from ledger.saving import SNAPSHOT_INTERVAL, retrying, snapshot_due


def test_a_write_is_due_a_snapshot_only_when_it_crosses_a_multiple_of_the_interval() -> None:
    assert snapshot_due(1, SNAPSHOT_INTERVAL)
    assert snapshot_due(SNAPSHOT_INTERVAL - 1, SNAPSHOT_INTERVAL + 1)
    assert not snapshot_due(1, SNAPSHOT_INTERVAL - 1)
    assert not snapshot_due(SNAPSHOT_INTERVAL + 1, 2 * SNAPSHOT_INTERVAL - 1)


def test_an_attempt_that_meets_a_conflict_is_run_again_after_the_hook() -> None:
    calls: list[str] = []

    def attempt(number: int) -> int:
        calls.append(f"attempt {number}")
        if number < 3:
            raise RecordConflictError("another writer")
        return number

    result = retrying(attempt, after_conflict=lambda n: calls.append(f"after {n}"))

    assert result == 3
    assert calls == ["attempt 1", "after 1", "attempt 2", "after 2", "attempt 3"]


def test_retrying_gives_up_with_the_callers_message() -> None:
    def attempt(number: int) -> None:
        raise RecordConflictError("another writer")

    with pytest.raises(LedgerError, match="gave up on lines 2-9"):
        retrying(attempt, retries=2, giving_up=lambda n: LedgerError("gave up on lines 2-9"))
