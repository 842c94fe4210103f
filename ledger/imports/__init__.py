"""Bulk imports: files of grants, uses and status changes, validated, idempotent, resumable.

``import_file`` is the entry point; see ``importer.py``. The file contract (fields, kinds)
is in docs/design.md, "Import files".
"""

from ledger.imports.importer import import_file
from ledger.imports.readers import FORMATS, ImportFileError
from ledger.imports.report import ImportSummary, Reject
from ledger.imports.settings import ImportSettings, default_workers

__all__ = [
    "FORMATS",
    "ImportFileError",
    "ImportSettings",
    "ImportSummary",
    "Reject",
    "default_workers",
    "import_file",
]
