"""``llr reserve``, ``llr confirm``, ``llr cancel`` and the lapse by ``llr expire``, on every
backend: what each prints, what the balance and the trail then show, and refusals."""

from __future__ import annotations

import pytest

from tests.builders import INSZ
from tests.llr import Llr

PROVIDER = "0403170701"


@pytest.fixture
def with_vouchers(ready: Llr) -> Llr:
    ready.ok("open", INSZ, "--on", "2026-09-01", "--employer", "0566988259", "--fte", "1")
    ready.ok(
        "grant", INSZ, "training-vouchers", "250", "--source", "flemish-government",
        "--on", "2026-09-02", "--ref", "TV-1",
    )  # fmt: skip
    return ready


def reserve(llr: Llr, amount: str, ref: str, *extra: str) -> dict[str, object]:
    return llr.json(
        "reserve", INSZ, "training-vouchers", amount, "--training", f"OPL-{ref}",
        "--provider", PROVIDER, "--on", "2026-10-01", "--ref", ref, *extra,
    )  # fmt: skip


def test_a_reservation_shows_as_reserved_with_its_booking_in_the_balance(
    with_vouchers: Llr,
) -> None:
    outcome = reserve(with_vouchers, "200", "B-1", "--enrolment", "ENR-1")
    assert (outcome["result"], outcome["events"]) == ("applied", ["UnitsReserved"])

    vouchers = with_vouchers.json("balance", INSZ)["rights"]["training-vouchers"]

    assert (vouchers["usable"], vouchers["reserved"]) == (50, 200)
    [held] = vouchers["reservations"]
    assert (held["reference"], held["enrolment"], held["hold_until"]) == (
        "B-1", "ENR-1", "2026-11-29",  # the catalogue's 60 days
    )  # fmt: skip
    text = with_vouchers.ok("balance", INSZ).stdout
    assert "training-vouchers: 50 euro usable, 0 suspended, 200 reserved" in text
    assert "reserved 200 euro (ref B-1) for training OPL-B-1 at 0403170701" in text


def test_a_partial_confirm_and_a_cancel_leave_the_identity_balanced(with_vouchers: Llr) -> None:
    reserve(with_vouchers, "200", "B-1")
    reserve(with_vouchers, "50", "B-2")
    with_vouchers.ok("confirm", INSZ, "B-1", "--on", "2026-10-15", "--amount", "150")
    with_vouchers.ok("cancel", INSZ, "B-2", "--on", "2026-10-16", "--reason", "course full")

    text = with_vouchers.ok("explain", INSZ, "training-vouchers").stdout

    assert text.splitlines()[-1] == (
        "granted 250 = used 150 + reserved 0 + expired 0 + forfeited 0 + usable 100 + "
        "suspended 0  (balanced)"
    )
    assert "refund EUR 25 own + EUR 25 public" in text
    trail = with_vouchers.json("report", "trail", "--event", "ReservationCancelled")
    assert "course full" in str(trail)


def test_the_expiry_run_lapses_a_hold_past_its_date(with_vouchers: Llr) -> None:
    reserve(with_vouchers, "100", "B-1", "--hold-until", "2026-10-31")

    summary = with_vouchers.json("expire", "--as-of", "2026-11-01")

    assert (summary["holds_lapsed"], summary["lots_expired"]) == (1, 0)
    assert [e["event"] for e in with_vouchers.history()["entries"]][-1] == "ReservationLapsed"
    assert with_vouchers.json("balance", INSZ)["rights"]["training-vouchers"]["usable"] == 250


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("confirm", INSZ, "B-9", "--on", "2026-10-15"), "reservation 'B-9': this account holds"),
        (("confirm", INSZ, "B-1", "--on", "2026-10-15", "--amount", "300"), "at most the 100"),
        (("confirm", INSZ, "B-1", "--on", "2026-10-15", "--amount", "x"), "--amount"),
        (("cancel", INSZ, "B-1", "--on", "2026-09-30", "--reason", "x"), "2026-09-30"),
        (
            ("reserve", INSZ, "training-vouchers", "500", "--training", "T", "--provider",
             PROVIDER, "--on", "2026-10-02", "--ref", "B-2"),
            "exceeds the usable balance of 150",
        ),
        (
            ("reserve", INSZ, "training-vouchers", "10", "--training", "T", "--provider",
             PROVIDER, "--on", "2026-10-02", "--ref", "B-3", "--hold-until", "2026-10-01"),
            "--hold-until 2026-10-01",
        ),
    ],
)  # fmt: skip
def test_bad_bookings_are_refused_with_a_message_that_names_the_input(
    with_vouchers: Llr, args: tuple[str, ...], message: str
) -> None:
    reserve(with_vouchers, "100", "B-1")
    before = len(with_vouchers.history()["entries"])

    assert message in with_vouchers.refused(*args)
    assert len(with_vouchers.history()["entries"]) == before
