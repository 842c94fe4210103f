"""Bind a store to its cipher key at ``llr init``; check the key each time it is opened.

A store made before these settings existed (or by code that never ran ``llr init``, or
whose settings someone deleted) has no record; then its first stored events tell: with the
right key (or rightly none) they decode, with a wrong, missing or unexpected key none does.
When the first does not decode but a later one does, the key is right and that record is
damaged: ordinary commands are refused with that diagnosis, and an audit goes on, so that
``llr audit verify`` can name the record as a finding.
"""

from __future__ import annotations

import json
from typing import Any

from ledger.domain.errors import LedgerError
from ledger.security.keys import (
    ENCRYPTED,
    check_settings,
    key_missing,
    key_not_expected,
    mismatch,
    settings_for,
)
from ledger.store.security_tables import SecurityTables


def bind_store_key(tables: SecurityTables, recorder: Any, mapper: Any) -> bool:
    """Create the security tables and record the store's encryption; True if encrypted.

    A store bound before is only checked: its encryption cannot change here.
    """
    tables.create()
    recorded = tables.settings() or {}
    if ENCRYPTED not in recorded:
        probe(recorder, mapper)
        tables.add_settings(settings_for(mapper.cipher))
        recorded = tables.settings() or {}  # another init may have bound it first
    check_settings(recorded, mapper.cipher)
    return recorded.get(ENCRYPTED) == "true"


# Records the key check may read when the first does not decode. A wrong key decodes none
# of them (AES-GCM authenticates each record); a damaged first record is followed by
# readable ones.
PROBED = 100


class StoreDamagedError(LedgerError):
    """The key fits the store, but its first stored record does not decode."""


def check_store_key(
    tables: SecurityTables, recorder: Any, mapper: Any, *, for_audit: bool = False
) -> None:
    """Refuse a cipher key that does not fit the store, before anything is read.

    ``for_audit`` lets a store whose first record is damaged through (the key still has
    to fit): the audit reads every record and reports that one as a finding.
    """
    recorded = tables.settings()
    if recorded and ENCRYPTED in recorded:
        check_settings(recorded, mapper.cipher)
    else:
        probe(recorder, mapper, damage_allowed=for_audit)


def probe(recorder: Any, mapper: Any, damage_allowed: bool = False) -> None:
    """Decode the first stored events with the mapper as configured, or say why not."""
    page = recorder.select_notifications(start=0, limit=PROBED, inclusive_of_start=False)
    if not page or decodes(mapper, page[0]):
        return
    if any(decodes(mapper, record) for record in page[1:]):
        if damage_allowed:
            return
        raise damaged(page[0])
    if mapper.cipher is None:
        raise key_missing()
    if any(looks_plain(record.state) for record in page):
        raise key_not_expected()
    raise mismatch()


def decodes(mapper: Any, record: Any) -> bool:
    try:
        mapper.to_domain_event(record)
    except Exception:  # the cipher's ValueError, JSON's, or a decompressor's: all mean one thing
        return False
    return True


def damaged(record: Any) -> StoreDamagedError:
    return StoreDamagedError(
        f"the store's first record (event {record.originator_version} of account "
        f"{record.originator_id.hex}) does not decode although later ones do: the stored "
        "history was altered or damaged; an auditor's 'llr audit verify' names what changed"
    )


def looks_plain(state: bytes) -> bool:
    try:
        return isinstance(json.loads(state), dict)
    except ValueError:
        return False
