"""Bring the projections up to date, and say how far each one has got.

The catch-up itself (batches, exactly once) is ``catchup.py``; which projections there
are, ``registry.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ledger.application import Ledger
from ledger.projections.catchup import CATCH_UP_BATCH, BeforeCommit, CatchUp
from ledger.projections.migrate import check_current
from ledger.projections.rebuild_worker import SecondProcessFill, in_own_process
from ledger.projections.registry import NAMES, checked_names
from ledger.store.backend import can_share, has_read_models
from ledger.store.read_models.base import Store
from ledger.store.read_models.opening import opened


def catch_up_all(
    ledger: Ledger, names: Sequence[str] | None = None, batch_size: int | None = None,
    before_commit: BeforeCommit | None = None, processes: int | None = None,
) -> dict[str, int]:  # fmt: skip
    """Bring every projection (or those named) up to date; events applied per projection.

    Nothing to do on the in-memory store, which has no read models: returns {} there.
    ``batch_size`` defaults to the store's ``CATCH_UP_BATCH``; ``before_commit`` sees each
    batch this process writes, not yet committed (see ``CatchUp.run``). ``processes``: 1
    or 2, else chosen as a rebuild does: a long catch-up (an import's) brings the trail up
    to date in a second process when two cores are idle (``rebuild_worker.py``).
    """
    chosen = checked_names(names)
    if not has_read_models(ledger.store_env):
        return {}
    with opened(ledger.env) as store:
        check_current(store)
        batch = batch_size or CATCH_UP_BATCH[store.backend]
        elsewhere = []
        if can_share(ledger.store_env):  # the second process opens the same store
            elsewhere = in_own_process(chosen, lag_of(ledger, store, chosen), processes)
        here = [name for name in chosen if name not in elsewhere]
        with SecondProcessFill(ledger, elsewhere, batch, suffix="") as second:
            counts = CatchUp(ledger, store, here, "", batch).run(before_commit)
        counts.update(second.counts())
        return {name: counts[name] for name in chosen}


def lag_of(ledger: Ledger, store: Store, names: list[str]) -> int:
    """Events (of any aggregate) between the furthest behind of these projections and the
    head of the log."""
    positions = store.read_positions()
    head = ledger.recorder.max_notification_id() or 0
    return head - min(positions.get(name, 0) for name in names)


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
