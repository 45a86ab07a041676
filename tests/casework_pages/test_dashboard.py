"""The manager's dashboard: caseloads, 20-week timeliness with and without exceptions,
compared with the published national and Lambeth figures, as a chart with its table."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from sendplan.casework.case import services as case_services
from sendplan.casework.case.models import Stage
from sendplan.casework.plans import services as plan_services
from sendplan.casework.tray.selectors import published_timeliness
from tests.casework_pages.tray_builders import TODAY, at, case_for_new_learner, make_case

DASHBOARD = reverse("casework:dashboard")


@pytest.fixture
def frozen():
    with at(TODAY) as traveller:
        yield traveller


@pytest.fixture
def two_plans(cast, frozen):
    """One plan on time (18 weeks) and one late (34 weeks) with a Reg 10(4)(c) exception."""
    on_time = make_case(cast, Stage.FINAL_ISSUED)
    late = case_for_new_learner(
        cast, Stage.CONSULTING, received_on=dt.date(2024, 10, 1), name="Lee Late-Test"
    )
    version = late.plan.versions.get()
    plan_services.plan_issue(
        version_id=version.pk,
        expected_lock=version.lock,
        issued_on=dt.date(2025, 5, 30),
        changed_by=cast.caseworker,
    )
    case_services.exception_record(
        case_id=late.pk,
        key="reg10_4_d",
        reason="Family abroad for 6 weeks",
        starts_on=dt.date(2024, 12, 1),
        ends_on=dt.date(2025, 1, 15),
        changed_by=cast.caseworker,
    )
    return on_time, late


def _html(cast, who="la_colleague") -> str:
    response = cast.client_for(getattr(cast, who)).get(DASHBOARD)
    assert response.status_code == 200
    return response.content.decode()


def test_timeliness_is_shown_with_and_without_exceptions(cast, two_plans):
    html = _html(cast)
    assert "100.0% of plans issued within 20 weeks, above England&#x27;s 46.4%" in html
    assert "2 final plans were issued: 50.0% within 20 weeks counting every plan" in html
    row = html[html.index('<th scope="row" class="govuk-table__header">This service</th>') :]
    row = row[: row.index("</tr>")]
    assert "3 June 2024 to 2 June 2025" in row
    assert ">2<" in row and "50.0%" in row and "100.0%" in row


def test_published_national_and_lambeth_figures_are_read_from_the_dfe_file(cast, frozen):
    html = _html(cast)
    assert "England" in html and "46.4%" in html and "45.9%" in html
    assert "Lambeth" in html and "87.2%" in html and "83.9%" in html
    assert "calendar year 2024" in html


def test_chart_is_svg_with_a_title_summary_and_data_table(cast, two_plans):
    html = _html(cast)
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
    assert (
        'role="img" aria-labelledby="timeliness-title" aria-describedby="timeliness-summary"'
        in html
    )
    assert 'id="timeliness-summary"' in html
    assert "Plans issued within 20 weeks: the chart's figures" in html
    assert "style=" not in html[html.index("<svg") : html.index("</svg>")]  # CSP


def test_no_plans_in_the_last_year_is_said_plainly(cast, frozen):
    html = _html(cast)
    assert "No final plans issued in the last 12 months" in html


def test_caseloads_per_caseworker(cast, frozen):
    make_case(cast, Stage.REQUESTED)
    case_for_new_learner(cast, Stage.ASSESSING, received_on=dt.date(2025, 4, 1), name="Al Two-Test")
    html = _html(cast)
    table = html[html.index("Open cases per caseworker") :]
    assert "2 in all" in table
    assert cast.caseworker.display_name in table and ">2</td>" in table


def test_manager_of_another_authority_sees_none_of_these_cases(cast, two_plans):
    from sendplan.accounts.models import Role
    from tests.factories import MembershipFactory, UserFactory

    other = MembershipFactory(user=UserFactory(), organisation=cast.other_la, role=Role.LA_MANAGER)
    response = cast.client_for(other.user).get(DASHBOARD)
    html = response.content.decode()
    assert response.status_code == 200
    assert "There are no open cases." in html
    assert "No final plans issued in the last 12 months" in html


@pytest.mark.parametrize("who", ["senco", "health", "parent"])
def test_dashboard_is_for_la_staff_only(cast, who):
    assert cast.client_for(getattr(cast, who)).get(DASHBOARD).status_code == 403


def test_dashboard_refuses_post(cast):
    assert cast.client_for(cast.la_colleague).post(DASHBOARD).status_code == 405


def test_published_figures_are_found_by_column_name_whatever_the_order(tmp_path):
    folder = tmp_path / "dfe-ehcp-sen2" / "lambeth_extract_2025"
    folder.mkdir(parents=True)
    (folder / "timeliness_20_week.csv").write_text(
        "extra,PC_plans_issued_20_weeks_ex,breakdown,geographic_level,new_la_code,la_name,"
        "country_name,time_period,pc_plans_issued_within_20_weeks,plans_issued_den\n"
        "a,50.5,All EHC plans issued,National,,,England,2023,49.1,100\n"
        "a,46.4,All EHC plans issued,National,,,England,2024,45.9,200\n"
        "a,87.2,All EHC plans issued,Local authority,E09000022,Lambeth,England,2024,83.9,x\n"
        "a,10,By age,Local authority,E09000022,Lambeth,England,2025,10,5\n",
        encoding="utf-8",
    )
    found = published_timeliness(data_dir=tmp_path)
    assert found["national"].year == 2024 and found["national"].without_exceptions_pc == 46.4
    assert found["local"].area == "Lambeth" and found["local"].plans is None  # "x" suppressed
    assert found["local"].with_exceptions_pc == 83.9


def test_missing_file_falls_back_to_the_published_national_figure(tmp_path):
    found = published_timeliness(data_dir=tmp_path)
    assert found["national"].without_exceptions_pc == 46.4 and found["local"] is None
