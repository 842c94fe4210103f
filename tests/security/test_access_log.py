"""The access log: every read of one citizen's data is recorded before it happens, and
``llr access-log`` shows the citizen who looked, when, in which role and why."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime

import psycopg
import pytest

from tests.builders import INSZ
from tests.llr import Llr
from tests.stores import ledger_on

ENTRY_KEYS = {"recorded_at", "actor", "role", "action", "reason", "readable"}


def test_each_read_of_a_citizen_appends_who_role_what_and_why(with_account: Llr) -> None:
    with_account.ok("balance", INSZ, "--reason", "citizen called about her balance")
    with_account.ok("history", INSZ, "--reason", "complaint 2025-017", LLR_ACTOR="staff:7")
    with_account.ok("explain", INSZ, "vov-hours", LLR_ROLE="auditor", LLR_ACTOR="audit:1")

    log = with_account.json("access-log", INSZ)

    assert [(e["actor"], e["role"], e["action"], e["reason"]) for e in log["entries"]] == [
        ("test:staff", "backoffice", "balance", "citizen called about her balance"),
        ("staff:7", "backoffice", "history", "complaint 2025-017"),
        ("audit:1", "auditor", "explain", "test: checking the ledger"),
    ]
    assert all(set(e) == ENTRY_KEYS for e in log["entries"])
    assert datetime.fromisoformat(log["entries"][0]["recorded_at"]).tzinfo is not None


def test_the_access_log_names_the_account_not_the_insz(with_account: Llr) -> None:
    with_account.ok("balance", INSZ)

    log = with_account.json("access-log", INSZ, LLR_ROLE="auditor")

    assert log["insz"] == "93.05.18-***.**"
    assert len(log["account_id"]) == 36


def test_a_backoffice_read_without_a_reason_exits_1_and_records_nothing(
    with_account: Llr,
) -> None:
    result = with_account.bare("balance", INSZ)

    assert (result.exit_code, result.stdout) == (1, "")
    assert "role backoffice must give a reason to read a citizen's data: add --reason" in (
        result.stderr
    )
    assert with_account.json("access-log", INSZ)["entries"] == []


def test_a_blank_reason_counts_as_none(with_account: Llr) -> None:
    message = with_account.refused("balance", INSZ, "--reason", "   ")

    assert "must give a reason" in message


def test_an_auditor_may_read_without_a_reason_and_is_still_logged(with_account: Llr) -> None:
    result = with_account.bare("balance", INSZ, LLR_ROLE="auditor")

    (entry,) = with_account.json("access-log", INSZ)["entries"]

    assert result.exit_code == 0
    assert (entry["role"], entry["reason"]) == ("auditor", None)


def test_a_look_up_of_a_citizen_without_account_is_logged_too(ready: Llr) -> None:
    ready.refused("balance", INSZ, "--reason", "does she have an account?")

    (entry,) = ready.json("access-log", INSZ)["entries"]

    assert entry["reason"] == "does she have an account?"


def test_the_access_log_as_text_has_one_line_per_read(with_account: Llr) -> None:
    with_account.ok("balance", INSZ, "--reason", "citizen called")

    lines = with_account.ok("access-log", INSZ).stdout.splitlines()

    assert lines[0] == "Access log of 93.05.18-223.61: 1 read"
    assert lines[-1].endswith("test:staff  backoffice  balance  citizen called")


def test_an_importer_may_not_read_the_access_log(with_account: Llr) -> None:
    message = with_account.refused("access-log", INSZ, LLR_ROLE="importer:flemish-government")

    assert "may not read the access log" in message


REFUSALS = (psycopg.errors.InsufficientPrivilege, sqlite3.IntegrityError)


def run_as_owner(database: str, statement: str) -> None:
    if database.startswith("postgresql://"):
        with psycopg.connect(database) as connection:
            connection.execute(statement)
        return
    with closing(sqlite3.connect(database)) as connection, connection:
        connection.execute(statement)


def test_the_stored_access_log_refuses_update_and_delete(
    with_account: Llr, cli_env: dict[str, str]
) -> None:
    with_account.ok("balance", INSZ)
    database = cli_env["LLR_DATABASE"]

    for statement in ("UPDATE access_log SET account_id = account_id", "DELETE FROM access_log"):
        with pytest.raises(REFUSALS, match="append-only"):
            run_as_owner(database, statement)

    assert len(with_account.json("access-log", INSZ)["entries"]) == 1


def test_a_damaged_record_shows_as_unreadable_not_as_an_error(
    with_account: Llr, cli_env: dict[str, str]
) -> None:
    with_account.ok("balance", INSZ)
    ledger = ledger_on(cli_env["LLR_DATABASE"])
    try:
        account_id = ledger.account_id_for(INSZ)
        ledger.security.append_access(account_id, datetime.now().astimezone(), b"\xff garbage")
    finally:
        ledger.close()

    entries = with_account.json("access-log", INSZ)["entries"]

    assert [e["readable"] for e in entries] == [True, False]
