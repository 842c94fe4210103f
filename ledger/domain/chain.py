"""The hash chain of one account's stream: each event names the hash of the one before.

Tamper evidence the event store does not give: an event changed, removed or reordered
after it was written no longer matches the ``prev_hash`` recorded by its successor. The
hash is over a canonical JSON form of the event's own fields, so anyone can recompute it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from uuid import UUID

from ledger.perf.jsonfast import compact_json_encoder

GENESIS = ""
# Where an upcaster keeps the fields it changed, as they were stored: an event read from
# an older version is hashed as it was written (``event_hash``), or its chain would break.
AS_STORED = "_as_stored"


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


_PLAIN: dict[type, Callable[[Any], str]] = {
    date: date.isoformat,
    datetime: datetime.isoformat,
    UUID: lambda value: value.hex,
}


def _plain(value: Any) -> Any:
    """JSON for the few non-JSON values in events: dates and times as ISO, ids as hex."""
    convert = _PLAIN.get(type(value))  # by exact type: called for every date of every event
    if convert is None:
        return canonical(value) if isinstance(value, date | UUID) else _no_form(value)
    return convert(value)


def _no_form(value: Any) -> Any:
    raise TypeError(f"{type(value).__name__} has no canonical JSON form")


# Every event written (and every event an audit reads) is hashed: the encoder is made once.
_ENCODE = compact_json_encoder(_plain, sort_keys=True)


def event_hash(event: Any) -> str:
    """SHA-256 over the event's name and fields, as sorted, compact, UTF-8 JSON.

    The fields as stored: those an upcaster changed on reading count with the values it
    kept under ``AS_STORED`` (which itself is not hashed).
    """
    fields = event.__dict__
    if AS_STORED in fields:
        fields = {k: v for k, v in fields.items() if k != AS_STORED} | fields[AS_STORED]
    body = {
        "event": type(event).__qualname__,
        **fields,
        # Every event has these two: converted here, not by a call back from the encoder.
        "originator_id": fields["originator_id"].hex,
        "timestamp": fields["timestamp"].isoformat(),
    }
    return hashlib.sha256(_ENCODE(body).encode("utf-8")).hexdigest()
