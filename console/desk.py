"""What the desk's pages (imports, reports, audit) share: the signed-in caller whose role
may take the page's action, a page saying so when it may not, and a background job's
progress in the reader's words.

The role is checked here so that a reader who may not take the action gets a page that
says so, in the console's frame; the Ledger checks again in every command it runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal
from fastapi import Request, Response
from fastapi.responses import JSONResponse

from api.jobs import Status
from api.principal import Principal
from console.citizens import signed_in
from console.i18n import Speech
from console.pages import page
from console.web import Visit
from console.words import N_
from ledger.security.roles import Action

NOT_ALLOWED = {
    Action.IMPORT: N_("Your role may not import files."),
    Action.REPORT: N_("Your role may not run reports across citizens."),
    Action.AUDIT: N_("Your role may not run audits."),
}
NO_SUCH_JOB = N_("There is no such job in this service (or it was cleaned up).")
JOB_STATES: Mapping[str, str] = {
    Status.QUEUED: N_("waiting to start"), Status.RUNNING: N_("running"),
    Status.DONE: N_("done"), Status.FAILED: N_("failed"),
}  # fmt: skip
DONE_OF = N_("%(done)s of %(total)s")


def allowed(request: Request, action: Action, back: str) -> tuple[Visit, Principal] | Response:
    """The visit and its principal when its role may take ``action``; else the redirect to
    the sign-in page, or a page saying the role may not (403)."""
    signed = signed_in(request)
    if isinstance(signed, Response):
        return signed
    current, caller = signed
    if not caller.role.may(action):
        return message_page(current, caller, back, NOT_ALLOWED[action], 403)
    return current, caller


def desk_page(
    current: Visit, caller: Principal, template: str, back: str, status: int = 200,
    **context: Any,
) -> Response:  # fmt: skip
    """A desk page in the console's frame, with what every desk template uses."""
    speech = current.speech
    return page(speech, template, status, csrf=current.session.csrf, signed=caller,
                back=back, when=moment_words(speech), day=day_words(speech),
                euros=euro_words(speech), job_states=JOB_STATES, **context)  # fmt: skip


def moment_words(speech: Speech) -> Callable[[str | None], str]:
    """A moment the job files and batch records keep (ISO text, UTC) in Brussels time."""

    def shown(text: str | None) -> str:
        return speech.moment(datetime.fromisoformat(text)) if text else ""

    return shown


def day_words(speech: Speech) -> Callable[[str | None], str]:
    """A day the reports keep (ISO text) as the reader writes it."""

    def shown(text: str | None) -> str:
        return speech.day(date.fromisoformat(text)) if text else ""

    return shown


def euro_words(speech: Speech) -> Callable[[Decimal | int], str]:
    """An amount of euros with its two decimals, as the reader writes it (125,00)."""

    def shown(value: Decimal | int) -> str:
        return format_decimal(value, format="#,##0.00", locale=speech.locale)

    return shown


def message_page(
    current: Visit, caller: Principal, back: str, message: str, status: int, detail: str = ""
) -> Response:
    """A page that only says why nothing is shown (not allowed, no such job)."""
    return desk_page(
        current,
        caller,
        "desk_message.html",
        back,
        status,
        message=current.speech.gettext(message),
        detail=detail,
    )


@dataclass(frozen=True)
class Progress:
    """How far a job is: ``done`` of ``total`` (None while unknown), and in words."""

    status: str
    done: int
    total: int | None
    words: str

    @property
    def finished(self) -> bool:
        return self.status in (Status.DONE, Status.FAILED)

    def as_json(self) -> dict[str, Any]:
        return {"status": self.status, "finished": self.finished, "done": self.done,
                "total": self.total, "words": self.words}  # fmt: skip


def progress_of(
    state: Mapping[str, Any], done_key: str, total_key: str, speech: Speech
) -> Progress:
    status = str(state.get("status"))
    counts = state.get("progress") or {}
    done = int(counts.get(done_key) or 0)
    total = counts.get(total_key)
    words = speech.gettext(JOB_STATES.get(status, status))
    if total:
        shown = {"done": speech.number(done), "total": speech.number(int(total))}
        words = f"{words}: {speech.gettext(DONE_OF) % shown}"
    return Progress(status, done, int(total) if total else None, words)


def progress_json(progress: Progress) -> Response:
    """What ``/static/desk.js`` asks for while a job page is open."""
    return JSONResponse(progress.as_json())


def attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}
