"""Keep projections following new events until told to stop.

Between catch-ups the follower waits for new events: on PostgreSQL it LISTENs on the
channel the library NOTIFYs on every insert (``ledger_events``) and wakes when told, or
after the poll interval at the latest, so a lost notification only delays it; SQLite has
no notifications, so there it simply polls. Ctrl-C (KeyboardInterrupt) or SIGTERM stop it
cleanly: an interrupted batch rolls back whole and is applied again by the next run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager

from ledger.application import Ledger
from ledger.projections.catchup import CatchUp
from ledger.projections.migrate import check_current
from ledger.projections.registry import checked_names
from ledger.store.read_models.opening import opened


class Poll(AbstractContextManager["Poll"]):
    """Wait a fixed interval (SQLite)."""

    def wait(self, seconds: float) -> None:
        time.sleep(seconds)

    def __exit__(self, *exc: object) -> None:
        return None


class Listen(Poll):
    """Wait for a NOTIFY on the events channel, at most ``seconds`` (PostgreSQL)."""

    def __init__(self, ledger: Ledger, channel: str) -> None:
        # Here, not at the top: a SQLite store never loads the PostgreSQL driver.
        import psycopg

        from ledger.store.read_models.postgres import conninfo

        self.connection = psycopg.connect(conninfo(ledger.env), autocommit=True)
        self.connection.execute(f'LISTEN "{channel}"')

    def wait(self, seconds: float) -> None:
        for _ in self.connection.notifies(timeout=seconds, stop_after=1):
            pass

    def __exit__(self, *exc: object) -> None:
        self.connection.close()


def waiter_for(ledger: Ledger) -> Poll:
    channel = getattr(ledger.recorder, "channel_name", None)
    if channel is None:
        return Poll()
    return Listen(ledger, channel)


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
    with opened(ledger.env) as store, waiter_for(ledger) as waiter:
        check_current(store)
        while not should_stop():
            counts = CatchUp(ledger, store, chosen, "", batch_size).run()
            if any(counts.values()):
                totals = {name: totals[name] + counts[name] for name in chosen}
                if on_progress is not None:
                    on_progress(counts)
            waiter.wait(poll_seconds)
    return totals
