"""Protecting citizens' data and the ledger: roles, the access log, keys, masking, hardening.

``roles`` (who may do what, as one table), ``guard`` (how a Ledger applies it), ``access_log``
(who read whom), ``keys`` and ``store_key`` (encryption at rest; the store bound to its
cipher key and the key checked at each opening), ``db_roles`` (the plan of PostgreSQL roles
and grants), ``inputs`` (free text at the edge). The tables they use, and the database
roles and append-only triggers, are the store's (``ledger/store/``). See docs/security.md.
"""
