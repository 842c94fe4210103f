"""A refusal of the Ledger in the reader's words: the console shows the rule's message
next to the field it is about, prefixed so the reader sees it is the ledger's answer.

The Ledger raises its refusals in English and keeps each one's template and values apart
(``LedgerError.because``). In Dutch the console looks the template up in the catalogue
(``refusals.po``) and fills in the same values in Belgian notation: dates as ``1 sep
2024``, amounts as ``2,5``. A refusal without a template, or one the catalogue lacks, is
shown as the Ledger said it (a test keeps the catalogue complete).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from api.routes.common import in_field_terms
from console.i18n import Speech
from console.words import N_
from ledger.domain.errors import LedgerError, Phrase

REFUSED = N_("Refused:")
# An amount as the Ledger writes it in a message (amounts.text): digits, a point, digits.
DECIMAL_TEXT = re.compile(r"-?\d+\.\d+")


def refusal_text(error: LedgerError, speech: Speech) -> str:
    """``Refused: <the Ledger's message>``, said in the reader's language, its option
    names turned into field names."""
    return f"{speech.gettext(REFUSED)} {in_field_terms(said(error, speech))}"


def said(error: LedgerError | Phrase, speech: Speech) -> str:
    if error.template is None:
        return str(error)
    template = speech.gettext(error.template) if error.template else ""
    if template == error.template:  # English, or not in the catalogue
        return str(error)
    return template.format(**{name: noted(v, speech) for name, v in error.values.items()})


def noted(value: object, speech: Speech) -> object:
    """A value in the reader's notation; any other value as the Ledger gave it (so a
    template's ``!r`` or ``:02d`` applies to it as in English)."""
    if isinstance(value, Phrase):
        return said(value, speech)
    if isinstance(value, datetime):
        return speech.moment(value)
    if isinstance(value, date):
        return speech.day(value)
    if isinstance(value, str) and DECIMAL_TEXT.fullmatch(value):
        return speech.number(Decimal(value))
    return value
