"""The security tables (settings and access log) are a migration like the read models', yet
``llr init`` makes them itself, and a store that had them before keeps them as they were."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ledger.application import Ledger
from ledger.config import load_settings
from ledger.store.security_schema import SECURITY_MIGRATION
from tests.cli.conftest import ADMIN, INSZ, Llr

AUDITOR = {"LLR_ROLE": "auditor"}
SECURITY = SECURITY_MIGRATION.removesuffix(".sql")


def test_init_makes_the_security_tables_and_records_their_migration(with_account: Llr) -> None:
    state = with_account.json("db", "status", **ADMIN)
    log = with_account.json("access-log", INSZ, **AUDITOR)

    assert SECURITY in state["applied"] and state["pending"] == []
    assert log["entries"] == []


def test_a_store_made_before_the_migration_upgrades_and_keeps_its_access_log(
    with_account: Llr,
) -> None:
    with_account.ok("balance", INSZ)
    forget_the_security_migration(with_account.env["LLR_DATABASE"])
    pending = with_account.json("db", "status", **ADMIN)["pending"]

    upgraded = with_account.ok("db", "upgrade", **ADMIN).stdout
    again = with_account.ok("init", **ADMIN).stdout
    reads = with_account.json("access-log", INSZ, **AUDITOR)["entries"]

    assert pending == [SECURITY]
    assert upgraded == f"read models: applied {SECURITY}\n"
    assert "read models: up to date" in again
    assert [(read["role"], read["action"]) for read in reads] == [("backoffice", "balance")]


def test_opening_a_sqlite_store_with_its_security_tables_loads_no_postgresql_driver(
    tmp_path: Path,
) -> None:
    database = str(tmp_path / "llr.sqlite3")
    Llr({"LLR_DATABASE": database}).ok("init", **ADMIN)
    script = (
        "import sys\n"
        "from ledger.application import Ledger\n"
        "from ledger.config import load_settings\n"
        f"settings = load_settings({database!r}, {{}})\n"
        "ledger = Ledger(settings.store_env(), id_key=settings.id_key, actor='test')\n"
        "ledger.check_store_key()\n"
        "print(ledger.security.settings() is not None, sorted(m for m in sys.modules "
        "if m.startswith(('psycopg', 'eventsourcing.postgres'))))\n"
    )

    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)

    assert (done.returncode, done.stdout) == (0, "True []\n"), done.stderr


def forget_the_security_migration(database: str) -> None:
    """As on a store made before the security tables' DDL was a migration."""
    settings = load_settings(database, {})
    ledger = Ledger(settings.store_env(), id_key=settings.id_key, actor="test:code")
    try:
        ledger.security.run(  # type: ignore[attr-defined]
            f"DELETE FROM schema_migrations WHERE name = '{SECURITY}'"
        )
    finally:
        ledger.close()

