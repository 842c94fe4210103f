"""The reference implementation in docs/audit.md, which uses no llr code, agrees with llr:
on the hash of every event, on a digest's root, and on a rewrite that only a digest shows."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from ledger.application import Ledger
from ledger.audit import take_digest
from ledger.domain.chain import event_hash
from tests.audit.support import BERT, StoredRecords, build_population
from tests.stores import make_ledger

DOCS = Path(__file__).resolve().parents[2] / "docs" / "audit.md"


@pytest.fixture
def auditor_code() -> dict[str, Any]:
    """The functions of the doc's one Python block."""
    block = re.search(r"```python\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.DOTALL)
    assert block is not None, "docs/audit.md has no python block"
    namespace: dict[str, Any] = {}
    exec(block.group(1), namespace)  # our own documentation, under test
    return namespace


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[tuple[str, Ledger]]:
    path = str(tmp_path / "llr.sqlite3")
    ledger = make_ledger(path)
    build_population(ledger)
    yield path, ledger
    ledger.close()


def test_the_documented_event_hash_is_the_chains(
    auditor_code: dict[str, Any], sqlite_store: tuple[str, Ledger]
) -> None:
    _, ledger = sqlite_store

    records = ledger.recorder.select_notifications(0, 1000)

    theirs = [
        auditor_code["event_hash"](
            UUID(str(r.originator_id)).hex, r.originator_version, r.topic, r.state
        )
        for r in records
    ]
    assert theirs == [event_hash(ledger.mapper.to_domain_event(r)) for r in records]


def test_the_documented_check_accepts_a_digest_and_then_sees_a_rewrite(
    auditor_code: dict[str, Any], sqlite_store: tuple[str, Ledger]
) -> None:
    path, ledger = sqlite_store
    digest, _ = take_digest(ledger, b"key")
    written = json.loads(json.dumps(digest.as_dict()))

    before = auditor_code["check"](path, written, b"key")
    StoredRecords(path, ledger).rewrite(
        ledger.account_id_for(BERT), lambda _, state: state.update(actor="x")
    )
    after = auditor_code["check"](path, written, b"key")

    assert before == []
    assert after == ["the Merkle root differs: covered history was changed"]
