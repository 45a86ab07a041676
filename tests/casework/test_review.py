import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from sendplan.casework import clock
from sendplan.casework.case.models import Stage
from sendplan.casework.errors import TransitionRefused
from sendplan.casework.plans import services as plan_services
from sendplan.casework.plans.models import CeaseReason, PlanVersion
from sendplan.casework.reviews import services as review_services
from sendplan.casework.reviews.models import Review
from tests.casework.conftest import FINAL, at, make_case

MEETING = dt.date(2026, 4, 20)
LATER = dt.date(2026, 9, 1)


@pytest.fixture
def plan(cast):
    with at(LATER):
        yield make_case(cast, Stage.FINAL_ISSUED).plan


def open_review(plan) -> Review:
    return plan.reviews.get(decided_on__isnull=True)


def held(plan, user, meeting=MEETING) -> Review:
    review = open_review(plan)
    return review_services.review_record_meeting(
        review_id=review.pk,
        meeting_on=meeting,
        invitations_sent_on=meeting - dt.timedelta(weeks=3),
        changed_by=user,
    )


def test_a_planned_meeting_needs_invitations_two_weeks_before(cast):
    with at(dt.date(2026, 4, 10)):
        plan = make_case(cast, Stage.FINAL_ISSUED).plan
        with pytest.raises(ValidationError) as refused:
            review_services.review_schedule(
                plan_id=plan.pk,
                meeting_on=MEETING,
                invitations_sent_on=dt.date(2026, 4, 7),
                changed_by=cast.caseworker,
            )
        assert "by 06 April 2026" in refused.value.message_dict["invitations_sent_on"][0]
        review = review_services.review_schedule(
            plan_id=plan.pk,
            meeting_on=MEETING,
            invitations_sent_on=dt.date(2026, 4, 6),
            changed_by=cast.caseworker,
        )
        assert review.meeting_on == MEETING and review.due_on == dt.date(2026, 5, 12)


def test_the_meeting_sets_the_report_and_decision_due_dates(cast, plan):
    with at(LATER):
        review = held(plan, cast.caseworker)
    assert review.report_due_on == MEETING + dt.timedelta(weeks=2)
    assert review.decision_due_on == MEETING + dt.timedelta(weeks=4)


def test_a_meeting_in_the_future_or_before_the_plan_is_refused(cast, plan):
    review = open_review(plan)
    with at(LATER), pytest.raises(ValidationError) as refused:
        review_services.review_record_meeting(
            review_id=review.pk,
            meeting_on=LATER + dt.timedelta(days=1),
            changed_by=cast.caseworker,
        )
    assert "future" in refused.value.message_dict["meeting_on"][0]
    with at(LATER), pytest.raises(ValidationError):
        review_services.review_record_meeting(
            review_id=review.pk,
            meeting_on=FINAL - dt.timedelta(days=1),
            changed_by=cast.caseworker,
        )


def test_a_decision_needs_the_meeting_first(cast, plan):
    review = open_review(plan)
    with at(LATER), pytest.raises(TransitionRefused, match="record it first"):
        review_services.review_decide(
            review_id=review.pk,
            decision=Review.Decision.MAINTAIN,
            decided_on=LATER,
            changed_by=cast.caseworker,
        )


def test_maintaining_opens_the_next_review_12_months_from_the_meeting(cast, plan):
    with at(LATER):
        review = held(plan, cast.caseworker)
        review_services.review_decide(
            review_id=review.pk,
            decision=Review.Decision.MAINTAIN,
            decided_on=MEETING + dt.timedelta(weeks=3),
            changed_by=cast.caseworker,
        )
    assert open_review(plan).due_on == dt.date(2027, 4, 20)


def test_amending_opens_a_copied_draft_due_by_the_12_week_ceiling(cast, plan):
    proposed = MEETING + dt.timedelta(weeks=5)  # a week late
    with at(LATER):
        review = held(plan, cast.caseworker)
        review = review_services.review_decide(
            review_id=review.pk,
            decision=Review.Decision.AMEND,
            decided_on=proposed,
            amendment_proposed_on=proposed,
            changed_by=cast.caseworker,
        )
    # 8 weeks from the proposals would be 13 weeks from the meeting: the 12-week ceiling
    # from the meeting (Devon 2022) binds.
    assert review.amended_plan_due_on == MEETING + dt.timedelta(weeks=12)
    assert review.amended_plan_due_rule == "amended_plan_ceiling"
    draft = plan.versions.get(status=PlanVersion.Status.DRAFT)
    assert draft.review == review and draft.purpose == PlanVersion.Purpose.AMENDMENT
    assert draft.needs.count() == 1


def test_an_amendment_waits_15_days_for_representations_then_issues(cast, plan):
    proposed = MEETING + dt.timedelta(weeks=2)
    with at(LATER):
        review = held(plan, cast.caseworker)
        review_services.review_decide(
            review_id=review.pk,
            decision=Review.Decision.AMEND,
            decided_on=proposed,
            amendment_proposed_on=proposed,
            changed_by=cast.caseworker,
        )
        draft = plan.versions.get(status=PlanVersion.Status.DRAFT)
        with pytest.raises(ValidationError) as refused:
            plan_services.plan_issue(
                version_id=draft.pk,
                expected_lock=draft.lock,
                issued_on=proposed + dt.timedelta(days=14),
                changed_by=cast.caseworker,
            )
        assert "representations" in refused.value.message_dict["issued_on"][0]
        plan_services.plan_issue(
            version_id=draft.pk,
            expected_lock=draft.lock,
            issued_on=proposed + dt.timedelta(days=15),
            changed_by=cast.caseworker,
        )
    review.refresh_from_db()
    assert review.amended_plan_issued_on == proposed + dt.timedelta(days=15)
    assert plan.versions.filter(status=PlanVersion.Status.ISSUED).count() == 2


def test_ceasing_keeps_the_plan_until_the_time_to_appeal_has_passed(cast, plan):
    decided = MEETING + dt.timedelta(weeks=3)
    with at(LATER):
        review = held(plan, cast.caseworker)
        review_services.review_decide(
            review_id=review.pk,
            decision=Review.Decision.CEASE,
            decided_on=decided,
            reasons="Outcomes achieved",
            changed_by=cast.caseworker,
        )
        with pytest.raises(ValidationError) as refused:
            review_services.plan_cease(
                plan_id=plan.pk,
                ceased_on=decided + dt.timedelta(days=30),
                reason=CeaseReason.NEEDS_MET,
                changed_by=cast.caseworker,
            )
        assert "time to appeal" in refused.value.message_dict["ceased_on"][0]
        plan = review_services.plan_cease(
            plan_id=plan.pk,
            ceased_on=clock.due(clock.CEASING_MAINTAINED, decided),
            reason=CeaseReason.NEEDS_MET,
            changed_by=cast.caseworker,
        )
    assert plan.status == "ceased" and plan.cease_reason == 2
    assert plan.case.stage == Stage.CLOSED
    assert not plan.reviews.filter(decided_on__isnull=True).exists()


def test_a_move_to_another_area_ceases_at_once(cast, plan):
    with at(LATER):
        plan = review_services.plan_cease(
            plan_id=plan.pk,
            decided_on=dt.date(2026, 8, 1),
            ceased_on=dt.date(2026, 8, 1),
            reason=CeaseReason.TRANSFERRED_LA,
            changed_by=cast.caseworker,
        )
    assert plan.status == "ceased"
    assert plan.reviews.count() == 0  # the unheld review went with the plan


def test_reaching_maximum_age_is_refused_before_the_academic_year_of_25_ends(cast, plan):
    with at(LATER), pytest.raises(ValidationError) as refused:
        review_services.plan_cease(
            plan_id=plan.pk,
            decided_on=dt.date(2026, 8, 1),
            ceased_on=dt.date(2026, 8, 1),
            reason=CeaseReason.MAXIMUM_AGE,
            appeal_concluded=True,
            changed_by=cast.caseworker,
        )
    assert "31 July 2039" in refused.value.message_dict["reason"][0]


def test_cease_reason_other_needs_detail(cast, plan):
    with at(LATER), pytest.raises(ValidationError) as refused:
        review_services.plan_cease(
            plan_id=plan.pk,
            decided_on=dt.date(2026, 8, 1),
            ceased_on=dt.date(2026, 8, 1),
            reason=CeaseReason.OTHER,
            appeal_concluded=True,
            changed_by=cast.caseworker,
        )
    assert "detail" in refused.value.message_dict


def test_a_review_in_a_transfer_year_carries_the_15_february_deadline(cast):
    cast.learner.date_of_birth = dt.date(2015, 5, 17)  # Year 5 when the plan is issued
    cast.learner.save()
    with at(LATER):
        review = open_review(make_case(cast, Stage.FINAL_ISSUED).plan)
    assert review.transfer == "school" and review.transfer_year == 2026
    assert review.transfer_due_on == dt.date(2026, 2, 15)


def test_a_year_9_review_considers_preparing_for_adulthood(cast):
    cast.learner.date_of_birth = dt.date(2011, 3, 1)  # Year 9 in 2024/25, Year 10 at review
    cast.learner.save()
    with at(LATER):
        plan = make_case(cast, Stage.FINAL_ISSUED).plan
        review = held(plan, cast.caseworker)
    assert review.preparing_for_adulthood is True


def test_a_primary_review_does_not_flag_preparing_for_adulthood(cast, plan):
    with at(LATER):
        review = held(plan, cast.caseworker)
    assert review.preparing_for_adulthood is False


@pytest.mark.parametrize(
    ("born", "on", "year"),
    [
        (dt.date(2014, 9, 1), dt.date(2025, 9, 1), 6),  # oldest in the year
        (dt.date(2015, 8, 31), dt.date(2025, 9, 1), 6),  # youngest in the same year
        (dt.date(2015, 9, 1), dt.date(2025, 9, 1), 5),
        (dt.date(2014, 9, 1), dt.date(2025, 8, 31), 5),  # the day before the school year
        (dt.date(2020, 3, 1), dt.date(2024, 9, 2), 0),  # Reception at four
        (dt.date(2020, 12, 1), dt.date(2024, 9, 2), -1),  # nursery
    ],
)
def test_year_group_follows_the_1_september_cohort(born, on, year):
    assert clock.year_group(born, on=on) == year


def test_next_transfer_after_year_11_is_to_post16_by_31_march():
    nxt = clock.next_phase_transfer(dt.date(2010, 1, 10), on=dt.date(2025, 10, 1))  # Year 11
    assert nxt is not None
    assert (nxt.transfer, nxt.due) == ("post16", dt.date(2026, 3, 31))
    assert clock.next_phase_transfer(dt.date(2008, 1, 10), on=dt.date(2025, 10, 1)) is None
