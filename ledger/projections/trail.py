"""Audit trail: one row per event across all citizens, searchable by date, event type,
right type, source and batch ("every forfeit in 2025", "everything batch X wrote")."""

from __future__ import annotations

from abc import abstractmethod
from functools import singledispatchmethod
from typing import Any

from ledger.domain.account import Account
from ledger.domain.career import cause_text
from ledger.domain.facts import fact_detail
from ledger.domain.views import money_text
from ledger.projections.base import Context, Projection, View
from ledger.projections.memos import IsoDayTexts
from ledger.store.read_models.base import Store

TRAIL_COLUMNS = (
    "position", "account_id", "version", "event", "effective_on", "recorded_at", "actor",
    "right_code", "amount", "lot", "source", "reference", "batch", "line", "detail",
)  # fmt: skip
EVENT_NAMES = (
    "AccountOpened", "StatusChanged", "RightGranted", "RightUsed", "RightTransferred",
    "RightSuspended", "RightForfeited", "RightExpired", "EntryReversed", "ReversalRequested",
    "ReversalApproved", "EmploymentStarted", "EmploymentEnded", "EmploymentSuspended",
    "SituationStarted", "SituationEnded", "ReviewOpened", "ReviewClosed", "FactRecorded",
    "UnitsReserved", "ReservationConfirmed", "ReservationCancelled", "ReservationLapsed",
)  # fmt: skip


def case_id(account_id: str, version: int) -> str:
    """A review case's id across citizens: the account's first 12 hex digits, the version
    of its ``ReviewOpened`` (the trail keeps it in the lot column of both case events)."""
    return f"{account_id.replace('-', '')[:12]}-{version}"


class TrailView(View):
    @abstractmethod
    def entry_recorded(self, row: tuple[Any, ...]) -> None:
        """One event, as a row in ``TRAIL_COLUMNS`` order."""


class TrailTable(TrailView):
    def __init__(self, store: Store, table: str) -> None:
        self.store, self.table = store, table
        self.rows: list[tuple[Any, ...]] = []

    def entry_recorded(self, row: tuple[Any, ...]) -> None:
        self.rows.append(row)

    def flush(self) -> None:
        self.store.insert(self.table, TRAIL_COLUMNS, self.rows)
        self.rows = []


class TrailProjection(Projection[TrailView]):
    name = "trail"
    tables = ("audit_trail",)
    skips_others = False  # every event gets a row: an unknown one is an error

    def __init__(self, view: TrailView) -> None:
        super().__init__(view)
        self.days = IsoDayTexts()
        self.add_row = view.entry_recorded  # looked up once: every event calls it

    @classmethod
    def build(cls, store: Store, suffix: str, context: Context) -> TrailProjection:
        return cls(TrailTable(store, "audit_trail" + suffix))

    def record(
        self, event: Account.Event, account_id: str, position: int, lot: str | None, detail: str
    ) -> None:
        """The row every event gets; the handlers below add its lot and a readable detail."""
        fields = event.__dict__  # events are frozen dataclasses: their fields are here
        get = fields.get
        self.add_row((
            position, account_id, fields["originator_version"], type(event).__name__,
            self.days[fields["on"]], fields["timestamp"].isoformat(), fields["actor"],
            get("right"), get("amount"), lot, get("source"), get("reference"), get("batch"),
            get("line"), detail,
        ))  # fmt: skip

    @singledispatchmethod
    def process(self, event: Account.Event, account_id: str, position: int) -> None:
        raise TypeError(f"the audit trail has no row for {type(event).__name__}")

    @process.register
    def _opened(self, event: Account.AccountOpened, account_id: str, position: int) -> None:
        # Not the education: the trail is read by many, and take-up is where it counts.
        self.record(event, account_id, position, None, f"opened as {event.status}")

    @process.register
    def _status(self, event: Account.StatusChanged, account_id: str, position: int) -> None:
        self.record(event, account_id, position, None, f"{event.from_status} -> {event.to_status}")

    @process.register
    def _hired(self, event: Account.EmploymentStarted, account_id: str, position: int) -> None:
        committee = f", PC {event.joint_committee}" if event.joint_committee else ""
        detail = f"employed by {event.employer} (fte {event.fte / 100:.2f}{committee})"
        self.record(event, account_id, position, None, f"{detail} -> {event.statuses}")

    @process.register
    def _left(self, event: Account.EmploymentEnded, account_id: str, position: int) -> None:
        detail = f"employment with {event.employer} ends: {event.reason} -> {event.statuses}"
        self.record(event, account_id, position, None, detail)

    @process.register
    def _paused(self, event: Account.EmploymentSuspended, account_id: str, position: int) -> None:
        until = self.days[event.until]
        detail = f"employment with {event.employer} suspended until {until}: {event.reason}"
        self.record(event, account_id, position, None, detail)

    @process.register
    def _began(self, event: Account.SituationStarted, account_id: str, position: int) -> None:
        detail = f"{event.situation} begins -> {event.statuses}"
        self.record(event, account_id, position, None, detail)

    @process.register
    def _ended(self, event: Account.SituationEnded, account_id: str, position: int) -> None:
        detail = f"{event.situation} ends -> {event.statuses}"
        self.record(event, account_id, position, None, detail)

    @process.register
    def _review(self, event: Account.ReviewOpened, account_id: str, position: int) -> None:
        case = case_id(account_id, event.originator_version)
        detail = (
            f"review case {case}: a fact dated {self.days[event.fact_on]} makes "
            f"{len(event.conflicts)} later entries invalid"
        )
        self.record(event, account_id, position, case, detail)

    @process.register
    def _reviewed(self, event: Account.ReviewClosed, account_id: str, position: int) -> None:
        case = case_id(account_id, event.case)
        self.record(event, account_id, position, case, f"review case {case} closed: {event.reason}")

    @process.register
    def _fact(self, event: Account.FactRecorded, account_id: str, position: int) -> None:
        self.record(event, account_id, position, None, fact_detail(event.__dict__))

    @process.register
    def _granted(self, event: Account.RightGranted, account_id: str, position: int) -> None:
        expires = "never" if event.expires_on is None else self.days[event.expires_on]
        detail = f"expires {expires}; rule {event.rule_version}"
        if event.track is not None:
            detail += f"; track {event.track}"
        self.record(event, account_id, position, event.lot, detail)

    @process.register
    def _used(self, event: Account.RightUsed, account_id: str, position: int) -> None:
        draws = ", ".join(f"{lot} {units}" for lot, units in event.draws)
        lots = ", ".join(str(lot) for lot, _ in event.draws)
        detail = f"training {event.training} by {event.provider}; drew {draws}"
        self.record(event, account_id, position, lots, detail)

    @process.register
    def _reserved(self, event: Account.UnitsReserved, account_id: str, position: int) -> None:
        lots = ",".join(lot for lot, _ in event.draws)
        enrolment = f"; enrolment {event.enrolment}" if event.enrolment else ""
        detail = (
            f"training {event.training} by {event.provider}, held until {event.hold_until}"
            f"{enrolment}; held {event.draws}"
            + money_text("purchase", event.own_share, event.public_share)
        )
        self.record(event, account_id, position, lots, detail)

    @process.register
    def _closed(self, event: Account.ReservationClosed, account_id: str, position: int) -> None:
        taken = getattr(event, "taken", [])
        lots = ",".join(dict.fromkeys([lot for lot, _ in taken] + [r[0] for r in event.released]))
        detail = f"reservation {event.reservation}"
        if isinstance(event, Account.ReservationConfirmed):
            detail += f" redeemed: used {taken}" + money_text(
                "redeemed", event.redeemed_own, event.redeemed_public
            )
        elif isinstance(event, Account.ReservationCancelled):
            detail += f" cancelled: {event.reason}"
        else:
            detail += " lapsed: its hold ended"
        if event.released:
            detail += f"; released {event.released}"
        if event.refund_own or event.refund_public:
            detail += money_text("refund", event.refund_own, event.refund_public)
        self.record(event, account_id, position, lots, detail)

    @process.register
    def _carried(self, event: Account.RightTransferred, account_id: str, position: int) -> None:
        detail = f"carried: {event.from_status} -> {event.to_status}"
        self.record(event, account_id, position, event.lot, detail)

    @process.register
    def _suspended(self, event: Account.RightSuspended, account_id: str, position: int) -> None:
        detail = f"suspended while {event.status}"  # the basis is in the rule version
        self.record(event, account_id, position, event.lot, detail)

    @process.register
    def _forfeited(self, event: Account.RightForfeited, account_id: str, position: int) -> None:
        detail = f"forfeited on {cause_text(event.status)}: {event.legal_basis}"
        self.record(event, account_id, position, event.lot, detail)

    @process.register
    def _expired(self, event: Account.RightExpired, account_id: str, position: int) -> None:
        self.record(event, account_id, position, event.lot, f"rule {event.rule_version}")

    @process.register
    def _reversed(self, event: Account.EntryReversed, account_id: str, position: int) -> None:
        lots = ", ".join(str(lot) for lot, _, _ in event.restores)
        detail = f"reverses event {event.entry} ({event.entry_event}): {event.reason}"
        self.record(event, account_id, position, lots, detail)

    @process.register
    def _asked(self, event: Account.ReversalRequested, account_id: str, position: int) -> None:
        detail = f"asks to reverse event {event.entry} ({event.entry_event}): {event.reason}"
        self.record(event, account_id, position, None, detail)

    @process.register
    def _approved(self, event: Account.ReversalApproved, account_id: str, position: int) -> None:
        detail = f"approves request {event.request} to reverse event {event.entry}"
        self.record(event, account_id, position, None, detail)
