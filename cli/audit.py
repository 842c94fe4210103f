"""``llr audit``: prove that no acquired right was lost and that history was never altered.

``llr audit verify`` checks invariants 1-7 (docs/design.md) and prints one finding per line on
stdout (nothing when clean but one "clean" line), with a summary on stderr; exit 0 when
every invariant holds, 1 otherwise. ``llr audit digest`` writes a small sealed statement
of the whole ledger to keep outside it; ``verify --digest`` proves the history it covers
is unchanged. The key of an HMAC seal is ``Settings.digest_key``, from ``LLR_DIGEST_KEY``
(environment only).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from cli.context import LedgerContext, pass_ledger_context
from cli.errors import CliError
from cli.output import echo_json
from ledger.audit import (
    AuditReport,
    load_digest,
    save_digest,
    take_digest,
    verify,
)
from ledger.audit.report import write_report


@click.group("audit")
def audit_group() -> None:
    """Invariant checks, tamper evidence and digests for auditors."""


@audit_group.command("verify")
@click.argument("insz", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON on stdout.")
@click.option(
    "--report",
    "report_base",
    metavar="OUT",
    help="Also write OUT.findings.csv, OUT.totals.csv and OUT.json.",
)
@click.option(
    "--digest",
    "digest_file",
    metavar="FILE",
    help="Also prove that the history this digest covers is unchanged.",
)
@pass_ledger_context
def verify_command(
    obj: LedgerContext,
    insz: str | None,
    as_json: bool,
    report_base: str | None,
    digest_file: str | None,
) -> None:
    """Check every invariant for one citizen (INSZ) or for all; exit 1 on any breach.

    \b
    Examples:
      llr audit verify
      llr audit verify 93051822361 --json
      llr audit verify --digest digest-2025-06-30.json --report audit-2025-07
    """
    if insz is not None and digest_file is not None:
        raise click.UsageError("--digest covers the whole ledger: leave out INSZ")
    ledger = obj.ledger  # the role is checked here, before any file is read
    digest = load_digest(Path(digest_file), obj.settings.digest_key) if digest_file else None
    report = verify(ledger, insz, digest)
    if report_base:
        with files_named(report_base):
            write_report(report, Path(report_base))
    if as_json:
        echo_json(report.as_dict())
    else:
        echo_findings(report)
    if not report.ok:
        click.get_current_context().exit(1)


def echo_findings(report: AuditReport) -> None:
    for finding in report.findings:
        click.echo(finding.line())
    if report.ok:
        click.echo(f"clean: every invariant holds for {report.scope}")
    where = f" up to position {report.position}" if report.position is not None else ""
    click.echo(
        f"verified {report.scope}: {report.streams} streams, {report.events} events{where}; "
        f"{len(report.findings)} findings",
        err=True,
    )
    for note in report.notes:
        click.echo(note, err=True)


@contextmanager
def files_named(name: str) -> Iterator[None]:
    """A file that cannot be written is a refusal naming it (exit 1), not a traceback."""
    try:
        yield
    except OSError as error:
        raise CliError(f"cannot write {error.filename or name}: {error.strerror}") from None


@audit_group.command("digest")
@click.option("--out", "out", metavar="FILE", help="Write the digest here (default: stdout).")
@click.option(
    "--heads",
    is_flag=True,
    help="Also write FILE.heads.csv (every stream's head), which lets a later "
    "verify name the citizens whose history changed. Needs --out.",
)
@pass_ledger_context
def digest_command(obj: LedgerContext, out: str | None, heads: bool) -> None:
    """Write a sealed digest of the whole ledger at its current position.

    Keep it outside the database. Sealed with an HMAC when LLR_DIGEST_KEY is set, else
    with a SHA-256 of its own content.

    \b
    Example:
      llr audit digest --out digest-2025-06-30.json --heads
    """
    if heads and out is None:
        raise click.UsageError("--heads writes a file next to the digest: give --out FILE")
    digest, stream_heads = take_digest(obj.ledger, obj.settings.digest_key)
    if out is None:
        click.echo(json.dumps(digest.as_dict(), indent=2))
        return
    with files_named(out):
        save_digest(digest, Path(out), stream_heads if heads else None)
    click.echo(
        f"digest at position {digest.position} ({digest.streams} streams, {digest.events} "
        f"events, root {digest.merkle_root[:16]}...) written to {out}"
    )
