"""Commands that write to one citizen's account: open, grant, use, status, reverse, approve.

Each one parses its text, makes one Ledger call and prints one line (or JSON) saying what
happened. The rules live in the domain; a refusal surfaces as ``error: ...`` and exit 1.
"""

from __future__ import annotations

import click

from cli.careers import employment_options
from cli.context import LedgerContext, pass_ledger_context
from cli.output import echo_json, echo_outcome, outcome_json
from cli.parsing import json_option, parse_event_id, parse_optional_day, review_option
from ledger.domain.catalogue import Status
from ledger.domain.errors import InvalidInputError
from ledger.parsing import employment_of, parse_day, parse_situation

# A negative AMOUNT such as -5 must reach the amount's parser (exit 1 naming it), not be taken
# for an unknown option (exit 2).
NUMBERS_MAY_BE_NEGATIVE = {"ignore_unknown_options": True}


@click.command("open")
@click.argument("insz")
@click.option("--on", "on", required=True, metavar="DATE", help="Effective date.")
@click.option("--education", help="low, medium or high (for take-up monitoring).")
@click.option("--employer", metavar="KBO", help="Opens as an employee of this employer.")
@employment_options
@click.option("--situation", metavar="SITUATION", help="Opens in this situation instead.")
@click.option("--status", help="The older form: employee (no employer named) or a situation.")
@click.option("--source", metavar="SRC", help="Who reports the opening.")
@click.option("--ref", "reference", metavar="REF", help="The sender's id for the opening.")
@json_option
@pass_ledger_context
def open_account(
    obj: LedgerContext,
    insz: str,
    on: str,
    education: str | None,
    employer: str | None,
    fte: str | None,
    joint_committee: str | None,
    region: str | None,
    unit: str | None,
    situation: str | None,
    status: str | None,
    source: str | None,
    reference: str | None,
    as_json: bool,
) -> None:
    """Open a citizen's account.

    As an employee of an employer (--employer, with the employment's options) or in a
    situation (--situation); --status is the older form.

    \b
    Examples:
      llr open 93051822361 --on 2024-09-01 --education medium \\
          --employer 0403019261 --joint-committee 200 --fte 0.8
      llr open 85073003328 --on 2024-09-01 --situation jobseeker
    """
    day = parse_day(on, "--on")
    openings = {"--employer": employer, "--situation": situation, "--status": status}
    given = [name for name, value in openings.items() if value is not None]
    if len(given) != 1:
        raise InvalidInputError(
            "open needs exactly one of --employer KBO, --situation SITUATION or --status "
            f"STATUS (given: {', '.join(given) or 'none'})"
        )
    employment_given = [fte, joint_committee, region, unit] != [None] * 4
    if employment_given and employer is None:
        raise InvalidInputError(
            "--fte, --joint-committee, --region and --unit describe an employment: give "
            "--employer KBO with them"
        )
    employment = None
    if employer is not None:
        employment = employment_of(employer, day, fte, joint_committee, region, unit)
        status = Status.EMPLOYEE.value
    elif situation is not None:
        status = parse_situation(situation).value
    assert status is not None
    outcome = obj.ledger.open_account(insz, status, day, education, source, reference, employment)
    obj.refresh_read_models()
    echo_outcome(outcome, as_json)


@click.command(context_settings=NUMBERS_MAY_BE_NEGATIVE)
@click.argument("insz")
@click.argument("right")
@click.argument("amount")
@click.option(
    "--source",
    required=True,
    metavar="SRC",
    help="employer:<KBO>, sector-fund:<code>, flemish-government or federal-government.",
)
@click.option("--on", "on", required=True, metavar="DATE", help="Valid from.")
@click.option("--expires", metavar="DATE", help="First day not usable (default: the rule's).")
@click.option("--ref", "reference", required=True, metavar="REF", help="The source's id.")
@click.option(
    "--track",
    metavar="TRACK",
    help="For a right with tracks: vov-hours own-choice (default) or employer.",
)
@review_option
@json_option
@pass_ledger_context
def grant(
    obj: LedgerContext,
    insz: str,
    right: str,
    amount: str,
    source: str,
    on: str,
    expires: str | None,
    reference: str,
    track: str | None,
    review: bool,
    as_json: bool,
) -> None:
    """Grant a lot of RIGHT (AMOUNT in the right's unit) to a citizen.

    AMOUNT is in the right's own unit, with decimals up to its precision: hours and days
    to 0.01 (2.5, 93.75), euros to the cent (250 or 250.00), vouchers whole.

    \b
    Example:
      llr grant 93051822361 vov-hours 125 --source employer:0566988259 \\
          --on 2024-09-01 --ref VOV-2024-001

    A personal maximum (VOV: 125 h x the employment fraction in the reference month) is
    computed from the employments on the account; a grant above it is refused, naming
    the computation.
    """
    day, expires_on = parse_day(on, "--on"), parse_optional_day(expires, "--expires")
    # The amount as typed: the Ledger reads it in the right's unit, to its precision.
    outcome = obj.ledger.grant_right(
        insz, right, amount, day, source, reference, expires_on, review=review, track=track
    )
    obj.refresh_read_models()
    echo_outcome(outcome, as_json)


@click.command(context_settings=NUMBERS_MAY_BE_NEGATIVE)
@click.argument("insz")
@click.argument("right")
@click.argument("amount")
@click.option("--on", "on", required=True, metavar="DATE", help="Date of the training.")
@click.option("--training", required=True, metavar="ID", help="The training's id.")
@click.option(
    "--provider",
    metavar="ID",
    help="The provider's id (KBO). Optional where the right needs a registered training: "
    "the registry gives it.",
)
@click.option("--ref", "reference", required=True, metavar="REF", help="The sender's id.")
@click.option("--source", metavar="SRC", help="Who reports the use.")
@click.option(
    "--employer",
    metavar="KBO",
    help="Draw only on the lots of this employer's running employment.",
)
@click.option(
    "--track",
    metavar="TRACK",
    help="For a right with tracks: vov-hours own-choice (default) or employer.",
)
@review_option
@json_option
@pass_ledger_context
def use(
    obj: LedgerContext,
    insz: str,
    right: str,
    amount: str,
    on: str,
    training: str,
    provider: str | None,
    reference: str,
    source: str | None,
    employer: str | None,
    track: str | None,
    review: bool,
    as_json: bool,
) -> None:
    """Record a use of AMOUNT of RIGHT, drawn from the lots that expire first.

    A right bound to an employment (federal training days, VOV hours) draws on the lots of
    the employments running that day, or with --employer on that employer's only. A right
    with tracks draws on its track's lots only (--track; VOV: own-choice by default).
    Where the catalogue requires it, the training must be in the registry, recognised for
    the right that day (llr registry show CODE).

    \b
    Example:
      llr use 93051822361 vov-hours 20 --on 2024-10-07 --training OPL-123 \\
          --provider 0203201340 --ref USE-77
    """
    day = parse_day(on, "--on")
    outcome = obj.ledger.use_right(
        insz, right, amount, day, training, provider, reference, source, employer, review,
        track,
    )  # fmt: skip
    obj.refresh_read_models()
    echo_outcome(outcome, as_json)


@click.command("status")
@click.argument("insz")
@click.argument("status")
@click.option("--on", "on", required=True, metavar="DATE", help="Effective date.")
@click.option("--source", metavar="SRC", help="Who reports the change.")
@click.option("--ref", "reference", metavar="REF", help="The sender's id for the change.")
@review_option
@json_option
@pass_ledger_context
def change_status(
    obj: LedgerContext,
    insz: str,
    status: str,
    on: str,
    source: str | None,
    reference: str | None,
    review: bool,
    as_json: bool,
) -> None:
    """The shorthand of a career change: from DATE the citizen is only STATUS.

    The employments and situations running that day end (an employment ended this way
    has no end reason: its lots follow the new status); STATUS employee starts an
    employment without an employer, which the next employer grant names. Every open lot
    is carried, suspended or forfeited. Prefer 'llr employment' and 'llr situation'.

    \b
    Example:
      llr status 93051822361 jobseeker --on 2025-01-06
    """
    day = parse_day(on, "--on")
    outcome = obj.ledger.change_status(insz, status, day, source, reference, review)
    obj.refresh_read_models()
    echo_outcome(outcome, as_json)


@click.command(context_settings=NUMBERS_MAY_BE_NEGATIVE)
@click.argument("insz")
@click.argument("event_id")
@click.option("--reason", required=True, help="Why the entry is compensated.")
@click.option(
    "--on",
    "on",
    metavar="DATE",
    help="Effective date (default: today, or the account's latest date if later).",
)
@json_option
@pass_ledger_context
def reverse(
    obj: LedgerContext, insz: str, event_id: str, reason: str, on: str | None, as_json: bool
) -> None:
    """Request the reversal of a grant, use or forfeit (EVENT_ID from 'llr history').

    Four eyes: nothing changes until another person approves the request with
    'llr approve INSZ REQUEST_ID'; the request id is printed here.

    \b
    Example:
      llr reverse 93051822361 4 --reason "use entered twice" --on 2024-10-08
    """
    entry, day = parse_event_id(event_id), parse_optional_day(on, "--on")
    outcome = obj.ledger.request_reversal(insz, entry, reason, day)
    obj.refresh_read_models()
    if as_json:
        echo_json(outcome_json(outcome) | {"request_id": outcome.account_version})
        return
    click.echo(
        f"requested: reversal of event {entry} as request {outcome.account_version} "
        "(nothing changes until another person runs: "
        f"llr approve INSZ {outcome.account_version})"
    )


@click.command(context_settings=NUMBERS_MAY_BE_NEGATIVE)
@click.argument("insz")
@click.argument("request_id")
@click.option(
    "--on", "on", metavar="DATE", help="Effective date (default: the one the request asked for)."
)
@json_option
@pass_ledger_context
def approve(obj: LedgerContext, insz: str, request_id: str, on: str | None, as_json: bool) -> None:
    """Approve another person's reversal request (REQUEST_ID from 'llr reverse' or
    'llr history'); the entry is reversed now. Refused for the person who requested it.

    \b
    Example:
      llr approve 93051822361 5
    """
    request, day = parse_event_id(request_id, "REQUEST_ID"), parse_optional_day(on, "--on")
    outcome = obj.ledger.approve_reversal(insz, request, day)
    obj.refresh_read_models()
    echo_outcome(outcome, as_json)
