"""llr review list|show|close: the review cases late facts opened (docs/cli.md)."""

from __future__ import annotations

from typing import Any

import click

from cli.context import LedgerContext, pass_ledger_context
from cli.output import echo_json, echo_outcome, table
from cli.parsing import json_option
from ledger.projections.reviews import account_of_case, open_reviews
from ledger.review_cases import CaseReport


@click.group("review")
def review_group() -> None:
    """Review cases: late facts recorded although they make later entries invalid."""


@review_group.command("list")
@json_option
@pass_ledger_context
def list_cases(obj: LedgerContext, as_json: bool) -> None:
    """The open review cases, oldest first (from the audit trail read model).

    \b
    Example:
      llr review list --json
    """
    obj.refresh_read_models()
    report = open_reviews(obj.ledger)
    cases = [vars(row) for row in report.rows]
    if as_json:
        echo_json({"cases": cases, "lag": report.lag})
        return
    if not cases:
        click.echo("no open review cases")
        return
    headers = ("case", "account", "opened on", "recorded at", "by", "what")
    rows = [
        (c["case"], c["account_id"], c["opened_on"], c["recorded_at"][:19], c["actor"],
         c["detail"])
        for c in cases
    ]  # fmt: skip
    click.echo(table(headers, rows))


@review_group.command("show")
@click.argument("case")
@json_option
@pass_ledger_context
def show(obj: LedgerContext, case: str, as_json: bool) -> None:
    """One case: the late fact's date and each later entry it makes invalid.

    \b
    Example:
      llr review show 3c25ce17e186-7
    """
    obj.refresh_read_models()
    account_id, number = account_of_case(obj.ledger, case)
    report = obj.ledger.review_case(account_id, number)
    shown = case_json(case, report)
    if as_json:
        echo_json(shown)
        return
    state = "open" if report.case.is_open else f"closed by {report.case.closed_by}: "
    state += report.case.closed_reason or ""
    click.echo(
        f"review case {shown['case']} ({state}), opened {shown['opened_on']} by "
        f"{shown['opened_by']}: a fact dated {shown['fact_on']} makes these entries invalid"
    )
    rows = [(e["event_id"], e["on"], e["event"], e["reason"]) for e in shown["entries"]]
    click.echo(table(("event", "on", "kind", "why"), rows))


def case_json(case: str, report: CaseReport) -> dict[str, Any]:
    """``llr review show --json``: the case and each later entry it makes invalid."""
    return {
        "case": case.strip().lower(),
        "account_id": str(report.account_id),
        "opened_on": report.case.opened_on.isoformat(),
        "fact_on": report.case.fact_on.isoformat(),
        "opened_by": report.case.actor,
        "open": report.case.is_open,
        "closed_reason": report.case.closed_reason,
        "closed_by": report.case.closed_by,
        "entries": [
            {"event_id": c.version, "on": c.on.isoformat(), "event": c.event, "reason": c.reason}
            for c in report.conflicts
        ],
    }


@review_group.command("close")
@click.argument("case")
@click.option("--reason", required=True, metavar="TEXT", help="How the case was resolved.")
@json_option
@pass_ledger_context
def close(obj: LedgerContext, case: str, reason: str, as_json: bool) -> None:
    """Close a case once what it lists is resolved (reversals approved, entries redone).

    \b
    Example:
      llr review close 3c25ce17e186-7 --reason "use 3 reversed and entered again"
    """
    obj.refresh_read_models()
    account_id, number = account_of_case(obj.ledger, case)
    outcome = obj.ledger.close_review(account_id, number, reason)
    obj.refresh_read_models()
    echo_outcome(outcome, as_json)
