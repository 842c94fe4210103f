"""Commands on a citizen's career: employments (start, end, suspend, list) and situations
beside employment (start, end).

Each one parses its text, makes one Ledger call and prints one line (or JSON) saying what
happened, like ``llr grant``; ``llr employment list`` is a read and is logged.
"""

from __future__ import annotations

from typing import Any

import click

from cli.context import LedgerContext, pass_ledger_context
from cli.output import echo_json, echo_outcome
from cli.parsing import (
    json_option,
    parse_known_at,
    parse_optional_day,
    reading_options,
    review_option,
)
from ledger.domain.career import Employment, Spell
from ledger.parsing import employment_of, parse_day
from ledger.results import CareerReport

REASONS = "end-of-contract, resignation, dismissal, dismissal-serious-cause, retirement, death"
SUSPENSIONS = "sickness, time-credit, parental-leave, temporary-unemployment"


def employment_options(command: Any) -> Any:
    """What an employment is: ``llr employment start`` and ``llr open --employer``."""
    decorators = (
        click.option("--unit", metavar="NUMBER", help="The establishment unit (10 digits)."),
        click.option(
            "--region", metavar="REGION", help="flanders (default), brussels, wallonia, abroad."
        ),
        click.option(
            "--joint-committee", metavar="PC", help="The joint committee, e.g. 200 or 149.01."
        ),
        click.option(
            "--fte", metavar="FRACTION", help="Employment fraction, above 0 and at most 1 (1)."
        ),
    )
    for decorate in decorators:
        command = decorate(command)
    return command


@click.group("employment")
def employment_group() -> None:
    """Employment relationships: start, end, suspend, list."""


@employment_group.command("start")
@click.argument("insz")
@click.option("--employer", required=True, metavar="KBO", help="The enterprise number.")
@click.option("--on", "on", required=True, metavar="DATE", help="First day of the employment.")
@employment_options
@click.option("--source", metavar="SRC", help="Who reports it.")
@click.option("--ref", "reference", metavar="REF", help="The sender's id for this fact.")
@review_option
@json_option
@pass_ledger_context
def start(
    obj: LedgerContext,
    insz: str,
    employer: str,
    on: str,
    fte: str | None,
    joint_committee: str | None,
    region: str | None,
    unit: str | None,
    source: str | None,
    reference: str | None,
    review: bool,
    as_json: bool,
) -> None:
    """An employment begins (several may run at once: two part-time jobs).

    \b
    Example:
      llr employment start 93051822361 --employer 0403019261 --on 2024-09-01 \\
          --fte 0.8 --joint-committee 200 --region flanders
    """
    employment = employment_of(employer, parse_day(on, "--on"), fte, joint_committee, region, unit)
    outcome = obj.ledger.start_employment(insz, employment, source, reference, review)
    obj.refresh_read_models()
    echo_outcome(outcome, as_json)


@employment_group.command("end")
@click.argument("insz")
@click.option("--employer", required=True, metavar="KBO", help="The enterprise number.")
@click.option("--on", "on", required=True, metavar="DATE", help="First day without it.")
@click.option("--reason", required=True, metavar="REASON", help=REASONS + ".")
@click.option("--source", metavar="SRC", help="Who reports it.")
@click.option("--ref", "reference", metavar="REF", help="The sender's id for this fact.")
@review_option
@json_option
@pass_ledger_context
def end(
    obj: LedgerContext,
    insz: str,
    employer: str,
    on: str,
    reason: str,
    source: str | None,
    reference: str | None,
    review: bool,
    as_json: bool,
) -> None:
    """An employment ends: its lots follow the catalogue's rule for the reason.

    \b
    Example:
      llr employment end 93051822361 --employer 0403019261 --on 2025-01-01 \\
          --reason resignation
    """
    day = parse_day(on, "--on")
    outcome = obj.ledger.end_employment(insz, employer, day, reason, source, reference, review)
    obj.refresh_read_models()
    echo_outcome(outcome, as_json)


@employment_group.command("suspend")
@click.argument("insz")
@click.option("--employer", required=True, metavar="KBO", help="The enterprise number.")
@click.option("--from", "start", required=True, metavar="DATE", help="First suspended day.")
@click.option("--until", required=True, metavar="DATE", help="First day of work again.")
@click.option("--reason", required=True, metavar="REASON", help=SUSPENSIONS + ".")
@click.option("--source", metavar="SRC", help="Who reports it.")
@click.option("--ref", "reference", metavar="REF", help="The sender's id for this fact.")
@review_option
@json_option
@pass_ledger_context
def suspend(
    obj: LedgerContext,
    insz: str,
    employer: str,
    start: str,
    until: str,
    reason: str,
    source: str | None,
    reference: str | None,
    review: bool,
    as_json: bool,
) -> None:
    """A contract suspended for a while: it stays an employment, its lots stay.

    \b
    Example:
      llr employment suspend 93051822361 --employer 0403019261 --from 2025-02-03 \\
          --until 2025-05-05 --reason parental-leave
    """
    first, back = parse_day(start, "--from"), parse_day(until, "--until")
    outcome = obj.ledger.suspend_employment(insz, employer, first, back, reason, source, reference)
    obj.refresh_read_models()
    echo_outcome(outcome, as_json)


@employment_group.command("list")
@click.argument("insz")
@reading_options
@pass_ledger_context
def list_employments(
    obj: LedgerContext,
    insz: str,
    as_of: str | None,
    known_at: str | None,
    reason: str | None,
    as_json: bool,
) -> None:
    """The citizen's employments and situations, and the statuses they give.

    \b
    Example:
      llr employment list 93051822361 --as-of 2025-01-31 --reason "citizen asked"
    """
    day, moment = parse_optional_day(as_of, "--as-of"), parse_known_at(known_at)
    report = obj.ledger.career(insz, day, moment, reason)
    shown = obj.shown(report.insz)
    if as_json:
        echo_json(career_json(report, shown))
    else:
        click.echo(career_text(report, shown))


@click.group("situation")
def situation_group() -> None:
    """Situations beside employment: jobseeker, self-employed, student..."""


def situation_command(name: str, starts: bool, summary: str) -> click.Command:
    @click.command(name)
    @click.argument("insz")
    @click.argument("situation")
    @click.option("--on", "on", required=True, metavar="DATE", help="Effective date.")
    @click.option("--source", metavar="SRC", help="Who reports it.")
    @click.option("--ref", "reference", metavar="REF", help="The sender's id for this fact.")
    @review_option
    @json_option
    @pass_ledger_context
    def command(
        obj: LedgerContext,
        insz: str,
        situation: str,
        on: str,
        source: str | None,
        reference: str | None,
        review: bool,
        as_json: bool,
    ) -> None:
        day = parse_day(on, "--on")
        outcome = obj.ledger.change_situation(
            insz, situation, day, starts, source, reference, review
        )
        obj.refresh_read_models()
        echo_outcome(outcome, as_json)

    command.help = (
        f"{summary}\n\nSITUATION is jobseeker, self-employed, self-employed-side, "
        "civil-servant, student, inactive or retired.\n\n\b\nExample:\n"
        f"  llr situation {name} 93051822361 jobseeker --on 2025-01-06"
    )
    return command


situation_group.add_command(
    situation_command("start", True, "A situation begins; the open lots follow the statuses.")
)
situation_group.add_command(
    situation_command("end", False, "A situation ends; the open lots follow the statuses.")
)


# ------------------------------------------------------------------------ rendering
def career_json(report: CareerReport, shown: str) -> dict[str, Any]:
    return {
        "insz": shown,
        "as_of": report.as_of.isoformat() if report.as_of else None,
        "statuses_on": report.on.isoformat(),
        "statuses": list(report.statuses),
        "employments": [employment_json(e) for e in report.employments],
        "situations": [spell_json(s) for s in report.spells],
    }


def employment_json(employment: Employment) -> dict[str, Any]:
    return {
        "employer": employment.employer or None,
        "start": employment.start.isoformat(),
        "end": employment.end.isoformat() if employment.end else None,
        "end_reason": employment.end_reason,
        "fte": f"{employment.fte / 100:.2f}",
        "joint_committee": employment.joint_committee,
        "region": employment.region,
        "unit": employment.unit,
        "suspensions": [
            {"from": str(start), "until": str(until), "reason": reason}
            for start, until, reason in employment.suspensions
        ],
    }


def spell_json(spell: Spell) -> dict[str, Any]:
    return {
        "situation": spell.situation,
        "start": spell.start.isoformat(),
        "end": spell.end.isoformat() if spell.end else None,
    }


def career_text(report: CareerReport, shown: str) -> str:
    lines = [f"{shown}: {' + '.join(report.statuses)} on {report.on}"]
    lines.append("employments:" if report.employments else "employments: none recorded")
    for e in report.employments:
        employer = e.employer or "(employer not named)"
        until = f"until {e.end} ({e.end_reason or 'no reason given'})" if e.end else "running"
        committee = f"PC {e.joint_committee}" if e.joint_committee else "PC unknown"
        lines.append(
            f"  {employer}  from {e.start} {until}  fte {e.fte / 100:.2f}  {committee}  {e.region}"
        )
        for first, back, reason in e.suspensions:
            lines.append(f"    suspended {first} until {back}: {reason}")
    lines.append("situations:" if report.spells else "situations: none recorded")
    for s in report.spells:
        until = f"until {s.end}" if s.end else "running"
        lines.append(f"  {s.situation}  from {s.start} {until}")
    return "\n".join(lines)


@click.command("fact")
@click.argument("insz")
@click.argument("kind")
@click.argument("value", required=False)
@click.option("--on", "on", required=True, metavar="DATE", help="The date the fact is about.")
@click.option("--until", metavar="DATE", help="A POP only: the first day it no longer counts.")
@click.option("--source", metavar="SRC", help="Who reports it.")
@click.option("--ref", "reference", metavar="REF", help="The sender's id for this fact.")
@json_option
@pass_ledger_context
def fact(
    obj: LedgerContext,
    insz: str,
    kind: str,
    value: str | None,
    on: str,
    until: str | None,
    source: str | None,
    reference: str | None,
    as_json: bool,
) -> None:
    """Record an eligibility fact: education LEVEL, a pop, or work-experience YEARS.

    The rules read them at a grant (a high-qualified worker's training vouchers need a
    POP; career vouchers need 7 years of work experience) and `llr eligibility` shows
    them. A fact changes no entry made before it.

    \b
    Examples:
      llr fact 93051822361 education high --on 2024-06-30
      llr fact 93051822361 pop --on 2024-03-01 --until 2026-03-01
      llr fact 93051822361 work-experience 8 --on 2025-01-01
    """
    outcome = obj.ledger.record_fact(
        insz, kind, value, parse_day(on, "--on"), parse_optional_day(until, "--until"),
        source, reference,
    )  # fmt: skip
    obj.refresh_read_models()
    echo_outcome(outcome, as_json)
