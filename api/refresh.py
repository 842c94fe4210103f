"""After a bulk write (an import, an expiry): the read models brought up to date at once."""

from __future__ import annotations

import logging

from ledger.application import Ledger

log = logging.getLogger("llr.api")


def refresh_read_models(ledger: Ledger) -> list[str]:
    """Catch the read models up once, as ``llr import`` and ``llr expire`` do, so reports
    show the write at once. The write itself is committed: a failure here is a warning
    (the service's follower, or ``llr projections run``, catches up later), not an error."""
    from ledger.projections.runner import catch_up_all

    try:
        catch_up_all(ledger, processes=1)  # in this process: a service spawns none for it
    except Exception as error:
        log.warning("read models not brought up to date after a bulk write: %r", error)
        return [f"read models not brought up to date ({type(error).__name__}); they catch "
                "up in the background or with 'llr projections run'"]  # fmt: skip
    return []
