"""Importing files into the ledger, on every store: what lands, what is rejected, and why."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from ledger.application import Ledger
from ledger.config import load_settings
from ledger.domain import amounts
from ledger.domain.account import Account
from ledger.domain.batch import ImportBatch
from ledger.domain.errors import InvalidIdentifierError
from ledger.imports import ImportFileError, import_file
from ledger.security.roles import AccessDeniedError, Role, RoleName
from tests.imports.support import (
    EMPLOYER,
    FLANDERS,
    FUND,
    INSZ,
    OTHER_EMPLOYER,
    OTHER_INSZ,
    START,
    applied_references,
    employment_start,
    grant,
    run_import,
    status,
    stored_events,
    use,
    write_csv,
    write_jsonl,
)
from tests.stores import TEST_ID_KEY

LATER = date(2024, 10, 1)


def usable(ledger: Ledger, insz: str, right: str = "vov-hours") -> Decimal:
    """The usable balance in the right's unit (as the file's lines give amounts)."""
    rights = {r.right: r for r in ledger.balance(insz).rights}
    return amounts.as_decimal(rights[right].usable if right in rights else 0, r_unit(right))


def r_unit(right: str) -> str:
    return amounts.unit_of(right)


def test_an_employer_file_opens_new_citizens_and_applies_every_good_line(
    ledger: Ledger, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "q3.csv",
        [
            grant(INSZ, "G-1", 40),
            use(INSZ, "U-1", 15, LATER),
            grant(OTHER_INSZ, "G-2", 20),
            status(OTHER_INSZ, "S-1", "jobseeker", LATER),
        ],
    )

    summary, rejects = run_import(ledger, path, EMPLOYER)

    assert (summary.lines_read, summary.applied, summary.rejected, rejects) == (4, 4, 0, [])
    assert usable(ledger, INSZ) == 25
    assert [r.suspended for r in ledger.balance(OTHER_INSZ).rights] == [2000]  # hundredths
    opened = ledger.history(INSZ).entries[0]
    assert (opened.event, opened.on, opened.details["status"]) == (
        "AccountOpened",
        START,
        "employee",
    )


def test_a_second_import_of_the_same_file_changes_nothing_and_says_so(
    ledger: Ledger, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "q3.csv",
        [
            grant(INSZ, "G-1", 40),
            use(INSZ, "U-1", 15, LATER),
            status(INSZ, "S-1", "jobseeker", LATER),
        ],
    )
    run_import(ledger, path, EMPLOYER)
    events_before = len(stored_events(ledger))

    summary, _ = run_import(ledger, path, EMPLOYER)

    assert (summary.applied, summary.already_applied, summary.events_written) == (0, 3, 0)
    new = stored_events(ledger)[events_before:]
    assert [type(e) for e in new] == [ImportBatch.BatchStarted, ImportBatch.BatchFinished]


def test_a_status_line_opens_the_account_of_a_new_citizen_for_any_source(
    ledger: Ledger, tmp_path: Path
) -> None:
    path = write_jsonl(
        tmp_path / "cevora.jsonl",
        [
            status(INSZ, "S-1", "jobseeker"),
            employment_start(INSZ, "E-1", on=LATER),  # a fund grants in its committees
            grant(INSZ, "C-1", 16, LATER, right="sector-training-hours"),
        ],
    )

    summary, _ = run_import(ledger, path, FUND)
    again, _ = run_import(ledger, path, FUND)

    assert (summary.applied, again.already_applied) == (3, 3)
    assert usable(ledger, INSZ, "sector-training-hours") == 16


def test_any_other_line_for_an_unknown_citizen_is_rejected_outside_employer_files(
    ledger: Ledger, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "vouchers.csv",
        [
            grant(INSZ, "TV-1", 250, right="training-vouchers"),
        ],
    )

    summary, rejects = run_import(ledger, path, FLANDERS)

    assert summary.rejected == 1
    assert (rejects[0]["line"], rejects[0]["field"]) == ("2", "insz")
    assert "no account is open" in rejects[0]["reason"]


def test_a_rejected_first_line_does_not_open_the_account(ledger: Ledger, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "q3.csv",
        [
            grant(INSZ, "G-1", 400),  # beyond the cap of 250 hours a school year
            grant(INSZ, "G-2", 10, LATER),
        ],
    )

    summary, rejects = run_import(ledger, path, EMPLOYER)

    assert (summary.applied, [r["field"] for r in rejects]) == (1, ["amount"])
    assert ledger.history(INSZ).entries[0].on == LATER  # opened by the first line that landed


def test_domain_refusals_are_rejections_with_the_rules_message(
    ledger: Ledger, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "q3.csv",
        [
            grant(INSZ, "G-1", 40),
            use(INSZ, "U-1", 100, LATER),  # beyond the balance
            grant(INSZ, "G-1", 41),  # the same reference with other content
            grant(INSZ, "G-3", 5, date(2024, 9, 1)),  # before the latest fact
            grant(INSZ, "G-4", 5, LATER, right="training-vouchers"),  # not from an employer
            grant(INSZ, "G-5", 5, LATER, right="vov-hourz"),
            use(INSZ, "U-2", 10, LATER),  # still fine after all those
        ],
    )

    summary, rejects = run_import(ledger, path, EMPLOYER)

    assert [(r["line"], r["field"]) for r in rejects] == [
        ("3", "amount"),
        ("4", "reference"),
        ("5", "on"),
        ("6", "right"),
        ("7", "right"),
    ]
    assert "exceeds the usable balance of 40" in rejects[0]["reason"]
    assert "already used on this account" in rejects[1]["reason"]
    assert rejects[4]["original"] == f"grant;{INSZ};2024-10-01;vov-hourz;5;;;;;G-5"
    assert (summary.applied, usable(ledger, INSZ)) == (2, 30)


def test_a_refused_line_leaves_the_account_as_it_was_for_the_next_lines(
    ledger: Ledger, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "q3.csv",
        [
            grant(INSZ, "G-1", 40),
            status(INSZ, "S-1", "employee", LATER),  # already employee: refused
            use(INSZ, "U-1", 41, LATER),  # refused, after expiring nothing
            use(INSZ, "U-2", 40, LATER),
        ],
    )

    summary, _ = run_import(ledger, path, EMPLOYER)

    events = [type(e).__name__ for e in stored_events(ledger) if isinstance(e, Account.Event)]
    assert events == ["AccountOpened", "RightGranted", "RightUsed"]
    assert (summary.applied, summary.rejected, usable(ledger, INSZ)) == (2, 2, 0)


def test_a_reference_used_for_two_citizens_in_one_file_is_rejected_the_second_time(
    ledger: Ledger, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "q3.csv", [grant(INSZ, "G-1"), grant(OTHER_INSZ, "G-1")])

    summary, rejects = run_import(ledger, path, EMPLOYER, chunk_lines=1)

    assert summary.rejected == 1
    assert rejects[0]["line"] == "3" and "line 2 of this file" in rejects[0]["reason"]


def test_the_summary_counts_every_line_by_kind(ledger: Ledger, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "q3.csv",
        [
            grant(INSZ, "G-1", 40),
            use(INSZ, "U-1", 5),
            use(INSZ, "U-2", 500),
            status(INSZ, "S-1", "inactive", LATER),
            {"kind": "gift", "insz": INSZ},
        ],
    )
    run_import(ledger, write_csv(tmp_path / "first.csv", [grant(INSZ, "G-1", 40)]))

    summary, _ = run_import(ledger, path, EMPLOYER)

    counts = summary.counts()
    assert {
        k: (c["read"], c["applied"], c["already_applied"], c["rejected"])
        for k, c in counts["per_kind"].items()
    } == {
        "grant": (1, 0, 1, 0),
        "use": (2, 1, 0, 1),
        "status": (1, 1, 0, 0),
        "unknown": (1, 0, 0, 1),
    }
    assert (
        counts["lines_read"],
        counts["applied"],
        counts["already_applied"],
        counts["rejected"],
    ) == (5, 2, 1, 2)


def test_every_event_of_an_import_names_its_batch_and_line(ledger: Ledger, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "q3.csv", [grant(INSZ, "G-1", 40), use(INSZ, "U-1", 5)])

    summary, _ = run_import(ledger, path, EMPLOYER)

    details = [e.details for e in ledger.history(INSZ).entries]
    assert [(d["batch"], d["line"]) for d in details] == [(summary.batch_id, 2)] * 2 + [
        (summary.batch_id, 3)
    ]
    started, finished = [e for e in stored_events(ledger) if isinstance(e, ImportBatch.Event)]
    assert str(started.originator_id) == summary.batch_id
    assert (started.source, started.file_name, started.sha256) == (
        EMPLOYER,
        "q3.csv",
        summary.sha256,
    )
    assert finished.counts["applied"] == 2 and finished.finished_at >= started.started_at


def test_a_dry_run_checks_the_rules_and_writes_nothing(ledger: Ledger, tmp_path: Path) -> None:
    run_import(ledger, write_csv(tmp_path / "first.csv", [grant(INSZ, "G-1", 40)]))
    before = len(stored_events(ledger))
    path = write_csv(
        tmp_path / "q3.csv",
        [
            grant(INSZ, "G-1", 40),
            use(INSZ, "U-1", 30, LATER),
            use(INSZ, "U-2", 30, LATER),
            grant(OTHER_INSZ, "G-2", 10),
        ],
    )

    summary, rejects = run_import(ledger, path, EMPLOYER, dry_run=True)

    assert (summary.applied, summary.already_applied, summary.rejected) == (2, 1, 1)
    assert [r["line"] for r in rejects] == ["4"]  # judged against the lines before it
    assert len(stored_events(ledger)) == before


def test_a_dry_run_remembers_earlier_lines_even_when_the_cache_is_tiny(
    ledger: Ledger, tmp_path: Path
) -> None:
    rows = [
        grant(INSZ, "G-1", 40),
        grant(OTHER_INSZ, "G-2", 40),
        use(INSZ, "U-1", 30, LATER),
        use(OTHER_INSZ, "U-2", 30, LATER),
        use(INSZ, "U-3", 30, LATER),
    ]
    path = write_csv(tmp_path / "q3.csv", rows)

    dry, dry_rejects = run_import(ledger, path, dry_run=True, chunk_lines=1, cached_accounts=1)
    real, real_rejects = run_import(ledger, path, chunk_lines=1, cached_accounts=1)

    assert (dry.applied, dry.rejected) == (real.applied, real.rejected) == (4, 1)
    assert dry_rejects == real_rejects


def test_small_chunks_and_a_small_cache_give_the_same_result(
    ledger: Ledger, tmp_path: Path
) -> None:
    rows = [grant(INSZ, "G-1", 40), grant(OTHER_INSZ, "G-2", 40)] + [
        use(insz, f"U-{insz}-{n}", 3, LATER) for n in range(5) for insz in (INSZ, OTHER_INSZ)
    ]
    path = write_csv(tmp_path / "q3.csv", rows)

    summary, _ = run_import(ledger, path, chunk_lines=3, cached_accounts=1)

    assert summary.applied == 12 and usable(ledger, INSZ) == usable(ledger, OTHER_INSZ) == 25
    assert set(applied_references(ledger).values()) == {1}


def test_a_bad_source_or_file_stops_before_anything_is_written(
    ledger: Ledger, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "q3.csv", [grant(INSZ, "G-1")])

    with pytest.raises(InvalidIdentifierError, match="unknown sector fund 'acme'"):
        run_import(ledger, path, "sector-fund:acme")
    with pytest.raises(ImportFileError, match="No such file"):
        run_import(ledger, tmp_path / "missing.csv", EMPLOYER)
    with pytest.raises(ImportFileError, match="that is the file being imported"):
        import_file(ledger, path, EMPLOYER, rejects=path)
    bad_header = tmp_path / "header.csv"
    bad_header.write_text("kind;insz;on;colour;reference\n")
    with pytest.raises(ImportFileError, match="unknown column"):
        run_import(ledger, bad_header, EMPLOYER)
    assert stored_events(ledger) == []


def test_an_importer_role_may_import_for_its_own_source_only(tmp_path: Path) -> None:
    settings = load_settings("memory", {"LLR_ID_KEY": TEST_ID_KEY})
    role = Role(RoleName.IMPORTER, OTHER_EMPLOYER)
    importer = Ledger(settings.store_env(), id_key=settings.id_key, actor="x", role=role)
    path = write_csv(tmp_path / "q3.csv", [grant(INSZ, "G-1")])

    with pytest.raises(AccessDeniedError, match="may import for employer:0403170701 only"):
        run_import(importer, path, EMPLOYER)
    summary, _ = run_import(importer, path, OTHER_EMPLOYER)

    assert summary.applied == 1


def test_a_line_refused_once_stays_refused_when_the_file_comes_again(
    ledger: Ledger, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "q3.csv",
        [
            grant(INSZ, "G-1", 10),
            use(INSZ, "U-1", 15, LATER),  # beyond the balance of 10...
            grant(INSZ, "G-2", 10, LATER),  # ...which this grant, later in the file, raises
        ],
    )
    run_import(ledger, path, EMPLOYER)
    history = ledger.history(INSZ).entries

    again, rejects = run_import(ledger, path, EMPLOYER)

    assert (again.applied, again.already_applied, again.rejected) == (0, 2, 1)
    assert ledger.history(INSZ).entries == history
    assert "refused when this file was imported before" in rejects[0]["reason"]
    elsewhere = write_csv(tmp_path / "q4.csv", [use(INSZ, "U-1", 15, LATER)])
    assert run_import(ledger, elsewhere, EMPLOYER)[0].applied == 1  # a new file may send it


# ---------------------------------------------------------------------- late lines
@pytest.mark.parametrize("chunk_lines", [1, 2000])
def test_a_late_quarterly_line_takes_its_place_in_any_chunk(
    ledger: Ledger, tmp_path: Path, chunk_lines: int
) -> None:
    """Stored, in flight or in the chunk in hand: the late line folds whatever came first."""
    path = write_csv(
        tmp_path / "q4.csv",
        [
            grant(INSZ, "G-1", 40),
            use(INSZ, "U-1", 10, LATER),
            grant(INSZ, "F-Q3", 2, date(2024, 9, 20), right="federal-training-days"),
        ],
    )

    summary, rejects = run_import(ledger, path, EMPLOYER, chunk_lines=chunk_lines)
    again, _ = run_import(ledger, path, EMPLOYER, chunk_lines=chunk_lines)

    assert (summary.applied, rejects, again.already_applied) == (3, [], 3)
    entries = ledger.history(INSZ).entries
    assert [(e.event, e.late) for e in entries][-2:] == [
        ("RightGranted", True),
        ("RightUsed", False),
    ]


def test_a_conflicting_late_line_is_rejected_unless_the_file_asks_for_a_review(
    ledger: Ledger, tmp_path: Path
) -> None:
    run_import(
        ledger,
        write_csv(tmp_path / "q3.csv", [grant(INSZ, "G-1", 40), use(INSZ, "U-1", 10, LATER)]),
    )
    end = {
        "kind": "employment-end", "insz": INSZ, "on": "2024-09-15", "reason": "resignation",
        "reference": "EXIT-1",
    }  # fmt: skip

    refused, rejects = run_import(ledger, write_csv(tmp_path / "a.csv", [end]))
    reviewed, _ = run_import(ledger, write_csv(tmp_path / "b.csv", [{**end, "review": "yes"}]))

    assert (refused.rejected, rejects[0]["field"]) == (1, "(line)")
    assert "event 3 (2024-10-01, RightUsed)" in rejects[0]["reason"]
    assert reviewed.applied == 1
    case = ledger.get_account(ledger.account_id_for(INSZ)).review_cases
    assert [c.fact_on for c in case.values()] == [date(2024, 9, 15)]
