"""A migrated store per test (SQLite file and PostgreSQL) and histories to project."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from ledger.application import Ledger
from ledger.config import Settings, load_settings
from ledger.domain.account import Account, Provenance
from ledger.domain.catalogue import Education, Status
from ledger.domain.identifiers import parse_insz
from ledger.projections.migrate import upgrade
from ledger.projections.registry import PROJECTIONS
from ledger.store.read_models.opening import opened
from tests.conftest import TEST_ID_KEY, make_ledger

LOW = "93051822361"  # born 1993, education low
HIGH = "85073003328"  # born 1985, education high
EMPLOYER = "employer:0566988259"


def settings_of(database: str) -> Settings:
    return load_settings(database, {"LLR_ID_KEY": TEST_ID_KEY, "LLR_ACTOR": "test:staff"})


@dataclass
class Store:
    """One test's migrated store: its settings and a Ledger on it."""

    settings: Settings
    ledger: Ledger


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    ledger = make_ledger(database_url)
    settings = settings_of(database_url)
    upgrade(settings)
    try:
        yield Store(settings, ledger)
    finally:
        ledger.close()


def imported(actor: str, source: str, reference: str, batch: str, line: int) -> Provenance:
    return Provenance(actor, source, reference, batch, line)


def script_history(ledger: Ledger) -> dict[str, int]:
    """Two citizens, every kind of event; returns the versions tests refer to.

    LOW (education low): grants of three rights, a use, a move to jobseeker (the training
    leave and vouchers are suspended, the federal days forfeited), back to employee (both
    carried), a use and its reversal, the expiry of the training leave, and the reversal
    of the forfeit. HIGH (education high): a grant and a use that came in an import batch.
    """
    ledger.open_account(LOW, "employee", date(2024, 9, 1), "low")
    ledger.grant_right(LOW, "vov-hours", 100, date(2024, 9, 2), EMPLOYER, "G1")
    ledger.grant_right(
        LOW, "training-vouchers", 25000, date(2024, 9, 2), "flemish-government", "V1"
    )
    ledger.grant_right(LOW, "federal-training-days", 2, date(2024, 9, 2), EMPLOYER, "F1")
    ledger.use_right(LOW, "vov-hours", 30, date(2024, 10, 1), "T1", "P1", "U1")
    moved = ledger.change_status(LOW, "jobseeker", date(2024, 11, 1))
    ledger.change_status(LOW, "employee", date(2025, 1, 6))
    used = ledger.use_right(LOW, "vov-hours", 20, date(2025, 2, 1), "T2", "P1", "U2")
    ledger.reverse_entry(LOW, used.account_version, "entered twice", date(2025, 2, 2))
    ledger.expire_all(date(2025, 9, 1))
    forfeit = moved.account_version - len(moved.events) + 1 + moved.events.index("RightForfeited")
    ledger.reverse_entry(LOW, forfeit, "kept by the employer's plan", date(2025, 9, 2))

    ledger.open_account(HIGH, "employee", date(2024, 9, 1), "high")
    ledger.on_account(HIGH, lambda a: a.grant(
        ledger.catalogue, "vov-hours", 100, date(2024, 9, 2), None,
        imported("import:B-2024", EMPLOYER, "G1", "B-2024", 7),
    ))  # fmt: skip
    ledger.on_account(HIGH, lambda a: a.use(
        ledger.catalogue, "vov-hours", 100, date(2024, 12, 1), "T9", "P9",
        imported("import:B-2024", EMPLOYER, "U1", "B-2024", 8),
    ))  # fmt: skip
    return {"use_reversed": used.account_version, "forfeit": forfeit}


def insz_number(n: int) -> str:
    """A valid INSZ for citizen number ``n`` (born 1960-1999)."""
    first9 = f"{60 + n % 40:02d}{1 + n % 12:02d}{1 + n % 28:02d}{100 + n % 800:03d}"
    return parse_insz(f"{first9}{97 - int(first9) % 97:02d}").value


def crowd(ledger: Ledger, citizens: int, start: int = 0) -> None:
    """Citizens with a few grants and uses each, saved in one go (about 8 events each)."""
    accounts = [citizen(ledger, insz_number(n)) for n in range(start, start + citizens)]
    ledger.save(*accounts)


def citizen(ledger: Ledger, insz: str) -> Account:
    cat, staff = ledger.catalogue, Provenance("test:staff")
    account = Account.open(
        ledger.account_id_for(insz), insz, Status.EMPLOYEE, date(2024, 9, 1),
        [Education.LOW, Education.MEDIUM, Education.HIGH][int(insz[5]) % 3], staff,
    )  # fmt: skip
    for year in (2024, 2025):
        day = date(year, 9, 2)
        account.grant(
            cat, "vov-hours", 60, day, None, imported("t", EMPLOYER, f"G{year}", f"b{year}", 3)
        )
        account.grant(
            cat,
            "training-vouchers",
            12500,
            day,
            None,
            Provenance("t", "flemish-government", f"V{year}"),
        )
        account.use(
            cat, "vov-hours", 20, date(year, 10, 1), "T", "P", Provenance("t", None, f"U{year}")
        )
    account.change_status(cat, Status.SELF_EMPLOYED, date(2025, 11, 1), staff)
    return account


def dump(settings: Settings) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every projection table, as text, sorted: to compare two runs."""
    tables = [table for projection in PROJECTIONS.values() for table in projection.tables]
    with opened(settings.store_env(create_tables=False)) as store:
        return {
            table: sorted(tuple(map(str, row)) for row in store.query(f"SELECT * FROM {table}"))
            for table in tables
        }


def positions(settings: Settings) -> dict[str, int]:
    with opened(settings.store_env(create_tables=False)) as store:
        return store.read_positions()
