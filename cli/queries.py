"""Commands that read one account: balance, history, explain, now or at a past moment.

``--as-of`` reads business time (effective dates); ``--known-at`` reads only what had been
recorded by then. Both together answer "what did we know on day X about day Y". Every
read goes into the citizen's access log with ``--reason`` (required for backoffice), and
the INSZ shows masked to roles that do not need it.
"""

from __future__ import annotations

import click

from cli.context import LedgerContext, pass_ledger_context
from cli.explanation import explain_json, explain_text
from cli.output import echo_json
from cli.parsing import parse_known_at, parse_optional_day, reading_options
from cli.render import balance_json, balance_text, history_json, history_text
from ledger.domain.identifiers import parse_insz
from ledger.domain.values import public_value


@click.command()
@click.argument("insz")
@reading_options
@click.option(
    "--value",
    "with_value",
    is_flag=True,
    help="Also each right's public value in euros (by each lot's rule version) and the "
    "totals: hours, days, euros, vouchers and euros of public value.",
)
@pass_ledger_context
def balance(
    obj: LedgerContext,
    insz: str,
    as_of: str | None,
    known_at: str | None,
    reason: str | None,
    as_json: bool,
    with_value: bool,
) -> None:
    """Usable and suspended balance per right type, with the open lots behind it.

    \b
    Example:
      llr balance 93051822361 --as-of 2024-12-31 --reason "citizen asked by phone"
      llr balance 93051822361 --value --reason "citizen asked what their rights are worth"
    """
    day, moment = parse_optional_day(as_of, "--as-of"), parse_known_at(known_at)
    report = obj.ledger.balance(insz, day, moment, reason)
    shown = obj.shown(report.insz)
    value = public_value(report.rights, obj.ledger.catalogue) if with_value else None
    if as_json:
        echo_json(balance_json(report, shown, value))
    else:
        click.echo(balance_text(report, shown, value))


@click.command()
@click.argument("insz")
@reading_options
@pass_ledger_context
def history(
    obj: LedgerContext,
    insz: str,
    as_of: str | None,
    known_at: str | None,
    reason: str | None,
    as_json: bool,
) -> None:
    """The audit trail: one line per event, with the balance after each.

    \b
    Example:
      llr history 93051822361 --known-at 2025-01-31 --reason "complaint 2025-017"
    """
    day, moment = parse_optional_day(as_of, "--as-of"), parse_known_at(known_at)
    report = obj.ledger.history(insz, day, moment, reason)
    shown = obj.shown(report.insz)
    if as_json:
        echo_json(history_json(report, shown))
    else:
        click.echo(history_text(report, shown))


@click.command()
@click.argument("insz")
@click.argument("right")
@reading_options
@pass_ledger_context
def explain(
    obj: LedgerContext,
    insz: str,
    right: str,
    as_of: str | None,
    known_at: str | None,
    reason: str | None,
    as_json: bool,
) -> None:
    """How the balance of RIGHT derives from grants, uses and transitions, step by step.

    \b
    Example:
      llr explain 93051822361 vov-hours --as-of 2025-06-30 --reason "citizen called"
    """
    day, moment = parse_optional_day(as_of, "--as-of"), parse_known_at(known_at)
    explanation = obj.ledger.explain(insz, right, day, moment, reason)
    shown = obj.shown(parse_insz(insz))  # the Ledger checked it already
    if as_json:
        echo_json(explain_json(shown, day, moment, explanation))
    else:
        click.echo(explain_text(shown, day, moment, explanation))
