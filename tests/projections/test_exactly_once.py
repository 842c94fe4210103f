"""Each event counts exactly once: after a kill at any point, after concurrent runners."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from ledger.application import Ledger
from ledger.projections.catchup import CatchUp
from ledger.projections.rebuild import rebuild
from ledger.projections.registry import NAMES
from ledger.projections.runner import catch_up_all
from ledger.store.read_models.opening import opened
from tests.builders import crowd, script_history
from tests.stores import TEST_ID_KEY, Store, dump, positions

ROOT = Path(__file__).resolve().parents[2]
BATCH = 25
# A catch-up in a fresh interpreter: DATABASE BATCH [KILL_AT]. With KILL_AT it SIGKILLs
# itself in the middle of that batch (0-based), after writing its rows and before they
# commit.
CATCH_UP = (
    "import os, signal, sys\n"
    "from ledger.application import Ledger\n"
    "from ledger.config import load_settings\n"
    "from ledger.projections.runner import catch_up_all\n"
    "settings = load_settings(sys.argv[1])\n"
    "env = settings.store_env(create_tables=False)\n"
    "ledger = Ledger(env, id_key=settings.id_key, actor=settings.actor)\n"
    "kill_at = int(sys.argv[3]) if len(sys.argv) > 3 else None\n"
    "def crash_in(batch):\n"
    "    if batch == kill_at:\n"
    "        os.kill(os.getpid(), signal.SIGKILL)\n"
    "catch_up_all(ledger, batch_size=int(sys.argv[2]), before_commit=crash_in)\n"
)


def catch_up_in_a_process(database: str, kill_after: int | None) -> int:
    """Run a catch-up in a fresh interpreter; with ``kill_after`` it SIGKILLs itself in the
    middle of that batch (0-based), after writing its rows and before committing them."""
    env = {**os.environ, "LLR_ID_KEY": TEST_ID_KEY, "PYTHONPATH": str(ROOT)}
    kill = [] if kill_after is None else [str(kill_after)]
    done = subprocess.run(
        [sys.executable, "-c", CATCH_UP, database, str(BATCH), *kill], env=env, cwd=ROOT,
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
        settings = busy.settings  # each runner on its own Ledger, as separate processes are
        ledger = Ledger(
            settings.store_env(create_tables=False), id_key=settings.id_key, actor=settings.actor
        )
        try:
            counts.append(catch_up_all(ledger, batch_size=BATCH))
        finally:
            ledger.close()

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


def test_a_catch_up_in_two_processes_gives_the_tables_of_one(busy: Store) -> None:
    counts = catch_up_all(busy.ledger, batch_size=BATCH, processes=2)
    split = dump(busy.settings)
    rebuild(busy.ledger, processes=1)

    head = busy.ledger.recorder.max_notification_id()
    assert counts == dict.fromkeys(NAMES, head)
    assert split == dump(busy.settings)
