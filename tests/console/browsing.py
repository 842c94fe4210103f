"""What a console test does as a browser would: read a form's CSRF token, sign in, find a
citizen, and read what a page says."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
A_REASON = "citizen called about her balance"


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, html
    return found.group(1)


def form_csrf(client: TestClient, path: str = "/sign-in") -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text
    return csrf_of(page.text)


def sign_in(client: TestClient, token: str) -> Any:
    signed = client.post("/sign-in", data={"token": token, "csrf": form_csrf(client)})
    assert (signed.status_code, signed.headers.get("location")) == (303, "/"), signed.text
    return signed


def find(client: TestClient, insz: str, reason: str = A_REASON) -> Any:
    return client.post("/find", data={"insz": insz, "reason": reason,
                                      "csrf": form_csrf(client, "/")})  # fmt: skip


def citizen_page(client: TestClient, insz: str, reason: str = A_REASON, **query: str) -> str:
    found = find(client, insz, reason)
    assert (found.status_code, found.headers.get("location")) == (303, "/citizen"), found.text
    page = client.get("/citizen", params=query)
    assert page.status_code == 200, page.text
    return str(page.text)


def text_of(html: str) -> str:
    """The page's words, tags dropped and white space folded: what a reader sees."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())
