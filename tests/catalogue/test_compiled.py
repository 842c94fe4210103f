"""The shipped catalogue's compiled form: equal to the validated rule files, never stale."""

from __future__ import annotations

import fnmatch
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from ledger.catalogue import compiled_or_loaded, default_catalogue, load_catalogue, shipped
from ledger.catalogue.compile import compile_rules
from ledger.catalogue.shipped import (
    COMPILED_FILE,
    SHIPPED_RULES,
    compiled_text,
    read_compiled,
    rules_stamp,
)
from ledger.domain.errors import CatalogueError

ROOT = Path(__file__).resolve().parents[2]
REGENERATE = "stale: run python -m ledger.catalogue.compile and commit rules/compiled.json"


@pytest.fixture
def copied(tmp_path: Path) -> Path:
    """The shipped rules folder, compiled form included, copied to edit."""
    for entry in SHIPPED_RULES.iterdir():
        (tmp_path / entry.name).write_bytes(entry.read_bytes())
    return tmp_path


def test_the_committed_compiled_form_is_what_the_loader_builds_from_the_rule_files() -> None:
    expected = compiled_text(load_catalogue(SHIPPED_RULES), rules_stamp(SHIPPED_RULES))
    committed = SHIPPED_RULES.joinpath(COMPILED_FILE).read_text(encoding="utf-8")
    assert committed == expected, REGENERATE


def test_the_compiled_form_reads_back_equal_to_the_validated_catalogue_in_the_same_order() -> None:
    compiled, validated = read_compiled(SHIPPED_RULES), load_catalogue(SHIPPED_RULES)
    assert compiled is not None, REGENERATE
    assert compiled == validated
    assert list(compiled.rights) == list(validated.rights)
    assert list(compiled.sector_funds) == list(validated.sector_funds)
    for code, right in compiled.rights.items():
        for ours, theirs in zip(right.versions, validated.rights[code].versions, strict=True):
            assert list(ours.transitions) == list(theirs.transitions)


def test_the_default_catalogue_is_the_compiled_form() -> None:
    assert default_catalogue() == read_compiled(SHIPPED_RULES)


def test_the_default_catalogue_needs_neither_the_loader_nor_pydantic_models() -> None:
    probe = (
        "import sys\n"
        "from ledger.catalogue import default_catalogue\n"
        "assert default_catalogue().rights\n"
        "print(sorted(m for m in ('ledger.catalogue.loader', 'pydantic.main', 'tomllib')"
        " if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_an_unedited_copy_is_served_from_its_compiled_form(copied: Path) -> None:
    assert read_compiled(copied) == load_catalogue(copied)


def test_an_edited_rule_file_is_never_served_from_the_stale_compiled_form(copied: Path) -> None:
    rule_file = copied / "vov-hours.toml"
    rule_file.write_text(
        rule_file.read_text(encoding="utf-8").replace("80%", "81%", 1), encoding="utf-8"
    )
    assert read_compiled(copied) is None
    catalogue = compiled_or_loaded(copied)
    assert catalogue == load_catalogue(copied) != load_catalogue(SHIPPED_RULES)
    assert any("81%" in version.summary for version in catalogue.right("vov-hours").versions)


def test_a_one_byte_edit_such_as_a_comment_is_enough_to_skip_the_compiled_form(
    copied: Path,
) -> None:
    with (copied / "sector-funds.toml").open("ab") as handle:
        handle.write(b"#")
    assert read_compiled(copied) is None


def test_an_edit_that_breaks_a_rule_file_is_refused_not_served_stale(copied: Path) -> None:
    (copied / "vov-hours.toml").write_text("code = 'vov-hours'\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"vov-hours\.toml"):
        compiled_or_loaded(copied)


def test_an_added_rule_file_is_not_served_from_the_stale_compiled_form(copied: Path) -> None:
    (copied / "extra.toml").write_bytes((copied / "vov-hours.toml").read_bytes())
    assert read_compiled(copied) is None


def test_a_removed_rule_file_is_not_served_from_the_stale_compiled_form(copied: Path) -> None:
    (copied / "career-vouchers.toml").unlink()
    assert read_compiled(copied) is None
    assert "career-vouchers" not in compiled_or_loaded(copied).rights


def test_a_renamed_rule_file_is_not_served_from_the_stale_compiled_form(copied: Path) -> None:
    (copied / "sector-funds.toml").rename(copied / "sector-fund.toml")
    assert read_compiled(copied) is None


def test_a_new_format_version_stops_the_committed_compiled_form_matching(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(shipped, "FORMAT_VERSION", shipped.FORMAT_VERSION + 1)
    assert read_compiled(SHIPPED_RULES) is None


@pytest.mark.parametrize("content", [None, b"", b"{not json", b'{"stamp": 1}', b"[]"])
def test_a_missing_or_unreadable_compiled_form_falls_back_to_the_rule_files(
    copied: Path, content: bytes | None
) -> None:
    target = copied / COMPILED_FILE
    if content is None:
        target.unlink()
    else:
        target.write_bytes(content)
    assert read_compiled(copied) is None
    assert compiled_or_loaded(copied) == load_catalogue(SHIPPED_RULES)


def test_a_damaged_body_under_a_matching_stamp_falls_back_to_the_rule_files(copied: Path) -> None:
    stamp = rules_stamp(copied)
    (copied / COMPILED_FILE).write_text(f'{{"stamp": "{stamp}", "rights": [{{}}]}}', "utf-8")
    assert read_compiled(copied) is None


def test_regenerating_after_an_edit_makes_the_compiled_form_match_again(copied: Path) -> None:
    (copied / "career-vouchers.toml").unlink()
    compile_rules(copied)
    assert read_compiled(copied) == load_catalogue(copied)


def test_the_wheel_carries_the_compiled_form() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = project["tool"]["setuptools"]["package-data"]["ledger.catalogue"]
    assert any(fnmatch.fnmatch(f"rules/{COMPILED_FILE}", pattern) for pattern in patterns)
