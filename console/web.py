"""A request's visit: its session (from the cookie), language and signed-in principal;
the cookie itself and the CSRF check of every form."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from fastapi import Request, Response

from api.principal import Principal
from api.service import Service
from api.tokens import TokenAuthenticator
from console.i18n import Speech, speech
from console.pages import Refused
from console.sessions import Session, SessionStore, new_session
from console.settings import ConsoleSettings
from console.words import N_
from ledger.security.roles import parse_role
from ledger.security.tokens import refusal

# "__Host-": the browser takes the cookie only if Secure, for path / and no domain.
SECURE_COOKIE = "__Host-llr_session"
PLAIN_COOKIE = "llr_session"
CSRF_REFUSED = N_("This form has expired or did not come from this console: please try again.")


@dataclass(frozen=True)
class Console:
    """What the console keeps on the application (``app.state.console``)."""

    settings: ConsoleSettings
    sessions: SessionStore

    @property
    def cookie(self) -> str:
        return PLAIN_COOKIE if self.settings.insecure_cookies else SECURE_COOKIE


@dataclass(frozen=True)
class Visit:
    """One request's session: ``session_id`` is None until one is started for it."""

    console: Console
    session_id: str | None
    session: Session

    @property
    def speech(self) -> Speech:
        return speech(self.session.language)

    def started(self) -> Visit:
        """This visit with a session in the store (an anonymous one if none yet)."""
        if self.session_id is not None:
            return self
        return Visit(self.console, self.console.sessions.start(self.session), self.session)

    def save(self, session: Session) -> Visit:
        assert self.session_id is not None
        self.console.sessions.save(self.session_id, session)
        return Visit(self.console, self.session_id, session)


def console_of(request: Request) -> Console:
    console: Console = request.app.state.console
    return console


def visit(request: Request) -> Visit:
    console = console_of(request)
    session_id = request.cookies.get(console.cookie)
    found = console.sessions.find(session_id)
    if found is None:
        return Visit(console, None, new_session())
    return Visit(console, session_id, found)


def set_cookie(response: Response, visit: Visit) -> Response:
    """The session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site
    sends it), Secure unless configured off; no Max-Age, so it ends with the browser."""
    assert visit.session_id is not None
    response.set_cookie(
        visit.console.cookie, visit.session_id, path="/", httponly=True, samesite="strict",
        secure=not visit.console.settings.insecure_cookies,
    )  # fmt: skip
    return response


def forget_cookie(response: Response, console: Console) -> Response:
    response.delete_cookie(
        console.cookie, path="/", httponly=True, samesite="strict",
        secure=not console.settings.insecure_cookies,
    )  # fmt: skip
    return response


def checked_form(request: Request, csrf: str) -> Visit:
    """The visit of a form POST whose CSRF token is its session's; else refused (403)."""
    current = visit(request)
    expected = current.session.csrf if current.session_id is not None else ""
    if not expected or not secrets.compare_digest(csrf.encode(), expected.encode()):
        raise Refused(403, CSRF_REFUSED, current.speech)
    return current


def principal(service: Service, session: Session) -> Principal | None:
    """Who the session acts as, if it is signed in and its credential still holds: a token
    revoked or expired since sign-in ends the console session too (within the token
    cache's few seconds, as for the API)."""
    if session.actor is None or session.role is None or session.credential is None:
        return None
    if not credential_holds(service, session.credential):
        return None
    role = parse_role(session.role, service.ledger.catalogue.sector_funds)
    return Principal(session.actor, role, session.credential)


def credential_holds(service: Service, credential: str) -> bool:
    kind, _, token_id = credential.partition(":")
    if kind == "oidc":  # while the service still takes this identity provider
        return service.settings.oidc is not None and token_id == service.settings.oidc.issuer
    if kind != "token":
        return True  # proved at sign-in; nothing to ask again
    for authenticator in service.authenticators:
        if isinstance(authenticator, TokenAuthenticator):
            token = authenticator.lookup(token_id)
            return token is not None and refusal(token, authenticator.clock()) is None
    return False  # a token session on a service that no longer takes tokens
