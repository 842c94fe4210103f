"""The shipped catalogue's compiled form: the validated catalogue, ready to use, as JSON.

Validating the rule files with pydantic (``loader.py``) costs every command tens of
milliseconds at start-up, most of it building the pydantic models. The shipped files change
only with a release, so ``python -m ledger.catalogue.compile`` validates them once and writes
the resulting domain values to ``rules/compiled.json``, committed and shipped beside them.

The file is stamped with ``rules_stamp``: a SHA-256 over the name and exact bytes of every
``*.toml`` in the folder and ``FORMAT_VERSION``. ``read_compiled`` serves it only while the
stamp matches the files on disk, so an edited, added or removed rule file is never answered
from a stale compiled form: it gets ``None`` and the caller validates the files as before.
A test keeps the committed file equal to what the validating loader builds today.

JSON rather than pickle: it holds data only (nothing in it can run code), its diff is
reviewable beside the TOML diff, and it maps field by field onto the frozen dataclasses.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import date
from importlib.resources import files
from importlib.resources.abc import Traversable
from types import MappingProxyType
from typing import Any

from ledger.domain.catalogue import (
    Booking,
    Cap,
    CapCounts,
    CapPeriod,
    Catalogue,
    Condition,
    EmploymentMinimum,
    EndReason,
    Exclusion,
    ExpiryKind,
    ExpiryRule,
    Figure,
    Outcome,
    PublicValue,
    Requirement,
    RightType,
    RuleVersion,
    Scale,
    SectorFund,
    Status,
    StatusRight,
    TransitionPolicy,
    Unit,
)

SHIPPED_RULES: Traversable = files("ledger.catalogue").joinpath("rules")
COMPILED_FILE = "compiled.json"
# Bump on any change to the JSON shape below or to what the loader builds from a file:
# every committed compiled form then stops matching until it is regenerated.
# 2: statuses self-employed-side and student, employment_end; 3: caps in minor units, the
# unit "euro" (was "euro-cents"); 4: corrigenda (corrects, correction) and transitional
# rules (earlier_lots_keep_their_version), exclusions; 5: public values; 6: tracks, caps
# per track and personal maxima (scale, reference_month), requires; 7:
# minimum_per_employment, funds, status_rights, figures.
FORMAT_VERSION = 8

Json = dict[str, Any]


def rule_files(folder: Traversable) -> list[Traversable]:
    """The rule files the loader reads, in the order it reads them."""
    return sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".toml")),
        key=lambda entry: entry.name,
    )


def rules_stamp(folder: Traversable) -> str:
    """SHA-256 over the format version and every rule file's name and bytes."""
    digest = hashlib.sha256(f"llr-catalogue-format-{FORMAT_VERSION}\n".encode())
    for entry in rule_files(folder):
        content, name = entry.read_bytes(), entry.name.encode()
        # Lengths first, so that no two different folders feed the digest the same bytes.
        digest.update(b"%d %d\n" % (len(name), len(content)) + name + content)
    return digest.hexdigest()


def read_compiled(folder: Traversable) -> Catalogue | None:
    """The compiled catalogue in ``folder`` if it matches the rule files there, else None."""
    try:
        compiled = json.loads(folder.joinpath(COMPILED_FILE).read_bytes())
        if not isinstance(compiled, dict) or compiled.get("stamp") != rules_stamp(folder):
            return None
        return catalogue_from_json(compiled)
    except (OSError, ValueError, LookupError, TypeError, AttributeError):
        return None  # missing or damaged: the caller validates the rule files instead


# --- JSON -> domain values (the data was validated when it was compiled) -------------------


def catalogue_from_json(compiled: Json) -> Catalogue:
    rights = {right["code"]: _right(right) for right in compiled["rights"]}
    funds = {
        fund["code"]: SectorFund(fund["code"], fund["name"], tuple(fund["joint_committees"]))
        for fund in compiled["sector_funds"]
    }
    exclusions = tuple(
        Exclusion(frozenset(e["rights"]), e["basis"]) for e in compiled.get("exclusions", [])
    )
    status_rights = tuple(
        StatusRight(
            r["code"],
            r["name"],
            tuple(r["situations"]),
            tuple(r["suspensions"]),
            r["basis"],
            r["proof"],
            tuple(r["references"]),
        )
        for r in compiled.get("status_rights", [])
    )
    return Catalogue(
        rights=MappingProxyType(rights),
        sector_funds=MappingProxyType(funds),
        exclusions=exclusions,
        status_rights=status_rights,
    )


def _right(right: Json) -> RightType:
    code, unit = right["code"], Unit(right["unit"])
    versions = tuple(_version(code, unit, version) for version in right["versions"])
    booking = right.get("booking")
    return RightType(
        code=code, name=right["name"], unit=unit, versions=versions,
        booking=None if booking is None else _booking(booking),
    )  # fmt: skip


def _version(code: str, unit: Unit, version: Json) -> RuleVersion:
    transitions = {
        Status(status): TransitionPolicy(Outcome(policy["outcome"]), policy["legal_basis"])
        for status, policy in version["transitions"].items()
    }
    return RuleVersion(
        right=code,
        effective_from=date.fromisoformat(version["effective_from"]),
        unit=unit,
        sources=frozenset(version["sources"]),
        transitions=MappingProxyType(transitions),
        expiry=_expiry(version["expiry"]),
        caps=tuple(_cap(cap) for cap in version["caps"]),
        summary=version["summary"],
        references=tuple(version["references"]),
        employment_end=_ends(version.get("employment_end")),
        corrects=version["corrects"],
        correction=version["correction"],
        earlier_lots_keep_their_version=version["earlier_lots_keep_their_version"],
        tracks=tuple(version["tracks"]),
        requires=tuple(_condition(condition) for condition in version["requires"]),
        minimum_per_employment=_minimum(version["minimum_per_employment"]),
        funds=tuple(version["funds"]),
        figures=tuple(Figure(*row) for row in version["figures"]),
        public_value=_public_value(version["public_value"]),
    )


def _booking(booking: Json) -> Booking:
    registered_from = booking["registered_from"]
    return Booking(
        booking["hold_days"],
        None if registered_from is None else date.fromisoformat(registered_from),
        booking["own_cents_per_unit"],
        booking["basis"],
    )


def _minimum(minimum: Json | None) -> EmploymentMinimum | None:
    return None if minimum is None else EmploymentMinimum(minimum["limit"], minimum["basis"])


def _condition(condition: Json) -> Condition:
    return Condition(
        Requirement(condition["kind"]),
        condition["basis"],
        condition["at_least"],
        condition["within_years"],
        frozenset(condition["for_education"]),
    )


def _public_value(value: Json | None) -> PublicValue | None:
    return None if value is None else PublicValue(value["cents_per_unit"], value["basis"])


def _ends(ends: Json | None) -> MappingProxyType[EndReason, TransitionPolicy] | None:
    if ends is None:
        return None
    return MappingProxyType({
        EndReason(reason): TransitionPolicy(Outcome(policy["outcome"]), policy["legal_basis"])
        for reason, policy in ends.items()
    })  # fmt: skip


def _expiry(expiry: Json) -> ExpiryRule:
    on = expiry["on"]
    kind = ExpiryKind(expiry["kind"])
    return ExpiryRule(kind, expiry["months"], None if on is None else date.fromisoformat(on))


def _cap(cap: Json) -> Cap:
    counts, period = CapCounts(cap["counts"]), CapPeriod(cap["period"])
    scale = None if cap["scale"] is None else Scale(cap["scale"])
    return Cap(
        counts, period, cap["limit"], cap["basis"], cap["years"], cap["track"], scale,
        cap["reference_month"],
    )  # fmt: skip


# --- domain values -> JSON (what ``python -m ledger.catalogue.compile`` writes) ------------


def catalogue_to_json(catalogue: Catalogue, stamp: str) -> Json:
    return {
        "format": FORMAT_VERSION,
        "stamp": stamp,
        "rights": [_right_json(right) for right in catalogue.rights.values()],
        "sector_funds": [
            {"code": f.code, "name": f.name, "joint_committees": list(f.joint_committees)}
            for f in catalogue.sector_funds.values()
        ],
        "exclusions": [
            {"rights": sorted(e.rights), "basis": e.basis} for e in catalogue.exclusions
        ],
        "status_rights": [
            {
                "code": r.code, "name": r.name, "situations": list(r.situations),
                "suspensions": list(r.suspensions), "basis": r.basis, "proof": r.proof,
                "references": list(r.references),
            }
            for r in catalogue.status_rights
        ],
    }  # fmt: skip


def _right_json(right: RightType) -> Json:
    return {
        "code": right.code,
        "name": right.name,
        "unit": right.unit.value,
        "versions": [_version_json(version) for version in right.versions],
        "booking": None
        if right.booking is None
        else {
            **dataclasses.asdict(right.booking),
            "registered_from": right.booking.registered_from
            and right.booking.registered_from.isoformat(),
        },
    }


def _booking_json(booking: Booking) -> Json:
    day = booking.registered_from
    return {**dataclasses.asdict(booking), "registered_from": day and day.isoformat()}


def _version_json(version: RuleVersion) -> Json:
    expiry = version.expiry
    return {
        "effective_from": version.effective_from.isoformat(),
        "sources": sorted(version.sources),
        "transitions": {
            status.value: {"outcome": policy.outcome.value, "legal_basis": policy.legal_basis}
            for status, policy in version.transitions.items()
        },
        "expiry": {
            "kind": expiry.kind.value,
            "months": expiry.months,
            "on": None if expiry.on is None else expiry.on.isoformat(),
        },
        "caps": [_cap_json(cap) for cap in version.caps],
        "summary": version.summary,
        "references": list(version.references),
        "employment_end": None if version.employment_end is None else {
            reason.value: {"outcome": policy.outcome.value, "legal_basis": policy.legal_basis}
            for reason, policy in version.employment_end.items()
        },
        "corrects": version.corrects,
        "correction": version.correction,
        "earlier_lots_keep_their_version": version.earlier_lots_keep_their_version,
        "tracks": list(version.tracks),
        "requires": [_condition_json(condition) for condition in version.requires],
        "funds": list(version.funds),
        "figures": [[f.name, f.value, f.unit, f.basis] for f in version.figures],
        "minimum_per_employment": None if version.minimum_per_employment is None else {
            "limit": version.minimum_per_employment.limit,
            "basis": version.minimum_per_employment.basis,
        },
        "public_value": None if version.public_value is None else {
            "cents_per_unit": version.public_value.cents_per_unit,
            "basis": version.public_value.basis,
        },
    }  # fmt: skip


def _condition_json(condition: Condition) -> Json:
    return {
        "kind": condition.kind.value,
        "basis": condition.basis,
        "at_least": condition.at_least,
        "within_years": condition.within_years,
        "for_education": sorted(condition.for_education),
    }


def _cap_json(cap: Cap) -> Json:
    return {
        "counts": cap.counts.value,
        "period": cap.period.value,
        "limit": cap.limit,
        "basis": cap.basis,
        "years": cap.years,
        "track": cap.track,
        "scale": cap.scale and cap.scale.value,
        "reference_month": cap.reference_month,
    }


def compiled_text(catalogue: Catalogue, stamp: str) -> str:
    """The exact text of the compiled file: stable, so regenerating it changes no byte."""
    return json.dumps(catalogue_to_json(catalogue, stamp), indent=1, ensure_ascii=False) + "\n"
