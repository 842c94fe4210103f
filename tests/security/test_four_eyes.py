"""Four eyes on corrections: a reversal is requested, then approved by another person, and
only then takes effect. Both steps are events on the account."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from ledger.application import Ledger
from ledger.domain.account import Account
from ledger.domain.actors import person_of
from ledger.domain.catalogue import Status
from ledger.domain.errors import (
    FourEyesError,
    NotReversibleError,
    RequestNotPendingError,
    ReversalPendingError,
)
from ledger.domain.views import rebuild
from ledger.security.roles import AccessDeniedError, parse_role
from tests.builders import EMPLOYER
from tests.domain.support import (
    CATALOGUE,
    FED_DAYS,
    INSZ,
    by,
    grant,
    live_state,
    names,
    new_account,
    refused,
    usable,
    use,
)
from tests.stores import ledger_on

SEP_2, LATER = date(2024, 9, 2), date(2024, 12, 2)
CLERK, SECOND = "staff:1 (backoffice)", "staff:2 (backoffice)"


def requested(account: Account, version: int, actor: str = CLERK) -> int:
    account.request_reversal(CATALOGUE, version, "sent twice", LATER, actor)
    return account.version


def test_a_request_is_an_event_and_reverses_nothing_yet() -> None:
    account = new_account()
    grant(account, FED_DAYS, 5, SEP_2, "fed")
    granted = account.version
    account.collect_events()

    requested(account, granted)

    (event,) = account.collect_events()
    assert isinstance(event, Account.ReversalRequested)
    assert (event.entry, event.entry_event, event.reason) == (granted, "RightGranted", "sent twice")
    assert usable(account, FED_DAYS) == 5


def test_an_approval_by_another_person_reverses_the_entry() -> None:
    account = new_account()
    grant(account, FED_DAYS, 5, SEP_2, "fed")
    request = requested(account, account.version)
    account.collect_events()

    account.approve_reversal(CATALOGUE, request, None, SECOND)

    events = account.collect_events()
    assert names(events) == ["ReversalApproved", "EntryReversed"]
    assert (events[1].actor, events[1].on, events[1].reason) == (SECOND, LATER, "sent twice")
    assert usable(account, FED_DAYS) == 0


@pytest.mark.parametrize("approver", [CLERK, "staff:1", "staff:1 (auditor)"])
def test_the_requester_cannot_approve_in_any_role(approver: str) -> None:
    account = new_account()
    grant(account, FED_DAYS, 5, SEP_2, "fed")
    request = requested(account, account.version)

    info = refused(
        account, FourEyesError, lambda: account.approve_reversal(CATALOGUE, request, None, approver)
    )

    assert "another person must approve it" in str(info.value)


def test_a_request_cannot_be_approved_twice() -> None:
    account = new_account()
    grant(account, FED_DAYS, 5, SEP_2, "fed")
    request = requested(account, account.version)
    account.approve_reversal(CATALOGUE, request, None, SECOND)

    refused(
        account,
        RequestNotPendingError,
        lambda: account.approve_reversal(CATALOGUE, request, None, "staff:3"),
    )


def test_a_second_request_for_the_same_entry_is_refused_while_one_waits() -> None:
    account = new_account()
    grant(account, FED_DAYS, 5, SEP_2, "fed")
    granted = account.version
    requested(account, granted)

    refused(account, ReversalPendingError, lambda: requested(account, granted, SECOND))


def test_an_approval_is_checked_again_against_what_happened_since() -> None:
    account = new_account()
    grant(account, FED_DAYS, 5, SEP_2, "fed")
    request = requested(account, account.version)
    use(account, FED_DAYS, 1, LATER, "a use of the lot meanwhile")

    info = refused(
        account,
        NotReversibleError,
        lambda: account.approve_reversal(CATALOGUE, request, None, SECOND),
    )

    assert "reverse its uses first" in str(info.value)


def test_requests_and_approvals_replay_to_the_same_state() -> None:
    account = Account.open(uuid4(), INSZ, Status.EMPLOYEE, date(2024, 1, 1), None, by())
    grant(account, FED_DAYS, 5, SEP_2, "fed")
    request = requested(account, account.version)
    account.approve_reversal(CATALOGUE, request, None, SECOND)
    events = account.collect_events()

    replayed = rebuild(events)

    assert replayed is not None
    assert live_state(replayed) == live_state(account)
    assert replayed.requests[str(request)].approved is True


def test_person_of_drops_only_the_role_the_application_added() -> None:
    assert person_of("staff:1 (backoffice)") == person_of("staff:1") == "staff:1"
    assert person_of("acme (gent) (auditor)") == "acme (gent)"


# ------------------------------------------------------------- the application
def test_the_ledger_requests_then_approves_with_two_people(database_url: str) -> None:
    setup = ledger_on(database_url)
    setup.bind_store_key()  # what llr init does: the access log, for the read below
    setup.open_account(INSZ, "employee", date(2024, 9, 1))
    setup.grant_right(INSZ, FED_DAYS, 5, SEP_2, EMPLOYER, "G1")
    settings_env = setup.env
    people = [
        Ledger(settings_env, id_key=setup.id_key, actor=who, role=parse_role("backoffice", ()))
        for who in ("staff:1", "staff:2")
    ]
    try:
        asked = people[0].request_reversal(INSZ, 2, "sent twice", LATER)
        with pytest.raises(FourEyesError):
            people[0].approve_reversal(INSZ, asked.account_version)
        done = people[1].approve_reversal(INSZ, asked.account_version)
        events = [e.event for e in people[1].history(INSZ, reason="test").entries]
    finally:
        for ledger in (*people, setup):
            ledger.close()

    assert done.events == ("ReversalApproved", "EntryReversed")
    assert events[-3:] == ["ReversalRequested", "ReversalApproved", "EntryReversed"]


def test_no_role_may_reverse_at_once_through_the_ledger(database_url: str) -> None:
    setup = ledger_on(database_url)
    clerk = Ledger(
        setup.env, id_key=setup.id_key, actor="staff:1", role=parse_role("backoffice", ())
    )
    try:
        with pytest.raises(AccessDeniedError, match="no role may reverse an entry without"):
            clerk.reverse_entry(INSZ, 2, "quick fix")
    finally:
        clerk.close()
        setup.close()
