"""The back-office console: server-rendered pages on the same service and Ledger as the
HTTP API (``llr serve`` serves both; the pages at ``/``, the API under ``/api/v1``).

Nothing here reads a citizen by another path: every page reads through the Ledger view
acting as the signed-in person, so the role check and the access log are the API's.
"""

from console.mount import mount

__all__ = ["mount"]
