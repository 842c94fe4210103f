"""llr catalogue list / show: the rules in force, without touching any store."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.llr import Llr
from tests.stores import TEST_ID_KEY


@pytest.fixture
def no_store(tmp_path: Path) -> Llr:
    """``llr`` pointed at a file that does not exist: catalogue commands must not need it."""
    return Llr({"LLR_DATABASE": str(tmp_path / "absent.sqlite3"), "LLR_ID_KEY": TEST_ID_KEY})


def test_catalogue_list_names_every_right_type_and_the_sector_funds(no_store: Llr) -> None:
    listing = no_store.json("catalogue", "list", "--as-of", "2024-09-01")

    codes = {right["code"] for right in listing["rights"]}
    vov = next(r for r in listing["rights"] if r["code"] == "vov-hours")
    assert {
        "vov-hours",
        "training-vouchers",
        "career-vouchers",
        "federal-training-days",
        "sector-training-hours",
    } <= codes
    assert vov["in_force"] == "vov-hours@2024-09-01"
    assert "cevora" in {fund["code"] for fund in listing["sector_funds"]}


def test_catalogue_list_text_is_a_table(no_store: Llr) -> None:
    text = no_store.ok("catalogue", "list").stdout

    assert text.startswith("right ")
    assert "vov-hours" in text
    assert not (Path(no_store.env["LLR_DATABASE"])).exists()


def test_catalogue_show_gives_policies_with_legal_basis_expiry_and_caps(no_store: Llr) -> None:
    right = no_store.json("catalogue", "show", "federal-training-days")

    latest = right["versions"][-1]
    assert right["unit"] == "days"
    assert latest["usable_in"] == ["employee"]
    assert latest["transitions"]["jobseeker"]["outcome"] == "forfeit"
    assert latest["transitions"]["jobseeker"]["legal_basis"]
    assert latest["expiry"]["months"] == 60
    assert latest["caps"] == []  # a minimum per employer, not a ceiling (a corrigendum)
    assert right["versions"][-2]["caps"][0]["limit"] == 5  # the version it corrects
    assert latest["references"]


def test_catalogue_show_text_lists_each_version(no_store: Llr) -> None:
    text = no_store.ok("catalogue", "show", "vov-hours").stdout

    assert "version vov-hours@2019-09-01 (from 2019-09-01)" in text
    assert "retired: forfeit: " in text


def test_catalogue_show_of_an_unknown_right_is_refused(no_store: Llr) -> None:
    message = no_store.refused("catalogue", "show", "nope-hours")

    assert "unknown right 'nope-hours'" in message


def test_catalogue_list_with_a_malformed_date_is_refused(no_store: Llr) -> None:
    message = no_store.refused("catalogue", "list", "--as-of", "01/09/2024")

    assert "--as-of '01/09/2024'" in message


def test_catalogue_show_gives_each_version_s_rule_text_hash_and_what_it_corrects(
    llr: Llr,
) -> None:
    shown = llr.json("catalogue", "show", "federal-training-days")

    versions = shown["versions"]
    assert [len(v["content_hash"]) for v in versions] == [64] * len(versions)
    corrigenda = {v["id"]: v["corrects"] for v in versions if v["corrects"]}
    assert corrigenda["federal-training-days@2022-01-01+c1"] == "federal-training-days@2022-01-01"
    assert versions[-1]["employment_end"]["resignation"]["outcome"] == "forfeit"
    assert "rule text hash: " in llr.ok("catalogue", "show", "federal-training-days").stdout
