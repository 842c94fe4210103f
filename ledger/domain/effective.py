"""An account is the fold of its events in effective-date order, ties in recording order.

Events are recorded in the order they arrive; a late fact (a quarterly line dated before
what is already recorded) is recorded after facts with later dates. The state every
command and every read sees is the fold in the order the facts took effect: by ``on``,
then by version. A stream without late facts is already in that order, and folds exactly
as the library's own replay does.

The library's ``mutate`` insists on consecutive versions; an effective fold applies the
events out of version order, so it calls each event's ``apply`` and keeps the version,
modification time and head hash of the latest recorded event itself, as ``mutate`` does.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import pairwise
from typing import Any

from ledger.domain.chain import event_hash


def effective_key(event: Any) -> tuple[Any, int, int]:
    """By date; within a day in recording order, except that an outcome or expiry
    recorded with a late fact takes the place it names next to the event it belongs to."""
    version = event.originator_version
    return event.on, event.__dict__.get("place") or 2 * version, version


def effective_order(events: Iterable[Any]) -> list[Any]:
    return sorted(events, key=effective_key)


def late_versions(events: Sequence[Any]) -> set[int]:
    """The versions of the late events: recorded after an event dated later."""
    late, latest = set(), None
    for event in sorted(events, key=lambda e: e.originator_version):
        if latest is not None and event.on < latest:
            late.add(event.originator_version)
        elif latest is None or event.on > latest:
            latest = event.on
    return late


def in_effective_order(events: Sequence[Any]) -> bool:
    return all(a.on <= b.on for a, b in pairwise(events))


def apply_effective(account: Any, event: Any) -> None:
    """One step of an effective fold after the opening: ``apply``, then the version,
    modification time and head hash of the latest recorded event so far."""
    event.apply(account)
    if event.originator_version > account.version:
        account.version = event.originator_version
        account.modified_on = event.timestamp
        account.head_hash = event_hash(event)


def fold_steps(events: Iterable[Any]) -> Iterator[tuple[Any, Any]]:
    """Each event, in effective order, with the account right after it."""
    ordered = effective_order(events)
    if not ordered:
        return
    recorded = max(ordered, key=lambda e: e.originator_version)
    account = None
    for event in ordered:
        if account is None:
            account = event.mutate(None)  # the opening: the library builds the account
        else:
            apply_effective(account, event)
        yield event, account
    assert account is not None and account.version == recorded.originator_version


def fold(events: Iterable[Any]) -> Any:
    """The account the events give, folded in effective order (None without events)."""
    last = None
    for _, last in fold_steps(events):  # noqa: B007  # the account after the last event
        pass
    return last
