"""``llr reserve``, ``llr confirm``, ``llr cancel``: bookings of a training, in two phases."""

from __future__ import annotations

import click

from cli.accounts import NUMBERS_MAY_BE_NEGATIVE
from cli.context import LedgerContext, pass_ledger_context
from cli.output import echo_outcome
from cli.parsing import json_option, parse_optional_day, review_option
from ledger.parsing import parse_day


@click.command(context_settings=NUMBERS_MAY_BE_NEGATIVE)
@click.argument("insz")
@click.argument("right")
@click.argument("amount")
@click.option("--training", required=True, metavar="CODE", help="The training (registry code).")
@click.option("--on", "on", required=True, metavar="DATE", help="Date of the booking.")
@click.option("--ref", "reference", required=True, metavar="REF", help="The booking's id.")
@click.option(
    "--hold-until",
    metavar="DATE",
    help="The last day the units are held (default: the catalogue's hold for the right).",
)
@click.option("--track", metavar="TRACK", help="For a right with tracks (vov-hours).")
@click.option(
    "--enrolment",
    metavar="ID",
    help="Links the bookings of one enrolment (VOV hours and vouchers for one training).",
)
@click.option("--employer", metavar="KBO", help="Hold only this employer's lots.")
@click.option(
    "--provider",
    metavar="KBO",
    help="The provider, where the right needs no registered training (else the registry's).",
)
@review_option
@json_option
@pass_ledger_context
def reserve(
    obj: LedgerContext,
    insz: str,
    right: str,
    amount: str,
    training: str,
    on: str,
    reference: str,
    hold_until: str | None,
    track: str | None,
    enrolment: str | None,
    employer: str | None,
    provider: str | None,
    review: bool,
    as_json: bool,
) -> None:
    """Hold AMOUNT of RIGHT for a training, from the lots that expire first.

    The units leave the usable balance (the balance shows them as reserved) until the
    provider confirms the booking (llr confirm), it is cancelled (llr cancel), or its hold
    ends and llr expire lapses it. A training-voucher booking records the worker's share and
    the public share; a career-voucher booking the own contribution.

    \b
    Example:
      llr reserve 93051822361 training-vouchers 250 --training OPL-7 --on 2027-01-11 \\
          --ref BOOK-1 --hold-until 2027-03-31 --enrolment ENR-1
    """
    outcome = obj.ledger.reserve(
        insz, right, amount, parse_day(on, "--on"), training, reference,
        parse_optional_day(hold_until, "--hold-until"), track, enrolment, employer, review,
        provider,
    )  # fmt: skip
    obj.refresh_read_models()
    echo_outcome(outcome, as_json)


@click.command(context_settings=NUMBERS_MAY_BE_NEGATIVE)
@click.argument("insz")
@click.argument("reservation")
@click.option("--on", "on", required=True, metavar="DATE", help="Date of the confirmation.")
@click.option(
    "--amount",
    metavar="N",
    help="Use only N (in the right's unit) of what is held; the rest is released.",
)
@json_option
@pass_ledger_context
def confirm(
    obj: LedgerContext, insz: str, reservation: str, on: str, amount: str | None, as_json: bool
) -> None:
    """The provider redeems RESERVATION (the --ref of llr reserve): its units are used.

    \b
    Example:
      llr confirm 93051822361 BOOK-1 --on 2027-02-01 --amount 200
    """
    outcome = obj.ledger.confirm(insz, reservation, parse_day(on, "--on"), amount)
    obj.refresh_read_models()
    echo_outcome(outcome, as_json)


@click.command()
@click.argument("insz")
@click.argument("reservation")
@click.option("--on", "on", required=True, metavar="DATE", help="Date of the cancellation.")
@click.option("--reason", required=True, metavar="TEXT", help="Why it is cancelled.")
@json_option
@pass_ledger_context
def cancel(
    obj: LedgerContext, insz: str, reservation: str, on: str, reason: str, as_json: bool
) -> None:
    """Cancel a reservation: its units go back to their lots and its purchase is refunded.

    RESERVATION is the --ref of llr reserve.

    \b
    Example:
      llr cancel 93051822361 BOOK-2 --on 2027-01-20 --reason "training cancelled"
    """
    outcome = obj.ledger.cancel(insz, reservation, parse_day(on, "--on"), reason)
    obj.refresh_read_models()
    echo_outcome(outcome, as_json)
