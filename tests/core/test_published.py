"""DfE's published figures: the area's own and England's, or a plain sentence saying which
is missing; never another area's figures and never a number kept in the code."""

from __future__ import annotations

import zipfile

from sendplan.accounts.access import local_area_for
from sendplan.accounts.models import Organisation, Role
from sendplan.core.published import (
    RELEASE,
    Area,
    published_caseload,
    published_timeliness,
)
from tests.core.published_files import (
    ENGLAND_2023,
    ENGLAND_2024,
    LAMBETH_2024,
    LAMBETH_BY_AGE,
    write_release,
)
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

LAMBETH = Area("E09000022", "Lambeth Council (test)")
SOUTHWARK = Area("E09000028", "Southwark Council (test)")


def test_latest_rows_are_found_by_column_name_whatever_the_order(tmp_path):
    write_release(tmp_path, ENGLAND_2023, ENGLAND_2024, LAMBETH_2024, LAMBETH_BY_AGE)
    found = published_timeliness(area=LAMBETH, data_dir=tmp_path)
    assert found.national.year == 2024 and found.national.without_exceptions_pc == 46.4
    assert found.national.plans == 200 and found.national.area == "England"
    assert found.local.area == "Lambeth" and found.local.plans is None  # "x" suppressed
    assert found.local.with_exceptions_pc == 83.9 and found.local.year == 2024
    assert found.missing == ()


def test_an_area_without_its_row_gets_no_figures_and_a_sentence_saying_so(tmp_path):
    write_release(tmp_path, ENGLAND_2024, LAMBETH_2024)
    found = published_timeliness(area=SOUTHWARK, data_dir=tmp_path)
    assert found.local is None
    assert found.national.without_exceptions_pc == 46.4
    assert found.missing == (
        "There are no published figures for Southwark Council (test) (E09000028) in the DfE, "
        "Education, health and care plans, 2025 release.",
    )


def test_a_missing_release_is_said_plainly_with_no_figure_at_all(tmp_path):
    found = published_timeliness(area=LAMBETH, data_dir=tmp_path)
    assert found.national is None and found.local is None
    assert found.missing == (
        f"The published figures are not available: {RELEASE} is not in the shared data folder.",
    )


def test_a_release_without_the_timeliness_table_is_said_plainly(tmp_path):
    path = tmp_path / RELEASE
    path.parent.mkdir(parents=True)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("data/caseload.csv", "time_period\n2025\n")
    found = published_timeliness(area=LAMBETH, data_dir=tmp_path)
    assert found.national is None and found.local is None
    assert found.missing == (
        f"The published figures are not available: {RELEASE} has no readable "
        "data/timeliness_20_week.csv.",
    )


def test_a_release_without_a_national_row_says_so(tmp_path):
    write_release(tmp_path, LAMBETH_2024)
    found = published_timeliness(area=LAMBETH, data_dir=tmp_path)
    assert found.national is None and found.local.without_exceptions_pc == 87.2
    assert found.missing == (
        "There are no published figures for England in the DfE, Education, health and care "
        "plans, 2025 release.",
    )


def test_without_an_area_only_england_is_shown_and_the_missing_area_is_said(tmp_path):
    write_release(tmp_path, ENGLAND_2024, LAMBETH_2024)
    found = published_timeliness(area=None, data_dir=tmp_path)
    assert found.local is None and found.national.without_exceptions_pc == 46.4
    assert "No local area is set for this service" in found.missing[0]
    assert "SENDPLAN_LA_CODE" in found.missing[0]


def test_the_area_is_the_users_own_council(cast, settings):
    settings.SENDPLAN_LA_CODE = "E09000028"
    assert local_area_for(cast.la_colleague) == Area("E09000022", "Lambeth Council (test)")


def test_a_council_without_a_code_falls_back_to_the_configured_area(db, settings):
    council = OrganisationFactory(name="Uncoded Council", code="")
    manager = MembershipFactory(organisation=council, role=Role.LA_MANAGER).user
    OrganisationFactory(name="Configured Council", code="E08000009")
    settings.SENDPLAN_LA_CODE = "E08000009"
    assert local_area_for(manager) == Area("E08000009", "Configured Council")


def test_a_configured_area_with_no_organisation_is_named_by_its_code(db, settings):
    settings.SENDPLAN_LA_CODE = "E08000009"
    assert local_area_for(UserFactory()) == Area("E08000009", "E08000009")


def test_no_council_code_and_no_configured_area_means_no_area(db, settings):
    settings.SENDPLAN_LA_CODE = ""
    council = OrganisationFactory(name="Uncoded Council", code="")
    manager = MembershipFactory(organisation=council, role=Role.LA_MANAGER).user
    assert local_area_for(manager) is None


def test_a_setting_organisation_with_a_code_is_not_an_area(db, settings):
    settings.SENDPLAN_LA_CODE = ""
    school = OrganisationFactory(kind=Organisation.Kind.SETTING, code="E09000022")
    senco = MembershipFactory(organisation=school, role=Role.SETTING_STAFF).user
    assert local_area_for(senco) is None


def _caseload_release(tmp_path, *rows: str) -> None:
    header = "time_period,geographic_level,new_la_code,la_name,breakdown,ehcplans"
    path = tmp_path / RELEASE
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("data/caseload.csv", "\n".join([header, *rows]) + "\n")


def test_published_caseload_is_the_areas_plans_at_the_january_census(tmp_path):
    _caseload_release(
        tmp_path,
        "202324,Local authority,E09000022,Lambeth,All EHC plans,3001",
        "202425,Local authority,E09000022,Lambeth,All EHC plans,3102",
        "202425,Local authority,E09000022,Lambeth,Age 5 to 10,900",
        "202425,National,,,All EHC plans,600000",
        "202425,Local authority,E09000028,Southwark,All EHC plans,x",
    )
    found = published_caseload(area=LAMBETH, census_year=2025, data_dir=tmp_path)
    assert found is not None and (found.plans, found.area) == (3102, "Lambeth Council (test)")
    assert published_caseload(area=LAMBETH, census_year=2024, data_dir=tmp_path).plans == 3001
    assert published_caseload(area=LAMBETH, census_year=2026, data_dir=tmp_path) is None
    assert published_caseload(area=SOUTHWARK, census_year=2025, data_dir=tmp_path) is None
    assert published_caseload(area=None, census_year=2025, data_dir=tmp_path) is None
    assert published_caseload(area=LAMBETH, census_year=2025, data_dir=tmp_path / "no") is None
