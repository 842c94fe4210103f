"""The session store on its own: the idle timeout, and rows that give away no cookie."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from console.sessions import SessionStore, new_session
from ledger.domain.errors import InvalidInputError


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_session_idle_longer_than_the_timeout_is_gone_and_a_used_one_lives_on(
    tmp_path: Path,
) -> None:
    clock = Clock()
    store = SessionStore(tmp_path, idle_seconds=600, clock=clock)
    used, idle = store.start(new_session()), store.start(new_session())

    for _ in range(3):  # 15 minutes of use, a request every 5 minutes
        clock.now += 300
        assert store.find(used) is not None
    assert store.find(idle) is None  # 15 minutes idle
    clock.now += 601
    assert store.find(used) is None
    with sqlite3.connect(store.path) as db:  # deleted, not merely refused
        assert db.execute("SELECT count(*) FROM sessions").fetchone() == (0,)


def test_the_store_keeps_a_hash_of_the_session_id_never_the_id(tmp_path: Path) -> None:
    store = SessionStore(tmp_path, idle_seconds=600)
    session_id = store.start(new_session())

    with sqlite3.connect(store.path) as db:
        keys = [row[0] for row in db.execute("SELECT key FROM sessions")]

    assert keys == [hashlib.sha256(session_id.encode()).hexdigest()]


def test_a_session_folder_that_others_may_enter_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o777)
    folder.chmod(0o777)  # mkdir's mode is cut by the umask

    with pytest.raises(InvalidInputError, match="chmod 700"):
        SessionStore(folder, idle_seconds=600)
    folder.chmod(0o700)
    SessionStore(folder, idle_seconds=600)  # closed to others: taken
