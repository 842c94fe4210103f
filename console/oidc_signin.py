"""Sign-in with the identity provider: OpenID Connect's authorization code flow with PKCE.

``GET /sign-in/oidc`` starts a flow: a state, a nonce and a PKCE verifier, kept in the
browser's anonymous session, and a redirect to the provider with the state, the nonce and
the verifier's S256 challenge. The provider sends the browser back to
``GET /sign-in/callback`` with a code and the state; the state is taken from the session
(once: a second use finds nothing), the code exchanged at the token endpoint with the
verifier, the ID token checked (console/oidc_provider.py), and a new session started as
the token sign-in does. Nothing is signed in on any other way out, and the page says why.

A link (GET), not a form, starts the flow: the CSP's ``form-action 'self'`` stops a form
whose answer redirects to another origin. Nothing is signed in or out by it, so it needs
no CSRF token: what stops a forged sign-in (login CSRF) is the callback's state, which
only this browser's session holds.

The session cookie is SameSite=Strict, so a browser coming back from a provider on
another site does not send it. The flow has a cookie of its own for that way back:
SameSite=Lax (sent on a top-level GET from another site), HttpOnly, for the callback's
path only, naming the anonymous session; it opens nothing else, and that session ends at
sign-in. For the same reason the callback answers with a page that moves on to ``/``
rather than with a redirect: a redirect would still count as coming from the provider's
site, and the browser would leave out the new Strict cookie.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Request, Response

from api.jwks import JwksUnavailable
from api.principal import AuthenticationFailed, Principal
from console.oidc_provider import (
    Provider,
    ProviderRefused,
    ProviderUnavailable,
    RoleRefused,
    callback_url,
    log,
    provider_of,
)
from console.pages import SecuredRoute, redirect
from console.signing import onward_page, service_of, sign_in_page, signed_in
from console.web import Console, Visit, console_of, principal, set_cookie, visit
from console.words import N_

router = APIRouter(route_class=SecuredRoute, include_in_schema=False)
PENDING_SECONDS = 600  # a flow not finished in ten minutes is forgotten
MAX_PENDING = 3  # flows started in other tabs still finish; a flood of them does not grow
FLOW_PATH = "/sign-in/callback"

UNKNOWN_FLOW = N_(
    "This sign-in was not started here, was used already or has expired: "
    "nothing was signed in. Please sign in again."
)
DENIED = N_(
    "The identity provider did not sign you in (you cancelled, or it refused you): "
    "nothing was signed in."
)
PROVIDER_ERROR = N_(
    "The identity provider could not sign you in (%(error)s): nothing was "
    "signed in. Please try again."
)
NOT_CONFIRMED = N_(
    "The identity provider's answer could not be verified, so nothing was "
    "signed in. Please sign in again."
)
UNREACHABLE = N_(
    "The identity provider cannot be reached now: nothing was signed in. Try "
    "again in a moment, or sign in with an API token."
)
NO_ROLE = N_(
    "Your account at %(provider)s has no role in this ledger (the claim %(claim)s "
    "is missing): ask your administrator to give you one. Nothing was signed in."
)
UNKNOWN_ROLE = N_(
    "Your account at %(provider)s has a role this ledger does not know "
    "(%(role)s in the claim %(claim)s): ask your administrator to correct it. "
    "Nothing was signed in."
)
SIGNED_IN = N_("You are signed in.")
ERROR_CODE = re.compile(r"[a-z_]{1,40}")


@router.get("/sign-in/oidc")
def start(request: Request) -> Response:
    provider = provider_of(request)
    if provider is None:
        return redirect("/sign-in")
    current = visit(request).started()
    if principal(service_of(request), current.session) is not None:
        return redirect("/")
    try:
        provider.endpoints()
    except ProviderUnavailable as why:
        log.warning("console sign-in: the identity provider cannot be asked: %s", why)
        return failed(request, current, current.speech.gettext(UNREACHABLE), 502)
    state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
    redirect_uri = callback_url(request, provider)
    flow = {"nonce": nonce, "verifier": verifier, "redirect_uri": redirect_uri,
            "at": current.console.sessions.clock()}  # fmt: skip
    pending = pending_with(current, state, flow)
    saved = current.save(replace(current.session, oidc={"pending": pending}))
    url = provider.authorization_url(redirect_uri, state, nonce, challenge(verifier))
    return flow_cookie(set_cookie(redirect(url), saved), saved)


@router.get(FLOW_PATH, name="oidc_callback")
def callback(request: Request, state: str = "", code: str = "", error: str = "") -> Response:
    provider = provider_of(request)
    if provider is None:
        return redirect("/sign-in")
    current = flow_visit(request)
    if principal(service_of(request), current.session) is not None:
        return redirect("/")
    flow, current = taken(current, state)
    if flow is None:
        return failed(request, current, current.speech.gettext(UNKNOWN_FLOW), 400)
    if error or not code:
        return failed(request, current, provider_error_text(current, error), 401)
    proved = proved_by(request, provider, current, code, flow)
    if isinstance(proved, Response):
        return proved
    id_token, signed = proved
    ends_at = current.console.sessions.clock() + provider.console.max_hours * 3600
    fresh = signed_in(current, signed, oidc={"id_token": id_token}, ends_at=ends_at)
    onward = onward_page(current.speech, N_("Signed in"), current.speech.gettext(SIGNED_IN), "/")
    return forget_flow_cookie(set_cookie(onward, fresh), fresh.console)


def proved_by(
    request: Request, provider: Provider, current: Visit, code: str, flow: dict[str, Any]
) -> tuple[str, Principal] | Response:
    """The ID token for the code and whom it proves; else the page saying why not."""
    try:
        id_token = provider.id_token_for(code, flow["redirect_uri"], flow["verifier"])
        return id_token, provider.principal(id_token, flow["nonce"], sector_funds(request))
    except (ProviderUnavailable, JwksUnavailable) as why:
        log.warning("console sign-in: the identity provider cannot be asked: %s", why)
        return failed(request, current, current.speech.gettext(UNREACHABLE), 502)
    except RoleRefused as refused:
        log.warning("console sign-in refused: %s", refused)
        return failed(request, current, role_text(current, provider, refused.value), 403)
    except (ProviderRefused, AuthenticationFailed) as refused:
        log.warning("console sign-in refused: %s", refused)
        return failed(request, current, current.speech.gettext(NOT_CONFIRMED), 401)


def challenge(verifier: str) -> str:
    """PKCE's S256 (RFC 7636 4.2): the verifier's SHA-256, base64url without padding."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def pending_with(current: Visit, state: str, flow: dict[str, Any]) -> dict[str, Any]:
    now = current.console.sessions.clock()
    pending = {s: f for s, f in pending_of(current).items() if now - f["at"] < PENDING_SECONDS}
    kept = sorted(pending.items(), key=lambda item: item[1]["at"])[-(MAX_PENDING - 1) :]
    return {**dict(kept), state: flow}


def pending_of(current: Visit) -> dict[str, Any]:
    pending: dict[str, Any] = (current.session.oidc or {}).get("pending", {})
    return pending


def taken(current: Visit, state: str) -> tuple[dict[str, Any] | None, Visit]:
    """The flow of this state, taken out of the session (saved so before anything else is
    done with it, so that the state serves once), if it is there and not too old."""
    pending = pending_of(current)
    flow = pending.pop(state, None) if state else None
    if flow is None:
        return None, current
    saved = current.save(replace(current.session, oidc={"pending": pending}))
    if current.console.sessions.clock() - flow["at"] >= PENDING_SECONDS:
        return None, saved
    return flow, saved


def flow_visit(request: Request) -> Visit:
    """The visit whose session started the flow: named by the flow's cookie (a browser
    back from another site sends no Strict cookie), else by the session cookie; a new
    anonymous one if neither names a live session."""
    console = console_of(request)
    session_id = request.cookies.get(flow_cookie_name(console))
    found = console.sessions.find(session_id)
    if session_id is not None and found is not None:
        return Visit(console, session_id, found)
    return visit(request).started()


def failed(request: Request, current: Visit, text: str, status: int) -> Response:
    """The sign-in page with why (``text``, translated) the sign-in did not succeed; the
    reader may try again from it."""
    current = current.started()
    return set_cookie(sign_in_page(request, current, None, status, text), current)


def provider_error_text(current: Visit, error: str) -> str:
    """The provider's error code, as the reader can take it. Only the code (RFC 6749
    4.1.2.1), never its free-text description: it arrives in the URL, and the page must
    not say whatever a link says."""
    speech = current.speech
    if error == "access_denied":
        return speech.gettext(DENIED)
    code = error if ERROR_CODE.fullmatch(error) else "invalid_response"
    return speech.gettext(PROVIDER_ERROR) % {"error": code}


def role_text(current: Visit, provider: Provider, value: Any) -> str:
    claim = provider.service.role_claim
    if value is None:
        return current.speech.gettext(NO_ROLE) % {"provider": provider.name, "claim": claim}
    shown = str(value)[:60]
    return current.speech.gettext(UNKNOWN_ROLE) % {
        "provider": provider.name, "role": repr(shown), "claim": claim,
    }  # fmt: skip


def sector_funds(request: Request) -> Any:
    return service_of(request).ledger.catalogue.sector_funds


def flow_cookie_name(console: Console) -> str:
    # __Secure-: the browser takes it only with Secure (__Host- would need path /).
    return "llr_sign_in" if console.settings.insecure_cookies else "__Secure-llr_sign_in"


def flow_cookie(response: Response, current: Visit) -> Response:
    assert current.session_id is not None
    response.set_cookie(
        flow_cookie_name(current.console), current.session_id, path=FLOW_PATH,
        max_age=PENDING_SECONDS, httponly=True, samesite="lax",
        secure=not current.console.settings.insecure_cookies,
    )  # fmt: skip
    return response


def forget_flow_cookie(response: Response, console: Console) -> Response:
    response.delete_cookie(
        flow_cookie_name(console), path=FLOW_PATH, httponly=True, samesite="lax",
        secure=not console.settings.insecure_cookies,
    )  # fmt: skip
    return response
