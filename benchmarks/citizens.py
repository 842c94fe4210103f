"""One simulated citizen for the generator: a timeline of lines checked by the real aggregate."""

from __future__ import annotations

import itertools
import random
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import ClassVar

from ledger.catalogue import default_catalogue
from ledger.domain import amounts
from ledger.domain.account import Account
from ledger.domain.catalogue import Status
from ledger.domain.command import Provenance
from ledger.domain.errors import LedgerError
from ledger.domain.identifiers import EMPLOYER, parse_insz, source_kind

CATALOGUE = default_catalogue()
FIRST_DAY, LAST_DAY = date(2022, 1, 3), date(2025, 12, 31)
RIGHTS = {
    EMPLOYER: ("vov-hours", "federal-training-days"),
    "sector-fund": ("sector-training-hours",),
}
GRANT_AMOUNTS = {
    "vov-hours": (8, 16, 24, 40, 125),
    "federal-training-days": (1, 2, 3),
    "sector-training-hours": (4, 8, 16),
}
AWAY = (Status.JOBSEEKER, Status.INACTIVE, Status.SELF_EMPLOYED)
_references = itertools.count(1)


def minor_units(fields: dict[str, str]) -> int:
    """A line's amount, given in its right's unit, in the ledger's minor units."""
    return amounts.parse_amount(fields["amount"], amounts.unit_of(fields["right"]))


def make_insz(rng: random.Random, taken: set[str]) -> str:
    """A valid INSZ not in ``taken``: a birth date from 1960 to 2004, a serial, the check."""
    while (insz := _random_insz(rng)) in taken:
        pass
    taken.add(insz)
    return insz


def _random_insz(rng: random.Random) -> str:
    born = date(1960, 1, 1) + timedelta(days=rng.randrange(45 * 365))
    month = born.month + (40 if rng.random() < 0.02 else 0)  # a few BIS numbers
    nine = f"{born.year % 100:02d}{month:02d}{born.day:02d}{rng.randint(1, 997):03d}"
    base = int(nine) + (2_000_000_000 if born.year >= 2000 else 0)
    return parse_insz(f"{nine}{97 - base % 97:02d}").value


def make_kbo(rng: random.Random) -> str:
    eight = f"0{rng.randrange(2_000_000, 9_999_999):07d}"
    return f"{eight}{97 - int(eight) % 97:02d}"


@dataclass
class Line:
    on: date  # the real date, to order the file by, whatever the line's "on" says
    fields: dict[str, str]
    extra: str = ""


@dataclass
class Citizen:
    rng: random.Random
    source: str
    insz: str
    account: Account | None = None
    day: date = FIRST_DAY
    good: list[Line] = field(default_factory=list)
    recent: ClassVar[deque[tuple[date, str]]] = deque(maxlen=200)  # earlier citizens' refs
    providers: ClassVar[list[str]] = []

    def __post_init__(self) -> None:
        self.day = FIRST_DAY + timedelta(days=self.rng.randrange(900))
        self.rights = RIGHTS[source_kind(self.source)]
        if not Citizen.providers:
            Citizen.providers.extend(make_kbo(random.Random(n)) for n in range(50))

    # --------------------------------------------------------------- good lines
    def next_lines(self) -> list[Line]:
        self.day = min(LAST_DAY, self.day + timedelta(days=self.rng.choice((0, 3, 7, 14, 30))))
        for _ in range(8):
            line = self.candidate()
            if line is not None and self.accepted(line):
                self.good.append(line)
                return [line]
        # Nothing else fits today (caps reached, nothing usable): a career move always does.
        if self.account is not None:
            moves = [s for s in (*AWAY, Status.EMPLOYEE) if s.value != self.account.status]
            line = self.status_line(self.rng.choice(moves))
            if self.accepted(line):
                self.good.append(line)
                return [line]
        return []

    def candidate(self) -> Line | None:
        if self.account is None:
            if source_kind(self.source) == EMPLOYER:
                return self.grant_line()
            return self.status_line(Status.EMPLOYEE)
        employed = self.account.status == Status.EMPLOYEE.value
        roll = self.rng.random()
        if roll < 0.08 or (not employed and roll < 0.5):
            return self.status_line(self.rng.choice(AWAY) if employed else Status.EMPLOYEE)
        return self.grant_line() if roll < 0.45 else self.use_line()

    def line(self, kind: str, reference: str, **fields: str) -> Line:
        common = {"kind": kind, "insz": self.insz, "on": self.day.isoformat()}
        return Line(self.day, {**common, **fields, "reference": reference})

    def grant_line(self, reference: str | None = None) -> Line:
        right = self.rng.choice(self.rights)
        amount = self.rng.choice(GRANT_AMOUNTS[right])
        return self.line(
            "grant", reference or f"G-{next(_references):09d}", right=right, amount=str(amount)
        )

    def use_line(self) -> Line | None:
        right = self.rng.choice(self.rights)
        usable = self.usable(right)
        if usable == 0:
            return None
        amount = self.rng.randint(1, min(usable, 16))
        return self.line(
            "use",
            f"U-{next(_references):09d}",
            right=right,
            amount=str(amount),
            training=f"OPL-{self.rng.randrange(10_000, 99_999)}",
            provider=self.rng.choice(Citizen.providers),
        )

    def status_line(self, status: Status) -> Line:
        return self.line("status", f"S-{next(_references):09d}", status=status.value)

    def usable(self, right: str) -> int:
        """Whole units usable today (the file's amounts are in the right's unit)."""
        assert self.account is not None
        minor = sum(
            lot.remaining for lot in self.account.lots_of(right) if lot.is_usable_on(self.day)
        )
        return minor // amounts.minor_per_unit(amounts.unit_of(right))

    def accepted(self, line: Line) -> bool:
        """Whether the ledger takes the line: the oracle is the real aggregate."""
        f, on = line.fields, line.on
        provenance = Provenance("generator", self.source, f["reference"])
        try:
            if self.account is None:
                status = Status(f.get("status", Status.EMPLOYEE.value))
                opening = Provenance(
                    "generator", self.source, f["reference"] if "status" in f else None
                )
                account = Account.open(uuid.uuid4(), self.insz, status, on, None, opening)
                if f["kind"] == "grant":
                    account.grant(CATALOGUE, f["right"], minor_units(f), on, None, provenance)
                self.account = account
            elif f["kind"] == "grant":
                self.account.grant(CATALOGUE, f["right"], minor_units(f), on, None, provenance)
            elif f["kind"] == "use":
                self.account.use(
                    CATALOGUE,
                    f["right"],
                    minor_units(f),
                    on,
                    f["training"],
                    f["provider"],
                    provenance,
                )
            else:
                self.account.change_status(CATALOGUE, Status(f["status"]), on, provenance)
        except LedgerError:
            return False
        self.account.collect_events()  # only the state matters here
        return True

    # --------------------------------------------------------------- bad lines
    def template(self, reference: str) -> Line:
        return self.grant_line(reference)

    def use_beyond_balance(self, reference: str) -> Line:
        right = self.rights[0]
        return self.line(
            "use",
            reference,
            right=right,
            amount=str(self.usable(right) + 500),
            training="OPL-10001",
            provider=Citizen.providers[0],
        )

    def conflicting_copy(self, rng: random.Random) -> Line | None:
        earlier = [line for line in self.good if line.fields["kind"] in ("grant", "use")]
        if not earlier:
            return None
        original = rng.choice(earlier)
        fields = {**original.fields, "amount": str(int(original.fields["amount"]) + 1)}
        return Line(original.on, fields)

    def stolen_reference(self) -> Line | None:
        for on, reference in Citizen.recent:
            if on < self.day:
                return self.grant_line(reference)
        return None

    @staticmethod
    def remember_for_theft(citizen: Citizen) -> None:
        for line in citizen.good[:1]:
            Citizen.recent.appendleft((line.on, line.fields["reference"]))
