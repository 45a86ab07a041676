import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sendplan.accounts.models import Role
from sendplan.casework.advice import selectors as advice_selectors
from sendplan.casework.advice import services as advice_services
from sendplan.casework.advice.models import AdviceRequest
from sendplan.casework.case import selectors as case_selectors
from sendplan.casework.case import services as case_services
from sendplan.casework.case.models import Case, Stage
from sendplan.casework.disputes import services as dispute_services
from sendplan.casework.plans import selectors as plan_selectors
from sendplan.casework.plans import services as plan_services
from sendplan.casework.reviews import selectors as review_selectors
from sendplan.casework.reviews import services as review_services
from sendplan.casework.tray import selectors as tray_selectors
from sendplan.casework.tray.selectors import work_tray
from sendplan.core.errors import Http404
from tests.casework.conftest import ADVICE, at, make_case
from tests.factories import LearnerFactory, MembershipFactory

TRAY_DAY = dt.date(2025, 5, 7)


def tray_ids(tray):
    return {
        group: sorted((row.case.pk, row.deadline.id) for row in tray.rows if row.group == group)
        for group in ("overdue", "at_risk", "due_soon")
    }


@pytest.fixture
def tray_cases(cast):
    with at(TRAY_DAY):
        late = make_case(cast, Stage.ASSESSING)  # no draft 3 weeks before the 20-week day
        soon = make_case(cast, learner=cast.other_learner, received_on=dt.date(2025, 3, 31))
    return late, soon


def test_work_tray_sorts_cases_into_overdue_at_risk_and_due_this_week(cast, tray_cases):
    late, soon = tray_cases
    with at(TRAY_DAY):
        tray = work_tray(fetched_by=cast.caseworker, today=TRAY_DAY)
    assert tray_ids(tray) == {
        "overdue": [(late.pk, "not_to_issue")],
        "at_risk": [(late.pk, "final_plan")],
        "due_soon": [(soon.pk, "decision_to_assess")],
    }
    assert [row.group for row in tray.rows] == ["overdue", "at_risk", "due_soon"]
    assert tray.counts == {"overdue": 1, "at_risk": 1, "due_soon": 1} and tray.cases == 2
    at_risk = next(row.deadline for row in tray.rows if row.group == "at_risk")
    assert at_risk.due == dt.date(2025, 5, 26) and "15 days for comments" in at_risk.why


def test_the_due_day_is_due_this_week_and_the_next_day_overdue(cast, tray_cases):
    _, soon = tray_cases
    day, next_day = dt.date(2025, 5, 12), dt.date(2025, 5, 13)
    with at(day):
        due = work_tray(fetched_by=cast.caseworker, today=day, group="due_soon").rows
    assert [row.case.pk for row in due] == [soon.pk]
    with at(next_day):
        overdue = work_tray(fetched_by=cast.caseworker, today=next_day, group="overdue").rows
    assert (soon.pk, "decision_to_assess") in [(row.case.pk, row.deadline.id) for row in overdue]


def test_another_users_tray_holds_none_of_these_cases(cast, tray_cases):
    with at(TRAY_DAY):
        tray = work_tray(fetched_by=cast.la_colleague, today=TRAY_DAY)
    assert tray_ids(tray) == {"overdue": [], "at_risk": [], "due_soon": []}


def _queries_for_tray(user) -> int:
    with at(TRAY_DAY), CaptureQueriesContext(connection) as queries:
        tray = work_tray(fetched_by=user, today=TRAY_DAY)
        assert tray.counts["at_risk"] or tray.counts["overdue"]
    return len(queries)


def _appeal_with_an_order(cast, case) -> None:
    appeal = dispute_services.tribunal_record(
        case_id=case.pk,
        about="plan_contents",
        registered_on=TRAY_DAY - dt.timedelta(days=10),
        changed_by=cast.caseworker,
    )
    dispute_services.tribunal_order_record(
        appeal_id=appeal.pk,
        kind="other",
        description="Send the Tribunal the advice received",
        due_on=TRAY_DAY + dt.timedelta(days=3),
        changed_by=cast.caseworker,
    )


def test_work_tray_query_count_does_not_grow_with_the_caseload(cast, tray_cases, health_org):
    with at(TRAY_DAY):
        advice_services.advice_request(
            case_id=tray_cases[0].pk,
            kind="health",
            organisation_id=health_org.pk,
            requested_on=ADVICE,
            changed_by=cast.caseworker,
        )
        _appeal_with_an_order(cast, tray_cases[0])
    cast.caseworker.__dict__.pop("_sendplan_standing", None)
    small = _queries_for_tray(cast.caseworker)
    with at(TRAY_DAY):
        for _ in range(4):
            learner = LearnerFactory(responsible_la=cast.la)
            case = make_case(
                cast, Stage.FINAL_ISSUED, learner=learner, received_on=dt.date(2024, 6, 3)
            )
            case_services.exception_record(
                case_id=case.pk,
                key="reg10_4_c",
                reason="Illness",
                starts_on=case.received_on,
                changed_by=cast.caseworker,
            )
            _appeal_with_an_order(cast, case)
    assert _queries_for_tray(cast.caseworker) == small


def test_case_deadlines_carry_due_date_status_basis_and_unconfirmed_flag(cast):
    with at(dt.date(2026, 5, 1)):
        case = make_case(cast, Stage.FINAL_ISSUED)
        review = case.plan.reviews.get()
        review_services.review_record_meeting(
            review_id=review.pk,
            meeting_on=dt.date(2026, 4, 20),
            invitations_sent_on=dt.date(2026, 4, 1),
            changed_by=cast.caseworker,
        )
        result = case_selectors.case_with_deadlines(fetched_by=cast.caseworker, case_id=case.pk)
    by_id = {d.id: d for d in result.deadlines}
    final = by_id["final_plan"]
    assert (final.due, final.status, final.basis) == (
        dt.date(2025, 5, 26),
        "met",
        "Reg 13(2); CoP 9.42",
    )
    assert final.unconfirmed is False
    report = by_id["review_report"]
    assert report.due == dt.date(2026, 5, 4) and report.status == "due_soon"
    assert report.unconfirmed is True  # the reference marks the paragraph UNCONFIRMED
    assert result.next_deadline is not None and result.next_deadline.is_open


def test_an_exception_excuses_the_final_plan_deadline(cast):
    with at(dt.date(2025, 6, 30)):
        case = make_case(cast, Stage.ASSESSING)
        case_services.exception_record(
            case_id=case.pk,
            key="reg10_4_d",
            reason="Family abroad",
            starts_on=dt.date(2025, 3, 1),
            ends_on=dt.date(2025, 4, 15),
            changed_by=cast.caseworker,
        )
        result = case_selectors.case_with_deadlines(fetched_by=cast.caseworker, case_id=case.pk)
    final = next(d for d in result.deadlines if d.id == "final_plan")
    assert final.status == "overdue" and final.excused is True


def test_a_case_is_hidden_from_people_not_involved_with_the_learner(cast, frozen):
    case = make_case(cast)
    for outsider in (cast.other_health, cast.other_parent, cast.other_senco):
        with pytest.raises(Http404):
            case_selectors.case_for_user(outsider, case.pk, purpose="test")
    assert case_selectors.case_for_user(cast.caseworker, case.pk, purpose="test")[1] is True
    assert case_selectors.case_for_user(cast.la_colleague, case.pk, purpose="test")[1] is False
    assert case_selectors.case_for_user(cast.parent, case.pk, purpose="test")[1] is False


def test_contributors_see_only_the_requests_named_or_assigned_to_them(
    cast, frozen, health_org, social_care_org
):
    case = make_case(cast, Stage.ASSESSING)
    named = advice_services.advice_request(
        case_id=case.pk,
        kind="health",
        organisation_id=health_org.pk,
        practitioner=cast.health,
        requested_on=ADVICE,
        changed_by=cast.caseworker,
    )
    unassigned = advice_services.advice_request(
        case_id=case.pk,
        kind="health",
        organisation_id=health_org.pk,
        requested_on=ADVICE,
        changed_by=cast.caseworker,
    )
    elsewhere = advice_services.advice_request(
        case_id=case.pk,
        kind="social_care",
        organisation_id=social_care_org.pk,
        requested_on=ADVICE,
        changed_by=cast.caseworker,
    )

    def seen(user):
        return set(
            advice_selectors.advice_requests_for(fetched_by=user).values_list("pk", flat=True)
        )

    assert seen(cast.health) == {named.pk}
    assert seen(cast.other_health) == set()  # nobody at the trust until it is assigned
    assert seen(cast.parent) == set()
    assert seen(cast.caseworker) == {named.pk, unassigned.pk, elsewhere.pk}
    desk = MembershipFactory(organisation=health_org, role=Role.ADVICE_TRIAGE).user
    advice_services.advice_assign(
        advice_request_id=unassigned.pk, assignee=cast.health, assigned_by=desk
    )
    assert seen(cast.health) == {named.pk, unassigned.pk}
    assert seen(desk) == set()
    advice_services.advice_submit(
        advice_request_id=named.pk,
        received_on=ADVICE,
        changed_by=cast.health,
        sections={"C": "text"},
    )
    outstanding = advice_selectors.advice_requests_for(
        fetched_by=cast.health, outstanding_only=True
    )
    assert [a.pk for a in outstanding] == [unassigned.pk]


def _issued_case(cast, received_on, final_on, *, exception=False):
    learner = LearnerFactory(responsible_la=cast.la)
    case = make_case(cast, Stage.FINAL_ISSUED, learner=learner, received_on=received_on)
    Case.objects.filter(pk=case.pk).update(final_issued_on=final_on)
    if exception:
        case_services.exception_record(
            case_id=case.pk,
            key="reg10_4_c",
            reason="Hospital stay",
            starts_on=received_on,
            changed_by=cast.caseworker,
        )
    return case


def test_twenty_week_measure_with_and_without_exception_cases(cast):
    with at(dt.date(2025, 12, 31)):
        request = dt.date(2025, 1, 6)
        _issued_case(cast, request, request + dt.timedelta(weeks=20))  # the due day: on time
        _issued_case(cast, request, request + dt.timedelta(weeks=20, days=1))  # a day late
        _issued_case(cast, request, request + dt.timedelta(weeks=30), exception=True)
        _issued_case(cast, dt.date(2024, 1, 8), dt.date(2024, 5, 20))  # over 12 months ago
        measure = tray_selectors.timeliness(fetched_by=cast.la_colleague)
    assert (measure.plans_issued_den, measure.plans_issued_den_ex) == (3, 2)
    assert measure.pc_plans_issued_within_20_weeks == 33.3
    assert measure.pc_plans_issued_20_weeks_ex == 50.0


def test_timeliness_and_caseloads_are_for_la_staff_only(cast, frozen):
    make_case(cast)
    assert tray_selectors.timeliness(fetched_by=cast.parent).plans_issued_den == 0
    assert tray_selectors.caseloads(fetched_by=cast.health) == []
    assert tray_selectors.caseloads(fetched_by=cast.la_colleague) == [(cast.caseworker, 1)]


def test_families_see_issued_plans_and_drafts_out_for_comment_only(cast, frozen):
    case = make_case(cast, Stage.DRAFTING)
    draft = case.plan.versions.get()
    with pytest.raises(Http404):
        plan_selectors.plan_version_detail(fetched_by=cast.parent, version_id=draft.pk)
    assert (
        plan_selectors.plan_version_detail(fetched_by=cast.caseworker, version_id=draft.pk) == draft
    )
    plan_services.draft_issue(
        case_id=case.pk, issued_on=dt.date(2025, 4, 14), changed_by=cast.caseworker
    )
    shown = plan_selectors.plan_version_detail(fetched_by=cast.parent, version_id=draft.pk)
    assert [n.section for n in shown.needs.all()] == ["B"]
    with pytest.raises(Http404):
        plan_selectors.plan_version_detail(fetched_by=cast.other_parent, version_id=draft.pk)


def test_transfer_planning_lists_the_soonest_transfer_first(cast):
    older = LearnerFactory(responsible_la=cast.la, date_of_birth=dt.date(2010, 1, 10))
    younger = LearnerFactory(responsible_la=cast.la, date_of_birth=dt.date(2015, 2, 1))
    plans = review_selectors.transfer_planning([younger, older], on=dt.date(2025, 10, 1))
    assert [(learner, plan.due) for learner, plan in plans] == [
        (younger, dt.date(2026, 2, 15)),
        (older, dt.date(2026, 3, 31)),
    ]
    assert AdviceRequest.Kind.PFA == "pfa"


def test_once_drafting_begins_the_not_to_issue_limit_no_longer_shows(cast):
    with at(dt.date(2025, 5, 7)):  # past the 16 weeks, before the draft is sent
        case = make_case(cast, Stage.DRAFTING)
        ids = {
            d.id
            for d in case_selectors.case_with_deadlines(
                fetched_by=cast.caseworker, case_id=case.pk
            ).deadlines
        }
    assert "not_to_issue" not in ids and "final_plan" in ids
