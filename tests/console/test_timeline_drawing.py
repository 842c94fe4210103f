"""The timeline laid out for the SVG, without a store or a browser: the step line's path,
the date axis in Belgian notation, the marks' names, and a text equivalent that says what
the drawing shows."""

from __future__ import annotations

import itertools
from datetime import date

from console.i18n import speech
from console.timeline import LEFT, MIN_TICK_GAP, PLOT, drawing, step_path, usable_on
from ledger.domain.timeline import BalancePoint, Band, Mark, RightLine, Timeline

OPENED, GRANTED, USED, EXPIRED, END = (
    date(2024, 9, 1), date(2024, 9, 2), date(2024, 10, 1), date(2025, 9, 1), date(2025, 12, 31),
)  # fmt: skip
VOV = RightLine("vov-hours", "hours", (
    BalancePoint(GRANTED, 4000, 0, 0), BalancePoint(USED, 3000, 0, 0),
    BalancePoint(EXPIRED, 0, 0, 0),
))  # fmt: skip
MARKS = (
    Mark(GRANTED, "grant", "vov-hours", 4000, 2, "employer:1/G"),
    Mark(USED, "use", "vov-hours", 1000, 3, "U-1"),
    Mark(EXPIRED, "expiry", "vov-hours", 3000, None, "employer:1/G"),
)
BANDS = (Band("employment", "", OPENED, date(2025, 1, 6)), Band("situation", "jobseeker",
         date(2025, 1, 6), None))  # fmt: skip
TIMELINE = Timeline(OPENED, END, (VOV,), MARKS, BANDS)


def test_the_step_line_stays_level_until_each_change_then_goes_straight_to_it() -> None:
    def x(day: date) -> float:
        return float((day - OPENED).days)

    def y(usable: int) -> float:
        return float(-usable)

    path = step_path(VOV.points, x, y, 500.0)

    assert path == "M1.0,-4000.0 H30.0 V-3000.0 H365.0 V0.0 H500.0"


def test_the_usable_balance_on_a_day_is_the_last_step_on_or_before_it() -> None:
    assert [usable_on(VOV.points, day) for day in (OPENED, GRANTED, date(2025, 8, 31), END)] == [
        0, 4000, 3000, 0,
    ]  # fmt: skip


def test_the_axis_starts_at_the_opening_ends_on_the_day_read_and_never_crowds_its_labels() -> None:
    drawn = drawing(TIMELINE, "93.05.18-223.61", speech("nl"))

    labels = [tick.label for tick in drawn.ticks]
    assert (labels[0], labels[-1]) == ("1 sep 2024", "31 dec 2025")
    assert "1 jan 2025" in labels
    xs = [tick.x for tick in drawn.ticks]
    assert all(b - a >= MIN_TICK_GAP for a, b in itertools.pairwise(xs))
    assert LEFT <= xs[0] < xs[-1] <= LEFT + PLOT


def test_the_text_equivalent_has_a_row_per_mark_with_the_balance_after_it() -> None:
    drawn = drawing(TIMELINE, "93.05.18-***.**", speech("nl"))

    assert [(r.day, r.what, r.amount, r.usable, r.unit) for r in drawn.rows] == [
        ("2 sep 2024", "toekenning", "40", "40", "uren"),
        ("1 okt 2024", "gebruik", "10", "30", "uren"),
        ("1 sep 2025", "verval (vervallen, nog niet geboekt)", "30", "0", "uren"),
    ]
    (panel,) = drawn.panels
    assert panel.last_label == "0" and panel.top_label == "40 uren"
    assert [g.title for g in panel.glyphs] == [
        "toekenning 40 uren, 2 sep 2024", "gebruik 10 uren, 1 okt 2024",
        "verval 30 uren, 1 sep 2025",
    ]  # fmt: skip
    assert drawn.title == "Tijdlijn van burger 93.05.18-***.**"


def test_bands_and_periods_name_the_employer_or_the_situation_in_the_reader_s_language() -> None:
    dutch = drawing(TIMELINE, "x", speech("nl"))
    english = drawing(TIMELINE, "x", speech("en"))

    assert [b.label for b in dutch.bands] == [
        "tewerkstelling werkgever niet genoemd", "situatie werkzoekende",
    ]  # fmt: skip
    assert [(p.kind, p.name, p.start, p.end) for p in english.periods] == [
        ("employment", "employer not named", "01 Sept 2024", "06 Jan 2025"),
        ("situation", "jobseeker", "06 Jan 2025", "still running"),
    ]
    assert dutch.bands[1].width > 0 and dutch.bands[1].x == dutch.bands[0].x + dutch.bands[0].width
