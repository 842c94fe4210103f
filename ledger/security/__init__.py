"""Protecting citizens' data and the ledger: roles, the access log, keys, masking, hardening.

``roles`` (who may do what, as one table), ``guard`` (how a Ledger applies it), ``access_log``
and ``tables`` (who read whom), ``keys`` and ``sealing`` (encryption at rest and the key
check), ``db_roles`` and ``guard_sql`` (PostgreSQL roles and append-only triggers),
``inputs`` (free text at the edge). See docs/security.md.
"""
