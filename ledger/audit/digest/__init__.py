"""Tamper evidence across the whole ledger: the Merkle root over the streams' heads
(hashing.py), the sealed digest taken and read back (digest.py), and the check of a later
store against it (digest_check.py). docs/audit.md describes the format for other code."""
