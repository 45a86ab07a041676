"""The caseworker's work tray: groups, counts, filters, pages, access and query budget."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sendplan.casework.case.models import Stage
from sendplan.casework.disputes import services as dispute_services
from sendplan.learners.models import AuditEvent
from tests.casework_pages.tray_builders import (
    TODAY,
    at,
    case_for_new_learner,
    overdue_at_risk_and_due_soon,
)

TRAY = reverse("casework:tray")


@pytest.fixture
def frozen():
    with at(TODAY) as traveller:
        yield traveller


@pytest.fixture
def three(cast, frozen):
    return overdue_at_risk_and_due_soon(cast)


def _html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_tray_groups_overdue_at_risk_and_due_this_week_with_counts(cast, three):
    html = _html(cast.client_for(cast.caseworker).get(TRAY))
    # One row per deadline: the overdue case is late on three limits, the assessing case on
    # the decision not to issue (16 weeks) and at risk on the final plan.
    assert "All (6)" in html and "Overdue (4)" in html
    assert "At risk (1)" in html and "Due this week (1)" in html
    assert "6 deadlines on 3 cases" in html
    tags = re.findall(r'govuk-tag--\w+">([^<]+)<', html)
    assert tags == ["Overdue"] * 4 + ["At risk", "Due this week"]  # worst group first


def test_tray_row_shows_due_date_days_basis_and_case_link(cast, three):
    html = _html(cast.client_for(cast.caseworker).get(TRAY))
    overdue = three["overdue"]
    assert f'href="{reverse("casework:case", args=[overdue.pk])}"' in html
    assert "17 February 2025" in html  # 6 weeks from 6 January
    assert "105 days overdue" in html
    assert "Reg 5(1)" in html
    assert "In 2 days" in html
    assert "Request received" in html  # the stage


def test_at_risk_row_says_why(cast, three):
    html = _html(cast.client_for(cast.caseworker).get(TRAY + "?status=at_risk"))
    assert "Ari Atrisk-Test" in html and "Olive Overdue-Test" not in html
    assert "16 June 2025" in html and "In 14 days" in html
    assert "Why:" in html
    assert 'aria-current="page"' in html


def test_rule_the_reference_could_not_confirm_says_check_locally(cast, frozen):
    # Tribunal orders' limits are UNCONFIRMED in the legal reference (T27).
    case = case_for_new_learner(
        cast, Stage.ASSESSING, received_on=TODAY - dt.timedelta(days=50), name="Una Unsure-Test"
    )
    appeal = dispute_services.tribunal_record(
        case_id=case.pk,
        about="not_to_assess",
        registered_on=TODAY - dt.timedelta(days=3),
        changed_by=cast.caseworker,
    )
    dispute_services.tribunal_order_record(
        appeal_id=appeal.pk,
        kind="other",
        description="Send the Tribunal the advice received",
        due_on=TODAY + dt.timedelta(days=3),
        changed_by=cast.caseworker,
    )
    html = _html(cast.client_for(cast.caseworker).get(TRAY))
    row = html[html.index("Tribunal order: Other order") :]
    row = row[: row.index("</tr>")]
    assert "5 June 2025" in row and "In 3 days" in row
    assert "Check locally</strong>" in row
    assert "Check locally" not in html[: html.index("Tribunal order: Other order")]


def test_stage_filter_narrows_rows_and_counts(cast, three):
    html = _html(cast.client_for(cast.caseworker).get(TRAY + "?stage=assessing"))
    assert "Ari Atrisk-Test" in html
    assert "Olive Overdue-Test" not in html and "Dee Duesoon-Test" not in html
    assert "All (2)" in html and "Overdue (1)" in html and "Due this week (0)" in html
    assert "Clear the stage filter" in html


def test_unknown_filter_values_are_ignored(cast, three):
    html = _html(cast.client_for(cast.caseworker).get(TRAY + "?stage=nonsense&status=x"))
    assert "All (6)" in html and "Olive Overdue-Test" in html


def test_links_keep_filters_but_never_carry_names(cast, three):
    html = _html(cast.client_for(cast.caseworker).get(TRAY + "?stage=requested"))
    links = re.findall(r'href="([^"]*)"', html)
    assert any("stage=requested" in link and "status=overdue" in link for link in links)
    assert not [link for link in links if "test" in link.lower()]


def test_tray_is_paginated_with_page_in_title(cast, frozen):
    for n in range(9):  # three overdue limits each: 27 rows
        case_for_new_learner(
            cast,
            Stage.REQUESTED,
            received_on=dt.date(2025, 1, 6) - dt.timedelta(days=n),
            name=f"Pat Page{n}-Test",
        )
    client = cast.client_for(cast.caseworker)
    first = _html(client.get(TRAY + "?status=overdue"))
    assert "(page 1 of 2)" in first and "showing 1 to 25" in first and "27 deadlines" in first
    assert "status=overdue&amp;page=2" in first or "page=2&amp;status=overdue" in first
    second = _html(client.get(TRAY + "?status=overdue&page=2"))
    assert "(page 2 of 2)" in second and "showing 26 to 27" in second


def test_empty_tray_says_so(cast, frozen):
    html = _html(cast.client_for(cast.caseworker).get(TRAY))
    assert "Nothing is overdue, at risk or due this week on your cases." in html


def test_tray_shows_only_the_users_own_cases(cast, three):
    html = _html(cast.client_for(cast.la_colleague).get(TRAY))
    assert "Olive Overdue-Test" not in html and "All (0)" in html


def test_tray_writes_an_audit_event_without_names(cast, three):
    cast.client_for(cast.caseworker).get(TRAY)
    event = AuditEvent.objects.filter(user=cast.caseworker).latest("at")
    assert event.action == AuditEvent.Action.LIST
    assert event.detail == "work tray page 1 of 1, 6 deadlines"


@pytest.mark.parametrize("who", ["senco", "health", "parent"])
def test_tray_is_for_la_staff_only(cast, who):
    assert cast.client_for(getattr(cast, who)).get(TRAY).status_code == 403


def test_tray_sends_anonymous_visitors_to_sign_in(client, db):
    response = client.get(TRAY)
    assert response.status_code == 302 and "sign-in" in response["Location"]


def test_tray_refuses_post(cast):
    assert cast.client_for(cast.caseworker).post(TRAY).status_code == 405


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(TRAY).status_code == 200
    return len(captured)


def test_tray_query_count_does_not_grow_with_the_caseload(cast, frozen):
    client = cast.client_for(cast.caseworker)
    overdue_at_risk_and_due_soon(cast)
    few = _queries(client)
    for n in range(12):
        case_for_new_learner(
            cast,
            Stage.ASSESSING if n % 2 else Stage.REQUESTED,
            received_on=dt.date(2025, 1, 6) + dt.timedelta(days=n),
            name=f"Quinn Query{n}-Test",
        )
    many = _queries(client)
    assert few == many
    # The budget: session, user, standing, visibility, tray prefetches, audit, and the
    # sections above the deadlines (proposed amendments, the pathway and delivery panels).
    assert many <= 24
