"""The hash chain of one account's stream: each event names the hash of the one before.

Tamper evidence the event store does not give: an event changed, removed or reordered
after it was written no longer matches the ``prev_hash`` recorded by its successor. The
hash is over a canonical JSON form of the event's own fields, so anyone can recompute it.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import Any
from uuid import UUID

GENESIS = ""


def canonical(value: Any) -> Any:
    """Plain JSON values, with dates, times and ids as ISO / hex text."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return value.hex
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [canonical(v) for v in value]
    return value


def _plain(value: Any) -> Any:
    """JSON for the few non-JSON values in events: dates and times as ISO, ids as hex."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return value.hex
    raise TypeError(f"{type(value).__name__} has no canonical JSON form")


# One encoder for every event: hashing is on the hot path of every command and replay.
_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain
)


def event_hash(event: Any) -> str:
    """SHA-256 over the event's name and fields, as sorted, compact, UTF-8 JSON."""
    body = {"event": type(event).__qualname__, **event.__dict__}
    return hashlib.sha256(_ENCODER.encode(body).encode("utf-8")).hexdigest()
