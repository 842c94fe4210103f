"""Language: gettext catalogues (Dutch, with English as the source text) and Belgian
notation for dates and numbers through Babel.

The catalogues are committed as ``.po`` files only and compiled in memory on first use, so
the wheel ships no build product that could fall out of step with its source. A language
has one ``.po`` file per part of the console (``console.po``, ``imports.po``...), read
together as one catalogue: a message is translated once, in the part that marks it.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime, get_timezone
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "console"
DEFAULT = "nl"
BRUSSELS = get_timezone("Europe/Brussels")  # the access log keeps UTC; readers are here
# The languages offered: the code kept in the session, Babel's locale, the page's lang.
LANGUAGES = {"nl": ("nl_BE", "nl-BE"), "en": ("en_BE", "en-BE")}


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The catalogue of a language; English is the source text itself."""
    parts = sorted((LOCALE_DIR / language / "LC_MESSAGES").glob("*.po"))
    if not parts:
        return gettext.NullTranslations()
    catalog = Catalog(locale=language, domain=DOMAIN)
    for po in parts:
        with po.open("rb") as source:
            for message in read_po(source, locale=language, domain=DOMAIN):
                if message.id:
                    catalog[message.id] = message
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


@dataclass(frozen=True)
class Speech:
    """One reader's language: translations and formats for the templates."""

    language: str

    @property
    def locale(self) -> Locale:
        return Locale.parse(LANGUAGES[self.language][0])

    @property
    def lang(self) -> str:
        return LANGUAGES[self.language][1]

    def gettext(self, message: str) -> str:
        return translations(self.language).gettext(message)

    def day(self, value: date | None) -> str:
        return "" if value is None else format_date(value, "medium", locale=self.locale)

    def moment(self, value: datetime) -> str:
        return format_datetime(value, "medium", tzinfo=BRUSSELS, locale=self.locale)

    @staticmethod
    def picker_moment(value: datetime | None) -> str:
        """A moment as a datetime-local field holds it: Brussels time, to the second."""
        if value is None:
            return ""
        return value.astimezone(BRUSSELS).replace(tzinfo=None).isoformat(timespec="seconds")

    def number(self, value: int | Decimal) -> str:
        return format_decimal(value, locale=self.locale)


def speech(language: str | None) -> Speech:
    return Speech(language if language in LANGUAGES else DEFAULT)
