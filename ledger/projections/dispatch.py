"""Each decoded event, handed to the handlers of the projections that want it.

This is the hot loop of every catch-up and rebuild. A projection's ``process`` is a
``singledispatchmethod``, which builds a new wrapper on every attribute access and picks
the handler per call: here each projection's handler for each event class is looked up
once, bound, and kept in a table by class, so an event costs one dictionary lookup and a
call per projection that wants it, and none for projections that do not.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Sequence
from functools import singledispatchmethod
from types import MethodType
from typing import Any, cast

from ledger.projections.base import Projection

# process(self, event, account_id, position), unbound, and bound to its projection.
Handler = Callable[[Any, Any, str, int], None]
BoundHandler = Callable[[Any, str, int], None]
HandlerTable = dict[type, tuple[BoundHandler, ...]]


def handler_for(projection: Projection[Any], event_class: type) -> Handler | None:
    """The projection's ``process`` for one event class; None when the class falls to a
    ``process`` default that does nothing (``skips_others``)."""
    method = inspect.getattr_static(type(projection), "process")
    if not isinstance(method, singledispatchmethod):
        return cast(Handler, method)
    found = method.dispatcher.dispatch(event_class)
    if projection.skips_others and found is method.dispatcher.registry[object]:
        return None
    return cast(Handler, found)


def handlers_by_kind(projections: Sequence[Projection[Any]], kinds: Iterable[type]) -> HandlerTable:
    """For each event class, the handlers (bound to their projection) that want it."""
    table: HandlerTable = {}
    for kind in kinds:
        found = [(p, handler_for(p, kind)) for p in projections]
        table[kind] = tuple(MethodType(h, p) for p, h in found if h is not None)
    return table


def dispatch(
    notes: Iterable[tuple[Any, str]], table: HandlerTable, to_event: Callable[[Any], Any]
) -> None:
    """Decode each event, hand it to its handlers and drop it at once (a page of decoded
    events kept in memory makes the decoding slower: see benchmarks/PROJECTIONS.md)."""
    for note, account_id in notes:
        event, position = to_event(note), note.id
        for handle in table[type(event)]:
            handle(event, account_id, position)


def account_ids_as_text(notes: Sequence[Any]) -> list[str]:
    """The account id of each notification as text, each distinct id made once (``str``
    of a UUID is slow, and an account has many events in a page)."""
    texts: dict[int, str] = {}
    found = []
    for note in notes:
        key = note.originator_id.int
        text = texts.get(key)
        if text is None:
            text = texts[key] = str(note.originator_id)
        found.append(text)
    return found
