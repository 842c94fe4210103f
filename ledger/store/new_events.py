"""Waiting for new events: a NOTIFY on PostgreSQL (the library sends one on every insert),
a plain poll on SQLite, which has no notifications.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from contextlib import AbstractContextManager


class Poll(AbstractContextManager["Poll"]):
    """Wait a fixed interval (SQLite)."""

    def wait(self, seconds: float) -> None:
        time.sleep(seconds)

    def __exit__(self, *exc: object) -> None:
        return None


class Listen(Poll):
    """Wait for a NOTIFY on the events channel, at most ``seconds`` (PostgreSQL)."""

    def __init__(self, env: Mapping[str, str], channel: str) -> None:
        # Here, not at the top: a SQLite store never loads the PostgreSQL driver.
        import psycopg

        from ledger.store.read_models.postgres import conninfo

        self.connection = psycopg.connect(conninfo(env), autocommit=True)
        self.connection.execute(f'LISTEN "{channel}"')

    def wait(self, seconds: float) -> None:
        for _ in self.connection.notifies(timeout=seconds, stop_after=1):
            pass

    def __exit__(self, *exc: object) -> None:
        self.connection.close()


def waiter_for(recorder: object, env: Mapping[str, str]) -> Poll:
    """How to wait for new events in this store: LISTEN where the recorder NOTIFYs."""
    channel = getattr(recorder, "channel_name", None)
    if channel is None:
        return Poll()
    return Listen(env, channel)
