"""The audit over HTTP: verifications as background jobs, and the digest to download.

A verification of the whole ledger reads every stored record, which takes minutes on a
large store: ``POST /audit/verifications`` answers 202 at once, and the job's status says
how far it is (the log position reached, of the position it checks up to) and, when done,
holds the report ``llr audit verify --json`` prints. The digest is what ``llr audit
digest`` writes, sealed the same way, to keep outside the database.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from api.deps import ActingLedger, action_of
from api.jobs import Job, Jobs, Status, jobs_of
from api.problems import ApiProblem
from api.responses import LedgerJSON, document
from ledger.application import Ledger
from ledger.audit import take_digest, verify
from ledger.audit.records import log_position
from ledger.security.roles import Action

router = APIRouter(prefix="/api/v1/audit", tags=["audit"], default_response_class=LedgerJSON)
JobsDep = Annotated[Jobs, Depends(jobs_of)]
KIND = "verification"
VERIFICATIONS = "/verifications"


class VerifyBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    insz: str | None = Field(None, max_length=40, description="One citizen; default: all")


@router.post(
    VERIFICATIONS,
    status_code=202,
    summary="Check every invariant, in the background",
    openapi_extra=action_of(Action.AUDIT),
)
def post_verification(
    ledger: ActingLedger, jobs: JobsDep, body: VerifyBody | None = None
) -> LedgerJSON:
    ledger.require(Action.AUDIT)  # refused here, not later in the job
    insz = body.insz if body is not None else None
    job = jobs.folder()
    fields = {"actor": ledger.actor, "scope": "one citizen" if insz else "all citizens",
              "progress": {"position": 0, "of": None}, "report": None}  # fmt: skip
    queued = jobs.start(job, KIND, fields, lambda j: run_verification(ledger, j, insz))
    location = f"{router.prefix}{VERIFICATIONS}/{job.id}"
    return document(job_json(queued), 202, {"Location": location})


def run_verification(ledger: Ledger, job: Job, insz: str | None) -> dict[str, Any]:
    """In a job thread: ``llr audit verify``, noting the position reached as it goes."""
    job.progress(of=log_position(ledger))
    report = verify(ledger, insz, progress=lambda position: job.progress(position=position))
    progress = {**job.state["progress"], "position": report.position}
    return {"report": report.as_dict(), "progress": progress}


@router.get(
    f"{VERIFICATIONS}/{{job_id}}",
    summary="A verification's status, progress and, when done, its report",
    openapi_extra=action_of(Action.AUDIT),
)
def get_verification(ledger: ActingLedger, jobs: JobsDep, job_id: str) -> LedgerJSON:
    ledger.require(Action.AUDIT)
    job = jobs.find(job_id, KIND)
    if job is None:
        raise ApiProblem(404, "not-found", f"no verification {job_id[:40]!r} in this service")
    headers = {} if job.state["status"] in (Status.DONE, Status.FAILED) else {"Retry-After": "2"}
    return document(job_json(job.state), 200, headers)


@router.get(
    "/digest",
    summary="A sealed digest of the whole ledger at its current position",
    response_class=Response,
    responses={200: {"content": {"application/json": {}}}},
    openapi_extra=action_of(Action.AUDIT),
)
def get_digest(request: Request, ledger: ActingLedger) -> Response:
    key = request.app.state.service.settings.store.digest_key
    digest, _ = take_digest(ledger, key)
    # The bytes ``llr audit digest`` prints: a file ``llr audit verify --digest`` reads back.
    body = json.dumps(digest.as_dict(), indent=2) + "\n"
    name = f"digest-{digest.position}.json"
    return Response(body, media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


def job_json(state: dict[str, Any]) -> dict[str, Any]:
    shown = {key: state.get(key) for key in (
        "id", "kind", "status", "scope", "actor", "created_at", "started_at", "finished_at",
        "progress", "report", "error",
    )}  # fmt: skip
    shown["links"] = {"self": f"{router.prefix}{VERIFICATIONS}/{state['id']}"}
    return shown
