"""The audit page: ``audit verify`` run as the API's background job, its findings in
words, and the digest ``llr audit digest`` writes."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

from fastapi.testclient import TestClient

from api.jobs import Jobs, Status
from tests.api.service import as_role
from tests.audit.support import StoredRecords
from tests.builders import INSZ, INSZ_SHOWN
from tests.console.browsing import form_csrf, sign_in, text_of
from tests.console.desk import followed
from tests.llr import Llr
from tests.stores import make_ledger

AS_AUDITOR = {"LLR_ROLE": "auditor"}


def verify(client: TestClient) -> str:
    """Start a verification from the audit page and wait for its page to say how it ended."""
    sent = client.post("/audit/verifications", data={"csrf": form_csrf(client, "/audit")})
    return followed(client, sent)


def jobs_in(tmp_path: Path) -> list[Path]:
    root = tmp_path / "uploads" / "jobs"
    return sorted(root.iterdir()) if root.is_dir() else []


def test_a_verification_runs_to_its_end_and_finds_nothing_as_the_command_line_says(
    console: TestClient, with_account: Llr
) -> None:
    sign_in(console, "auditor")

    job_page = verify(console)
    page = console.get(job_page)

    assert page.status_code == 200
    words = text_of(page.text)
    assert "Geen bevindingen: elke invariant klopt." in words
    assert "2 gebeurtenissen in 1 stromen nagekeken" in words
    by_api = console.get(
        f"/api/v1/audit/verifications/{job_page.rsplit('/', 1)[1]}", headers=as_role("auditor")
    )
    assert by_api.json()["report"] == with_account.json("audit", "verify", **AS_AUDITOR)
    listed = console.get("/audit")
    assert f'href="{job_page}"' in listed.text
    assert "geen bevindingen" in text_of(listed.text)


def test_a_changed_record_is_a_finding_named_by_masked_citizen_event_and_invariant(
    console: TestClient, with_account: Llr, database_url: str
) -> None:
    ledger = make_ledger(database_url)
    try:
        StoredRecords(database_url, ledger).edit(ledger.account_id_for(INSZ), 2, amount=200)
    finally:
        ledger.close()
    sign_in(console, "auditor")

    page = console.get(verify(console))

    words = text_of(page.text)
    printed = with_account("audit", "verify", "--json", **AS_AUDITOR)
    expected = json.loads(printed.stdout)["findings"]
    assert printed.exit_code == 1 and expected, "the change must be found"
    assert f"Bevindingen: {len(expected)}" in words
    for finding in expected:  # each in words: who (masked), which rule, what was found
        assert finding["citizen"] == "93.05.18-***.**"
        rule = f"{finding['invariant']}: {finding['rule']} {finding['message']}"
        assert f"{finding['citizen']} {finding['event']} {rule}" in words or (
            f"{finding['citizen']} {finding['event_id']} ({finding['event']}) {rule}" in words
        )
    assert INSZ_SHOWN not in page.text and INSZ not in page.text


def test_the_digest_download_is_what_llr_audit_digest_prints(
    console: TestClient, with_account: Llr
) -> None:
    sign_in(console, "auditor")

    download = console.get("/audit/digest")

    assert download.status_code == 200
    assert download.headers["content-disposition"] == 'attachment; filename="digest-2.json"'
    assert download.content == with_account.ok("audit", "digest", **AS_AUDITOR).stdout_bytes


def test_a_verification_posted_without_its_csrf_token_is_refused_and_nothing_runs(
    console: TestClient, with_account: Llr, tmp_path: Path
) -> None:
    sign_in(console, "auditor")

    refused = console.post("/audit/verifications", data={"csrf": "not-the-token"})

    assert refused.status_code == 403
    assert jobs_in(tmp_path) == []


def test_a_role_that_may_not_audit_gets_a_page_saying_so_and_no_digest(
    console: TestClient, with_account: Llr, tmp_path: Path
) -> None:
    sign_in(console, "backoffice")

    page = console.get("/audit")
    forged = console.post("/audit/verifications", data={"csrf": form_csrf(console, "/")})
    digest = console.get("/audit/digest")

    assert page.status_code == forged.status_code == digest.status_code == 403
    assert "Uw rol mag geen audits uitvoeren." in text_of(page.text)
    assert "seal" not in digest.text
    assert jobs_in(tmp_path) == []


def test_a_running_verification_shows_its_progress_and_a_link_to_follow_it_without_script(
    console: TestClient, ready: Llr, tmp_path: Path
) -> None:
    job = Jobs(tmp_path / "uploads").folder()
    job.update(kind="verification", status=Status.RUNNING, actor="test:auditor",
               created_at="2025-03-01T09:00:00+00:00", scope="all citizens", report=None,
               error=None, host=socket.gethostname(), pid=os.getpid(),
               progress={"position": 40, "of": 2500})  # fmt: skip
    sign_in(console, "auditor")

    page = console.get(f"/audit/verifications/{job.id}")

    assert page.status_code == 200
    assert "bezig: 40 van 2.500" in text_of(page.text)
    assert f'<a href="/audit/verifications/{job.id}">De voortgang nu tonen</a>' in page.text
    assert console.get(f"/audit/verifications/{job.id}/status").json()["finished"] is False


def test_an_unknown_verification_is_a_page_saying_so(console: TestClient, ready: Llr) -> None:
    sign_in(console, "auditor")

    page = console.get(f"/audit/verifications/{'0' * 32}")

    assert page.status_code == 404
    assert "Deze taak bestaat niet in deze dienst" in text_of(page.text)
