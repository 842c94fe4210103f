"""Bulk imports: files of grants, uses and status changes, validated, idempotent, resumable.

``import_file`` is the entry point; see ``importer.py``. The file contract (fields, kinds)
is in docs/design.md, "Import files".
"""

from ledger.imports.chunks import ImportSettings
from ledger.imports.importer import import_file
from ledger.imports.readers import FORMATS, ImportFileError
from ledger.imports.report import ImportSummary, Reject

__all__ = [
    "FORMATS",
    "ImportFileError",
    "ImportSettings",
    "ImportSummary",
    "Reject",
    "import_file",
]
