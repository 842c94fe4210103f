"""The reports page: take-up by education level as a chart and a table, expiring lots,
sources and money, each downloadable as the CSV ``llr report ... --csv`` prints."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.builders import EMPLOYER, FEDERAL, FLANDERS, INSZ, OTHER_INSZ
from tests.console.browsing import form_csrf, sign_in, text_of
from tests.llr import Llr

# Each report: the page's query for its download, and the same options for ``llr report``.
DOWNLOADS = [
    ("take-up", {}, ["--by", "education"]),
    ("take-up", {"period": "2024-25", "right": "vov-hours"},
     ["--by", "education", "--period", "2024-25", "--right", "vov-hours"]),
    ("expiring", {"within": "365", "as_of": "2025-01-01"},
     ["--within", "365", "--as-of", "2025-01-01"]),
    ("expiring", {"within": "730", "as_of": "2025-03-01", "expiring_right": "vov-hours"},
     ["--within", "730", "--as-of", "2025-03-01", "--right", "vov-hours"]),
    ("sources", {}, []),
    ("sources", {"source": EMPLOYER}, ["--source", EMPLOYER]),
    ("money", {}, []),
    ("money", {"money_period": "2025"}, ["--period", "2025"]),
]  # fmt: skip


@pytest.fixture
def reported(with_account: Llr) -> Llr:
    """Two citizens: INSZ (education low) holds 125 VOV hours and uses none; OTHER_INSZ
    (education high) holds 100 and uses 20. INSZ also holds 2,5 federal training days, and
    training vouchers of which a booking of 250 euros was redeemed."""
    llr = with_account
    llr.ok("open", OTHER_INSZ, "--status", "employee", "--on", "2024-09-01", "--education", "high")
    llr.ok("grant", OTHER_INSZ, "vov-hours", "100", "--source", EMPLOYER, "--on", "2024-09-01",
           "--ref", "VOV-2")  # fmt: skip
    llr.ok("use", OTHER_INSZ, "vov-hours", "20", "--on", "2024-10-01", "--training", "T",
           "--provider", "P", "--ref", "U-1")  # fmt: skip
    llr.ok("grant", INSZ, "federal-training-days", "2.5", "--source", FEDERAL,
           "--on", "2025-03-01", "--ref", "S-1")  # fmt: skip
    llr.ok("grant", INSZ, "training-vouchers", "500", "--source", FLANDERS, "--on", "2025-01-06",
           "--ref", "TV-1")  # fmt: skip
    llr.ok("reserve", INSZ, "training-vouchers", "250", "--training", "OPL-1",
           "--on", "2025-02-03", "--ref", "B-1", "--provider", "0403170701")  # fmt: skip
    llr.ok("confirm", INSZ, "B-1", "--on", "2025-03-03")
    return llr


def section(html: str, title: str) -> str:
    """The part of the page from the section whose heading has that id to the next one."""
    return html.split(f'id="{title}"')[1].split("<section")[0]


def test_take_up_is_a_chart_per_right_with_a_table_of_the_same_numbers(
    console: TestClient, reported: Llr
) -> None:
    sign_in(console, "backoffice")

    page = console.get("/reports", params={"period": "2024-25", "right": "vov-hours"})

    assert page.status_code == 200, page.text
    take_up = section(page.text, "take-up-title")
    assert take_up.count('role="img"') == 1
    title = "Gebruik van vov-hours in 2024-25 per onderwijsniveau"
    assert f'<title id="take-up-1-title">{title}</title>' in take_up
    assert ("laag: 0 % (0 van 1 rechthebbenden gebruikten het); "
            "hoog: 100 % (1 van 1 rechthebbenden gebruikten het).") in take_up  # fmt: skip
    widths = re.findall(r'<rect class="bar" x="\d+" y="\d+" width="(\d+)"', take_up)
    assert widths == ["0", "420"]  # low first, then high: none, and all of its holders
    table = text_of(take_up.split("<table>")[1])
    assert "laag 1 0 0 0 % 125 uren 0 uren" in table
    assert "hoog 1 1 1 100 % 100 uren 20 uren" in table


@pytest.mark.parametrize(("name", "query", "options"), DOWNLOADS)
def test_each_csv_download_is_the_file_the_command_line_prints(
    console: TestClient, reported: Llr, name: str, query: dict[str, str], options: list[str]
) -> None:
    sign_in(console, "auditor")

    download = console.get(f"/reports/{name}.csv", params=query)

    assert download.status_code == 200, download.text
    assert download.headers["content-type"] == "text/csv; charset=utf-8"
    assert download.headers["content-disposition"] == f'attachment; filename="{name}.csv"'
    printed = reported.ok("report", name, *options, "--csv", LLR_ROLE="auditor")
    assert download.content == printed.stdout_bytes
    assert len(download.text.splitlines()) > 1  # a row at least: the test compares something


def test_the_page_links_each_download_with_the_values_its_section_shows(
    console: TestClient, reported: Llr
) -> None:
    sign_in(console, "backoffice")

    page = console.get("/reports", params={"within": "365", "as_of": "2025-01-01"})

    link = re.search(r'href="(/reports/expiring\.csv[^"]*)"', page.text)
    assert link is not None
    expected = "/reports/expiring.csv?within=365&as_of=2025-01-01"
    assert link.group(1).replace("&amp;", "&") == expected


def test_numbers_are_in_belgian_notation(console: TestClient, reported: Llr) -> None:
    sign_in(console, "backoffice")

    words = text_of(console.get("/reports", params={"money_period": "2025"}).text)

    assert "federal-training-days 1 2,5 dagen" in words
    assert "training-vouchers 0403170701" in words
    assert "125,00 125,00 125,00 125,00 0,00 0,00 125,00" in words


def test_an_auditor_sees_no_unmasked_insz_on_the_reports(
    console: TestClient, reported: Llr
) -> None:
    sign_in(console, "auditor")

    page = console.get("/reports", params={"within": "730", "as_of": "2025-01-01"})

    assert page.status_code == 200
    expiring = section(page.text, "expiring-title")
    assert expiring.count("<tr>") > 1  # lots are listed, each with its citizen
    for insz in (INSZ, OTHER_INSZ):
        shown = f"{insz[:2]}.{insz[2:4]}.{insz[4:6]}-{insz[6:9]}.{insz[9:]}"
        assert insz not in page.text and shown not in page.text


def test_a_horizon_not_on_the_list_is_refused_next_to_its_field(
    console: TestClient, reported: Llr
) -> None:
    sign_in(console, "backoffice")

    page = console.get("/reports", params={"within": "soon"})

    assert page.status_code == 422
    assert 'aria-describedby="within-error" aria-invalid="true"' in page.text
    assert "Kies een horizon in dagen uit de lijst." in text_of(page.text)


def test_a_school_year_the_report_does_not_know_is_refused_with_its_rule(
    console: TestClient, reported: Llr
) -> None:
    sign_in(console, "backoffice")

    page = console.get("/reports", params={"period": "2024"})
    download = console.get("/reports/take-up.csv", params={"period": "2024"})

    assert page.status_code == 422
    error = page.text.split('id="period-error"')[1].split("</p>")[0]
    assert "een schooljaar schrijf je als 2024-25" in error
    assert download.status_code == 422 and "text/html" in download.headers["content-type"]


def test_a_role_that_may_not_run_reports_gets_a_page_saying_so(
    console: TestClient, reported: Llr
) -> None:
    sign_in(console, "importer:employer:0566988259")

    page = console.get("/reports")
    download = console.get("/reports/sources.csv")

    assert page.status_code == download.status_code == 403
    assert "Uw rol mag geen rapporten over burgers heen opvragen." in text_of(page.text)
    assert "text/csv" not in download.headers["content-type"]


def test_a_report_the_page_does_not_offer_is_a_page_saying_so(
    console: TestClient, reported: Llr
) -> None:
    sign_in(console, "backoffice")

    download = console.get("/reports/trail.csv")

    assert download.status_code == 404
    assert "Dit rapport bestaat niet." in text_of(download.text)


def test_in_english_the_chart_speaks_english_and_the_numbers_stay_belgian(
    console: TestClient, reported: Llr
) -> None:
    sign_in(console, "backoffice")
    console.post("/language", data={"choice": "en", "back": "/reports",
                                    "csrf": form_csrf(console, "/reports")})  # fmt: skip

    page = console.get("/reports", params={"period": "2024-25", "right": "vov-hours"})

    take_up = section(page.text, "take-up-title")
    title = "Take-up of vov-hours in 2024-25 by education level"
    assert f'<title id="take-up-1-title">{title}</title>' in take_up
    assert "low: 0 % (0 of 1 holders used it); high: 100 % (1 of 1 holders used it)." in take_up
    assert "federal-training-days 1 2,5 days" in text_of(section(page.text, "sources-title"))
