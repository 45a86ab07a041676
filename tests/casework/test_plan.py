import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from sendplan.casework.advice import services as advice_services
from sendplan.casework.case import services as case_services
from sendplan.casework.case.models import Stage
from sendplan.casework.errors import StaleEdit, TransitionRefused
from sendplan.casework.plans import services as plan_services
from sendplan.casework.plans.models import PlanVersion, Section
from tests.casework.conftest import DRAFT, FINAL, TODAY, at, make_case


def draft_of(case):
    return case.plan.versions.get(status=PlanVersion.Status.DRAFT)


def issued_of(case):
    return case.plan.versions.get(status=PlanVersion.Status.ISSUED)


def test_the_full_path_issues_a_plan_and_schedules_its_first_review(cast, frozen):
    case = make_case(cast, Stage.FINAL_ISSUED)
    assert case.stage == Stage.FINAL_ISSUED
    assert case.final_issued_on == FINAL
    assert case.plan.status == "maintained"
    review = case.plan.reviews.get()
    assert review.due_on == dt.date(2026, 5, 12)  # 12 months (CFA s44)


def test_a_final_plan_cannot_be_issued_before_the_draft_is_sent(cast, frozen):
    case = make_case(cast, Stage.DRAFTING)
    draft = draft_of(case)
    with pytest.raises(TransitionRefused) as refused:
        plan_services.plan_issue(
            version_id=draft.pk,
            expected_lock=draft.lock,
            issued_on=FINAL,
            changed_by=cast.caseworker,
        )
    assert refused.value.message == (
        "A final plan cannot be issued before the draft has been sent for comments."
    )


def test_the_final_plan_waits_for_the_15_day_comment_period(cast):
    with at(DRAFT + dt.timedelta(days=20)):
        case = make_case(cast, Stage.CONSULTING)
        draft = draft_of(case)
        with pytest.raises(ValidationError) as refused:
            plan_services.plan_issue(
                version_id=draft.pk,
                expected_lock=draft.lock,
                issued_on=DRAFT + dt.timedelta(days=14),
                changed_by=cast.caseworker,
            )
        assert "29 April 2025" in refused.value.message_dict["issued_on"][0]
        draft.refresh_from_db()
        issued = plan_services.plan_issue(
            version_id=draft.pk,
            expected_lock=draft.lock,
            issued_on=DRAFT + dt.timedelta(days=15),
            changed_by=cast.caseworker,
        )
        assert issued.status == PlanVersion.Status.ISSUED


def test_the_final_plan_may_follow_at_once_when_the_family_have_commented(cast):
    with at(DRAFT + dt.timedelta(days=20)):
        case = make_case(cast, Stage.CONSULTING)
        plan_services.draft_comments_record(
            case_id=case.pk, received_on=DRAFT + dt.timedelta(days=3), changed_by=cast.caseworker
        )
        draft = draft_of(case)
        issued = plan_services.plan_issue(
            version_id=draft.pk,
            expected_lock=draft.lock,
            issued_on=DRAFT + dt.timedelta(days=4),
            changed_by=cast.caseworker,
        )
        assert issued.issued_on == DRAFT + dt.timedelta(days=4)


def test_a_draft_needs_section_b_and_f_before_it_is_sent(cast, frozen):
    case = make_case(cast, Stage.ASSESSING)
    plan_services.plan_draft_start(case_id=case.pk, changed_by=cast.caseworker)
    with pytest.raises(ValidationError) as refused:
        plan_services.draft_issue(case_id=case.pk, issued_on=DRAFT, changed_by=cast.caseworker)
    messages = refused.value.message_dict["draft"]
    assert any("section B" in m for m in messages) and any("section F" in m for m in messages)


def test_a_final_plan_must_name_a_placement_in_section_i(cast, frozen):
    case = make_case(cast, Stage.CONSULTING)
    draft = draft_of(case)
    draft = plan_services.plan_version_update(
        version_id=draft.pk,
        expected_lock=draft.lock,
        changed_by=cast.caseworker,
        placement_type="",
    )
    with pytest.raises(ValidationError) as refused:
        plan_services.plan_issue(
            version_id=draft.pk,
            expected_lock=draft.lock,
            issued_on=FINAL,
            changed_by=cast.caseworker,
        )
    assert "section I" in refused.value.message_dict["placement"][0]


def test_an_issued_version_cannot_be_changed_by_any_service(cast, frozen):
    case = make_case(cast, Stage.FINAL_ISSUED)
    issued = issued_of(case)
    need = issued.needs.get()
    outcome = issued.outcomes.get()
    attempts = [
        lambda: plan_services.plan_version_update(
            version_id=issued.pk,
            expected_lock=issued.lock,
            changed_by=cast.caseworker,
            views="Rewritten",
        ),
        lambda: plan_services.plan_need_save(
            version_id=issued.pk,
            expected_lock=issued.lock,
            changed_by=cast.caseworker,
            section=Section.B,
            text="Changed",
            need_id=need.pk,
        ),
        lambda: plan_services.plan_outcome_save(
            version_id=issued.pk,
            expected_lock=issued.lock,
            changed_by=cast.caseworker,
            text="New",
            need_ids=[need.pk],
        ),
        lambda: plan_services.plan_provision_save(
            version_id=issued.pk,
            expected_lock=issued.lock,
            changed_by=cast.caseworker,
            section=Section.F,
            what="x",
            how_much="1 hour",
            how_often="weekly",
            delivered_by="TA",
            outcome_ids=[outcome.pk],
        ),
        lambda: plan_services.plan_row_remove(
            version_id=issued.pk,
            expected_lock=issued.lock,
            changed_by=cast.caseworker,
            need_id=need.pk,
        ),
        lambda: plan_services.plan_issue(
            version_id=issued.pk,
            expected_lock=issued.lock,
            issued_on=TODAY,
            changed_by=cast.caseworker,
        ),
    ]
    for attempt in attempts:
        with pytest.raises(TransitionRefused, match="An issued plan cannot be changed"):
            attempt()
    issued.refresh_from_db()
    need.refresh_from_db()
    assert issued.views == "Jamie likes trains."
    assert need.text == "Needs support with spoken language in class."
    assert issued.needs.count() == 1 and issued.provision.count() == 1


def test_a_stale_save_is_refused_naming_who_changed_the_draft_and_when(cast, frozen):
    case = make_case(cast, Stage.DRAFTING)
    draft = draft_of(case)
    read_lock = draft.lock
    plan_services.plan_version_update(
        version_id=draft.pk,
        expected_lock=read_lock,
        changed_by=cast.la_colleague,
        aspirations="To be a train driver",
    )
    with pytest.raises(StaleEdit) as refused:
        plan_services.plan_version_update(
            version_id=draft.pk,
            expected_lock=read_lock,
            changed_by=cast.caseworker,
            aspirations="To work with animals",
        )
    assert refused.value.changed_by == cast.la_colleague.display_name
    assert refused.value.changed_at is not None
    draft.refresh_from_db()
    assert draft.aspirations == "To be a train driver"


def test_row_edits_take_the_same_lock_as_the_draft(cast, frozen):
    case = make_case(cast, Stage.DRAFTING)
    draft = draft_of(case)
    stale = draft.lock - 1
    with pytest.raises(StaleEdit):
        plan_services.plan_need_save(
            version_id=draft.pk,
            expected_lock=stale,
            changed_by=cast.caseworker,
            section=Section.C,
            text="Glue ear",
        )
    assert draft.needs.count() == 1


def test_outcomes_must_link_to_needs_of_the_same_draft(cast, frozen):
    case = make_case(cast, Stage.DRAFTING)
    draft = draft_of(case)
    with pytest.raises(ValidationError) as refused:
        plan_services.plan_outcome_save(
            version_id=draft.pk,
            expected_lock=draft.lock,
            changed_by=cast.caseworker,
            text="Orphan outcome",
            need_ids=[],
        )
    assert "need_ids" in refused.value.message_dict


def test_a_new_draft_after_issue_copies_every_row_and_link(cast, frozen):
    case = make_case(cast, Stage.FINAL_ISSUED)
    issued = issued_of(case)
    draft = plan_services.plan_version_new_draft(plan_id=case.plan.pk, changed_by=cast.caseworker)
    assert draft.number == 2 and draft.based_on == issued and draft.is_draft
    assert draft.views == issued.views and draft.placement_type == issued.placement_type
    need, outcome, provision = draft.needs.get(), draft.outcomes.get(), draft.provision.get()
    assert need.pk != issued.needs.get().pk
    assert list(outcome.needs.all()) == [need]
    assert list(provision.outcomes.all()) == [outcome]
    assert provision.how_often == "weekly in term time"


def test_only_one_draft_at_a_time(cast, frozen):
    case = make_case(cast, Stage.FINAL_ISSUED)
    plan_services.plan_version_new_draft(plan_id=case.plan.pk, changed_by=cast.caseworker)
    with pytest.raises(TransitionRefused, match="already has a draft"):
        plan_services.plan_version_new_draft(plan_id=case.plan.pk, changed_by=cast.caseworker)


def test_section_k_attaches_only_advice_received_for_the_learner(cast, frozen, health_org):
    case = make_case(cast, Stage.ASSESSING)
    advice = advice_services.advice_request(
        case_id=case.pk,
        kind="health",
        organisation_id=health_org.pk,
        practitioner=cast.health,
        requested_on=dt.date(2025, 2, 11),
        changed_by=cast.caseworker,
    )
    draft = plan_services.plan_draft_start(case_id=case.pk, changed_by=cast.caseworker)
    with pytest.raises(ValidationError):
        plan_services.plan_advice_attach(
            version_id=draft.pk,
            expected_lock=draft.lock,
            changed_by=cast.caseworker,
            advice_request_ids=[advice.pk],
        )
    advice_services.advice_submit(
        advice_request_id=advice.pk,
        received_on=dt.date(2025, 3, 1),
        changed_by=cast.health,
        sections={"C": "Glue ear"},
    )
    draft.refresh_from_db()
    draft = plan_services.plan_advice_attach(
        version_id=draft.pk,
        expected_lock=draft.lock,
        changed_by=cast.caseworker,
        advice_request_ids=[advice.pk],
    )
    assert list(draft.advice.all()) == [advice]


def test_draft_edits_are_kept_in_history(cast, frozen):
    case = make_case(cast, Stage.DRAFTING)
    draft = draft_of(case)
    assert draft.history.count() >= 5
    assert draft.history.first().views == "Jamie likes trains."


ILLEGAL = [
    (Stage.REQUESTED, "plan_draft_start"),
    (Stage.REQUESTED, "draft_issue"),
    (Stage.REQUESTED, "not_to_issue_decide"),
    (Stage.NOT_ASSESSING, "plan_draft_start"),
    (Stage.NOT_ASSESSING, "assessment_decide"),
    (Stage.ASSESSING, "draft_issue"),
    (Stage.ASSESSING, "assessment_decide"),
    (Stage.DRAFTING, "plan_draft_start"),
    (Stage.DRAFTING, "draft_comments_record"),
    (Stage.CONSULTING, "draft_issue"),
    (Stage.CONSULTING, "not_to_issue_decide"),
    (Stage.FINAL_ISSUED, "draft_issue"),
    (Stage.FINAL_ISSUED, "consultation_send"),
]


@pytest.mark.parametrize(("stage", "step"), ILLEGAL)
def test_illegal_transitions_are_refused_in_plain_english(cast, frozen, stage, step):
    case = make_case(cast, stage)
    user = cast.caseworker
    calls = {
        "plan_draft_start": lambda: plan_services.plan_draft_start(
            case_id=case.pk, changed_by=user
        ),
        "draft_issue": lambda: plan_services.draft_issue(
            case_id=case.pk, issued_on=TODAY, changed_by=user
        ),
        "not_to_issue_decide": lambda: case_services.not_to_issue_decide(
            case_id=case.pk, decided_on=TODAY, reasons="x", rights_given=True, changed_by=user
        ),
        "assessment_decide": lambda: case_services.assessment_decide(
            case_id=case.pk, assess=True, decided_on=TODAY, reasons="x", changed_by=user
        ),
        "draft_comments_record": lambda: plan_services.draft_comments_record(
            case_id=case.pk, received_on=TODAY, changed_by=user
        ),
        "consultation_send": lambda: plan_services.consultation_send(
            case_id=case.pk, setting_id=cast.setting.pk, sent_on=TODAY, changed_by=user
        ),
    }
    with pytest.raises(TransitionRefused) as refused:
        calls[step]()
    assert refused.value.message.endswith(".") and "_" not in refused.value.message
    case.refresh_from_db()
    assert case.stage == stage
