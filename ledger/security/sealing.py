"""Bind a store to its cipher key at ``llr init``; check the key each time it is opened.

A store made before these settings existed (or by code that never ran ``llr init``) has
no record; then its first stored event tells: it either decodes with the key given (or
without one), or the key is wrong, missing or unexpected.
"""

from __future__ import annotations

import json
from typing import Any

from ledger.security.keys import (
    ENCRYPTED,
    check_settings,
    key_missing,
    key_not_expected,
    mismatch,
    settings_for,
)
from ledger.security.tables import SecurityTables


def seal_store(tables: SecurityTables, recorder: Any, mapper: Any) -> bool:
    """Create the security tables and record the store's encryption; True if encrypted.

    A store sealed before is only checked: its encryption cannot change here.
    """
    tables.create()
    recorded = tables.settings() or {}
    if ENCRYPTED not in recorded:
        probe(recorder, mapper)
        tables.add_settings(settings_for(mapper.cipher))
        recorded = tables.settings() or {}  # another init may have sealed it first
    check_settings(recorded, mapper.cipher)
    return recorded.get(ENCRYPTED) == "true"


def check_store(tables: SecurityTables, recorder: Any, mapper: Any) -> None:
    """Refuse a cipher key that does not fit the store, before anything is read."""
    recorded = tables.settings()
    if recorded and ENCRYPTED in recorded:
        check_settings(recorded, mapper.cipher)
    else:
        probe(recorder, mapper)


def probe(recorder: Any, mapper: Any) -> None:
    """Decode the first stored event with the mapper as configured, or say why not."""
    page = recorder.select_notifications(start=0, limit=1, inclusive_of_start=False)
    if not page:
        return
    try:
        mapper.to_domain_event(page[0])
    except Exception:  # the cipher's ValueError, JSON's, or a decompressor's: all mean one thing
        if mapper.cipher is None:
            raise key_missing() from None
        if looks_plain(page[0].state):
            raise key_not_expected() from None
        raise mismatch() from None


def looks_plain(state: bytes) -> bool:
    try:
        return isinstance(json.loads(state), dict)
    except ValueError:
        return False
