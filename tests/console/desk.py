"""What the desk's tests share: an import file with one bad line, an upload through the
console's form, and waiting for a job page to finish as a reader would (by asking again)."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from tests.console.browsing import form_csrf

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "employer-0566988259.csv"
SOURCE = "employer:0566988259"
IMPORTER = f"importer:{SOURCE}"
# A line of no known kind: the importer rejects it on its field "kind".
BAD_LINE = "holiday;93051822361;2024-09-02;vov-hours;10;;;;;BAD-1;;;"
BAD_LINE_NUMBER = "20"  # the header is line 1, then 18 good lines
JOB_PAGE = re.compile(r"^/(imports|audit/verifications)/([0-9a-f]{32})$")


def example_with_a_bad_line() -> bytes:
    text = EXAMPLE.read_text(encoding="utf-8").rstrip("\n") + "\n" + BAD_LINE + "\n"
    return text.encode("utf-8")


def upload(
    client: TestClient, body: bytes, name: str = "employer.csv", media: str = "text/csv",
    **fields: str,
) -> Any:  # fmt: skip
    data = {"csrf": form_csrf(client, "/imports"), "kind": "", **fields}
    return client.post("/imports", data=data, files={"file": (name, body, media)})


def followed(client: TestClient, response: Any) -> str:
    """The job page a form sent the reader to, once its job has ended."""
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert JOB_PAGE.match(location), location
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status = client.get(location + "/status")
        assert status.status_code == 200, status.text
        if status.json()["finished"]:
            return str(location)
        time.sleep(0.05)
    raise AssertionError(f"the job at {location} did not finish")
