"""Someone with database access changes the stored records with plain SQL; verify says who
and which event, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ledger.application import Ledger
from ledger.audit import Invariant, load_digest, save_digest, take_digest, verify
from ledger.domain.account import Account
from tests.audit.support import (
    ANNA,
    BERT,
    CLEO,
    SHOWN,
    StoredRecords,
    findings_of,
    forge,
    lines,
)
from tests.builders import INSZ

TAMPER = Invariant.HISTORY_UNALTERED


def test_an_untouched_store_verifies_clean_for_everyone_and_for_each_citizen(
    populated: Ledger,
) -> None:
    everyone = verify(populated)
    one_by_one = [verify(populated, insz) for insz in (ANNA, BERT, CLEO)]

    assert lines(everyone) == []
    assert (everyone.streams, everyone.events) == (3, 15 + 4 + 5)
    assert [lines(report) for report in one_by_one] == [[], [], []]


def test_a_changed_amount_is_named_with_the_citizen_and_the_event(
    populated: Ledger, records: StoredRecords
) -> None:
    anna = populated.account_id_for(ANNA)
    records.edit(anna, 2, amount=200)  # Anna's VOV grant of 125 hours

    report = verify(populated)

    chain = findings_of(report, TAMPER)
    assert [(f.citizen, f.version, f.event) for f in chain] == [(SHOWN[ANNA], 2, "RightGranted")]
    assert "hashes to the prev_hash that event 3" in chain[0].line()
    assert verify(populated, BERT).ok


def test_a_deleted_event_is_named(populated: Ledger, records: StoredRecords) -> None:
    records.delete(populated.account_id_for(BERT), 3)  # Bert's use of 30 hours

    report = verify(populated)

    assert [(f.citizen, f.invariant, f.version) for f in report.findings] == [
        (SHOWN[BERT], TAMPER, 4)
    ]
    assert "event 3 is missing" in report.findings[0].message


@pytest.mark.parametrize("swapped", ["states", "versions"])
@pytest.mark.parametrize("scope", ["everyone", "one citizen"])
def test_two_swapped_events_are_named(
    populated: Ledger, records: StoredRecords, swapped: str, scope: str
) -> None:
    anna = populated.account_id_for(ANNA)  # events 6 and 7: the suspensions of a transition
    if swapped == "states":
        records.swap(anna, 6, 7)
    else:
        records.swap_versions(anna, 6, 7)

    report = verify(populated, ANNA if scope == "one citizen" else None)

    chain = findings_of(report, TAMPER)
    assert {f.citizen for f in chain} == {SHOWN[ANNA]}
    assert {6, 7} <= {f.version for f in chain}


def test_an_undecodable_record_is_a_finding_not_a_crash(
    populated: Ledger, records: StoredRecords
) -> None:
    with records.sql() as run:
        run(f"UPDATE {records.events} SET state = ? WHERE originator_version = 3", b"{not json")

    report = verify(populated)

    assert {(f.citizen, f.version) for f in findings_of(report, TAMPER)} == {
        (SHOWN[ANNA], 3),
        (SHOWN[BERT], 3),
        (SHOWN[CLEO], 3),
    }
    assert all("does not decode" in f.message for f in report.findings)


def test_a_forged_use_beyond_the_balance_is_named_even_with_a_valid_chain(
    populated: Ledger,
) -> None:
    lot = "flemish-government/C-TV"
    version = forge(
        populated,
        CLEO,
        Account.RightUsed,
        on=date(2024, 10, 2),
        right="training-vouchers",
        amount=90000,
        draws=[[lot, 90000]],
        training="T9",
        provider="P9",
        source=None,
        reference="FORGED",
        batch=None,
        line=None,
    )

    report = verify(populated)

    assert findings_of(report, TAMPER) == []
    assert [(f.citizen, f.version, f.event, f.invariant) for f in report.findings] == [
        (SHOWN[CLEO], version, "RightUsed", Invariant.NO_NEGATIVE_LOT)
    ]
    assert report.findings[0].expected == "at most 10000"


def test_a_consistent_rewrite_of_a_stream_is_caught_only_by_an_earlier_digest(
    populated: Ledger, records: StoredRecords, tmp_path: Path
) -> None:
    digest_file = write_digest(populated, tmp_path / "digest.json")
    bert = populated.account_id_for(BERT)

    records.rewrite(bert, lambda version, state: state.update(actor="someone-else"))

    assert verify(populated).ok  # the chain is internally consistent again
    report = verify(populated, digest=load_digest(digest_file, None))
    assert [(f.citizen, f.version, f.event) for f in findings_of(report, TAMPER)] == [
        ("(ledger)", None, ""),
        (SHOWN[BERT], 4, "RightExpired"),
    ]


def test_history_that_only_grew_after_a_digest_still_matches_it(
    populated: Ledger, tmp_path: Path
) -> None:
    digest_file = write_digest(populated, tmp_path / "digest.json")

    populated.use_right(CLEO, "training-vouchers", 500, date(2024, 10, 3), "T2", "P2", "C-U1")
    populated.open_account(INSZ, "employee", date(2025, 1, 1))
    report = verify(populated, digest=load_digest(digest_file, None))

    assert lines(report) == []
    assert report.events == 24 + 2


def write_digest(ledger: Ledger, path: Path) -> Path:
    digest, heads = take_digest(ledger)
    save_digest(digest, path, heads)
    return path
