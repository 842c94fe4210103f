"""Sign-in with an API token (a pilot's way in), sign-out, and the language switch. The
sign-in with the identity provider is console/oidc_signin.py's; both end in ``signed_in``.

Every form carries its session's CSRF token, the sign-in form too: a visitor gets an
anonymous session (holding only that token and the language) when the form is shown. A
successful sign-in starts a new session and ends the anonymous one, so an id planted
before sign-in is worth nothing after it.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response

from api.principal import AuthenticationFailed, Principal
from api.service import Service
from console.i18n import LANGUAGES, Speech
from console.navigation import BACK_TO
from console.oidc_provider import ProviderUnavailable, provider_of, sign_in_url
from console.pages import SecuredRoute, page, redirect
from console.web import Visit, checked_form, forget_cookie, principal, set_cookie, visit
from console.words import N_

router = APIRouter(route_class=SecuredRoute, include_in_schema=False)
NOT_ACCEPTED = N_("This token was not accepted: it is unknown, expired or revoked.")
TOO_MANY = N_("Too many failed sign-ins from this address: try again in a minute.")
SIGNING_OUT_THERE = N_(
    "You are signed out of the console. You are now taken to %(provider)s to sign out there too."
)
log = logging.getLogger("llr.console")

Field = Annotated[str, Form()]


@router.get("/sign-in")
def sign_in_form(request: Request) -> Response:
    current = visit(request).started()
    if principal(service_of(request), current.session) is not None:
        return redirect("/")
    return set_cookie(sign_in_page(request, current), current)


@router.post("/sign-in")
def sign_in(request: Request, token: Field = "", csrf: Field = "") -> Response:
    current = checked_form(request, csrf)
    limiter, address = request.app.state.failure_limiter, client_address(request)
    if limiter.retry_after(address):
        return sign_in_page(request, current, TOO_MANY, 429)
    signed = authenticated(service_of(request), token.strip())
    if signed is None:
        limiter.failed(address)
        return sign_in_page(request, current, NOT_ACCEPTED, 401)
    return set_cookie(redirect("/"), signed_in(current, signed))


def signed_in(current: Visit, signed: Principal, **more: Any) -> Visit:
    """A new session for the person signed in (``more``: further fields of it), the
    anonymous one that showed the form ended."""
    assert current.session_id is not None
    current.console.sessions.end(current.session_id)
    session = replace(
        current.session, actor=signed.actor, role=str(signed.role), credential=signed.credential,
        **{"oidc": None, **more},
    )  # fmt: skip
    return Visit(current.console, None, session).started()


@router.post("/sign-out")
def sign_out(request: Request, csrf: Field = "") -> Response:
    current = checked_form(request, csrf)
    assert current.session_id is not None
    current.console.sessions.end(current.session_id)
    at_provider = provider_sign_out(request, current)
    return forget_cookie(at_provider or redirect("/sign-in"), current.console)


def provider_sign_out(request: Request, current: Visit) -> Response | None:
    """After an OpenID Connect session, a page that takes the browser on to the provider's
    end-session endpoint (RP-initiated logout), which sends it back to the sign-in page:
    else the next person at the desk would be signed in by the provider's own session.
    A page, not a redirect: the CSP's form-action 'self' would stop a form's redirect
    to another origin. None when there is nothing to end at the provider."""
    provider, session = provider_of(request), current.session
    if provider is None or not (session.credential or "").startswith("oidc:"):
        return None
    id_token = (session.oidc or {}).get("id_token")
    try:
        url = provider.end_session_url(id_token, sign_in_url(request, provider))
    except ProviderUnavailable as why:
        log.warning("console sign-out: the provider's end-session endpoint is unknown: %s", why)
        return None
    if url is None:
        return None
    speech = current.speech  # the session is gone, the reader's language not
    message = speech.gettext(SIGNING_OUT_THERE) % {"provider": provider.name}
    return onward_page(speech, N_("Signed out"), message, url)


def onward_page(speech: Speech, title: str, message: str, url: str) -> Response:
    """A page the browser leaves at once for ``url`` (a refresh with no delay), with a link
    for one that does not."""
    return page(speech, "oidc_onward.html", title=speech.gettext(title), message=message,
                url=url, csrf="", signed=None, back="/sign-in")  # fmt: skip


@router.post("/language")
def language(request: Request, choice: Field = "", back: Field = "/", csrf: Field = "") -> Response:
    current = checked_form(request, csrf)
    if choice in LANGUAGES:
        current.save(replace(current.session, language=choice))
    return redirect(back if back in BACK_TO else "/")


def sign_in_page(
    request: Request, current: Visit, error: str | None = None, status: int = 200,
    provider_error: str | None = None,
) -> Response:  # fmt: skip
    """The sign-in page: ``error`` is the token form's, ``provider_error`` (translated
    already) why the sign-in with the identity provider did not succeed."""
    speech = current.speech
    message = speech.gettext(error) if error else None
    provider = provider_of(request)
    return page(speech, "sign_in.html", status, csrf=current.session.csrf, error=message,
                provider=provider.name if provider else None, provider_error=provider_error,
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
