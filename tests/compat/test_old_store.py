"""A store written by an earlier version of the code (see ``make_store.py``) still reads,
answers, snapshots, takes new writes and audits clean with the code as it is now."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, cast
from uuid import UUID

import pytest
from click.testing import CliRunner
from eventsourcing.domain import Snapshot

from cli.main import cli
from ledger.application import Ledger
from ledger.domain.account import Account
from ledger.domain.views import rebuild
from ledger.imports import import_file
from tests.compat.answers import (
    ANSWERS,
    CITIZENS,
    STORE,
    answers,
    copied,
    environment,
    opened,
)

EMPLOYER = "employer:0566988259"
LONG = CITIZENS["long"]


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return copied(STORE, tmp_path)


@pytest.fixture
def ledger(store: Path) -> Iterator[Ledger]:
    yield from opened(store)


def audit_verify(store: Path) -> str:
    env = {**environment(store), "LLR_ROLE": "auditor"}
    result = CliRunner().invoke(cli, ["audit", "verify"], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def replayed(ledger: Ledger, stream: UUID) -> Account:
    events = cast(list[Account.Event], list(ledger.repository.event_store.get(stream)))
    account = rebuild(events)
    assert account is not None
    return account


def stored_snapshots(ledger: Ledger, stream: UUID) -> list[Snapshot]:
    assert ledger.snapshots is not None
    return cast(list[Snapshot], list(ledger.snapshots.get(stream)))


def test_the_old_store_gives_the_answers_it_gave_when_it_was_written(ledger: Ledger) -> None:
    expected: dict[str, Any] = json.loads(ANSWERS.read_text(encoding="utf-8"))

    found = answers(ledger)

    assert as_shaped(found, expected) == expected
    # What answers gained since: no old event is a late fact.
    assert {e["late"] for c in found.values() for e in c["history"]["entries"]} == {False}


def as_shaped(found: Any, expected: Any) -> Any:
    """``found`` with only the keys ``expected`` has, at every level (keys added to the
    answers since are checked on their own)."""
    if isinstance(expected, dict) and isinstance(found, dict):
        return {k: as_shaped(found.get(k), v) for k, v in expected.items()}
    if isinstance(expected, list) and isinstance(found, list) and len(found) == len(expected):
        return [as_shaped(f, e) for f, e in zip(found, expected, strict=True)]
    return found


def test_the_old_snapshot_loads_into_the_state_a_full_replay_gives(ledger: Ledger) -> None:
    stream = ledger.account_id_for(LONG)
    assert [s.originator_version for s in stored_snapshots(ledger, stream)] == [104]

    loaded: Account = ledger.repository.get(stream)

    assert loaded.version == 117
    assert loaded.__dict__ == replayed(ledger, stream).__dict__


def test_every_old_account_loads_as_its_replay(ledger: Ledger) -> None:
    for insz in CITIZENS.values():
        stream = ledger.account_id_for(insz)
        assert ledger.repository.get(stream).__dict__ == replayed(ledger, stream).__dict__


def test_the_old_store_audits_clean(store: Path) -> None:
    assert "0 findings" in audit_verify(store)


def test_the_old_store_takes_new_writes_and_new_snapshots_and_still_audits_clean(
    ledger: Ledger, store: Path, tmp_path: Path
) -> None:
    stream = ledger.account_id_for(LONG)
    ledger.grant_right(LONG, "vov-hours", 5, date(2025, 3, 3), EMPLOYER, "NEW-G")
    ledger.use_right(LONG, "vov-hours", 2, date(2025, 3, 4), "T-NEW", "0403170701", "NEW-U")
    for n, status in enumerate(("jobseeker", "employee") * 4):  # 8 x 12 events: past 200
        ledger.change_status(LONG, status, date(2025, 4, 1 + n))
    imported = tmp_path / "more.csv"
    imported.write_text(
        "kind;insz;on;right;amount;expires_on;training;provider;status;reference\n"
        f"use;{LONG};2025-05-02;vov-hours;1;;T-IMP;0403170701;;NEW-I-U\n"
        # An employee (recorded without an employer): the grant names the employment.
        f"grant;{CITIZENS['opened-by-import']};2025-05-02;vov-hours;3;;;;;NEW-I-G\n",
        encoding="utf-8",
    )
    summary = import_file(ledger, imported, EMPLOYER)
    request = ledger.request_reversal(CITIZENS["reversals"], 4, "wrong amount", date(2025, 5, 5))

    assert (summary.applied, summary.rejected) == (2, 0)
    assert request.account_version > 0
    assert [s.originator_version for s in stored_snapshots(ledger, stream)][-1] >= 200
    assert ledger.repository.get(stream).__dict__ == replayed(ledger, stream).__dict__
    assert "0 findings" in audit_verify(store)


def test_an_import_loads_the_old_snapshot_through_the_bulk_loader(
    ledger: Ledger, store: Path, tmp_path: Path
) -> None:
    stream = ledger.account_id_for(LONG)
    imported = tmp_path / "long.csv"
    imported.write_text(
        "kind;insz;on;right;amount;expires_on;training;provider;status;reference\n"
        f"use;{LONG};2025-05-02;vov-hours;1;;T-IMP;0403170701;;OLD-SNAP-U\n",
        encoding="utf-8",
    )

    summary = import_file(ledger, imported, EMPLOYER)

    assert (summary.applied, summary.rejected) == (1, 0)
    assert ledger.repository.get(stream).__dict__ == replayed(ledger, stream).__dict__
    assert "0 findings" in audit_verify(store)
