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


def event_hash(event: Any) -> str:
    """SHA-256 over the event's name and fields, as sorted, compact, UTF-8 JSON."""
    body = {"event": type(event).__qualname__, **canonical(event.__dict__)}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
