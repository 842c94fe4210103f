"""A rebuild fills copies beside the live tables and swaps them in at once."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from ledger.config import Settings
from ledger.projections.rebuild import rebuild
from ledger.projections.rebuild_worker import SecondProcessFill
from ledger.projections.registry import NAMES, UnknownProjectionError
from ledger.projections.runner import catch_up_all
from ledger.store.read_models.base import ProjectionError
from ledger.store.read_models.opening import opened
from tests.builders import crowd, script_history
from tests.stores import Store, dump, positions

# What a reader of the reports sees: whole-table figures that a half-built table would get
# wrong (fewer rows, smaller sums).
READ = {
    "trail rows": "SELECT COUNT(*) FROM audit_trail",
    "lots left": "SELECT COUNT(*), SUM(remaining) FROM balance_lots",
    "expiring": "SELECT COUNT(*) FROM expiring_citizens",
    "take-up": "SELECT COUNT(*), SUM(granted), SUM(used) FROM takeup_facts",
    "sources": "SELECT SUM(grants), SUM(granted), SUM(used) FROM source_totals",
}


def read_reports(settings: Settings) -> dict[str, Any]:
    with opened(settings.store_env()) as store, store.snapshot():
        return {
            name: [tuple(map(str, row)) for row in store.query(sql)] for name, sql in READ.items()
        }


def index_names(settings: Settings) -> set[str]:
    with opened(settings.store_env()) as store:
        if store.backend == "sqlite":
            sql = "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        else:
            sql = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
        return {str(name) for (name,) in store.query(sql)}


class Reader(threading.Thread):
    """Reads the reports over and over on its own connection until stopped; the rebuild
    waits after each batch until this reader has read once more, so reads interleave with
    every stage of the rebuild."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(daemon=True)
        self.settings, self.seen = settings, []  # type: list[dict[str, Any]]
        self.stopped, self.read_once_more = threading.Event(), threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while not self.stopped.is_set():
                self.seen.append(read_reports(self.settings))
                self.read_once_more.set()
        except BaseException as error:  # surfaced by the test, not lost in the thread
            self.error = error
            self.read_once_more.set()

    def wait_for_a_read(self) -> None:
        self.read_once_more.clear()
        if self.error is None:  # a generous bound that only stops a hung test
            assert self.read_once_more.wait(timeout=60), "the reader stopped reading"
        if self.error is not None:
            raise AssertionError(f"the reader failed: {self.error!r}") from self.error


@pytest.fixture
def live(store: Store) -> Store:
    script_history(store.ledger)
    crowd(store.ledger, 30)
    catch_up_all(store.ledger)
    return store


def test_readers_see_whole_tables_before_during_and_after_a_rebuild(live: Store) -> None:
    expected = read_reports(live.settings)
    reader = Reader(live.settings)
    reader.start()
    batches: list[int] = []

    def after_batch(events: int) -> None:
        batches.append(events)
        reader.wait_for_a_read()

    rebuild(live.ledger, batch_size=20, on_batch=after_batch)
    reader.wait_for_a_read()
    reader.stopped.set()
    reader.join(timeout=60)

    assert reader.error is None
    assert len(batches) > 10
    assert len(reader.seen) > len(batches)
    assert [seen for seen in reader.seen if seen != expected] == []


def test_a_rebuild_gives_the_same_tables_and_positions_as_the_live_run(live: Store) -> None:
    before = dump(live.settings)

    counts = rebuild(live.ledger, ["takeup", "trail"], batch_size=50)

    head = live.ledger.recorder.max_notification_id()
    assert counts == {"takeup": head, "trail": head}
    assert dump(live.settings) == before
    assert positions(live.settings) == dict.fromkeys(NAMES, head)


def test_rebuilt_tables_keep_their_index_names_and_can_be_rebuilt_again(live: Store) -> None:
    indexes = index_names(live.settings)

    rebuild(live.ledger)
    rebuild(live.ledger, ["trail", "expiring"])

    assert index_names(live.settings) == indexes
    assert {"audit_trail_by_batch", "balance_lots_open_by_expiry"} <= indexes


def test_a_rebuild_repairs_a_damaged_table(live: Store) -> None:
    before = dump(live.settings)
    with opened(live.settings.store_env()) as store, store.transaction():
        store.execute("DELETE FROM takeup_facts WHERE right_code = ?", ("vov-hours",))
        store.execute("UPDATE source_totals SET granted = granted + 1")

    rebuild(live.ledger, ["takeup", "sources"])

    assert dump(live.settings) == before


def test_a_rebuild_left_behind_by_a_crash_is_started_again(live: Store) -> None:
    with opened(live.settings.store_env()) as store, store.transaction():
        store.create_copy("audit_trail", "_next")
        store.execute("INSERT INTO audit_trail_next SELECT * FROM audit_trail")
        store.set_positions({"trail_next": 3})
    before = dump(live.settings)

    rebuild(live.ledger, ["trail"])

    assert dump(live.settings) == before
    with opened(live.settings.store_env()) as store:
        assert "audit_trail_next" not in store.table_names()
        assert "trail_next" not in store.read_positions()


def test_the_live_runner_goes_on_where_the_rebuild_left_off(live: Store) -> None:
    rebuild(live.ledger, ["balances"])
    before = live.ledger.recorder.max_notification_id()
    crowd(live.ledger, 2, start=100)

    counts = catch_up_all(live.ledger)

    assert set(counts.values()) == {live.ledger.recorder.max_notification_id() - before}


def test_an_unknown_projection_name_is_refused_with_the_known_ones(live: Store) -> None:
    with pytest.raises(UnknownProjectionError, match="balances, expiring"):
        rebuild(live.ledger, ["balance"])


def test_a_rebuild_stops_rather_than_count_twice_when_its_positions_move(live: Store) -> None:
    def another_process_moves_them(events: int) -> None:
        with opened(live.settings.store_env()) as other, other.transaction():
            other.set_positions({"trail_next": 1})

    with pytest.raises(ProjectionError, match="is another rebuild running"):
        rebuild(live.ledger, ["trail"], batch_size=50, on_batch=another_process_moves_them)


def test_a_rebuild_in_two_processes_gives_the_tables_of_one(live: Store) -> None:
    rebuild(live.ledger, processes=1)
    alone = dump(live.settings)

    counts = rebuild(live.ledger, processes=2, batch_size=40)

    head = live.ledger.recorder.max_notification_id()
    assert counts == dict.fromkeys(NAMES, head)
    assert dump(live.settings) == alone
    assert positions(live.settings) == dict.fromkeys(NAMES, head)


def test_a_second_process_that_fails_is_reported_with_its_error(live: Store) -> None:
    with SecondProcessFill(live.ledger, ["no-such-projection"], 100) as elsewhere:
        pass

    with pytest.raises(ProjectionError, match="rebuild of no-such-projection failed: KeyError"):
        elsewhere.counts()
