"""``import_file``: a whole file into the ledger, chunk by chunk, recorded as one batch.

Resuming needs no bookkeeping of its own: every line has an identity (source, reference)
that its account remembers, so running the same file again skips what landed (as "already
applied") and finishes the rest. Each run is its own batch, so the entries of a run that
was killed part-way still lead back to that run's record.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

from ledger.application import Ledger
from ledger.domain.batch import ImportBatch
from ledger.domain.identifiers import parse_source
from ledger.imports.chunk_state import ChunkReport
from ledger.imports.lines import FileContext
from ledger.imports.parallel import ParallelRunner
from ledger.imports.readers import (
    ImportFileError,
    LineSource,
    Record,
    detect_format,
    open_file,
    read_records,
)
from ledger.imports.refused_lines import RefusedLines
from ledger.imports.report import ImportSummary, RejectsWriter
from ledger.imports.runners import InProcessRunner, Runner
from ledger.imports.settings import ImportSettings
from ledger.perf.gc import collect_young, gc_paused
from ledger.security.roles import Action
from ledger.store.backend import can_share

Progress = Callable[[int], None]  # called with the bytes read so far
AfterChunk = Callable[[ImportSummary], None]


def import_file(
    ledger: Ledger,
    path: Path,
    source: str,
    *,
    file_format: str | None = None,
    dry_run: bool = False,
    rejects: Path | None = None,
    settings: ImportSettings | None = None,
    progress: Progress | None = None,
    after_chunk: AfterChunk | None = None,
) -> ImportSummary:
    """Import ``path`` from ``source``; every line lands whole or goes to ``rejects``.

    With ``dry_run`` every rule is checked against the current state and nothing is written.
    """
    settings = settings or ImportSettings()
    canonical = parse_source(source, ledger.catalogue.sector_funds)
    ledger.require(Action.IMPORT, canonical)  # an importer imports for its own source only
    the_format = detect_format(path, file_format)
    if rejects is not None and rejects.resolve() == path.resolve():
        raise ImportFileError(f"--rejects {str(rejects)!r}: that is the file being imported")
    sha256 = sha256_of(path)
    with open_file(path) as handle:
        lines = LineSource(handle)
        records = read_records(lines, the_format)  # a bad header stops us here
        batch = ImportBatch.start(
            canonical, path.name, sha256, the_format, ledger.actor, datetime.now(UTC)
        )
        summary = ImportSummary(
            str(batch.id), canonical, path.name, sha256, the_format, dry_run, batch.started_at
        )
        if not dry_run:
            ledger.save(batch)
        context = FileContext(canonical, ledger.actor, str(batch.id))
        with gc_paused():  # until the runner has let go of its account cache
            runner = _runner(ledger, context, settings, dry_run, sha256)
            try:
                _run(runner, records, lines, summary, rejects, progress, after_chunk)
            finally:
                runner.close()
    summary.finished_at = datetime.now(UTC)
    if not dry_run:
        batch.finish(summary.finished_at, summary.counts())
        ledger.save(batch)
    return summary


def _runner(
    ledger: Ledger, context: FileContext, settings: ImportSettings, dry_run: bool, sha256: str
) -> Runner:
    if settings.workers > 1 and can_share(ledger.store_env):
        return ParallelRunner(ledger, context, settings, dry_run, sha256)
    refused_lines = RefusedLines(ledger, context.source, sha256)
    return InProcessRunner(ledger, context, settings, dry_run, refused_lines)


def _run(
    runner: Runner,
    records: Iterator[Record],
    lines: LineSource,
    summary: ImportSummary,
    rejects: Path | None,
    progress: Progress | None,
    after_chunk: AfterChunk | None,
) -> None:
    writer = RejectsWriter(rejects)
    try:
        for chunk in _chunks(records, runner.settings.chunk_lines):
            _record(summary, writer, runner.submit(chunk), after_chunk)
            collect_young()
            if progress is not None:
                progress(lines.bytes_read)
        _record(summary, writer, runner.finish(), after_chunk)
    finally:
        writer.close()
    summary.rejects_file = str(rejects) if writer.written else None


def _record(
    summary: ImportSummary,
    writer: RejectsWriter,
    reports: list[ChunkReport],
    after_chunk: AfterChunk | None,
) -> None:
    """Count the chunks whose write committed; a chunk is never counted before that."""
    for report in reports:
        writer.write(report.rejects)
        for kind, result in report.results:
            summary.count(kind, result)
        summary.events_written += report.events_written
        summary.chunks_redone += report.redone
        if after_chunk is not None:
            after_chunk(summary)


def _chunks(records: Iterator[Record], size: int) -> Iterator[list[Record]]:
    while chunk := list(islice(records, size)):
        yield chunk


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open_file(path) as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
