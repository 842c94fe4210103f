"""Hostile input at every free-text and number argument of the command line.

Huge fields, control characters, lone surrogates (bytes that were not UTF-8), SQL and CSV
formula injection, enormous numbers: each case ends in success or a clear refusal (exit 1
with ``error: ...``, or a usage error, exit 2), never a traceback, and a refusal leaves
the store unchanged. Examples are few per test (the store is real), so the whole file runs
in well under a minute on both backends.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ledger.application import Ledger
from tests.builders import EMPLOYER, INSZ, OTHER_INSZ
from tests.llr import Llr
from tests.stores import ledger_on

FORMULAS = ["=cmd|' /C calc'!A0", "+SUM(1+1)*cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)"]
SQL = ["'; DROP TABLE stored_events; --", "1 OR 1=1", "x'); DELETE FROM ledger_events; --"]
CONTROL = ["\x00", "\x1b[2J\x1b[H", "line\nbreak", "tab\there", "\r", "\u202eevil", "\x7f"]
BAD_BYTES = ["\udcff\udcfe", "caf\udce9"]  # how Python hands over argv bytes that are not UTF-8
NUMBERS = ["9" * 5000, "1" * 40, "-" + "9" * 30, "1e309", "0x10", "٣", "NaN", "+5"]

hostile_text = st.one_of(
    st.sampled_from(FORMULAS + SQL + CONTROL + BAD_BYTES + NUMBERS + ["", " "]),
    st.text(max_size=30),
    st.text(alphabet=st.characters(categories=["Cc", "Cs", "Cf", "Zl"]), min_size=1, max_size=5),
    st.integers(min_value=201, max_value=20_000).map(lambda n: "x" * n),
)


def fits_in_environment(text: str) -> bool:
    """What an environment variable can hold: no NUL, and bytes (surrogateescape)."""
    try:
        text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def store(with_account: Llr, cli_env: dict[str, str]) -> Iterator[tuple[Llr, Ledger]]:
    """The account of ``with_account``, and a Ledger to count its events with."""
    counter = ledger_on(cli_env["LLR_DATABASE"])
    yield with_account, counter
    counter.close()


def events(ledger: Ledger) -> int:
    return ledger.recorder.max_notification_id() or 0


def ends_cleanly(store: tuple[Llr, Ledger], *args: str) -> None:
    """Success, or a refusal with a message and no change: never a traceback."""
    llr, counter = store
    before = events(counter)

    result = llr.runner.invoke(llr_cli(), list(args), env=llr.env)  # catch everything

    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"traceback for {args!r}: {result.exception!r}"
    )
    assert result.exit_code in (0, 1, 2), result.output
    if result.exit_code == 1:
        assert result.stderr.startswith("error: ") and result.stdout == ""
    if result.exit_code:
        assert events(counter) == before
    assert "\x1b" not in result.stdout  # stored or given text never steers a terminal


def llr_cli() -> object:
    from cli.main import cli

    return cli


@FUZZ
@given(reference=hostile_text)
@example(reference=FORMULAS[0])
@example(reference="x" * 100_000)
def test_a_hostile_reference_in_a_grant_ends_cleanly(
    store: tuple[Llr, Ledger], reference: str
) -> None:
    ends_cleanly(
        store, "grant", INSZ, "vov-hours", "1", "--source", EMPLOYER, "--on", "2024-09-02",
        "--ref", reference,
    )  # fmt: skip


@FUZZ
@given(training=hostile_text, provider=hostile_text)
@example(training=FORMULAS[0], provider=SQL[0])
@example(training="\x1b[2J", provider="\udcff")
def test_hostile_training_and_provider_in_a_use_end_cleanly(
    store: tuple[Llr, Ledger], training: str, provider: str
) -> None:
    ends_cleanly(
        store, "use", INSZ, "vov-hours", "1", "--on", "2024-10-01", "--training", training,
        "--provider", provider, "--ref", f"U-{len(training)}-{len(provider)}",
    )  # fmt: skip
    ends_cleanly(store, "history", INSZ, "--reason", "fuzz")  # whatever landed prints safely


@FUZZ
@given(amount=hostile_text, right=hostile_text)
@example(amount="9" * 5000, right="vov-hours")
@example(amount="1" * 40, right="vov-hours")
def test_hostile_amounts_and_rights_end_cleanly(
    store: tuple[Llr, Ledger], amount: str, right: str
) -> None:
    ends_cleanly(
        store, "grant", INSZ, right, amount, "--source", EMPLOYER, "--on", "2024-09-02",
        "--ref", "AMOUNT-FUZZ",
    )  # fmt: skip


@FUZZ
@given(insz=hostile_text, source=hostile_text, on=hostile_text)
@example(insz="9" * 5000, source=SQL[0], on="2024-13-01")
def test_hostile_insz_source_and_dates_end_cleanly(
    store: tuple[Llr, Ledger], insz: str, source: str, on: str
) -> None:
    ends_cleanly(
        store, "grant", insz, "vov-hours", "1", "--source", source, "--on", on, "--ref", "R"
    )


@FUZZ
@given(reason=hostile_text, event_id=hostile_text)
@example(reason=FORMULAS[0], event_id="2")
@example(reason="\x00", event_id="9" * 5000)
def test_a_hostile_reason_or_event_id_in_a_reversal_ends_cleanly(
    store: tuple[Llr, Ledger], reason: str, event_id: str
) -> None:
    ends_cleanly(store, "reverse", INSZ, event_id, "--reason", reason, "--on", "2024-09-02")


@FUZZ
@given(reason=hostile_text, as_of=hostile_text, known_at=hostile_text)
@example(reason="x" * 5000, as_of="2024-09-01", known_at="9" * 5000)
def test_hostile_reads_end_cleanly(
    store: tuple[Llr, Ledger], reason: str, as_of: str, known_at: str
) -> None:
    ends_cleanly(store, "balance", INSZ, "--reason", reason, "--as-of", as_of)
    ends_cleanly(store, "history", INSZ, "--reason", "fuzz", "--known-at", known_at)
    ends_cleanly(store, "access-log", INSZ)


@FUZZ
@given(status=hostile_text, education=hostile_text, role=hostile_text.filter(fits_in_environment))
@example(status="employee", education="=1+1", role="importer:" + "9" * 5000)
def test_hostile_status_education_and_role_end_cleanly(
    store: tuple[Llr, Ledger], status: str, education: str, role: str
) -> None:
    llr, _ = store
    ends_cleanly(store, "open", OTHER_INSZ, "--status", status, "--on", "2024-09-01",
                 "--education", education)  # fmt: skip
    llr.env["LLR_ROLE"], saved = role, llr.env["LLR_ROLE"]
    try:
        ends_cleanly(store, "balance", INSZ, "--reason", "fuzz")
    finally:
        llr.env["LLR_ROLE"] = saved
