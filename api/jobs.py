"""Work that outlives its request (imports, audit verifications), run in a thread.

Every job has a folder, ``<upload_dir>/jobs/<id>/``, holding ``status.json`` and the files
the job reads or writes (the uploaded file, its rejects). The status file is replaced
whole at each change (a temporary file, then ``os.replace``), so a reader sees the old
state or the new, never half of one. The folder, not the process, is the job's state: with
``llr serve --workers N`` the request that polls a job may reach another worker than the
one running it, and every worker reads the same folder (on several hosts: a shared upload
directory). A job is written by the one thread that runs it, and by nobody else.

A job whose process died (a restart, a crash) stays "running" in its file; a reader on the
same host sees that its process is gone and reports it failed. An import finishes the
rest when the file is posted again (imports are idempotent).
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import socket
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from fastapi import Request

from api.problems import PROBLEMS_PATH, slug_of
from ledger.domain.errors import LedgerError

log = logging.getLogger("llr.api.jobs")
JOB_ID = re.compile(r"^[0-9a-f]{32}$")
STATUS_FILE = "status.json"
THREADS = 2  # jobs running at once in one process; the others wait, "queued"
WRITE_EVERY = 0.5  # seconds between progress writes: a poller needs no more


class Status(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


UNFINISHED = (Status.QUEUED, Status.RUNNING)


def now() -> str:
    return datetime.now(UTC).isoformat()


class Job:
    """One job's state and its folder; ``save`` writes the state for every worker to read."""

    def __init__(self, folder: Path, state: dict[str, Any]) -> None:
        self.folder = folder
        self.state = state
        self._written = 0.0

    @property
    def id(self) -> str:
        return str(self.state["id"])

    def save(self) -> None:
        temporary = self.folder / f".{STATUS_FILE}.{threading.get_ident()}"
        temporary.write_text(json.dumps(self.state, default=str), encoding="utf-8")
        os.replace(temporary, self.folder / STATUS_FILE)
        self._written = time.monotonic()

    def progress(self, **values: int) -> None:
        """Note how far the job is; written at most every ``WRITE_EVERY`` seconds."""
        self.state["progress"].update(values)
        if time.monotonic() - self._written >= WRITE_EVERY:
            self.save()

    def update(self, **values: Any) -> None:
        self.state.update(values)
        self.save()


Work = Callable[[Job], dict[str, Any]]  # the job's result: fields added to its state


class Jobs:
    """The jobs of one kind of work under the upload directory, and the threads running them."""

    def __init__(self, upload_dir: Path) -> None:
        self.root = upload_dir / "jobs"
        self.pool = ThreadPoolExecutor(THREADS, thread_name_prefix="llr-job")

    def folder(self) -> Job:
        """A new job's folder, before it is a job: it has no status file yet, so a failed
        upload into it never shows as a job (``discard`` removes it)."""
        job_id = uuid.uuid4().hex
        folder = self.root / job_id
        folder.mkdir(parents=True, mode=0o700)
        return Job(folder, {"id": job_id})

    def start(self, job: Job, kind: str, fields: dict[str, Any], work: Work) -> dict[str, Any]:
        """Record the job as queued, then run ``work`` in a thread of this process; the
        state as queued (a copy: from now on the job's thread changes its own)."""
        job.state.update({
            "kind": kind, "status": Status.QUEUED, "created_at": now(), "started_at": None,
            "finished_at": None, "progress": {}, "error": None, **fields,
            "host": socket.gethostname(), "pid": os.getpid(),
        })  # fmt: skip
        job.save()
        queued: dict[str, Any] = json.loads(json.dumps(job.state, default=str))
        self.pool.submit(run, job, work)
        return queued

    def discard(self, job: Job) -> None:
        shutil.rmtree(job.folder, ignore_errors=True)

    def find(self, job_id: str, kind: str) -> Job | None:
        """The job of that id and kind, as its status file says; None if there is none."""
        if not JOB_ID.match(job_id):
            return None
        folder = self.root / job_id
        try:
            state = json.loads((folder / STATUS_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return Job(folder, interrupted(state)) if state.get("kind") == kind else None

    def listing(self, kind: str, wanted: Callable[[dict[str, Any]], bool]) -> list[Job]:
        """The jobs of ``kind`` that ``wanted`` keeps, the latest created first."""
        if not self.root.is_dir():
            return []
        found = (self.find(folder.name, kind) for folder in self.root.iterdir())
        jobs = [job for job in found if job is not None and wanted(job.state)]
        return sorted(jobs, key=lambda job: str(job.state["created_at"]), reverse=True)


def run(job: Job, work: Work) -> None:
    """In a job thread: run the work and record how it ended, whatever happens."""
    job.update(status=Status.RUNNING, started_at=now())
    try:
        result = work(job)
    except LedgerError as error:  # a refusal, as a request would have it
        job.update(status=Status.FAILED, finished_at=now(), error=error_of(error))
    except Exception:
        log.exception("job %s failed", job.id)
        job.update(status=Status.FAILED, finished_at=now(), error={
            "type": PROBLEMS_PATH + "internal-error",
            "detail": f"the job failed; its id ({job.id}) names it in the service log",
        })  # fmt: skip
    else:
        job.update(status=Status.DONE, finished_at=now(), **result)


def error_of(error: LedgerError) -> dict[str, str]:
    """The refusal as a problem document would give its type and detail."""
    return {"type": PROBLEMS_PATH + slug_of(type(error)), "detail": str(error)}


def interrupted(state: dict[str, Any]) -> dict[str, Any]:
    """The state, failed if it is unfinished and its process on this host is gone."""
    if state.get("status") not in UNFINISHED or state.get("host") != socket.gethostname():
        return state
    if process_alive(int(state.get("pid") or 0)):
        return state
    return {**state, "status": Status.FAILED, "error": {
        "type": PROBLEMS_PATH + "job-interrupted",
        "detail": "the service stopped while the job ran; start it again "
                  "(an import posted again finishes the rest)",
    }}  # fmt: skip


def process_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)  # no signal: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    return True


_lock = threading.Lock()


def jobs_of(request: Request) -> Jobs:
    """The process's jobs, made on first use (most workers never run one)."""
    state = request.app.state
    if getattr(state, "jobs", None) is None:
        with _lock:
            if getattr(state, "jobs", None) is None:
                state.jobs = Jobs(request.app.state.service.settings.upload_dir)
    jobs: Jobs = state.jobs
    return jobs


def stop_jobs(app: Any) -> None:
    """At shutdown, before the Ledger closes: let running jobs finish, start no queued one
    (those stay "queued" in their files, and read as interrupted once this process is gone)."""
    jobs: Jobs | None = getattr(app.state, "jobs", None)
    if jobs is not None:
        jobs.pool.shutdown(wait=True, cancel_futures=True)
