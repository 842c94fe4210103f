"""Running projections: ``llr init``, ``llr db ...``, ``llr projections ...``, following."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from datetime import date

import pytest

from ledger.projections.follow import follow
from ledger.projections.registry import NAMES
from ledger.projections.runner import catch_up_all
from tests.builders import HIGH, script_history
from tests.projections.test_reports import llr, ok
from tests.stores import Store, make_ledger, positions, settings_of


@pytest.fixture
def fresh(database_url: str) -> Iterator[Store]:
    """A store on which ``llr init`` has not run."""
    ledger = make_ledger(database_url)
    try:
        yield Store(settings_of(database_url), ledger)
    finally:
        ledger.close()


def test_init_applies_the_migrations_once(fresh: Store) -> None:
    first = ok(fresh, "init")
    again = ok(fresh, "db", "upgrade")
    state = json.loads(ok(fresh, "db", "status", "--json"))

    assert "read models: applied 0001_read_models, 0002_sealed_personal_fields" in first
    assert again == "read models: up to date\n"
    applied = [
        "0001_read_models",
        "0002_sealed_personal_fields",
        "0003_security_tables",
        "0004_minor_units",
        "0005_money_totals",
        "0006_api_tokens",
    ]
    assert state == {"applied": applied, "pending": []}


def test_only_an_admin_may_migrate_or_run_projections(fresh: Store) -> None:
    refused = [llr(fresh, *args, role="auditor") for args in (("db", "upgrade"),
               ("db", "status"), ("projections", "run"))]  # fmt: skip

    assert [r.exit_code for r in refused] == [1, 1, 1]
    assert "role auditor may not migrate the read models" in refused[0].stderr


def test_db_status_lists_pending_migrations_before_init(fresh: Store) -> None:
    shown = ok(fresh, "db", "status")

    assert re.search(r"^0001_read_models +pending$", shown, re.MULTILINE)
    assert re.search(r"^0002_sealed_personal_fields +pending$", shown, re.MULTILINE)


def test_projections_run_then_status_shows_no_lag(store: Store) -> None:
    script_history(store.ledger)
    head = store.ledger.recorder.max_notification_id()

    ran = ok(store, "projections", "run")
    state = json.loads(ok(store, "projections", "status", "--json"))

    assert ran == f"events applied: {', '.join(f'{n} {head}' for n in NAMES)}\n"
    assert [(s["name"], s["position"], s["lag"]) for s in state] == [(n, head, 0) for n in NAMES]


def test_status_shows_the_lag_of_events_written_since(store: Store) -> None:
    script_history(store.ledger)
    ok(store, "projections", "run", "trail")
    store.ledger.grant_right(HIGH, "training-vouchers", 100, date(2025, 1, 2),
                             "flemish-government", "V7")  # fmt: skip

    state = {s["name"]: s["lag"] for s in json.loads(ok(store, "projections", "status", "--json"))}

    head = store.ledger.recorder.max_notification_id()
    assert state == {**dict.fromkeys(NAMES, head), "trail": 1}


def test_rebuild_from_the_command_line_swaps_in_a_fresh_copy(store: Store) -> None:
    script_history(store.ledger)
    ok(store, "projections", "run")

    shown = ok(store, "projections", "rebuild", "takeup", "sources")

    head = store.ledger.recorder.max_notification_id()
    assert shown == f"rebuilt and swapped in: takeup {head}, sources {head} events\n"


def test_an_unknown_projection_is_refused(store: Store) -> None:
    result = llr(store, "projections", "run", "balance")

    assert (result.exit_code, result.stdout) == (1, "")
    assert "unknown projection 'balance'" in result.stderr


def test_a_follower_applies_events_written_after_it_started(
    store: Store, database_url: str
) -> None:
    script_history(store.ledger)
    follower_ledger = make_ledger(database_url)  # its own, as a separate process has
    applied: list[dict[str, int]] = []
    progressed, stop = threading.Event(), threading.Event()

    def on_progress(counts: dict[str, int]) -> None:
        applied.append(counts)
        progressed.set()

    follower = threading.Thread(
        target=follow, args=(follower_ledger,), daemon=True,
        kwargs={"poll_seconds": 0.2, "on_progress": on_progress, "should_stop": stop.is_set},
    )  # fmt: skip
    follower.start()
    assert progressed.wait(timeout=60)  # a bound against a hang, not a timing claim
    progressed.clear()
    store.ledger.grant_right(HIGH, "training-vouchers", 100, date(2025, 1, 2),
                             "flemish-government", "V7")  # fmt: skip
    assert progressed.wait(timeout=60)
    stop.set()
    follower.join(timeout=60)
    follower_ledger.close()

    head = store.ledger.recorder.max_notification_id()
    assert applied[-1] == dict.fromkeys(NAMES, 1)
    assert positions(store.settings) == dict.fromkeys(NAMES, head)
    assert not follower.is_alive()


def test_the_in_memory_store_has_no_read_models_to_catch_up() -> None:
    ledger = make_ledger("memory")

    counts = catch_up_all(ledger)

    ledger.close()
    assert counts == {}
