"""``llr eligibility``: every right type on a date, eligible or not, and why not.

The answers are the computations a grant runs (``ledger/domain/eligibility.py``): the
personal maximum a refusal names is the one shown here.
"""

from __future__ import annotations

from typing import Any

import click

from cli.context import LedgerContext, pass_ledger_context
from cli.output import echo_json, iso
from cli.parsing import json_option, parse_optional_day
from ledger.domain import amounts
from ledger.domain.eligibility import (
    CapRoom,
    MinimumOwed,
    RightEligibility,
    StatusEntitlement,
)
from ledger.results import EligibilityReport


@click.command()
@click.argument("insz")
@click.option("--on", "on", metavar="DATE", help="The day asked about (default: the latest).")
@click.option(
    "--reason",
    required=True,
    metavar="TEXT",
    help="Why you read this citizen's data; kept in the access log the citizen may see.",
)
@json_option
@pass_ledger_context
def eligibility(obj: LedgerContext, insz: str, on: str | None, reason: str, as_json: bool) -> None:
    """Every right type: eligible or not on a date, the personal maximum, what is used in
    the period, and, when not eligible, the rule and the missing or contrary fact.

    \b
    Example:
      llr eligibility 93051822361 --on 2025-10-01 --reason "citizen asked by phone"
    """
    report = obj.ledger.eligibility(insz, parse_optional_day(on, "--on"), reason)
    shown = obj.shown(report.insz)
    if as_json:
        echo_json(eligibility_json(report, shown))
    else:
        click.echo(eligibility_text(report, shown))


def eligibility_text(report: EligibilityReport, shown: str) -> str:
    lines = [f"eligibility of {shown} on {report.on} (education: {report.education or '?'})"]
    for right in report.rights:
        verdict = "eligible" if right.eligible else "NOT eligible"
        lines.append(f"{right.right}: {verdict} ({right.version or 'no rule in force'})")
        lines += [f"  why not: {reason}" for reason in right.reasons]
        if right.tracks:
            lines.append(f"  tracks: {', '.join(right.tracks)} (the first is the default)")
        lines += [f"  {_cap_text(cap, right.unit)}" for cap in right.caps]
        lines += [f"  {_minimum_text(owed, right.unit)}" for owed in right.minimums]
    if report.status_rights:
        lines.append("rights without a balance (held while a fact of the career holds):")
        lines += [_status_text(status) for status in report.status_rights]
    return "\n".join(lines)


def _status_text(status: StatusEntitlement) -> str:
    if not status.entitled:
        return f"{status.code}: not entitled ({status.fact})"
    until = f" until {status.until}" if status.until else ""
    return (
        f"{status.code}: entitled from {status.since}{until} ({status.fact}); proof: {status.proof}"
    )


def _minimum_text(owed: MinimumOwed, unit: str) -> str:
    employer = owed.employer or "the employer (not named)"
    short = f", {amounts.text(owed.short, unit)} short" if owed.short else ""
    return (
        f"minimum owed by {employer} in {owed.year}: {owed.computation}; granted "
        f"{amounts.text(owed.granted, unit)}{short}"
    )


def _cap_text(cap: CapRoom, unit: str) -> str:
    def shown(units: int) -> str:
        return amounts.text(units, unit)

    track = f" on the {cap.track} track" if cap.track else ""
    line = (
        f"{cap.counts}{track} from {cap.start} to {cap.end}: {shown(cap.so_far)} of "
        f"{shown(cap.limit.limit)} {unit}, {shown(cap.room)} left"
    )
    if cap.limit.computation:
        line += f" (personal maximum: {cap.limit.computation})"
    return line


def eligibility_json(report: EligibilityReport, shown: str) -> dict[str, Any]:
    return {
        "insz": shown,
        "on": iso(report.on),
        "education": report.education,
        "rights": {right.right: _right_json(right) for right in report.rights},
        "status_rights": {
            s.code: {
                "name": s.name,
                "entitled": s.entitled,
                "from": iso(s.since),
                "until": iso(s.until),
                "fact": s.fact,
                "basis": s.basis,
                "proof": s.proof,
            }
            for s in report.status_rights
        },
    }


def _right_json(right: RightEligibility) -> dict[str, Any]:
    unit = right.unit
    return {
        "unit": unit,
        "version": right.version,
        "eligible": right.eligible,
        "reasons": list(right.reasons),
        "tracks": list(right.tracks),
        "caps": [
            {
                "counts": cap.counts,
                "track": cap.track,
                "from": iso(cap.start),
                "until": iso(cap.end),
                "limit": amounts.json_number(cap.limit.limit, unit),
                "computation": cap.limit.computation,
                "so_far": amounts.json_number(cap.so_far, unit),
                "left": amounts.json_number(cap.room, unit),
            }
            for cap in right.caps
        ],
        "minimums": [
            {
                "employer": owed.employer,
                "year": owed.year,
                "owed": amounts.json_number(owed.owed, unit),
                "computation": owed.computation,
                "granted": amounts.json_number(owed.granted, unit),
                "short": amounts.json_number(owed.short, unit),
            }
            for owed in right.minimums
        ],
    }
