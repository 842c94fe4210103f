"""Dutch by default, English at the reader's choice, Belgian notation in both, and a
catalogue that translates every message the code marks."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from tests.builders import INSZ
from tests.console.browsing import citizen_page, form_csrf, sign_in, text_of
from tests.console.catalogue import CONSOLE, marked_messages, refusal_templates
from tests.llr import Llr

DUTCH = CONSOLE / "locale" / "nl" / "LC_MESSAGES"


def catalogue(path: Path) -> dict[str, str]:
    with path.open("rb") as source:
        return {str(m.id): str(m.string) for m in read_po(source) if m.id}


def dutch_parts() -> dict[str, dict[str, str]]:
    return {po.name: catalogue(po) for po in sorted(DUTCH.glob("*.po"))}


def test_pages_are_in_dutch_for_belgium_by_default(console: TestClient) -> None:
    page = console.get("/sign-in")

    assert '<html lang="nl-BE">' in page.text
    assert "Meld u aan met het API-token" in text_of(page.text)


def test_the_english_switch_changes_the_language_of_every_page_and_keeps_belgian_notation(
    with_account: Llr, console: TestClient
) -> None:
    switched = console.post("/language", data={"choice": "en", "back": "/sign-in",
                                               "csrf": form_csrf(console)})  # fmt: skip
    assert (switched.status_code, switched.headers["location"]) == (303, "/sign-in")
    sign_in(console, "backoffice")  # the choice outlives the sign-in

    words = text_of(citizen_page(console, INSZ))

    assert "Citizen 93.05.18-223.61" in words
    assert "vov-hours Usable 125 hours" in words
    assert "01 Sept 2024" in words  # Babel's en_BE: day first
    assert "granted 125 = used 0 + reserved 0" in words
    assert '<html lang="en-BE">' in console.get("/").text


def test_the_language_switch_goes_back_only_to_a_console_page(console: TestClient) -> None:
    csrf = form_csrf(console)

    sent = console.post("/language", data={"choice": "en", "back": "https://evil.example/",
                                           "csrf": csrf})  # fmt: skip

    assert sent.headers["location"] == "/"


def test_every_marked_message_has_a_dutch_translation_and_none_is_left_over() -> None:
    dutch = {m: text for part in dutch_parts().values() for m, text in part.items()}
    marked = marked_messages() | refusal_templates()  # the Ledger's, in refusals.po

    assert sorted(m for m in marked if not dutch.get(m)) == []
    assert sorted(set(dutch) - marked) == []


def test_no_message_is_translated_in_two_parts_of_the_catalogue() -> None:
    seen: dict[str, str] = {}
    twice = []
    for name, part in dutch_parts().items():
        twice += [f"{m!r} in {seen[m]} and {name}" for m in part if m in seen]
        seen.update(dict.fromkeys(part, name))

    assert twice == []
