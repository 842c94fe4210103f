"""The fixed choices of the citizen page's forms, from the domain and the catalogue: the
situations, end and suspension reasons and regions the career commands take, and the
rights whose bookings must name a training of the registry (and from when)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from ledger.application import Ledger
from ledger.domain.career import SITUATIONS, Region, SuspensionReason
from ledger.domain.catalogue import EndReason

# (value, words) pairs for a select: the code is the word, as the command line's.
Options = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ActionChoices:
    situations: Options
    end_reasons: Options
    suspension_reasons: Options
    regions: Options
    rights: Options
    # (right, first day): from that day a use or booking names a training of the registry.
    registered_from: tuple[tuple[str, date], ...]


def citizen_actions(ledger: Ledger) -> ActionChoices:
    registered = []
    for code, right in sorted(ledger.catalogue.rights.items()):
        first = right.booking_rules.registered_from
        if first is not None:
            registered.append((code, first))
    return ActionChoices(
        situations=codes(status.value for status in SITUATIONS),
        end_reasons=codes(reason.value for reason in EndReason),
        suspension_reasons=codes(reason.value for reason in SuspensionReason),
        regions=codes(region.value for region in Region),
        rights=codes(sorted(ledger.catalogue.rights)),
        registered_from=tuple(registered),
    )


def codes(values: Iterable[str]) -> Options:
    return tuple((value, value) for value in values)
