"""``llr catalogue list`` / ``show``: the rules in force, read from the catalogue files.

These commands need no store: the catalogue is data shipped with the ledger.
"""

from __future__ import annotations

import textwrap
from datetime import date
from decimal import Decimal
from typing import Any

import click

from cli.context import LedgerContext, pass_ledger_context
from cli.output import echo_json, iso, table
from cli.parsing import json_option, parse_optional_day
from ledger.domain import amounts
from ledger.domain.catalogue import (
    Cap,
    Condition,
    ExpiryKind,
    ExpiryRule,
    Requirement,
    RightType,
    RuleVersion,
)
from ledger.domain.errors import NoRuleInForceError

AS_OF_HELP = "Which version counts as in force (default: today)."


@click.group()
def catalogue() -> None:
    """The rules catalogue: right types, their versions and policies.

    \b
    Example:
      llr catalogue list
    """


@catalogue.command("list")
@click.option("--as-of", metavar="DATE", help=AS_OF_HELP)
@json_option
@pass_ledger_context
def list_rights(obj: LedgerContext, as_of: str | None, as_json: bool) -> None:
    """Every right type with its versions, and the sector funds that may grant.

    \b
    Example:
      llr catalogue list --json
    """
    day = parse_optional_day(as_of, "--as-of") or date.today()
    rights = [obj.catalogue.rights[code] for code in sorted(obj.catalogue.rights)]
    funds = [obj.catalogue.sector_funds[c] for c in sorted(obj.catalogue.sector_funds)]
    if as_json:
        echo_json(
            {
                "as_of": iso(day),
                "rights": [_right_summary(right, day) for right in rights],
                "sector_funds": [
                    {"code": f.code, "name": f.name, "joint_committees": list(f.joint_committees)}
                    for f in funds
                ],
            }
        )
        return
    rows = [_right_row(right, day) for right in rights]
    click.echo(table(("right", "unit", f"in force on {day}", "usable when", "versions from"), rows))
    click.echo("\nSector funds (source sector-fund:<code>):")
    click.echo(
        table(
            ("code", "joint committees", "name"),
            [(f.code, ", ".join(f.joint_committees), f.name) for f in funds],
        )
    )


@catalogue.command("show")
@click.argument("right")
@click.option("--as-of", metavar="DATE", help=AS_OF_HELP)
@json_option
@pass_ledger_context
def show_right(obj: LedgerContext, right: str, as_of: str | None, as_json: bool) -> None:
    """One right type in full: every version with its sources, expiry, caps and policies.

    \b
    Example:
      llr catalogue show vov-hours
    """
    day = parse_optional_day(as_of, "--as-of") or date.today()
    right_type = obj.catalogue.right(right)
    if as_json:
        echo_json(
            _right_summary(right_type, day)
            | {"versions": [_version_json(v) for v in right_type.versions]}
        )
        return
    click.echo(f"{right_type.code}: {right_type.name}")
    click.echo(f"unit: {right_type.unit.value}; in force on {day}: {_in_force(right_type, day)}")
    for version in right_type.versions:
        click.echo("\n" + _version_text(version))


def _in_force(right: RightType, day: date) -> str | None:
    try:
        return right.version_on(day).id
    except NoRuleInForceError:
        return None


def _right_summary(right: RightType, day: date) -> dict[str, Any]:
    return {
        "code": right.code,
        "name": right.name,
        "unit": right.unit.value,
        "in_force": _in_force(right, day),
        "versions": [{"id": v.id, "effective_from": iso(v.effective_from)} for v in right.versions],
    }


def _right_row(right: RightType, day: date) -> tuple[str, ...]:
    current = _in_force(right, day)
    usable = right.version(current).usable_in if current else frozenset()
    return (
        right.code,
        right.unit.value,
        current or "-",
        ", ".join(sorted(usable)),
        ", ".join(v.effective_from.isoformat() for v in right.versions),
    )


def _version_json(version: RuleVersion) -> dict[str, Any]:
    ends = version.employment_end
    return {
        "id": version.id,
        "effective_from": iso(version.effective_from),
        "content_hash": version.content_hash,
        "corrects": version.corrects,
        "earlier_lots_keep_their_version": version.earlier_lots_keep_their_version,
        "public_value": _public_value_json(version),
        "employment_end": None
        if ends is None
        else {
            reason.value: {"outcome": p.outcome.value, "legal_basis": p.legal_basis}
            for reason, p in ends.items()
        },
        "summary": version.summary,
        "sources": sorted(version.sources),
        "usable_in": sorted(version.usable_in),
        "transitions": {
            status.value: {"outcome": p.outcome.value, "legal_basis": p.legal_basis}
            for status, p in version.transitions.items()
        },
        "expiry": {
            "kind": version.expiry.kind.value,
            "months": version.expiry.months or None,
            "on": iso(version.expiry.on),
            "text": _expiry_text(version.expiry),
        },
        "caps": [
            {
                "counts": c.counts.value,
                "period": c.period.value,
                "limit": amounts.json_number(c.limit, version.unit.value),
                "years": c.years or None,
                "track": c.track,
                "scale": c.scale and c.scale.value,
                "reference_month": c.reference_month or None,
                "basis": c.basis,
                "text": c.describe(version.unit.value),
            }
            for c in version.caps
        ],
        "minimum_per_employment": None
        if version.minimum_per_employment is None
        else {
            "limit": amounts.json_number(version.minimum_per_employment.limit, version.unit.value),
            "basis": version.minimum_per_employment.basis,
        },
        "figures": {
            f.name: {"value": f.value, "unit": f.unit, "basis": f.basis} for f in version.figures
        },
        "tracks": list(version.tracks),
        "requires": [
            {
                "kind": c.kind.value,
                "at_least": c.at_least or None,
                "within_years": c.within_years or None,
                "for_education": sorted(c.for_education),
                "basis": c.basis,
            }
            for c in version.requires
        ],
        "references": list(version.references),
    }


def _public_value_json(version: RuleVersion) -> dict[str, Any] | None:
    value = version.public_value
    if value is None:
        return None
    return {
        "per_unit_eur": amounts.json_number(value.cents_per_unit, "euro"),
        "basis": value.basis,
    }


def _public_value_text(version: RuleVersion) -> str:
    """``EUR 21.30 per hour (basis: ...)``: what one unit costs the public purse."""
    value = version.public_value
    if value is None:
        return "none known"
    euros = Decimal(value.cents_per_unit).scaleb(-2)
    one_unit = version.unit.value.removesuffix("s")
    return f"EUR {euros:.2f} per {one_unit} (basis: {value.basis})"


def _version_text(version: RuleVersion) -> str:
    unit = version.unit.value
    corrects = f", corrects {version.corrects}" if version.corrects else ""
    lines = [f"version {version.id} (from {version.effective_from}{corrects})"]
    lines.append(f"  rule text hash: {version.content_hash}")
    if version.earlier_lots_keep_their_version:
        lines.append("  lots granted before it keep their own version's outcomes")
    lines += textwrap.wrap(version.summary, 96, initial_indent="  ", subsequent_indent="  ")
    lines.append(f"  sources: {', '.join(sorted(version.sources))}")
    lines.append(f"  usable when: {', '.join(sorted(version.usable_in))}")
    lines.append(f"  expiry: {_expiry_text(version.expiry)}")
    if version.tracks:
        lines.append(f"  tracks: {', '.join(version.tracks)} (the first is the default)")
    lines += [f"  cap: {_cap_text(c, unit)}" for c in version.caps]
    lines += [f"  requires: {_condition_text(c)}" for c in version.requires]
    lines += [
        f"  figure {f.name}: {f.value} {f.unit} (shown, not enforced; basis: {f.basis})"
        for f in version.figures
    ]
    minimum = version.minimum_per_employment
    if minimum is not None:
        owed = amounts.text(minimum.limit, unit)
        lines.append(
            f"  minimum per employment: {owed} {unit} a calendar year for a full-time job, "
            f"pro rata (basis: {minimum.basis})"
        )
    lines.append(f"  public value: {_public_value_text(version)}")
    lines.append("  on becoming:")
    for status, policy in version.transitions.items():
        basis = f": {policy.legal_basis}" if policy.legal_basis else ""
        lines.append(f"    {status.value}: {policy.outcome.value}{basis}")
    if version.employment_end is not None:
        lines.append("  at the end of the employment it is bound to:")
        for reason, policy in version.employment_end.items():
            basis = f": {policy.legal_basis}" if policy.legal_basis else ""
            lines.append(f"    {reason.value}: {policy.outcome.value}{basis}")
    lines += ["  references:"] + [f"    {ref}" for ref in version.references]
    return "\n".join(lines)


def _cap_text(cap: Cap, unit: str) -> str:
    month = f", reference month {cap.reference_month:02d}" if cap.scale else ""
    return f"{cap.describe(unit)} ({unit}{month}; basis: {cap.basis})"


def _condition_text(condition: Condition) -> str:
    figures = {
        Requirement.EMPLOYMENT_FRACTION: f"employed at least {condition.at_least}%",
        Requirement.WORK_EXPERIENCE: f"at least {condition.at_least} years of work experience",
        Requirement.POP: f"a POP made in the last {condition.within_years} years",
    }
    who = (
        f" (education {', '.join(sorted(condition.for_education))})"
        if condition.for_education
        else ""
    )
    return f"{figures[condition.kind]}{who}; basis: {condition.basis}"


def _expiry_text(expiry: ExpiryRule) -> str:
    if expiry.kind is ExpiryKind.MONTHS_AFTER_GRANT:
        latest = f", at the latest on {expiry.on}" if expiry.on else ""
        return f"{expiry.months} months after the grant{latest}"
    if expiry.kind is ExpiryKind.FIXED_DATE:
        return f"on {expiry.on}"
    if expiry.kind is ExpiryKind.NONE:
        return "no expiry"
    return f"at the {expiry.kind.value.replace('-', ' ')}"
