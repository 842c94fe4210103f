"""Grant and use from the citizen page: through the Ledger as the signed-in person, the
amount in Belgian notation, a refusal next to its field with nothing written, and a form
without its CSRF token or from a role that may not write changes nothing."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.builders import FEDERAL, INSZ
from tests.console.browsing import citizen_page, csrf_of, sign_in, text_of
from tests.llr import Llr
from tests.stores import event_count

GRANT = {"right": "federal-training-days", "amount": "2,5", "on": "2025-03-01",
         "source": FEDERAL, "reference": "S-1", "expires_on": ""}  # fmt: skip
USE = {"right": "vov-hours", "amount": "200", "on": "2025-03-03", "training": "T-1",
       "provider": "0403170701", "reference": "USE-1"}  # fmt: skip


def error_of(html: str, field: str) -> str:
    found = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', html)
    return found.group(1) if found else ""


def test_a_grant_in_belgian_notation_is_written_as_the_reader_and_the_page_shows_it(
    with_account: Llr, console: TestClient
) -> None:
    sign_in(console, "backoffice")
    csrf = csrf_of(citizen_page(console, INSZ))

    sent = console.post("/citizen/grant", data={**GRANT, "csrf": csrf})

    assert (sent.status_code, sent.headers["location"]) == (303, "/citizen#rights-title")
    words = text_of(console.get("/citizen").text)
    assert "federal-training-days Beschikbaar 2,5 dagen" in words
    [granted] = [e for e in with_account.history()["entries"] if e["reference"] == "S-1"]
    assert (granted["amount"], granted["actor"]) == (2.5, "test:backoffice (backoffice)")


def test_a_use_beyond_the_balance_is_refused_next_to_the_amount_and_writes_nothing(
    with_account: Llr, console: TestClient, database_url: str
) -> None:
    sign_in(console, "backoffice")
    csrf = csrf_of(citizen_page(console, INSZ))
    before = event_count(database_url)

    refused = console.post("/citizen/use", data={**USE, "csrf": csrf})

    assert refused.status_code == 409
    message = error_of(refused.text, "use-amount")
    assert message.startswith("Geweigerd: ") and "125" in message, refused.text
    assert 'id="use-amount" name="amount" type="text" value="200"' in refused.text  # kept
    assert error_of(refused.text, "grant-amount") == ""  # the other form is untouched
    assert event_count(database_url) == before


def test_an_amount_that_is_no_number_is_refused_before_the_ledger_is_asked(
    with_account: Llr, console: TestClient, database_url: str
) -> None:
    sign_in(console, "backoffice")
    csrf = csrf_of(citizen_page(console, INSZ))
    before = event_count(database_url)

    refused = console.post("/citizen/grant", data={**GRANT, "amount": "twee", "csrf": csrf})

    assert refused.status_code == 422
    assert error_of(refused.text, "grant-amount") == "Geef een bedrag zoals 2,5."
    assert event_count(database_url) == before


def test_a_write_without_its_csrf_token_is_refused_and_writes_nothing(
    with_account: Llr, console: TestClient, database_url: str
) -> None:
    sign_in(console, "backoffice")
    citizen_page(console, INSZ)
    before = event_count(database_url)

    for path, form in (("/citizen/grant", GRANT), ("/citizen/use", USE)):
        assert console.post(path, data=form).status_code == 403
    assert event_count(database_url) == before


def test_an_auditor_gets_no_action_forms_and_a_forged_one_is_refused_by_the_ledger(
    with_account: Llr, console: TestClient, database_url: str
) -> None:
    sign_in(console, "auditor")
    html = citizen_page(console, INSZ, reason="")
    assert "/citizen/grant" not in html
    before = event_count(database_url)

    refused = console.post("/citizen/grant", data={**GRANT, "csrf": csrf_of(html)})

    assert refused.status_code == 409
    assert "rol auditor mag niet" in text_of(refused.text)  # the Ledger's refusal, in Dutch
    assert event_count(database_url) == before


def test_a_use_within_the_balance_is_written_and_the_page_shows_what_is_left(
    with_account: Llr, console: TestClient
) -> None:
    sign_in(console, "backoffice")
    csrf = csrf_of(citizen_page(console, INSZ))

    sent = console.post("/citizen/use", data={**USE, "amount": "12,5", "csrf": csrf})

    assert (sent.status_code, sent.headers["location"]) == (303, "/citizen#rights-title")
    words = text_of(console.get("/citizen").text)
    assert "vov-hours Beschikbaar 112,5 uren" in words
    assert "toegekend 125 = gebruikt 12,5 +" in words
