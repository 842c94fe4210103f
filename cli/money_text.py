"""The money report for a terminal (three tables), and its rows for CSV and JSON.

The read models keep euro cents; everything printed is in euros with two decimals.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from cli.output import table
from ledger.projections.money_report import Money, MoneyReport, MoneyRow

AMOUNT_HEADERS = ("purchased own", "purchased public", "redeemed own", "redeemed public",
                  "refunded own", "refunded public", "net public")  # fmt: skip
AMOUNT_KEYS = tuple(h.replace(" ", "_") for h in AMOUNT_HEADERS)
UNKNOWN_NOTE = (
    "shares unknown: money events whose share the catalogue does not price (a career "
    "voucher's public value); their cents are not in that share's sums."
)


def euros(cents: int) -> Decimal:
    """Cents as an exact number of euros with two decimals (12500 -> 125.00)."""
    return Decimal(cents).scaleb(-2)


def amounts(money: Money) -> list[Decimal]:
    return [euros(getattr(money, key)) for key in AMOUNT_KEYS]


def unknown_shares(money: Money) -> str:
    counts = (("own", money.own_unknown), ("public", money.public_unknown))
    return ", ".join(f"{share}: {count}" for share, count in counts if count) or "-"


def money_text(report: MoneyReport) -> str:
    period = report.period or "all periods"
    if not report.rows:
        return f"Money of the bookings ({period}), in euros\n\nno bookings with a price"
    providers = table(
        ("right", "provider", "kind", *AMOUNT_HEADERS, "shares unknown"),
        [(r.right, r.provider, r.kind, *amounts(r.money), unknown_shares(r.money))
         for r in report.rows],
    )  # fmt: skip
    kinds = totals_table("provider kind", report.by_kind)
    rights = totals_table("right", report.by_right)
    return "\n".join([
        f"Money of the bookings ({period}), in euros", "", providers, "",
        "Totals per kind of provider", "", kinds, "", "Totals per right", "", rights, "",
        UNKNOWN_NOTE,
    ])  # fmt: skip


def totals_table(label: str, totals: dict[str, Money]) -> str:
    return table(
        (label, *AMOUNT_HEADERS, "shares unknown"),
        [(name, *amounts(money), unknown_shares(money)) for name, money in totals.items()],
    )


def money_flat(row: MoneyRow) -> dict[str, Any]:
    """A row for CSV and JSON: amounts in euros (exact, two decimals), the unknown counts."""
    money = row.money
    return {
        "right": row.right, "provider": row.provider, "kind": row.kind,
        **dict(zip(AMOUNT_KEYS, amounts(money), strict=True)),
        "own_unknown": money.own_unknown, "public_unknown": money.public_unknown,
    }  # fmt: skip


def totals_flat(name: str, totals: dict[str, Money]) -> list[dict[str, Any]]:
    return [
        {name: key, **dict(zip(AMOUNT_KEYS, amounts(m), strict=True)),
         "own_unknown": m.own_unknown, "public_unknown": m.public_unknown}
        for key, m in totals.items()
    ]  # fmt: skip
