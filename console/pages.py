"""Rendering: Jinja2 templates in the reader's language, with the security headers every
console response carries."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from fastapi import Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from console.i18n import Speech
from console.navigation import places_for

TEMPLATES = Path(__file__).parent / "templates"
# No inline script or style anywhere, nothing from another origin, no framing.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # A page may show a citizen's data: no cache anywhere may keep it.
    "Cache-Control": "no-store",
}

environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,  # a missing value fails the test, not the reader's eyes
    trim_blocks=True,
    lstrip_blocks=True,
)


def page(speech: Speech, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = environment.get_template(template).render(
        _=speech.gettext, speech=speech, places=places_for, **context
    )
    return HTMLResponse(html, status_code=status)


def redirect(to: str) -> RedirectResponse:
    return RedirectResponse(to, status_code=303)  # after a POST: GET the page


class Refused(Exception):
    """A request the console turns away with a page saying why (a form without its CSRF
    token, a session that ended): raised anywhere in a route, answered by the route."""

    def __init__(self, status: int, message: str, speech: Speech) -> None:
        super().__init__(message)
        self.status, self.message, self.speech = status, message, speech


class SecuredRoute(APIRoute):
    """A console route: every answer it gives, a refusal too, carries ``HEADERS``."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                response = await handler(request)
            except Refused as refused:
                message = refused.speech.gettext(refused.message)
                response = page(refused.speech, "refused.html", refused.status, message=message,
                                csrf="", signed=None, back="/")  # fmt: skip
            response.headers.update(HEADERS)
            return response

        return handle
