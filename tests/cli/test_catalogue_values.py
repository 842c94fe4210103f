"""llr catalogue show: each version's public value with its basis, beside its id, dates,
sources, hash and what it corrects."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger.catalogue import default_catalogue
from tests.llr import Llr
from tests.stores import TEST_ID_KEY


@pytest.fixture
def no_store(tmp_path: Path) -> Llr:
    return Llr({"LLR_DATABASE": str(tmp_path / "absent.sqlite3"), "LLR_ID_KEY": TEST_ID_KEY})


def version_blocks(text: str) -> dict[str, str]:
    """Each ``version ID (...)`` paragraph of ``catalogue show``, by version id."""
    blocks = [block for block in text.split("\n\n") if block.startswith("version ")]
    return {block.split()[1]: block for block in blocks}


def test_catalogue_show_prints_each_version_with_its_public_value_and_basis(
    no_store: Llr,
) -> None:
    blocks = version_blocks(no_store.ok("catalogue", "show", "vov-hours").stdout)

    assert "public value: EUR 21.30 per hour (basis: [S] " in blocks["vov-hours@2021-09-01"]
    assert "public value: EUR 14.91 per hour (basis: [S] " in blocks["vov-hours@2025-09-01"]
    assert "tijdelijke-technische-aanpassingen" in blocks["vov-hours@2025-09-01"]


def test_catalogue_show_says_when_no_public_value_is_known(no_store: Llr) -> None:
    blocks = version_blocks(no_store.ok("catalogue", "show", "federal-training-days").stdout)

    assert blocks and all("public value: none known" in block for block in blocks.values())


def test_catalogue_show_lists_every_version_with_its_date_sources_hash_and_corrigendum(
    no_store: Llr,
) -> None:
    right = default_catalogue().right("training-vouchers")

    blocks = version_blocks(no_store.ok("catalogue", "show", right.code).stdout)

    assert list(blocks) == [v.id for v in right.versions]
    for version in right.versions:
        block = blocks[version.id]
        corrects = f", corrects {version.corrects}" if version.corrects else ""
        assert f"(from {version.effective_from}{corrects})" in block
        assert f"rule text hash: {version.content_hash}" in block
        assert f"sources: {', '.join(sorted(version.sources))}" in block


def test_catalogue_show_json_gives_each_version_its_public_value(no_store: Llr) -> None:
    shown = no_store.json("catalogue", "show", "training-vouchers")

    values = {v["id"]: v["public_value"] for v in shown["versions"]}
    assert {v["per_unit_eur"] for v in values.values()} == {0.5}
    assert all(v["basis"].startswith("[S] ") for v in values.values())
