"""My cases: every open case of a coordinator with its most pressing deadline, sortable and
filtered by stage; a SEND manager opens any coordinator's of their council, nobody else's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from sendplan.accounts.models import Role
from sendplan.casework.case import services as case_services
from sendplan.casework.case.models import Case, Stage
from sendplan.learners.models import AuditEvent
from tests.casework.conftest import REQUEST, at, make_case
from tests.conftest import _member

pytestmark = pytest.mark.django_db

URL = reverse("casework:caseload")
ON = dt.date(2025, 2, 20)  # a request of REQUEST: its decision (due 17 February) 3 days late


def _colleague_case(cast, colleague) -> Case:
    return case_services.request_record(
        learner_id=cast.other_learner.pk,
        received_on=REQUEST + dt.timedelta(days=20),  # its decision not due yet
        source=Case.Source.SETTING,
        requested_by="SENCO",
        caseworker=colleague,
        changed_by=colleague,
    )


@pytest.fixture
def caseloads(cast):
    colleague = _member(Role.LA_CASEWORKER, cast.la, "colleague")
    with at(ON):
        own = make_case(cast, Stage.REQUESTED)
        theirs = _colleague_case(cast, colleague)
    return own, theirs, colleague


def _get(cast, user, query: str = ""):
    with at(ON):
        return cast.client_for(user).get(URL + query)


def test_a_coordinator_sees_their_open_cases_with_the_next_deadline(cast, caseloads):
    own, theirs, _ = caseloads
    response = _get(cast, cast.caseworker)
    page = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-l">My cases</h1>' in page
    assert reverse("casework:case", args=[own.pk]) in page
    assert reverse("casework:case", args=[theirs.pk]) not in page
    assert "1 open case" in page
    assert "Overdue" in page and "3 days overdue" in page
    assert AuditEvent.objects.filter(
        user=cast.caseworker, action=AuditEvent.Action.LIST, detail__startswith="caseload page 1"
    ).exists()


def test_a_coordinator_cannot_open_a_colleagues_caseload(cast, caseloads):
    _, _, colleague = caseloads
    assert _get(cast, cast.caseworker, f"?caseworker={colleague.pk}").status_code == 404


def test_a_manager_opens_any_coordinator_of_their_council(cast, caseloads):
    _, theirs, colleague = caseloads
    response = _get(cast, cast.la_colleague, f"?caseworker={colleague.pk}")
    page = response.content.decode()
    assert response.status_code == 200
    assert f"Cases of {colleague.display_name}" in page
    assert reverse("casework:case", args=[theirs.pk]) in page
    # The chooser offers both coordinators of the council.
    assert f'<option value="{cast.caseworker.pk}"' in page
    assert f'<option value="{colleague.pk}" selected>' in page


def test_a_manager_of_another_council_cannot(cast, caseloads):
    _, _, colleague = caseloads
    outsider = _member(Role.LA_MANAGER, cast.other_la, "outsider")
    assert _get(cast, outsider, f"?caseworker={colleague.pk}").status_code == 404
    page = _get(cast, outsider).content.decode()
    assert "no coordinators work for a council you manage" in page


def test_filtered_by_stage_and_sorted_by_learner(cast):
    with at(ON):
        requested = make_case(cast, Stage.REQUESTED)
        assessing = make_case(cast, Stage.ASSESSING, learner=cast.other_learner)
    stage_only = _get(cast, cast.caseworker, "?stage=assessing").content.decode()
    assert reverse("casework:case", args=[assessing.pk]) in stage_only
    assert reverse("casework:case", args=[requested.pk]) not in stage_only
    by_name = _get(cast, cast.caseworker, "?sort=learner&order=desc").content.decode()
    # Sam Other-Test before Jamie Okonkwo-Test, Z to A.
    assert by_name.index("Sam Other-Test") < by_name.index("Jamie Okonkwo-Test")
    assert 'aria-sort="descending"' in by_name


@pytest.mark.parametrize("query", ["?caseworker=abc", "?caseworker=²", "?sort=x&order=y&stage=z"])
def test_nonsense_in_the_query_is_ignored(cast, caseloads, query):
    assert _get(cast, cast.caseworker, query).status_code == 200


def test_the_coordinators_home_page_counts_their_deadlines(cast, caseloads):
    with at(ON):
        page = cast.client_for(cast.caseworker).get(reverse("home")).content.decode()
    assert "Overdue: 1" in page
    assert reverse("casework:caseload") in page
