"""Words the Ledger hands over as data (units, lot states, totals, read actions) that the
pages translate: listed here, marked with ``N_``, so the catalogue check finds them."""

from __future__ import annotations


# gettext's own name for "mark for the catalogue, do not translate here".
def N_(message: str) -> str:
    return message


UNITS = (N_("hours"), N_("days"), N_("euro"), N_("vouchers"))
LOT_STATES = (N_("usable"), N_("suspended"), N_("expired"), N_("forfeited"), N_("reversed"))
TOTALS = (N_("granted"), N_("used"), N_("reserved"))
READS = (N_("balance"), N_("history"), N_("explain"), N_("eligibility"))
AUDIT_READS = (N_("review show"), N_("audit verify"))
# The identity line's verdict, and a lot's expiry when it has none.
VERDICTS = (N_("balanced"), N_("does not balance"))
NEVER = N_("never")
