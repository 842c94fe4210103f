"""The audit at the desk: run ``audit verify`` in the background, follow it, read the
findings, and download the digest.

The verification is the API's job (``api.routes.audit``): the same job file, the same
``ledger.audit.verify`` as ``llr audit verify``, so its report is the one ``--json``
prints. The digest is the API's download, byte for byte what ``llr audit digest`` writes.
Findings name citizens by their masked INSZ only (the audit masks them itself).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response

from api.jobs import Job, jobs_of
from api.principal import Principal
from api.routes.audit import KIND, get_digest, run_verification
from console.citizens import signed_form
from console.desk import (
    NO_SUCH_JOB,
    allowed,
    desk_page,
    message_page,
    progress_json,
    progress_of,
)
from console.pages import SecuredRoute, redirect
from console.refusals import refusal_text
from console.signing import service_of
from console.web import Visit
from ledger.domain.errors import LedgerError
from ledger.security.roles import Action

router = APIRouter(route_class=SecuredRoute, include_in_schema=False)
HOME = "/audit"
VERIFICATIONS = HOME + "/verifications"

Field = Annotated[str, Form()]


@router.get(HOME)
def audit_home(request: Request) -> Response:
    signed = allowed(request, Action.AUDIT, HOME)
    if isinstance(signed, Response):
        return signed
    current, caller = signed
    return home_page(request, current, caller)


def home_page(
    request: Request, current: Visit, caller: Principal, refusal: str = "", status: int = 200
) -> Response:
    verifications = jobs_of(request).listing(KIND, lambda state: True)
    return desk_page(current, caller, "audit.html", HOME, status, refusal=refusal,
                     verifications=verifications[:20])  # fmt: skip


@router.post(VERIFICATIONS)
def verify(request: Request, csrf: Field = "") -> Response:
    """Start ``audit verify`` of the whole ledger as the API's job, and follow it."""
    signed = signed_form(request, csrf)
    if isinstance(signed, Response):
        return signed
    current, caller = signed
    if not caller.role.may(Action.AUDIT):
        signed = allowed(request, Action.AUDIT, HOME)
        assert isinstance(signed, Response)
        return signed
    ledger = service_of(request).acting(caller)
    try:
        ledger.require(Action.AUDIT)  # refused here, not later in the job
    except LedgerError as error:
        return home_page(request, current, caller, refusal_text(error, current.speech), 403)
    jobs = jobs_of(request)
    job = jobs.folder()
    fields = {"actor": ledger.actor, "scope": "all citizens",
              "progress": {"position": 0, "of": None}, "report": None}  # fmt: skip
    jobs.start(job, KIND, fields, lambda j: run_verification(ledger, j, None))
    return redirect(f"{VERIFICATIONS}/{job.id}")


@router.get(VERIFICATIONS + "/{job_id}")
def verification(request: Request, job_id: str) -> Response:
    found = found_job(request, job_id)
    if isinstance(found, Response):
        return found
    current, caller, job = found
    progress = progress_of(job.state, "position", "of", current.speech)
    return desk_page(current, caller, "verification.html", HOME, job=job.state,
                     progress=progress, report=job.state.get("report"),
                     error=job.state.get("error"))  # fmt: skip


@router.get(VERIFICATIONS + "/{job_id}/status")
def verification_status(request: Request, job_id: str) -> Response:
    found = found_job(request, job_id)
    if isinstance(found, Response):
        return found
    current, _, job = found
    return progress_json(progress_of(job.state, "position", "of", current.speech))


@router.get(HOME + "/digest")
def digest(request: Request) -> Response:
    """The sealed digest of the whole ledger, as the API and ``llr audit digest`` give it."""
    signed = allowed(request, Action.AUDIT, HOME)
    if isinstance(signed, Response):
        return signed
    current, caller = signed
    try:
        return get_digest(request, service_of(request).acting(caller))
    except LedgerError as error:
        return home_page(request, current, caller, refusal_text(error, current.speech), 409)


def found_job(request: Request, job_id: str) -> tuple[Visit, Principal, Job] | Response:
    signed = allowed(request, Action.AUDIT, HOME)
    if isinstance(signed, Response):
        return signed
    current, caller = signed
    job = jobs_of(request).find(job_id, KIND)
    if job is None:
        return message_page(current, caller, HOME, NO_SUCH_JOB, 404)
    return current, caller, job
