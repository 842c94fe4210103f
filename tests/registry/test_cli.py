"""``llr registry`` end to end, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import Result

from tests.llr import Llr
from tests.registry.support import KBO, VOUCHERS, VOV

PROVIDER_ADD = ("registry", "provider", "add", KBO, "--name", "Syntra West",
                "--recognised-for", f"{VOUCHERS},{VOV}", "--from", "2024-01-01")  # fmt: skip
TRAINING_ADD = ("registry", "training", "add", "OPL-7", "--provider", KBO, "--title", "Welding",
                "--rights", VOUCHERS, "--from", "2024-02-01", "--hours", "40")  # fmt: skip


def test_a_provider_and_a_training_are_added_once_and_shown(ready: Llr) -> None:
    first = ready.json(*PROVIDER_ADD)
    again = ready.json(*PROVIDER_ADD)
    ready.ok(*TRAINING_ADD)

    shown = ready.json("registry", "show", KBO)

    assert (first["result"], again["result"]) == ("applied", "exists")
    assert first["events"] == ["Registered", "RecognitionGranted", "RecognitionGranted"]
    assert [t["code"] for t in shown["trainings"]] == ["OPL-7"]
    assert shown["history"][0]["actor"] == "test:staff (backoffice)"


def test_show_as_of_before_a_revocation_shows_the_provider_recognised(ready: Llr) -> None:
    ready.ok(*PROVIDER_ADD)
    ready.ok("registry", "provider", "revoke", KBO, "--on", "2026-01-01", "--reason", "audit")

    before = ready.json("registry", "show", KBO, "--as-of", "2025-12-31")
    now = ready.json("registry", "show", "0403.170.701")

    assert before["revoked_on"] is None and len(before["recognitions"]) == 2
    assert (now["revoked_on"], now["revocation_reason"]) == ("2026-01-01", "audit")
    assert [e["event"] for e in now["history"]][-1] == "Revoked"


def test_a_training_shows_its_provider_and_its_delisting(ready: Llr) -> None:
    ready.ok(*PROVIDER_ADD)
    ready.ok(*TRAINING_ADD)
    ready.ok("registry", "training", "delist", "OPL-7", "--on", "2025-09-30")

    shown = ready.json("registry", "show", "OPL-7")
    text = ready.ok("registry", "show", "OPL-7").stdout

    assert (shown["delisted_on"], shown["hours"]) == ("2025-09-30", "40")
    assert shown["provider_record"]["name"] == "Syntra West"
    assert "delisted on 2025-09-30" in text


def test_bad_input_is_refused_with_exit_1_naming_input_and_rule(ready: Llr) -> None:
    ready.ok(*PROVIDER_ADD)

    bad_kbo = ready.refused("registry", "provider", "add", "0403170702", "--name", "X",
                            "--recognised-for", VOV, "--from", "2024-01-01")  # fmt: skip
    bad_date = ready.refused("registry", "training", "delist", "OPL-7", "--on", "tomorrow")
    not_recognised = ready.refused(
        "registry", "training", "add", "LB-1", "--provider", KBO, "--title", "Career",
        "--rights", "career-vouchers", "--from", "2024-02-01",
    )  # fmt: skip
    unknown = ready.refused("registry", "show", "NO-SUCH")

    assert "enterprise number '0403170702': check digits 02 do not match 01" in bad_kbo
    assert "--on 'tomorrow': expected an ISO date" in bad_date
    assert "not recognised for career-vouchers on 2024-02-01" in not_recognised
    assert "no training NO-SUCH is registered" in unknown


def test_an_auditor_reads_the_registry_but_may_not_write_it(ready: Llr) -> None:
    ready.ok(*PROVIDER_ADD)

    message = ready.refused(*TRAINING_ADD, LLR_ROLE="auditor")
    ready.ok("registry", "show", KBO, LLR_ROLE="auditor")

    assert "role auditor may not write the registry of providers and trainings" in message


def test_the_import_is_idempotent_and_writes_its_rejects(ready: Llr, tmp_path: Path) -> None:
    providers = tmp_path / "providers.csv"
    providers.write_text(
        "kbo,name,recognised_for,from,until,public,label\n"
        f"{KBO},Syntra West,{VOUCHERS};{VOV},2024-01-01,,false,Q\n"
        "0566988259,VDAB,vov-hours,2024-01-01,,true,\n",
        encoding="utf-8",
    )
    trainings = tmp_path / "trainings.csv"
    trainings.write_text(
        "code,provider,title,rights,from,until,classification,hours\n"
        f"OPL-7,{KBO},Welding,{VOUCHERS},2024-02-01,,labour-market,40\n"
        f"OPL-8,{KBO},Soldering,career-vouchers,2024-02-01,,,\n"
        "OPL-9,0566988259,Forklift,vov-hours,2024-03-01,2024-12-31,lifewide,12.5\n",
        encoding="utf-8",
    )
    rejects = tmp_path / "trainings.rejects.csv"
    ready.ok("registry", "import", str(providers), "--kind", "providers")

    first = ready("registry", "import", str(trainings), "--kind", "trainings", "--json",
                  "--rejects", str(rejects))  # fmt: skip
    second = ready("registry", "import", str(trainings), "--kind", "trainings", "--json",
                   "--rejects", str(rejects))  # fmt: skip

    assert first.exit_code == 1 and "1 line rejected" in first.stderr
    counts = [(r["applied"], r["already_applied"], r["rejected"], r["events_written"])
              for r in (ready_json(first), ready_json(second))]  # fmt: skip
    assert counts == [(2, 0, 1, 2), (0, 2, 1, 0)]
    rows = list(csv.reader(rejects.open(encoding="utf-8")))
    assert rows[0] == ["line", "field", "reason", "original"]
    assert rows[1][0] == "3" and "not recognised for career-vouchers" in rows[1][2]
    assert ready.json("registry", "show", "OPL-9")["classification"] == "lifewide"


def test_a_json_lines_file_with_a_bad_field_is_rejected_by_field(
    ready: Llr, tmp_path: Path
) -> None:
    providers = tmp_path / "providers.jsonl"
    providers.write_text(
        f'{{"kbo": "{KBO}", "name": "Syntra West", "recognised_for": ["{VOV}"], '
        '"from": "2024-01-01", "public": true}\n'
        '{"kbo": "12", "name": "Bad", "recognised_for": "vov-hours", "from": "2024-01-01"}\n',
        encoding="utf-8",
    )
    rejects = tmp_path / "out.csv"

    result = ready("registry", "import", str(providers), "--kind", "providers",
                   "--rejects", str(rejects))  # fmt: skip

    assert result.exit_code == 1
    rows = list(csv.reader(rejects.open(encoding="utf-8")))
    assert rows[1][:2] == ["2", "kbo"]
    assert ready.json("registry", "show", KBO)["public"] is True


def test_a_header_with_a_wrong_column_is_refused_as_a_whole(ready: Llr, tmp_path: Path) -> None:
    trainings = tmp_path / "t.csv"
    trainings.write_text("code,provider,titel,rights,from\n", encoding="utf-8")

    message = ready.refused("registry", "import", str(trainings), "--kind", "trainings")

    assert "unknown column(s) 'titel'" in message


def test_the_read_models_rebuild_from_the_events(ready: Llr) -> None:
    ready.ok(*PROVIDER_ADD)
    ready.ok(*TRAINING_ADD)

    rebuilt = ready.json("registry", "rebuild")

    assert rebuilt == {"providers": 1, "trainings": 1}


def ready_json(result: Result) -> dict[str, int]:
    found: dict[str, int] = json.loads(result.stdout)
    return found
