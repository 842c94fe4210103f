"""Reports across citizens, as functions and as ``llr report ...`` (table, CSV, JSON)."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from typing import Any

import pytest
from click.testing import CliRunner, Result

from cli.main import cli
from cli.output import echo_csv
from ledger.domain.command import Provenance
from ledger.projections import reports
from ledger.projections.runner import catch_up_all
from tests.builders import EMPLOYER, HIGH, script_history
from tests.stores import Store


@pytest.fixture
def projected(store: Store) -> Store:
    script_history(store.ledger)
    catch_up_all(store.ledger)
    return store


def llr(store: Store, *args: str, role: str | None = None) -> Result:
    """``llr`` as an auditor for reports, as an admin for the rest (what the roles allow)."""
    env = {
        "LLR_DATABASE": store.settings.database,
        "LLR_ID_KEY": store.settings.id_key.decode(),
        "LLR_ROLE": role or ("auditor" if args[0] == "report" else "admin"),
    }
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def ok(store: Store, *args: str) -> str:
    result = llr(store, *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def as_csv(text: str) -> list[dict[str, Any]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_take_up_per_education_level_shows_the_share_of_holders_who_used_it(
    projected: Store,
) -> None:
    report = reports.take_up(projected.ledger, ["education"], right="vov-hours")

    found = [
        (r.period, r.group, r.holders, r.users, r.share, r.used, r.expired) for r in report.rows
    ]
    assert found == [
        ("2024-25", {"education": "low"}, 1, 1, 1.0, 30, 70),
        ("2024-25", {"education": "high"}, 1, 1, 1.0, 100, 0),
    ]
    assert report.lag == 0


def test_the_take_up_table_makes_the_gap_between_education_levels_visible(
    projected: Store,
) -> None:
    projected.ledger.grant_right(HIGH, "training-vouchers", 5000, date(2024, 12, 2),
                                 "flemish-government", "V9")  # fmt: skip
    projected.ledger.use_right(HIGH, "training-vouchers", 5000, date(2025, 1, 2), "T", "P", "U9")
    catch_up_all(projected.ledger)

    shown = ok(projected, "report", "take-up", "--right", "training-vouchers")

    assert re.search(r"\blow +1 +0 +0% +\.{20} ", shown)
    assert re.search(r"\bhigh +1 +1 +100% +#{20} ", shown)
    assert "gap 2024-25 training-vouchers: 100 points between high (100%) and low (0%)" in shown


def test_take_up_by_several_groups_as_json_and_csv(projected: Store) -> None:
    document = json.loads(
        ok(projected, "report", "take-up", "--by", "education,age-band", "--json")
    )
    table = as_csv(ok(projected, "report", "take-up", "--by", "education,age-band", "--csv"))

    assert document["period_kind"] == "school-year"
    assert {(r["right"], r["group"]["age_band"]) for r in document["rows"]} >= {
        ("vov-hours", "25-34"), ("vov-hours", "35-44"),
    }  # fmt: skip
    assert list(table[0])[:4] == ["period", "right", "education", "age_band"]
    assert len(table) == len(document["rows"]) == 4


def test_an_unknown_take_up_group_or_a_malformed_period_is_refused(projected: Store) -> None:
    group = llr(projected, "report", "take-up", "--by", "income")
    period = llr(projected, "report", "take-up", "--period", "2024")

    assert (group.exit_code, period.exit_code) == (1, 1)
    assert "choose from education, status, age-band" in group.stderr
    assert "period '2024': a school year is written like 2024-25" in period.stderr


def test_expiring_lists_the_open_lots_that_stop_within_the_window(projected: Store) -> None:
    soon = reports.expiring(projected.ledger, 90, date(2025, 9, 2))
    later = reports.expiring(projected.ledger, 1500, date(2025, 9, 2))

    assert [(r.lot, r.remaining, r.expires_on, r.citizen) for r in soon.rows] == [
        ("flemish-government/V1", 25000, "2025-11-02", "93.05.18-***.**")
    ]
    assert [r.lot for r in later.rows] == ["flemish-government/V1", f"{EMPLOYER}/F1"]


def test_the_expiring_table_shows_the_last_usable_day_and_totals(projected: Store) -> None:
    shown = ok(projected, "report", "expiring", "--within", "90", "--as-of", "2025-09-02")
    rows = json.loads(
        ok(projected, "report", "expiring", "--within", "90", "--as-of", "2025-09-02", "--json")
    )["rows"]

    assert "2025-11-02  2025-11-01  93.05.18-***.**" in shown
    assert "training-vouchers: 250 euro in 1 lots of 1 citizens" in shown
    assert [(r["right"], r["remaining"], r["unit"]) for r in rows] == [
        ("training-vouchers", 250, "euro")
    ]


def test_a_window_that_is_not_a_number_of_days_is_refused(projected: Store) -> None:
    result = llr(projected, "report", "expiring", "--within", "soon")

    assert (result.exit_code, result.stdout) == (1, "")
    assert "--within 'soon': must be a whole number" in result.stderr


def test_sources_give_totals_per_source_and_batch(projected: Store) -> None:
    report = reports.sources(projected.ledger, EMPLOYER, "B-2024")
    shown = ok(projected, "report", "sources")

    assert [(r.right, r.grants, r.granted, r.uses, r.used) for r in report.rows] == [
        ("vov-hours", 1, 100, 1, 100)
    ]
    assert "(none)" in shown and "B-2024" in shown and "flemish-government" in shown


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_defused(projected: Store) -> None:
    ledger = projected.ledger
    ledger.on_account(HIGH, lambda a: a.grant(
        ledger.catalogue, "training-vouchers", 100, date(2025, 1, 2), None,
        Provenance("import", "flemish-government", "X1", "=HYPERLINK(\"http://x\")", 2),
    ))  # fmt: skip
    catch_up_all(ledger)

    table = as_csv(ok(projected, "report", "sources", "--csv"))
    trail = as_csv(ok(projected, "report", "trail", "--csv", "--source", "flemish-government"))

    assert '\'=HYPERLINK("http://x")' in [row["batch"] for row in table]
    assert '\'=HYPERLINK("http://x")' in [row["batch"] for row in trail]
    assert all(not row["batch"].startswith("=") for row in table + trail)


def test_the_trail_answers_every_forfeit_in_a_year(projected: Store) -> None:
    shown = ok(projected, "report", "trail", "--event", "RightForfeited", "--from", "2024-01-01",
               "--to", "2024-12-31")  # fmt: skip
    none = json.loads(ok(projected, "report", "trail", "--event", "RightForfeited", "--from",
                         "2025-01-01", "--json"))  # fmt: skip

    assert shown.count("RightForfeited") == 1
    assert "federal-training-days" in shown
    assert none["rows"] == []


def test_the_trail_answers_everything_a_batch_wrote(projected: Store) -> None:
    rows = json.loads(ok(projected, "report", "trail", "--batch", "B-2024", "--json"))["rows"]

    assert [(r["event"], r["line"], r["source"]) for r in rows] == [
        ("RightGranted", 7, EMPLOYER), ("RightUsed", 8, EMPLOYER),
    ]  # fmt: skip


def test_trail_filters_combine_and_a_limit_keeps_the_first_rows(projected: Store) -> None:
    wanted = reports.TrailFilter(right="vov-hours", events=("RightUsed", "EntryReversed"), limit=2)

    rows = reports.trail(projected.ledger, wanted).rows

    assert [r["event"] for r in rows] == ["RightUsed", "RightUsed"]


def test_an_unknown_event_name_is_refused_with_the_known_ones(projected: Store) -> None:
    result = llr(projected, "report", "trail", "--event", "RightLost")

    assert result.exit_code == 1
    assert "event 'RightLost': must be one of AccountOpened, StatusChanged" in result.stderr


def test_csv_and_json_together_are_a_usage_error(projected: Store) -> None:
    assert llr(projected, "report", "sources", "--csv", "--json").exit_code == 2


def test_a_report_says_how_many_events_it_does_not_show_yet(projected: Store) -> None:
    projected.ledger.grant_right(HIGH, "training-vouchers", 100, date(2025, 1, 2),
                                 "flemish-government", "V7")  # fmt: skip

    result = llr(projected, "report", "sources")

    assert "note: 1 events are not in this report yet" in result.stderr


def test_a_cell_with_a_line_break_stays_one_quoted_cell(capsys: pytest.CaptureFixture[str]) -> None:
    echo_csv([{"batch": "\r=1+1", "granted": -5, "source": "@x"}])

    written = list(csv.reader(io.StringIO(capsys.readouterr().out, newline="")))

    assert written == [["batch", "granted", "source"], ["'\r=1+1", "-5", "'@x"]]
