"""Imports at the desk: upload a file, follow its job, read its summary, download its
rejected lines, and list the batches.

Nothing here imports a line itself: the upload is streamed to a job folder by the API's
own code (``api.uploads``), and the job is the API's (``api.routes.imports``): the same
status file, the same importer ``llr import`` runs, the same rejects file. A job started
here is one the API lists, and the other way round. An importer imports for its own
source only: the form does not even offer another, and the Ledger refuses one.
"""

from __future__ import annotations

import csv
import errno
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from api.jobs import Job, Jobs, Status, jobs_of
from api.middleware import FORM_FIELDS_ROOM
from api.principal import Principal
from api.problems import ApiProblem
from api.routes.imports import KIND, REJECTS, UPLOAD, get_rejects, import_fields, run_import
from api.settings import MIB
from api.uploads import Received, receive_upload
from console.citizens import signed_form, signed_in
from console.desk import (
    NO_SUCH_JOB,
    allowed,
    desk_page,
    message_page,
    progress_json,
    progress_of,
)
from console.i18n import Speech
from console.pages import SecuredRoute, redirect
from console.refusals import refusal_text
from console.signing import service_of
from console.web import Visit
from console.words import N_
from ledger.application import Ledger
from ledger.domain.errors import LedgerError
from ledger.domain.identifiers import parse_source
from ledger.imports import FORMATS
from ledger.imports.batches import batch_records
from ledger.security.roles import Action

router = APIRouter(route_class=SecuredRoute, include_in_schema=False)
HOME = "/imports"
NO_FILE = N_("Choose the file to import.")
TOO_LARGE = N_("This file is larger than the limit of %(limit)s: nothing was imported.")
WRONG_KIND = N_(
    "This is not a file the ledger imports: choose a CSV file (.csv) or a JSON Lines file "
    "(.jsonl), or say which kind it is."
)
UNKNOWN_KIND = N_("Choose a kind of file from the list: CSV or JSON Lines.")
BAD_SOURCE = N_(
    "Give the source as employer:<KBO number>, sector-fund:<code>, flemish-government or "
    "federal-government."
)
NO_ROOM = N_("The service has no room to keep this file: nothing was imported.")
SHOWN_REASONS = 20  # the most frequent reasons on the page; the rejects file has them all


@dataclass(frozen=True)
class UploadForm:
    """The upload form as its reader sent it, with a message per refused field."""

    source: str = ""
    kind: str = ""
    dry_run: bool = False
    errors: dict[str, str] = field(default_factory=dict)


@router.get(HOME)
def imports_home(request: Request) -> Response:
    signed = allowed(request, Action.IMPORT, HOME)
    if isinstance(signed, Response):
        return signed
    return home_page(request, *signed, UploadForm())


@router.post(HOME)
async def upload(request: Request) -> Response:
    # async: the file streams in without a thread held per upload; what reads the store
    # (the form again, with the batches) runs in the thread pool.
    limit: int = service_of(request).settings.max_upload_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + FORM_FIELDS_ROOM:
        # Answered before a byte is read: there is nothing to check the CSRF token of,
        # and nothing is done.
        return await run_in_threadpool(too_large_unread, request, limit)
    async with request.form(max_files=1, max_fields=10) as form:
        signed = signed_form(request, text(form, "csrf"))
        if isinstance(signed, Response):
            return signed
        current, caller = signed
        if not caller.role.may(Action.IMPORT):
            return await run_in_threadpool(allowed_or_refused, request)
        sent = UploadForm(text(form, "source").strip(), text(form, "kind"),
                          text(form, "dry_run") == "yes")  # fmt: skip
        return await start_import(request, current, caller, sent, form.get("file"), limit)


async def start_import(
    request: Request, current: Visit, caller: Principal, sent: UploadForm,
    part: UploadFile | str | None, limit: int,
) -> Response:  # fmt: skip
    """Check the form, stream the file to a new job's folder and start the job, as the
    API's ``POST /imports`` does; the form again with its messages if anything is wrong."""
    speech = current.speech
    ledger = service_of(request).acting(caller)
    errors: dict[str, str] = {}
    source = caller.role.source or sent.source
    try:
        source = parse_source(source, ledger.catalogue.sector_funds)
        ledger.require(Action.IMPORT, source)  # before a byte of the file is kept
    except LedgerError as error:
        errors["source"] = refusal_text(error, speech) if sent.source else speech.gettext(
            BAD_SOURCE)  # fmt: skip
    if sent.kind and sent.kind not in FORMATS:
        errors["kind"] = speech.gettext(UNKNOWN_KIND)
    if not isinstance(part, UploadFile) or not part.filename:
        errors["file"] = speech.gettext(NO_FILE)
    if errors or not isinstance(part, UploadFile):
        form_again = refused(sent, errors)
        return await run_in_threadpool(home_page, request, current, caller, form_again, 422)
    jobs = jobs_of(request)
    job = jobs.folder()
    try:
        (job.folder / UPLOAD).mkdir()
        received = await receive_upload(part, job.folder / UPLOAD, None, sent.kind or None, limit)
    except (ApiProblem, OSError) as problem:
        jobs.discard(job)
        message = upload_refusal(problem, limit, speech)
        if message is None:
            raise
        form_again = refused(sent, {"file": message[1]})
        return await run_in_threadpool(home_page, request, current, caller, form_again, message[0])
    except BaseException:
        jobs.discard(job)
        raise
    start_job(ledger, job, received, source, sent.dry_run, jobs)
    return redirect(f"{HOME}/{job.id}")


def start_job(
    ledger: Ledger, job: Job, received: Received, source: str, dry_run: bool, jobs: Jobs
) -> None:
    fields = import_fields(ledger, source, received, dry_run)
    jobs.start(job, KIND, fields, lambda j: run_import(ledger, j, received, source, dry_run))


def upload_refusal(
    problem: ApiProblem | OSError, limit: int, speech: Speech
) -> tuple[int, str] | None:
    """The status and message for a file the upload refused; None for anything else."""
    if isinstance(problem, OSError):
        if problem.errno in (errno.ENOSPC, errno.EDQUOT):
            return 507, speech.gettext(NO_ROOM)
        return None
    if problem.status == 413:
        return 413, speech.gettext(TOO_LARGE) % {"limit": size_words(limit, speech)}
    if problem.status == 415:
        return 415, speech.gettext(WRONG_KIND)
    if problem.status == 422:
        return 422, speech.gettext(UNKNOWN_KIND)
    return None


def too_large_unread(request: Request, limit: int) -> Response:
    signed = signed_in(request)
    if isinstance(signed, Response):
        return signed
    current, caller = signed
    message = current.speech.gettext(TOO_LARGE) % {"limit": size_words(limit, current.speech)}
    return home_page(request, current, caller, UploadForm(errors={"file": message}), 413)


def allowed_or_refused(request: Request) -> Response:
    signed = allowed(request, Action.IMPORT, HOME)
    assert isinstance(signed, Response)
    return signed


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def size_words(size: int, speech: Speech) -> str:
    """A size as a reader takes it in: 512 MiB, or bytes below one MiB."""
    if size < MIB:
        return f"{speech.number(size)} bytes"
    mib = (Decimal(size) / MIB).quantize(Decimal("0.1"))
    return f"{speech.number(mib.normalize() if mib == mib.to_integral() else mib)} MiB"


def refused(sent: UploadForm, errors: dict[str, str]) -> UploadForm:
    return UploadForm(sent.source, sent.kind, sent.dry_run, errors)


def home_page(
    request: Request, current: Visit, caller: Principal, form: UploadForm, status: int = 200
) -> Response:
    """The upload form, this service's recent import jobs, and the store's batches."""
    ledger, speech = service_of(request).acting(caller), current.speech
    own = caller.role.source
    jobs = jobs_of(request).listing(KIND, lambda s: own is None or s.get("source") == own)
    job_of_batch = {str(job.state.get("batch_id")): job.id for job in jobs}
    batches = [record.as_json() for record in batch_records(ledger, own)]
    limit = size_words(service_of(request).settings.max_upload_bytes, speech)
    return desk_page(current, caller, "imports.html", HOME, status, form=form, own_source=own,
                     formats=FORMATS, limit=limit, jobs=jobs[:20], batches=batches[:100],
                     job_of_batch=job_of_batch)  # fmt: skip


@router.get(HOME + "/{job_id}")
def import_job(request: Request, job_id: str) -> Response:
    found = found_job(request, job_id)
    if isinstance(found, Response):
        return found
    current, caller, job = found
    speech = current.speech
    progress = progress_of(job.state, "lines_done", "lines_total", speech)
    reasons = reasons_of(job) if progress.status == Status.DONE else []
    return desk_page(
        current,
        caller,
        "import_job.html",
        HOME,
        job=job.state,
        progress=progress,
        reasons=reasons,
        summary=job.state.get("summary"),
        error=job.state.get("error"),
    )


@router.get(HOME + "/{job_id}/status")
def import_status(request: Request, job_id: str) -> Response:
    found = found_job(request, job_id)
    if isinstance(found, Response):
        return found
    current, _, job = found
    return progress_json(progress_of(job.state, "lines_done", "lines_total", current.speech))


@router.get(HOME + "/{job_id}/rejects")
def rejects(request: Request, job_id: str) -> Response:
    """The rejected lines, as the API gives them (the importer's own file, every cell
    already defused for a spreadsheet)."""
    found = found_job(request, job_id)
    if isinstance(found, Response):
        return found
    _, caller, job = found
    return get_rejects(service_of(request).acting(caller), jobs_of(request), job.id)


def found_job(request: Request, job_id: str) -> tuple[Visit, Principal, Job] | Response:
    """The import job, if the caller may import and the job is of a source it may see."""
    signed = allowed(request, Action.IMPORT, HOME)
    if isinstance(signed, Response):
        return signed
    current, caller = signed
    job = jobs_of(request).find(job_id, KIND)
    if job is None:
        return message_page(current, caller, HOME, NO_SUCH_JOB, 404)
    try:
        service_of(request).acting(caller).require(Action.IMPORT, job.state.get("source"))
    except LedgerError as error:  # an importer, and another source's job
        return message_page(current, caller, HOME, NO_SUCH_JOB, 403,
                            refusal_text(error, current.speech))  # fmt: skip
    return current, caller, job


@dataclass(frozen=True)
class Reason:
    field: str
    reason: str
    lines: int
    first: str  # the first few line numbers


def reasons_of(job: Job) -> list[Reason]:
    """The rejected lines grouped by field and reason, the most frequent first."""
    path = job.folder / REJECTS
    if not path.is_file():
        return []
    counted: Counter[tuple[str, str]] = Counter()
    first: dict[tuple[str, str], list[str]] = {}
    with path.open(encoding="utf-8", newline="") as source:
        rows = csv.reader(source)
        next(rows, None)  # the header
        for row in rows:
            if len(row) < 3:
                continue
            key = (row[1], row[2])
            counted[key] += 1
            if len(first.setdefault(key, [])) < 5:
                first[key].append(row[0])
    return [Reason(f, r, n, ", ".join(first[(f, r)])) for (f, r), n in
            counted.most_common(SHOWN_REASONS)]  # fmt: skip
