"""The approvals queue: reversal requests that wait, across citizens, read for a role that
may approve, each citizen listed written to the access log; approved ones leave it."""

from __future__ import annotations

from datetime import date

import pytest

from ledger.application import Ledger
from ledger.domain.errors import FourEyesError
from ledger.projections.reversal_queue import QUEUE_READ, approval_queue, approve_queued
from ledger.projections.runner import catch_up_all
from ledger.security.roles import AccessDeniedError, parse_role
from tests.builders import INSZ, OTHER_INSZ, grant_vov, open_employee
from tests.stores import Store, make_ledger

DAY = date(2024, 10, 1)


def as_person(ledger: Ledger, actor: str, role: str = "backoffice") -> Ledger:
    return ledger.acting_as(parse_role(role, ()), actor)


def two_requests(ledger: Ledger) -> None:
    """Anna asks to reverse a grant of each of two citizens (event 2 of each)."""
    anna = as_person(ledger, "staff:anna")
    for insz in (INSZ, OTHER_INSZ):
        open_employee(ledger, insz)
        grant_vov(ledger, 100, "G1", insz=insz)
        anna.request_reversal(insz, 2, "granted twice", on=DAY)


def test_the_queue_lists_each_waiting_request_with_who_asked_why_and_what_it_reverses(
    store: Store,
) -> None:
    two_requests(store.ledger)
    catch_up_all(store.ledger, ["trail"])
    bert = as_person(store.ledger, "staff:bert")

    queue = approval_queue(bert)

    assert queue.lag == 0
    assert [(q.insz.value, q.waiting.request_id) for q in queue.rows] == [
        (INSZ, 3),
        (OTHER_INSZ, 3),
    ]
    first = queue.rows[0].waiting
    assert (first.request.actor, first.reason, first.takes_effect_on) == (
        "staff:anna (backoffice)",
        "granted twice",
        DAY,
    )
    granted = store.ledger.history(INSZ).entries[1]
    assert (first.entry.event, first.entry.right, first.entry.amount) == (
        "RightGranted",
        "vov-hours",
        granted.amount,
    )
    logged = [(r.actor, r.action) for r in store.ledger.access_log(INSZ).records]
    assert logged == [("staff:bert", QUEUE_READ)]


def test_an_approved_request_leaves_the_queue_even_before_the_trail_catches_up(
    store: Store,
) -> None:
    two_requests(store.ledger)
    catch_up_all(store.ledger, ["trail"])
    bert = as_person(store.ledger, "staff:bert")
    first = approval_queue(bert).rows[0]

    approve_queued(bert, first.account_id, first.waiting.request_id)
    queue = approval_queue(bert)

    assert queue.lag > 0  # the approval is not in the trail yet
    assert [q.insz.value for q in queue.rows] == [OTHER_INSZ]
    reads = [r.action for r in store.ledger.access_log(INSZ).records]
    assert reads == [QUEUE_READ]  # the first look only: nothing of it shown since


def test_the_person_who_asked_may_not_approve_and_an_auditor_may_not_read_the_queue(
    store: Store,
) -> None:
    two_requests(store.ledger)
    catch_up_all(store.ledger, ["trail"])
    anna = as_person(store.ledger, "staff:anna")
    first = approval_queue(anna).rows[0]

    with pytest.raises(FourEyesError, match="another person must approve it"):
        approve_queued(anna, first.account_id, first.waiting.request_id)
    with pytest.raises(AccessDeniedError):
        approval_queue(as_person(store.ledger, "staff:carl", "auditor"))
    assert len(approval_queue(anna).rows) == 2


def test_a_store_without_read_models_looks_at_every_account() -> None:
    ledger = make_ledger("memory")
    try:
        two_requests(ledger)

        queue = approval_queue(as_person(ledger, "staff:bert"))

        assert (queue.lag, [q.insz.value for q in queue.rows]) == (0, [INSZ, OTHER_INSZ])
    finally:
        ledger.close()
