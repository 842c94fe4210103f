"""A file with every kind of bad line, as a new user would try: the good lines land, each bad
one is in the rejects file with its reason, and a second run changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks import generate
from ledger.application import Ledger
from tests.imports.support import EMPLOYER, INSZ, OTHER_INSZ, run_import
from tests.stores import make_ledger

GOOD = [
    f"grant;{INSZ};2024-09-02;vov-hours;40;;;;;G-1",
    f"use;{INSZ};2024-09-10;vov-hours;8;;OPL-1;0403170701;;U-1",
    f"grant;{OTHER_INSZ};2024-09-02;federal-training-days;3;;;;;G-2",
    f"status;{OTHER_INSZ};2024-10-01;;;;;;jobseeker;S-1",
]
# (what is wrong, the line, the field the rejects file must name, words of the reason)
BAD = [
    (
        "wrong check digit",
        "grant;93051822362;2024-09-02;vov-hours;5;;;;;B-1",
        "insz",
        "check digits",
    ),
    ("unknown right", f"grant;{INSZ};2024-09-10;vov-uren;5;;;;;B-2", "right", "unknown right"),
    (
        "negative amount",
        f"grant;{INSZ};2024-09-10;vov-hours;-5;;;;;B-3",
        "amount",
        "greater than zero",
    ),
    ("bad date", f"grant;{INSZ};10/09/2024;vov-hours;5;;;;;B-4", "on", "ISO date"),
    ("missing field", f"use;{INSZ};2024-09-10;vov-hours;5;;OPL-1;;;B-5", "provider", "missing"),
    ("extra column", f"grant;{INSZ};2024-09-10;vov-hours;5;;;;;B-6;note", "(line)", "extra column"),
    (
        "use beyond the balance",
        f"use;{INSZ};2024-09-10;vov-hours;500;;OPL-1;0403170701;;B-7",
        "amount",
        "exceeds the usable balance",
    ),
    (
        "reference reused with other content",
        f"grant;{INSZ};2024-09-02;vov-hours;41;;;;;G-1",
        "reference",
        "already used on this account",
    ),
]
NOT_UTF8 = f"grant;{INSZ};2024-09-10;vov-hours;5;;;;;caf".encode() + b"\xe9"


def bad_file(folder: Path) -> Path:
    lines = [generate.FIELDS_HEADER.encode()]
    lines += [line.encode() for line in GOOD[:2]]
    lines += [line.encode() for _, line, _, _ in BAD]
    lines += [NOT_UTF8]
    lines += [line.encode() for line in GOOD[2:]]
    path = folder / "every-bad-line.csv"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def test_every_kind_of_bad_line_is_rejected_with_its_reason_and_good_lines_land(
    ledger: Ledger, tmp_path: Path
) -> None:
    path = bad_file(tmp_path)

    summary, rejects = run_import(ledger, path, EMPLOYER)

    assert (summary.applied, summary.rejected) == (len(GOOD), len(BAD) + 1)
    by_line = {int(r["line"]): r for r in rejects}
    for offset, (what, line, field, words) in enumerate(BAD):
        reject = by_line[4 + offset]
        assert (reject["field"], reject["original"]) == (field, line), what
        assert words in reject["reason"], what
    not_utf8 = by_line[4 + len(BAD)]
    assert (not_utf8["field"], not_utf8["original"][-7:]) == ("reference", "caf\\xe9")
    assert "0xE9" in not_utf8["reason"]


def test_a_second_run_of_a_file_with_bad_lines_changes_nothing(
    ledger: Ledger, tmp_path: Path
) -> None:
    path = bad_file(tmp_path)
    run_import(ledger, path, EMPLOYER)
    history = [ledger.history(insz).entries for insz in (INSZ, OTHER_INSZ)]

    again, rejects = run_import(ledger, path, EMPLOYER)

    assert (again.applied, again.already_applied, again.rejected) == (0, len(GOOD), len(BAD) + 1)
    assert [ledger.history(insz).entries for insz in (INSZ, OTHER_INSZ)] == history
    assert len(rejects) == len(BAD) + 1


def test_the_generator_s_bad_lines_are_exactly_the_rejected_ones(tmp_path: Path) -> None:
    path = tmp_path / "generated.csv"
    generate.main(
        [
            str(path),
            "--lines",
            "1500",
            "--citizens",
            "200",
            "--bad-share",
            "0.05",
            "--interleave",
            "50",
            "--seed",
            "3",
        ]
    )
    expected = json.loads(Path(f"{path}.expected.json").read_text())
    ledger = make_ledger("memory")

    summary, rejects = run_import(ledger, path, EMPLOYER, chunk_lines=250)
    again, _ = run_import(ledger, path, EMPLOYER, chunk_lines=250)

    assert summary.lines_read == expected["lines"]
    assert summary.rejected == len(rejects) == expected["bad_lines"] > 0
    assert len(expected["bad_by_kind"]) == len(generate.BAD_KINDS)
    assert (again.applied, again.already_applied) == (0, summary.applied)
