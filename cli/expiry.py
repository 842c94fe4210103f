"""``llr expire``: the one write that runs over every account."""

from __future__ import annotations

from typing import Any

import click

from cli.context import LedgerContext, pass_ledger_context
from cli.output import echo_json, iso
from cli.parsing import json_option
from ledger.parsing import parse_day
from ledger.results import ExpirySummary


@click.command()
@click.option(
    "--as-of",
    "as_of",
    required=True,
    metavar="DATE",
    help="Expire every lot whose expiry date is on or before DATE.",
)
@json_option
@pass_ledger_context
def expire(obj: LedgerContext, as_of: str, as_json: bool) -> None:
    """Expire, on every account, the lots due on or before a date.

    \b
    Example:
      llr expire --as-of 2025-09-01
    """
    day = parse_day(as_of, "--as-of")
    summary = obj.ledger.expire_all(day)
    obj.refresh_read_models()
    if as_json:
        echo_json(expiry_json(summary))
        return
    click.echo(
        f"expired {summary.lots_expired} lots and lapsed {summary.holds_lapsed} holds on "
        f"{summary.accounts_changed} of "
        f"{summary.accounts_checked} accounts (as of {summary.as_of})"
    )


def expiry_json(summary: ExpirySummary) -> dict[str, Any]:
    """The summary as ``llr expire --json`` prints it (and ``POST /api/v1/expiry`` answers)."""
    return {
        "as_of": iso(summary.as_of),
        "accounts_checked": summary.accounts_checked,
        "accounts_changed": summary.accounts_changed,
        "lots_expired": summary.lots_expired,
        "holds_lapsed": summary.holds_lapsed,
    }
