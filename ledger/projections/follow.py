"""Keep projections following new events until told to stop.

Between catch-ups the follower waits for new events: on PostgreSQL it LISTENs on the
channel the library NOTIFYs on every insert (``ledger_events``) and wakes when told, or
after the poll interval at the latest, so a lost notification only delays it; SQLite has
no notifications, so there it simply polls. Ctrl-C (KeyboardInterrupt) or SIGTERM stop it
cleanly: an interrupted batch rolls back whole and is applied again by the next run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ledger.application import Ledger
from ledger.projections.catchup import CatchUp
from ledger.projections.migrate import check_current
from ledger.projections.registry import checked_names
from ledger.store.new_events import waiter_for
from ledger.store.read_models.opening import opened


def follow(
    ledger: Ledger,
    names: Sequence[str] | None = None,
    poll_seconds: float = 1.0,
    on_progress: Callable[[dict[str, int]], None] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    batch_size: int | None = None,
) -> dict[str, int]:
    """Catch up, wait for new events, repeat, until ``should_stop()`` (or an interrupt).

    ``on_progress`` sees the events applied per projection after each catch-up that
    applied any; returns the totals since the start.
    """
    chosen = checked_names(names)
    totals = dict.fromkeys(chosen, 0)
    with opened(ledger.env) as store, waiter_for(ledger.recorder, ledger.env) as waiter:
        check_current(store)
        while not should_stop():
            counts = CatchUp(ledger, store, chosen, "", batch_size).run()
            if any(counts.values()):
                totals = {name: totals[name] + counts[name] for name in chosen}
                if on_progress is not None:
                    on_progress(counts)
            waiter.wait(poll_seconds)
    return totals
