"""JSON responses with exact amounts: a Decimal goes out as the number it is."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi.responses import JSONResponse

from cli.output import json_text


class LedgerJSON(JSONResponse):
    """The same documents as the command line's ``--json``, compact.

    Routes return it themselves (``document``): a dict returned plainly would go through
    FastAPI's encoder first, which writes a Decimal as a string."""

    def render(self, content: Any) -> bytes:
        return json_text(content, indent=None).encode("utf-8")


def document(
    content: Any, status_code: int = 200, headers: Mapping[str, str] | None = None
) -> LedgerJSON:
    return LedgerJSON(content, status_code=status_code, headers=dict(headers or {}))
