"""Commands that write bring the read models up to date before they return."""

from __future__ import annotations

from tests.builders import INSZ
from tests.llr import ADMIN, Llr


def lags(llr: Llr) -> dict[str, int]:
    status = llr.json("projections", "status", **ADMIN)
    return {row["name"]: row["lag"] for row in status}


def test_after_a_grant_and_a_use_every_read_model_has_caught_up(with_account: Llr) -> None:
    with_account.ok(
        "use", INSZ, "vov-hours", "5", "--on", "2024-10-01", "--training", "T",
        "--provider", "P", "--ref", "U-1",
    )  # fmt: skip

    assert set(lags(with_account).values()) == {0}
