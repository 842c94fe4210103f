"""Invariants 1-7, event by event: one ``StreamAudit`` per account (stream.py) carries the
hash chain and the replay; the rule checks (checks.py, uses.py, caps.py, transitions.py,
conservation.py) run around each event's replay; snapshots.py holds each snapshot against
the replayed state. Nothing here reads the store: the verify driver feeds the records."""
