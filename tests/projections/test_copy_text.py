"""The text PostgreSQL's COPY reads: the fast path (no escaping when no value needs it)
equals the obvious cell-by-cell form."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from ledger.store.read_models.postgres import copy_text

ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
CELLS = st.one_of(
    st.none(), st.integers(), st.booleans(),
    st.text(alphabet=st.sampled_from(["a", "N", "o", "n", "e", " ", "\t", "\\", "\n", "é"])),
    st.sampled_from(["None", "xNone", "Noney", ""]),
)  # fmt: skip


def cell_by_cell(rows: list[tuple[Any, ...]]) -> str:
    """What COPY expects, the slow and obvious way."""

    def cell(value: Any) -> str:
        return "\\N" if value is None else "".join(ESCAPES.get(c, c) for c in str(value))

    return "".join("\t".join(map(cell, row)) + "\n" for row in rows)


ROWS = st.integers(1, 6).flatmap(
    lambda n: st.lists(st.tuples(*[CELLS] * n), min_size=1, max_size=8)
)


@given(ROWS)
def test_copy_text_writes_every_null_and_value_as_copy_reads_it(
    rows: list[tuple[Any, ...]],
) -> None:
    assert copy_text(rows) == cell_by_cell(rows)
