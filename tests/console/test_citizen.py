"""Finding a citizen and the citizen's page: the reason first into the access log, the
balance, lots and identity line per right, a past date, and a masked INSZ for auditors."""

from __future__ import annotations

import time
from datetime import datetime

from fastapi.testclient import TestClient

from console.i18n import BRUSSELS
from tests.builders import EMPLOYER, FEDERAL, INSZ, INSZ_SHOWN
from tests.console.browsing import A_REASON, citizen_page, find, form_csrf, sign_in, text_of
from tests.llr import Llr

INSZ_MASKED = "93.05.18-***.**"


def access_log(llr: Llr) -> list[tuple[str, str, str | None]]:
    entries = llr.json("access-log", INSZ)["entries"]
    return [(e["actor"], e["action"], e["reason"]) for e in entries]


def test_a_backoffice_reader_must_give_a_reason_and_nothing_is_read_without_one(
    with_account: Llr, console: TestClient
) -> None:
    sign_in(console, "backoffice")

    refused = find(console, INSZ, reason="  ")

    assert refused.status_code == 422
    words = text_of(refused.text)
    assert "Geef een reden: die komt in het toegangslogboek" in words
    assert 'aria-invalid="true"' in refused.text.split('id="reason"')[1].split(">")[0]
    assert console.get("/citizen").headers["location"] == "/"  # no citizen in view
    assert access_log(with_account) == []


def test_an_insz_in_any_common_notation_finds_the_citizen(
    with_account: Llr, console: TestClient
) -> None:
    sign_in(console, "backoffice")

    for typed in ("93.05.18-223.61", "930518 223 61", "93051822361"):
        assert INSZ_SHOWN in citizen_page(console, typed)


def test_a_wrong_insz_is_refused_next_to_its_field(console: TestClient) -> None:
    sign_in(console, "backoffice")

    refused = find(console, "93051822360")

    assert refused.status_code == 422
    assert "Dit is geen geldig INSZ" in text_of(refused.text)
    assert 'value="93051822360"' in refused.text  # kept for backoffice to correct


def test_the_citizen_page_shows_each_right_its_lots_and_identity_line_and_the_access_log(
    with_account: Llr, console: TestClient
) -> None:
    sign_in(console, "backoffice")

    words = text_of(citizen_page(console, "93.05.18-223.61"))

    assert "Burger 93.05.18-223.61" in words
    assert "vov-hours Beschikbaar 125 uren Opgeschort 0 uren Gereserveerd 0 uren" in words
    assert f"{EMPLOYER} 125 125 1 sep 2024" in words  # source, amount, remaining, valid from
    assert ("toegekend 125 = gebruikt 0 + gereserveerd 0 + vervallen 0 + verbeurd 0 + "
            "beschikbaar 125 + opgeschort 0 (sluit)") in words  # fmt: skip
    assert f"test:backoffice backoffice saldo {A_REASON}" in words
    assert access_log(with_account) == [
        ("test:backoffice", "balance", A_REASON), ("test:backoffice", "explain", A_REASON),
        ("test:backoffice", "timeline", A_REASON),
        ("test:backoffice", "open corrections", A_REASON),
    ]  # fmt: skip


def test_the_balance_as_of_a_past_date_leaves_out_what_came_later(
    with_account: Llr, console: TestClient
) -> None:
    with_account.ok("grant", INSZ, "federal-training-days", "2.5", "--source", FEDERAL,
                    "--on", "2025-03-01", "--ref", "S-1")  # fmt: skip
    sign_in(console, "backoffice")
    today = text_of(citizen_page(console, INSZ))
    assert "federal-training-days Beschikbaar 2,5 dagen" in today  # a Belgian decimal comma
    assert "1 mrt 2025" in today

    past = text_of(console.get("/citizen", params={"as_of": "2025-01-31"}).text)

    assert "Saldo op 31 jan 2025" in past
    assert "vov-hours Beschikbaar 125 uren" in past
    assert "federal-training-days Beschikbaar" not in past  # its box; the forms list it
    assert "1 mrt 2025" not in past


def test_the_page_as_recorded_by_a_past_moment_leaves_out_what_was_recorded_after(
    with_account: Llr, console: TestClient
) -> None:
    time.sleep(1.1)  # the picker counts in seconds: the grants a second apart each side
    moment = datetime.now(BRUSSELS).replace(microsecond=0, tzinfo=None)
    time.sleep(1.1)
    with_account.ok("grant", INSZ, "federal-training-days", "2.5", "--source", FEDERAL,
                    "--on", "2025-03-01", "--ref", "S-1")  # fmt: skip
    sign_in(console, "backoffice")
    assert "federal-training-days" in text_of(citizen_page(console, INSZ))

    html = console.get("/citizen", params={"known_at": moment.isoformat()}).text
    words = text_of(html)

    assert "vov-hours Beschikbaar 125 uren" in words
    assert "federal-training-days Beschikbaar" not in words  # its box; the forms list it
    assert "zoals vastgelegd op" in words
    assert f'value="{moment.isoformat()}"' in html  # the picker keeps the moment asked


def test_a_picker_value_that_is_no_date_or_moment_is_refused_by_name(
    with_account: Llr, console: TestClient
) -> None:
    sign_in(console, "backoffice")
    citizen_page(console, INSZ)

    refused = console.get("/citizen", params={"as_of": "gisteren", "known_at": "vorige week"})

    assert refused.status_code == 422
    words = text_of(refused.text)
    assert "Geef de datum als kalenderdatum." in words
    assert "Geef het tijdstip als datum en uur." in words


def test_a_date_before_the_account_opened_says_there_was_no_account(
    with_account: Llr, console: TestClient
) -> None:
    sign_in(console, "backoffice")
    citizen_page(console, INSZ)

    before = console.get("/citizen", params={"as_of": "2024-08-31"})

    assert before.status_code == 404
    assert "Er is geen rekening voor dit INSZ (op die datum)." in text_of(before.text)


def test_an_auditor_sees_the_insz_masked_on_every_page_even_the_one_it_typed(
    with_account: Llr, console: TestClient
) -> None:
    sign_in(console, "auditor")

    pages = [
        citizen_page(console, INSZ_SHOWN, reason=""),
        find(console, INSZ + "9").text,
        console.get("/").text,
        console.get("/citizen", params={"as_of": "2025-01-01"}).text,
    ]

    assert INSZ_MASKED in pages[0]
    for html in pages:
        assert INSZ not in html and INSZ_SHOWN not in html
        assert "93.05.18-223" not in html and "930518" not in html


def test_an_admin_may_not_read_a_citizen_and_is_told_so(
    with_account: Llr, console: TestClient
) -> None:
    sign_in(console, "admin")
    csrf = form_csrf(console, "/")
    console.post("/find", data={"insz": INSZ, "reason": "x", "csrf": csrf})

    refused = console.get("/citizen")

    assert refused.status_code == 403
    assert "Het register weigerde deze raadpleging: role admin may not" in text_of(refused.text)
    assert access_log(with_account) == []


def test_pages_of_a_signed_in_person_send_a_stranger_to_the_sign_in_page(
    console: TestClient,
) -> None:
    for path in ("/", "/citizen"):
        assert console.get(path).headers["location"] == "/sign-in"
