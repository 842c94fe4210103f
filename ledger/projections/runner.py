"""Bring the projections up to date, and say how far each one has got.

The catch-up itself (batches, exactly once) is ``catchup.py``; which projections there
are, ``registry.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ledger.application import Ledger
from ledger.projections.catchup import BeforeCommit, CatchUp
from ledger.projections.migrate import check_current
from ledger.projections.registry import NAMES, checked_names
from ledger.store.backend import has_read_models
from ledger.store.read_models.opening import opened


def catch_up_all(
    ledger: Ledger, names: Sequence[str] | None = None, batch_size: int | None = None,
    before_commit: BeforeCommit | None = None,
) -> dict[str, int]:  # fmt: skip
    """Bring every projection (or those named) up to date; events applied per projection.

    Nothing to do on the in-memory store, which has no read models: returns {} there.
    ``batch_size`` defaults to the store's ``CATCH_UP_BATCH``; ``before_commit`` sees each
    batch written and not yet committed (see ``CatchUp.run``).
    """
    chosen = checked_names(names)
    if not has_read_models(ledger.store_env):
        return {}
    with opened(ledger.env) as store:
        check_current(store)
        return CatchUp(ledger, store, chosen, "", batch_size).run(before_commit)


@dataclass(frozen=True)
class ProjectionStatus:
    name: str
    position: int
    head: int  # the highest notification id in the store
    rebuilding_at: int | None  # position of a rebuild in progress (or left by a killed one)

    @property
    def lag(self) -> int:
        return max(self.head - self.position, 0)


def status(ledger: Ledger) -> list[ProjectionStatus]:
    with opened(ledger.env) as store:
        check_current(store)
        head = ledger.recorder.max_notification_id() or 0
        positions = store.read_positions()
    return [
        ProjectionStatus(name, positions.get(name, 0), head, positions.get(name + "_next"))
        for name in NAMES
    ]
