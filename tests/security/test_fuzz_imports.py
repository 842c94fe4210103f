"""Hostile import lines: the reader and the row parser of ``ledger/imports`` (used read-only).

Every line ends as a row or a rejection naming a field and a reason; a file that cannot be
read at all is one clear ``ImportFileError``. Nothing raises anything else.
"""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ledger.imports.readers import ImportFileError, LineSource, read_records
from ledger.imports.rows import Problem, parse_row

HEADER = b"kind,insz,on,right,amount,expires_on,training,provider,status,reference\n"
GOOD_CSV = b"grant,93051822361,2024-09-01,vov-hours,10,,,,,G1\n"
HOSTILE_VALUES = [
    b"=cmd|' /C calc'!A0", b"'; DROP TABLE stored_events; --", b"9" * 5000, b"\x00", b"\xff\xfe",
    b'"unclosed', b"\x1b[2J", b"x" * 200_000,
]  # fmt: skip
DEEP_JSON = b"[" * 100_000 + b"]" * 100_000
HUGE_NUMBER_JSON = b'{"kind": "grant", "amount": ' + b"9" * 5000 + b"}"

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def lines_of(data: bytes, file_format: str) -> list[object]:
    """Every record's outcome: the row, or the problem; a whole-file refusal as such."""
    try:
        records = list(read_records(LineSource(io.BytesIO(data)), file_format))
    except ImportFileError as refusal:
        return [refusal]
    return [record.problem or parse_row(record.fields) for record in records]


def is_clean(outcome: object) -> bool:
    if isinstance(outcome, Problem):
        return bool(outcome.field) and bool(outcome.reason)
    return True


csv_line = st.lists(
    st.one_of(st.sampled_from(HOSTILE_VALUES), st.binary(max_size=40)), min_size=1, max_size=12
).map(lambda values: b",".join(values) + b"\n")


@FUZZ
@given(body=st.lists(csv_line, max_size=5))
@example(body=[b",".join([b"grant", b"93051822361", b"2024-09-01", b"=cmd|' /C calc'!A0"]
                          + [b""] * 6) + b"\n"])  # fmt: skip
def test_hostile_csv_lines_end_as_rows_or_rejections(body: list[bytes]) -> None:
    outcomes = lines_of(HEADER + GOOD_CSV + b"".join(body), "csv")

    assert all(is_clean(outcome) for outcome in outcomes)


json_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20)),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=10,
)


@FUZZ
@given(values=st.dictionaries(st.sampled_from(["kind", "insz", "on", "amount", "reference",
                                                "x"]), json_value, max_size=6))  # fmt: skip
def test_hostile_jsonl_fields_end_as_rows_or_rejections(values: dict[str, object]) -> None:
    import json

    line = json.dumps(values).encode() + b"\n"

    assert all(is_clean(outcome) for outcome in lines_of(line, "jsonl"))


@pytest.mark.parametrize(
    "line",
    [
        pytest.param(DEEP_JSON, id="deeply-nested-json"),
        pytest.param(HUGE_NUMBER_JSON, id="a-5000-digit-number"),
        pytest.param(b"\xff\xfe{}", id="bytes-that-are-not-utf8"),
        pytest.param(b'{"kind": "grant", "insz": "' + b"9" * 100_000 + b'"}', id="huge-field"),
    ],
)  # fmt: skip
def test_hostile_jsonl_lines_end_as_rejections(line: bytes) -> None:
    outcomes = lines_of(line + b"\n", "jsonl")

    assert len(outcomes) == 1 and isinstance(outcomes[0], Problem)
