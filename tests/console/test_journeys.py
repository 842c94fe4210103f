"""Browser journeys: Chromium against ``llr serve`` as operators run it, on SQLite and
PostgreSQL. Each page is checked with axe-core and photographed at 1366x768
(``tests/console/screenshots/<store>/``)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.test_auth import issued
from tests.builders import FEDERAL, INSZ
from tests.console.browser import (
    SCREENSHOTS,
    VIEWPORT,
    Journey,
    axe_violations,
    store_name,
)
from tests.llr import Llr

REASON = "citizen at the desk about her hours"


def test_sign_in_find_a_citizen_read_a_past_balance_and_sign_out(
    with_account: Llr, console_url: str, database_url: str, browser: Any
) -> None:
    token = issued(with_account, "staff:anna", "backoffice")
    page = browser.new_page(viewport=VIEWPORT, locale="nl-BE")
    journey = Journey(page, SCREENSHOTS / store_name(database_url))

    page.goto(console_url + "/")
    assert page.url == console_url + "/sign-in"
    journey.check("sign-in")
    page.get_by_label("API-token").fill(token)
    page.get_by_role("button", name="Aanmelden").click()

    page.wait_for_url(console_url + "/")
    assert page.get_by_text("staff:anna").is_visible()
    journey.check("find")
    page.get_by_label("INSZ (rijksregisternummer)").fill("93.05.18-223.61")
    page.get_by_label("Reden").fill(REASON)
    page.get_by_role("button", name="Tonen").click()

    page.wait_for_url(console_url + "/citizen")
    log = page.get_by_role("table", name="Toegangslogboek")
    # balance, explain x2, timeline, open corrections
    assert log.get_by_role("row").filter(has_text=REASON).count() == 5
    assert page.get_by_text("federal-training-days").first.is_visible()
    journey.check("citizen")

    page.get_by_label("Op datum").fill("2025-01-31")
    page.get_by_role("button", name="Tonen").click()
    page.wait_for_url(console_url + "/citizen?as_of=2025-01-31&known_at=")
    assert page.get_by_text("Saldo op 31 jan 2025").is_visible()
    assert page.get_by_role("heading", name="federal-training-days").count() == 0
    journey.check("citizen-as-of")

    cookie = next(c for c in page.context.cookies() if c["name"] == "llr_session")
    page.get_by_role("button", name="Afmelden").click()
    page.wait_for_url(console_url + "/sign-in")
    journey.check("signed-out")
    assert journey.csp_reports == []

    replayed = httpx.get(console_url + "/", cookies={"llr_session": cookie["value"]})
    assert (replayed.status_code, replayed.headers["location"]) == (303, "/sign-in")
    entries = with_account.json("access-log", INSZ)["entries"]
    assert {(e["actor"], e["reason"]) for e in entries} == {("staff:anna", REASON)}


def test_a_grant_shows_the_new_state_and_a_use_beyond_the_balance_its_refusal(
    with_account: Llr, console_url: str, database_url: str, browser: Any
) -> None:
    token = issued(with_account, "staff:anna", "backoffice")
    page = browser.new_page(viewport=VIEWPORT, locale="nl-BE")
    journey = Journey(page, SCREENSHOTS / store_name(database_url) / "actions")
    page.goto(console_url + "/sign-in")
    page.get_by_label("API-token").fill(token)
    page.get_by_role("button", name="Aanmelden").click()
    page.get_by_label("INSZ (rijksregisternummer)").fill("93051822361")
    page.get_by_label("Reden").fill(REASON)
    page.get_by_role("button", name="Tonen").click()
    page.wait_for_url(console_url + "/citizen")

    grant = page.get_by_role("form", name="Toekennen")
    grant.get_by_label("Recht").select_option("federal-training-days")
    grant.get_by_label("Bedrag").fill("1,5")
    grant.get_by_label("Op", exact=True).fill("2025-04-01")
    grant.get_by_label("Bron").fill(FEDERAL)
    grant.get_by_label("Referentie").fill("S-2")
    with page.expect_navigation():
        grant.get_by_role("button", name="Toekennen").click()
    assert page.get_by_text("federal-government/S-2").is_visible()
    assert page.get_by_text("4 dagen").first.is_visible()  # 2,5 + 1,5
    journey.check("granted")

    use = page.get_by_role("form", name="Gebruiken")
    use.get_by_label("Recht").select_option("vov-hours")
    use.get_by_label("Bedrag").fill("500")
    use.get_by_label("Op", exact=True).fill("2025-04-02")
    use.get_by_label("Opleiding", exact=True).fill("T-1")
    use.get_by_label("Opleidingsverstrekker").fill("0403170701")
    use.get_by_label("Referentie").fill("USE-1")
    with page.expect_navigation():
        use.get_by_role("button", name="Gebruiken").click()
    amount = use.get_by_label("Bedrag")
    assert amount.get_attribute("aria-invalid") == "true"
    message = page.locator("#" + amount.get_attribute("aria-describedby"))
    assert message.inner_text().startswith("Geweigerd: ")
    journey.check("use-refused")
    assert journey.csp_reports == []


def test_the_english_switch_works_by_keyboard_alone(
    with_account: Llr, console_url: str, database_url: str, browser: Any
) -> None:
    page = browser.new_page(viewport=VIEWPORT, locale="nl-BE")
    journey = Journey(page, SCREENSHOTS / store_name(database_url) / "english")
    page.goto(console_url + "/sign-in")

    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.textContent") == "Naar de inhoud"
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # the language button

    assert page.url == console_url + "/sign-in"
    assert page.get_by_role("heading", name="Sign in").is_visible()
    assert page.evaluate("document.documentElement.lang") == "en-BE"
    journey.check("sign-in-english")


def test_the_accessibility_check_itself_reports_a_page_with_serious_violations(
    browser: Any,
) -> None:
    """Else a journey's empty list of violations could mean axe never ran."""
    page = browser.new_page()
    page.set_content('<html><body><img src="x.png"><input type="text"></body></html>')

    found = axe_violations(page)

    assert any(line.startswith("critical image-alt") for line in found), found
    assert any(" label: " in line for line in found), found
