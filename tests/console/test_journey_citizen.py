"""The citizen page in a real browser: sign in, find a citizen with a reason (the access
log shows it), read the timeline and its text equivalent and the reversal waiting for
approval, then read the timeline as of a past date. axe-core and a screenshot on every
page; on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from typing import Any

from tests.api.test_auth import issued
from tests.builders import INSZ
from tests.console.browser import SCREENSHOTS, VIEWPORT, Journey, store_name
from tests.llr import Llr

REASON = "citizen asks how her hours went down"


def usable_in_boxes(page: Any) -> dict[str, str]:
    """Each right's usable balance as its box on the page shows it."""
    shown = {}
    for box in page.locator("article.right").all():
        right = box.get_by_role("heading").inner_text()
        usable = box.locator(".totals dd").first.inner_text()
        shown[right] = usable.split()[0]
    return shown


def text_equivalent(page: Any) -> list[list[str]]:
    """The rows of 'Tijdlijn als tekst', opened as a reader opens it (its summary)."""
    page.get_by_text("Tijdlijn als tekst", exact=True).click()
    table = page.get_by_role("table", name=re.compile("^Tijdlijn als tekst"))
    return [
        [cell.inner_text() for cell in row.get_by_role("cell").all()]
        for row in table.locator("tbody tr").all()
    ]


def last_usable(rows: list[list[str]]) -> dict[str, str]:
    return {right: usable.split()[0] for _, right, _, _, usable in rows}


def test_the_timeline_read_now_and_as_of_a_past_date_agrees_with_its_text_and_balances(
    with_account: Llr, console_url: str, database_url: str, browser: Any
) -> None:
    with_account.ok("use", INSZ, "vov-hours", "20", "--on", "2024-10-01", "--training", "T-1",
                    "--provider", "P", "--ref", "U-1")  # fmt: skip
    use = next(e for e in with_account.history()["entries"] if e["event"] == "RightUsed")
    with_account.ok("reverse", INSZ, str(use["event_id"]), "--reason", "entered twice",
                    "--on", "2025-03-03")  # fmt: skip
    request = with_account.history()["entries"][-1]["event_id"]
    token = issued(with_account, "staff:anna", "backoffice")
    page = browser.new_page(viewport=VIEWPORT, locale="nl-BE")
    journey = Journey(page, SCREENSHOTS / store_name(database_url) / "citizen")

    page.goto(console_url + "/sign-in")
    journey.check("sign-in")
    page.get_by_label("API-token").fill(token)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url(console_url + "/")
    journey.check("find")
    page.get_by_label("INSZ (rijksregisternummer)").fill("93 05 18 223 61")
    page.get_by_label("Reden").fill(REASON)
    page.get_by_role("button", name="Tonen").click()

    page.wait_for_url(console_url + "/citizen")
    log = page.get_by_role("table", name="Toegangslogboek")
    assert log.get_by_role("row").filter(has_text=REASON).filter(has_text="tijdlijn").count() == 1
    chart = page.get_by_role("img", name=re.compile("^Tijdlijn van burger 93.05.18-223.61"))
    assert chart.is_visible()
    assert chart.locator("text.right-name").all_text_contents() == [
        "federal-training-days", "vov-hours",
    ]  # fmt: skip
    page.get_by_role("heading", name="Tijdlijn").scroll_into_view_if_needed()
    journey.check("timeline")
    rows = text_equivalent(page)
    assert ["1 okt 2024", "vov-hours", "gebruik", "20", "105 uren"] in rows
    # llr serve reads today's date: the VOV lot's expiry on 1 Sep 2025 is behind it.
    assert ["1 sep 2025", "vov-hours", "verval (vervallen, nog niet geboekt)", "105",
            "0 uren"] in rows  # fmt: skip
    assert last_usable(rows) == usable_in_boxes(page)
    assert last_usable(rows)["vov-hours"] == "0"
    page.get_by_role("table", name=re.compile("^Tijdlijn als tekst")).scroll_into_view_if_needed()
    journey.check("timeline-as-text")
    waiting = page.get_by_role("table", name="Gevraagde terugboekingen, nog niet goedgekeurd")
    waiting.scroll_into_view_if_needed()
    assert waiting.locator("tbody tr").all_inner_texts() == [
        f"{request}\tgebruik (gebeurtenis {use['event_id']})\tvov-hours\t20 uren\t3 mrt 2025"
        "\ttest:staff (backoffice)\tentered twice"
    ]
    journey.check("waiting-for-approval")

    page.get_by_label("Op datum").fill("2025-01-31")
    page.get_by_role("button", name="Tonen").click()
    page.wait_for_url(re.compile(r".*/citizen\?as_of=2025-01-31.*"))
    chart = page.get_by_role("img", name=re.compile("^Tijdlijn van burger"))
    assert chart.locator("text.tick").last.text_content() == "31 jan 2025"
    page.get_by_role("heading", name="Tijdlijn").scroll_into_view_if_needed()
    journey.check("timeline-as-of")
    past = text_equivalent(page)
    assert [row[0] for row in past] == ["1 sep 2024", "1 okt 2024"]
    assert last_usable(past) == usable_in_boxes(page) == {"vov-hours": "105"}
    caption = page.get_by_role("table", name=re.compile("^Tijdlijn als tekst")).locator("caption")
    assert caption.inner_text().endswith("31 jan 2025")
    journey.check("timeline-as-of-as-text")
    assert journey.csp_reports == []
