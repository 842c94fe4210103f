"""Browser journeys at the desk: an import with a rejected line and its rejects
downloaded, a report downloaded as CSV, an audit run to its end and its digest
downloaded. Chromium against ``llr serve``, on SQLite and PostgreSQL; axe-core and a
screenshot (1366x768) on every page (``tests/console/screenshots/<store>/desk/``)."""

from __future__ import annotations

import csv
import io
import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.jobs import Jobs, Status
from tests.api.processes import free_port, llr_serve, server_env, serving
from tests.api.test_auth import issued
from tests.builders import EMPLOYER, FEDERAL, INSZ, OTHER_INSZ
from tests.console.browser import SCREENSHOTS, VIEWPORT, Journey, store_name
from tests.console.desk import (
    BAD_LINE,
    BAD_LINE_NUMBER,
    IMPORTER,
    SOURCE,
    example_with_a_bad_line,
)
from tests.llr import Llr


@pytest.fixture
def desk_url(ready: Llr, database_url: str, tmp_path: Path) -> Iterator[str]:
    """``llr serve`` with uploads and jobs in this test's own folder."""
    port = free_port()
    env = server_env(database_url, LLR_CONSOLE_INSECURE_COOKIES="1",
                     LLR_CONSOLE_SESSION_DIR=str(tmp_path / "sessions"),
                     LLR_API_UPLOAD_DIR=str(tmp_path / "uploads"))  # fmt: skip
    with serving(llr_serve(port), env, tmp_path / "serve.log", port) as server:
        yield server.url


def two_citizens_hold_vov_hours(llr: Llr) -> None:
    """INSZ (education low) holds 125 VOV hours and uses none; OTHER_INSZ (education high)
    holds 100 and uses 20; INSZ also holds 2,5 federal training days."""
    llr.ok("open", OTHER_INSZ, "--status", "employee", "--on", "2024-09-01", "--education", "high")
    llr.ok("grant", OTHER_INSZ, "vov-hours", "100", "--source", EMPLOYER, "--on", "2024-09-01",
           "--ref", "VOV-2")  # fmt: skip
    llr.ok("use", OTHER_INSZ, "vov-hours", "20", "--on", "2024-10-01", "--training", "T",
           "--provider", "P", "--ref", "U-1")  # fmt: skip
    llr.ok("grant", INSZ, "federal-training-days", "2.5", "--source", FEDERAL,
           "--on", "2025-03-01", "--ref", "S-1")  # fmt: skip


def signed_in(
    browser: Any, url: str, token: str, database_url: str, part: str
) -> tuple[Any, Journey]:
    page = browser.new_page(viewport=VIEWPORT, locale="nl-BE", accept_downloads=True)
    journey = Journey(page, SCREENSHOTS / store_name(database_url) / "desk" / part)
    page.goto(url + "/sign-in")
    page.get_by_label("API-token").fill(token)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url(url + "/")
    return page, journey


def test_an_import_with_a_bad_line_shows_one_rejected_and_its_rejects_download(
    ready: Llr, desk_url: str, database_url: str, browser: Any, tmp_path: Path
) -> None:
    token = issued(ready, "fund:eva", IMPORTER)
    page, journey = signed_in(browser, desk_url, token, database_url, "imports")
    menu = page.get_by_role("navigation", name="Hoofdmenu")
    menu.get_by_role("link", name="Importbestanden").click()
    page.wait_for_url(desk_url + "/imports")
    journey.check("imports")

    upload = tmp_path / "employer.csv"
    upload.write_bytes(example_with_a_bad_line())
    page.get_by_label("Bestand", exact=True).set_input_files(str(upload))
    page.get_by_role("button", name="Opladen en importeren").click()
    page.get_by_role("heading", name="Samenvatting").wait_for()  # desk.js shows it when done

    counts = page.locator("dl.counts")
    assert counts.locator("div", has_text="Regels gelezen").locator("dd").inner_text() == "19"
    assert counts.locator("div", has_text="Aanvaard").locator("dd").inner_text() == "18"
    assert counts.locator("div", has_text="Geweigerd").locator("dd").inner_text() == "1"
    journey.check("import-summary")

    with page.expect_download() as downloading:
        page.get_by_role("link", name="De geweigerde regels downloaden").click()
    download = downloading.value
    assert download.suggested_filename == "employer.rejects.csv"
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert rows[0] == ["line", "field", "reason", "original"]
    assert rows[1][:2] == [BAD_LINE_NUMBER, "kind"]  # the line, and the field of its rule
    assert "must be one of grant, use" in rows[1][2]
    assert rows[1][3] == BAD_LINE

    page.get_by_role("link", name="Alle imports").click()
    batches = page.get_by_role("table", name="Vorige imports, de nieuwste eerst")
    assert batches.get_by_role("row").filter(has_text="employer.csv").count() == 1
    batches.scroll_into_view_if_needed()  # the screenshot shows the batches
    journey.check("imports-batches")
    assert journey.csp_reports == []


def test_a_report_downloads_as_the_csv_the_command_line_prints(
    with_account: Llr, desk_url: str, database_url: str, browser: Any
) -> None:
    two_citizens_hold_vov_hours(with_account)
    token = issued(with_account, "staff:anna", "auditor")
    page, journey = signed_in(browser, desk_url, token, database_url, "reports")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Rapporten").click()
    page.wait_for_url(desk_url + "/reports")
    chart = page.get_by_role("img", name="Gebruik van vov-hours in 2024-25 per onderwijsniveau")
    assert chart.count() == 1
    assert "hoog: 100 %" in (chart.locator("desc").text_content() or "")
    assert "93.05.18-223.61" not in page.content()  # an auditor: no unmasked INSZ
    journey.check("reports")

    heading = page.get_by_role("heading", name="Gebruik per onderwijsniveau")
    take_up = page.locator("section", has=heading)
    with page.expect_download() as downloading:
        take_up.get_by_role("link", name="Downloaden als CSV").click()
    download = downloading.value
    printed = with_account.ok("report", "take-up", "--by", "education", "--csv")
    assert download.suggested_filename == "take-up.csv"
    assert Path(download.path()).read_bytes() == printed.stdout_bytes

    expiring = page.locator("section", has=page.get_by_role("heading", name="Vervallende loten"))
    expiring.get_by_label("Binnen").select_option("730")
    expiring.get_by_label("Van", exact=True).fill("2025-01-01")
    with page.expect_navigation():
        expiring.get_by_role("button", name="Tonen").click()
    lots = page.get_by_role("table", name="Loten die binnen de horizon vervallen")
    assert lots.get_by_role("row").filter(has_text="93.05.18-***.**").count() >= 1
    journey.check("reports-expiring")
    assert journey.csp_reports == []


def test_an_audit_runs_to_its_end_shows_its_findings_and_downloads_the_digest(
    with_account: Llr, desk_url: str, database_url: str, browser: Any
) -> None:
    token = issued(with_account, "staff:ilse", "auditor")
    page, journey = signed_in(browser, desk_url, token, database_url, "audit")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Audit").click()
    page.wait_for_url(desk_url + "/audit")
    journey.check("audit")

    page.get_by_role("button", name="Het hele register controleren").click()
    page.get_by_role("heading", name="Uitkomst").wait_for()  # desk.js shows it when done
    assert page.get_by_text("Geen bevindingen: elke invariant klopt.").is_visible()
    journey.check("verification")

    with page.expect_download() as downloading:
        page.get_by_role("link", name="De samenvatting downloaden (JSON)").click()
    download = downloading.value
    digest = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    printed = with_account.ok("audit", "digest", LLR_ROLE="auditor")
    assert download.suggested_filename == f"digest-{digest['position']}.json"
    assert digest == json.loads(printed.stdout)

    page.get_by_role("link", name="Audit", exact=True).last.click()
    runs = page.get_by_role("table", name="Controles in deze dienst, de nieuwste eerst")
    assert runs.get_by_role("row").filter(has_text="geen bevindingen").count() == 1
    journey.check("audit-runs")
    assert journey.csp_reports == []


def test_a_running_imports_page_follows_its_job_by_itself_until_the_summary(
    ready: Llr, desk_url: str, database_url: str, browser: Any, tmp_path: Path
) -> None:
    """desk.js at work: the bar moves as the job's file says, then the page shows the
    summary. The job is written here as a running import's thread would write it."""
    job = Jobs(tmp_path / "uploads").folder()
    job.update(kind="import", status=Status.RUNNING, created_at="2025-03-01T09:00:00+00:00",
               source=SOURCE, file="big.csv", dry_run=False, actor="fund:eva",
               host=socket.gethostname(), pid=os.getpid(), summary=None, error=None,
               progress={"lines_done": 1200, "lines_total": 5000})  # fmt: skip
    token = issued(ready, "fund:eva", IMPORTER)
    page, journey = signed_in(browser, desk_url, token, database_url, "progress")
    page.goto(f"{desk_url}/imports/{job.id}")
    assert page.get_by_role("status").inner_text() == "bezig: 1.200 van 5.000"
    journey.check("import-running")

    job.update(progress={"lines_done": 4000, "lines_total": 5000})
    page.get_by_role("status").filter(has_text="bezig: 4.000 van 5.000").wait_for()
    assert page.locator("progress").get_attribute("value") == "4000"
    job.update(status=Status.DONE, summary=SUMMARY, batch_id=SUMMARY["batch_id"])
    page.get_by_role("heading", name="Samenvatting").wait_for()

    assert page.url == f"{desk_url}/imports/{job.id}"
    assert page.locator("dl.counts").inner_text().split() == [
        "Regels", "gelezen", "5.000", "Aanvaard", "4.998", "Al", "verwerkt", "0",
        "Geweigerd", "2", "Gebeurtenissen", "geschreven", "5.100",
    ]  # fmt: skip
    journey.check("import-followed")
    assert journey.csp_reports == []


SUMMARY = {
    "batch_id": "0f8b6c9e-5f0e-4a43-9d4c-2f6a1c1f9a10", "lines_read": 5000, "applied": 4998,
    "already_applied": 0, "rejected": 2, "events_written": 5100,
    "per_kind": {"grant": {"read": 5000, "applied": 4998, "already_applied": 0, "rejected": 2}},
}  # fmt: skip
