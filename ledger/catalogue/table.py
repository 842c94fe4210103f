"""The table of every rule version and its sources in docs/domain.md, made from the catalogue.

The table sits between ``<!-- versions:start -->`` and ``<!-- versions:end -->`` in
docs/domain.md. ``python -m ledger.catalogue.table [FILE]`` rewrites what is between the
markers from the rule files, so the table never drifts from what the ledger enforces; a
test fails while the committed block differs. Run it after editing a rule file (with
``python -m ledger.catalogue.compile``) and commit docs/domain.md with the edit.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

from ledger.catalogue.loader import load_catalogue
from ledger.domain.catalogue import Catalogue, RuleVersion

START = "<!-- versions:start -->"
END = "<!-- versions:end -->"
DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "domain.md"
REFRESH = "python -m ledger.catalogue.table"
HEADERS = (
    "right",
    "version",
    "in force from",
    "corrects",
    "unit",
    "caps (in the unit)",
    "public value",
    "sources",
)


class MissingMarkersError(ValueError):
    """The document does not hold the pair of markers the table goes between."""


def versions_table(catalogue: Catalogue) -> str:
    """A Markdown table: one row per version, rights in code order, versions in theirs."""
    rows = [
        _row(version)
        for code in sorted(catalogue.rights)
        for version in catalogue.rights[code].versions
    ]
    lines = [_line(HEADERS), _line(["---"] * len(HEADERS)), *(_line(row) for row in rows)]
    return "\n".join(lines)


def refreshed(document: str, table: str) -> str:
    """``document`` with the text between the markers replaced by ``table``."""
    start, end = document.find(START), document.find(END)
    if start < 0 or end < start or document.count(START) != 1 or document.count(END) != 1:
        raise MissingMarkersError(
            f"the document must hold {START} once, then {END} once: the versions table "
            "goes between them"
        )
    return f"{document[: start + len(START)]}\n{table}\n{document[end:]}"


def _row(version: RuleVersion) -> list[str]:
    unit = version.unit.value
    return [
        f"`{version.right}`",
        f"`{version.id}`",
        version.effective_from.isoformat(),
        f"`{version.corrects}`" if version.corrects else "-",
        unit,
        "; ".join(cap.describe(unit) for cap in version.caps) or "none",
        _public_value(version),
        ", ".join(_link(reference) for reference in version.references),
    ]


def _public_value(version: RuleVersion) -> str:
    value = version.public_value
    if value is None:
        return "none known"
    euros = Decimal(value.cents_per_unit).scaleb(-2)
    label = value.basis[:3] if value.basis[:1] == "[" and value.basis[2:3] == "]" else ""
    per = version.unit.value.removesuffix("s")
    return f"EUR {euros:.2f} per {per}" + (f" {label}" if label else "")


def _link(url: str) -> str:
    """``[vlaanderen.be/.../last-part](url)``: the site and the end of the path."""
    parts = urlsplit(url)
    site = parts.netloc.removeprefix("www.")
    segments = [segment for segment in parts.path.split("/") if segment]
    if not site:
        return url
    elided = ".../" if len(segments) > 1 else ""
    shown = f"{site}/{elided}{segments[-1]}" if segments else site
    return f"[{shown}]({url})"


def _line(cells: list[str] | tuple[str, ...]) -> str:
    return "| " + " | ".join(_cell(cell) for cell in cells) + " |"


def _cell(text: str) -> str:
    # A pipe would end the cell; a line break would end the row.
    return text.replace("|", "\\|").replace("\n", " ")


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else DOCUMENT
    text = target.read_text(encoding="utf-8")
    updated = refreshed(text, versions_table(load_catalogue()))
    target.write_text(updated, encoding="utf-8")
    print(f"{'refreshed' if updated != text else 'up to date:'} {target}")


if __name__ == "__main__":
    main()
