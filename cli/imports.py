"""``llr import``: a file of grants, uses and status changes from one source.

The command reads no line itself: it hands the file to ``ledger.imports.import_file``,
shows a progress bar on a terminal, and prints the summary (a table, or JSON).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from cli.context import LedgerContext, pass_ledger_context
from cli.output import echo_json, table
from cli.parsing import json_option
from ledger.imports import FORMATS, ImportSettings, ImportSummary, default_workers, import_file
from ledger.imports.settings import BIG_FILE, DEFAULT_MAX_WORKERS, MAX_WORKERS

COUNT_HEADERS = ("kind", "read", "applied", "already applied", "rejected")


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--source",
    required=True,
    metavar="SRC",
    help="Who sent the file: "
    "employer:<KBO>, sector-fund:<code>, flemish-government or federal-government.",
)
@click.option(
    "--format",
    "file_format",
    type=click.Choice(FORMATS),
    help="csv or jsonl (default: from the file's extension).",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Check every line against the current state; write nothing to the ledger.",
)
@click.option(
    "--rejects",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="OUT",
    help="Where rejected lines go (default: ./<FILE without extension>.rejects.csv).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, MAX_WORKERS),
    metavar="N",
    help="Processes that apply lines, each to its share of the citizens (default: one per "
    f"core, at most {DEFAULT_MAX_WORKERS}, for files of {BIG_FILE // 1_000_000} MB or more; "
    "else 1). The store must be a file or a server.",
)
@json_option
@pass_ledger_context
def import_command(
    obj: LedgerContext,
    file: Path,
    source: str,
    file_format: str | None,
    dry_run: bool,
    rejects: Path | None,
    workers: int | None,
    as_json: bool,
) -> None:
    """Import FILE (CSV with a header row, or JSON Lines) from one source.

    Each line lands whole or goes to the rejects file (line, field, reason, original line).
    Importing the same file again changes nothing; after a crash it finishes the rest.
    Exit 0 when every line was applied or already applied, 1 when any was rejected.

    \b
    Example:
      llr import examples/employer-0566988259.csv --source employer:0566988259
    """
    rejects = rejects or Path(f"{file.stem}.rejects.csv")
    with progress_bar(file, shown=not as_json) as progress:
        summary = import_file(
            obj.ledger,
            file,
            source,
            file_format=file_format,
            dry_run=dry_run,
            rejects=rejects,
            progress=progress,
            settings=ImportSettings(workers=workers or default_workers(file)),
        )
    if not dry_run:
        obj.refresh_read_models()  # once, after the whole file
    if as_json:
        echo_json(summary.as_json())
    else:
        click.echo(summary_text(summary))
    if summary.rejected:
        lines = "line" if summary.rejected == 1 else "lines"
        where = f"; see {summary.rejects_file}" if summary.rejects_file else ""
        click.echo(f"error: {summary.rejected} {lines} rejected{where}", err=True)
        click.get_current_context().exit(1)


@contextmanager
def progress_bar(file: Path, shown: bool) -> Iterator[Callable[[int], None] | None]:
    """A bar on stderr, by bytes read, only when stderr is a terminal."""
    if not shown or not sys.stderr.isatty() or not file.is_file():
        yield None
        return
    with click.progressbar(length=file.stat().st_size, label="importing", file=sys.stderr) as bar:
        done = 0

        def advance(bytes_read: int) -> None:
            nonlocal done
            bar.update(bytes_read - done)
            done = bytes_read

        yield advance


def summary_text(summary: ImportSummary) -> str:
    counts = summary.counts()
    rows = [
        (kind, c["read"], c["applied"], c["already_applied"], c["rejected"])
        for kind, c in counts["per_kind"].items()
    ]
    rows.append(
        ("total", summary.lines_read, summary.applied, summary.already_applied, summary.rejected)
    )
    what = "dry run of" if summary.dry_run else "import of"
    lines = [
        f"{what} {summary.file_name} from {summary.source}"
        + ("" if summary.dry_run else f": batch {summary.batch_id}"),
        table(COUNT_HEADERS, rows, indent="  "),
        _outcome_line(summary),
    ]
    if summary.rejects_file:
        lines.append(f"rejected lines (line, field, reason, original): {summary.rejects_file}")
    return "\n".join(lines)


def _outcome_line(summary: ImportSummary) -> str:
    events = summary.events_written
    if summary.dry_run:
        return f"nothing written (dry run); {events} events would be written"
    if summary.applied == 0:
        every = summary.already_applied == summary.lines_read
        return "nothing changed" + (": every line was already applied" if every else "")
    return f"{events} events written"
