"""The imports page: a file uploaded through the form, imported by the API's job as
``llr import`` would, its summary in words, its rejects, and the list of batches."""

from __future__ import annotations

import csv
import html
import io
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.jobs import Jobs, Status
from tests.api.service import BACKOFFICE, app_for, as_role
from tests.console.browsing import form_csrf, sign_in, text_of
from tests.console.conftest import BASE_URL
from tests.console.desk import (
    BAD_LINE,
    BAD_LINE_NUMBER,
    EXAMPLE,
    IMPORTER,
    SOURCE,
    example_with_a_bad_line,
    followed,
    upload,
)
from tests.llr import Llr

LIMIT = 4000  # bytes: the upload limit of the small service below


def jobs_in(tmp_path: Path) -> list[Path]:
    root = tmp_path / "uploads" / "jobs"
    return sorted(root.iterdir()) if root.is_dir() else []


def test_an_upload_with_a_bad_line_is_imported_and_its_summary_says_one_rejected(
    console: TestClient, ready: Llr
) -> None:
    sign_in(console, IMPORTER)

    job_page = followed(console, upload(console, example_with_a_bad_line()))
    page = console.get(job_page)

    assert page.status_code == 200, page.text
    words = text_of(page.text)
    assert "Import van employer.csv" in words
    assert "Regels gelezen 19 Aanvaard 18 Al verwerkt 0 Geweigerd 1" in words
    reasons = page.text.split('id="rejects-title"')[1]
    assert "must be one of grant, use" in reasons
    assert f"<td>{BAD_LINE_NUMBER}</td>" in reasons
    assert "<script" not in page.text  # a finished job's page follows nothing


def test_the_rejects_download_is_the_apis_file_naming_the_line_and_the_rule(
    console: TestClient, ready: Llr
) -> None:
    sign_in(console, IMPORTER)
    job_page = followed(console, upload(console, example_with_a_bad_line()))

    download = console.get(job_page + "/rejects")

    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    assert download.headers["content-disposition"] == 'attachment; filename="employer.rejects.csv"'
    rows = list(csv.reader(io.StringIO(download.text)))
    assert rows[0] == ["line", "field", "reason", "original"]
    assert rows[1][:2] == [BAD_LINE_NUMBER, "kind"]
    assert "must be one of grant, use" in rows[1][2]
    assert rows[1][3] == BAD_LINE
    job_id = job_page.rsplit("/", 1)[1]
    by_api = console.get(f"/api/v1/imports/{job_id}/rejects", headers=as_role(IMPORTER))
    assert by_api.content == download.content


def test_the_job_is_the_apis_and_the_ledger_holds_what_the_command_line_would_have_written(
    console: TestClient, ready: Llr
) -> None:
    sign_in(console, IMPORTER)
    job_page = followed(console, upload(console, example_with_a_bad_line()))

    job = console.get(f"/api/v1/imports/{job_page.rsplit('/', 1)[1]}", headers=as_role(IMPORTER))

    assert job.status_code == 200
    summary = job.json()["summary"]
    assert (summary["lines_read"], summary["applied"], summary["rejected"]) == (19, 18, 1)
    assert summary["source"] == SOURCE
    again = ready.json("import", str(EXAMPLE), "--source", SOURCE, "--dry-run")
    assert again["already_applied"] == 18  # the console's import is the ledger's


def test_the_batches_list_every_import_newest_first_the_command_lines_too(
    console: TestClient, ready: Llr
) -> None:
    ready.ok("import", str(EXAMPLE), "--source", SOURCE)
    sign_in(console, "backoffice")
    followed(console, upload(console, example_with_a_bad_line(), source=SOURCE))

    page = console.get("/imports")

    assert page.status_code == 200
    batches = page.text.split('id="batches-title"')[1]
    assert batches.index("employer.csv") < batches.index(EXAMPLE.name)
    assert "test:backoffice" in batches and "test:staff" in batches


def test_an_importer_imports_for_its_own_source_whatever_the_form_says(
    console: TestClient, ready: Llr
) -> None:
    sign_in(console, IMPORTER)
    form = console.get("/imports")
    assert 'name="source"' not in form.text  # nothing to choose
    assert SOURCE in text_of(form.text)

    job_page = followed(
        console, upload(console, example_with_a_bad_line(), source="employer:0403170701")
    )

    job = console.get(f"/api/v1/imports/{job_page.rsplit('/', 1)[1]}", headers=BACKOFFICE)
    assert job.json()["source"] == SOURCE


def test_an_importer_may_not_see_the_import_of_another_source(
    console: TestClient, ready: Llr
) -> None:
    sign_in(console, "backoffice")
    job_page = followed(
        console, upload(console, example_with_a_bad_line(), source="employer:0403170701")
    )
    console.post("/sign-out", data={"csrf": form_csrf(console, "/imports")})
    sign_in(console, IMPORTER)

    page = console.get(job_page)
    rejects = console.get(job_page + "/rejects")
    listing = console.get("/imports")

    assert page.status_code == 403
    assert "mag alleen importeren voor employer:0566988259" in page.text
    assert rejects.status_code == 403 and "text/csv" not in rejects.headers["content-type"]
    assert job_page not in listing.text


def test_an_upload_without_its_csrf_token_is_refused_and_nothing_is_imported(
    console: TestClient, ready: Llr, tmp_path: Path
) -> None:
    sign_in(console, "backoffice")

    refused = console.post(
        "/imports", data={"source": SOURCE, "kind": ""},
        files={"file": ("employer.csv", example_with_a_bad_line(), "text/csv")},
    )  # fmt: skip

    assert refused.status_code == 403
    assert jobs_in(tmp_path) == []
    assert "Er werd nog geen bestand geïmporteerd." in text_of(console.get("/imports").text)


def test_a_file_of_no_kind_the_ledger_imports_is_refused_next_to_its_field(
    console: TestClient, ready: Llr, tmp_path: Path
) -> None:
    sign_in(console, IMPORTER)

    refused = upload(console, b"\x89PNG\r\n\x1a\n", name="photo.png", media="image/png")

    assert refused.status_code == 415
    assert 'id="file" name="file"' in refused.text
    assert 'aria-invalid="true"' in refused.text.split('id="file"')[1].split(">")[0]
    assert "Dit is geen bestand dat het register importeert" in text_of(refused.text)
    assert jobs_in(tmp_path) == []


def test_an_unknown_kind_of_file_is_refused_next_to_its_field(
    console: TestClient, ready: Llr, tmp_path: Path
) -> None:
    sign_in(console, IMPORTER)

    refused = upload(console, example_with_a_bad_line(), kind="xml")

    assert refused.status_code == 422
    assert 'id="kind-error"' in refused.text
    assert "Kies een soort bestand uit de lijst" in text_of(refused.text)
    assert jobs_in(tmp_path) == []


def test_a_source_that_is_no_source_is_refused_next_to_its_field(
    console: TestClient, ready: Llr, tmp_path: Path
) -> None:
    sign_in(console, "backoffice")

    refused = upload(console, example_with_a_bad_line(), source="the neighbours")

    assert refused.status_code == 422
    error = refused.text.split('id="source-error"')[1]
    assert "Geweigerd: bron 'the neighbours'" in html.unescape(text_of(error))
    assert 'value="the neighbours"' in refused.text  # kept for the reader to correct
    assert jobs_in(tmp_path) == []


@pytest.fixture
def small_console(ready: Llr, database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    app = app_for(database_url, tmp_path, max_upload_bytes=LIMIT)
    with TestClient(app, base_url=BASE_URL, follow_redirects=False) as client:
        yield client


@pytest.mark.parametrize("size", [LIMIT + 1, LIMIT + 200_000])
def test_a_file_larger_than_the_upload_limit_is_refused_next_to_its_field(
    small_console: TestClient, ready: Llr, tmp_path: Path, size: int
) -> None:
    """Just over the limit (read, then refused) and far over it (refused unread)."""
    sign_in(small_console, IMPORTER)
    body = example_with_a_bad_line()

    refused = upload(small_console, (body * (size // len(body) + 1))[:size])

    assert refused.status_code == 413
    assert "Dit bestand is groter dan de grens van 4.000 bytes" in text_of(refused.text)
    assert 'id="file-error"' in refused.text
    assert jobs_in(tmp_path) == []


def test_a_role_that_may_not_import_gets_a_page_saying_so(console: TestClient, ready: Llr) -> None:
    sign_in(console, "auditor")

    page = console.get("/imports")
    forged = upload_as_is(console)

    assert page.status_code == 403
    assert "Uw rol mag geen bestanden importeren." in text_of(page.text)
    assert forged.status_code == 403
    assert 'href="/imports"' not in page.text  # not in the auditor's menu either


def upload_as_is(client: TestClient) -> Any:
    """The upload form posted by a role whose page has no such form."""
    data = {"csrf": form_csrf(client, "/"), "source": SOURCE}
    return client.post("/imports", data=data, files={"file": ("e.csv", b"kind\n", "text/csv")})


def test_a_running_import_shows_its_progress_and_a_link_to_follow_it_without_script(
    console: TestClient, ready: Llr, tmp_path: Path
) -> None:
    job = Jobs(tmp_path / "uploads").folder()
    job.update(kind="import", status=Status.RUNNING, created_at="2025-03-01T09:00:00+00:00",
               source=SOURCE, file="big.csv", dry_run=False, actor="test:backoffice",
               host=socket.gethostname(), pid=os.getpid(), summary=None, error=None,
               progress={"lines_done": 1200, "lines_total": 5000})  # fmt: skip
    sign_in(console, "backoffice")

    page = console.get(f"/imports/{job.id}")
    status = console.get(f"/imports/{job.id}/status")

    assert page.status_code == 200
    assert "bezig: 1.200 van 5.000" in text_of(page.text)
    assert f'<a href="/imports/{job.id}">De voortgang nu tonen</a>' in page.text
    assert '<script src="/static/desk.js" defer></script>' in page.text
    assert status.json() == {"status": "running", "finished": False, "done": 1200,
                             "total": 5000, "words": "bezig: 1.200 van 5.000"}  # fmt: skip
