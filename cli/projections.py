"""``llr projections run|status|rebuild``: bring the read models up to date or rebuild them."""

from __future__ import annotations

import signal
from types import FrameType

import click

from cli.context import LedgerContext, pass_ledger_context
from cli.output import echo_json, table
from cli.parsing import json_option
from ledger.projections.follow import follow
from ledger.projections.rebuild import rebuild
from ledger.projections.registry import NAMES
from ledger.projections.runner import catch_up_all
from ledger.projections.runner import status as projection_status

BATCH_OPTION = click.option(
    "--batch-size", type=click.IntRange(1, 1_000_000), default=None,
    help="Events per transaction (default: the store's: 50,000).",
)  # fmt: skip


def counted(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} {n}" for name, n in counts.items()) or "nothing"


@click.group("projections")
def projections_group() -> None:
    """Read models across citizens (balances, expiring, money, sources, takeup, trail)."""


@projections_group.command("run")
@click.argument("names", nargs=-1, metavar="[NAME]...")
@click.option("--follow", "keep_following", is_flag=True, help="Keep following new events.")
@click.option(
    "--poll", "poll_seconds", default=1.0, show_default=True, type=click.FloatRange(0.05),
    help="With --follow: the longest wait between looks at the store, in seconds.",
)  # fmt: skip
@BATCH_OPTION
@pass_ledger_context
def run(
    obj: LedgerContext, names: tuple[str, ...], keep_following: bool, poll_seconds: float,
    batch_size: int | None,
) -> None:  # fmt: skip
    """Bring projections up to date (all by default); with --follow, keep them so.

    \b
    Example:
      llr projections run
      llr projections run balances trail --follow --poll 0.5
    """
    if not keep_following:
        counts = catch_up_all(obj.ledger, names or None, batch_size)
        click.echo(f"events applied: {counted(counts)}")
        return
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    click.echo("following new events; Ctrl-C stops", err=True)
    try:
        follow(obj.ledger, names or None, poll_seconds, on_progress=lambda c: click.echo(
            f"events applied: {counted({k: v for k, v in c.items() if v})}"
        ), batch_size=batch_size)  # fmt: skip
    except KeyboardInterrupt:
        click.echo("stopped; every batch is either applied whole or not at all", err=True)


def stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # leave the batch in progress the same way Ctrl-C does


@projections_group.command("status")
@json_option
@pass_ledger_context
def status(obj: LedgerContext, as_json: bool) -> None:
    """Each projection's position in the event log and how far behind it is.

    \b
    Example:
      llr projections status --json
    """
    found = projection_status(obj.ledger)
    if as_json:
        echo_json([
            {"name": s.name, "position": s.position, "head": s.head, "lag": s.lag,
             "rebuilding_at": s.rebuilding_at}
            for s in found
        ])  # fmt: skip
        return
    rows = [(s.name, s.position, s.lag, s.rebuilding_at) for s in found]
    click.echo(table(("projection", "position", "lag", "rebuild at"), rows))
    click.echo(f"events in the store: {found[0].head if found else 0}")


@projections_group.command("rebuild")
@click.argument("names", nargs=-1, required=True, metavar="NAME...")
@click.option(
    "--batch-size", type=click.IntRange(1, 1_000_000), default=None,
    help="Events per transaction (default: the store's: 250,000 on SQLite, 50,000 on PostgreSQL).",
)  # fmt: skip
@pass_ledger_context
def rebuild_command(obj: LedgerContext, names: tuple[str, ...], batch_size: int | None) -> None:
    """Rebuild projections from the first event beside the live ones, then swap them in.

    Readers keep seeing the old tables until the swap, which is one transaction.
    Names: balances, expiring, sources, takeup, trail (or: all).

    \b
    Example:
      llr projections rebuild takeup
    """
    chosen = list(NAMES) if "all" in names else list(names)
    counts = rebuild(obj.ledger, chosen, batch_size)
    click.echo(f"rebuilt and swapped in: {counted(counts)} events")
