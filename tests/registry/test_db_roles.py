"""``llr db roles`` on PostgreSQL covers the registry: its events table is append-only, the
back office writes it, every other role only reads it."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import errors, sql

from tests.llr import ADMIN, Llr
from tests.registry.support import KBO, VOV
from tests.stores import TEST_ID_KEY, reset_postgres


@pytest.fixture
def hardened(postgres_database: str) -> Llr:
    """A PostgreSQL store with one provider, after ``llr db roles``."""
    reset_postgres(postgres_database)
    llr = Llr({"LLR_DATABASE": postgres_database, "LLR_ID_KEY": TEST_ID_KEY, "LLR_ACTOR": "o"})
    llr.ok("init", **ADMIN)
    llr.ok("registry", "provider", "add", KBO, "--name", "Syntra West", "--recognised-for",
           VOV, "--from", "2024-01-01")  # fmt: skip
    llr.ok("db", "roles", **ADMIN)
    return llr


def allowed(url: str, role: str, table: str, privilege: str) -> bool:
    with psycopg.connect(url) as connection:
        row = connection.execute(
            "SELECT has_table_privilege(%s, %s, %s)", (role, table, privilege)
        ).fetchone()
    return bool(row and row[0])


GRANTED = [
    ("llr_backoffice", "registry_events", "INSERT", True),
    ("llr_backoffice", "registry_events", "UPDATE", False),
    ("llr_backoffice", "registry_trainings", "UPDATE", True),
    ("llr_auditor", "registry_events", "SELECT", True),
    ("llr_auditor", "registry_events", "INSERT", False),
    ("llr_auditor", "registry_providers", "SELECT", True),
    ("llr_importer", "registry_events", "SELECT", True),
    ("llr_importer", "registry_events", "INSERT", False),
    ("llr_importer", "registry_trainings", "INSERT", False),
]


def test_each_role_has_only_the_registry_grants_it_needs(hardened: Llr) -> None:
    url = hardened.env["LLR_DATABASE"]

    wrong = [grant for grant in GRANTED if allowed(url, *grant[:3]) is not grant[3]]

    assert wrong == []


@pytest.mark.parametrize("statement", ["UPDATE registry_events SET topic = topic",
                                       "DELETE FROM registry_events"])  # fmt: skip
def test_not_even_the_owner_changes_a_registry_event(hardened: Llr, statement: str) -> None:
    with psycopg.connect(hardened.env["LLR_DATABASE"]) as connection:
        connection.execute(sql.SQL("SET ROLE {}").format(sql.Identifier("llr_admin")))
        with pytest.raises(errors.InsufficientPrivilege, match="append-only"):
            connection.execute(statement)
