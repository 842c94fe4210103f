"""What waits on a citizen's account for a second person, in the reader's words: the
open review cases and the reversals requested and not yet approved (read only here; the
approvals queue acts on them)."""

from __future__ import annotations

from dataclasses import dataclass

from console.i18n import Speech
from console.words import N_
from ledger.domain import amounts
from ledger.domain.open_corrections import OpenCase, PendingReversal
from ledger.timeline_reads import CorrectionsReport

# The entries a reversal or a review case names, by their event's class.
ENTRY_NAMES = {
    "RightGranted": N_("grant"),
    "RightUsed": N_("use"),
    "RightForfeited": N_("forfeit"),
    "RightExpired": N_("expiry"),
    "RightSuspended": N_("suspension"),
    "UnitsReserved": N_("reservation"),
    "ReservationConfirmed": N_("confirmation"),
    "ReservationCancelled": N_("cancellation"),
    "ReservationLapsed": N_("lapse"),
    "EntryReversed": N_("reversal"),
}


@dataclass(frozen=True)
class ReversalRow:
    request: int
    entry: str  # "use (event 7)"
    right: str
    amount: str  # with the unit
    on: str
    requested_by: str
    reason: str


@dataclass(frozen=True)
class CaseRow:
    number: int
    opened_on: str
    fact_on: str
    opened_by: str
    conflicts: tuple[str, ...]  # one line per entry the late fact makes invalid


@dataclass(frozen=True)
class CorrectionsView:
    cases: tuple[CaseRow, ...]
    reversals: tuple[ReversalRow, ...]


def corrections_view(report: CorrectionsReport, speech: Speech) -> CorrectionsView:
    waiting = report.corrections
    return CorrectionsView(
        tuple(case_row(case, speech) for case in waiting.cases),
        tuple(reversal_row(request, speech) for request in waiting.reversals),
    )


def entry_text(event: str, event_id: int, speech: Speech) -> str:
    name = ENTRY_NAMES.get(event)
    what = speech.gettext(name) if name else event
    return f"{what} ({speech.gettext(EVENT)} {speech.number(event_id)})"


EVENT = N_("event")


def reversal_row(request: PendingReversal, speech: Speech) -> ReversalRow:
    unit = amounts.unit_of(request.right)
    amount = speech.number(amounts.json_number(request.amount, unit))
    return ReversalRow(
        request=request.request_id, entry=entry_text(request.entry_event, request.entry, speech),
        right=request.right, amount=f"{amount} {speech.gettext(unit)}",
        on=speech.day(request.on), requested_by=request.requested_by, reason=request.reason,
    )  # fmt: skip


def case_row(case: OpenCase, speech: Speech) -> CaseRow:
    conflicts = tuple(
        f"{entry_text(c.event, c.version, speech)}, {speech.day(c.on)}: {c.reason}"
        for c in case.conflicts
    )
    return CaseRow(
        number=case.number, opened_on=speech.day(case.opened_on),
        fact_on=speech.day(case.fact_on), opened_by=case.opened_by, conflicts=conflicts,
    )  # fmt: skip


# The names the access log gives this page's two reads (``ledger.timeline_reads``).
READS = (N_("timeline"), N_("open corrections"))
