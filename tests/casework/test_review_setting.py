"""The review convened by the setting: invitations, advice, views, report with proposed
changes row by row, the caseworker's answers and the amended draft (ADR 0134)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from sendplan.casework.case.models import Stage
from sendplan.casework.errors import TransitionRefused
from sendplan.casework.plans.models import PlanVersion, Section
from sendplan.casework.reviews import services as review_services
from sendplan.casework.reviews import setting_selectors as selectors
from sendplan.casework.reviews import setting_services as services
from sendplan.casework.reviews.models import Review, ReviewChange
from sendplan.learners.models import Involvement
from tests.casework.conftest import at, make_case

MEETING = dt.date(2026, 4, 20)
SENT = dt.date(2026, 4, 1)
AFTER = dt.date(2026, 4, 27)


@pytest.fixture
def plan(cast):
    with at(dt.date(2026, 3, 2)):
        return make_case(cast, Stage.FINAL_ISSUED).plan


def open_review(plan) -> Review:
    return plan.reviews.get(decided_on__isnull=True)


def family_and_caseworker(cast) -> list[int]:
    return list(
        cast.learner.involvements.filter(
            kind__in=[Involvement.Kind.PARENT, Involvement.Kind.CASEWORKER]
        ).values_list("pk", flat=True)
    )


def invited(cast, plan) -> Review:
    with at(SENT):
        return services.review_invite(
            review_id=open_review(plan).pk,
            meeting_on=MEETING,
            sent_on=SENT,
            involvement_ids=family_and_caseworker(cast),
            changed_by=cast.senco,
        )


def held_with_report(cast, plan, *, propose=True) -> Review:
    review = invited(cast, plan)
    with at(AFTER):
        review_services.review_record_meeting(
            review_id=review.pk, meeting_on=MEETING, changed_by=cast.senco
        )
        if propose:
            row = plan.versions.get(status="issued").provision.get()
            services.review_change_propose(
                review_id=review.pk,
                section=Section.F,
                action=ReviewChange.Action.CHANGE,
                row_id=row.pk,
                what="Speech and language therapy",
                how_much="30 minutes",
                how_often="twice a week in term time",
                delivered_by="Speech and language therapist",
                reason="Progress is faster with shorter, more frequent sessions.",
                changed_by=cast.senco,
            )
        return services.review_report_send(
            review_id=review.pk,
            sent_on=AFTER,
            summary="Jamie is making good progress with spoken language.",
            recommendation=Review.Decision.AMEND if propose else Review.Decision.MAINTAIN,
            changed_by=cast.senco,
        )


def test_invitations_with_under_two_weeks_notice_are_refused(cast, plan):
    with at(dt.date(2026, 4, 7)), pytest.raises(ValidationError) as refused:
        services.review_invite(
            review_id=open_review(plan).pk,
            meeting_on=MEETING,
            sent_on=dt.date(2026, 4, 7),
            involvement_ids=family_and_caseworker(cast),
            changed_by=cast.senco,
        )
    assert "by 6 April 2026" in refused.value.message_dict["invitations_sent_on"][0]
    with at(dt.date(2026, 4, 6)):
        review = services.review_invite(
            review_id=open_review(plan).pk,
            meeting_on=MEETING,
            sent_on=dt.date(2026, 4, 6),
            involvement_ids=family_and_caseworker(cast),
            changed_by=cast.senco,
        )
    assert review.invitations.count() == 2


def test_the_family_must_be_invited(cast, plan):
    caseworker_only = cast.learner.involvements.filter(kind=Involvement.Kind.CASEWORKER)
    with at(SENT), pytest.raises(ValidationError) as refused:
        services.review_invite(
            review_id=open_review(plan).pk,
            meeting_on=MEETING,
            sent_on=SENT,
            involvement_ids=[i.pk for i in caseworker_only],
            changed_by=cast.senco,
        )
    assert "parent or carer" in refused.value.message_dict["involvement_ids"][0]


def test_views_are_kept_in_their_own_words(cast, plan):
    words = "I like the quiet room.  I don't like the hall when it's loud!"
    with at(SENT):
        review = services.review_views_record(
            review_id=open_review(plan).pk,
            gathered_on=SENT,
            how=Review.ViewsHow.SYMBOLS,
            words=words,
            helped_by="Teaching assistant",
            changed_by=cast.senco,
        )
    review.refresh_from_db()
    assert review.views_words == words


def test_missing_steps_follow_the_engine_dates(cast, plan):
    review = invited(cast, plan)
    missing = {m.step: m for m in selectors.review_missing(review, today=dt.date(2026, 4, 7))}
    assert "invitations" not in missing and "meeting" not in missing
    assert missing["advice"].due == dt.date(2026, 4, 6) and missing["advice"].status == "overdue"
    assert missing["views"].due == MEETING and missing["views"].status == "due_soon"
    on_day = {m.step: m for m in selectors.review_missing(review, today=dt.date(2026, 4, 6))}
    assert on_day["advice"].status == "due_soon"


def test_a_report_is_due_two_weeks_after_the_meeting(cast, plan):
    review = invited(cast, plan)
    with at(AFTER):
        review = review_services.review_record_meeting(
            review_id=review.pk, meeting_on=MEETING, changed_by=cast.senco
        )
    due = MEETING + dt.timedelta(weeks=2)
    on_day = {m.step: m for m in selectors.review_missing(review, today=due)}
    assert on_day["report"].due == due and on_day["report"].status == "due_soon"
    late = {m.step: m for m in selectors.review_missing(review, today=due + dt.timedelta(days=1))}
    assert late["report"].status == "overdue"


def test_the_senco_list_is_most_urgent_first_and_only_their_setting(cast, plan):
    invited(cast, plan)
    with at(SENT):
        mine = list(selectors.setting_reviews(fetched_by=cast.senco, today=SENT))
        theirs = list(selectors.setting_reviews(fetched_by=cast.other_senco, today=SENT))
    assert [r.plan_id for r in mine] == [plan.pk]
    assert mine[0].plan.learner.responsible_la.name == cast.la.name
    assert theirs == []


def test_a_report_cannot_recommend_amending_without_changes(cast, plan):
    review = invited(cast, plan)
    with at(AFTER):
        review_services.review_record_meeting(
            review_id=review.pk, meeting_on=MEETING, changed_by=cast.senco
        )
        with pytest.raises(ValidationError) as refused:
            services.review_report_send(
                review_id=review.pk,
                sent_on=AFTER,
                summary="Fine.",
                recommendation=Review.Decision.AMEND,
                changed_by=cast.senco,
            )
    assert "propose the changes" in refused.value.message_dict["recommendation"][0]


def test_the_decision_waits_for_an_answer_to_each_proposal(cast, plan):
    review = held_with_report(cast, plan)
    with at(AFTER), pytest.raises(ValidationError) as refused:
        review_services.review_decide(
            review_id=review.pk,
            decision=Review.Decision.AMEND,
            decided_on=AFTER,
            amendment_proposed_on=AFTER,
            changed_by=cast.caseworker,
        )
    assert "Accept or reject" in refused.value.message_dict["decision"][0]


def test_accepted_changes_flow_into_the_amended_draft(cast, plan):
    review = held_with_report(cast, plan)
    need = plan.versions.get(status="issued").needs.get()
    with at(AFTER):
        # The report is sent: no more proposals.
        with pytest.raises(TransitionRefused):
            services.review_change_propose(
                review_id=review.pk,
                section=Section.B,
                action=ReviewChange.Action.REMOVE,
                row_id=need.pk,
                reason="Met",
                changed_by=cast.senco,
            )
        change = review.changes.get()
        services.review_changes_answer(
            review_id=review.pk,
            answers={change.pk: ReviewChange.Answer.ACCEPTED},
            answered_on=AFTER,
            changed_by=cast.caseworker,
        )
        review_services.review_decide(
            review_id=review.pk,
            decision=Review.Decision.AMEND,
            decided_on=AFTER,
            amendment_proposed_on=AFTER,
            changed_by=cast.caseworker,
        )
    draft = plan.versions.get(status=PlanVersion.Status.DRAFT)
    row = draft.provision.get()
    assert (row.how_much, row.how_often) == ("30 minutes", "twice a week in term time")
    assert row.outcomes.count() == 1
    issued = plan.versions.get(status=PlanVersion.Status.ISSUED).provision.get()
    assert issued.how_much == "45 minutes"  # the issued plan is never changed


def test_rejected_and_added_rows(cast, plan):
    review = invited(cast, plan)
    version = plan.versions.get(status="issued")
    outcome, need = version.outcomes.get(), version.needs.get()
    with at(AFTER):
        review_services.review_record_meeting(
            review_id=review.pk, meeting_on=MEETING, changed_by=cast.senco
        )
        rejected = services.review_change_propose(
            review_id=review.pk,
            section=Section.B,
            action=ReviewChange.Action.CHANGE,
            row_id=need.pk,
            text="Needs no support with spoken language.",
            changed_by=cast.senco,
        )
        added = services.review_change_propose(
            review_id=review.pk,
            section=Section.G,
            action=ReviewChange.Action.ADD,
            row_id=outcome.pk,
            what="Occupational therapy",
            how_much="1 hour",
            how_often="every half term",
            delivered_by="Occupational therapist",
            changed_by=cast.senco,
        )
        services.review_report_send(
            review_id=review.pk,
            sent_on=AFTER,
            summary="Summary.",
            recommendation=Review.Decision.AMEND,
            changed_by=cast.senco,
        )
        services.review_changes_answer(
            review_id=review.pk,
            answers={rejected.pk: "rejected", added.pk: "accepted"},
            answered_on=AFTER,
            changed_by=cast.caseworker,
        )
        review_services.review_decide(
            review_id=review.pk,
            decision=Review.Decision.AMEND,
            decided_on=AFTER,
            amendment_proposed_on=AFTER,
            changed_by=cast.caseworker,
        )
    draft = plan.versions.get(status=PlanVersion.Status.DRAFT)
    assert draft.needs.get().text == need.text
    assert draft.provision.filter(section="G").get().what == "Occupational therapy"


def test_reports_reach_the_caseworker(cast, plan):
    held_with_report(cast, plan)
    rows = list(selectors.reports_to_answer(fetched_by=cast.caseworker))
    assert [(r.plan_id, r.proposals, r.unanswered) for r in rows] == [(plan.pk, 1, 1)]
    assert list(selectors.reports_to_answer(fetched_by=cast.la_colleague)) == []


def test_the_council_sees_reviews_at_risk_by_setting_and_its_figures(cast, plan):
    from sendplan.casework.reviews import compliance

    held_with_report(cast, plan)
    review = open_review(plan)
    with at(AFTER):
        rows = compliance.reviews_at_risk(fetched_by=cast.caseworker, today=AFTER)
        assert compliance.reviews_at_risk(fetched_by=cast.senco, today=AFTER) == []
    assert [(r.review.pk, r.setting, r.worst.step) for r in rows] == [
        (review.pk, cast.setting.name, "advice")
    ]
    change = review.changes.get()
    with at(AFTER):
        services.review_changes_answer(
            review_id=review.pk,
            answers={change.pk: "accepted"},
            answered_on=AFTER,
            changed_by=cast.caseworker,
        )
    # Decided a day late (4 weeks and a day after the meeting): counted, not on time.
    late = MEETING + dt.timedelta(weeks=4, days=1)
    with at(late):
        review_services.review_decide(
            review_id=review.pk,
            decision=Review.Decision.AMEND,
            decided_on=late,
            amendment_proposed_on=AFTER,
            changed_by=cast.caseworker,
        )
        figures = {
            f.label: (f.met, f.total)
            for f in compliance.review_figures(fetched_by=cast.caseworker, today=late)
        }
    assert figures["Reviews held within 12 months"] == (1, 1)
    assert figures["Review reports sent within 2 weeks of the meeting"] == (1, 1)
    assert figures["Decisions within 4 weeks of the meeting"] == (0, 1)
    assert figures["Amended plans issued on time"] == (0, 0)
