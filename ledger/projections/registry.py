"""Which projections there are, and which events they read."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.utils import get_topic

from ledger.domain.account import Account
from ledger.projections.balances import BalancesProjection
from ledger.projections.base import Projection
from ledger.projections.expiring import ExpiringProjection
from ledger.projections.money import MoneyProjection
from ledger.projections.sources import SourcesProjection
from ledger.projections.takeup import TakeUpProjection
from ledger.projections.trail import TrailProjection
from ledger.store.read_models.base import ProjectionError

PROJECTIONS: dict[str, type[Projection[Any]]] = {
    p.name: p
    for p in (
        BalancesProjection, ExpiringProjection, MoneyProjection, SourcesProjection,
        TakeUpProjection, TrailProjection,
    )
}  # fmt: skip
NAMES = tuple(PROJECTIONS)
# The Account's event classes (a new one is read too, and the trail refuses it loudly
# until it has a handler); other aggregates' events in the same log are skipped.
ACCOUNT_EVENTS = [
    cls
    for cls in vars(Account).values()
    if isinstance(cls, type) and issubclass(cls, Account.Event) and cls is not Account.Event
]
ACCOUNT_TOPICS = [get_topic(cls) for cls in ACCOUNT_EVENTS]
# The suffix of a rebuild's copies (tables and positions) while they are filled.
NEXT = "_next"


class UnknownProjectionError(ProjectionError):
    """No projection has that name."""


def checked_names(names: Sequence[str] | None) -> list[str]:
    """The projections named (all when none are), each once; an unknown name is refused."""
    unknown = [n for n in names or () if n not in PROJECTIONS]
    if unknown:
        raise UnknownProjectionError(
            f"unknown projection {', '.join(map(repr, unknown))}: the projections are "
            f"{', '.join(NAMES)}"
        )
    return list(dict.fromkeys(names)) if names else list(NAMES)
