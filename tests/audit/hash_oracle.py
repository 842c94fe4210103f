"""An event's chain hash written again from docs/audit.md, apart from ledger/domain/chain.py,
so a test can hold the one the ledger uses to the documented algorithm: SHA-256 over the
event's class name and fields as sorted, compact, UTF-8 JSON, with dates and times as ISO
text and ids as hex. Plain ``json.dumps``: slow, and not meant to be anything else."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import Any
from uuid import UUID


def as_text(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return value.hex
    raise TypeError(f"an event field of type {type(value).__name__} has no canonical form")


def documented_event_hash(event: Any) -> str:
    body = {"event": type(event).__qualname__, **event.__dict__}
    text = json.dumps(
        body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=as_text
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
