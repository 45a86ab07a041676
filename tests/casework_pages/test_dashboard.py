"""The manager's dashboard: caseloads, 20-week timeliness with and without exceptions,
compared with the published national figures and the manager's own council's, as a chart
with its table; what is not published is said plainly."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from sendplan.casework.case import services as case_services
from sendplan.casework.case.models import Stage
from sendplan.casework.plans import services as plan_services
from tests.casework_pages.tray_builders import TODAY, at, case_for_new_learner, make_case
from tests.core.published_files import ENGLAND_2024, LAMBETH_2024, write_release

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


def _html(cast, who="la_colleague", user=None) -> str:
    response = cast.client_for(user or getattr(cast, who)).get(DASHBOARD)
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


def _manager_of(organisation):
    from sendplan.accounts.models import Role
    from tests.factories import MembershipFactory, UserFactory

    return MembershipFactory(
        user=UserFactory(), organisation=organisation, role=Role.LA_MANAGER
    ).user


def test_a_council_without_its_published_row_is_told_so_and_sees_no_other_councils(
    cast, frozen, settings, tmp_path
):
    write_release(tmp_path, ENGLAND_2024, LAMBETH_2024)
    settings.SHARED_DATA_DIR = tmp_path
    html = _html(cast, user=_manager_of(cast.other_la))
    assert (
        "There are no published figures for Another Council (test) (E09000028) in the DfE, "
        "Education, health and care plans, 2025 release." in html
    )
    assert "Lambeth" not in html and "87.2%" not in html and "83.9%" not in html
    assert "England" in html and "46.4%" in html


def test_a_missing_data_file_is_said_plainly_and_no_figure_is_shown(
    cast, frozen, settings, tmp_path
):
    settings.SHARED_DATA_DIR = tmp_path
    html = _html(cast)
    assert (
        "The published figures are not available: "
        "dfe-ehcp-sen2/education-health-and-care-plans_2025.zip is not in the shared data "
        "folder." in html
    )
    assert "46.4" not in html and "45.9" not in html


def test_a_council_without_a_code_compares_with_the_configured_area(
    cast, frozen, settings, tmp_path
):
    write_release(tmp_path, ENGLAND_2024, LAMBETH_2024)
    settings.SHARED_DATA_DIR = tmp_path
    settings.SENDPLAN_LA_CODE = "E09000022"
    cast.other_la.code = ""
    cast.other_la.save()
    html = _html(cast, user=_manager_of(cast.other_la))
    assert "87.2%" in html and "There are no published figures" not in html


def test_with_no_area_anywhere_the_page_says_none_is_set(cast, frozen, settings, tmp_path):
    write_release(tmp_path, ENGLAND_2024, LAMBETH_2024)
    settings.SHARED_DATA_DIR = tmp_path
    settings.SENDPLAN_LA_CODE = ""
    cast.other_la.code = ""
    cast.other_la.save()
    html = _html(cast, user=_manager_of(cast.other_la))
    assert "No local area is set for this service" in html
    assert "87.2%" not in html and "46.4%" in html
