"""llr serve: the ledger as a JSON HTTP API (``app.py`` builds it).

The service is one more writer over the same ``Ledger`` commands as the command line: one
Ledger per process, and per request a view of it acting in the caller's role
(``Ledger.acting_as``). The caller's identity and role come from their credential only
(``auth.py``); a refusal is a problem document (RFC 9457) with the command line's message
(``problems.py``).
"""
