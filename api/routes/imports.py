"""Imports over HTTP: post a file, follow its job, fetch its rejects, list the batches.

The file is streamed to the job's folder (``api/uploads.py``), then imported in a thread
(``api/jobs.py``) by the importer ``llr import`` uses, so every rule, the batch record and
the idempotency are the command line's: a file posted again changes nothing. An importer
may import for its own source only; that is checked before a byte of the file is read.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, Response

from api import metrics
from api.deps import ActingLedger, action_of
from api.jobs import Job, Jobs, Status, jobs_of
from api.problems import ApiProblem
from api.refresh import refresh_read_models
from api.responses import LedgerJSON, document
from api.uploads import Received, receive_file
from ledger.application import Ledger
from ledger.domain.identifiers import parse_source
from ledger.imports import ImportSettings, ImportSummary, default_workers, import_file
from ledger.imports.batches import batch_record, batch_records
from ledger.imports.report import REJECTS_HEADER
from ledger.security.roles import Action

router = APIRouter(prefix="/api/v1/imports", tags=["imports"], default_response_class=LedgerJSON)
JobsDep = Annotated[Jobs, Depends(jobs_of)]
KIND = "import"
REJECTS = "rejects.csv"
UPLOAD = "upload"
CSV = "text/csv; charset=utf-8"


@router.post(
    "",
    status_code=202,
    summary="Import a file from one source, in the background",
    openapi_extra={
        **action_of(Action.IMPORT),
        "requestBody": {"required": True, "content": {
            "text/csv": {"schema": {"type": "string", "format": "binary"}},
            "application/x-ndjson": {"schema": {"type": "string", "format": "binary"}},
            "multipart/form-data": {"schema": {"type": "object", "properties": {
                "file": {"type": "string", "format": "binary"}}}},
        }},
    },
)  # fmt: skip
async def post_import(
    request: Request,
    ledger: ActingLedger,
    jobs: JobsDep,
    source: Annotated[str, Query(description="Who sent the file, e.g. employer:0566988259")],
    format: Annotated[str | None, Query(description="csv or jsonl (default: the "
                      "Content-Type, else the file name's extension)")] = None,
    name: Annotated[str | None, Query(description="The file's name, for the batch record",
                    max_length=200)] = None,
    dry_run: Annotated[bool, Query(description="Check every line; write nothing")] = False,
) -> LedgerJSON:  # fmt: skip
    canonical = parse_source(source, ledger.catalogue.sector_funds)
    ledger.require(Action.IMPORT, canonical)  # before a byte of the file is read
    limit = request.app.state.service.settings.max_upload_bytes
    job = jobs.folder()
    try:
        # A folder of its own: a sender's file name cannot land on the job's own files.
        (job.folder / UPLOAD).mkdir()
        received = await receive_file(request, job.folder / UPLOAD, name, format, limit)
    except BaseException:
        jobs.discard(job)
        raise
    fields = import_fields(ledger, canonical, received, dry_run)
    queued = jobs.start(
        job, KIND, fields, lambda j: run_import(ledger, j, received, canonical, dry_run)
    )
    location = f"{router.prefix}/{job.id}"
    return document(job_json(queued), 202, {"Location": location})


def import_fields(ledger: Ledger, source: str, received: Received, dry_run: bool) -> dict[str, Any]:
    csv_header = 1 if received.file_format == "csv" else 0
    return {
        "source": source, "file": received.path.name, "format": received.file_format,
        "dry_run": dry_run, "actor": ledger.actor, "batch_id": None, "summary": None,
        "progress": {"lines_done": 0, "lines_total": max(received.lines - csv_header, 0),
                     "bytes_done": 0, "bytes_total": received.size},
    }  # fmt: skip


def run_import(
    ledger: Ledger, job: Job, received: Received, source: str, dry_run: bool
) -> dict[str, Any]:
    """In a job thread: the import, as ``llr import`` runs it, then the read models."""

    counted: set[str] = set()  # the batch the gauge shows, to take it off at the end

    def after_chunk(summary: ImportSummary) -> None:
        job.state["batch_id"] = None if dry_run else summary.batch_id
        metrics.IMPORT_LINES.labels(summary.batch_id).set(summary.lines_read)
        counted.add(summary.batch_id)
        job.progress(lines_done=summary.lines_read)

    try:
        summary = import_file(
            ledger, received.path, source, file_format=received.file_format,
            dry_run=dry_run, rejects=job.folder / REJECTS,
            progress=lambda done: job.progress(bytes_done=done), after_chunk=after_chunk,
            settings=ImportSettings(workers=default_workers(received.path)),
        )  # fmt: skip
    finally:  # the ledger, the batch record and the rejects keep what counts
        received.path.unlink(missing_ok=True)
        for batch in counted:  # the gauge shows running imports only
            metrics.IMPORT_LINES.remove(batch)
    warnings = [] if dry_run else refresh_read_models(ledger)
    shown = summary.as_json()
    # Where the rejects are for this caller: the route, not a path on the server.
    shown["rejects_file"] = f"{router.prefix}/{job.id}/rejects" if summary.rejects_file else None
    progress = {**job.state["progress"], "lines_done": summary.lines_read}
    return {"batch_id": shown["batch_id"], "summary": shown, "progress": progress,
            "warnings": warnings}  # fmt: skip


@router.get(
    "",
    summary="The import jobs of this service and the batch records of the store",
    openapi_extra=action_of(Action.IMPORT),
)
def list_imports(
    ledger: ActingLedger, jobs: JobsDep,
    limit: Annotated[int, Query(ge=1, le=10_000, description="At most this many of each")] = 100,
) -> LedgerJSON:  # fmt: skip
    source = own_source(ledger)
    ledger.require(Action.IMPORT, source)
    listed = jobs.listing(KIND, lambda state: source is None or state.get("source") == source)
    records = batch_records(ledger, source)
    return document({
        "jobs": [job_json(job.state) for job in listed[:limit]],
        "batches": [record.as_json() for record in records[:limit]],
    })  # fmt: skip


@router.get(
    "/{job_id}",
    summary="An import's status, progress and, when done, its summary",
    openapi_extra=action_of(Action.IMPORT),
)
def get_import(ledger: ActingLedger, jobs: JobsDep, job_id: str) -> LedgerJSON:
    job = jobs.find(job_id, KIND)
    if job is None:
        return batch_of_store(ledger, job_id)
    ledger.require(Action.IMPORT, job.state["source"])
    headers = {} if job.state["status"] in (Status.DONE, Status.FAILED) else {"Retry-After": "1"}
    return document(job_json(job.state), 200, headers)


@router.get(
    "/{job_id}/rejects",
    summary="The rejected lines of an import, as CSV (line, field, reason, original)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
    openapi_extra=action_of(Action.IMPORT),
)
def get_rejects(ledger: ActingLedger, jobs: JobsDep, job_id: str) -> Response:
    job = jobs.find(job_id, KIND)
    if job is None:
        raise ApiProblem(404, "not-found", f"no import job {job_id[:40]!r} in this service")
    ledger.require(Action.IMPORT, job.state["source"])
    path = job.folder / REJECTS
    name = f"{job.state['file'].rsplit('.', 1)[0]}.rejects.csv"
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    if not path.is_file():  # no line rejected (yet): the header alone
        return Response(",".join(REJECTS_HEADER) + "\r\n", media_type=CSV, headers=disposition)
    # Written by the importer's RejectsWriter: every cell a spreadsheet would run as a
    # formula is already defused there, as in the command line's rejects file.
    return FileResponse(path, media_type=CSV, headers=disposition)


def batch_of_store(ledger: Ledger, job_id: str) -> LedgerJSON:
    """A batch the store records but no job of this service ran (``llr import``)."""
    try:
        record = batch_record(ledger, UUID(job_id))
    except ValueError:
        record = None
    if record is None:
        raise ApiProblem(404, "not-found", f"no import job or batch {job_id[:40]!r}")
    ledger.require(Action.IMPORT, record.source)
    status = Status.DONE if record.finished_at else "unfinished"
    return document({"id": record.batch_id, "kind": KIND, "status": status,
                     "batch_id": record.batch_id, "summary": record.as_json()})  # fmt: skip


def own_source(ledger: Ledger) -> str | None:
    """An importer's own source: it sees its own imports only."""
    role = ledger.role
    return role.source if role is not None else None


def job_json(state: dict[str, Any]) -> dict[str, Any]:
    shown = {key: state.get(key) for key in (
        "id", "kind", "status", "source", "file", "format", "dry_run", "actor", "batch_id",
        "created_at", "started_at", "finished_at", "progress", "summary", "error",
    )}  # fmt: skip
    shown["warnings"] = state.get("warnings", [])
    shown["links"] = {"self": f"{router.prefix}/{state['id']}",
                      "rejects": f"{router.prefix}/{state['id']}/rejects"}  # fmt: skip
    return shown
