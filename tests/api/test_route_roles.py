"""Every role on every route, as the table in docs/security.md says: one table-driven test.

The table is read from the document, so the document cannot drift from the service: a
route missing from it, a row for a route that is gone, or a mark that the service does not
honour fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api.service import as_role
from tests.builders import INSZ

SECURITY = Path(__file__).resolve().parents[2] / "docs" / "security.md"
ROW = re.compile(r"^\| (GET|POST) \| `(/api/v1/[^`]*)` \| `([a-z-]+)` \|(.*)\|$")
# The table's columns, and the test credential of each (tests/api/service.py).
ROLES = {
    "backoffice": "backoffice",
    "auditor": "auditor",
    "importer": "importer:employer:0566988259",
    "admin": "admin",
}
# Path parameters: values of the right form, so that what answers is the role check.
PARAMETERS = {"insz": INSZ, "right": "vov-hours"}


def documented_routes() -> dict[tuple[str, str], tuple[str, dict[str, bool]]]:
    rows: dict[tuple[str, str], tuple[str, dict[str, bool]]] = {}
    for line in SECURITY.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            method, path, action, marks = match.groups()
            cells = [cell.strip() for cell in marks.split("|")]
            rows[method, path] = (
                action,
                dict(zip(ROLES, [c == "yes" for c in cells], strict=True)),
            )
    return rows


def served_routes(client: TestClient) -> dict[tuple[str, str], str]:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    return {
        (method.upper(), path): entry["x-llr-action"]
        for path, entries in paths.items()
        for method, entry in entries.items()
        if "x-llr-action" in entry
    }


def filled(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: PARAMETERS.get(m.group(1), "X-1"), path)


def test_the_table_in_the_security_document_lists_every_route_with_its_action(
    client: TestClient,
) -> None:
    documented = {route: action for route, (action, _) in documented_routes().items()}
    assert documented == served_routes(client)


def test_every_role_is_allowed_or_refused_on_every_route_as_the_table_says(
    client: TestClient,
) -> None:
    wrong = []
    for (method, path), (_, allowed) in documented_routes().items():
        for role, credential in ROLES.items():
            headers = as_role(credential, **{"X-Reason": "test: the role table"})
            response = client.request(method, filled(path), headers=headers,
                                      json={} if method == "POST" else None)  # fmt: skip
            refused = response.status_code == 403
            assert response.status_code < 500, (method, path, role, response.text)
            if refused == allowed[role]:
                wrong.append(f"{role} {method} {path}: {response.status_code}")
            if refused:
                assert response.json()["type"] == "/api/v1/problems/access-denied"
    assert wrong == []


@pytest.mark.parametrize("path", ["/healthz", "/api/v1/problems"])
def test_the_routes_without_an_action_need_no_credential(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 200
