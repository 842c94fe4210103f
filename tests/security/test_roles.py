"""Roles: one table says what each may do; the Ledger and the command line both keep to it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from cli.context import COMMAND_ACTIONS
from cli.imports import import_command
from cli.main import LedgerGroup, cli
from ledger.application import Ledger
from ledger.domain.errors import InvalidInputError
from ledger.security.roles import (
    PERMISSIONS,
    AccessDeniedError,
    Action,
    ReasonRequiredError,
    Role,
    RoleName,
    parse_role,
    require,
)
from tests.builders import EMPLOYER, INSZ
from tests.llr import ADMIN, Llr
from tests.stores import settings_of

IMPORTER = f"importer:{EMPLOYER}"
GRANT = ("grant", INSZ, "vov-hours", "5", "--source", EMPLOYER, "--on", "2024-09-02", "--ref", "X")


def role(text: str) -> Role:
    return parse_role(text, ())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("backoffice", Role(RoleName.BACKOFFICE)),
        (" Auditor ", Role(RoleName.AUDITOR)),
        ("importer:employer:0566.988.259", Role(RoleName.IMPORTER, EMPLOYER)),
        ("importer:flemish-government", Role(RoleName.IMPORTER, "flemish-government")),
    ],
)
def test_a_role_is_read_from_its_text(text: str, expected: Role) -> None:
    assert parse_role(text, ()) == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("root", "must be backoffice, auditor, admin or importer:<source>"),
        ("importer", "an importer imports for one source"),
        ("admin:everything", "only importer takes a source"),
        ("importer:employer:123", "not a valid enterprise number"),
    ],
)
def test_a_malformed_role_is_refused_naming_llr_role(text: str, words: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        parse_role(text, ())

    assert str(refused.value).startswith(f"LLR_ROLE {text!r}: ")
    assert words in str(refused.value)


@pytest.mark.parametrize(
    ("who", "action"),
    [
        ("auditor", Action.WRITE_ACCOUNT),
        (IMPORTER, Action.READ_ACCOUNT),
        (IMPORTER, Action.READ_ACCESS_LOG),
        ("admin", Action.READ_ACCOUNT),
        ("backoffice", Action.AUDIT),
        ("backoffice", Action.INIT),
        ("auditor", Action.APPROVE_CORRECTION),
    ],
)
def test_a_role_is_refused_what_the_table_does_not_give_it(who: str, action: Action) -> None:
    with pytest.raises(AccessDeniedError):
        require(role(who) if who != IMPORTER else Role(RoleName.IMPORTER, EMPLOYER), action)


def test_no_role_may_reverse_without_a_second_person() -> None:
    assert all(Action.REVERSE_WITHOUT_APPROVAL not in allowed for allowed in PERMISSIONS.values())


def test_an_importer_imports_for_its_own_source_only() -> None:
    importer = Role(RoleName.IMPORTER, EMPLOYER)

    require(importer, Action.IMPORT, EMPLOYER)
    with pytest.raises(AccessDeniedError) as refused:
        require(importer, Action.IMPORT, "flemish-government")

    assert "may import for employer:0566988259 only" in str(refused.value)


# ------------------------------------------------------------- the application
@pytest.fixture
def as_role(database_url: str) -> Iterator[dict[str, Ledger]]:
    """One Ledger per role on the same store, opened by trusted code first."""
    settings = settings_of(database_url)
    owner = Ledger(settings.store_env(), id_key=settings.id_key, actor="setup")
    owner.bind_store_key()
    owner.open_account(INSZ, "employee", date(2024, 9, 1))
    ledgers = {
        name: Ledger(settings.store_env(), id_key=settings.id_key, actor="staff:1",
                     role=parse_role(name, ()))
        for name in ("backoffice", "auditor")
    }  # fmt: skip
    ledgers["trusted"] = owner
    yield ledgers
    for ledger in ledgers.values():
        ledger.close()


def test_the_ledger_refuses_a_grant_by_an_auditor_and_writes_nothing(
    as_role: dict[str, Ledger],
) -> None:
    auditor = as_role["auditor"]
    before = auditor.recorder.max_notification_id()

    with pytest.raises(AccessDeniedError, match="role auditor may not write to accounts"):
        auditor.grant_right(INSZ, "vov-hours", 5, date(2024, 9, 2), EMPLOYER, "G")

    assert auditor.recorder.max_notification_id() == before


def test_every_event_records_the_actor_and_the_role(as_role: dict[str, Ledger]) -> None:
    clerk = as_role["backoffice"]

    clerk.grant_right(INSZ, "vov-hours", 5, date(2024, 9, 2), EMPLOYER, "G")

    entries = clerk.history(INSZ, reason="test").entries
    assert [e.actor for e in entries] == ["setup", "staff:1 (backoffice)"]


def test_a_backoffice_read_without_a_reason_is_refused_and_not_logged(
    as_role: dict[str, Ledger],
) -> None:
    clerk = as_role["backoffice"]

    with pytest.raises(ReasonRequiredError, match="--reason"):
        clerk.balance(INSZ)

    assert clerk.access_log(INSZ).records == ()


def test_trusted_code_without_a_role_reads_without_a_reason_and_leaves_no_record(
    as_role: dict[str, Ledger],
) -> None:
    trusted = as_role["trusted"]

    trusted.balance(INSZ)

    assert trusted.access_log(INSZ).records == ()


# ------------------------------------------------------------- the command line
def test_as_an_importer_a_balance_read_is_refused(with_account: Llr) -> None:
    message = with_account.refused("balance", INSZ, LLR_ROLE=IMPORTER)

    assert message == (
        f"error: role {IMPORTER} may not read a citizen's account (balance, history, "
        "explain); that needs the role backoffice or auditor (set LLR_ROLE)\n"
    )


def test_as_an_auditor_a_grant_is_refused_and_changes_nothing(with_account: Llr) -> None:
    before = with_account.history()

    message = with_account.refused(*GRANT, LLR_ROLE="auditor")

    assert "role auditor may not write to accounts" in message
    assert with_account.history() == before


def with_import(group: click.Group) -> click.Group:
    """``llr`` with ``import`` in it, until cli/main.py registers the command itself."""
    if "import" in group.commands:
        return group
    return LedgerGroup(
        name="llr",
        params=group.params,
        callback=group.callback,
        commands={**group.commands, "import": import_command},
    )


def test_an_importer_of_one_source_may_not_import_for_another(
    with_account: Llr, tmp_path: Path
) -> None:
    lines = tmp_path / "lines.csv"
    lines.write_text("kind,insz,on,reference,status\nstatus,93051822361,2025-01-06,S1,inactive\n")
    before = with_account.history()
    runner = CliRunner(env={**with_account.env, "LLR_ROLE": IMPORTER})

    result = runner.invoke(
        with_import(cli), ["import", str(lines), "--source", "flemish-government"]
    )

    assert (result.exit_code, result.stdout) == (1, "")
    assert "may import for employer:0566988259 only, not for flemish-government" in result.stderr
    assert with_account.history() == before


def test_init_is_for_the_admin_and_the_refusal_says_so(llr: Llr) -> None:
    message = llr.refused("init")

    assert "role backoffice may not initialise the store; that needs the role admin" in message


def test_an_unknown_role_is_refused_naming_llr_role(with_account: Llr) -> None:
    message = with_account.refused("balance", INSZ, LLR_ROLE="superuser")

    assert "LLR_ROLE 'superuser': must be backoffice, auditor, admin or importer" in message


def test_without_llr_role_the_default_is_backoffice_with_a_warning(with_account: Llr) -> None:
    result = with_account("balance", INSZ, LLR_ROLE=None)

    assert result.exit_code == 0
    assert "LLR_ROLE is not set; acting as backoffice" in result.stderr


def test_the_admin_may_run_init_but_not_read_a_citizen(with_account: Llr) -> None:
    with_account.ok("init", **ADMIN)

    message = with_account.refused("history", INSZ, **ADMIN)

    assert "role admin may not read a citizen's account" in message


def every_command_path(group: click.Group, prefix: str = "") -> Iterator[str]:
    for name, command in group.commands.items():
        path = f"{prefix}{name}"
        if isinstance(command, click.Group):
            yield from every_command_path(command, path + " ")
        else:
            yield path


def test_every_command_that_uses_the_store_is_in_the_access_table() -> None:
    paths = set(every_command_path(cli))
    needs_no_store = {p for p in paths if p.startswith("catalogue ")}

    assert paths - needs_no_store <= set(COMMAND_ACTIONS)
