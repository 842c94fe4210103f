"""The audit over HTTP: verifications in the background, and the digest to download."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from tests.api.service import BACKOFFICE, as_role
from tests.builders import INSZ
from tests.llr import Llr

AUDITOR = as_role("auditor")
AS_AUDITOR = {"LLR_ROLE": "auditor"}  # the command line, in the same role
VERIFICATIONS = "/api/v1/audit/verifications"


def verified(client: TestClient, body: dict[str, Any] | None = None) -> dict[str, Any]:
    """Post a verification and poll it until it is done or failed."""
    response = client.post(VERIFICATIONS, json=body, headers=AUDITOR)
    assert response.status_code == 202, response.text
    assert response.headers["location"] == f"{VERIFICATIONS}/{response.json()['id']}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(response.headers["location"], headers=AUDITOR).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError("the verification did not finish")


def test_a_verification_of_a_clean_store_is_done_with_no_findings_as_the_command_line_says(
    client: TestClient, with_account: Llr
) -> None:
    job = verified(client)
    assert job["status"] == "done", job
    report = job["report"]
    assert (report["ok"], report["findings"], report["scope"]) == (True, [], "all citizens")
    assert job["progress"]["position"] == job["progress"]["of"] == report["position"]
    assert report == with_account.json("audit", "verify", **AS_AUDITOR)


def test_a_verification_of_one_citizen_gives_that_citizens_report(
    client: TestClient, with_account: Llr
) -> None:
    job = verified(client, {"insz": INSZ})
    assert job["status"] == "done", job
    assert job["report"]["streams"] == 1
    assert job["report"] == with_account.json("audit", "verify", INSZ, **AS_AUDITOR)


def test_a_verification_of_no_such_citizen_fails_with_the_command_line_reason(
    client: TestClient, ready: Llr
) -> None:
    job = verified(client, {"insz": INSZ})
    assert job["status"] == "failed"
    assert job["error"]["type"] == "/api/v1/problems/account-not-found"


def test_backoffice_may_not_verify_nor_read_a_verification(client: TestClient, ready: Llr) -> None:
    refused = client.post(VERIFICATIONS, headers=BACKOFFICE)
    assert refused.status_code == 403, refused.text
    assert refused.json()["type"] == "/api/v1/problems/access-denied"
    job = verified(client)
    assert client.get(f"{VERIFICATIONS}/{job['id']}", headers=BACKOFFICE).status_code == 403


def test_an_unknown_verification_is_a_404_problem(client: TestClient, ready: Llr) -> None:
    response = client.get(f"{VERIFICATIONS}/{'0' * 32}", headers=AUDITOR)
    assert response.status_code == 404
    assert response.json()["type"] == "/api/v1/problems/not-found"


def test_the_digest_downloads_and_the_command_line_verifies_against_it(
    client: TestClient, with_account: Llr, tmp_path: Path
) -> None:
    response = client.get("/api/v1/audit/digest", headers=AUDITOR)
    assert response.status_code == 200, response.text
    digest = response.json()
    assert "attachment" in response.headers["content-disposition"]
    assert digest["position"] == 2 and digest["seal"]["value"]
    assert json.loads(with_account.ok("audit", "digest", **AS_AUDITOR).stdout) == digest
    saved = tmp_path / "digest.json"
    saved.write_bytes(response.content)
    checked = with_account.json("audit", "verify", "--digest", str(saved), **AS_AUDITOR)
    assert checked["ok"] is True, checked["findings"]


def test_backoffice_may_not_take_a_digest(client: TestClient, ready: Llr) -> None:
    assert client.get("/api/v1/audit/digest", headers=BACKOFFICE).status_code == 403
