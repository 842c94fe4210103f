"""``llr registry import``: a file of providers or of trainings, in chunks.

Lines are read as the account import reads them (``ledger/imports/readers.py``: CSV with
a header row or JSON Lines, by extension), checked one by one with the messages of the
single commands, and applied a chunk at a time: the chunk's streams are loaded in a few
queries, each line is applied to the streams in hand (``entries.py``), and the chunk is
saved in one transaction with its read-model rows. A line lands whole or goes to the
rejects file (``line,field,reason,original``); importing the same file again applies
nothing new (``already applied``).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eventsourcing.persistence import RecordConflictError

from ledger.domain.command import Result
from ledger.domain.errors import LedgerError
from ledger.domain.registry_streams import Listing
from ledger.imports.readers import (
    ImportFileError,
    LineSource,
    Record,
    detect_format,
    open_file,
    read_records,
)
from ledger.imports.report import Reject, RejectsWriter
from ledger.imports.rows import LINE, Problem
from ledger.registry import inputs
from ledger.registry.application import Registry
from ledger.registry.entries import ProviderEntry, apply_listing, apply_provider
from ledger.security.roles import Action

PROVIDERS, TRAININGS = "providers", "trainings"
KINDS = (PROVIDERS, TRAININGS)
COLUMNS = {
    PROVIDERS: ("kbo", "name", "recognised_for", "from", "until", "public", "label"),
    TRAININGS: ("code", "provider", "title", "rights", "from", "until", "classification",
                "hours"),
}  # fmt: skip
REQUIRED = {
    PROVIDERS: ("kbo", "name", "recognised_for", "from"),
    TRAININGS: ("code", "provider", "title", "rights", "from"),
}
CHUNK_LINES = 2000
CONFLICT_RETRIES = 5


@dataclass
class RegistryImportSummary:
    kind: str
    file_name: str
    file_format: str
    lines_read: int = 0
    applied: int = 0
    already_applied: int = 0
    rejected: int = 0
    events_written: int = 0
    rejects_file: str | None = None

    def count(self, result: Result | None) -> None:
        self.lines_read += 1
        if result is Result.APPLIED:
            self.applied += 1
        elif result is Result.EXISTS:
            self.already_applied += 1
        else:
            self.rejected += 1

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "file": self.file_name,
            "format": self.file_format,
            "lines_read": self.lines_read,
            "applied": self.applied,
            "already_applied": self.already_applied,
            "rejected": self.rejected,
            "events_written": self.events_written,
            "rejects_file": self.rejects_file,
        }


@dataclass(frozen=True)
class Line:
    """A line read and checked: its record and what it asks (a provider or a listing)."""

    record: Record
    entry: Any


Outcome = Result | Reject


def import_registry(
    registry: Registry,
    path: Path,
    kind: str,
    file_format: str | None = None,
    rejects: Path | None = None,
) -> RegistryImportSummary:
    """Import a file of ``kind`` (providers or trainings); see the module's docstring."""
    registry.require(Action.WRITE_REGISTRY)
    if kind not in KINDS:
        raise ImportFileError(f"--kind {kind!r}: must be {' or '.join(KINDS)}")
    the_format = detect_format(path, file_format)
    summary = RegistryImportSummary(kind, path.name, the_format)
    writer = RejectsWriter(rejects)
    apply = ChunkApplier(registry, kind)
    try:
        with open_file(path) as handle:
            for chunk in chunks(records(LineSource(handle), the_format, kind)):
                outcomes, written = apply(chunk)
                for outcome in outcomes:
                    summary.count(outcome if isinstance(outcome, Result) else None)
                writer.write([o for o in outcomes if isinstance(o, Reject)])
                summary.events_written += written
    finally:
        writer.close()
    summary.rejects_file = str(rejects) if writer.written else None
    return summary


def records(lines: LineSource, file_format: str, kind: str) -> Iterator[Record]:
    if file_format == "jsonl":
        return read_records(lines, "jsonl")
    return csv_records(lines, kind)


def csv_records(lines: LineSource, kind: str) -> Iterator[Record]:
    """Records of a CSV file with this kind's header; one physical line each."""
    physical = iter(lines)
    header_text = next(physical, None)
    if header_text is None or not header_text.strip():
        raise ImportFileError("the CSV file is empty: the first line must name the fields")
    delimiter = ";" if header_text.count(";") > header_text.count(",") else ","
    header = [n.strip().lower() for n in next(csv.reader([header_text], delimiter=delimiter))]
    check_header(header, kind)
    for text in physical:
        if not text.strip():
            continue
        number, original = lines.line, text.rstrip("\r\n")
        try:
            values = next(csv.reader([original], delimiter=delimiter))
        except csv.Error as error:
            yield Record(number, original, {}, problem_of(f"not valid CSV: {error}"))
            continue
        if len(values) != len(header):
            reason = f"{len(values)} values but the header has {len(header)} columns"
            yield Record(number, original, {}, problem_of(reason))
            continue
        fields = {n: v.strip() for n, v in zip(header, values, strict=True) if v.strip()}
        yield Record(number, original, fields)


def check_header(header: list[str], kind: str) -> None:
    unknown = [n for n in header if n not in COLUMNS[kind]]
    missing = [n for n in REQUIRED[kind] if n not in header]
    for what, found in (("unknown", unknown), ("missing", missing)):
        if found:
            raise ImportFileError(
                f"line 1 (the header): {what} column(s) {', '.join(map(repr, found))}; a file "
                f"of {kind} has the columns {','.join(COLUMNS[kind])} "
                f"({', '.join(REQUIRED[kind])} required)"
            )


def problem_of(reason: str) -> Problem:
    return Problem(LINE, reason)


def chunks(found: Iterator[Record]) -> Iterator[list[Record]]:
    chunk: list[Record] = []
    for record in found:
        chunk.append(record)
        if len(chunk) >= CHUNK_LINES:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class ChunkApplier:
    """Applies a chunk of lines to the registry: one read of its streams, one write."""

    def __init__(self, registry: Registry, kind: str) -> None:
        self.registry = registry
        self.kind = kind
        self.parse: Callable[[dict[str, Any]], Any] = (
            self.provider_entry if kind == PROVIDERS else self.listing
        )

    def __call__(self, chunk: list[Record]) -> tuple[list[Outcome], int]:
        checked: list[Line | Reject] = [self.checked(record) for record in chunk]
        for _ in range(CONFLICT_RETRIES):
            try:
                return self.applied(checked)
            except RecordConflictError:
                continue  # another writer wrote one of these streams: read them again
        raise LedgerError(f"gave up after {CONFLICT_RETRIES} concurrent writes to the registry")

    def checked(self, record: Record) -> Line | Reject:
        if record.problem is not None:
            return self.reject(record, record.problem.field, record.problem.reason)
        try:
            return Line(record, self.parse(record.fields))
        except LedgerError as error:
            return self.reject(record, getattr(error, "field", LINE), str(error))

    def reject(self, record: Record, field: str, reason: str) -> Reject:
        return Reject(record.line, self.kind, field, reason, record.original)

    def applied(self, checked: list[Line | Reject]) -> tuple[list[Outcome], int]:
        lines = [c for c in checked if isinstance(c, Line)]
        streams = self.load(lines)
        outcomes: list[Outcome] = []
        for item in checked:
            if isinstance(item, Reject):
                outcomes.append(item)
                continue
            try:
                outcomes.append(self.apply(streams, item.entry))
            except LedgerError as error:
                outcomes.append(self.reject(item.record, LINE, str(error)))
        touched = list(streams["own"].values())
        pending = [e for stream in touched if stream is not None for e in stream.collect_events()]
        self.registry.save_batch([s for s in touched if s is not None], pending)
        return outcomes, len(pending)

    def load(self, lines: list[Line]) -> dict[str, dict[str, Any]]:
        registry = self.registry
        if self.kind == PROVIDERS:
            return {"own": dict(registry.load_providers({line.entry.kbo for line in lines}))}
        return {
            "own": dict(registry.load_trainings({line.entry.code for line in lines})),
            "providers": dict(registry.load_providers({line.entry.provider for line in lines})),
        }

    def apply(self, streams: dict[str, dict[str, Any]], entry: Any) -> Result:
        own, actor = streams["own"], self.registry.actor
        if self.kind == PROVIDERS:
            provider, result = apply_provider(own.get(entry.kbo), entry, actor)
            own[entry.kbo] = provider
            return result
        held = streams["providers"].get(entry.provider)
        training, result = apply_listing(own.get(entry.code), entry, held, actor)
        own[entry.code] = training
        return result

    # ------------------------------------------------------- a line's fields
    def provider_entry(self, fields: dict[str, Any]) -> ProviderEntry:
        valid_from, valid_until = dates(fields)
        return ProviderEntry(
            kbo=inputs.parse_kbo(text(fields, "kbo"), "kbo"),
            name=inputs.parse_text(text(fields, "name"), "name"),
            rights=inputs.parse_rights(
                text(fields, "recognised_for"), self.registry.catalogue, "recognised_for"
            ),
            valid_from=valid_from,
            valid_until=valid_until,
            public=inputs.parse_public(optional(fields, "public")),
            label=inputs.parse_optional_text(optional(fields, "label"), "label"),
        )

    def listing(self, fields: dict[str, Any]) -> Listing:
        valid_from, valid_until = dates(fields)
        return Listing(
            code=inputs.parse_code(text(fields, "code"), "code"),
            provider=inputs.parse_kbo(text(fields, "provider"), "provider"),
            title=inputs.parse_text(text(fields, "title"), "title"),
            classification=inputs.parse_classification(
                optional(fields, "classification"), "classification"
            ),
            hours=inputs.parse_hours(optional(fields, "hours"), "hours"),
            rights=inputs.parse_rights(text(fields, "rights"), self.registry.catalogue, "rights"),
            valid_from=valid_from,
            valid_until=valid_until,
        )


def dates(fields: dict[str, Any]) -> tuple[Any, Any]:
    valid_from = inputs.parse_date(text(fields, "from"), "from")
    valid_until = inputs.parse_optional_date(optional(fields, "until"), "until")
    inputs.check_period(valid_from, valid_until, "until")
    return valid_from, valid_until


def text(fields: dict[str, Any], name: str) -> str:
    value = optional(fields, name)
    if value is None:
        raise inputs.FieldError(name, f"{name}: missing (required)")
    return value


def optional(fields: dict[str, Any], name: str) -> str | None:
    """A field as text: JSON Lines may give lists (rights), booleans and numbers."""
    value = fields.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return str(value)
