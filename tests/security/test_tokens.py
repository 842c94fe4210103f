"""API tokens: issued by an admin, stored as a hash, listed without secrets, revoked for good.

The rules are tested on the in-memory tables; the command line and the append-only tables
on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest

from ledger.domain.errors import InvalidInputError
from ledger.security.tokens import (
    TokenBook,
    hash_of,
    parse_lifetime,
    parse_token,
    refusal,
    secret_matches,
    state_of,
)
from ledger.store.security_tables import SqlTables
from ledger.store.token_tables import MemoryTokenTables, token_tables_for
from tests.builders import EMPLOYER
from tests.llr import ADMIN, Llr
from tests.stores import TEST_ID_KEY, ledger_on

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def book_at(now: datetime, tables: MemoryTokenTables | None = None) -> TokenBook:
    return TokenBook(tables or MemoryTokenTables(), (), clock=lambda: now)


# ------------------------------------------------------------------------- the rules
def test_an_issued_token_reads_llr_id_secret_and_only_the_hash_of_its_secret_is_kept() -> None:
    tables = MemoryTokenTables()
    issued = book_at(NOW, tables).issue("staff:anna", "backoffice", "90d", "staff:root")

    presented = parse_token(issued.text)
    assert presented is not None
    assert presented.token_id == issued.record.token_id
    stored = tables.tokens[presented.token_id]
    assert stored.secret_hash == hash_of(presented.secret) != presented.secret
    assert presented.secret not in repr(stored)
    assert (stored.actor, stored.role, stored.issued_by) == ("staff:anna", "backoffice",
                                                              "staff:root")  # fmt: skip
    assert stored.expires_at == NOW + timedelta(days=90)


def test_two_tokens_never_share_a_secret_and_each_secret_has_32_random_bytes() -> None:
    book = book_at(NOW)
    first, second = (book.issue("staff:anna", "auditor", "1d", "root") for _ in range(2))

    a, b = parse_token(first.text), parse_token(second.text)
    assert a is not None and b is not None
    assert a.secret != b.secret and a.token_id != b.token_id
    assert len(a.secret) == 43  # base64url of 32 bytes


def test_the_secret_is_checked_against_the_hash_and_a_near_miss_fails() -> None:
    secret = "A" * 43
    assert secret_matches(secret, hash_of(secret))
    assert not secret_matches("A" * 42 + "B", hash_of(secret))


@pytest.mark.parametrize(
    ("text", "lifetime"),
    [("90d", timedelta(days=90)), ("12h", timedelta(hours=12)), (" 30D ", timedelta(days=30)),
     ("never", None)],
)  # fmt: skip
def test_a_lifetime_is_days_hours_or_never(text: str, lifetime: timedelta | None) -> None:
    assert parse_lifetime(text) == lifetime


@pytest.mark.parametrize("text", ["0d", "5y", "-1d", "90", "d", "3651d", "1.5d", ""])
def test_a_lifetime_in_another_form_is_refused_naming_the_forms(text: str) -> None:
    with pytest.raises(InvalidInputError, match=r"--expires .*: must be"):
        parse_lifetime(text)


def test_an_importer_token_is_bound_to_its_source_in_canonical_form() -> None:
    issued = book_at(NOW).issue("sender:acme", "importer: employer:0566.988.259", "30d", "root")

    assert issued.record.role == f"importer:{EMPLOYER}"


@pytest.mark.parametrize(
    ("actor", "role", "message"),
    [
        ("staff:anna", "superuser", "--role 'superuser': must be backoffice, auditor"),
        ("staff:anna", "importer", "--role 'importer': an importer imports for one source"),
        ("oidc:someone", "backoffice", "reserved for the service and for callers proved"),
        ("service:llr-serve", "backoffice", "reserved"),
        ("   ", "backoffice", "--actor: must name who holds the token"),
        ("staff:\x1b[2J", "backoffice", "only printable characters"),
    ],
)
def test_a_bad_actor_or_role_is_refused_and_nothing_is_issued(
    actor: str, role: str, message: str
) -> None:
    tables = MemoryTokenTables()
    with pytest.raises(InvalidInputError, match=message.replace("[", r"\[")):
        book_at(NOW, tables).issue(actor, role, "90d", "root")
    assert tables.tokens == {}


def test_a_token_is_refused_once_expired_and_once_revoked_saying_when() -> None:
    tables = MemoryTokenTables()
    record = book_at(NOW, tables).issue("staff:anna", "backoffice", "12h", "root").record

    assert refusal(record, NOW + timedelta(hours=11)) is None
    expired = refusal(record, NOW + timedelta(hours=12))
    assert expired is not None and "expired on 2026-03-01 21:00:00 UTC" in expired
    revoked = book_at(NOW + timedelta(hours=1), tables).revoke(record.token_id, "root", "left")
    assert refusal(revoked, NOW + timedelta(hours=2)) == (
        f"API token {record.token_id} was revoked on 2026-03-01 10:00:00 UTC"
    )
    assert state_of(revoked, NOW) == "revoked"


def test_revoking_twice_or_an_unknown_id_is_refused_and_the_first_revocation_stands() -> None:
    tables = MemoryTokenTables()
    book = book_at(NOW, tables)
    record = book.issue("staff:anna", "backoffice", "never", "root").record
    book.revoke(record.token_id, "root", "laptop stolen")

    with pytest.raises(InvalidInputError, match="revoked already, on 2026-03-01 09:00:00 UTC"):
        book.revoke(record.token_id, "someone-else", None)
    with pytest.raises(InvalidInputError, match="no API token has this id"):
        book.revoke("0" * 16, "root", None)
    with pytest.raises(InvalidInputError, match="must be a token id of 16 hex digits"):
        book.revoke("llr_; DROP TABLE", "root", None)
    stored = tables.tokens[record.token_id]
    assert (stored.revoked_by, stored.revoke_reason) == ("root", "laptop stolen")


# ------------------------------------------------------------- the command line, stored
def issue(llr: Llr, *args: str) -> str:
    result = llr.ok("token", "issue", *args, **ADMIN)
    assert "shown only this once" in result.stderr
    return result.stdout.strip()


def test_only_an_admin_may_issue_list_or_revoke_tokens(ready: Llr) -> None:
    for role in ("backoffice", "auditor", f"importer:{EMPLOYER}"):
        for args in (("issue", "--actor", "x:y", "--role", "auditor"), ("list",),
                     ("revoke", "0" * 16)):  # fmt: skip
            message = ready.refused("token", *args, LLR_ROLE=role)
            assert "may not manage the API tokens of llr serve" in message


def test_issue_list_and_revoke_from_the_command_line_never_show_a_secret_again(
    ready: Llr,
) -> None:
    token = issue(ready, "--actor", "staff:anna", "--role", "backoffice", "--expires", "30d")
    presented = parse_token(token)
    assert presented is not None

    listed = ready.json("token", "list", **ADMIN)
    assert [t["id"] for t in listed] == [presented.token_id]
    assert listed[0] | {"issued_at": None, "expires_at": None} == {
        "id": presented.token_id, "actor": "staff:anna", "role": "backoffice",
        "issued_at": None, "issued_by": "test:staff", "expires_at": None, "state": "active",
        "revoked_at": None, "revoked_by": None, "revoke_reason": None,
    }  # fmt: skip
    revoked = ready.ok("token", "revoke", presented.token_id, "--reason", "left", **ADMIN)
    assert revoked.stdout == f"revoked API token {presented.token_id} of staff:anna (backoffice)\n"
    table = ready.ok("token", "list", **ADMIN).stdout
    assert f"revoked {datetime.now(UTC):%Y-%m-%d}" in table and "by test:staff" in table
    again = ready.refused("token", "revoke", presented.token_id, **ADMIN)
    assert "revoked already" in again
    for shown in (table, str(ready.json("token", "list", **ADMIN))):
        assert presented.secret not in shown and hash_of(presented.secret) not in shown


def raw_rows(database_url: str, sql: str) -> list[tuple[Any, ...]]:
    ledger = ledger_on(database_url)
    try:
        assert isinstance(ledger.security, SqlTables)
        return ledger.security.query(sql)
    finally:
        ledger.close()


def test_the_store_holds_the_hash_of_the_secret_and_never_the_token(
    ready: Llr, database_url: str
) -> None:
    token = issue(ready, "--actor", "staff:anna", "--role", f"importer:{EMPLOYER}")
    presented = parse_token(token)
    assert presented is not None

    rows = raw_rows(database_url, "SELECT * FROM api_tokens")
    assert len(rows) == 1
    assert hash_of(presented.secret) in rows[0]
    assert not any(presented.secret in str(value) or token in str(value) for value in rows[0])


@pytest.mark.parametrize(
    "change",
    ["UPDATE api_tokens SET role = 'admin'", "DELETE FROM api_tokens",
     "UPDATE api_token_revocations SET reason = 'x'", "DELETE FROM api_token_revocations"],
)  # fmt: skip
def test_issued_and_revoked_tokens_are_append_only_in_the_store(
    ready: Llr, database_url: str, change: str
) -> None:
    token = issue(ready, "--actor", "staff:anna", "--role", "backoffice")
    presented = parse_token(token)
    assert presented is not None
    ready.ok("token", "revoke", presented.token_id, **ADMIN)

    ledger = ledger_on(database_url)
    try:
        assert isinstance(ledger.security, SqlTables)
        with pytest.raises(Exception, match="append-only"):
            ledger.security.run(change)
        tokens = token_tables_for(ledger.recorder).all()
    finally:
        ledger.close()
    assert [(t.role, t.revoked_by) for t in tokens] == [("backoffice", "test:staff")]


def test_a_store_without_the_token_migration_says_to_upgrade() -> None:
    class Missing(MemoryTokenTables):
        def ready(self) -> bool:
            return False

    with pytest.raises(InvalidInputError, match="run 'llr db upgrade' as admin"):
        TokenBook(Missing(), ())


def test_db_roles_lets_the_services_role_read_tokens_and_only_the_owner_write_them(
    postgres_url: str,
) -> None:
    llr = Llr({"LLR_DATABASE": postgres_url, "LLR_ID_KEY": TEST_ID_KEY, "LLR_ACTOR": "owner"})
    llr.ok("init", **ADMIN)
    shown = llr.ok("db", "roles", **ADMIN).stdout

    assert "llr_backoffice: " in shown and "api tokens: select" in shown
    assert "api_token_revocations, api_tokens" in shown.splitlines()[-1]
    with psycopg.connect(postgres_url) as connection:
        for role, privilege, expected in [
            ("llr_backoffice", "SELECT", True), ("llr_backoffice", "INSERT", False),
            ("llr_auditor", "SELECT", False), ("llr_importer", "SELECT", False),
        ]:  # fmt: skip
            for table in ("api_tokens", "api_token_revocations"):
                row = connection.execute(
                    "SELECT has_table_privilege(%s, %s, %s)", (role, table, privilege)
                ).fetchone()
                assert row is not None and row[0] is expected, (role, table, privilege)
