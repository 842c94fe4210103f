"""Digests: what they state, how they are sealed, and what a check against one finds."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest

from ledger.application import Ledger
from ledger.audit import DigestError, Invariant, load_digest, save_digest, take_digest, verify
from ledger.audit.digest.digest import heads_path
from ledger.audit.digest.hashing import merkle_root
from ledger.domain.chain import event_hash
from tests.audit.support import BERT, SHOWN, StoredRecords, build_population, lines
from tests.conftest import make_ledger

KEY = b"auditor-key"


@pytest.fixture
def population() -> Iterator[Ledger]:
    ledger = make_ledger("memory")
    build_population(ledger)
    yield ledger
    ledger.close()


def sealed_text(body: dict[str, object], key: bytes | None = None) -> str:
    text = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    return (
        hmac.new(key, text, hashlib.sha256).hexdigest()
        if key
        else (hashlib.sha256(text).hexdigest())
    )


def test_a_digest_states_the_position_counts_and_root_over_every_streams_last_event(
    population: Ledger,
) -> None:
    digest, _ = take_digest(population)

    records = population.recorder.select_notifications(0, 1000)
    last = {r.originator_id: r for r in records}
    heads = [
        (UUID(str(a)), r.originator_version, event_hash(population.mapper.to_domain_event(r)))
        for a, r in last.items()
    ]
    assert (digest.position, digest.streams, digest.events) == (24, 3, 24)
    assert digest.merkle_root == merkle_root(heads)
    assert digest.seal_method == "sha256"
    assert digest.seal == sealed_text(digest.body())


def test_a_digest_taken_with_a_key_is_sealed_with_an_hmac_and_needs_that_key(
    population: Ledger, tmp_path: Path
) -> None:
    digest, _ = take_digest(population, KEY)
    save_digest(digest, tmp_path / "d.json")

    checked = verify(population, digest=load_digest(tmp_path / "d.json", KEY))
    wrong_key = verify(population, digest=load_digest(tmp_path / "d.json", b"other"))

    assert digest.seal == sealed_text(digest.body(), KEY)
    assert lines(checked) == []
    assert [f.message for f in wrong_key.findings] == [
        f"the digest file {tmp_path / 'd.json'} does not match its own seal (hmac-sha256): "
        "the digest was altered, or the key differs"
    ]
    with pytest.raises(DigestError, match="set LLR_DIGEST_KEY"):
        load_digest(tmp_path / "d.json", None)


def test_an_edited_digest_file_breaks_its_seal(population: Ledger, tmp_path: Path) -> None:
    digest, _ = take_digest(population)
    save_digest(digest, tmp_path / "d.json")
    data = json.loads((tmp_path / "d.json").read_text())
    (tmp_path / "d.json").write_text(json.dumps({**data, "events": 23}))

    report = verify(population, digest=load_digest(tmp_path / "d.json", None))

    assert [(f.invariant, f.expected, f.found) for f in report.findings] == [
        (Invariant.HISTORY_UNALTERED, "an intact digest", "altered"),
        (Invariant.HISTORY_UNALTERED, "23", "24"),
    ]


def test_a_file_that_is_no_digest_is_refused_naming_it(tmp_path: Path) -> None:
    (tmp_path / "notes.json").write_text('{"hello": 1}')

    with pytest.raises(DigestError, match=r"digest .*notes\.json: not an llr digest"):
        load_digest(tmp_path / "notes.json", None)
    with pytest.raises(DigestError, match="cannot be read"):
        load_digest(tmp_path / "missing.json", None)


def test_a_heads_file_that_does_not_match_the_root_is_not_used(
    population: Ledger, tmp_path: Path
) -> None:
    digest, heads = take_digest(population)
    save_digest(digest, tmp_path / "d.json", heads[1:])

    loaded = load_digest(tmp_path / "d.json", None)

    assert loaded.heads is None
    assert "does not match the digest's root" in loaded.note
    assert heads_path(tmp_path / "d.json").exists()


def test_an_event_removed_from_the_end_of_the_log_is_caught_by_the_digest(
    populated: Ledger, records: StoredRecords, tmp_path: Path
) -> None:
    digest, heads = take_digest(populated)
    save_digest(digest, tmp_path / "d.json", heads)
    records.delete(populated.account_id_for(BERT), 4)  # the last event written: his expiry

    report = verify(populated, digest=load_digest(tmp_path / "d.json", None))

    assert verify(populated).ok  # what is left is a history the rules allow
    assert [(f.citizen, f.version, f.expected, f.found) for f in report.findings[:3]] == [
        ("(ledger)", None, "24", "23"),  # the store ends before the digest's position
        ("(ledger)", None, "24", "23"),  # events at that position
        ("(ledger)", None, digest.merkle_root, report.findings[2].found),
    ]
    assert [(f.citizen, f.version) for f in report.findings[3:]] == [(SHOWN[BERT], 4)]
