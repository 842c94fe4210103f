"""What the tests of the action forms share: a signed-in page's CSRF token, and the
refusal a page shows next to a field."""

from __future__ import annotations

import re
from html import unescape

from fastapi.testclient import TestClient

from tests.builders import INSZ
from tests.console.browsing import citizen_page, csrf_of, sign_in


def error_of(page: str, field: str) -> str:
    """The message under the field of this id (``<form>-<field>``), as the reader reads it."""
    found = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', page)
    return unescape(found.group(1)) if found else ""


def signed_on_page(console: TestClient, token: str = "backoffice") -> str:
    """Signed in with ``token``, the citizen in view: the session's CSRF token."""
    sign_in(console, token)
    return csrf_of(citizen_page(console, INSZ))
