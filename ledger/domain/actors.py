"""Who acted: the application records an actor with its role, ``staff:42 (backoffice)``."""

from __future__ import annotations


def person_of(actor: str) -> str:
    """The person behind an actor: the application adds the role, ``staff:42 (backoffice)``,
    and the same person in another role is still the same pair of eyes."""
    if actor.endswith(")") and " (" in actor:
        return actor.rsplit(" (", 1)[0]
    return actor
