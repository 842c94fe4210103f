"""One compact JSON encoder, its C encoder built once instead of on every call.

``json.JSONEncoder.encode`` builds a new C encoder (``c_make_encoder``) on every call;
storing runs it for every event written and every snapshot taken, so the C encoder is
built here once and reused. Without the C speed-ups (not CPython), the plain encoder
does the same work.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import Any


def compact_json_encoder(default: Callable[[Any], Any], sort_keys: bool) -> Callable[[Any], str]:
    """``json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode``, made once."""
    if c_make_encoder is None:  # pragma: no cover - CPython always has it
        encoder = json.JSONEncoder(
            sort_keys=sort_keys, separators=(",", ":"), ensure_ascii=False, default=default
        )
        return encoder.encode
    # markers=None: no circular-reference check; events and snapshots are trees.
    chunks = c_make_encoder(
        None, default, encode_basestring, None, ":", ",", sort_keys, False, True
    )

    def encode(value: Any) -> str:
        return "".join(chunks(value, 0))

    return encode
