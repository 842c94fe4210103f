"""The catalogue loader: the shipped rule files, and one refusal per validation rule."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ledger.catalogue import default_catalogue, load_catalogue
from ledger.catalogue.shipped import SHIPPED_RULES
from ledger.domain.catalogue import (
    SOURCE_KINDS,
    CapCounts,
    CapPeriod,
    Catalogue,
    EndReason,
    ExpiryKind,
    Outcome,
    Status,
    Unit,
)
from ledger.domain.errors import CatalogueError, NoRuleInForceError

# --- the shipped catalogue -----------------------------------------------------------------


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def test_the_shipped_catalogue_loads_with_the_seven_rights_and_their_units(
    catalogue: Catalogue,
) -> None:
    units = {code: right.unit for code, right in catalogue.rights.items()}
    assert units == {
        "career-credit": Unit.HOURS,
        "vov-hours": Unit.HOURS,
        "training-vouchers": Unit.EURO,
        "career-vouchers": Unit.VOUCHERS,
        "federal-training-days": Unit.DAYS,
        "mtech-career-account": Unit.EURO,
        "sector-training-hours": Unit.HOURS,
    }


def test_the_default_catalogue_is_the_shipped_folder_loaded_once() -> None:
    assert default_catalogue() is default_catalogue()
    assert set(default_catalogue().rights) == set(load_catalogue(SHIPPED_RULES).rights)


def test_every_shipped_version_has_a_summary_references_and_known_sources(
    catalogue: Catalogue,
) -> None:
    for right in catalogue.rights.values():
        for version in right.versions:
            assert version.summary and version.references, version.id
            assert version.sources and version.sources <= set(SOURCE_KINDS), version.id
            assert set(version.transitions) == set(Status), version.id
            assert all(cap.basis for cap in version.caps), version.id


def test_vov_on_2025_10_01_follows_the_corrigendum_of_2025_09_01(catalogue: Catalogue) -> None:
    version = catalogue.right("vov-hours").version_on(date(2025, 10, 1))
    assert version.id == "vov-hours@2025-09-01+c1"
    assert "80%" in version.summary and "14.91" in version.summary
    assert version.tracks == ("own-choice",)
    assert [c.at_least for c in version.requires] == [80]


def test_vov_on_2024_10_01_follows_the_rules_of_2024_with_one_track(catalogue: Catalogue) -> None:
    version = catalogue.right("vov-hours").version_on(date(2024, 10, 1))
    assert version.id == "vov-hours@2024-09-01"
    assert version.tracks == ("own-choice",)


def test_vov_has_no_rule_before_1_september_2019(catalogue: Catalogue) -> None:
    with pytest.raises(NoRuleInForceError):
        catalogue.right("vov-hours").version_on(date(2019, 8, 31))


def test_a_version_is_found_again_by_its_id(catalogue: Catalogue) -> None:
    assert catalogue.rule("vov-hours@2025-09-01").effective_from == date(2025, 9, 1)


@pytest.mark.parametrize(
    ("version_id", "hours"),
    [("vov-hours@2019-09-01", 125), ("vov-hours@2021-09-01", 250), ("vov-hours@2025-09-01", 250)],
)
def test_vov_caps_grants_and_uses_per_school_year(
    catalogue: Catalogue, version_id: str, hours: int
) -> None:
    caps = {(cap.counts, cap.period, cap.limit) for cap in catalogue.rule(version_id).caps}

    assert caps == {  # in minor units: hundredths of an hour
        (CapCounts.GRANTS, CapPeriod.SCHOOL_YEAR, hours * 100),
        (CapCounts.USES, CapPeriod.SCHOOL_YEAR, hours * 100),
    }


def test_vov_is_carried_as_employee_suspended_elsewhere_and_forfeited_at_retirement(
    catalogue: Catalogue,
) -> None:
    version = catalogue.rule("vov-hours@2019-09-01")
    assert version.usable_in == {Status.EMPLOYEE}
    assert version.sources == {"employer", "flemish-government"}
    for status in (Status.SELF_EMPLOYED, Status.JOBSEEKER, Status.CIVIL_SERVANT, Status.INACTIVE):
        assert version.policy_for(status).outcome is Outcome.SUSPEND
    retired = version.policy_for(Status.RETIRED)
    assert retired.outcome is Outcome.FORFEIT
    assert "vlaanderen.be" in retired.legal_basis


def test_vov_granted_on_1_september_2024_expires_on_1_september_2025(
    catalogue: Catalogue,
) -> None:
    version = catalogue.right("vov-hours").version_on(date(2024, 9, 1))
    assert version.expiry.expires_on(date(2024, 9, 1)) == date(2025, 9, 1)


def test_training_vouchers_granted_on_15_january_2024_expire_14_months_later(
    catalogue: Catalogue,
) -> None:
    version = catalogue.right("training-vouchers").version_on(date(2024, 1, 15))
    assert version.expiry.expires_on(date(2024, 1, 15)) == date(2025, 3, 15)


def test_training_vouchers_cap_500_euros_per_school_year_usable_only_as_employee(
    catalogue: Catalogue,
) -> None:
    version = catalogue.rule("training-vouchers@2019-09-01")
    [cap] = version.caps
    assert (cap.counts, cap.period, cap.limit) == (CapCounts.GRANTS, CapPeriod.SCHOOL_YEAR, 50000)
    assert version.sources == {"flemish-government"}
    assert version.usable_in == {Status.EMPLOYEE}
    assert all(p.outcome is not Outcome.FORFEIT for p in version.transitions.values())


def test_career_vouchers_go_from_two_per_six_years_to_one_per_lifetime_to_none(
    catalogue: Catalogue,
) -> None:
    right = catalogue.right("career-vouchers")
    limits = [
        [(cap.counts, cap.period, cap.years, cap.limit) for cap in version.caps]
        for version in right.versions
    ]
    assert [v.id for v in right.versions] == [
        "career-vouchers@2020-01-01",
        "career-vouchers@2020-01-01+c1",  # a window of 6 years, not a validity
        "career-vouchers@2025-01-01",
        "career-vouchers@2025-01-01+c1",  # the reform was not in force yet: the old regime
        "career-vouchers@2025-01-01+c2",  # and the old regime corrected as 2020-01-01+c1
        "career-vouchers@2025-10-01",
        "career-vouchers@2025-10-01+c1",
        "career-vouchers@2027-01-01",
    ]
    six_years, lifetime = (CapCounts.GRANTS, CapPeriod.ROLLING_YEARS, 6, 2), (
        CapCounts.GRANTS, CapPeriod.LIFETIME, 0, 1
    )  # fmt: skip
    assert limits == [
        [six_years], [six_years], [lifetime], [six_years], [six_years], [lifetime], [lifetime],
        [(CapCounts.GRANTS, CapPeriod.LIFETIME, 0, 0)],
    ]  # fmt: skip
    needs_seven_years = [v.id for v in right.versions if [c.at_least for c in v.requires] == [7]]
    assert needs_seven_years == [
        "career-vouchers@2020-01-01+c1",
        "career-vouchers@2025-01-01+c2",
        "career-vouchers@2025-10-01+c1",
    ]
    carried = {Status.EMPLOYEE, Status.SELF_EMPLOYED, Status.SELF_EMPLOYED_SIDE}
    assert all(v.usable_in == carried for v in right.versions)


def test_career_vouchers_are_valid_3_months_and_at_the_latest_until_1_january_2027(
    catalogue: Catalogue,
) -> None:
    right = catalogue.right("career-vouchers")
    grant_2021, grant_2026 = date(2021, 3, 1), date(2026, 11, 30)
    assert right.version_on(grant_2021).expiry.expires_on(grant_2021) == date(2021, 6, 1)
    assert right.version_on(grant_2026).expiry.expires_on(grant_2026) == date(2027, 1, 1)
    # Lots granted under the version first written keep its 72 months.
    assert right.version("career-vouchers@2020-01-01").expiry.expires_on(grant_2021) == date(
        2027, 3, 1
    )
    assert right.version_on(date(2027, 1, 1)).expiry.kind is ExpiryKind.NONE


def test_federal_training_days_had_no_individual_right_in_2022(catalogue: Catalogue) -> None:
    # Corrigendum: the law of 3 Oct 2022 starts the individual right in 2023.
    in_force = catalogue.right("federal-training-days").version_on(date(2022, 6, 1))
    [cap] = in_force.caps
    assert (in_force.id, in_force.corrects) == (
        "federal-training-days@2022-01-01+c1",
        "federal-training-days@2022-01-01",
    )
    assert (cap.counts, cap.period, cap.limit) == (CapCounts.GRANTS, CapPeriod.CALENDAR_YEAR, 0)
    assert "werk.belgie.be" in cap.basis
    assert catalogue.rule("federal-training-days@2022-01-01").caps[0].limit == 300  # kept


@pytest.mark.parametrize("year", [2023, 2024, 2026])
def test_federal_training_days_are_a_minimum_per_employer_not_a_ceiling(
    catalogue: Catalogue, year: int
) -> None:
    in_force = catalogue.right("federal-training-days").version_on(date(year, 6, 1))
    assert in_force.caps == () and in_force.corrects is not None
    assert "minimum" in in_force.summary and "not a ceiling" in in_force.summary


def test_federal_training_days_are_forfeited_when_the_employment_ends(
    catalogue: Catalogue,
) -> None:
    version = catalogue.rule("federal-training-days@2024-01-01")
    assert version.sources == {"employer", "federal-government"}
    assert version.expiry.expires_on(date(2024, 1, 1)) == date(2029, 1, 1)
    outcomes = {status: policy.outcome for status, policy in version.transitions.items()}
    assert outcomes == {
        Status.EMPLOYEE: Outcome.CARRY,
        Status.SELF_EMPLOYED: Outcome.FORFEIT,
        Status.JOBSEEKER: Outcome.FORFEIT,
        Status.CIVIL_SERVANT: Outcome.FORFEIT,
        Status.INACTIVE: Outcome.SUSPEND,
        Status.RETIRED: Outcome.FORFEIT,
        Status.SELF_EMPLOYED_SIDE: Outcome.FORFEIT,
        Status.STUDENT: Outcome.SUSPEND,
    }
    assert "3 Oct 2022" in version.policy_for(Status.JOBSEEKER).legal_basis
    assert version.employment_bound and version.employment_end is not None
    assert {policy.outcome for policy in version.employment_end.values()} == {Outcome.FORFEIT}
    assert set(version.employment_end) == set(EndReason)


def test_sector_training_hours_come_only_from_a_sector_fund_and_follow_jobseekers(
    catalogue: Catalogue,
) -> None:
    version = catalogue.rule("sector-training-hours@2023-01-01")
    assert version.sources == {"sector-fund"}
    assert version.usable_in == {Status.EMPLOYEE, Status.JOBSEEKER}
    assert [cap.limit for cap in version.caps] == [4000]  # hundredths of an hour
    assert version.expiry.months == 24
    assert "[A]" in version.caps[0].basis


def test_sector_funds_name_their_joint_committees(catalogue: Catalogue) -> None:
    committees = {code: fund.joint_committees for code, fund in catalogue.sector_funds.items()}
    assert committees == {
        "cevora": ("200",),
        "constructiv": ("124",),
        "mtech-plus": ("111", "209"),
    }


# --- validation: each rule refused with the file name and the field path --------------------

TRANSITIONS = """
[versions.transitions]
employee = { outcome = "carry", legal_basis = "" }
self-employed = { outcome = "suspend", legal_basis = "test basis" }
jobseeker = { outcome = "suspend", legal_basis = "test basis" }
civil-servant = { outcome = "suspend", legal_basis = "test basis" }
inactive = { outcome = "suspend", legal_basis = "test basis" }
retired = { outcome = "forfeit", legal_basis = "test basis" }
"""


def version(effective_from: str = "2020-01-01", transitions: str = TRANSITIONS) -> str:
    return f"""
[[versions]]
effective_from = {effective_from}
summary = "A right for tests."
references = ["https://example.org/demo"]
sources = ["employer"]
expiry = {{ kind = "end-of-school-year" }}

[[versions.caps]]
counts = "grants"
period = "school-year"
limit = 10
basis = "test basis"
{transitions}"""


HEADER = """
code = "demo"
name = "Demo right"
unit = "hours"
"""

VALID = HEADER + version()

FUNDS = """
[[funds]]
code = "cevora"
name = "Cevora"
joint_committees = ["200"]
"""


def edit(text: str, old: str, new: str) -> str:
    assert old in text, f"the test template has no {old!r}"
    return text.replace(old, new, 1)


def refusal(folder: Path, text: str, name: str = "demo.toml") -> str:
    """Write ``text`` as ``name`` (next to a valid right file if needed) and load the folder."""
    if name == "sector-funds.toml":
        (folder / "demo.toml").write_text(VALID, encoding="utf-8")
    (folder / name).write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(folder)
    message = str(caught.value)
    assert f"catalogue file {name}: " in message
    return message


def test_the_test_templates_themselves_load(tmp_path: Path) -> None:
    (tmp_path / "demo.toml").write_text(HEADER + version() + version("2021-01-01"), "utf-8")
    (tmp_path / "sector-funds.toml").write_text(FUNDS, encoding="utf-8")
    catalogue = load_catalogue(tmp_path)
    assert [v.id for v in catalogue.right("demo").versions] == [
        "demo@2020-01-01",
        "demo@2021-01-01",
    ]
    assert set(catalogue.sector_funds) == {"cevora"}


def test_a_folder_without_sector_funds_file_has_no_sector_funds(tmp_path: Path) -> None:
    (tmp_path / "demo.toml").write_text(VALID, encoding="utf-8")
    assert load_catalogue(tmp_path).sector_funds == {}


def test_a_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="not found"):
        load_catalogue(tmp_path / "nowhere")


def test_a_folder_without_right_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "sector-funds.toml").write_text(FUNDS, encoding="utf-8")
    with pytest.raises(CatalogueError, match="holds no right files"):
        load_catalogue(tmp_path)


def test_a_toml_syntax_error_names_the_file_and_the_line(tmp_path: Path) -> None:
    message = refusal(tmp_path, edit(VALID, 'name = "Demo right"', "name = Demo right"))
    assert "invalid TOML" in message and "line 3" in message


def test_an_unknown_key_is_refused_with_its_path(tmp_path: Path) -> None:
    message = refusal(tmp_path, edit(VALID, "limit = 10", 'limit = 10\ncolour = "red"'))
    assert "versions[0].caps[0].colour: Extra inputs are not permitted" in message


def test_a_missing_key_is_refused_with_its_path(tmp_path: Path) -> None:
    message = refusal(tmp_path, edit(VALID, 'summary = "A right for tests."\n', ""))
    assert "versions[0].summary: Field required" in message


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ("limit = 10", 'limit = "10"', "versions[0].caps[0].limit"),
        ("limit = 10", "limit = true", "versions[0].caps[0].limit"),
        (
            "effective_from = 2020-01-01",
            'effective_from = "2020-01-01"',
            "versions[0].effective_from",
        ),
        (
            "effective_from = 2020-01-01",
            "effective_from = 2020-01-01T00:00:00",
            "versions[0].effective_from",
        ),
        ('name = "Demo right"', "name = 7", "name"),
        ('sources = ["employer"]', 'sources = "employer"', "versions[0].sources"),
    ],
)
def test_a_wrong_type_is_refused_with_its_path(
    tmp_path: Path, old: str, new: str, path: str
) -> None:
    assert f"{path}: Input should be" in refusal(tmp_path, edit(VALID, old, new))


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ('unit = "hours"', 'unit = "minutes"', "unit"),
        ('employee = { outcome = "carry"', 'employee = { outcome = "keep"', "employee.outcome"),
        ('kind = "end-of-school-year"', 'kind = "never"', "versions[0].expiry.kind"),
        ('period = "school-year"', 'period = "decade"', "versions[0].caps[0].period"),
        ('counts = "grants"', 'counts = "hours"', "versions[0].caps[0].counts"),
        ("\nemployee = {", "\npupil = {", "versions[0].transitions.pupil"),
    ],
)
def test_an_unknown_enum_value_is_refused_with_its_path(
    tmp_path: Path, old: str, new: str, path: str
) -> None:
    message = refusal(tmp_path, edit(VALID, old, new))
    assert path in message and "Input should be" in message


def test_an_unknown_source_kind_is_refused_with_its_path(tmp_path: Path) -> None:
    message = refusal(tmp_path, edit(VALID, '["employer"]', '["employer", "the-bank"]'))
    assert "versions[0].sources[1]: unknown source kind 'the-bank'" in message


def test_a_source_kind_listed_twice_is_refused(tmp_path: Path) -> None:
    message = refusal(tmp_path, edit(VALID, '["employer"]', '["employer", "employer"]'))
    assert "versions[0].sources: a source kind is listed twice" in message


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ('sources = ["employer"]', "sources = []", "versions[0].sources"),
        ('references = ["https://example.org/demo"]', "references = []", "versions[0].references"),
        (
            'references = ["https://example.org/demo"]',
            'references = [" "]',
            "versions[0].references[0]",
        ),
        ('summary = "A right for tests."', 'summary = ""', "versions[0].summary"),
        ('basis = "test basis"', 'basis = ""', "versions[0].caps[0].basis"),
    ],
)
def test_sources_references_summary_and_cap_basis_must_not_be_empty(
    tmp_path: Path, old: str, new: str, path: str
) -> None:
    assert f"{path}: " in refusal(tmp_path, edit(VALID, old, new))


@pytest.mark.parametrize(
    ("versions", "problem"), [("", "Field required"), ("versions = []", "must list at least one")]
)
def test_a_right_without_versions_is_refused(tmp_path: Path, versions: str, problem: str) -> None:
    assert f"versions: {problem}" in refusal(tmp_path, HEADER + versions)


def test_a_version_must_give_a_policy_for_every_status(tmp_path: Path) -> None:
    text = edit(VALID, 'jobseeker = { outcome = "suspend", legal_basis = "test basis" }\n', "")
    message = refusal(tmp_path, text)
    assert "versions[0].transitions.jobseeker: missing" in message


def test_a_forfeit_without_legal_basis_is_refused(tmp_path: Path) -> None:
    forfeit = edit(
        TRANSITIONS,
        'jobseeker = { outcome = "suspend", legal_basis = "test basis" }',
        'jobseeker = { outcome = "forfeit", legal_basis = " " }',
    )
    message = refusal(tmp_path, HEADER + version() + version("2021-01-01", forfeit))
    assert (
        "catalogue file demo.toml: versions[1].transitions.jobseeker.legal_basis: "
        "a forfeit must cite its legal basis"
    ) in message


def test_a_suspend_without_legal_basis_is_refused(tmp_path: Path) -> None:
    text = edit(VALID, '"suspend", legal_basis = "test basis"', '"suspend", legal_basis = ""')
    message = refusal(tmp_path, text)
    assert "versions[0].transitions.self-employed.legal_basis: a suspend must cite" in message


def test_a_policy_must_have_a_legal_basis_key_even_for_carry(tmp_path: Path) -> None:
    text = edit(VALID, '{ outcome = "carry", legal_basis = "" }', '{ outcome = "carry" }')
    message = refusal(tmp_path, text)
    assert "versions[0].transitions.employee.legal_basis: Field required" in message


def test_a_version_in_which_no_status_carries_is_refused(tmp_path: Path) -> None:
    text = edit(
        VALID,
        '{ outcome = "carry", legal_basis = "" }',
        '{ outcome = "suspend", legal_basis = "x" }',
    )
    message = refusal(tmp_path, text)
    assert "versions[0].transitions: no status carries the right" in message


@pytest.mark.parametrize("second", ["2019-12-31", "2020-01-01"])
def test_versions_must_be_in_strictly_increasing_date_order(tmp_path: Path, second: str) -> None:
    message = refusal(tmp_path, HEADER + version() + version(second))
    assert f"versions[1].effective_from: {second} is not after 2020-01-01" in message


def test_a_version_may_not_change_the_unit_of_the_right(tmp_path: Path) -> None:
    second = edit(version("2021-01-01"), "summary =", 'unit = "days"\nsummary =')
    message = refusal(tmp_path, HEADER + version() + second)
    assert "versions[1].unit: days differs from the right's unit hours" in message


def test_a_version_may_restate_the_unit_of_the_right(tmp_path: Path) -> None:
    (tmp_path / "demo.toml").write_text(edit(VALID, "summary =", 'unit = "hours"\nsummary ='))
    assert load_catalogue(tmp_path).right("demo").versions[0].unit is Unit.HOURS


@pytest.mark.parametrize(
    "expiry", ['{ kind = "months-after-grant" }', '{ kind = "months-after-grant", months = 0 }']
)
def test_months_after_grant_needs_at_least_one_month(tmp_path: Path, expiry: str) -> None:
    message = refusal(tmp_path, edit(VALID, '{ kind = "end-of-school-year" }', expiry))
    assert "versions[0].expiry.months: months-after-grant needs months >= 1" in message


def test_a_fixed_date_expiry_needs_its_date(tmp_path: Path) -> None:
    message = refusal(tmp_path, edit(VALID, '"end-of-school-year"', '"fixed-date"'))
    assert "versions[0].expiry.on: fixed-date needs on" in message


def test_a_fixed_date_expiry_must_fall_after_the_version_starts(tmp_path: Path) -> None:
    text = edit(
        VALID, '{ kind = "end-of-school-year" }', '{ kind = "fixed-date", on = 2020-01-01 }'
    )
    assert "versions[0].expiry.on: 2020-01-01 is not after" in refusal(tmp_path, text)


def test_months_after_grant_with_on_ends_at_the_latest_then(tmp_path: Path) -> None:
    expiry = '{ kind = "months-after-grant", months = 3, on = 2021-01-01 }'
    (tmp_path / "demo.toml").write_text(
        edit(VALID, '{ kind = "end-of-school-year" }', expiry), encoding="utf-8"
    )
    rule = load_catalogue(tmp_path).right("demo").versions[0].expiry

    assert rule.expires_on(date(2020, 6, 1)) == date(2020, 9, 1)
    assert rule.expires_on(date(2020, 11, 15)) == date(2021, 1, 1)


@pytest.mark.parametrize(
    ("expiry", "path"),
    [
        ('{ kind = "end-of-school-year", months = 12 }', "versions[0].expiry.months"),
        ('{ kind = "fixed-date", on = 2021-01-01, months = 12 }', "versions[0].expiry.months"),
        ('{ kind = "none", on = 2021-01-01 }', "versions[0].expiry.on"),
    ],
)
def test_an_expiry_refuses_the_fields_its_kind_does_not_use(
    tmp_path: Path, expiry: str, path: str
) -> None:
    message = refusal(tmp_path, edit(VALID, '{ kind = "end-of-school-year" }', expiry))
    assert f"{path}: only " in message


@pytest.mark.parametrize("years", ["", "years = 0\n"])
def test_a_rolling_years_cap_needs_at_least_one_year(tmp_path: Path, years: str) -> None:
    text = edit(VALID, 'period = "school-year"\n', f'period = "rolling-years"\n{years}')
    assert "versions[0].caps[0].years: rolling-years needs years >= 1" in refusal(tmp_path, text)


def test_a_cap_over_another_period_refuses_years(tmp_path: Path) -> None:
    text = edit(VALID, "limit = 10", "limit = 10\nyears = 6")
    assert "versions[0].caps[0].years: only rolling-years takes years" in refusal(tmp_path, text)


def test_a_negative_cap_limit_is_refused(tmp_path: Path) -> None:
    message = refusal(tmp_path, edit(VALID, "limit = 10", "limit = -1"))
    assert "versions[0].caps[0].limit: Input should be greater than or equal to 0" in message


def test_a_cap_of_zero_is_allowed(tmp_path: Path) -> None:
    (tmp_path / "demo.toml").write_text(edit(VALID, "limit = 10", "limit = 0"), encoding="utf-8")
    assert load_catalogue(tmp_path).right("demo").versions[0].caps[0].limit == 0


def test_a_cap_without_basis_is_refused(tmp_path: Path) -> None:
    message = refusal(tmp_path, edit(VALID, 'basis = "test basis"\n', ""))
    assert "versions[0].caps[0].basis: Field required" in message


def test_the_file_name_must_equal_the_code(tmp_path: Path) -> None:
    message = refusal(tmp_path, VALID, name="other.toml")
    assert "code: 'demo' must equal the file name 'other'" in message


def test_a_right_code_must_be_lower_case_letters_digits_and_dashes(tmp_path: Path) -> None:
    message = refusal(tmp_path, edit(VALID, 'code = "demo"', 'code = "Demo"'), name="Demo.toml")
    assert "code: String should match pattern" in message


def test_every_problem_in_a_file_is_listed(tmp_path: Path) -> None:
    text = edit(edit(VALID, "limit = 10", "limit = -1"), 'unit = "hours"', 'unit = "minutes"')
    message = refusal(tmp_path, text)
    assert "unit: " in message and "; versions[0].caps[0].limit: " in message


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ('["200"]', '["2000"]', "funds[0].joint_committees[0]: String should match pattern"),
        ('["200"]', '["149.1"]', "funds[0].joint_committees[0]: String should match pattern"),
        ('["200"]', "[200]", "funds[0].joint_committees[0]: Input should be a valid string"),
        ('["200"]', "[]", "funds[0].joint_committees: "),
        ('code = "cevora"', 'code = "Cevora"', "funds[0].code: String should match pattern"),
        ('name = "Cevora"', 'name = "Cevora"\nwebsite = "x"', "funds[0].website: Extra inputs"),
    ],
)
def test_a_bad_sector_fund_is_refused_with_its_path(
    tmp_path: Path, old: str, new: str, path: str
) -> None:
    assert path in refusal(tmp_path, edit(FUNDS, old, new), name="sector-funds.toml")


def test_a_sub_committee_code_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "demo.toml").write_text(VALID, encoding="utf-8")
    (tmp_path / "sector-funds.toml").write_text(edit(FUNDS, '"200"', '"149.01"'), "utf-8")
    assert load_catalogue(tmp_path).sector_funds["cevora"].joint_committees == ("149.01",)


def test_a_sector_fund_code_listed_twice_is_refused(tmp_path: Path) -> None:
    message = refusal(tmp_path, FUNDS + FUNDS, name="sector-funds.toml")
    assert "funds[1].code: 'cevora' is listed twice" in message


# --- statuses added later, and the end of an employment ------------------------------------
def test_a_file_written_before_side_activities_and_students_gives_them_the_policy_of_their_kin(
    tmp_path: Path,
) -> None:
    (tmp_path / "demo.toml").write_text(VALID, encoding="utf-8")
    rule = load_catalogue(tmp_path).rule("demo@2020-01-01")
    assert rule.policy_for(Status.SELF_EMPLOYED_SIDE) == rule.policy_for(Status.SELF_EMPLOYED)
    assert rule.policy_for(Status.STUDENT) == rule.policy_for(Status.INACTIVE)
    assert not rule.employment_bound


def test_a_file_that_names_a_later_status_decides_for_itself(tmp_path: Path) -> None:
    text = edit(
        VALID, "\nretired =", '\nstudent = { outcome = "carry", legal_basis = "" }\nretired ='
    )
    (tmp_path / "demo.toml").write_text(text, encoding="utf-8")
    rule = load_catalogue(tmp_path).rule("demo@2020-01-01")
    assert rule.policy_for(Status.STUDENT).outcome is Outcome.CARRY


def employment_end(**outcomes: str) -> str:
    lines = [
        f'{reason} = {{ outcome = "{outcomes.get(reason.replace("-", "_"), "forfeit")}", '
        'legal_basis = "test basis: ends with the employment" }'
        for reason in EndReason
    ]
    return "\n[versions.employment_end]\n" + "\n".join(lines) + "\n"


def test_an_employment_end_table_binds_the_right_to_the_employment(tmp_path: Path) -> None:
    text = VALID + employment_end(retirement="carry")
    (tmp_path / "demo.toml").write_text(text, encoding="utf-8")
    rule = load_catalogue(tmp_path).rule("demo@2020-01-01")
    assert rule.employment_bound
    assert rule.end_policy(EndReason.RETIREMENT).outcome is Outcome.CARRY
    assert rule.end_policy(EndReason.DISMISSAL).outcome is Outcome.FORFEIT


def test_an_employment_end_table_without_every_reason_is_refused(tmp_path: Path) -> None:
    text = VALID + employment_end().replace("\ndeath = ", "\n# death = ")
    message = refusal(tmp_path, text)
    assert "versions[0].employment_end.death" in message


def test_an_employment_end_may_suspend_citing_its_basis(tmp_path: Path) -> None:
    (tmp_path / "demo.toml").write_text(VALID + employment_end(retirement="suspend"), "utf-8")
    rule = load_catalogue(tmp_path).rule("demo@2020-01-01")
    assert rule.end_policy(EndReason.RETIREMENT).outcome is Outcome.SUSPEND

    cited = 'retirement = { outcome = "suspend", legal_basis = "test basis: ends with the '
    text = VALID + employment_end(retirement="suspend").replace(
        cited + 'employment" }', 'retirement = { outcome = "suspend", legal_basis = "" }'
    )
    message = refusal(tmp_path, text)
    assert "versions[0].employment_end.retirement.legal_basis" in message


# --- corrigenda: a version id never changes meaning ---------------------------------------
def corrigendum(of: str = "demo@2020-01-01", limit: str = "8") -> str:
    text = edit(version(), "limit = 10", f"limit = {limit}")
    return edit(text, "summary =", f'corrects = "{of}"\nsummary =')


def test_a_corrigendum_takes_over_for_new_entries_and_the_corrected_version_stays(
    tmp_path: Path,
) -> None:
    (tmp_path / "demo.toml").write_text(HEADER + version() + corrigendum(), "utf-8")
    right = load_catalogue(tmp_path).right("demo")

    old, new = right.version("demo@2020-01-01"), right.version("demo@2020-01-01+c1")

    assert [v.id for v in right.versions] == ["demo@2020-01-01", "demo@2020-01-01+c1"]
    assert right.version_on(date(2020, 6, 1)) is new
    assert (new.corrects, new.correction, new.caps[0].limit) == ("demo@2020-01-01", 1, 800)
    assert old.caps[0].limit == 1000 and old.content_hash != new.content_hash


def test_the_content_hash_follows_what_a_version_decides_not_its_documentation(
    tmp_path: Path,
) -> None:
    (tmp_path / "demo.toml").write_text(VALID, "utf-8")
    before = load_catalogue(tmp_path).rule("demo@2020-01-01").content_hash
    (tmp_path / "demo.toml").write_text(edit(VALID, "A right for tests.", "Reworded."), "utf-8")
    reworded = load_catalogue(tmp_path).rule("demo@2020-01-01").content_hash
    (tmp_path / "demo.toml").write_text(edit(VALID, "limit = 10", "limit = 11"), "utf-8")
    changed = load_catalogue(tmp_path).rule("demo@2020-01-01").content_hash

    assert before == reworded != changed


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (HEADER + version() + corrigendum(of="demo@2019-01-01"), "is not a version of demo"),
        (HEADER + version() + corrigendum() + corrigendum(), "is corrected twice"),
        (HEADER + version("2021-01-01") + version("2020-01-01"), "strictly increasing"),
    ],
)
def test_a_corrigendum_names_an_earlier_version_of_the_same_date_once(
    tmp_path: Path, text: str, words: str
) -> None:
    assert words in refusal(tmp_path, text)


def test_a_figure_is_kept_as_the_source_writes_it_and_a_wrong_one_is_refused(
    tmp_path: Path,
) -> None:
    figure = 'figures.salary-ceiling = { value = 3641.5, unit = "EUR", basis = "[S] x" }\n'
    (tmp_path / "demo.toml").write_text(
        edit(VALID, "[[versions.caps]]", figure + "\n[[versions.caps]]"), encoding="utf-8"
    )
    (kept,) = load_catalogue(tmp_path).right("demo").versions[0].figures

    assert (kept.name, kept.value, kept.unit) == ("salary-ceiling", "3641.5", "EUR")
    wrong = edit(
        VALID, "[[versions.caps]]", figure.replace("3641.5", '"a lot"') + "\n[[versions.caps]]"
    )
    assert "versions[0].figures.salary-ceiling.value" in refusal(tmp_path, wrong)
