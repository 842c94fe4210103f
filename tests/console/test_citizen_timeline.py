"""The citizen page's timeline over HTTP: an SVG image named by its title and description,
one step line per right ending on the balance the page shows, marks and bands, its text
equivalent, ``as of`` and ``known at``; and what waits for approval on the account."""

from __future__ import annotations

import html as entities
import re
import time
import xml.etree.ElementTree as ET
from datetime import datetime

from fastapi.testclient import TestClient

from console.i18n import BRUSSELS
from tests.builders import EMPLOYER, FEDERAL, INSZ, INSZ_SHOWN
from tests.console.browsing import citizen_page, form_csrf, sign_in, text_of
from tests.llr import Llr

SVG = "{http://www.w3.org/2000/svg}"
USE_20 = ("use", INSZ, "vov-hours", "20", "--on", "2024-10-01", "--training", "T-1",
          "--provider", "P", "--ref", "U-1")  # fmt: skip
FED_DAYS = ("grant", INSZ, "federal-training-days", "2.5", "--source", FEDERAL,
            "--on", "2024-09-02", "--ref", "F-1")  # fmt: skip


def chart(html: str) -> ET.Element:
    found = re.search(r'<svg class="timeline-chart".*?</svg>', html, re.S)
    assert found, "no timeline on the page"
    return ET.fromstring(found.group(0))


def texts(svg: ET.Element, css_class: str) -> list[str]:
    return ["".join(t.itertext()) for t in svg.iter(f"{SVG}text") if t.get("class") == css_class]


def mark_titles(svg: ET.Element) -> list[str]:
    return [
        "".join(path.find(f"{SVG}title").itertext())  # type: ignore[union-attr]
        for path in svg.iter(f"{SVG}path")
        if (path.get("class") or "").startswith("mark ")
    ]


def table(html: str, table_id: str) -> list[list[str]]:
    """The rows of a table, each a list of its cells' words."""
    body = re.search(rf'<table id="{table_id}">.*?<tbody>(.*?)</tbody>', html, re.S)
    assert body, f"no table {table_id}"
    return [
        [" ".join(entities.unescape(re.sub(r"<[^>]+>", " ", cell)).split()) for cell in cells]
        for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)
        if (cells := re.findall(r"<td[^>]*>(.*?)</td>", row, re.S))
    ]


def caption(html: str, table_id: str) -> str:
    found = re.search(rf'<table id="{table_id}">\s*<caption>(.*?)</caption>', html, re.S)
    assert found
    return " ".join(entities.unescape(found.group(1)).split())


def shown_usable(html: str) -> dict[str, str]:
    """Each right's usable balance as its box on the page gives it."""
    rights = html.split('id="rights-title">')[1].split("</section>")[0]
    return dict(re.findall(r"(\S+) Beschikbaar (\S+) ", text_of(rights)))


def last_usable_per_right(html: str) -> dict[str, str]:
    """From the text equivalent: each right's usable balance after its last row."""
    return {right: usable.split()[0] for _, right, _, _, usable in table(html, "timeline-text")}


def line_ends(svg: ET.Element) -> dict[str, str]:
    """Each panel's right and the usable balance written at its line's end."""
    return dict(zip(texts(svg, "right-name"), texts(svg, "last"), strict=True))


def test_the_timeline_is_an_image_named_by_its_title_and_description(
    with_account: Llr, console: TestClient
) -> None:
    with_account.ok(*FED_DAYS)
    sign_in(console, "backoffice")

    svg = chart(citizen_page(console, INSZ))

    assert svg.get("role") == "img"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.text == f"Tijdlijn van burger {INSZ_SHOWN}"
    assert desc.text is not None and desc.text.startswith("Van 1 sep 2024 tot 30 jun 2025")
    assert svg.get("viewBox", "").startswith("0 0 1100 ")
    assert texts(svg, "right-name") == ["federal-training-days", "vov-hours"]
    dashes = [p.get("stroke-dasharray") for p in svg.iter(f"{SVG}path")
              if p.get("class") == "balance"]  # fmt: skip
    assert len(set(dashes)) == 2  # each line its own pattern, not only its colour
    assert texts(svg, "tick")[0] == "1 sep 2024" and texts(svg, "tick")[-1] == "30 jun 2025"


def test_each_line_ends_on_the_usable_balance_the_page_shows_after_a_use_and_an_expiry(
    with_account: Llr, console: TestClient
) -> None:
    with_account.ok(*USE_20)
    sign_in(console, "backoffice")
    today = citizen_page(console, INSZ)

    after_expiry = console.get("/citizen", params={"as_of": "2025-09-30"}).text

    assert shown_usable(today) == {"vov-hours": "105"}
    assert line_ends(chart(today)) == last_usable_per_right(today) == shown_usable(today)
    assert shown_usable(after_expiry) == {"vov-hours": "0"}
    assert line_ends(chart(after_expiry)) == last_usable_per_right(after_expiry)
    assert last_usable_per_right(after_expiry) == {"vov-hours": "0"}
    assert table(after_expiry, "timeline-text")[-1][:4] == [
        "1 sep 2025", "vov-hours", "verval (vervallen, nog niet geboekt)", "105",
    ]  # fmt: skip
    assert mark_titles(chart(today)) == ["toekenning 125 uren, 1 sep 2024",
                                         "gebruik 20 uren, 1 okt 2024"]  # fmt: skip


def test_each_line_ends_on_the_usable_balance_after_a_forfeit_and_a_reversal(
    with_account: Llr, console: TestClient
) -> None:
    with_account.ok(*FED_DAYS)
    with_account.ok("status", INSZ, "jobseeker", "--on", "2025-01-06")
    forfeit = next(e for e in with_account.history()["entries"] if e["event"] == "RightForfeited")
    with_account.ok("reverse", INSZ, str(forfeit["event_id"]), "--reason", "still employed",
                    "--on", "2025-02-03")  # fmt: skip
    request = with_account.history()["entries"][-1]["event_id"]
    with_account.ok("approve", INSZ, str(request), LLR_ACTOR="staff:second")
    balance = with_account.json("balance", INSZ)["rights"]
    sign_in(console, "backoffice")

    html = citizen_page(console, INSZ)

    rows = table(html, "timeline-text")
    assert ["6 jan 2025", "federal-training-days", "verbeurte", "2,5", "0 dagen"] in rows
    assert rows[-1][:4] == ["3 feb 2025", "federal-training-days", "terugboeking", "2,5"]
    expected = {
        right: str(numbers["usable"]).replace(".", ",") for right, numbers in balance.items()
    }
    assert line_ends(chart(html)) == last_usable_per_right(html) == expected
    assert shown_usable(html) == expected
    periods = table(html, "timeline-periods")
    assert periods == [
        ["tewerkstelling", EMPLOYER.removeprefix("employer:"), "1 sep 2024", "6 jan 2025"],
        ["situatie", "werkzoekende", "6 jan 2025", "loopt nog"],
    ]


def test_as_of_a_past_date_the_axis_and_the_text_equivalent_end_there(
    with_account: Llr, console: TestClient
) -> None:
    with_account.ok(*USE_20)
    with_account.ok("use", INSZ, "vov-hours", "5", "--on", "2025-02-03", "--training", "T-2",
                    "--provider", "P", "--ref", "U-2")  # fmt: skip
    sign_in(console, "backoffice")
    citizen_page(console, INSZ)

    past = console.get("/citizen", params={"as_of": "2024-12-31"}).text

    svg = chart(past)
    assert texts(svg, "tick")[-1] == "31 dec 2024"
    assert caption(past, "timeline-text") == "Tijdlijn als tekst: 1 sep 2024 – 31 dec 2024"
    assert [row[0] for row in table(past, "timeline-text")] == ["1 sep 2024", "1 okt 2024"]
    assert line_ends(svg) == last_usable_per_right(past) == {"vov-hours": "105"}
    assert "3 feb 2025" not in " ".join(mark_titles(svg))


def test_as_recorded_by_a_past_moment_the_timeline_leaves_out_what_came_later(
    with_account: Llr, console: TestClient
) -> None:
    time.sleep(1.1)  # the picker counts in seconds: the entries a second apart each side
    moment = datetime.now(BRUSSELS).replace(microsecond=0, tzinfo=None)
    time.sleep(1.1)
    with_account.ok(*USE_20)
    sign_in(console, "backoffice")
    assert len(table(citizen_page(console, INSZ), "timeline-text")) == 2

    html = console.get("/citizen", params={"known_at": moment.isoformat()}).text

    assert table(html, "timeline-text") == [
        ["1 sep 2024", "vov-hours", "toekenning", "125", "125 uren"]
    ]
    assert line_ends(chart(html)) == {"vov-hours": "125"}


def test_a_requested_reversal_waits_on_the_page_until_another_person_approves_it(
    with_account: Llr, console: TestClient
) -> None:
    with_account.ok(*USE_20)
    with_account.ok("reverse", INSZ, "3", "--reason", "entered twice", "--on", "2024-10-02")
    sign_in(console, "backoffice")

    waiting = citizen_page(console, INSZ)
    with_account.ok("approve", INSZ, "4", LLR_ACTOR="staff:second")
    approved = console.get("/citizen").text

    section = text_of(waiting.split('id="corrections-title">')[1].split("</section>")[0])
    assert ("4 gebruik (gebeurtenis 3) vov-hours 20 uren 2 okt 2024 test:staff (backoffice) "
            "entered twice") in section  # fmt: skip
    assert "Er is geen dossier ter herziening open." in section
    assert "Er wacht geen terugboeking op goedkeuring." in text_of(approved)
    assert "terugboeking 20 uren, 2 okt 2024" in mark_titles(chart(approved))


def test_an_open_review_case_lists_the_entries_the_late_fact_makes_invalid(
    ready: Llr, console: TestClient
) -> None:
    employer = "0566988259"
    ready.ok("open", INSZ, "--on", "2024-09-01", "--employer", employer)
    ready.ok("grant", INSZ, "vov-hours", "40", "--source", f"employer:{employer}", "--on",
             "2024-09-02", "--ref", "VOV")  # fmt: skip
    ready.ok("use", INSZ, "vov-hours", "10", "--on", "2024-10-01", "--training", "T",
             "--provider", "P", "--ref", "U-1")  # fmt: skip
    ready.ok("employment", "end", INSZ, "--employer", employer, "--on", "2024-09-15",
             "--reason", "resignation", "--review")  # fmt: skip
    [case] = ready.json("review", "list")["cases"]
    sign_in(console, "backoffice")

    html = citizen_page(console, INSZ)

    section = text_of(html.split('id="cases-title">')[1].split("</section>")[0])
    number = str(case["case"]).rsplit("-", 1)[1]
    assert section.startswith(f"Open dossiers ter herziening Open dossiers ter herziening "
                              f"Dossier Geopend op Laat feit van Geopend door "
                              f"Boekingen die het ongeldig maakt {number} ")  # fmt: skip
    assert "15 sep 2024" in section
    assert "gebruik (gebeurtenis 3), 1 okt 2024:" in section


def test_an_auditor_reads_the_timeline_with_the_insz_masked_everywhere(
    with_account: Llr, console: TestClient
) -> None:
    with_account.ok(*USE_20)
    with_account.ok("reverse", INSZ, "3", "--reason", "entered twice", "--on", "2024-10-02")
    sign_in(console, "auditor")

    html = citizen_page(console, INSZ_SHOWN, reason="")

    svg = chart(html)
    assert "".join(svg.find(f"{SVG}title").itertext()).endswith("93.05.18-***.**")  # type: ignore[union-attr]
    assert INSZ not in html and INSZ_SHOWN not in html and "930518" not in html
    assert len(table(html, "timeline-text")) == 2


def test_an_account_without_rights_shows_its_career_and_an_empty_text_equivalent(
    ready: Llr, console: TestClient
) -> None:
    ready.ok("open", INSZ, "--status", "jobseeker", "--on", "2024-09-01")
    sign_in(console, "backoffice")

    html = citizen_page(console, INSZ)

    svg = chart(html)
    assert texts(svg, "right-name") == []
    assert table(html, "timeline-text") == []
    assert table(html, "timeline-periods") == [
        ["situatie", "werkzoekende", "1 sep 2024", "loopt nog"]
    ]


def test_as_recorded_by_a_moment_before_a_request_no_reversal_waits_yet(
    with_account: Llr, console: TestClient
) -> None:
    with_account.ok(*USE_20)
    time.sleep(1.1)  # the picker counts in seconds: the request a second after the moment
    moment = datetime.now(BRUSSELS).replace(microsecond=0, tzinfo=None)
    time.sleep(1.1)
    with_account.ok("reverse", INSZ, "3", "--reason", "entered twice", "--on", "2024-10-02")
    sign_in(console, "backoffice")
    assert "entered twice" in text_of(citizen_page(console, INSZ))

    then = console.get("/citizen", params={"known_at": moment.isoformat()}).text

    assert "Er wacht geen terugboeking op goedkeuring." in text_of(then)
    assert "entered twice" not in text_of(then)


def test_in_english_the_timeline_speaks_english_with_belgian_dates_and_numbers(
    with_account: Llr, console: TestClient
) -> None:
    with_account.ok(*FED_DAYS)
    sign_in(console, "backoffice")
    citizen_page(console, INSZ)
    console.post("/language", data={"choice": "en", "back": "/citizen",
                                    "csrf": form_csrf(console, "/citizen")})  # fmt: skip

    html = console.get("/citizen").text

    svg = chart(html)
    assert "".join(svg.find(f"{SVG}title").itertext()) == f"Timeline of citizen {INSZ_SHOWN}"  # type: ignore[union-attr]
    assert caption(html, "timeline-text") == "Timeline as text: 01 Sept 2024 – 30 Jun 2025"
    assert ["02 Sept 2024", "federal-training-days", "grant", "2,5", "2,5 days"] in table(
        html, "timeline-text"
    )
