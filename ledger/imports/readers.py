"""Stream an import file as records: line number, original text, and its fields by name.

Files are read line by line in binary, so a 1,000,000-line file never sits in memory and a
byte that is not UTF-8 costs one line, not the file: bytes are decoded with
``surrogateescape`` and a record holding an escaped byte is rejected, naming its field.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from ledger.domain.errors import InvalidInputError
from ledger.imports.rows import FIELDS, LINE, REQUIRED_COLUMNS, Problem

FORMATS = ("csv", "jsonl")
_EXTENSIONS = {".csv": "csv", ".txt": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
_BOM = b"\xef\xbb\xbf"
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")  # how surrogateescape keeps a non-UTF-8 byte


class ImportFileError(InvalidInputError):
    """The file as a whole cannot be read: missing, wrong format, or a bad header."""


@dataclass(frozen=True)
class Record:
    """One line (a quoted CSV value may span more) before validation."""

    line: int
    text: str  # as read; undecodable bytes are kept as surrogate escapes
    fields: dict[str, Any]  # non-empty values by field name
    problem: Problem | None = None  # why the line could not be split into fields

    @property
    def original(self) -> str:
        """The line as a rejects file shows it: undecodable bytes written as \\xNN."""
        raw = self.text.encode("utf-8", "surrogateescape")
        return raw.decode("utf-8", "backslashreplace")


def detect_format(path: Path, given: str | None) -> str:
    if given is not None:
        if given not in FORMATS:
            raise ImportFileError(f"format {given!r}: must be one of {', '.join(FORMATS)}")
        return given
    found = _EXTENSIONS.get(path.suffix.lower())
    if found is None:
        raise ImportFileError(
            f"file {str(path)!r}: cannot tell the format from the extension {path.suffix!r}; "
            "name it .csv or .jsonl, or pass --format csv|jsonl"
        )
    return found


class LineSource:
    """Physical lines of a binary file, decoded, counting line numbers and bytes read."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.line = 0
        self.bytes_read = 0

    def __iter__(self) -> Iterator[str]:
        for raw in self.handle:
            self.line += 1
            self.bytes_read += len(raw)
            if self.line == 1 and raw.startswith(_BOM):
                raw = raw[len(_BOM) :]
            yield raw.decode("utf-8", "surrogateescape")


def read_records(lines: LineSource, file_format: str) -> Iterator[Record]:
    """The file's records, read as they are asked for; a CSV header is checked right away."""
    if file_format == "jsonl":
        return _jsonl_records(lines)
    physical = iter(lines)
    delimiter, header = _read_header(next(physical, None))
    return _csv_records(lines, physical, delimiter, header)


def _has_bad_bytes(text: str) -> bool:
    return _ESCAPED_BYTE.search(text) is not None


def _bad_bytes_reason(text: str) -> str:
    raw = text.encode("utf-8", "surrogateescape")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        byte = raw[error.start]
        return (
            f"byte 0x{byte:02X} at position {error.start + 1} is not UTF-8; save the file as UTF-8"
        )
    return "the text is not UTF-8; save the file as UTF-8"


def _jsonl_records(lines: LineSource) -> Iterator[Record]:
    for text in lines:
        stripped = text.strip()
        if not stripped:
            continue
        yield _jsonl_record(lines.line, text.rstrip("\r\n"), stripped)


def _jsonl_record(number: int, text: str, stripped: str) -> Record:
    if _has_bad_bytes(stripped):
        return Record(number, text, {}, Problem(LINE, _bad_bytes_reason(stripped)))
    try:
        value = json.loads(stripped)
    except json.JSONDecodeError as error:
        reason = f"not valid JSON: {error.msg} at column {error.colno}"
        return Record(number, text, {}, Problem(LINE, reason))
    except RecursionError:
        reason = "not accepted JSON: nested too deeply (a row is one flat object)"
        return Record(number, text, {}, Problem(LINE, reason))
    except ValueError as error:  # e.g. an integer of more digits than Python converts
        return Record(number, text, {}, Problem(LINE, f"not accepted JSON: {error}"))
    if not isinstance(value, dict):
        reason = f"expected a JSON object with named fields, got {type(value).__name__}"
        return Record(number, text, {}, Problem(LINE, reason))
    fields = {str(k): v for k, v in value.items() if v is not None and v != ""}
    return Record(number, text, fields)


def _csv_records(
    lines: LineSource, physical: Iterator[str], delimiter: str, header: list[str]
) -> Iterator[Record]:
    consumed: list[str] = []  # the physical lines of the record being read

    def remembered() -> Iterator[str]:
        for text in physical:
            consumed.append(text)
            yield text

    reader = csv.reader(remembered(), delimiter=delimiter)
    while True:
        first = lines.line + 1  # csv.reader pulls lines only as it needs them
        try:
            values = next(reader, None)
            problem = None
        except csv.Error as error:
            values, problem = [], Problem(LINE, f"not valid CSV: {error}")
        if values is None:
            return
        text = "".join(consumed).rstrip("\r\n")
        consumed.clear()
        if problem is not None:
            yield Record(first, text, {}, problem)
        elif any(v.strip() for v in values):  # blank lines are skipped
            yield _csv_record(first, text, header, values)


def _read_header(text: str | None) -> tuple[str, list[str]]:
    if text is None or not text.strip():
        raise ImportFileError("the CSV file is empty: the first line must name the fields")
    if _has_bad_bytes(text):
        raise ImportFileError(f"line 1 (the header): {_bad_bytes_reason(text)}")
    delimiter = ";" if text.count(";") >= text.count(",") else ","
    names = [name.strip().lower() for name in next(csv.reader([text], delimiter=delimiter))]
    unknown = [n for n in names if n not in FIELDS]
    missing = [n for n in REQUIRED_COLUMNS if n not in names]
    repeated = sorted({n for n in names if names.count(n) > 1})
    for what, found in (("unknown", unknown), ("missing", missing), ("repeated", repeated)):
        if found:
            raise ImportFileError(
                f"line 1 (the header): {what} column(s) {', '.join(map(repr, found))}; the "
                f"header names the fields, separated by ';' or ',': {', '.join(FIELDS)} "
                f"({', '.join(REQUIRED_COLUMNS)} required)"
            )
    return delimiter, names


def _csv_record(number: int, text: str, header: list[str], values: list[str]) -> Record:
    if len(values) != len(header):
        what = "an extra column" if len(values) > len(header) else "a missing column"
        reason = f"{len(values)} values but the header has {len(header)} columns ({what})"
        return Record(number, text, {}, Problem(LINE, reason))
    fields = {name: value.strip() for name, value in zip(header, values, strict=True)}
    if _has_bad_bytes(text):
        for name, value in fields.items():
            if _has_bad_bytes(value):
                return Record(number, text, {}, Problem(name, _bad_bytes_reason(value)))
    return Record(number, text, {k: v for k, v in fields.items() if v})


def open_file(path: Path) -> BinaryIO:
    try:
        return path.open("rb")
    except OSError as error:
        raise ImportFileError(f"file {str(path)!r}: {error.strerror or error}") from None
