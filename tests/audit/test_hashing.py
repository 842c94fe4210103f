"""The chain's hash is the documented algorithm; the Merkle root follows docs/audit.md."""

from __future__ import annotations

import hashlib
from uuid import UUID

from ledger.audit.digest.hashing import EMPTY_ROOT, leaf_hash, merkle_root
from ledger.domain.chain import event_hash
from tests.audit.hash_oracle import documented_event_hash
from tests.audit.support import build_population
from tests.conftest import make_ledger

EVENT_NAMES = {  # docs/design.md, "Events"
    "AccountOpened", "StatusChanged", "RightGranted", "RightUsed", "RightTransferred",
    "RightSuspended", "RightForfeited", "RightExpired", "EntryReversed",
}  # fmt: skip


def test_the_chains_hash_is_the_documented_one_for_every_kind_of_stored_event() -> None:
    ledger = make_ledger("memory")
    build_population(ledger)

    stored = ledger.recorder.select_notifications(0, 1000)
    events = [ledger.mapper.to_domain_event(record) for record in stored]

    assert {type(event).__name__ for event in events} == EVENT_NAMES
    assert [event_hash(event) for event in events] == [documented_event_hash(e) for e in events]


def test_a_leaf_is_the_hash_of_a_zero_byte_and_the_streams_head_as_text() -> None:
    account = UUID("00000000-0000-0000-0000-0000000000aa")

    leaf = leaf_hash(account, 7, "ab" * 32)

    text = "000000000000000000000000000000aa:7:" + "ab" * 32
    assert leaf == hashlib.sha256(b"\x00" + text.encode()).digest()


def test_the_root_pairs_sorted_leaves_and_promotes_an_odd_one() -> None:
    ids = [UUID(int=n) for n in (3, 1, 2)]
    heads = [(account, n, f"{n:064x}") for n, account in enumerate(ids)]

    root = merkle_root(heads)

    one, two, three = (leaf_hash(*head) for head in sorted(heads, key=lambda h: h[0].hex))
    pair = hashlib.sha256(b"\x01" + one + two).digest()
    assert root == hashlib.sha256(b"\x01" + pair + three).hexdigest()
    assert merkle_root(reversed(heads)) == root


def test_no_streams_give_the_hash_of_nothing_and_one_stream_its_leaf() -> None:
    head = (UUID(int=5), 1, "c" * 64)

    assert merkle_root([]) == EMPTY_ROOT == hashlib.sha256(b"").hexdigest()
    assert merkle_root([head]) == leaf_hash(*head).hex()
