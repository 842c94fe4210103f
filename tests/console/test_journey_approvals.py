"""The four-eyes journey in a real browser: Anna asks, on the citizen's bookings and
corrections page, for the reversal of a grant; the queue refuses her own approval with the
Ledger's message; Bert, in a browser of his own, approves it; Anna's citizen page then
shows the grant undone. Chromium against ``llr serve``, on SQLite and PostgreSQL; axe and a
screenshot on every page (``tests/console/screenshots/<store>/approvals/``)."""

from __future__ import annotations

from typing import Any

from tests.api.test_auth import issued
from tests.console.browser import SCREENSHOTS, VIEWPORT, Journey, store_name
from tests.llr import Llr

REASON = "citizen at the desk about a grant sent twice"


def signed_in(browser: Any, console_url: str, token: str) -> Any:
    """A browser of its own (its own cookies), signed in with ``token``."""
    page = browser.new_context(viewport=VIEWPORT, locale="nl-BE").new_page()
    page.goto(console_url + "/sign-in")
    page.get_by_label("API-token").fill(token)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url(console_url + "/")
    return page


def on_citizen_page(page: Any, console_url: str) -> None:
    page.get_by_label("INSZ (rijksregisternummer)").fill("93.05.18-223.61")
    page.get_by_label("Reden").fill(REASON)
    page.get_by_role("button", name="Tonen").click()
    page.wait_for_url(console_url + "/citizen")


def test_one_person_asks_for_a_reversal_and_another_approves_it(
    with_account: Llr, console_url: str, database_url: str, browser: Any
) -> None:
    folder = SCREENSHOTS / store_name(database_url) / "approvals"
    anna = signed_in(browser, console_url, issued(with_account, "staff:anna", "backoffice"))
    anna_journey = Journey(anna, folder / "anna")
    on_citizen_page(anna, console_url)

    # A refusal of a new form, next to its field: no jobseeker situation to end.
    anna.get_by_text("Tewerkstelling en situatie").click()
    ending = anna.get_by_role("form", name="Een situatie eindigt")
    ending.get_by_label("Situatie").select_option("jobseeker")
    ending.get_by_label("Eerste dag zonder").fill("2025-03-02")
    with anna.expect_navigation():
        ending.get_by_role("button", name="Het einde vastleggen").click()
    field = anna.get_by_role("form", name="Een situatie eindigt").get_by_label("Situatie")
    assert field.get_attribute("aria-invalid") == "true"
    message = anna.locator("#" + str(field.get_attribute("aria-describedby")))
    assert message.inner_text() == "Geweigerd: de burger is niet jobseeker op 2 mrt 2025"
    anna_journey.check("situation-end-refused")

    anna.get_by_role("link", name="Reserveringen en correcties").click()
    anna.wait_for_url(console_url + "/citizen/entries")
    anna_journey.check("bookings-and-corrections")
    asking = anna.get_by_role("form", name="Een terugdraaiing vragen")
    entry = asking.get_by_label("Boeking")
    entry.select_option(entry.locator("option", has_text="S-1").get_attribute("value"))
    asking.get_by_label("Reden").fill("granted twice")
    asking.get_by_label("Gaat in op").fill("2025-04-01")
    with anna.expect_navigation():
        asking.get_by_role("button", name="De terugdraaiing vragen").click()
    waiting = anna.get_by_role("table", name="Terugdraaiingen die op goedkeuring wachten")
    assert waiting.get_by_role("row").filter(has_text="S-1").count() == 1
    anna_journey.check("reversal-requested")

    anna.get_by_role("link", name="Goedkeuringen").click()
    anna.wait_for_url(console_url + "/approvals")
    with anna.expect_navigation():
        anna.get_by_role("button", name="Goedkeuren").click()
    refusal = anna.locator(".queue .error")
    assert "een andere persoon moet ze goedkeuren" in refusal.inner_text()
    anna_journey.check("own-approval-refused")

    bert = signed_in(browser, console_url, issued(with_account, "staff:bert", "backoffice"))
    bert_journey = Journey(bert, folder / "bert")
    bert.get_by_role("link", name="Goedkeuringen").click()
    bert.wait_for_url(console_url + "/approvals")
    queue = bert.get_by_role("table", name="Verzoeken tot terugdraaiing die op goedkeuring wachten")
    assert queue.get_by_role("row").filter(has_text="staff:anna (backoffice)").count() == 1
    bert_journey.check("approvals")
    with bert.expect_navigation():
        bert.get_by_role("button", name="Goedkeuren").click()
    assert bert.get_by_text("Goedgekeurd: de boeking is teruggedraaid.").is_visible()
    assert bert.get_by_text("Er wachten geen verzoeken tot terugdraaiing.").is_visible()
    bert_journey.check("approved")

    anna.goto(console_url + "/citizen")
    assert anna.get_by_text("toegekend 0 = gebruikt 0").is_visible()  # federal days undone
    anna_journey.check("citizen-after-approval")
    events = [(e["event"], e["actor"]) for e in with_account.history()["entries"][-2:]]
    assert events == [("ReversalApproved", "staff:bert (backoffice)"),
                      ("EntryReversed", "staff:bert (backoffice)")]  # fmt: skip
    assert anna_journey.csp_reports == bert_journey.csp_reports == []
