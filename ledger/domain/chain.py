"""The hash chain of one account's stream: each event names the hash of the one before.

Tamper evidence the event store does not give: an event changed, removed or reordered
after it was written no longer matches the ``prev_hash`` recorded by its successor. The
hash is over a canonical JSON form of the event's own fields, so anyone can recompute it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date, datetime
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
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


def _sorted_compact_encoder() -> Callable[[Any], str]:
    """``json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False,
    default=_plain).encode`` with its C encoder built once, not on every call.

    The same trick as ``ledger/perf/jsonfast.py``, which the domain may not import: the
    public encoder rebuilds the C encoder on every call, and every event written (and
    every event an audit reads) is hashed, so the rebuild would cost on every event.
    """
    if c_make_encoder is None:  # pragma: no cover - CPython always has it
        return json.JSONEncoder(
            sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain
        ).encode
    # markers=None: no circular-reference check; events are trees.
    chunks = c_make_encoder(None, _plain, encode_basestring, None, ":", ",", True, False, True)

    def encode(value: Any) -> str:
        return "".join(chunks(value, 0))

    return encode


_ENCODE = _sorted_compact_encoder()


def event_hash(event: Any) -> str:
    """SHA-256 over the event's name and fields, as sorted, compact, UTF-8 JSON."""
    fields = event.__dict__
    body = {
        "event": type(event).__qualname__,
        **fields,
        # Every event has these two: converted here, not by a call back from the encoder.
        "originator_id": fields["originator_id"].hex,
        "timestamp": fields["timestamp"].isoformat(),
    }
    return hashlib.sha256(_ENCODE(body).encode("utf-8")).hexdigest()
