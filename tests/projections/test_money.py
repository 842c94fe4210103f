"""The money of the bookings: the projection, ``llr report money`` (table, CSV, JSON), the
period filter, the public/private split asked of the registry, and a rebuild."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

import pytest
from click.testing import CliRunner

from cli.main import cli
from ledger.application import Ledger
from ledger.projections.money_report import Money, money, provider_kind
from ledger.projections.rebuild import rebuild
from ledger.projections.runner import catch_up_all
from tests.builders import CAREER, FLANDERS, HIGH, LOW, VOUCHERS, open_employee
from tests.stores import Store, dump

PRIVATE_KBO = "0403170701"
PUBLIC_KBO = "0200065765"
CENTRE_KBO = "0811111111"  # a career guidance centre the registry does not know
HYPERLINK = '=HYPERLINK("http://x")'  # a provider named as free text before the registry


class Registry:
    """A registry of providers that knows two of them."""

    def provider_is_public(self, kbo: str) -> bool | None:
        return {PUBLIC_KBO: True, PRIVATE_KBO: False}.get(kbo)


def book_vouchers(store: Store) -> None:
    """Training vouchers (EUR 500, half paid by the worker) and one career voucher:
    a partial confirm, a cancel, a lapse and a full confirm, over three quarters."""
    ledger = store.ledger
    open_employee(ledger, LOW, date(2026, 1, 2))
    ledger.grant_right(LOW, VOUCHERS, "500", date(2026, 1, 5), FLANDERS, "TV-1")
    ledger.reserve(LOW, VOUCHERS, "250", date(2026, 2, 2), "OPL-1", "B-1", provider=PRIVATE_KBO)
    ledger.confirm(LOW, "B-1", date(2026, 3, 2), "150")
    ledger.reserve(LOW, VOUCHERS, "100", date(2026, 3, 10), "OPL-2", "B-2", provider=PUBLIC_KBO)
    ledger.cancel(LOW, "B-2", date(2026, 4, 1), "the course was full")
    ledger.reserve(LOW, VOUCHERS, "50", date(2026, 5, 4), "OPL-3", "B-3",
                   hold_until=date(2026, 5, 31), provider=PRIVATE_KBO)  # fmt: skip
    ledger.expire_all(date(2026, 7, 1))  # B-3 lapses on 1 June
    open_employee(ledger, HIGH, date(2026, 1, 2))
    ledger.record_fact(HIGH, "work-experience", "8", date(2026, 9, 1))
    ledger.grant_right(HIGH, CAREER, "1", date(2026, 12, 1), FLANDERS, "LC-1")
    ledger.reserve(HIGH, CAREER, "1", date(2026, 12, 10), "GUIDE-1", "C-1", provider=CENTRE_KBO)
    ledger.confirm(HIGH, "C-1", date(2026, 12, 15))
    catch_up_all(ledger)


@pytest.fixture
def booked(store: Store) -> Store:
    book_vouchers(store)
    return store


@pytest.fixture
def with_registry(booked: Store, monkeypatch: pytest.MonkeyPatch) -> Store:
    # On the class: ``llr`` builds a Ledger of its own.
    monkeypatch.setattr(Ledger, "registry", Registry())
    return booked


def sums(report_money: Money) -> tuple[int, ...]:
    m = report_money
    return (m.purchased_own, m.purchased_public, m.redeemed_own, m.redeemed_public,
            m.refunded_own, m.refunded_public, m.own_unknown, m.public_unknown)  # fmt: skip


def llr(store: Store, *args: str) -> str:
    env = {
        "LLR_DATABASE": store.settings.database,
        "LLR_ID_KEY": store.settings.id_key.decode(),
        "LLR_ROLE": "auditor",
    }
    result = CliRunner().invoke(cli, ["report", "money", *args], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_each_booking_counts_its_purchase_redeem_and_refunds_against_its_provider(
    booked: Store,
) -> None:
    rows = {(r.right, r.provider): sums(r.money) for r in money(booked.ledger).rows}

    assert rows == {
        # Half of EUR 250 + EUR 50 bought; half of EUR 150 redeemed; EUR 100 + EUR 50 refunded.
        (VOUCHERS, PRIVATE_KBO): (15000, 15000, 7500, 7500, 7500, 7500, 0, 0),
        (VOUCHERS, PUBLIC_KBO): (5000, 5000, 0, 0, 5000, 5000, 0, 0),  # cancelled
        # EUR 40 of the worker's; the public share is not priced: reserve, redeem, refund.
        (CAREER, CENTRE_KBO): (4000, 0, 4000, 0, 0, 0, 0, 3),
    }


def test_every_flow_counts_in_the_quarter_of_its_own_event(booked: Store) -> None:
    first = {r.provider: sums(r.money) for r in money(booked.ledger, "2026-Q1").rows}
    second = {r.provider: sums(r.money) for r in money(booked.ledger, "2026-Q2").rows}
    year = {r.provider: sums(r.money) for r in money(booked.ledger, "2026").rows}

    assert first == {
        PRIVATE_KBO: (12500, 12500, 7500, 7500, 5000, 5000, 0, 0),
        PUBLIC_KBO: (5000, 5000, 0, 0, 0, 0, 0, 0),
    }
    assert second == {  # the cancel on 1 April; B-3 bought in May and lapsed on 1 June
        PRIVATE_KBO: (2500, 2500, 0, 0, 2500, 2500, 0, 0),
        PUBLIC_KBO: (0, 0, 0, 0, 5000, 5000, 0, 0),
    }
    assert year == {r.provider: sums(r.money) for r in money(booked.ledger).rows}
    assert money(booked.ledger, "2027").rows == []


def test_a_period_that_is_neither_a_year_nor_a_quarter_is_refused(booked: Store) -> None:
    result = CliRunner().invoke(
        cli, ["report", "money", "--period", "2026-Q5"],
        env={"LLR_DATABASE": booked.settings.database, "LLR_ROLE": "auditor",
             "LLR_ID_KEY": booked.settings.id_key.decode()},
    )  # fmt: skip

    assert (result.exit_code, result.stdout) == (1, "")
    assert "--period '2026-Q5': a year (2027) or a calendar quarter (2027-Q1)" in result.stderr


def test_without_a_registry_that_answers_every_provider_is_of_unknown_kind(booked: Store) -> None:
    report = money(booked.ledger)

    assert provider_kind(booked.ledger, PUBLIC_KBO) == "unknown"
    assert {r.kind for r in report.rows} == {"unknown"}
    assert report.by_kind["public"] == report.by_kind["private"] == Money()


def test_the_registry_splits_public_money_between_public_and_private_providers(
    with_registry: Store,
) -> None:
    report = money(with_registry.ledger)

    assert [(r.provider, r.kind) for r in report.rows] == [
        (CENTRE_KBO, "unknown"), (PUBLIC_KBO, "public"), (PRIVATE_KBO, "private"),
    ]  # fmt: skip
    assert sums(report.by_kind["private"]) == (15000, 15000, 7500, 7500, 7500, 7500, 0, 0)
    assert report.by_kind["private"].net_public == 7500
    assert sums(report.by_kind["public"]) == (5000, 5000, 0, 0, 5000, 5000, 0, 0)
    assert sums(report.by_right[VOUCHERS]) == (20000, 20000, 7500, 7500, 12500, 12500, 0, 0)
    assert sums(report.by_right[CAREER]) == (4000, 0, 4000, 0, 0, 0, 0, 3)


def test_the_table_prints_euros_with_two_decimals_and_the_totals(with_registry: Store) -> None:
    shown = llr(with_registry)

    assert "Money of the bookings (all periods), in euros" in shown
    private = next(line for line in shown.splitlines() if PRIVATE_KBO in line)
    assert private.split() == [VOUCHERS, PRIVATE_KBO, "private", "150.00", "150.00", "75.00",
                               "75.00", "75.00", "75.00", "75.00", "-"]  # fmt: skip
    assert "Totals per kind of provider" in shown and "Totals per right" in shown
    centre = next(line for line in shown.splitlines() if CENTRE_KBO in line)
    assert centre.endswith("public: 3")


def test_json_gives_euros_as_exact_numbers_with_the_totals(with_registry: Store) -> None:
    document = json.loads(llr(with_registry, "--period", "2026", "--json"))

    assert (document["report"], document["period"], document["lag"]) == ("money", "2026", 0)
    private = next(r for r in document["rows"] if r["provider"] == PRIVATE_KBO)
    assert private == {
        "right": VOUCHERS, "provider": PRIVATE_KBO, "kind": "private",
        "purchased_own": 150, "purchased_public": 150, "redeemed_own": 75,
        "redeemed_public": 75, "refunded_own": 75, "refunded_public": 75, "net_public": 75,
        "own_unknown": 0, "public_unknown": 0,
    }  # fmt: skip
    assert [k["kind"] for k in document["by_kind"]] == ["public", "private", "unknown"]
    assert [r["right"] for r in document["by_right"]] == [CAREER, VOUCHERS]
    assert '"redeemed_public": 75.00' in llr(with_registry, "--json")


def test_csv_has_a_row_per_right_and_provider_with_amounts_in_euros(booked: Store) -> None:
    rows = list(csv.DictReader(io.StringIO(llr(booked, "--period", "2026-Q2", "--csv"))))

    assert [(r["provider"], r["purchased_public"], r["refunded_public"]) for r in rows] == [
        (PUBLIC_KBO, "0.00", "50.00"), (PRIVATE_KBO, "25.00", "25.00"),
    ]  # fmt: skip


def test_a_provider_named_like_a_formula_is_defused_in_the_csv(store: Store) -> None:
    open_employee(store.ledger, LOW, date(2026, 1, 2))
    store.ledger.grant_right(LOW, VOUCHERS, "500", date(2026, 1, 5), FLANDERS, "TV-1")
    store.ledger.reserve(LOW, VOUCHERS, "20", date(2026, 2, 2), "OPL-1", "B-1", provider=HYPERLINK)
    catch_up_all(store.ledger)

    rows: list[dict[str, Any]] = list(csv.DictReader(io.StringIO(llr(store, "--csv"))))

    assert [r["provider"] for r in rows] == ["'" + HYPERLINK]


def test_a_rebuild_of_the_money_projection_gives_the_same_rows(booked: Store) -> None:
    before = dump(booked.settings)

    counts = rebuild(booked.ledger, ["money"], batch_size=4)

    assert counts == {"money": booked.ledger.recorder.max_notification_id()}
    assert dump(booked.settings) == before
    assert before["money_totals"] and before["money_bookings"]
