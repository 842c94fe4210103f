"""Do the projected balances equal the balances computed from the event streams?

For every citizen, every lot of the account (replayed from its events, or a snapshot and
the events after it) must appear in ``balance_lots`` with the same right type, remaining
amount and state, nothing more; and per right type the usable and suspended sums must
equal the account's totals. This is invariant 6 of docs/design.md; the audit calls it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from ledger.application import Ledger
from ledger.domain.account import Account
from ledger.domain.lots import LotState
from ledger.projections.migrate import check_current
from ledger.projections.runner import catch_up_all
from ledger.store.read_models.opening import opened

ProjectedLots = dict[str, dict[str, tuple[Any, ...]]]  # account -> lot -> (right, remaining, state)


@dataclass(frozen=True)
class Difference:
    account_id: str
    right: str | None
    lot: str | None
    what: str  # which value differs, or "missing lot" / "extra lot" / "unknown account"
    projected: str
    expected: str

    def __str__(self) -> str:
        where = " ".join(x for x in (self.right, self.lot and f"lot {self.lot}") if x)
        return (
            f"account {self.account_id} {where}: {self.what} is {self.projected} in the "
            f"balances projection but {self.expected} from the events"
        )


def check_consistency(ledger: Ledger, catch_up: bool = True) -> list[Difference]:
    """Every difference between projected and event-sourced balances (none: consistent).

    With ``catch_up`` the projection is brought up to date first, and accounts that differ
    are checked once more after another catch-up, so a write that lands during the check
    is not reported as a difference.
    """
    if catch_up:
        catch_up_all(ledger, ["balances"])
    found = differences(ledger, None)
    if found and catch_up:
        catch_up_all(ledger, ["balances"])
        found = differences(ledger, {d.account_id for d in found})
    return found


def differences(ledger: Ledger, only: set[str] | None) -> list[Difference]:
    projected = projected_lots(ledger)
    if only is None:
        only = {str(i) for i in ledger.all_account_ids()} | set(projected)
    found: list[Difference] = []
    for account_id in sorted(only):
        account = ledger.find_account(UUID(account_id))
        lots = projected.get(account_id, {})
        if account is None:
            found.append(Difference(account_id, None, None, "unknown account", "present", "absent"))
        else:
            found.extend(account_differences(account_id, account, lots))
    return found


def projected_lots(ledger: Ledger) -> ProjectedLots:
    lots: ProjectedLots = defaultdict(dict)
    with opened(ledger.env) as store:
        check_current(store)
        rows = store.query("SELECT account_id, lot, right_code, remaining, state FROM balance_lots")
    for account_id, lot, right, remaining, state in rows:
        lots[str(account_id)][lot] = (right, int(remaining), state)
    return lots


def account_differences(
    account_id: str, account: Account, projected: dict[str, tuple[Any, ...]]
) -> Iterable[Difference]:
    left = dict(projected)
    for lot in account.lots.values():
        found = left.pop(lot.lot_id, None)
        if found is None:
            yield Difference(account_id, lot.right, lot.lot_id, "missing lot", "absent", "present")
            continue
        for what, mine, theirs in zip(
            ("right", "remaining", "state"), found, (lot.right, lot.remaining, lot.state),
            strict=True,
        ):  # fmt: skip
            if mine != theirs:
                yield Difference(account_id, lot.right, lot.lot_id, what, str(mine), str(theirs))
    for lot_id, (right, _, _) in left.items():
        yield Difference(account_id, right, lot_id, "extra lot", "present", "absent")
    yield from total_differences(account_id, account, projected)


def total_differences(
    account_id: str, account: Account, projected: dict[str, tuple[Any, ...]]
) -> Iterable[Difference]:
    sums: dict[tuple[str, str], int] = defaultdict(int)
    for right, remaining, state in projected.values():
        sums[(right, state)] += remaining
    for right, totals in account.totals.items():
        for state in (LotState.USABLE.value, LotState.SUSPENDED.value):
            mine, held = sums.get((right, state), 0), getattr(totals, state)
            if mine != held:
                yield Difference(account_id, right, None, f"{state} total", str(mine), str(held))
