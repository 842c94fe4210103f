"""Sign-in with an API token (a pilot's way in), sign-out, and the language switch.

Every form carries its session's CSRF token, the sign-in form too: a visitor gets an
anonymous session (holding only that token and the language) when the form is shown. A
successful sign-in starts a new session and ends the anonymous one, so an id planted
before sign-in is worth nothing after it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response

from api.principal import AuthenticationFailed, Principal
from api.service import Service
from console.i18n import LANGUAGES
from console.navigation import BACK_TO
from console.pages import SecuredRoute, page, redirect
from console.web import Visit, checked_form, forget_cookie, principal, set_cookie, visit
from console.words import N_

router = APIRouter(route_class=SecuredRoute, include_in_schema=False)
NOT_ACCEPTED = N_("This token was not accepted: it is unknown, expired or revoked.")
TOO_MANY = N_("Too many failed sign-ins from this address: try again in a minute.")

Field = Annotated[str, Form()]


@router.get("/sign-in")
def sign_in_form(request: Request) -> Response:
    current = visit(request).started()
    if principal(service_of(request), current.session) is not None:
        return redirect("/")
    return set_cookie(sign_in_page(current), current)


@router.post("/sign-in")
def sign_in(request: Request, token: Field = "", csrf: Field = "") -> Response:
    current = checked_form(request, csrf)
    limiter, address = request.app.state.failure_limiter, client_address(request)
    if limiter.retry_after(address):
        return sign_in_page(current, TOO_MANY, 429)
    signed = authenticated(service_of(request), token.strip())
    if signed is None:
        limiter.failed(address)
        return sign_in_page(current, NOT_ACCEPTED, 401)
    assert current.session_id is not None
    current.console.sessions.end(current.session_id)
    session = replace(
        current.session, actor=signed.actor, role=str(signed.role), credential=signed.credential
    )
    fresh = Visit(current.console, None, session).started()
    return set_cookie(redirect("/"), fresh)


@router.post("/sign-out")
def sign_out(request: Request, csrf: Field = "") -> Response:
    current = checked_form(request, csrf)
    assert current.session_id is not None
    current.console.sessions.end(current.session_id)
    return forget_cookie(redirect("/sign-in"), current.console)


@router.post("/language")
def language(request: Request, choice: Field = "", back: Field = "/", csrf: Field = "") -> Response:
    current = checked_form(request, csrf)
    if choice in LANGUAGES:
        current.save(replace(current.session, language=choice))
    return redirect(back if back in BACK_TO else "/")


def sign_in_page(current: Visit, error: str | None = None, status: int = 200) -> Response:
    speech = current.speech
    message = speech.gettext(error) if error else None
    return page(speech, "sign_in.html", status, csrf=current.session.csrf, error=message,
                back="/sign-in", signed=None)  # fmt: skip


def authenticated(service: Service, credential: str) -> Principal | None:
    """The principal the credential proves, asking the service's authenticators in turn
    as the API does; None when none accepts it."""
    if not credential:
        return None
    try:
        for authenticator in service.authenticators:
            found = authenticator(credential)
            if found is not None:
                return found
    except AuthenticationFailed:
        return None
    return None


def service_of(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
