"""Reports over HTTP: the documents and the CSV of ``llr report``, for the same store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api.service import BACKOFFICE, as_role
from tests.llr import Llr

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "employer-0566988259.csv"
SOURCE = "employer:0566988259"
AUDITOR = as_role("auditor")

# Each report: its query for the API and the same options for ``llr report``.
REPORTS = [
    ("take-up", {"by": "education,age-band"}, ["--by", "education,age-band"]),
    ("take-up", {"period": "2024-25", "right": "vov-hours"},
     ["--period", "2024-25", "--right", "vov-hours"]),
    ("expiring", {"within": "900", "as_of": "2025-01-01"},
     ["--within", "900", "--as-of", "2025-01-01"]),
    ("sources", {"source": SOURCE}, ["--source", SOURCE]),
    ("trail", {"event": ["RightGranted", "RightUsed"], "limit": "6"},
     ["--event", "RightGranted", "--event", "RightUsed", "--limit", "6"]),
    ("trail", {"from": "2025-01-01", "to": "2025-12-31"},
     ["--from", "2025-01-01", "--to", "2025-12-31"]),
    ("money", {"period": "2025"}, ["--period", "2025"]),
]  # fmt: skip


@pytest.fixture
def imported(ready: Llr) -> Llr:
    ready.ok("import", str(EXAMPLE), "--source", SOURCE)
    return ready


@pytest.mark.parametrize(("name", "query", "options"), REPORTS)
def test_a_report_as_json_is_the_document_the_command_line_prints(
    client: TestClient, imported: Llr, name: str, query: dict[str, str], options: list[str]
) -> None:
    response = client.get(f"/api/v1/reports/{name}", params=query, headers=AUDITOR)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    expected = imported.json("report", name, *options)
    assert json.loads(response.text) == expected
    assert response.headers["x-report-lag"] == str(expected["lag"])


@pytest.mark.parametrize(("name", "query", "options"), REPORTS)
def test_a_report_as_csv_is_the_file_the_command_line_prints(
    client: TestClient, imported: Llr, name: str, query: dict[str, str], options: list[str]
) -> None:
    by_query = client.get(
        f"/api/v1/reports/{name}", params={**query, "format": "csv"}, headers=BACKOFFICE
    )
    by_accept = client.get(
        f"/api/v1/reports/{name}", params=query, headers={**BACKOFFICE, "Accept": "text/csv"}
    )
    expected = imported.ok("report", name, *options, "--csv").stdout_bytes.decode("utf-8")
    for response in (by_query, by_accept):
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/csv")
        assert response.text == expected


def test_the_reports_have_rows_from_the_import(client: TestClient, imported: Llr) -> None:
    sources = client.get("/api/v1/reports/sources", headers=AUDITOR).json()
    trail = client.get("/api/v1/reports/trail", params={"limit": 3}, headers=AUDITOR).json()
    assert {row["source"] for row in sources["rows"]} == {SOURCE}
    assert len(trail["rows"]) == 3


def test_an_amount_in_a_report_is_a_json_number_not_a_string(
    client: TestClient, imported: Llr
) -> None:
    rows = client.get("/api/v1/reports/sources", headers=AUDITOR).json()["rows"]
    assert rows and all(isinstance(row["granted"], int | float) for row in rows)


def test_an_unknown_right_is_a_problem_as_on_the_command_line(
    client: TestClient, ready: Llr
) -> None:
    response = client.get(
        "/api/v1/reports/expiring", params={"within": 30, "right": "nope"}, headers=AUDITOR
    )
    assert response.status_code in (404, 422), response.text
    assert "nope" in response.json()["detail"]


def test_an_importer_may_not_run_reports(client: TestClient, ready: Llr) -> None:
    response = client.get(
        "/api/v1/reports/sources", headers=as_role(f"importer:{SOURCE}")
    )  # fmt: skip
    assert response.status_code == 403
    assert response.json()["type"] == "/api/v1/problems/access-denied"


def test_expiry_answers_the_summary_of_llr_expire_and_only_for_backoffice(
    client: TestClient, imported: Llr
) -> None:
    refused = client.post("/api/v1/expiry", json={"as_of": "2031-01-01"}, headers=AUDITOR)
    assert refused.status_code == 403

    response = client.post("/api/v1/expiry", json={"as_of": "2031-01-01"}, headers=BACKOFFICE)
    assert response.status_code == 200, response.text
    summary = response.json()
    assert summary["as_of"] == "2031-01-01"
    assert summary["accounts_checked"] == 4
    assert summary["lots_expired"] > 0
    trail = client.get("/api/v1/reports/trail", params={"event": "RightExpired"}, headers=AUDITOR)
    assert len(trail.json()["rows"]) == summary["lots_expired"]  # the read models caught up
    again = imported.json("expire", "--as-of", "2031-01-01")
    assert set(again) == set(summary)
    assert (again["accounts_checked"], again["lots_expired"]) == (4, 0)
