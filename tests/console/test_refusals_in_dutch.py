"""The Ledger's refusals said in Dutch on the console: every refusal the Ledger's commands
raise keeps its template apart from its values, every template has its Dutch sentence with
the same fields, and the page fills it in with Belgian dates and amounts."""

from __future__ import annotations

import ast
import html
import string
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from console.i18n import speech
from console.refusals import refusal_text
from ledger.domain import errors
from ledger.domain.errors import NOTHING, Phrase
from tests.builders import FEDERAL, INSZ
from tests.console.browsing import citizen_page, csrf_of, sign_in
from tests.console.catalogue import LEDGER, refusal_templates
from tests.console.test_actions import GRANT, USE, error_of
from tests.console.test_language import dutch_parts
from tests.llr import Llr

# Where the commands the console (and the API) call raise their refusals: each one made
# with a template (``because``), so it can be said in the reader's language.
COMMAND_MODULES = (
    *sorted((LEDGER / "domain").glob("*.py")),
    LEDGER / "application.py", LEDGER / "commands.py", LEDGER / "parsing.py",
    LEDGER / "review_cases.py", LEDGER / "security" / "roles.py",
    LEDGER / "registry" / "application.py", LEDGER / "projections" / "reports.py",
)  # fmt: skip
# Refusals that pass on a sentence made elsewhere: a fact value's parse error, and the
# registry's own account of why it does not recognise a training (said in English).
PASSED_ON = {"domain/fact_writes.py InvalidInputError", "domain/offers.py NotInRegistryError"}
# Refusals whose constructor fills in its own template.
SELF_EXPLAINED = {"NoRuleInForceError", "UnknownRightError", "LateFactConflictError"}
LEDGER_ERRORS = {
    name for name, value in vars(errors).items()
    if isinstance(value, type) and issubclass(value, errors.LedgerError)
}  # fmt: skip


def fields(template: str) -> set[tuple[str, str | None, str]]:
    return {(f, c, s) for _, f, s, c in string.Formatter().parse(template) if f is not None}


def refusals_with_a_message_but_no_template(module: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            name = getattr(node.exc.func, "id", None)
            where = f"{module.relative_to(LEDGER)} {name}"
            if name in LEDGER_ERRORS - SELF_EXPLAINED and node.exc.args and where not in PASSED_ON:
                found.append(f"{where} (line {node.lineno})")
    return found


def test_every_refusal_the_commands_raise_is_made_with_a_template() -> None:
    found = [line for m in COMMAND_MODULES for line in refusals_with_a_message_but_no_template(m)]

    assert found == []


def test_every_template_has_its_dutch_sentence_with_the_same_fields() -> None:
    dutch = dutch_parts()["refusals.po"]
    templates = refusal_templates()

    assert sorted(templates - set(dutch)) == []
    assert sorted(set(dutch) - templates) == []
    assert [t for t in templates if fields(dutch[t]) - fields(t)] == []


@pytest.mark.parametrize(
    ("error", "dutch"),
    [
        (errors.NoRuleInForceError("vov-hours", date(2019, 1, 2), date(2020, 1, 1)),
         "Geweigerd: recht 'vov-hours' heeft geen regel die geldt op 2 jan 2019: de eerste "
         "versie begint op 1 jan 2020"),
        (errors.InsufficientBalanceError.because(
            "a use of {right} of {right_2!r} on {on} exceeds the usable balance of "
            "{right_3}{at}{on_track}{extra}", right="200.5", right_2="vov-hours",
            on=date(2025, 3, 3), right_3="125.25", at=NOTHING,
            on_track=Phrase(" on the {track} track", track="own-choice"),
            extra=Phrase(" ({suspended} more are suspended)", suspended="4.5")),
         "Geweigerd: een gebruik van 200,5 van 'vov-hours' op 3 mrt 2025 overschrijdt "
         "het bruikbare saldo van 125,25 op het traject own-choice (nog 4,5 zijn geschorst)"),
        (errors.LedgerError.because("batch {self_id} already finished at {self_finished_at}",
                                    self_id="B", self_finished_at=datetime(2025, 3, 3, 9,
                                                                           tzinfo=UTC)),
         "Geweigerd: batch B werd al afgesloten op 3 mrt 2025, 10:00:00"),
        (errors.AmountNotPositiveError("a message without a template"),
         "Geweigerd: a message without a template"),
    ],
)  # fmt: skip
def test_a_refusal_is_said_in_dutch_with_belgian_dates_and_the_ledgers_values(
    error: errors.LedgerError, dutch: str
) -> None:
    assert refusal_text(error, speech("nl")) == dutch
    assert refusal_text(error, speech("en")) == f"Refused: {error}"


def test_an_amount_the_ledger_writes_alone_is_shown_in_belgian_notation() -> None:
    error = errors.LedgerError.because(
        "{name} {value}: must be at most {max_minor} {unit}",
        name="amount", value="2.5", max_minor="1000000.25", unit="hours",
    )  # fmt: skip

    assert refusal_text(error, speech("nl")) == (
        "Geweigerd: amount 2,5: mag hoogstens 1.000.000,25 hours zijn"
    )


def test_a_grant_dated_before_the_account_is_refused_in_dutch_next_to_its_date(
    with_account: Llr, console: TestClient
) -> None:
    sign_in(console, "backoffice")
    csrf = csrf_of(citizen_page(console, INSZ))

    refused = console.post(
        "/citizen/grant", data={**GRANT, "on": "2024-08-01", "source": FEDERAL, "csrf": csrf}
    )

    assert refused.status_code == 409
    assert error_of(refused.text, "grant-on") == (
        "Geweigerd: datum 1 aug 2024 ligt voor de opening van de rekening (1 sep 2024)"
    )  # fmt: skip


def test_a_use_beyond_the_balance_is_refused_in_english_for_an_english_reader(
    with_account: Llr, console: TestClient
) -> None:
    sign_in(console, "backoffice")
    csrf = csrf_of(citizen_page(console, INSZ))
    console.post("/language", data={"choice": "en", "back": "/citizen", "csrf": csrf})

    refused = console.post("/citizen/use", data={**USE, "csrf": csrf})

    assert html.unescape(error_of(refused.text, "use-amount")) == (
        "Refused: a use of 200 of 'vov-hours' on 2025-03-03 exceeds the usable balance of 125 "
        "on the own-choice track"
    )
