"""The console's places, as the bar at the top of every page lists them: each shown only
to a role that may take its action (the page checks again, and the Ledger after it)."""

from __future__ import annotations

from dataclasses import dataclass

from console.words import N_
from ledger.security.roles import Action, Role


@dataclass(frozen=True)
class Place:
    path: str
    label: str  # marked for the catalogue; the template translates it
    action: Action


PLACES = (
    Place("/", N_("Find a citizen"), Action.READ_ACCOUNT),
    Place("/approvals", N_("Approvals"), Action.APPROVE_CORRECTION),
    Place("/imports", N_("Imports"), Action.IMPORT),
    Place("/reports", N_("Reports"), Action.REPORT),
    Place("/audit", N_("Audit"), Action.AUDIT),
)
# Where the language switch may send a reader back to: a console place, never a URL the
# form names.
BACK_TO = frozenset({"/sign-in", "/citizen", "/citizen/entries"} | {place.path for place in PLACES})


def places_for(role: Role | None) -> tuple[Place, ...]:
    return () if role is None else tuple(p for p in PLACES if role.may(p.action))
