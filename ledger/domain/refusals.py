"""The rules a command checks before it triggers anything; each raises the refusal.

Pure functions over the parts of an account they read, so a command checks every rule
first and a refused command leaves the account exactly as it was.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, NoReturn

from ledger.domain import amounts
from ledger.domain.career import Career
from ledger.domain.catalogue import CapCounts, Catalogue, RuleVersion
from ledger.domain.eligibility import cap_room, unmet_conditions
from ledger.domain.errors import (
    NOTHING,
    AmountNotPositiveError,
    CapExceededError,
    DoubleFundingError,
    EntryNotFoundError,
    ExpiryBeyondRuleError,
    InsufficientBalanceError,
    InvalidInputError,
    NotEligibleError,
    NotReversibleError,
    OutOfOrderError,
    Phrase,
    SourceNotAllowedError,
    UnknownTrackError,
)
from ledger.domain.facts import Facts
from ledger.domain.identifiers import SECTOR_FUND
from ledger.domain.lots import Lot, LotState
from ledger.domain.state import Movements


def check_in_order(on: date, opened_on: date, last_on: date) -> None:
    if on < opened_on:
        raise OutOfOrderError.because(
            "date {on} is before the account was opened ({opened_on})", on=on, opened_on=opened_on
        )
    if on < last_on:
        raise OutOfOrderError.because(
            "date {on} is before the latest fact on this account ({last_on}); "
            "business time on an account only moves forward: reverse later entries "
            "and enter them again instead",
            on=on,
            last_on=last_on,
        )


def check_amount(amount: int) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise AmountNotPositiveError.because(
            "amount {amount!r}: must be a whole number of units greater than zero", amount=amount
        )


def check_source(rule: RuleVersion, source: str) -> None:
    kind, _, party = source.partition(":")
    if kind not in rule.sources:
        raise SourceNotAllowedError.because(
            "source {source!r} may not grant {rule_right!r} under {rule_id} (allowed: {join})",
            source=source,
            rule_right=rule.right,
            rule_id=rule.id,
            join=", ".join(sorted(rule.sources)),
        )
    if rule.funds and kind == SECTOR_FUND and party.lower() not in rule.funds:
        raise SourceNotAllowedError.because(
            "source {source!r} may not grant {rule_right!r} under {rule_id}: it is "
            "the scheme of {rule_funds}",
            source=source,
            rule_right=rule.right,
            rule_id=rule.id,
            rule_funds=", ".join(rule.funds),
        )


def checked_expiry(rule: RuleVersion, on: date, asked: date | None) -> date | None:
    by_rule = rule.expiry.expires_on(on)
    if by_rule is not None and by_rule <= on:
        # A fixed end date the grant is not before: the lot could never be used.
        raise ExpiryBeyondRuleError.because(
            "a grant on {on} under {rule_id} would expire on {by_rule}, before it "
            "could be used; no grant is possible on or after that date",
            on=on,
            rule_id=rule.id,
            by_rule=by_rule,
        )
    if asked is None:
        return by_rule
    if asked <= on:
        raise ExpiryBeyondRuleError.because(
            "expiry {asked} must be after the grant date {on} (the expiry date is "
            "the first day the lot is no longer usable)",
            asked=asked,
            on=on,
        )
    if by_rule is not None and asked > by_rule:
        raise ExpiryBeyondRuleError.because(
            "expiry {asked} is later than {rule_id} allows for a grant on {on} "
            "({rule_expiry_kind_value}: {by_rule})",
            asked=asked,
            rule_id=rule.id,
            on=on,
            rule_expiry_kind_value=rule.expiry.kind.value,
            by_rule=by_rule,
        )
    return asked


def check_caps(
    movements: Movements,
    rule: RuleVersion,
    counts: CapCounts,
    on: date,
    amount: int,
    track: str | None,
    career: Career,
) -> None:
    """Refuse an entry that would take a cap of its track over the limit; a personal
    maximum is computed from ``career`` and named in the refusal."""
    unit = rule.unit.value
    for cap in rule.caps:
        if cap.counts is not counts or not cap.applies_to(track):
            continue
        room = cap_room(rule, cap, career, movements, on)
        if room.so_far + amount > room.limit.limit:
            computation = room.limit.computation
            personal = (
                Phrase("; personal maximum: {computation}", computation=computation)
                if computation
                else NOTHING
            )
            raise CapExceededError.because(
                "{amount} {unit} of {rule_right!r} on {on} exceeds the cap "
                "({cap}{personal}): {room_so_far} already from {room_start} to "
                "{room_end}; basis: {cap_basis}",
                amount=amounts.text(amount, unit),
                unit=unit,
                rule_right=rule.right,
                on=on,
                cap=cap.describe(unit),
                personal=personal,
                room_so_far=amounts.text(room.so_far, unit),
                room_start=room.start,
                room_end=room.end,
                cap_basis=cap.basis,
            )


def check_track(rule: RuleVersion, track: str | None) -> str | None:
    """The track an entry is on: the one given, else the version's default."""
    if track is None:
        return rule.default_track
    if track not in rule.tracks:
        known = ", ".join(rule.tracks) if rule.tracks else "none: give no --track"
        raise UnknownTrackError.because(
            "track {track!r}: {rule_id} has no such track (its tracks: {known})",
            track=track,
            rule_id=rule.id,
            known=known,
        )
    return track


def check_requirements(
    rule: RuleVersion, career: Career, facts: Facts, education: str | None, on: date
) -> None:
    """Refuse a grant to a citizen who does not meet the version's conditions on ``on``."""
    unmet = unmet_conditions(rule.requires, career, facts, education, on)
    if unmet:
        reasons = "; ".join(u.text for u in unmet)
        raise NotEligibleError.because(
            "not eligible for {rule_right!r} on {on} under {rule_id}: {reasons}",
            rule_right=rule.right,
            on=on,
            rule_id=rule.id,
            reasons=reasons,
        )


def check_balance(
    lots: Iterable[Lot],
    right: str,
    amount: int,
    on: date,
    employer: str | None = None,
    track: str | None = None,
) -> None:
    lots = list(lots)
    usable = sum(lot.remaining for lot in lots if lot.is_usable_on(on))
    if amount > usable:
        suspended = sum(
            lot.remaining for lot in lots if lot.state == LotState.SUSPENDED and not lot.is_due(on)
        )
        shown = amounts.text_of
        extra = (
            Phrase(" ({suspended} more are suspended)", suspended=shown(right, suspended))
            if suspended
            else NOTHING
        )
        at = Phrase(" at employer {employer}", employer=employer) if employer else NOTHING
        on_track = Phrase(" on the {track} track", track=track) if track else NOTHING
        raise InsufficientBalanceError.because(
            "a use of {right} of {right_2!r} on {on} exceeds the usable balance of "
            "{right_3}{at}{on_track}{extra}",
            on_track=on_track,
            right=shown(right, amount),
            right_2=right,
            on=on,
            right_3=shown(right, usable),
            at=at,
            extra=extra,
        )


def require_reference(
    source: str | None, reference: str | None, source_required: bool
) -> tuple[str, str]:
    if source_required and not source:
        raise InvalidInputError.because("a grant needs a source")
    if not reference or not reference.strip():
        raise InvalidInputError.because("the entry needs a reference (the sender's own id for it)")
    return source or "", reference


def refuse_unknown_entry(version: int, last_version: int) -> NoReturn:
    # Tell "no such event" apart from "an event of a kind that cannot be reversed".
    if 1 <= version <= last_version:
        raise NotReversibleError.because(
            "event {version} is not a grant, use or forfeit; only those can be "
            "reversed (a status change is corrected by another status change)",
            version=version,
        )
    raise EntryNotFoundError.because(
        "event {version}: no event with that id on this account (it has {last_version})",
        version=version,
        last_version=last_version,
    )


def check_single_funding(
    fundings: Mapping[str, list[list[Any]]], catalogue: Catalogue, right: str, training: str
) -> None:
    """Refuse a use of ``right`` for a training a right it excludes has funded."""
    for other, basis in catalogue.excluded_by(right):
        for version, funded_by, on in fundings.get(training, ()):
            if funded_by == other:
                raise DoubleFundingError.because(
                    "training {training!r} is already funded by {other} (event {version}, "
                    "{on}): {right} and {other} cannot fund the same training ({basis})",
                    training=training,
                    other=other,
                    version=version,
                    on=on,
                    right=right,
                    basis=basis,
                )
