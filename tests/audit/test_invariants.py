"""Invariants 1-5: a well-chained event that breaks a rule is named with the rule and numbers.

The events are forged at the end of a stream through the recorder, as an insider with
write access could; the checks do not depend on the store, so these run in memory (the
tamper tests cover SQLite and PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from ledger.application import Ledger
from ledger.audit import Finding, Invariant, verify
from ledger.domain.account import Account
from tests.audit.support import ANNA, BERT, CLEO, SHOWN, build_population, forge
from tests.builders import EMPLOYER, FLANDERS, insz_born
from tests.stores import make_ledger

CLEO_LOT = "flemish-government/C-TV"  # 10000 cents of vouchers, usable until 2025-11-01
OUTCOME = {"right": "training-vouchers", "lot": CLEO_LOT, "amount": 10000}


@pytest.fixture
def population() -> Iterator[Ledger]:
    ledger = make_ledger("memory")
    build_population(ledger)
    yield ledger
    ledger.close()


def breaches(ledger: Ledger) -> list[tuple[str, int | None, str, int]]:
    return [(f.citizen, f.version, f.event, int(f.invariant)) for f in verify(ledger).findings]


def only_finding(ledger: Ledger) -> Finding:
    findings = verify(ledger).findings
    assert len(findings) == 1, [f.line() for f in findings]
    return findings[0]


def use(on: date, right: str, amount: int, draws: list[list[object]]) -> dict[str, object]:
    return {
        "on": on,
        "right": right,
        "amount": amount,
        "draws": draws,
        "training": "T",
        "provider": "P",
        "source": None,
        "reference": "FORGED",
        "batch": None,
        "line": None,
    }


def status_change(to: str, on: date, start: str = "employee") -> dict[str, object]:
    return {
        "on": on,
        "from_status": start,
        "to_status": to,
        "source": None,
        "reference": None,
        "batch": None,
        "line": None,
    }


def test_an_expiry_of_more_than_was_left_breaks_conservation(population: Ledger) -> None:
    version = forge(
        population,
        CLEO,
        Account.RightExpired,
        on=date(2025, 11, 1),
        rule_version="training-vouchers@2019-09-01",
        **{**OUTCOME, "amount": 4000},
    )

    finding = only_finding(population)

    assert (finding.citizen, finding.version, finding.invariant) == (
        SHOWN[CLEO],
        version,
        Invariant.CONSERVATION,
    )
    assert (finding.expected, finding.found) == ("10000", "4000")


def test_an_expiry_before_the_lots_expiry_date_is_a_loss(population: Ledger) -> None:
    version = forge(
        population,
        CLEO,
        Account.RightExpired,
        on=date(2025, 6, 1),
        rule_version="training-vouchers@2019-09-01",
        **OUTCOME,
    )

    finding = only_finding(population)

    assert (finding.version, finding.invariant) == (version, Invariant.CONSERVATION)
    assert "before its expiry date" in finding.message


def test_a_use_whose_draws_do_not_add_up_to_its_amount_breaks_conservation(
    population: Ledger,
) -> None:
    version = forge(
        population,
        CLEO,
        Account.RightUsed,
        **use(date(2024, 10, 2), "training-vouchers", 900, [[CLEO_LOT, 500]]),
    )

    finding = only_finding(population)

    assert (finding.version, finding.invariant, finding.expected, finding.found) == (
        version,
        Invariant.CONSERVATION,
        "900",
        "500",
    )


def test_a_use_in_a_status_where_the_right_is_not_usable_is_named(population: Ledger) -> None:
    version = forge(
        population,
        ANNA,
        Account.RightUsed,
        **use(date(2025, 3, 1), "training-vouchers", 100, [["flemish-government/A-TV", 100]]),
    )

    found = breaches(population)

    assert (SHOWN[ANNA], version, "RightUsed", 3) in found
    assert {invariant for *_, invariant in found} == {2, 3}  # and nothing was usable


def test_a_use_drawing_from_a_lot_that_never_existed_is_named_and_stops_the_replay(
    population: Ledger,
) -> None:
    version = forge(
        population,
        CLEO,
        Account.RightUsed,
        **use(date(2024, 10, 2), "training-vouchers", 10, [["nowhere/X", 10]]),
    )

    found = breaches(population)

    assert (SHOWN[CLEO], version, "RightUsed", 3) in found
    assert (SHOWN[CLEO], version, "RightUsed", 6) in found


def test_a_status_change_that_leaves_a_lot_without_outcome_is_named(population: Ledger) -> None:
    version = forge(
        population, CLEO, Account.StatusChanged, **status_change("jobseeker", date(2025, 1, 1))
    )

    finding = only_finding(population)

    assert (finding.citizen, finding.version, finding.event, finding.invariant) == (
        SHOWN[CLEO],
        version,
        "StatusChanged",
        Invariant.NOTHING_LOST_AT_TRANSITION,
    )
    assert CLEO_LOT in finding.message


def test_a_forfeit_where_the_catalogue_suspends_is_named(population: Ledger) -> None:
    forge(population, CLEO, Account.StatusChanged, **status_change("jobseeker", date(2025, 1, 1)))
    version = forge(
        population,
        CLEO,
        Account.RightForfeited,
        on=date(2025, 1, 1),
        status="jobseeker",
        legal_basis="none really",
        rule_version="training-vouchers@2019-09-01",
        **OUTCOME,
    )

    finding = only_finding(population)

    assert (finding.version, finding.invariant) == (version, Invariant.NOTHING_LOST_AT_TRANSITION)
    assert (finding.expected, finding.found) == ("suspend", "forfeit")


def test_a_forfeit_that_cites_no_legal_basis_is_named(population: Ledger) -> None:
    population.grant_right(CLEO, "vov-hours", 40, date(2024, 10, 2), EMPLOYER, "C-VOV")
    forge(population, CLEO, Account.StatusChanged, **status_change("retired", date(2025, 1, 1)))
    version = forge(
        population,
        CLEO,
        Account.RightForfeited,
        on=date(2025, 1, 1),
        status="retired",
        legal_basis=" ",
        rule_version="vov-hours@2021-09-01",
        right="vov-hours",
        lot=f"{EMPLOYER}/C-VOV",
        amount=40,
    )
    forge(
        population,
        CLEO,
        Account.RightSuspended,
        on=date(2025, 1, 1),
        status="retired",
        legal_basis="kept",
        **OUTCOME,
    )

    finding = only_finding(population)

    assert (finding.version, finding.invariant) == (version, Invariant.NOTHING_LOST_AT_TRANSITION)
    assert "no legal basis" in finding.message


def test_a_grant_beyond_the_cap_of_its_school_year_is_named(population: Ledger) -> None:
    version = forge(
        population,
        BERT,
        Account.RightGranted,
        on=date(2024, 9, 2),
        right="vov-hours",
        lot=f"{EMPLOYER}/B-MORE",
        amount=24950,  # minor units: 249.5 hours, on top of Bert's 1 hour
        expires_on=date(2025, 9, 1),
        rule_version="vov-hours@2021-09-01",
        source=EMPLOYER,
        reference="B-MORE",
        batch=None,
        line=None,
    )

    finding = only_finding(population)

    assert (finding.citizen, finding.version, finding.invariant) == (
        SHOWN[BERT],
        version,
        Invariant.CAPS_PER_PERIOD,
    )
    assert (finding.expected, finding.found) == ("at most 250", "250.5")


def test_a_forged_event_with_unreadable_values_is_named_and_the_audit_goes_on(
    population: Ledger,
) -> None:
    version = forge(
        population,
        BERT,
        Account.RightGranted,
        on="soon",
        right="vov-hours",
        lot="x/y",
        amount="lots",
        expires_on=None,
        rule_version="?",
        source="x",
        reference="y",
        batch=None,
        line=None,
    )

    found = breaches(population)

    assert found
    assert {(citizen, at) for citizen, at, _, _ in found} == {(SHOWN[BERT], version)}


def test_a_use_given_back_by_a_reversal_no_longer_counts_against_the_cap(
    population: Ledger,
) -> None:
    dora = insz_born("950505")
    population.open_account(dora, "employee", date(2024, 9, 1))
    population.grant_right(dora, "vov-hours", 250, date(2024, 9, 1), EMPLOYER, "D-VOV")
    used = population.use_right(dora, "vov-hours", 200, date(2024, 10, 1), "T", "P", "D-U1")
    population.reverse_entry(dora, used.account_version, "wrong training", date(2024, 10, 2))
    population.use_right(dora, "vov-hours", 200, date(2024, 10, 3), "T", "P", "D-U2")

    report = verify(population)

    assert report.ok, [f.line() for f in report.findings]


def test_a_reversal_that_gives_back_more_than_its_entry_moved_is_named(
    population: Ledger,
) -> None:
    used = population.use_right(CLEO, "training-vouchers", 500, date(2024, 10, 2), "T", "P", "U")
    version = forge(
        population,
        CLEO,
        Account.EntryReversed,
        on=date(2024, 10, 3),
        entry=used.account_version,
        entry_event="RightUsed",
        right="training-vouchers",
        amount=999,
        restores=[[CLEO_LOT, 500, "usable"]],
        reason="forged",
    )

    finding = only_finding(population)

    assert (finding.version, finding.invariant, finding.expected, finding.found) == (
        version,
        Invariant.CONSERVATION,
        "500",
        "999",
    )


def test_a_lot_whose_rule_text_changed_since_its_grant_is_named(population: Ledger) -> None:
    version = forge(
        population,
        BERT,
        Account.RightGranted,
        on=date(2025, 3, 3),
        right="vov-hours",
        lot="employer:0566988259/OLD-TEXT",
        amount=100,
        expires_on=date(2025, 9, 1),
        rule_version="vov-hours@2021-09-01",
        source=EMPLOYER,
        reference="OLD-TEXT",
        batch=None,
        line=None,
        employer=None,
        rule_hash="0" * 64,  # the text it was granted under is not the catalogue's now
    )

    found = only_finding(population)

    assert (found.invariant, found.version) == (Invariant.RULE_TEXT_UNCHANGED, version)
    assert "without a corrigendum" in found.message


def test_a_grant_records_the_hash_of_its_rule_text(population: Ledger) -> None:
    grants = [
        e for e in population.repository.event_store.get(population.account_id_for(BERT))
        if isinstance(e, Account.RightGranted)
    ]  # fmt: skip

    assert grants and all(
        g.rule_hash == population.catalogue.rule(g.rule_version).content_hash for g in grants
    )


def a_second_voucher_lot(ledger: Ledger) -> str:
    """Cleo's second lot of vouchers, granted after the population's history: it expires
    after her first (2025-11-01)."""
    ledger.grant_right(CLEO, "training-vouchers", 5000, date(2025, 9, 2), FLANDERS, "C-TV2")
    account: Account = ledger.repository.get(ledger.account_id_for(CLEO))
    later = account.lots["flemish-government/C-TV2"]
    assert later.expires_on is None or later.expires_on > date(2025, 11, 1)
    return later.lot_id


def test_a_use_drawing_a_later_expiry_while_an_earlier_lot_has_units_is_named(
    population: Ledger,
) -> None:
    later = a_second_voucher_lot(population)
    version = forge(
        population,
        CLEO,
        Account.RightUsed,
        **use(date(2025, 9, 3), "training-vouchers", 100, [[later, 100]]),
    )

    finding = only_finding(population)

    assert (finding.version, finding.invariant) == (version, Invariant.NO_NEGATIVE_LOT)
    assert f"while lot {CLEO_LOT}, which expires earlier (2025-11-01)" in finding.message
    assert "earliest expiry first" in finding.message


def test_a_use_after_a_hold_lapsed_draws_the_earlier_lot_the_lapse_gave_back(
    population: Ledger,
) -> None:
    later = a_second_voucher_lot(population)
    on = date(2025, 9, 2)
    population.reserve(
        CLEO, "training-vouchers", 10000, on, "T-1", "C-B1", hold_until=on, provider="P"
    )
    # The use lapses the hold first, then draws: from the lot it gave back, not the later one.
    population.use_right(CLEO, "training-vouchers", 100, date(2025, 9, 3), "T-2", "P", "C-U1")

    account: Account = population.repository.get(population.account_id_for(CLEO))
    assert account.lots[CLEO_LOT].remaining == 9900
    assert account.lots[later].remaining == 5000
    assert verify(population).findings == []


def test_a_use_after_a_hold_lapsed_that_drew_the_later_lot_is_named(population: Ledger) -> None:
    later = a_second_voucher_lot(population)
    on = date(2025, 9, 2)
    population.reserve(
        CLEO, "training-vouchers", 10000, on, "T-1", "C-B1", hold_until=on, provider="P"
    )
    population.expire_all(date(2025, 9, 3))  # the hold lapses: the earlier lot is whole again
    version = forge(
        population,
        CLEO,
        Account.RightUsed,
        **use(date(2025, 9, 3), "training-vouchers", 100, [[later, 100]]),
    )

    finding = only_finding(population)

    assert (finding.version, finding.invariant) == (version, Invariant.NO_NEGATIVE_LOT)
    assert f"lot {CLEO_LOT}, which expires earlier (2025-11-01), keeps 10000" in finding.message


def test_a_lot_granted_late_before_a_use_was_not_there_for_it_to_draw_first(
    population: Ledger,
) -> None:
    population.use_right(CLEO, "training-vouchers", 100, date(2025, 9, 10), "T-2", "P", "C-U1")
    # Recorded after the use, dated before it, expiring before the lot the use drew from.
    population.grant_right(
        CLEO, "training-vouchers", 5000, date(2025, 9, 5), FLANDERS, "C-LATE", date(2025, 10, 1)
    )
    account: Account = population.repository.get(population.account_id_for(CLEO))
    assert account.lots["flemish-government/C-LATE"].remaining == 5000

    assert verify(population).findings == []
