"""A store written before the rules were corrected (``make_rules_store.py``, by 8324fd4)
opens, answers as it did, audits clean and takes new writes under today's rules: its lots
keep the versions they were granted under, and those versions keep their rule hash."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from ledger.application import Ledger
from ledger.domain.account import Account
from ledger.domain.errors import CapExceededError
from tests.compat.answers import copied, opened
from tests.compat.make_rules_store import (
    CITIZENS,
    EMPLOYER,
    balances,
    environment,
)

FIXTURE = Path(__file__).parent / "rules_store"


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return copied(FIXTURE / "llr.sqlite3", tmp_path)


@pytest.fixture
def ledger(store: Path) -> Iterator[Ledger]:
    yield from opened(store)


def test_the_store_gives_the_balances_it_gave_before_the_corrections(ledger: Ledger) -> None:
    recorded = json.loads((FIXTURE / "answers.json").read_text())

    assert balances(ledger) == recorded


def test_every_old_grant_names_a_version_whose_rule_hash_is_unchanged(ledger: Ledger) -> None:
    grants = [
        event
        for insz in CITIZENS.values()
        for event in ledger.repository.event_store.get(ledger.account_id_for(insz))
        if isinstance(event, Account.RightGranted)
    ]

    assert {g.rule_version for g in grants} >= {
        "vov-hours@2021-09-01",
        "vov-hours@2025-09-01",
        "training-vouchers@2019-09-01+c1",
        "career-vouchers@2025-01-01+c1",
    }
    for grant in grants:
        assert grant.rule_hash == ledger.catalogue.rule(grant.rule_version).content_hash, grant


def test_the_store_audits_clean_with_todays_catalogue(store: Path) -> None:
    env = {**environment(store), "LLR_ROLE": "auditor"}
    result = CliRunner().invoke(cli, ["audit", "verify"], env=env, catch_exceptions=False)

    assert result.exit_code == 0, result.output
    assert "clean: every invariant holds" in result.output


def test_new_writes_follow_todays_rules_and_count_the_old_lots_as_own_choice(
    ledger: Ledger,
) -> None:
    full = CITIZENS["full-time"]
    # 40 h were granted in 2025-26 before tracks: they count on the own-choice track.
    with pytest.raises(CapExceededError, match="40 already"):
        ledger.grant_right(full, "vov-hours", "85.01", date(2025, 10, 6), EMPLOYER, "VOV-NEW")
    granted = ledger.grant_right(full, "vov-hours", "85", date(2025, 10, 6), EMPLOYER, "VOV-NEW")

    lot = ledger.get_account(ledger.account_id_for(full)).lots[f"{EMPLOYER}/VOV-NEW"]
    assert granted.events == ("RightGranted",)
    assert (lot.rule_version, lot.track) == ("vov-hours@2025-09-01+c1", "own-choice")
