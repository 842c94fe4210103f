"""Server-side sessions: the cookie holds a random id, the server everything else.

The store is one SQLite file (Python's ``sqlite3``, not the ledger's store) that every
worker of ``llr serve`` on a host shares, so a session signed in on one worker is known to
the next and a sign-out on one ends it on all. Rows are keyed by the SHA-256 of the id: a
copy of the file gives no cookie that works. A session idle longer than the timeout is
deleted when next seen, and every expired row goes whenever a session starts.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ledger.domain.errors import InvalidInputError

SCHEMA = "CREATE TABLE IF NOT EXISTS sessions (key TEXT PRIMARY KEY, data TEXT NOT NULL, " \
    "last_seen REAL NOT NULL)"  # fmt: skip


@dataclass(frozen=True)
class Session:
    """What the server keeps for one browser. Signed in once ``actor`` is set."""

    csrf: str
    language: str = "nl"
    actor: str | None = None
    role: str | None = None
    credential: str | None = None  # token:<id>, test, ...: what proved the actor
    # The citizen in view and the reason given for it: kept here, not in the page, so
    # that no page (not even a hidden field) holds an INSZ its reader may not see.
    insz: str | None = None
    reason: str | None = None
    # The moment (Unix time) the session ends however busy it is: an OpenID Connect
    # sign-in's (docs/console-oidc.md); None: only the idle timeout ends it.
    ends_at: float | None = None
    # OpenID Connect's own: before sign-in the flows started (state, nonce, PKCE verifier),
    # after it the ID token (the provider's hint at sign-out).
    oidc: dict[str, Any] | None = None

    @property
    def signed_in(self) -> bool:
        return self.actor is not None


def private_folder(folder: Path) -> None:
    """Refuse a session folder that another user owns or may enter: in a shared /tmp,
    someone could have made it first to read or plant sessions."""
    status = folder.stat()
    if status.st_uid != os.getuid() or status.st_mode & 0o077:
        raise InvalidInputError(
            f"the console's session folder {folder} must belong to this user and be closed "
            "to others (chmod 700), or set LLR_CONSOLE_SESSION_DIR to one that is"
        )


def new_session(language: str = "nl") -> Session:
    return Session(csrf=secrets.token_urlsafe(32), language=language)


def key_of(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class SessionStore:
    def __init__(
        self, folder: Path, idle_seconds: float, clock: Callable[[], float] = time.time
    ) -> None:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        private_folder(folder)
        self.path = folder / "sessions.sqlite3"
        self.idle_seconds, self.clock = idle_seconds, clock
        with self.connected() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(SCHEMA)

    @contextmanager
    def connected(self) -> Iterator[sqlite3.Connection]:
        # A connection per call: requests run in many threads and several processes.
        with closing(sqlite3.connect(self.path, timeout=10)) as db, db:
            yield db

    def start(self, session: Session) -> str:
        """Store a new session; its id, for the cookie (never stored as such)."""
        session_id = secrets.token_urlsafe(32)
        now = self.clock()
        with self.connected() as db:
            db.execute("DELETE FROM sessions WHERE last_seen < ?", (now - self.idle_seconds,))
            db.execute(
                "INSERT INTO sessions VALUES (?, ?, ?)",
                (key_of(session_id), json.dumps(asdict(session)), now),
            )
        return session_id

    def find(self, session_id: str | None) -> Session | None:
        """The live session of this id, its idle clock restarted; None when unknown, idle
        too long or past its end (then it is gone for good)."""
        if not session_id:
            return None
        key, now = key_of(session_id), self.clock()
        with self.connected() as db:
            row = db.execute("SELECT data, last_seen FROM sessions WHERE key = ?", (key,))
            found = row.fetchone()
            if found is None:
                return None
            session = Session(**json.loads(found[0]))
            if now - found[1] > self.idle_seconds or now >= (session.ends_at or float("inf")):
                db.execute("DELETE FROM sessions WHERE key = ?", (key,))
                return None
            db.execute("UPDATE sessions SET last_seen = ? WHERE key = ?", (now, key))
        return session

    def save(self, session_id: str, session: Session) -> None:
        with self.connected() as db:
            db.execute(
                "UPDATE sessions SET data = ? WHERE key = ?",
                (json.dumps(asdict(session)), key_of(session_id)),
            )

    def end(self, session_id: str) -> None:
        with self.connected() as db:
            db.execute("DELETE FROM sessions WHERE key = ?", (key_of(session_id),))
