"""Imports over HTTP: a file streamed in, imported in the background as ``llr import`` does."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from tests.api.service import BACKOFFICE, as_role, settings_for
from tests.llr import Llr

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "employer-0566988259.csv"
SOURCE = "employer:0566988259"
IMPORTER = as_role(f"importer:{SOURCE}")
# A line of no known kind, that a spreadsheet would run as a formula.
BAD_LINE = "=HYPERLINK(1);93051822361;2024-09-02;vov-hours;10;;;;;BAD-1;;;"
CSV_TYPE = {"Content-Type": "text/csv"}


def example_with_a_bad_line() -> bytes:
    text = EXAMPLE.read_text(encoding="utf-8").rstrip("\n") + "\n" + BAD_LINE + "\n"
    return text.encode("utf-8")


def post(client: TestClient, body: bytes, headers: dict[str, str], **params: str) -> Any:
    return client.post(
        "/api/v1/imports", params={"source": SOURCE, "name": "employer.csv", **params},
        content=body, headers={**headers, **CSV_TYPE},
    )  # fmt: skip


def finished(client: TestClient, location: str, headers: dict[str, str]) -> dict[str, Any]:
    """Poll the job until it is done or failed."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        response = client.get(location, headers=headers)
        assert response.status_code == 200, response.text
        status: dict[str, Any] = response.json()
        if status["status"] in ("done", "failed"):
            return status
        time.sleep(0.05)
    raise AssertionError(f"the job at {location} did not finish")


def test_an_uploaded_file_is_imported_in_the_background_and_its_bad_line_rejected(
    client: TestClient, ready: Llr
) -> None:
    response = post(client, example_with_a_bad_line(), IMPORTER)
    assert response.status_code == 202, response.text
    accepted = response.json()
    assert response.headers["location"] == f"/api/v1/imports/{accepted['id']}"
    assert accepted["status"] == "queued"  # as it was when accepted, whatever came next
    assert accepted["progress"]["lines_total"] == 19

    job = finished(client, response.headers["location"], IMPORTER)
    assert job["status"] == "done", job
    summary = job["summary"]
    assert (summary["lines_read"], summary["applied"], summary["rejected"]) == (19, 18, 1)
    assert summary["file"] == "employer.csv"
    assert summary["source"] == SOURCE
    assert job["batch_id"] == summary["batch_id"]
    assert job["progress"]["lines_done"] == 19
    assert summary["rejects_file"] == f"/api/v1/imports/{job['id']}/rejects"

    rejects = client.get(summary["rejects_file"], headers=IMPORTER)
    assert rejects.status_code == 200
    assert rejects.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(rejects.text)))
    assert rows[0] == ["line", "field", "reason", "original"]
    assert [row[0] for row in rows[1:]] == ["20"]
    assert rows[1][1] == "kind"
    assert "must be one of grant, use" in rows[1][2]
    assert rows[1][3] == "'" + BAD_LINE  # the original line, defused for a spreadsheet


def test_the_same_file_posted_again_changes_nothing(client: TestClient, ready: Llr) -> None:
    body = example_with_a_bad_line()
    first = finished(client, post(client, body, BACKOFFICE).headers["location"], BACKOFFICE)
    again = post(client, body, BACKOFFICE)
    assert again.status_code == 202
    second = finished(client, again.headers["location"], BACKOFFICE)

    assert first["summary"]["applied"] == 18
    assert second["status"] == "done"
    assert second["summary"]["applied"] == 0
    assert second["summary"]["already_applied"] == 18
    assert second["summary"]["rejected"] == 1  # a line refused once stays refused
    assert second["summary"]["events_written"] == 0
    assert second["batch_id"] != first["batch_id"]  # each run is its own batch


def test_the_batches_list_the_store_records_and_the_jobs_of_the_service(
    client: TestClient, ready: Llr
) -> None:
    ready.ok("import", str(EXAMPLE), "--source", SOURCE)  # a batch the command line ran
    job = finished(client, post(client, example_with_a_bad_line(), IMPORTER).headers[
        "location"], IMPORTER)  # fmt: skip

    listing = client.get("/api/v1/imports", headers=IMPORTER)
    assert listing.status_code == 200, listing.text
    batches = listing.json()["batches"]
    assert [b["file"] for b in batches] == ["employer.csv", EXAMPLE.name]
    assert batches[0]["batch_id"] == job["batch_id"]
    assert batches[0]["rejected"] == 1
    assert [j["id"] for j in listing.json()["jobs"]] == [job["id"]]

    by_batch = client.get(f"/api/v1/imports/{batches[1]['batch_id']}", headers=IMPORTER)
    assert by_batch.status_code == 200, by_batch.text
    assert by_batch.json()["status"] == "done"
    assert by_batch.json()["summary"]["applied"] == 18


def test_an_importer_may_not_import_for_another_source(client: TestClient, ready: Llr) -> None:
    response = client.post(
        "/api/v1/imports", params={"source": "employer:0403170701"},
        content=example_with_a_bad_line(), headers={**IMPORTER, **CSV_TYPE},
    )  # fmt: skip
    assert response.status_code == 403, response.text
    problem = response.json()
    assert problem["type"] == "/api/v1/problems/access-denied"
    assert problem["detail"] == (
        f"role importer:{SOURCE} may import for {SOURCE} only, not for employer:0403170701"
    )


def test_an_importer_may_not_read_the_job_of_another_source(client: TestClient, ready: Llr) -> None:
    response = client.post(
        "/api/v1/imports", params={"source": "employer:0403170701"},
        content=b"kind;insz;on\n", headers={**BACKOFFICE, **CSV_TYPE},
    )  # fmt: skip
    assert response.status_code == 202
    finished(client, response.headers["location"], BACKOFFICE)
    refused = client.get(response.headers["location"], headers=IMPORTER)
    assert refused.status_code == 403
    assert client.get("/api/v1/imports", headers=IMPORTER).json()["jobs"] == []


def test_a_file_whose_header_is_wrong_makes_a_failed_job_with_the_command_line_reason(
    client: TestClient, ready: Llr
) -> None:
    response = post(client, b"what;ever\n1;2\n", BACKOFFICE)
    job = finished(client, response.headers["location"], BACKOFFICE)
    assert job["status"] == "failed"
    assert job["error"]["type"] == "/api/v1/problems/import-file"
    assert job["error"]["detail"]


def test_an_upload_over_the_limit_is_refused_with_413_and_leaves_nothing(
    ready: Llr, database_url: str, tmp_path: Path
) -> None:
    from api.app import create_app
    from tests.api.service import role_credentials

    settings = settings_for(database_url, tmp_path, max_upload_bytes=1000)
    app = create_app(settings, (role_credentials,))
    body = example_with_a_bad_line()
    assert len(body) > 1000
    with TestClient(app, raise_server_exceptions=False) as client:
        declared = post(client, body, BACKOFFICE)
        streamed = client.post(
            "/api/v1/imports", params={"source": SOURCE}, content=chunks(body),
            headers={**BACKOFFICE, **CSV_TYPE},
        )  # fmt: skip
        small = post(client, body[:900], BACKOFFICE)
        finished(client, small.headers["location"], BACKOFFICE)
    for response in (declared, streamed):
        assert response.status_code == 413, response.text
        assert response.json()["type"] == "/api/v1/problems/request-too-large"
    assert small.status_code == 202  # the limit is the upload's, not the JSON body's
    jobs = settings.upload_dir / "jobs"
    assert [p.name for p in jobs.iterdir()] == [small.json()["id"]]


def chunks(body: bytes) -> Iterator[bytes]:
    """A body sent without a Content-Length (chunked), as a streaming client sends it."""
    for start in range(0, len(body), 256):
        yield body[start : start + 256]


def test_a_multipart_upload_is_imported_like_a_raw_body(client: TestClient, ready: Llr) -> None:
    response = client.post(
        "/api/v1/imports", params={"source": SOURCE},
        files={"file": ("employer-upload.csv", example_with_a_bad_line(), "text/csv")},
        headers=BACKOFFICE,
    )  # fmt: skip
    assert response.status_code == 202, response.text
    job = finished(client, response.headers["location"], BACKOFFICE)
    assert job["summary"]["file"] == "employer-upload.csv"
    assert job["summary"]["applied"] == 18


def test_a_body_of_no_known_format_is_refused_with_415(client: TestClient, ready: Llr) -> None:
    response = client.post(
        "/api/v1/imports", params={"source": SOURCE}, content=b"x",
        headers={**BACKOFFICE, "Content-Type": "application/octet-stream"},
    )  # fmt: skip
    assert response.status_code == 415
    assert response.json()["type"] == "/api/v1/problems/unsupported-media-type"


def test_an_auditor_may_not_import(client: TestClient, ready: Llr) -> None:
    response = post(client, example_with_a_bad_line(), as_role("auditor"))
    assert response.status_code == 403


def test_another_worker_of_the_service_answers_for_a_job_it_did_not_run(
    ready: Llr, database_url: str, tmp_path: Path
) -> None:
    from api.app import create_app
    from tests.api.service import role_credentials

    settings = settings_for(database_url, tmp_path)  # one upload directory for both
    with (
        TestClient(create_app(settings, (role_credentials,))) as first,
        TestClient(create_app(settings, (role_credentials,))) as second,
    ):
        location = post(first, example_with_a_bad_line(), IMPORTER).headers["location"]
        finished(first, location, IMPORTER)
        job = finished(second, location, IMPORTER)
        rejects = second.get(f"{location}/rejects", headers=IMPORTER)
    assert job["summary"]["applied"] == 18
    assert rejects.text.count("\n") == 2


def test_a_job_whose_process_is_gone_reads_as_interrupted(
    client: TestClient, ready: Llr, tmp_path: Path
) -> None:
    location = post(client, example_with_a_bad_line(), BACKOFFICE).headers["location"]
    job = finished(client, location, BACKOFFICE)
    gone = subprocess.Popen(["true"])
    gone.wait()  # its process id now names no process
    status_file = tmp_path / "uploads" / "jobs" / job["id"] / "status.json"
    state = json.loads(status_file.read_text())
    status_file.write_text(json.dumps({**state, "status": "running", "pid": gone.pid}))

    interrupted = client.get(location, headers=BACKOFFICE).json()
    assert interrupted["status"] == "failed"
    assert interrupted["error"]["type"] == "/api/v1/problems/job-interrupted"


def test_a_file_named_like_the_jobs_own_files_does_not_overwrite_them(
    client: TestClient, ready: Llr
) -> None:
    for name in ("status.json", "rejects.csv", "../status.json"):
        response = post(client, example_with_a_bad_line(), BACKOFFICE, name=name, format="csv")
        assert response.status_code == 202, response.text
        job = finished(client, response.headers["location"], BACKOFFICE)
        assert job["status"] == "done", job
        assert job["summary"]["rejected"] == 1


def test_a_dry_run_checks_every_line_and_writes_nothing(client: TestClient, ready: Llr) -> None:
    dry = post(client, example_with_a_bad_line(), BACKOFFICE, dry_run="true")
    checked = finished(client, dry.headers["location"], BACKOFFICE)
    assert checked["summary"]["dry_run"] is True
    assert (checked["summary"]["applied"], checked["summary"]["rejected"]) == (18, 1)
    assert checked["batch_id"] is None  # a dry run records no batch

    real = finished(client, post(client, example_with_a_bad_line(), BACKOFFICE).headers[
        "location"], BACKOFFICE)  # fmt: skip
    assert real["summary"]["applied"] == 18  # nothing was there yet
    assert len(client.get("/api/v1/imports", headers=BACKOFFICE).json()["batches"]) == 1
