"""PostgreSQL enforces the roles too: ``llr db roles`` gives each llr role only the grants it
needs and makes stored events append-only, even for their owner. Each test connects as a
role (``SET ROLE``) or as a login in it, and shows what it can and cannot do."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import errors, sql

from tests.cli.conftest import ADMIN, EMPLOYER, INSZ, Llr
from tests.conftest import TEST_ID_KEY
from tests.security.conftest import event_count

LOGINS = {role: f"llr_t{os.getpid()}_{role}" for role in ("backoffice", "auditor", "importer")}
CHANGES = ("UPDATE ledger_events SET topic = topic", "DELETE FROM ledger_events")


@pytest.fixture
def hardened(postgres_url: str) -> Llr:
    """A PostgreSQL store with one citizen, after ``llr db roles``."""
    llr = Llr({"LLR_DATABASE": postgres_url, "LLR_ID_KEY": TEST_ID_KEY, "LLR_ACTOR": "owner"})
    llr.ok("init", **ADMIN)
    llr.ok("open", INSZ, "--status", "employee", "--on", "2024-09-01")
    llr.ok("db", "roles", **ADMIN)
    return llr


@pytest.fixture
def logins(hardened: Llr) -> Iterator[dict[str, str]]:
    """A login user in each role; the URL to connect as it."""
    url = hardened.env["LLR_DATABASE"]
    with psycopg.connect(url, autocommit=True) as connection:
        for role, login in LOGINS.items():
            connection.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(login)))
            connection.execute(
                sql.SQL("CREATE ROLE {} LOGIN IN ROLE {}").format(
                    sql.Identifier(login), sql.Identifier(f"llr_{role}")
                )
            )
    yield {role: url.replace("postgres@", f"{login}@", 1) for role, login in LOGINS.items()}
    with psycopg.connect(url, autocommit=True) as connection:
        for login in LOGINS.values():
            connection.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(login)))
            connection.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(login)))


def as_role(url: str, role: str, statement: str, maintenance: bool = False) -> None:
    """Run one statement as ``role`` (SET ROLE), in a transaction that is rolled back."""
    with psycopg.connect(url) as connection:
        connection.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(role)))
        if maintenance:
            connection.execute("SET LOCAL llr.maintenance = 'on'")
        connection.execute(statement)
        connection.rollback()


def allowed(url: str, role: str, table: str, privilege: str) -> bool:
    with psycopg.connect(url) as connection:
        row = connection.execute(
            "SELECT has_table_privilege(%s, %s, %s)", (role, table, privilege)
        ).fetchone()
    assert row is not None
    return bool(row[0])


GRANTED = [
    ("llr_backoffice", "ledger_events", "SELECT", True),
    ("llr_backoffice", "ledger_events", "INSERT", True),
    ("llr_backoffice", "ledger_events", "UPDATE", False),
    ("llr_backoffice", "ledger_events", "DELETE", False),
    ("llr_backoffice", "access_log", "INSERT", True),
    ("llr_backoffice", "access_log", "UPDATE", False),
    ("llr_auditor", "ledger_events", "SELECT", True),
    ("llr_auditor", "ledger_events", "INSERT", False),
    ("llr_auditor", "ledger_snapshots", "INSERT", False),
    ("llr_auditor", "access_log", "SELECT", True),
    ("llr_importer", "ledger_events", "INSERT", True),
    ("llr_importer", "access_log", "SELECT", False),
    ("llr_importer", "llr_settings", "UPDATE", False),
]


def test_each_role_has_only_the_grants_it_needs(hardened: Llr) -> None:
    url = hardened.env["LLR_DATABASE"]

    wrong = [grant for grant in GRANTED if allowed(url, *grant[:3]) is not grant[3]]

    assert wrong == []


def test_the_auditor_role_can_select_but_not_insert(hardened: Llr) -> None:
    url = hardened.env["LLR_DATABASE"]

    as_role(url, "llr_auditor", "SELECT count(*) FROM ledger_events")
    with pytest.raises(errors.InsufficientPrivilege):
        as_role(url, "llr_auditor", "INSERT INTO llr_settings VALUES ('x', 'y')")


def test_no_role_can_change_or_remove_a_stored_event(hardened: Llr) -> None:
    url = hardened.env["LLR_DATABASE"]
    let_through = []

    for role in ("llr_backoffice", "llr_auditor", "llr_importer", "llr_admin"):
        for statement in (*CHANGES, "TRUNCATE ledger_events"):
            try:
                as_role(url, role, statement)
            except errors.InsufficientPrivilege:
                continue
            let_through.append((role, statement))

    assert let_through == []


@pytest.mark.parametrize("statement", CHANGES)
def test_the_trigger_refuses_even_the_owner_without_the_maintenance_switch(
    hardened: Llr, statement: str
) -> None:
    with pytest.raises(errors.InsufficientPrivilege, match="append-only"):
        as_role(hardened.env["LLR_DATABASE"], "llr_admin", statement)


def test_with_the_maintenance_switch_the_owner_may_change_an_event(hardened: Llr) -> None:
    url = hardened.env["LLR_DATABASE"]

    as_role(url, "llr_admin", "UPDATE ledger_events SET topic = topic", maintenance=True)

    assert event_count(url) == 1  # rolled back: the test changes nothing for good


def test_the_maintenance_switch_opens_nothing_for_a_role_that_is_not_the_owner(
    hardened: Llr,
) -> None:
    with pytest.raises(errors.InsufficientPrivilege, match="append-only"):
        as_role(
            hardened.env["LLR_DATABASE"], "llr_backoffice", "TRUNCATE ledger_events",
            maintenance=True,
        )  # fmt: skip


def test_a_backoffice_login_runs_the_ledger_but_cannot_update_an_event(
    hardened: Llr, logins: dict[str, str]
) -> None:
    clerk = Llr({**hardened.env, "LLR_DATABASE": logins["backoffice"], "LLR_ACTOR": "clerk"})

    clerk.ok(
        "grant", INSZ, "vov-hours", "5", "--source", EMPLOYER, "--on", "2024-09-02", "--ref", "G1"
    )
    balance = clerk.json("balance", INSZ, "--as-of", "2024-09-03")
    with pytest.raises(errors.InsufficientPrivilege), psycopg.connect(logins["backoffice"]) as c:
        c.execute("UPDATE ledger_events SET state = state WHERE originator_version = 1")

    assert balance["rights"]["vov-hours"]["usable"] == 5


def test_an_auditor_login_claiming_to_be_backoffice_is_stopped_by_the_database(
    hardened: Llr, logins: dict[str, str]
) -> None:
    url = hardened.env["LLR_DATABASE"]
    liar = Llr({**hardened.env, "LLR_DATABASE": logins["auditor"], "LLR_ROLE": "backoffice"})

    message = liar.refused(
        "grant", INSZ, "vov-hours", "5", "--source", EMPLOYER, "--on", "2024-09-02", "--ref", "G1"
    )

    assert "refused this to your database user: permission denied for table" in message
    assert event_count(url) == 1


def test_as_an_importer_login_a_balance_read_is_refused(
    hardened: Llr, logins: dict[str, str]
) -> None:
    importer = Llr(
        {**hardened.env, "LLR_DATABASE": logins["importer"], "LLR_ROLE": f"importer:{EMPLOYER}"}
    )

    message = importer.refused("balance", INSZ)

    assert f"role importer:{EMPLOYER} may not read a citizen's account" in message


def test_llr_init_alone_does_not_guard_the_events_so_tamper_tests_can_edit_them(
    postgres_url: str,
) -> None:
    llr = Llr({"LLR_DATABASE": postgres_url, "LLR_ID_KEY": TEST_ID_KEY})
    llr.ok("init", **ADMIN)
    llr.ok("open", INSZ, "--status", "employee", "--on", "2024-09-01")

    with psycopg.connect(postgres_url) as connection:
        changed = connection.execute("UPDATE ledger_events SET topic = topic").rowcount

    assert changed == 1


def test_running_db_roles_again_changes_nothing_it_needs(hardened: Llr) -> None:
    result = hardened.ok("db", "roles", **ADMIN)

    assert result.stdout.startswith("roles created: none (all existed)\n")
    assert allowed(hardened.env["LLR_DATABASE"], "llr_auditor", "ledger_events", "INSERT") is False


def test_db_roles_is_for_the_admin(hardened: Llr) -> None:
    message = hardened.refused("db", "roles")

    assert "role backoffice may not manage database roles" in message


def test_db_roles_on_sqlite_is_refused_with_what_to_do_instead(tmp_path: Path) -> None:
    llr = Llr({"LLR_DATABASE": str(tmp_path / "llr.sqlite3"), "LLR_ID_KEY": TEST_ID_KEY})
    llr.ok("init", **ADMIN)

    message = llr.refused("db", "roles", **ADMIN)

    assert "database roles exist on PostgreSQL only" in message


def test_an_importer_login_imports_and_is_told_the_read_models_wait_for_an_admin(
    hardened: Llr, logins: dict[str, str], tmp_path: Path
) -> None:
    importer = Llr(
        {**hardened.env, "LLR_DATABASE": logins["importer"], "LLR_ROLE": f"importer:{EMPLOYER}"}
    )
    lines = tmp_path / "grants.csv"
    lines.write_text(
        "kind;insz;on;right;amount;expires_on;training;provider;status;reference\n"
        f"grant;{INSZ};2024-09-02;vov-hours;3;;;;;IMPORTED-1\n",
        encoding="utf-8",
    )

    result = importer.ok("import", str(lines), "--source", EMPLOYER)

    assert "warning: read models not brought up to date (permission denied for table" in (
        result.stderr
    )
    assert "run 'llr projections run' as admin" in result.stderr
