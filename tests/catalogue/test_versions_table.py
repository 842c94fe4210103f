"""The table of every rule version in docs/domain.md is made from the catalogue and kept
fresh: ``python -m ledger.catalogue.table`` rewrites it between its markers."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger.catalogue import load_catalogue
from ledger.catalogue.table import (
    DOCUMENT,
    END,
    REFRESH,
    START,
    MissingMarkersError,
    main,
    refreshed,
    versions_table,
)
from ledger.domain.catalogue import Catalogue

STALE = f"the versions table in docs/domain.md is stale: run {REFRESH} and commit docs/domain.md"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def rows(table: str) -> list[list[str]]:
    """The body rows of a Markdown table, split into cells."""
    lines = table.splitlines()[2:]
    return [[cell.strip() for cell in line.strip("| ").split(" | ")] for line in lines]


def test_the_versions_table_in_docs_domain_md_is_the_one_the_catalogue_makes(
    catalogue: Catalogue,
) -> None:
    document = DOCUMENT.read_text(encoding="utf-8")

    assert refreshed(document, versions_table(catalogue)) == document, STALE


def test_the_table_has_one_row_per_version_with_its_dates_value_and_sources(
    catalogue: Catalogue,
) -> None:
    versions = [v for code in sorted(catalogue.rights) for v in catalogue.rights[code].versions]

    table = rows(versions_table(catalogue))

    assert [row[1] for row in table] == [f"`{v.id}`" for v in versions]
    for row, version in zip(table, versions, strict=True):
        assert row[2] == version.effective_from.isoformat()
        assert row[3] == (f"`{version.corrects}`" if version.corrects else "-")
        for reference in version.references:  # a link, or a note that is no address
            linked = reference.startswith("https://") or reference.startswith("http://")
            assert (f"]({reference})" if linked else reference) in row[7]


def test_a_public_value_reads_in_euros_per_unit_with_the_label_of_its_basis(
    catalogue: Catalogue,
) -> None:
    table = {row[1]: row for row in rows(versions_table(catalogue))}

    assert table["`vov-hours@2025-09-01`"][6] == "EUR 14.91 per hour [S]"
    assert table["`training-vouchers@2019-09-01+c1`"][6] == "EUR 0.50 per euro [S]"
    assert table["`federal-training-days@2024-01-01+c1`"][6] == "none known"


def test_a_source_is_shortened_to_its_site_and_the_end_of_its_path(catalogue: Catalogue) -> None:
    table = {row[1]: row for row in rows(versions_table(catalogue))}

    assert (
        "[vlaanderen.be/.../aantal-uren-vlaams-opleidingsverlof-per-schooljaar]"
        "(https://www.vlaanderen.be/als-werknemer-vlaams-opleidingsverlof-opnemen/"
        "aantal-uren-vlaams-opleidingsverlof-per-schooljaar)"
    ) in table["`vov-hours@2021-09-01`"][7]


def test_refreshing_replaces_only_what_is_between_the_markers() -> None:
    document = f"# Title\n\nbefore\n{START}\nold table\n{END}\nafter\n"

    updated = refreshed(document, "| new |")

    assert updated == f"# Title\n\nbefore\n{START}\n| new |\n{END}\nafter\n"
    assert refreshed(updated, "| new |") == updated


@pytest.mark.parametrize(
    "document", ["no markers", f"{END}\n{START}\n", f"{START}\n{START}\n{END}\n"]
)
def test_a_document_without_one_pair_of_markers_in_order_is_refused(document: str) -> None:
    with pytest.raises(MissingMarkersError, match="versions:start"):
        refreshed(document, "| table |")


def test_the_command_writes_the_table_into_the_file_it_is_given(
    tmp_path: Path, catalogue: Catalogue, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "domain.md"
    target.write_text(f"intro\n{START}\n{END}\n", encoding="utf-8")

    main([str(target)])

    assert target.read_text(encoding="utf-8") == (
        f"intro\n{START}\n{versions_table(catalogue)}\n{END}\n"
    )
    assert capsys.readouterr().out == f"refreshed {target}\n"
