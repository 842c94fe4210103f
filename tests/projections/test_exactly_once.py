"""Each event counts exactly once: after a kill at any point, after concurrent runners."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from ledger.projections.rebuild import rebuild
from ledger.projections.runner import KILL_AFTER_BATCHES, NAMES, CatchUp, catch_up_all
from ledger.projections.store import opened
from tests.builders import crowd, script_history
from tests.stores import TEST_ID_KEY, Store, dump, positions

ROOT = Path(__file__).resolve().parents[2]
BATCH = 25
CATCH_UP = (
    "import sys\n"
    "from ledger.config import load_settings\n"
    "from ledger.projections.runner import catch_up_all\n"
    "catch_up_all(load_settings(sys.argv[1]), batch_size=int(sys.argv[2]))\n"
)


def catch_up_in_a_process(database: str, kill_after: int | None) -> int:
    """Run a catch-up in a fresh interpreter; with ``kill_after`` it SIGKILLs itself in the
    middle of that batch (0-based), after writing its rows and before committing them."""
    env = {**os.environ, "LLR_ID_KEY": TEST_ID_KEY, "PYTHONPATH": str(ROOT)}
    env.pop(KILL_AFTER_BATCHES, None)
    if kill_after is not None:
        env[KILL_AFTER_BATCHES] = str(kill_after)
    done = subprocess.run(
        [sys.executable, "-c", CATCH_UP, database, str(BATCH)], env=env, cwd=ROOT,
        capture_output=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode in (0, -signal.SIGKILL), done.stderr.decode()
    return done.returncode


@pytest.fixture
def busy(store: Store) -> Store:
    """About 350 events: the scripted history and 40 more citizens."""
    script_history(store.ledger)
    crowd(store.ledger, 40)
    return store


def test_a_catch_up_killed_mid_batch_and_restarted_gives_the_tables_of_an_uninterrupted_run(
    busy: Store, database_url: str
) -> None:
    notes = busy.ledger.recorder.select_notifications(start=None, limit=10_000)

    first = catch_up_in_a_process(database_url, kill_after=3)
    at_kill = positions(busy.settings)
    second = catch_up_in_a_process(database_url, kill_after=2)
    finished = catch_up_in_a_process(database_url, kill_after=None)
    restarted = dump(busy.settings)
    rebuild(busy.ledger)  # the reference: one uninterrupted run from the first event

    assert (first, second, finished) == (-signal.SIGKILL, -signal.SIGKILL, 0)
    assert at_kill == dict.fromkeys(NAMES, notes[3 * BATCH - 1].id)
    assert positions(busy.settings) == dict.fromkeys(NAMES, notes[-1].id)
    assert restarted == dump(busy.settings)


def test_runners_started_together_apply_each_event_once(busy: Store) -> None:
    counts: list[dict[str, int]] = []

    def run() -> None:
        counts.append(catch_up_all(busy.settings, batch_size=BATCH))

    runners = [threading.Thread(target=run) for _ in range(3)]
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join()
    together = dump(busy.settings)
    rebuild(busy.ledger)

    head = busy.ledger.recorder.max_notification_id()
    assert [sum(c[name] for c in counts) for name in NAMES] == [head] * len(NAMES)
    assert together == dump(busy.settings)


def test_a_batch_read_in_many_pages_gives_the_tables_of_one_page_per_batch(busy: Store) -> None:
    with opened(busy.ledger.env) as store:
        counts = CatchUp(busy.ledger, store, NAMES, batch_size=60, page_size=7).run()
    paged = dump(busy.settings)
    rebuild(busy.ledger, batch_size=100_000)  # the reference: everything in one page

    head = busy.ledger.recorder.max_notification_id()
    assert counts == dict.fromkeys(NAMES, head)
    assert paged == dump(busy.settings)
