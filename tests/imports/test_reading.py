"""Reading import files: delimiters, BOM, JSON Lines, encodings, and every row rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger.imports.readers import (
    ImportFileError,
    LineSource,
    Record,
    detect_format,
    read_records,
)
from ledger.imports.rows import LINE, GrantRow, Problem, StatusRow, UseRow, parse_row
from tests.imports.support import INSZ, grant, status, use, write_csv, write_jsonl

HEADER = "kind;insz;on;right;amount;expires_on;training;provider;status;reference\n"


def records(path: Path, file_format: str = "csv") -> list[Record]:
    with path.open("rb") as handle:
        return list(read_records(LineSource(handle), file_format))


def test_a_semicolon_and_a_comma_file_read_the_same(tmp_path: Path) -> None:
    rows = [grant(INSZ, "G-1"), use(INSZ, "U-1")]
    semicolons = write_csv(tmp_path / "a.csv", rows, delimiter=";")
    commas = write_csv(tmp_path / "b.csv", rows, delimiter=",")

    read = [records(semicolons), records(commas)]

    assert [r.fields for r in read[0]] == [r.fields for r in read[1]]
    assert read[0][0].fields == {
        "kind": "grant",
        "insz": INSZ,
        "on": "2024-09-02",
        "right": "vov-hours",
        "amount": "10",
        "reference": "G-1",
    }


def test_a_byte_order_mark_before_the_header_is_ignored(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bom.csv", [grant(INSZ, "G-1")], encoding="utf-8-sig")

    (record,) = records(path)

    assert record.problem is None and record.fields["kind"] == "grant"


def test_line_numbers_count_the_header_and_skip_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "gaps.csv"
    path.write_text(
        HEADER
        + "\n"
        + "grant;"
        + INSZ
        + ";2024-09-02;vov-hours;5;;;;;G-1\n\n"
        + "grant;"
        + INSZ
        + ";2024-09-02;vov-hours;5;;;;;G-2\n"
    )

    assert [r.line for r in records(path)] == [3, 5]


def test_a_quoted_value_may_hold_the_delimiter_and_a_line_break(tmp_path: Path) -> None:
    path = tmp_path / "quoted.csv"
    path.write_text(
        HEADER
        + f'use;{INSZ};2024-09-02;vov-hours;5;;"Excel; part\n2";P;;U-1\n'
        + f"grant;{INSZ};2024-09-03;vov-hours;5;;;;;G-1\n"
    )

    first, second = records(path)

    assert first.fields["training"] == "Excel; part\n2"
    assert (first.line, second.line) == (2, 4)


def test_a_byte_that_is_not_utf8_rejects_its_line_naming_the_field(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        HEADER.encode()
        + f"grant;{INSZ};2024-09-02;vov-hours;5;;;;;caf".encode()
        + b"\xe9\n"
        + f"grant;{INSZ};2024-09-02;vov-hours;5;;;;;G-2\n".encode()
    )

    bad, good = records(path)

    assert bad.problem == Problem("reference", bad.problem.reason if bad.problem else "")
    assert bad.problem is not None and "0xE9" in bad.problem.reason
    assert bad.original.endswith("caf\\xe9")
    assert good.problem is None


@pytest.mark.parametrize(
    ("line", "words"),
    [
        (f"grant;{INSZ};2024-09-02;vov-hours;5;;;;;G-1;surplus", "11 values"),
        (f"grant;{INSZ};2024-09-02", "3 values"),
    ],
)
def test_a_line_with_more_or_fewer_values_than_the_header_is_rejected(
    tmp_path: Path, line: str, words: str
) -> None:
    path = tmp_path / "shape.csv"
    path.write_text(HEADER + line + "\n")

    (record,) = records(path)

    assert record.problem is not None
    assert record.problem.field == LINE and words in record.problem.reason


@pytest.mark.parametrize(
    ("header", "words"),
    [
        ("kind;insz;on;reference;colour\n", "unknown column(s) 'colour'"),
        ("kind;insz;on;right\n", "missing column(s) 'reference'"),
        ("kind;insz;on;reference;on\n", "repeated column(s) 'on'"),
        ("", "empty"),
    ],
)
def test_a_bad_header_stops_the_file_with_a_clear_error(
    tmp_path: Path, header: str, words: str
) -> None:
    path = tmp_path / "header.csv"
    path.write_text(header)

    with pytest.raises(ImportFileError, match=words.replace("(", r"\(").replace(")", r"\)")):
        records(path)


def test_json_lines_read_objects_and_reject_what_is_not_one(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "f.jsonl", [grant(INSZ, "G-1") | {"amount": 10}])
    with path.open("a") as handle:
        handle.write("\n[1, 2]\n{not json\n")

    good, array, broken = records(path, "jsonl")

    assert good.fields["amount"] == 10 and good.line == 1
    assert array.problem is not None and "JSON object" in array.problem.reason
    assert broken.problem is not None and broken.problem.reason.startswith("not valid JSON")
    assert (array.line, broken.line) == (3, 4)


def test_the_format_comes_from_the_extension_or_the_option() -> None:
    assert detect_format(Path("q1.csv"), None) == "csv"
    assert detect_format(Path("q1.JSONL"), None) == "jsonl"
    assert detect_format(Path("q1.data"), "jsonl") == "jsonl"
    with pytest.raises(ImportFileError, match="--format"):
        detect_format(Path("q1.xlsx"), None)


# ------------------------------------------------------------------ rows


def test_each_kind_becomes_its_own_row_model() -> None:
    rows = [
        parse_row(grant(INSZ, "G-1")),
        parse_row(use(INSZ, "U-1")),
        parse_row(status(INSZ, "S-1", "jobseeker")),
    ]

    assert [type(r) for r in rows] == [GrantRow, UseRow, StatusRow]


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"insz": "93051822362"}, "insz", "check digits"),
        ({"amount": "-5"}, "amount", "greater than zero"),
        ({"amount": "12,5"}, "amount", "greater than zero"),
        ({"amount": True}, "amount", "greater than zero"),
        ({"on": "2024-02-30"}, "on", "not a real day"),
        ({"on": "02/09/2024"}, "on", "ISO date"),
        ({"on": 1725235200}, "on", "ISO date"),
        ({"kind": "gift"}, "kind", "grant, use, status"),
        ({"training": "T-1"}, "training", "not a field of a grant line"),
        ({"reference": "   "}, "reference", "non-empty"),
        ({"reference": "a\tb"}, "reference", "printable"),
    ],
)
def test_a_bad_value_is_named_with_its_field_and_rule(
    change: dict[str, object], field: str, words: str
) -> None:
    problem = parse_row(grant(INSZ, "G-1") | change)

    assert isinstance(problem, Problem)
    assert problem.field == field and words in problem.reason


def test_a_missing_field_is_named() -> None:
    fields = use(INSZ, "U-1")
    del fields["provider"]

    problem = parse_row(fields)

    assert problem == Problem("provider", problem.reason if isinstance(problem, Problem) else "")
    assert isinstance(problem, Problem) and problem.reason.startswith("missing")


def test_several_bad_fields_are_all_reported() -> None:
    problem = parse_row(grant(INSZ, "G-1") | {"amount": "-1", "on": "soon"})

    assert isinstance(problem, Problem)
    assert problem.field == "on, amount"


def test_a_status_must_be_one_of_the_known_statuses() -> None:
    problem = parse_row(status(INSZ, "S-1", "boss"))

    assert isinstance(problem, Problem) and problem.field == "status"
    assert "jobseeker" in problem.reason


def test_a_number_in_json_names_the_same_reference_as_its_digits() -> None:
    row = parse_row(grant(INSZ, "G-1") | {"reference": 1234, "amount": 7})

    assert isinstance(row, GrantRow) and (row.reference, row.amount) == ("1234", 7)


def test_windows_line_ends_and_a_capitalised_kind_are_read_as_meant(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(
        (HEADER.rstrip("\n") + "\r\n" + f"Grant;{INSZ};2024-09-02;vov-hours;5;;;;;G-1\r\n").encode()
    )

    (record,) = records(path)

    assert record.original == f"Grant;{INSZ};2024-09-02;vov-hours;5;;;;;G-1"
    assert isinstance(parse_row(record.fields), GrantRow)
