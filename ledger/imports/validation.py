"""The first half of a chunk: each line validated, given its account id, its reference claimed.

This half looks at every line of the file, whatever citizen it names: a reference may name
one entry of one citizen only, and that is checked across the whole file here (the accounts
only know their own references).
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from ledger.application import Ledger
from ledger.imports.claims import Claim, ReferenceIndex
from ledger.imports.lines import ParsedLine
from ledger.imports.readers import Record
from ledger.imports.report import UNKNOWN_KIND, Reject
from ledger.imports.rows import KINDS, Problem, parse_row

KNOWN_IDS = 1 << 16


class Validator:
    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.claimed = ReferenceIndex()
        self.ids: dict[str, UUID] = {}  # INSZ -> account id (a keyed hash: worth keeping)

    def validate(self, records: Sequence[Record]) -> tuple[list[ParsedLine], list[Reject]]:
        """The lines that passed, and the rejects of those that did not, in file order."""
        parsed: list[ParsedLine] = []
        rejects: list[Reject] = []
        if len(self.ids) > KNOWN_IDS:
            self.ids.clear()  # bounded: the next chunks' citizens are mostly new anyway
        for record in records:
            row = parse_row(record.fields) if record.problem is None else record.problem
            if isinstance(row, Problem):
                rejects.append(reject_of(record, row, _kind_of(record)))
            else:
                parsed.append(ParsedLine(record.line, self.account_id(row.insz.value), row))
        claims = [Claim(p.line, p.row.reference, p.account_id) for p in parsed]
        refused = self.claimed.claim(claims)
        if refused:
            by_line = {record.line: record for record in records}
            for line in (p for p in parsed if p.line in refused):
                rejects.append(reject_of(by_line[line.line], refused[line.line], line.row.kind))
            parsed = [p for p in parsed if p.line not in refused]
        return parsed, rejects

    def account_id(self, insz: str) -> UUID:
        found = self.ids.get(insz)
        if found is None:
            found = self.ids[insz] = self.ledger.account_id_for(insz)
        return found

    def close(self) -> None:
        self.claimed.close()


def _kind_of(record: Record) -> str:
    kind = record.fields.get("kind")
    return kind if isinstance(kind, str) and kind in KINDS else UNKNOWN_KIND


def reject_of(record: Record, problem: Problem, kind: str) -> Reject:
    return Reject(record.line, kind, problem.field, problem.reason, record.original)
