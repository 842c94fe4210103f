"""Four eyes in the console: one person asks for a reversal on the bookings and corrections
page, another approves it in the approvals queue. The person who asked cannot approve it,
not with their own session and not by mixing their session with another person's CSRF
token (or the other way round); every new form without its token changes nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from console.approvals import READ_NAME
from ledger.projections.reversal_queue import QUEUE_READ, QUEUE_REASON
from tests.builders import FEDERAL, INSZ
from tests.console.browsing import csrf_of, sign_in, text_of
from tests.console.conftest import BASE_URL
from tests.console.forms import error_of, signed_on_page
from tests.console.test_bookings_forms import RESERVE
from tests.console.test_careers_forms import START
from tests.llr import Llr
from tests.stores import event_count

COOKIE = "__Host-llr_session"
ASKED = {"entry": "3", "reason": "granted to the wrong citizen", "on": "2025-04-01"}


@pytest.fixture
def granted(with_account: Llr) -> Llr:
    """A grant (event 3) to reverse: federal training days, reference S-1."""
    with_account.ok("grant", INSZ, "federal-training-days", "2.5", "--source", FEDERAL,
                    "--on", "2025-03-01", "--ref", "S-1")  # fmt: skip
    return with_account


@pytest.fixture
def bert(console: TestClient) -> Iterator[TestClient]:
    """A second browser on the same console: another person's session."""
    with TestClient(console.app, base_url=BASE_URL, follow_redirects=False) as client:
        yield client


def asked(console: TestClient) -> str:
    """Anna (signed in on ``console``) asks for the reversal of event 3; her CSRF token."""
    csrf = signed_on_page(console, "backoffice:anna")
    sent = console.post("/citizen/entries/reversal", data={**ASKED, "csrf": csrf})
    assert (sent.status_code, sent.headers["location"]) == (
        303,
        "/citizen/entries#waiting-title",
    ), sent.text
    return csrf


def queue_of(client: TestClient) -> str:
    page = client.get("/approvals")
    assert page.status_code == 200, page.text
    return str(page.text)


def approval(client: TestClient, csrf: str, number: str = "4") -> dict[str, str]:
    """The approve form's fields for request ``number``, as the queue gives them."""
    html = queue_of(client)
    account = html.split('name="account" value="', 1)[1].split('"', 1)[0]
    return {"account": account, "number": number, "csrf": csrf}


def test_the_entry_to_reverse_is_offered_in_words_and_the_request_then_shows_as_waiting(
    granted: Llr, console: TestClient
) -> None:
    csrf = signed_on_page(console, "backoffice:anna")
    offered = text_of(console.get("/citizen/entries").text)
    assert "1 mrt 2025 · toekenning · federal-training-days · 2,5 dagen · S-1" in offered

    console.post("/citizen/entries/reversal", data={**ASKED, "csrf": csrf})

    page = console.get("/citizen/entries").text
    assert ('4 1 mrt 2025 · toekenning · federal-training-days · 2,5 dagen · S-1 '
            'test:anna (backoffice)') in text_of(page)  # fmt: skip
    assert "granted to the wrong citizen 1 apr 2025" in text_of(page)
    assert '<option value="3"' not in page  # no second request for it
    assert granted.history()["entries"][-1]["event"] == "ReversalRequested"


def test_another_person_approves_from_the_queue_and_the_citizen_page_shows_the_reversal(
    granted: Llr, console: TestClient, bert: TestClient
) -> None:
    asked(console)
    sign_in(bert, "backoffice:bert")

    listed = text_of(queue_of(bert))
    sent = bert.post("/approvals/approve", data=approval(bert, csrf_of(queue_of(bert))))

    assert ("93.05.18-223.61 4 1 mrt 2025 · toekenning · federal-training-days · 2,5 dagen · "
            "S-1 test:anna (backoffice)") in listed  # fmt: skip
    assert "granted to the wrong citizen 1 apr 2025 Andere datum" in listed
    assert (sent.status_code, sent.headers["location"]) == (
        303,
        "/approvals?approved=1#queue-title",
    )
    after = text_of(bert.get("/approvals?approved=1").text)
    assert "Goedgekeurd: de boeking is teruggedraaid." in after
    assert "Er wachten geen verzoeken tot terugdraaiing." in after
    events = [(e["event"], e["actor"]) for e in granted.history()["entries"][-2:]]
    assert events == [("ReversalApproved", "test:bert (backoffice)"),
                      ("EntryReversed", "test:bert (backoffice)")]  # fmt: skip
    page = text_of(console.get("/citizen").text)  # anna's page: the grant undone
    assert "federal-training-days Beschikbaar 0 dagen" in page
    assert "toegekend 0 = gebruikt 0 + gereserveerd 0" in page


def test_the_person_who_asked_is_refused_by_the_four_eyes_rule_next_to_the_request(
    granted: Llr, console: TestClient, database_url: str
) -> None:
    csrf = asked(console)
    fields = approval(console, csrf)
    before = event_count(database_url)

    refused = console.post("/approvals/approve", data=fields)

    assert refused.status_code == 409
    message = error_of(refused.text, f"approve-{fields['account']}-4")
    assert message == ("Geweigerd: aanvraag 4 werd gedaan door test:anna: een andere persoon "
                       "moet ze goedkeuren")  # fmt: skip
    assert event_count(database_url) == before


def test_a_session_cookie_with_another_persons_csrf_token_approves_nothing(
    granted: Llr, console: TestClient, bert: TestClient, database_url: str
) -> None:
    anna_csrf = asked(console)
    sign_in(bert, "backoffice:bert")
    bert_csrf = csrf_of(queue_of(bert))
    fields = approval(bert, bert_csrf)
    before = event_count(database_url)

    with TestClient(console.app, base_url=BASE_URL, follow_redirects=False) as mixed:
        mixed.cookies.set(COOKIE, str(console.cookies.get(COOKIE)))  # anna's session
        annas_cookie_berts_token = mixed.post("/approvals/approve", data=fields)
        mixed.cookies.set(COOKIE, str(bert.cookies.get(COOKIE)))  # bert's session
        berts_cookie_annas_token = mixed.post("/approvals/approve",
                                              data={**fields, "csrf": anna_csrf})  # fmt: skip

    assert annas_cookie_berts_token.status_code == 403
    assert berts_cookie_annas_token.status_code == 403
    assert event_count(database_url) == before
    assert bert.post("/approvals/approve", data=fields).status_code == 303  # his own: yes
    assert granted.history()["entries"][-1]["event"] == "EntryReversed"


def test_every_new_form_without_its_csrf_token_is_refused_and_changes_nothing(
    granted: Llr, console: TestClient, database_url: str
) -> None:
    signed_on_page(console)
    forms = {
        "/citizen/employment/start": START,
        "/citizen/employment/end": {"employer": "0566988259", "on": "2025-04-01",
                                    "reason": "resignation"},
        "/citizen/employment/suspend": {"employer": "0566988259", "from": "2025-04-01",
                                        "until": "2025-05-01", "reason": "sickness"},
        "/citizen/situation/start": {"situation": "jobseeker", "on": "2025-04-01"},
        "/citizen/situation/end": {"situation": "jobseeker", "on": "2025-04-01"},
        "/citizen/reserve": RESERVE,
        "/citizen/entries/confirm": {"reservation": "BOOK-1", "on": "2025-04-01"},
        "/citizen/entries/cancel": {"reservation": "BOOK-1", "on": "2025-04-01",
                                    "reason": "ill"},
        "/citizen/entries/reversal": ASKED,
        "/approvals/approve": {"account": "0" * 32, "number": "4"},
    }  # fmt: skip
    before = event_count(database_url)

    refused = {path: console.post(path, data=form).status_code for path, form in forms.items()}

    assert refused == dict.fromkeys(forms, 403)
    assert event_count(database_url) == before


def test_an_auditor_is_refused_the_queue_by_the_ledger(granted: Llr, console: TestClient) -> None:
    sign_in(console, "auditor")

    page = console.get("/approvals")

    assert page.status_code == 403
    assert "rol auditor mag niet" in text_of(page.text)


def test_the_queue_reads_each_citizen_it_lists_into_their_access_log(
    granted: Llr, console: TestClient, bert: TestClient
) -> None:
    asked(console)
    sign_in(bert, "backoffice:bert")

    queue_of(bert)

    logged = granted.json("access-log", INSZ)["entries"][-1]
    assert (logged["actor"], logged["action"], logged["reason"]) == (
        "test:bert",
        QUEUE_READ,
        QUEUE_REASON,
    )
    assert READ_NAME == QUEUE_READ  # the name the catalogue translates


def test_an_approval_naming_no_request_is_refused_before_the_ledger_is_asked(
    granted: Llr, console: TestClient, bert: TestClient, database_url: str
) -> None:
    asked(console)
    sign_in(bert, "backoffice:bert")
    before = event_count(database_url)

    refused = bert.post("/approvals/approve", data={"account": "not-an-account", "number": "4",
                                                    "csrf": csrf_of(queue_of(bert))})  # fmt: skip

    assert refused.status_code == 422
    assert "Dit verzoek staat niet in de lijst: laad de pagina opnieuw." in text_of(refused.text)
    assert event_count(database_url) == before


def test_a_role_that_may_not_write_is_sent_from_the_corrections_page_to_the_citizen_page(
    granted: Llr, console: TestClient
) -> None:
    signed_on_page(console, "auditor")

    page = console.get("/citizen/entries")

    assert (page.status_code, page.headers["location"]) == (303, "/citizen")


def test_the_approver_may_give_another_date_and_one_that_is_no_date_is_refused(
    granted: Llr, console: TestClient, bert: TestClient, database_url: str
) -> None:
    asked(console)
    sign_in(bert, "backoffice:bert")
    fields = approval(bert, csrf_of(queue_of(bert)))
    before = event_count(database_url)

    refused = bert.post("/approvals/approve", data={**fields, "on": "1 mei"})
    unchanged = event_count(database_url)
    sent = bert.post("/approvals/approve", data={**fields, "on": "2025-05-02"})

    assert refused.status_code == 422
    assert error_of(refused.text, f"approve-{fields['account']}-4") == (
        "Geef de datum als kalenderdatum."
    )
    assert unchanged == before
    assert sent.status_code == 303
    last = granted.history()["entries"][-1]
    assert (last["event"], last["on"]) == ("EntryReversed", "2025-05-02")
