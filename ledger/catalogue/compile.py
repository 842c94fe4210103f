"""Regenerate the shipped catalogue's compiled form: ``python -m ledger.catalogue.compile``.

Run it after editing any file in ``ledger/catalogue/rules/`` and commit the rewritten
``rules/compiled.json`` with the edit. Until then every command validates the rule files
itself (correct, only slower) and tests/catalogue fails.
"""

from __future__ import annotations

from pathlib import Path

from ledger.catalogue.loader import load_catalogue
from ledger.catalogue.shipped import COMPILED_FILE, compiled_text, rules_stamp


def compile_rules(folder: Path) -> Path:
    """Validate the rule files in ``folder`` and write their compiled form beside them."""
    text = compiled_text(load_catalogue(folder), rules_stamp(folder))
    target = folder / COMPILED_FILE
    target.write_text(text, encoding="utf-8")
    return target


def main() -> None:
    print(f"wrote {compile_rules(Path(__file__).with_name('rules'))}")


if __name__ == "__main__":
    main()
