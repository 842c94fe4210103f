"""Loading many accounts at once gives what the repository gives, one at a time."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest

from ledger.application import Ledger
from ledger.catalogue import default_catalogue
from ledger.domain.account import Account
from ledger.domain.catalogue import Status
from ledger.domain.command import Provenance, Result
from ledger.domain.errors import LedgerError
from ledger.imports.lines import FileContext, ParsedLine, run_line
from ledger.imports.rows import GrantRow, StatusRow, UseRow, parse_row
from ledger.saving import SNAPSHOT_INTERVAL
from tests.imports.support import (
    EMPLOYER,
    FUND,
    INSZ,
    START,
    grant,
    insz_of,
    run_import,
    status,
    use,
    write_csv,
)

CATALOGUE = default_catalogue()


def state(account: Account) -> dict[str, object]:
    """Everything the account holds, whatever its attributes are called."""
    return {name: value for name, value in vars(account).items() if name != "_pending_events"}


def test_bulk_loading_matches_the_repository_with_and_without_snapshots(
    ledger: Ledger, tmp_path: Path
) -> None:
    busy, quiet = insz_of(1), insz_of(2)
    # 125 hours: the personal maximum of a full-time employee (vov-hours@2024-09-01).
    rows = [grant(busy, "G-1", 125), grant(quiet, "G-2", 40)]
    rows += [use(busy, f"U-{n}", 1) for n in range(SNAPSHOT_INTERVAL + 10)]  # crosses it
    run_import(ledger, write_csv(tmp_path / "q3.csv", rows))
    ids = [ledger.account_id_for(i) for i in (busy, quiet)] + [uuid.uuid4()]

    loaded = ledger.load_accounts(ids)

    assert set(loaded) == set(ids[:2])  # the unknown id is simply absent
    for aggregate_id in ids[:2]:
        assert state(loaded[aggregate_id]) == state(ledger.get_account(aggregate_id))
    assert ledger.snapshots is None or list(ledger.snapshots.get(ids[0]))  # from the import


def line(fields: dict[str, str], number: int = 2) -> ParsedLine:
    row = parse_row(fields)
    assert isinstance(row, GrantRow | UseRow | StatusRow)
    return ParsedLine(number, uuid.UUID(int=1), row)


def employer_file() -> FileContext:
    return FileContext(EMPLOYER, "test", "batch-1")


def opened_account() -> Account:
    """An employee since START holding 40 VOV hours (reference G-1), nothing pending."""
    account = Account.open(
        uuid.UUID(int=1), INSZ, Status.EMPLOYEE, START, None, Provenance("test", EMPLOYER)
    )
    provenance = Provenance("test", EMPLOYER, "G-1")
    account.grant(CATALOGUE, "vov-hours", 40, START, None, provenance)
    account.collect_events()
    return account


def test_a_refused_line_leaves_no_event_and_no_change_on_the_account(ledger: Ledger) -> None:
    account = opened_account()
    before = state(account)
    later = START + timedelta(days=7)
    refused = [
        use(INSZ, "U-1", 41, later),  # beyond the balance
        grant(INSZ, "G-1", 39),  # the reference again, other content
        grant(INSZ, "G-2", 300, later),  # beyond the cap
        grant(INSZ, "G-3", 5, date(2024, 9, 1)),  # before the latest fact
        status(INSZ, "S-1", "employee", later),  # no change of status
        use(INSZ, "U-2", 5, date(2025, 9, 1)),  # after the lot expired: expiry is not kept
    ]
    accounts = {account.id: account}

    for number, fields in enumerate(refused, start=2):
        with pytest.raises(LedgerError):
            run_line(ledger, employer_file(), accounts, line(fields, number))

    assert account.collect_events() == [] and state(account) == before


def test_a_status_line_that_opened_the_account_is_an_exact_repeat_next_time(
    ledger: Ledger,
) -> None:
    context = FileContext(FUND, "test", "batch-1")
    accounts: dict[uuid.UUID, Account] = {}
    opening = line(status(INSZ, "S-1", "jobseeker"))

    first = run_line(ledger, context, accounts, opening)
    again = run_line(ledger, context, accounts, opening)

    assert (first, again) == (Result.APPLIED, Result.EXISTS)
    assert [type(e).__name__ for e in accounts[uuid.UUID(int=1)].collect_events()] == [
        "AccountOpened"
    ]
