"""The console's session and forms: cookie flags, CSRF on every form, the Content-Security-
Policy, sign-in with a real API token, sign-out and revocation ending the session."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.api.test_auth import issued
from tests.console.browsing import citizen_page, form_csrf, sign_in
from tests.console.conftest import BASE_URL
from tests.llr import ADMIN, Llr

INSZ = "93051822361"


def cookie_attributes(response: object) -> dict[str, str | bool]:
    header = response.headers["set-cookie"]  # type: ignore[attr-defined]
    parts = [p.strip() for p in header.split(";")]
    attributes: dict[str, str | bool] = {"name": parts[0].partition("=")[0]}
    for part in parts[1:]:
        key, _, value = part.partition("=")
        attributes[key.lower()] = value or True
    return attributes


def test_the_session_cookie_is_host_only_httponly_secure_and_samesite_strict(
    console: TestClient,
) -> None:
    page = console.get("/sign-in")

    assert cookie_attributes(page) == {
        "name": "__Host-llr_session", "httponly": True, "path": "/",
        "samesite": "strict", "secure": True,
    }  # fmt: skip


def test_insecure_cookies_are_plain_and_not_secure_only_when_configured(
    ready: Llr, database_url: str, tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.api.service import app_for

    monkeypatch.setenv("LLR_CONSOLE_INSECURE_COOKIES", "1")
    with TestClient(app_for(database_url, tmp_path)) as client:  # type: ignore[arg-type]
        attributes = cookie_attributes(client.get("/sign-in"))

    assert attributes["name"] == "llr_session"
    assert "secure" not in attributes
    assert (attributes["httponly"], attributes["samesite"]) == (True, "strict")


@pytest.mark.parametrize("path", ["/sign-in", "/", "/citizen"])
def test_every_page_forbids_inline_script_and_other_origins(
    with_account: Llr, console: TestClient, path: str
) -> None:
    sign_in(console, "backoffice")
    citizen_page(console, INSZ)  # /citizen shows the citizen found

    page = console.get(path, follow_redirects=True)

    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "<script" not in page.text
    assert not re.search(r"\son[a-z]+=", page.text)  # no inline event handler either
    assert page.headers["cache-control"] == "no-store"


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(
    console: TestClient,
) -> None:
    form_csrf(console)  # a session exists: only the token is missing

    for data in ({"token": "backoffice"}, {"token": "backoffice", "csrf": "forged"}):
        refused = console.post("/sign-in", data=data)
        assert refused.status_code == 403
        assert "Dit formulier is verlopen" in refused.text
        assert console.get("/").headers["location"] == "/sign-in"  # still signed out


def test_signed_in_forms_without_csrf_are_refused_too(
    with_account: Llr, console: TestClient
) -> None:
    sign_in(console, "backoffice")

    assert console.post("/find", data={"insz": INSZ, "reason": "r"}).status_code == 403
    assert console.post("/sign-out").status_code == 403
    assert console.post("/language", data={"choice": "en"}).status_code == 403
    assert console.get("/").status_code == 200  # the session lives on
    assert with_account.json("access-log", INSZ)["entries"] == []


def test_sign_out_ends_the_session_on_the_server_so_the_old_cookie_opens_nothing(
    console: TestClient,
) -> None:
    sign_in(console, "backoffice")
    cookie = console.cookies.get("__Host-llr_session")
    assert console.get("/").status_code == 200

    out = console.post("/sign-out", data={"csrf": form_csrf(console, "/")})

    assert (out.status_code, out.headers["location"]) == (303, "/sign-in")
    replayed = TestClient(console.app, base_url=BASE_URL, follow_redirects=False)
    replayed.cookies.set("__Host-llr_session", cookie)
    assert replayed.get("/").headers["location"] == "/sign-in"


def test_signing_in_starts_a_new_session_so_an_id_planted_before_is_worthless(
    console: TestClient,
) -> None:
    form_csrf(console)
    planted = console.cookies.get("__Host-llr_session")

    sign_in(console, "backoffice")

    assert console.cookies.get("__Host-llr_session") != planted
    stranger = TestClient(console.app, base_url=BASE_URL, follow_redirects=False)
    stranger.cookies.set("__Host-llr_session", planted)
    assert stranger.get("/").headers["location"] == "/sign-in"


def test_an_issued_api_token_signs_in_and_reads_as_its_actor(
    with_account: Llr, real_console: TestClient
) -> None:
    token = issued(with_account, "staff:anna", "backoffice")

    sign_in(real_console, token)
    citizen_page(real_console, INSZ, "citizen at the desk")

    log = with_account.json("access-log", INSZ)["entries"]
    assert {(e["actor"], e["role"], e["reason"]) for e in log} == {
        ("staff:anna", "backoffice", "citizen at the desk")
    }


def test_a_wrong_token_is_refused_with_a_message_and_no_session(
    real_console: TestClient,
) -> None:
    csrf = form_csrf(real_console)

    refused = real_console.post("/sign-in", data={"token": "llr_0_nonsense", "csrf": csrf})

    assert refused.status_code == 401
    assert "Dit token werd niet aanvaard" in refused.text
    assert real_console.get("/").headers["location"] == "/sign-in"


def test_revoking_the_token_ends_the_console_session_signed_in_with_it(
    with_account: Llr, real_console: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("api.tokens.CACHE_SECONDS", 0)  # no wait for the token cache
    token = issued(with_account, "staff:anna", "backoffice")
    sign_in(real_console, token)
    assert real_console.get("/").status_code == 200

    token_id = token.split("_")[1]
    with_account.ok("token", "revoke", token_id, **ADMIN)

    assert real_console.get("/").headers["location"] == "/sign-in"
