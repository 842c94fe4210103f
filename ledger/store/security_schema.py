"""The security tables' names and DDL: a migration like the read models', which ``llr init``
also runs itself, before the read models' migrations, since the store's cipher key is bound
in these tables (``ledger/security/store_key.py``)."""

from __future__ import annotations

from importlib.resources import files

from ledger.store.backend import Backend

SETTINGS_TABLE, ACCESS_TABLE = "llr_settings", "access_log"
SECURITY_MIGRATION = "0003_security_tables.sql"


def security_script(backend: Backend) -> str:
    """The security tables' migration for ``backend``; every statement may run again."""
    folder = files("ledger.store") / "migrations" / backend
    return (folder / SECURITY_MIGRATION).read_text(encoding="utf-8")
