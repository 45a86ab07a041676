"""Reviews and transfers: one plan's review page, recording each step, ceasing, and the
caseworker's list of upcoming reviews with its fixed query budget."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sendplan.accounts.models import Role
from sendplan.casework.plans.models import CeaseReason, Plan, PlanVersion
from sendplan.casework.reviews import services as review_services
from sendplan.casework.reviews.models import Review
from tests.casework_pages.plan_builders import TODAY, at, issued_plan, plan_for_new_learner
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def frozen():
    with at(TODAY) as traveller:
        yield traveller


@pytest.fixture
def plan(cast, frozen) -> Plan:
    return issued_plan(cast)  # issued 12 May 2025; the learner is in Year 6 on 2 June 2025


def _lock(plan: Plan) -> dict[str, int]:
    """The lock the schedule and meeting forms carry when read now."""
    review = plan.reviews.filter(decided_on__isnull=True).first()
    return {"expected_lock": review.lock if review else 0}


def _url(name: str, plan: Plan, *args) -> str:
    return reverse(f"casework:{name}", args=[plan.pk, *args])


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _date(name: str, day: dt.date) -> dict[str, str]:
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


def _record_meeting(cast, plan: Plan, day: dt.date = dt.date(2025, 5, 30)) -> Review:
    review = plan.reviews.get(decided_on__isnull=True)
    return review_services.review_record_meeting(
        review_id=review.pk, meeting_on=day, invitations_sent_on=day, changed_by=cast.caseworker
    )


# The plan's review page


def test_review_page_shows_the_annual_review_with_due_date_status_and_basis(cast, plan):
    html = _html(cast.client_for(cast.caseworker).get(_url("plan-reviews", plan)))
    assert "Review due by</dt>" in html and "12 May 2026" in html  # 12 months (CFA s44)
    assert "CFA" in html and "s44" in html
    assert "On time" in html
    assert "Not sent yet: at least 2 weeks' notice" in html
    assert _url("review-schedule", plan) in html


def test_review_page_plans_the_phase_transfer_from_date_of_birth(cast, plan):
    html = _html(cast.client_for(cast.caseworker).get(_url("plan-reviews", plan)))
    assert "Year 6 (from date of birth)" in html
    assert "Into Year 7 (primary to secondary) in September 2025" in html
    assert "15 February 2025" in html and "Reg 18(1)(b)" in html
    assert "Not yet: from Year 9" in html


def test_review_page_flags_preparing_for_adulthood_from_year_9(cast, frozen):
    plan = plan_for_new_learner(cast, name="Ola Older-Test", date_of_birth=dt.date(2010, 10, 1))
    html = _html(cast.client_for(cast.caseworker).get(_url("plan-reviews", plan)))
    assert "Year 9 or above" in html and "Regs 20(6), 21(6)" in html
    assert "Into Year 12 (secondary school to post-16)" in html and "31 March 2027" in html


def test_review_page_is_read_only_for_a_colleague_and_the_family(cast, plan):
    for user in (cast.la_colleague, cast.parent):
        html = _html(cast.client_for(user).get(_url("plan-reviews", plan)))
        assert "Review due by" in html
        assert _url("review-schedule", plan) not in html
        assert _url("plan-cease", plan) not in html


def test_review_page_for_an_outsider_is_404_and_refuses_post(cast, plan):
    assert cast.client_for(cast.other_parent).get(_url("plan-reviews", plan)).status_code == 404
    assert cast.client_for(cast.other_health).get(_url("plan-reviews", plan)).status_code == 404
    assert cast.client_for(cast.caseworker).post(_url("plan-reviews", plan)).status_code == 405


# Scheduling the meeting: invitations 2 weeks before


def test_planning_the_meeting_with_invitations_sent_in_time(cast, plan):
    response = cast.client_for(cast.caseworker).post(
        _url("review-schedule", plan),
        {
            **_lock(plan),
            **_date("meeting_on", dt.date(2025, 6, 20)),
            **_date("invitations_sent_on", TODAY),
        },
    )
    assert response.status_code == 302 and response["Location"] == _url("plan-reviews", plan)
    review = plan.reviews.get(decided_on__isnull=True)
    assert review.meeting_on == dt.date(2025, 6, 20) and review.invitations_sent_on == TODAY
    html = _html(cast.client_for(cast.caseworker).get(_url("plan-reviews", plan)))
    assert "Planned for 20 June 2025" in html


def test_a_meeting_without_2_weeks_notice_is_refused_beside_the_invitations(cast, plan):
    html = _html(
        cast.client_for(cast.caseworker).post(
            _url("review-schedule", plan),
            {
                **_lock(plan),
                **_date("meeting_on", dt.date(2025, 6, 10)),
                **_date("invitations_sent_on", TODAY),
            },
        )
    )
    assert 'href="#invitations_sent_on_day"' in html
    assert "Invitations must go out by 27 May 2025" in html
    assert 'value="10"' in html  # what was typed is kept
    assert plan.reviews.get(decided_on__isnull=True).meeting_on is None


def test_a_school_transfer_needs_its_year(cast, plan):
    html = _html(
        cast.client_for(cast.caseworker).post(
            _url("review-schedule", plan),
            {
                **_lock(plan),
                **_date("meeting_on", dt.date(2025, 6, 20)),
                **_date("invitations_sent_on", TODAY),
                "transfer": "school",
            },
        )
    )
    assert 'id="transfer_year-error"' in html


def test_scheduling_is_403_read_only_404_outsider_405_wrong_method(cast, plan):
    elsewhere = MembershipFactory(
        user=UserFactory(username="elsewhere"), organisation=cast.other_la, role=Role.LA_CASEWORKER
    ).user
    assert cast.client_for(cast.la_colleague).get(_url("review-schedule", plan)).status_code == 403
    assert cast.client_for(elsewhere).get(_url("review-schedule", plan)).status_code == 404
    assert cast.client_for(cast.caseworker).put(_url("review-schedule", plan)).status_code == 405
    assert cast.client_for(cast.caseworker).get(_url("review-schedule", plan)).status_code == 200


# The meeting, the decision, amendments


def test_recording_the_meeting_sets_report_and_decision_due_dates(cast, plan):
    review = plan.reviews.get()
    response = cast.client_for(cast.caseworker).post(
        _url("review-meeting", plan, review.pk),
        {
            **_lock(plan),
            **_date("meeting_on", dt.date(2025, 5, 30)),
            **_date("invitations_sent_on", dt.date(2025, 5, 14)),
        },
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.report_due_on == dt.date(2025, 6, 13)  # 2 weeks (Reg 21(7))
    assert review.decision_due_on == dt.date(2025, 6, 27)  # 4 weeks
    html = _html(cast.client_for(cast.caseworker).get(_url("plan-reviews", plan)))
    assert "Held 30 May 2025" in html and "13 June 2025" in html and "27 June 2025" in html
    assert "Check locally" in html  # the 4-week decision's paragraph is UNCONFIRMED


def test_a_meeting_in_the_future_cannot_be_recorded(cast, plan):
    review = plan.reviews.get()
    html = _html(
        cast.client_for(cast.caseworker).post(
            _url("review-meeting", plan, review.pk),
            {**_lock(plan), **_date("meeting_on", dt.date(2025, 6, 9))},
        )
    )
    assert "cannot be in the future" in html and 'href="#meeting_on_day"' in html


def test_deciding_to_amend_opens_a_draft_due_within_8_and_12_weeks(cast, plan):
    review = _record_meeting(cast, plan)
    response = cast.client_for(cast.caseworker).post(
        _url("review-decision", plan, review.pk),
        {
            "decision": Review.Decision.AMEND,
            **_date("decided_on", TODAY),
            **_date("amendment_proposed_on", TODAY),
            "reasons": "",
        },
    )
    assert response.status_code == 302
    review.refresh_from_db()
    # 8 weeks from 2 June is 28 July; the 12-week ceiling from 30 May is 22 August.
    assert review.amended_plan_due_on == dt.date(2025, 7, 28)
    assert plan.versions.filter(status=PlanVersion.Status.DRAFT, review=review).exists()
    html = _html(cast.client_for(cast.caseworker).get(_url("plan-reviews", plan)))
    assert "Due 28 July 2025" in html


def test_amending_without_the_proposals_date_is_refused_beside_it(cast, plan):
    review = _record_meeting(cast, plan)
    html = _html(
        cast.client_for(cast.caseworker).post(
            _url("review-decision", plan, review.pk),
            {"decision": Review.Decision.AMEND, **_date("decided_on", TODAY)},
        )
    )
    assert 'id="amendment_proposed_on-error"' in html


def test_a_decision_before_the_meeting_is_refused_as_an_error_summary(cast, plan):
    review = plan.reviews.get()
    html = _html(
        cast.client_for(cast.caseworker).post(
            _url("review-decision", plan, review.pk),
            {"decision": Review.Decision.MAINTAIN, **_date("decided_on", TODAY)},
        )
    )
    assert "There is a problem" in html and "record it first" in html


def test_a_decided_review_cannot_be_decided_again(cast, plan):
    review = _record_meeting(cast, plan)
    review_services.review_decide(
        review_id=review.pk,
        decision=Review.Decision.MAINTAIN,
        decided_on=TODAY,
        changed_by=cast.caseworker,
    )
    url = _url("review-decision", plan, review.pk)
    assert cast.client_for(cast.caseworker).get(url).status_code == 404


# Ceasing


def test_ceasing_with_other_needs_details(cast, plan):
    html = _html(
        cast.client_for(cast.caseworker).post(
            _url("plan-cease", plan),
            {
                "reason": str(CeaseReason.OTHER.value),
                **_date("decided_on", TODAY),
                **_date("ceased_on", TODAY),
            },
        )
    )
    assert 'id="detail-error"' in html and "Say why" in html


def test_ceasing_checks_the_answers_then_closes_the_plan_on_confirm(cast, plan):
    client = cast.client_for(cast.caseworker)
    answers = {
        "reason": str(CeaseReason.TRANSFERRED_LA.value),
        **_date("decided_on", TODAY),
        **_date("ceased_on", TODAY),
    }
    check = client.post(_url("plan-cease", plan), answers)
    html = _html(check)
    assert check.status_code == 200 and "Check your answers before ceasing the plan" in html
    assert CeaseReason.TRANSFERRED_LA.label in html
    assert f"{_url('plan-cease', plan)}?change=1#reason" in html
    plan.refresh_from_db()
    assert plan.status == Plan.Status.MAINTAINED  # nothing written before the confirm
    # A Change link shows the answers again.
    again = _html(client.get(_url("plan-cease", plan) + "?change=1"))
    assert f'value="{CeaseReason.TRANSFERRED_LA.value}" checked' in again or "checked" in again
    response = client.post(_url("plan-cease", plan), {"confirm": "yes"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == Plan.Status.CEASED and plan.cease_reason == CeaseReason.TRANSFERRED_LA


def test_confirming_with_no_answers_kept_goes_back_to_the_question(cast, plan):
    response = cast.client_for(cast.caseworker).post(_url("plan-cease", plan), {"confirm": "yes"})
    assert response.status_code == 302 and response["Location"] == _url("plan-cease", plan)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.MAINTAINED


def test_cease_page_lists_the_sen2_reasons_and_is_403_read_only(cast, plan):
    html = _html(cast.client_for(cast.caseworker).get(_url("plan-cease", plan)))
    for reason in CeaseReason:
        assert reason.label in html
    assert cast.client_for(cast.la_colleague).get(_url("plan-cease", plan)).status_code == 403
    assert cast.client_for(cast.caseworker).delete(_url("plan-cease", plan)).status_code == 405


# The caseworker's list


def test_list_shows_my_plans_soonest_review_first_with_transfer_and_adulthood(cast, frozen):
    later = issued_plan(cast)  # review due 12 May 2026
    sooner = plan_for_new_learner(
        cast,
        name="Ola Older-Test",
        date_of_birth=dt.date(2010, 10, 1),
        received_on=dt.date(2024, 12, 2),
    )
    html = _html(cast.client_for(cast.caseworker).get(reverse("casework:reviews")))
    assert html.index("Ola Older-Test") < html.index("Jamie Okonkwo-Test")
    assert _url("plan-reviews", later) in html and _url("plan-reviews", sooner) in html
    assert "Preparing for adulthood" in html
    assert "15 February 2025" in html and "Overdue" in html  # Year 7 transfer not done
    assert "2 maintained plans" in html


def test_list_mine_and_all(cast, frozen):
    issued_plan(cast)
    colleague = cast.client_for(cast.la_colleague)
    assert "There are no maintained plans here." in _html(
        colleague.get(reverse("casework:reviews"))
    )
    assert "Jamie Okonkwo-Test" in _html(colleague.get(reverse("casework:reviews-all")))


def test_list_is_403_for_non_la_users_and_refuses_post(cast):
    assert cast.client_for(cast.health).get(reverse("casework:reviews")).status_code == 403
    assert cast.client_for(cast.caseworker).post(reverse("casework:reviews")).status_code == 405


def test_list_query_count_does_not_grow_with_the_number_of_plans(cast, frozen):
    client = cast.client_for(cast.caseworker)
    issued_plan(cast)
    with CaptureQueriesContext(connection) as few:
        _html(client.get(reverse("casework:reviews")))
    for n in range(3):
        plan_for_new_learner(cast, name=f"Pat Plan{n}-Test", date_of_birth=dt.date(2012, 3, 1))
    with CaptureQueriesContext(connection) as more:
        html = _html(client.get(reverse("casework:reviews")))
    assert "4 maintained plans" in html
    assert len(more.captured_queries) == len(few.captured_queries)
    assert len(more.captured_queries) <= 12  # session, user, standing, count, page, reviews, audit


def test_a_planned_future_meeting_does_not_break_the_work_tray_or_review_clock(cast, plan):
    # Regression: a planned meeting was read as held, and the engine refuses future events.
    from sendplan.casework.tray.selectors import work_tray

    review_services.review_schedule(
        plan_id=plan.pk,
        changed_by=cast.caseworker,
        meeting_on=dt.date(2025, 6, 20),
        invitations_sent_on=TODAY,
    )
    work_tray(fetched_by=cast.caseworker, today=TODAY)  # raised ValueError before the fix
    html = _html(cast.client_for(cast.caseworker).get(_url("plan-reviews", plan)))
    assert "could not be checked" not in html
    assert "Planned for 20 June 2025" in html
