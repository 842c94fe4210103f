"""Around every request: its id, the body size limit, one log line, the metrics.

A pure ASGI middleware (no ``BaseHTTPMiddleware``): it streams the body through, counting,
so a request larger than the limit is refused with 413 without being read whole, also
when it sends no Content-Length.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import metrics

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
UPLOAD_PATH = re.compile(r"^/api/v1/imports/?$")
# The console's upload form (console/imports_page.py): the upload limit, plus room for its
# few other fields. Its route reads the declared length itself, to answer a file too large
# with a page next to the field; the limit still holds while the body streams in.
FORM_UPLOAD_PATH = re.compile(r"^/imports/?$")
FORM_FIELDS_ROOM = 64 * 1024
access = logging.getLogger("llr.api.requests")


class TooLarge(Exception):
    pass


class RequestFrame:
    """Per request: an id, a size limit, a log line and metrics, whatever the outcome."""

    def __init__(self, app: ASGIApp, max_body: int, max_upload: int) -> None:
        self.app, self.max_body, self.max_upload = app, max_body, max_upload

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = given_request_id(scope) or uuid.uuid4().hex
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        limit = self.max_upload if UPLOAD_PATH.match(scope["path"]) else self.max_body
        own_page = scope["method"] == "POST" and FORM_UPLOAD_PATH.match(scope["path"])
        if own_page:
            limit = self.max_upload + FORM_FIELDS_ROOM
        status = {"code": 500, "sent": False, "closed": False}

        async def send_with_id(message: Message) -> None:
            if status["closed"]:  # the 413 went out: what the app says after it is dropped
                return
            if message["type"] == "http.response.start":
                status["code"], status["sent"] = message["status"], True
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        async def refuse() -> None:
            """The body went past the limit while the app read it: answer 413 now, whatever
            the app makes of the error (FastAPI would answer a failed JSON read with 400)."""
            if not status["sent"]:
                await too_large(scope, send_with_id, limit)
            status["closed"] = True

        try:
            declared = content_length(scope)
            if declared is not None and declared > limit and not own_page:
                await too_large(scope, send_with_id, limit)
            else:
                await self.app(scope, limited(receive, limit, refuse), send_with_id)
        except TooLarge:
            if not status["sent"]:
                await too_large(scope, send_with_id, limit)
        except Exception:
            if status["sent"]:  # too late for a problem document: the connection breaks
                raise
            # Answered here rather than by Starlette's outermost handler, so that the
            # problem carries the X-Request-Id header too and the failure is logged once.
            await internal_error(scope, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = route_of(scope)
            metrics.observe(scope["method"], route, status["code"], elapsed)
            log_line(scope, request_id, route, status["code"], elapsed)


def given_request_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            text = value.decode("latin-1")
            return text if REQUEST_ID.match(text) else None
    return None


def content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


def limited(receive: Receive, limit: int, refuse: Callable[[], Awaitable[None]]) -> Receive:
    seen = 0

    async def receive_counted() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                await refuse()
                raise TooLarge
        return message

    return receive_counted


async def too_large(scope: Scope, send: Send, limit: int) -> None:
    from api.problems import PROBLEM_JSON, PROBLEMS_PATH

    body = json.dumps({
        "type": PROBLEMS_PATH + "request-too-large", "title": "Request too large",
        "status": 413, "detail": f"the request body is larger than {limit} bytes",
        "request_id": scope["state"]["request_id"],
    }).encode()  # fmt: skip
    await send({"type": "http.response.start", "status": 413, "headers": [
        (b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})


async def internal_error(scope: Scope, send: Send) -> None:
    from starlette.requests import Request

    from api.problems import log, problem

    request_id = scope["state"]["request_id"]
    # The route's template, never the path: the traceback is the log's, the INSZ is not.
    log.exception("unexpected error on %s (request %s)", route_of(scope), request_id)
    response = problem(
        500, "internal-error", "the service failed; the request id names it in the log",
        Request(scope),
    )  # fmt: skip

    async def no_body() -> Message:
        return {"type": "http.disconnect"}

    await response(scope, no_body, send)


def route_of(scope: Scope) -> str:
    """The route's template (``/api/v1/citizens/{insz}/balance``): never the INSZ itself."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return str(path) if path else "unmatched"


def log_line(scope: Scope, request_id: str, route: str, status: int, seconds: float) -> None:
    state: dict[str, Any] = scope.get("state", {})
    principal = state.get("principal")
    line = {
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "request_id": request_id,
        "method": scope["method"],
        "route": route,
        "status": status,
        "ms": round(seconds * 1000, 2),
        "actor": getattr(principal, "actor", None),
        "role": str(principal.role) if principal is not None else None,
        # what proved them (token:<id>, oidc:<issuer>), never the credential itself
        "credential": getattr(principal, "credential", None),
        "account_id": state.get("account_id"),
        "worker": os.getpid(),  # which of ``llr serve --workers N`` answered
    }
    access.info(json.dumps(line))


def log_to_stderr() -> None:
    """One JSON line per request on stderr (``llr serve``); tests leave logging alone."""
    if not access.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        access.addHandler(handler)
        access.setLevel(logging.INFO)
        access.propagate = False
