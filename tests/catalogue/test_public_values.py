"""The public value of a rule version: loaded as whole cents per unit, checked, shipped
with its source, and never part of the rule text a grant records."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger.catalogue import load_catalogue
from ledger.domain.catalogue import Catalogue, PublicValue
from tests.test_rules import VALID, edit, refusal

EXPIRY = 'expiry = { kind = "end-of-school-year" }\n'


def valued(per_unit: str, basis: str = '"test basis: what a unit costs"') -> str:
    return edit(
        VALID, EXPIRY, f"{EXPIRY}public_value = {{ per_unit = {per_unit}, basis = {basis} }}\n"
    )


def loaded(tmp_path: Path, text: str) -> Catalogue:
    (tmp_path / "demo.toml").write_text(text, encoding="utf-8")
    return load_catalogue(tmp_path)


@pytest.fixture(scope="module")
def shipped() -> Catalogue:
    return load_catalogue()


@pytest.mark.parametrize(
    ("per_unit", "cents"), [("21.30", 2130), ("14.91", 1491), ("0.5", 50), ("21", 2100), ("0", 0)]
)
def test_a_public_value_in_euros_is_kept_as_whole_cents_per_unit(
    tmp_path: Path, per_unit: str, cents: int
) -> None:
    version = loaded(tmp_path, valued(per_unit)).rule("demo@2020-01-01")

    assert version.public_value == PublicValue(cents, "test basis: what a unit costs")


def test_a_version_without_a_public_value_has_none(tmp_path: Path) -> None:
    assert loaded(tmp_path, VALID).rule("demo@2020-01-01").public_value is None


@pytest.mark.parametrize(
    ("per_unit", "basis", "problem"),
    [
        ("-1", '"b"', "versions[0].public_value.per_unit: -1.0: a public value cannot be negative"),
        (
            "21.305",
            '"b"',
            "versions[0].public_value.per_unit: 21.305: a public value is counted to the cent",
        ),
        ('"21.30"', '"b"', "versions[0].public_value.per_unit: Input should be a valid number"),
        ("nan", '"b"', "versions[0].public_value.per_unit: Input should be a finite number"),
        ("21.30", '" "', "versions[0].public_value.basis: must not be empty"),
    ],
)
def test_a_malformed_public_value_is_refused_naming_the_field_and_the_rule(
    tmp_path: Path, per_unit: str, basis: str, problem: str
) -> None:
    assert problem in refusal(tmp_path, valued(per_unit, basis))


def test_a_public_value_needs_its_basis(tmp_path: Path) -> None:
    text = edit(VALID, EXPIRY, f"{EXPIRY}public_value = {{ per_unit = 21.30 }}\n")
    assert "versions[0].public_value.basis: Field required" in refusal(tmp_path, text)


def test_the_content_hash_does_not_depend_on_the_public_value(tmp_path: Path) -> None:
    without = loaded(tmp_path, VALID).rule("demo@2020-01-01")
    with_value = loaded(tmp_path, valued("21.30")).rule("demo@2020-01-01")
    other_value = loaded(tmp_path, valued("14.91")).rule("demo@2020-01-01")

    assert with_value.public_value != other_value.public_value
    assert without.content_hash == with_value.content_hash == other_value.content_hash


@pytest.mark.parametrize(
    ("version_id", "cents"),
    [
        ("vov-hours@2019-09-01", 2130),
        ("vov-hours@2021-09-01", 2130),
        ("vov-hours@2025-09-01", 1491),
        ("training-vouchers@2019-09-01", 50),
        ("training-vouchers@2019-09-01+c1", 50),
    ],
)
def test_the_shipped_public_values_are_the_figures_their_sources_give(
    shipped: Catalogue, version_id: str, cents: int
) -> None:
    value = shipped.rule(version_id).public_value

    assert value is not None and value.cents_per_unit == cents
    assert value.basis.startswith("[S] ") and "https://" in value.basis


@pytest.mark.parametrize("right", ["federal-training-days", "career-vouchers"])
def test_rights_without_a_sourced_public_value_have_none(shipped: Catalogue, right: str) -> None:
    assert all(v.public_value is None for v in shipped.right(right).versions)


def test_a_shipped_corrigendum_keeps_the_public_value_of_the_version_it_corrects(
    shipped: Catalogue,
) -> None:
    corrigenda = [v for r in shipped.rights.values() for v in r.versions if v.corrects]

    assert corrigenda
    for version in corrigenda:
        assert version.public_value == shipped.rule(version.corrects or "").public_value
