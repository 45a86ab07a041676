"""The case page: deadlines with status and basis, advice replies, timeline, offered steps;
and recording a new request from the learner's record."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sendplan.casework.advice import services as advice_services
from sendplan.casework.advice.models import AdviceRequest
from sendplan.casework.case.models import Case, Stage
from sendplan.learners.models import AuditEvent
from tests.casework.conftest import DRAFT
from tests.casework_pages.tray_builders import TODAY, at, make_case
from tests.factories import OrganisationFactory

NEW = reverse("casework:new")


@pytest.fixture
def frozen():
    with at(TODAY) as traveller:
        yield traveller


@pytest.fixture
def health_org(cast):
    return cast.learner.involvements.get(user=cast.health).organisation


@pytest.fixture
def social_care_org():
    return OrganisationFactory(name="Children's social care (test)")


def _page(cast, case, who="caseworker"):
    return cast.client_for(getattr(cast, who)).get(reverse("casework:case", args=[case.pk]))


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_case_page_shows_every_deadline_with_due_date_status_and_basis(cast, frozen):
    case = make_case(cast, Stage.ASSESSING)
    html = _html(_page(cast, case))
    assert '<h1 class="govuk-heading-l">Jamie Okonkwo-Test</h1>' in html
    # Met: the decision on 10 February, due 17 February (Reg 5).
    assert "Decision whether to carry out an EHC needs assessment" in html
    assert "17 February 2025" in html and "10 February 2025" in html
    assert ">Met</strong>" in html
    # Open and late: the final plan was due 26 May 2025 (20 weeks).
    assert "26 May 2025" in html and "7 days overdue" in html
    assert "Reg 13(2)" in html
    assert "A legal clock is running" in html


def test_case_page_lists_who_has_and_has_not_replied(cast, frozen, health_org, social_care_org):
    case = make_case(cast, Stage.ASSESSING)
    replied = advice_services.advice_request(
        case_id=case.pk,
        kind=AdviceRequest.Kind.HEALTH,
        organisation_id=health_org.pk,
        practitioner=cast.health,
        requested_on=dt.date(2025, 2, 11),
        changed_by=cast.caseworker,
    )
    advice_services.advice_submit(
        advice_request_id=replied.pk,
        received_on=dt.date(2025, 3, 10),
        changed_by=cast.health,
        sections={"C": "Needs regular speech therapy."},
    )
    advice_services.advice_request(
        case_id=case.pk,
        kind=AdviceRequest.Kind.SOCIAL_CARE,
        organisation_id=social_care_org.pk,
        requested_on=dt.date(2025, 2, 11),
        changed_by=cast.caseworker,
    )
    html = _html(_page(cast, case))
    assert "1 of 2 replied" in html
    assert "Children&#x27;s social care (test)" in html and ">Waiting</strong>" in html
    assert ">Received</strong> 10 March 2025" in html
    assert "Social care advice from Children&#x27;s social care (test)" in html  # its deadline


def test_case_page_timeline_is_newest_first_with_dates_only(cast, frozen):
    case = make_case(cast, Stage.CONSULTING)
    html = _html(_page(cast, case))
    history = html[html.index(">History<") :]
    order = [
        history.index(t)
        for t in (
            "Draft plan sent for comments",
            "Decided to assess",
            "Request for an EHC needs assessment received",
        )
    ]
    assert order == sorted(order)
    assert '<time datetime="2025-04-14">14 April 2025</time>' in history
    assert "00:00" not in history


def test_case_page_offers_only_the_steps_lawful_at_the_stage(cast, frozen):
    requested = make_case(cast, Stage.REQUESTED)
    html = _html(_page(cast, requested))
    assert reverse("casework:action", args=[requested.pk, "decide-assessment"]) in html
    assert reverse("casework:action", args=[requested.pk, "withdraw"]) in html
    assert reverse("casework:action", args=[requested.pk, "issue-draft"]) not in html
    assert reverse("casework:action", args=[requested.pk, "request-advice"]) not in html


def test_consulting_case_offers_consultation_comments_and_final_plan(cast, frozen):
    case = make_case(cast, Stage.CONSULTING)
    html = _html(_page(cast, case))
    for slug in ("consult-setting", "family-comments", "exception"):
        assert reverse("casework:action", args=[case.pk, slug]) in html
    # Issuing the final plan has its own check-your-answers journey on the plan's pages.
    assert reverse("casework:plan-issue", args=[case.plan.pk]) in html
    assert reverse("casework:action", args=[case.pk, "decide-assessment"]) not in html


def test_the_final_plan_is_offered_only_once_the_time_for_comments_has_run(cast):
    with at(DRAFT + dt.timedelta(days=14)):
        case = make_case(cast, Stage.CONSULTING)
        html = _html(_page(cast, case))
        assert reverse("casework:plan-issue", args=[case.plan.pk]) not in html
        draft = _html(
            cast.client_for(cast.caseworker).get(
                reverse("casework:plan-draft", args=[case.plan.pk])
            )
        )
        assert "Check and issue this version" not in draft and "can be issued from" in draft
    with at(DRAFT + dt.timedelta(days=15)):
        assert reverse("casework:plan-issue", args=[case.plan.pk]) in _html(_page(cast, case))


def test_read_only_colleague_sees_the_case_but_no_steps(cast, frozen):
    case = make_case(cast, Stage.REQUESTED)
    html = _html(_page(cast, case, "la_colleague"))
    assert "Deadlines" in html and "What you can do now" not in html


def test_involved_health_practitioner_may_read_the_case(cast, frozen):
    case = make_case(cast, Stage.REQUESTED)
    assert _page(cast, case, "health").status_code == 200


@pytest.mark.parametrize("who", ["other_senco", "other_health"])
def test_outsiders_get_404_for_the_case(cast, frozen, who):
    case = make_case(cast, Stage.REQUESTED)
    assert _page(cast, case, who).status_code == 404


def test_families_use_their_own_page_not_the_case_page(cast, frozen):
    case = make_case(cast, Stage.REQUESTED)
    assert _page(cast, case, "parent").status_code == 403


def test_case_page_refuses_post(cast, frozen):
    case = make_case(cast, Stage.REQUESTED)
    url = reverse("casework:case", args=[case.pk])
    assert cast.client_for(cast.caseworker).post(url).status_code == 405


def test_case_page_writes_an_audit_event(cast, frozen):
    case = make_case(cast, Stage.REQUESTED)
    _page(cast, case)
    event = AuditEvent.objects.filter(user=cast.caseworker).latest("at")
    assert event.learner_id == cast.learner.pk and event.detail == "case page"


def test_case_page_query_count_does_not_grow_with_advice_requests(cast, frozen, health_org):
    case = make_case(cast, Stage.ASSESSING)
    client = cast.client_for(cast.caseworker)
    url = reverse("casework:case", args=[case.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    one = count()
    for _ in range(4):
        advice_services.advice_request(
            case_id=case.pk,
            kind=AdviceRequest.Kind.EDUCATION,
            organisation_id=health_org.pk,
            requested_on=dt.date(2025, 2, 11),
            changed_by=cast.caseworker,
        )
    assert count() == one <= 25


# Recording a new request from the learner's record.


def test_learner_record_shows_cases_with_stage_next_deadline_and_link(cast, frozen):
    case = make_case(cast, Stage.REQUESTED, received_on=dt.date(2025, 5, 1))
    html = _html(
        cast.client_for(cast.caseworker).get(reverse("learners:record", args=[cast.learner.pk]))
    )
    card = html[html.index(">Cases<") : html.index(">Needs<")]
    assert "Request received" in card
    assert "Decision whether to carry out an EHC needs assessment, due 12 June 2025" in card
    assert reverse("casework:case", args=[case.pk]) in card


def test_family_sees_the_stage_on_the_record_but_no_link_to_the_case_page(cast, frozen):
    case = make_case(cast, Stage.REQUESTED)
    html = _html(
        cast.client_for(cast.parent).get(reverse("learners:record", args=[cast.learner.pk]))
    )
    assert "Request received" in html
    assert reverse("casework:case", args=[case.pk]) not in html
    assert NEW not in html


def test_caseworker_records_a_request_with_the_learner_in_the_body(cast, frozen):
    client = cast.client_for(cast.caseworker)
    record = _html(client.get(reverse("learners:record", args=[cast.learner.pk])))
    assert f'action="{NEW}"' in record and "Record a new request" in record
    start = client.post(NEW, {"learner": cast.learner.pk})
    assert "Record a request for an EHC needs assessment" in _html(start)
    assert "There is a problem" not in start.content.decode()
    answers = {
        "learner": cast.learner.pk,
        "received_on_day": "30",
        "received_on_month": "5",
        "received_on_year": "2025",
        "source": Case.Source.SETTING,
        "requested_by": "SENCO",
    }
    # First the answers to check: recording starts the clock.
    check = _html(client.post(NEW, answers))
    assert "Check the request before recording it" in check
    assert "30 May 2025" in check and "Friday 11 July 2025" not in check
    assert "11 July 2025" in check  # the decision is due 6 weeks after receipt
    assert not Case.objects.exists()
    changing = _html(client.post(NEW, {**answers, "change": "1"}))
    assert 'value="SENCO"' in changing and not Case.objects.exists()
    done = client.post(NEW, {**answers, "confirm": "1"})
    case = Case.objects.get(learner=cast.learner)
    assert done.status_code == 302 and done["Location"] == reverse("casework:case", args=[case.pk])
    assert case.caseworker == cast.caseworker and case.received_on == dt.date(2025, 5, 30)


def test_request_in_the_future_is_refused_beside_the_date(cast, frozen):
    response = cast.client_for(cast.caseworker).post(
        NEW,
        {
            "learner": cast.learner.pk,
            "received_on_day": "3",
            "received_on_month": "6",
            "received_on_year": "2025",
            "source": Case.Source.PARENT,
            "requested_by": "Mother",
        },
    )
    html = _html(response)
    assert "There is a problem" in html
    assert "The date the request was received cannot be in the future." in html
    assert 'href="#received_on_day"' in html
    assert 'value="Mother"' in html  # what was typed is kept
    assert not Case.objects.exists()


def test_second_open_request_is_refused_in_plain_words(cast, frozen):
    make_case(cast, Stage.REQUESTED)
    html = _html(
        cast.client_for(cast.caseworker).post(
            NEW,
            {
                "learner": cast.learner.pk,
                "received_on_day": "1",
                "received_on_month": "6",
                "received_on_year": "2025",
                "source": Case.Source.PARENT,
                "requested_by": "Mother",
            },
        )
    )
    assert "This learner already has an open request" in html


def test_new_request_for_an_outsiders_learner_is_404(cast, frozen):
    from tests.factories import LearnerFactory

    elsewhere = LearnerFactory(responsible_la=OrganisationFactory(name="Elsewhere"))
    response = cast.client_for(cast.caseworker).post(NEW, {"learner": elsewhere.pk})
    assert response.status_code == 404
    assert cast.client_for(cast.caseworker).post(NEW, {"learner": "x"}).status_code == 404


def test_read_only_colleague_may_not_record_a_request(cast, frozen):
    response = cast.client_for(cast.la_colleague).post(NEW, {"learner": cast.learner.pk})
    assert response.status_code == 403


def test_new_request_refuses_get(cast):
    assert cast.client_for(cast.caseworker).get(NEW).status_code == 405


def test_learner_record_cases_card_query_count_does_not_grow_with_cases(cast, frozen):
    client = cast.client_for(cast.caseworker)
    url = reverse("learners:record", args=[cast.learner.pk])
    make_case(cast, Stage.NOT_ASSESSING, received_on=dt.date(2025, 1, 6))
    Case.objects.update(stage=Stage.CLOSED, closed_on=TODAY, closed_reason="No appeal")

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    one = count()
    make_case(cast, Stage.ASSESSING, received_on=dt.date(2025, 3, 3))
    assert count() == one
