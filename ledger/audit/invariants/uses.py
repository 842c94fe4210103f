"""Invariants 2 and 3 for a use: it draws only from lots usable on its date, in statuses
where the right is usable, from a lot bound to an employment only while that employment
runs (and only that employer's lots when the use names one), never more than is usable,
earliest expiry first, and no lot goes below zero."""

from __future__ import annotations

from datetime import date
from typing import Any

from ledger.audit.findings import Invariant
from ledger.audit.invariants.rulebook import RuleBook
from ledger.audit.invariants.stream import StreamAudit
from ledger.domain.account import Account
from ledger.domain.career import status_label


def use_before(stream: StreamAudit, event: Account.RightUsed, book: RuleBook) -> bool:
    """Checks against the state before the use; True when it exceeded the usable balance."""
    account = stream.account
    assert account is not None
    check_status(stream, event, account, book)
    usable = sum(
        lot.remaining
        for lot in account.lots.values()
        if lot.right == event.right and lot.is_usable_on(event.on)
    )
    drawn = 0
    for lot_id, taken in event.draws:
        drawn += taken
        lot = account.lots.get(lot_id)
        if lot is None or taken <= 0 or lot.right != event.right or not lot.is_usable_on(event.on):
            check_draw(stream, event, account, lot_id, taken)
        elif lot.employer is not None or event.employer is not None:
            check_employment(stream, event, account, lot_id)
    check_earliest_expiry(stream, event, account, book)
    if drawn != event.amount:
        stream.drifted.add(event.right)  # reported here, not again as drifting totals
        stream.find(
            Invariant.CONSERVATION,
            "the units drawn from lots differ from the amount used",
            expected=event.amount,
            found=drawn,
        )
    if event.amount > usable:
        stream.find(
            Invariant.NO_NEGATIVE_LOT,
            f"a use of {event.amount} exceeds the usable balance of {event.right} on {event.on}",
            expected=f"at most {usable}",
            found=event.amount,
        )
        return True
    return False


def check_earliest_expiry(
    stream: StreamAudit, event: Any, account: Account, book: RuleBook
) -> None:
    """A use (or a booking) draws the earliest expiry first: no lot it could draw on and
    leaves units in expires before a lot it drew from. The lots it could draw on are those
    of its right and track usable on its date (an employment's lots while it runs; the
    named employer's only), as the state stands just before it: that includes the units
    a lapse recorded just before it gave back (the command lapses the holds due first and
    draws after). Only lots granted before it was recorded count: replayed in effective-date
    order, a lot granted later, late, was not there to choose (``StreamAudit.granted_at``)."""
    taken: dict[str, int] = {}
    for lot_id, units in event.draws:
        taken[lot_id] = taken.get(lot_id, 0) + units
    drawn = [account.lots.get(lot_id) for lot_id in taken]
    if not drawn or any(lot is None or lot.right != event.right for lot in drawn):
        return  # (check_draw reports it)
    last = max((lot for lot in drawn if lot is not None), key=lambda lot: _expiry(lot.expires_on))
    latest = _expiry(last.expires_on)
    rule = book.version_on(event.right, event.on)
    track = event.__dict__.get("track")
    employer = event.__dict__.get("employer")
    for lot in account.lots.values():
        if (
            lot.right != event.right
            or _expiry(lot.expires_on) >= latest
            or lot.remaining - taken.get(lot.lot_id, 0) <= 0
            or not lot.is_usable_on(event.on)
            or not lot.is_on_track(track, rule.default_track)
            or stream.granted_at.get(lot.lot_id, 0) > event.originator_version
        ):
            continue
        if employer is not None:
            drawable = lot.employer == employer
        else:
            drawable = (
                lot.employer is None
                or account.career.employment_with(lot.employer, event.on) is not None
            )
        if drawable:
            left = lot.remaining - taken.get(lot.lot_id, 0)
            stream.find(
                Invariant.NO_NEGATIVE_LOT,
                f"it draws from lot {last.lot_id} (expires {last.expires_on or 'never'}) "
                f"while lot {lot.lot_id}, which expires earlier ({lot.expires_on}), keeps "
                f"{left} usable: earliest expiry first",
                expected=f"lot {lot.lot_id} drawn first",
                found=event.draws,
            )
            return


def _expiry(expires_on: date | None) -> date:
    return expires_on or date.max


def check_status(
    stream: StreamAudit, event: Account.RightUsed, account: Account, book: RuleBook
) -> None:
    rule = book.version_on(event.right, event.on)
    usable_in = book.usable_in(rule)
    statuses = account.career.statuses_on(event.on)
    if all(status.value not in usable_in for status in statuses):
        status = status_label(statuses)
        stream.find(
            Invariant.USABLE_WHEN_USED,
            f"{event.right} is not usable by a citizen who is {status} (rule {rule.id})",
            expected=f"one of: {', '.join(sorted(usable_in))}",
            found=status,
        )


def check_employment(
    stream: StreamAudit, event: Account.RightUsed, account: Account, lot_id: str
) -> None:
    """A lot bound to an employment is drawn only while it runs, and a use that names an
    employer draws on that employer's lots only."""
    employer = account.lots[lot_id].employer
    if event.employer is not None and employer != event.employer:
        stream.find(
            Invariant.USABLE_WHEN_USED,
            f"a use at employer {event.employer} draws from lot {lot_id} of "
            f"{employer or 'no employer'}",
            expected=f"a lot of {event.employer}",
            found=employer or "a lot that follows the citizen",
        )
    elif employer is not None and account.career.employment_with(employer, event.on) is None:
        stream.find(
            Invariant.USABLE_WHEN_USED,
            f"it draws from lot {lot_id}, bound to an employment with {employer} that does "
            f"not run on {event.on}",
            expected="a lot of an employment running that day",
            found=f"the employment with {employer} ended or not started",
        )


def check_draw(
    stream: StreamAudit, event: Account.RightUsed, account: Account, lot_id: str, taken: int
) -> None:
    lot = account.lots.get(lot_id)
    if lot is None or lot.right != event.right or not lot.is_usable_on(event.on):
        state = "no such lot" if lot is None else f"{lot.right}, {lot.state}, {lot.remaining} left"
        stream.find(
            Invariant.USABLE_WHEN_USED,
            f"it draws from lot {lot_id}, which was not usable for {event.right} on {event.on}",
            expected="a usable lot valid on that date",
            found=state,
        )
    if taken <= 0:
        stream.find(
            Invariant.NO_NEGATIVE_LOT,
            f"it draws {taken} from lot {lot_id}",
            expected="more than 0",
            found=taken,
        )


def use_after(stream: StreamAudit, event: Account.RightUsed, reported: bool) -> None:
    """After the use: no lot it drew from is below zero (unless already reported)."""
    assert stream.account is not None
    if reported:
        return
    for lot_id, _ in event.draws:
        remaining = stream.account.lots[lot_id].remaining
        if remaining < 0:
            stream.find(
                Invariant.NO_NEGATIVE_LOT,
                f"lot {lot_id} went below zero",
                expected="0 or more",
                found=remaining,
            )
