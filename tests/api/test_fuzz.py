"""Random requests against the citizen and registry routes: nothing answers 5xx, every
refusal is a problem document, and a refused request changes nothing in the store.

Bodies are either any JSON (nested junk, huge numbers, NaN, unicode) or a valid body with
fields dropped, replaced by junk or added; path and query parameters are valid values or
any text. The store is read with a trusted Ledger before and after each request.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.citizen_calls import GRANT, OPEN, PROVIDER, RESERVE, USE, opened, post
from tests.builders import INSZ, OTHER_INSZ
from tests.stores import ledger_on

SCALARS = (
    st.none() | st.booleans() | st.text(max_size=30) | st.floats()
    | st.integers() | st.integers(min_value=-(10**400), max_value=10**400)
    | st.sampled_from(["2024-10-01", "2024-02-30", "12.345", "-0", "1e999", "٣", "\x00",
                       "0x10", " 7 ", "NaN", "vov-hours", PROVIDER, INSZ])
)  # fmt: skip
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=3),
    max_leaves=8,
)  # fmt: skip
WORDS = st.text(min_size=1, max_size=20) | st.sampled_from(
    [INSZ, OTHER_INSZ, "93051822362", "B-1", "USE-1", PROVIDER, "student", "3", "0", "-1",
     "9" * 40, "OPL-1", "..", "%2F", "e30428d01006-3", "0123456789ab-1"]
)  # fmt: skip

# Most requests name the citizen who has an account, so they reach the Ledger's rules.
CITIZENS = st.one_of(st.just(INSZ), st.just(INSZ), st.just(INSZ), WORDS)

# (method, path with {} for each parameter, a valid body to start from)
ROUTES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("POST", "/citizens", OPEN),
    ("POST", "/citizens/{}/grants", GRANT),
    ("POST", "/citizens/{}/uses", USE),
    ("POST", "/citizens/{}/reservations", RESERVE),
    ("POST", "/citizens/{}/reservations/{}/confirm", {"on": "2024-10-11", "amount": 5}),
    ("POST", "/citizens/{}/reservations/{}/cancel", {"on": "2024-10-11", "reason": "x"}),
    ("POST", "/citizens/{}/status", {"status": "jobseeker", "on": "2025-01-06"}),
    ("POST", "/citizens/{}/employments", {"employer": PROVIDER, "on": "2024-11-01",
                                          "fte": "0.5"}),
    ("POST", "/citizens/{}/employments/{}/end", {"on": "2025-01-01", "reason": "resignation"}),
    ("POST", "/citizens/{}/employments/{}/suspend", {"from": "2024-12-01",
                                                     "until": "2024-12-15",
                                                     "reason": "sickness"}),
    ("POST", "/citizens/{}/situations", {"situation": "student", "on": "2025-01-06"}),
    ("POST", "/citizens/{}/situations/{}/end", {"on": "2025-02-01"}),
    ("POST", "/citizens/{}/facts", {"kind": "work-experience", "value": 8, "on": "2025-02-03"}),
    ("POST", "/citizens/{}/reversals", {"event_id": 2, "reason": "x"}),
    ("POST", "/citizens/{}/reversals/{}/approve", {"on": "2025-02-03"}),
    ("POST", "/registry/providers", {"kbo": PROVIDER, "name": "S", "from": "2024-01-01",
                                     "recognised_for": ["vov-hours"]}),
    ("POST", "/registry/providers/{}/revoke", {"on": "2026-01-01", "reason": "x"}),
    ("POST", "/registry/trainings", {"code": "OPL-1", "provider": PROVIDER, "title": "T",
                                     "rights": "vov-hours", "from": "2024-02-01"}),
    ("POST", "/registry/trainings/{}/delist", {"on": "2026-01-01"}),
    ("GET", "/citizens/{}/balance", None),
    ("GET", "/citizens/{}/history", None),
    ("GET", "/citizens/{}/explain/{}", None),
    ("GET", "/citizens/{}/eligibility", None),
    ("GET", "/citizens/{}/employments", None),
    ("GET", "/citizens/{}/access-log", None),
    ("GET", "/registry/{}", None),
    ("GET", "/reviews", None),
    ("GET", "/reviews/{}", None),
    ("POST", "/reviews/{}/close", {"reason": "resolved"}),
]  # fmt: skip
QUERY = st.dictionaries(
    st.sampled_from(["as_of", "known_at", "on", "value"]),
    st.text(max_size=20) | st.sampled_from(["2024-10-01", "2024-10-01T12:00:00+01:00", "true"]),
    max_size=3,
)
# Reasons percent-encoded, or raw ASCII with stray and non-UTF-8 escapes ("%FF").
REASONS = st.text(max_size=40).map(lambda text: quote(text, safe="")) | st.text(
    alphabet=st.sampled_from("%FfZz09 az"), max_size=12
)
CREDENTIALS = st.sampled_from(
    ["backoffice", "backoffice", "backoffice:anna", "auditor", "admin",
     "importer:employer:0566988259"]
)  # fmt: skip


@st.composite
def bodies(draw: st.DrawFn, valid: dict[str, Any] | None) -> Any:
    """Any JSON, or the valid body with each field kept, dropped or replaced by junk."""
    if valid is None or draw(st.integers(0, 3)) == 0:
        return draw(JSON)
    body: dict[str, Any] = {}
    for name, value in valid.items():
        choice = draw(st.sampled_from(["keep", "keep", "keep", "keep", "drop", "junk"]))
        if choice != "drop":
            body[name] = value if choice == "keep" else draw(st.text(max_size=30) | JSON)
    if draw(st.integers(0, 3)) == 0:  # a field the route does not know
        body[draw(st.text(max_size=8))] = draw(JSON)
    return body


@st.composite
def requests(draw: st.DrawFn) -> tuple[str, str, Any, dict[str, str], dict[str, str]]:
    method, template, valid = draw(st.sampled_from(ROUTES))
    words = [CITIZENS if n == 0 and "/citizens/" in template else WORDS
             for n in range(template.count("{}"))]  # fmt: skip
    parameters = [quote(draw(word), safe="") for word in words]
    headers = {"Authorization": f"Bearer {draw(CREDENTIALS)}"}
    if draw(st.booleans()):
        headers["X-Reason"] = draw(REASONS)
    if draw(st.integers(0, 9)) == 0:
        headers["If-Match"] = draw(st.sampled_from(['"2"', '"999"', "*", "W/x", '"-1"']))
    body = draw(bodies(valid)) if method == "POST" else None
    query = draw(QUERY) if method == "GET" else {}
    return method, "/api/v1" + template.format(*parameters), body, headers, query


def test_random_requests_never_fail_the_service_and_a_refused_one_changes_nothing(
    client: TestClient, database_url: str
) -> None:
    opened(client)
    post(client, "/registry/providers", {"kbo": PROVIDER, "name": "Syntra", "from": "2024-01-01",
                                         "recognised_for": ["vov-hours"]})  # fmt: skip
    trusted = ledger_on(database_url)

    def state() -> tuple[int | None, int]:
        account = trusted.find_account(trusted.account_id_for(INSZ))
        version = None if account is None else account.version
        return version, trusted.recorder.max_notification_id() or 0

    @settings(
        max_examples=80, deadline=None, database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )  # fmt: skip
    @given(requests())
    def one(request: tuple[str, str, Any, dict[str, str], dict[str, str]]) -> None:
        method, url, body, headers, query = request
        before = state()
        # json.dumps writes NaN and Infinity, as a careless client might; the server's JSON
        # reader takes them.
        content = None if body is None else json.dumps(body, allow_nan=True)
        kind = {"Content-Type": "application/json"} if content is not None else {}
        response = client.request(
            method, url, content=content, headers={**headers, **kind}, params=query
        )
        assert response.status_code < 500, (request, response.text)
        if response.status_code >= 400:
            assert response.headers["content-type"] == "application/problem+json"
            assert state() == before, (request, response.text)

    try:
        one()
    finally:
        trusted.close()
