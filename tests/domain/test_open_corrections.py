"""What waits on one account for a second person: reversals requested and not approved
(with the entry's right and amount), open review cases. From Account objects alone."""

from __future__ import annotations

from datetime import date

from ledger.domain.open_corrections import PendingReversal, open_corrections
from tests.domain.support import CATALOGUE, FED_DAYS, grant, use
from tests.domain.test_timeline import SEP_2, employee

ASKED = date(2024, 11, 4)


def test_a_requested_reversal_waits_with_its_entry_until_another_person_approves_it() -> None:
    account = employee()
    grant(account, FED_DAYS, 500, SEP_2, "fed")
    use(account, FED_DAYS, 200, date(2024, 10, 1), "u1")
    events = account.collect_events()
    used = events[-1].originator_version
    account.request_reversal(CATALOGUE, used, "sent twice", ASKED, "staff:anna (backoffice)")
    requested = account.collect_events()
    events += requested

    waiting = open_corrections(events)

    assert waiting.cases == ()
    assert waiting.reversals == (
        PendingReversal(
            request_id=requested[0].originator_version, entry=used, entry_event="RightUsed",
            right=FED_DAYS, amount=200, on=ASKED, requested_by="staff:anna (backoffice)",
            reason="sent twice",
        ),
    )  # fmt: skip
    account.approve_reversal(CATALOGUE, requested[0].originator_version, None, "staff:ben")
    assert open_corrections(events + account.collect_events()).reversals == ()
