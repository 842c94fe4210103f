from datetime import date

from ledger.application import Ledger


def test_a_granted_right_shows_in_the_balance(ledger: Ledger) -> None:
    ledger.open_account("93051822361", "employee", date(2024, 9, 1))
    ledger.grant_right(
        "93051822361", "vov-hours", 125, date(2024, 9, 1), "employer:0566988259", "VOV-1"
    )

    report = ledger.balance("93051822361")

    assert [(r.right, r.usable) for r in report.rights] == [("vov-hours", 125)]
