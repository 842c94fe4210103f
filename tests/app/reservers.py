"""A process that reserves hours on one account, for the race of eight such processes in
``test_concurrency.py``: importable on its own, so a spawned process loads little."""

from __future__ import annotations

from datetime import date
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from typing import Any

from ledger.application import Ledger
from ledger.domain.errors import InsufficientBalanceError
from tests.stores import settings_of

RESERVED = "reserved"
REFUSED_FOR_BALANCE = "refused for balance"


def reserve_when_all_are_ready(
    database: str,
    insz: str,
    hours: int,
    on: date,
    reference: str,
    ready: Barrier,
    outcomes: Queue[tuple[str, Any]],
) -> None:
    """Open a Ledger of its own, wait for the others, reserve; report what happened."""
    settings = settings_of(database)
    # The test made the tables; processes creating them at once can fail on PostgreSQL.
    ledger = Ledger(
        settings.store_env(create_tables=False), id_key=settings.id_key, actor=reference
    )
    try:
        ready.wait(timeout=60)
        ledger.reserve(insz, "vov-hours", hours, on, "TRAINING-1", reference, provider="P-1")
        outcomes.put((reference, RESERVED))
    except InsufficientBalanceError:
        outcomes.put((reference, REFUSED_FOR_BALANCE))
    except Exception as error:  # any other outcome is the test's failure, reported by name
        outcomes.put((reference, f"{type(error).__name__}: {error}"))
    finally:
        ledger.close()
