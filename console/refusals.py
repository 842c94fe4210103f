"""A refusal of the Ledger in the reader's words: the console shows the rule's message
next to the field it is about, prefixed so the reader sees it is the ledger's answer."""

from __future__ import annotations

from api.routes.common import in_http_terms
from console.i18n import Speech
from console.words import N_
from ledger.domain.errors import LedgerError

REFUSED = N_("Refused:")


def refusal_text(error: LedgerError, speech: Speech) -> str:
    """``Refused: <the Ledger's message>``, its option names turned into field names."""
    return f"{speech.gettext(REFUSED)} {in_http_terms(error)}"
