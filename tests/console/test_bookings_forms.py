"""Bookings from the console: reserve on the citizen page (amount in Belgian notation);
confirm or cancel an open reservation picked from the bookings and corrections page, which
reads the citizen's history through the Ledger; refusals next to their fields."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.builders import INSZ
from tests.console.browsing import A_REASON, text_of
from tests.console.forms import error_of, signed_on_page
from tests.llr import Llr
from tests.stores import event_count

RESERVE = {"right": "vov-hours", "amount": "12,5", "on": "2025-03-03", "training": "T-1",
           "provider": "0403170701", "reference": "BOOK-1", "hold_until": "2025-07-31",
           "enrolment": "", "employer": "", "track": ""}  # fmt: skip


def reserved(console: TestClient, csrf: str, reference: str = "BOOK-1") -> None:
    sent = console.post("/citizen/reserve", data={**RESERVE, "reference": reference,
                                                  "csrf": csrf})  # fmt: skip
    assert (sent.status_code, sent.headers["location"]) == (303, "/citizen#rights-title")


def test_a_reservation_in_belgian_notation_holds_its_units_and_the_page_shows_them(
    with_account: Llr, console: TestClient
) -> None:
    csrf = signed_on_page(console)

    reserved(console, csrf)

    words = text_of(console.get("/citizen").text)
    assert "vov-hours Beschikbaar 112,5 uren Opgeschort 0 uren Gereserveerd 12,5 uren" in words
    held = with_account.history()["entries"][-1]
    assert (held["event"], held["amount"], held["actor"]) == (
        "UnitsReserved",
        12.5,
        "test:backoffice (backoffice)",
    )


def test_the_open_reservations_are_read_through_the_ledger_with_the_readers_reason(
    with_account: Llr, console: TestClient
) -> None:
    reserved(console, signed_on_page(console))

    page = console.get("/citizen/entries")

    assert page.status_code == 200
    assert "BOOK-1 · vov-hours · 12,5 uren · T-1 · vastgehouden tot" in text_of(page.text)
    assert '<option value="BOOK-1"' in page.text
    logged = with_account.json("access-log", INSZ)["entries"][-1]
    assert (logged["action"], logged["reason"]) == ("history", A_REASON)


def test_a_confirm_of_part_of_a_reservation_closes_it_and_the_page_no_longer_offers_it(
    with_account: Llr, console: TestClient
) -> None:
    csrf = signed_on_page(console)
    reserved(console, csrf)

    sent = console.post("/citizen/entries/confirm", data={
        "reservation": "BOOK-1", "on": "2025-03-10", "amount": "10", "csrf": csrf})  # fmt: skip

    assert (sent.status_code, sent.headers["location"]) == (
        303,
        "/citizen/entries#reservations-title",
    )
    assert "Er staan geen reserveringen open." in text_of(console.get("/citizen/entries").text)
    closed = with_account.history()["entries"][-1]
    assert (closed["event"], closed["details"]["reservation"]) == ("ReservationConfirmed", "BOOK-1")


def test_a_cancel_needs_a_reason_and_with_one_releases_what_was_held(
    with_account: Llr, console: TestClient, database_url: str
) -> None:
    csrf = signed_on_page(console)
    reserved(console, csrf, "BOOK-2")
    cancel = {"reservation": "BOOK-2", "on": "2025-03-10", "csrf": csrf}
    before = event_count(database_url)

    refused = console.post("/citizen/entries/cancel", data={**cancel, "reason": " "})
    unchanged = event_count(database_url)
    sent = console.post("/citizen/entries/cancel", data={**cancel, "reason": "ill"})

    assert refused.status_code == 409
    assert error_of(refused.text, "cancel-reason").startswith("Geweigerd: reason")
    assert unchanged == before
    assert sent.status_code == 303
    assert with_account.history()["entries"][-1]["event"] == "ReservationCancelled"
    words = text_of(console.get("/citizen").text)
    assert "vov-hours Beschikbaar 125 uren Opgeschort 0 uren Gereserveerd 0 uren" in words


def test_a_reservation_beyond_the_balance_is_refused_next_to_the_amount(
    with_account: Llr, console: TestClient, database_url: str
) -> None:
    csrf = signed_on_page(console)
    before = event_count(database_url)

    refused = console.post("/citizen/reserve", data={**RESERVE, "amount": "500", "csrf": csrf})

    assert refused.status_code == 409
    assert error_of(refused.text, "reserve-amount").startswith("Geweigerd: ")
    assert '<details class="group" open>' in refused.text  # the reserve form, opened
    assert event_count(database_url) == before


def test_a_confirm_after_the_hold_ended_is_refused_next_to_the_reservation(
    with_account: Llr, console: TestClient, database_url: str
) -> None:
    csrf = signed_on_page(console)
    console.post("/citizen/reserve", data={**RESERVE, "hold_until": "2025-03-05", "csrf": csrf})
    before = event_count(database_url)

    refused = console.post("/citizen/entries/confirm", data={
        "reservation": "BOOK-1", "on": "2025-03-10", "amount": "", "csrf": csrf})  # fmt: skip

    assert refused.status_code == 409
    message = error_of(refused.text, "confirm-reservation")
    assert message.startswith("Geweigerd: reservering 'BOOK-1': de reservering liep af "
                              "op 5 mrt 2025"), refused.text  # fmt: skip
    assert event_count(database_url) == before


def test_an_amount_that_is_no_number_is_refused_before_the_ledger_is_asked(
    with_account: Llr, console: TestClient, database_url: str
) -> None:
    csrf = signed_on_page(console)
    before = event_count(database_url)

    refused = console.post("/citizen/reserve", data={**RESERVE, "amount": "veel", "csrf": csrf})

    assert refused.status_code == 422
    assert error_of(refused.text, "reserve-amount") == "Geef een bedrag zoals 2,5."
    assert event_count(database_url) == before
