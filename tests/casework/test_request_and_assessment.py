import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from sendplan.casework.advice import services as advice_services
from sendplan.casework.advice.models import AdviceRequest
from sendplan.casework.case import services as case_services
from sendplan.casework.case.models import Case, Stage
from sendplan.casework.errors import TransitionRefused
from tests.casework.conftest import ADVICE, DECISION, REQUEST, TODAY, make_case


def test_recording_a_request_opens_a_case_at_requested(cast, frozen):
    case = make_case(cast)
    assert case.stage == Stage.REQUESTED
    assert case.received_on == REQUEST
    assert case.created_by == cast.caseworker
    assert case.history.count() == 1


def test_a_request_dated_in_the_future_is_refused_on_its_field(cast, frozen):
    with pytest.raises(ValidationError) as refused:
        make_case(cast, received_on=TODAY + dt.timedelta(days=1))
    assert "cannot be in the future" in refused.value.message_dict["received_on"][0]


def test_a_second_open_request_for_the_same_learner_is_refused(cast, frozen):
    make_case(cast)
    with pytest.raises(TransitionRefused, match="already has an open request"):
        make_case(cast)


def test_database_allows_only_one_open_case_per_learner(cast, frozen):
    case = make_case(cast)
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(
            learner=case.learner, received_on=REQUEST, source="parent", requested_by="Father"
        )


def test_database_refuses_a_decision_before_the_request(cast, frozen):
    case = make_case(cast)
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(
            decision_on=REQUEST - dt.timedelta(days=1), assess=True
        )


def test_deciding_to_assess_moves_the_case_to_assessing(cast, frozen):
    case = make_case(cast, Stage.ASSESSING)
    assert case.stage == Stage.ASSESSING
    assert case.decision_on == DECISION


def test_a_refusal_must_carry_appeal_and_mediation_rights(cast, frozen):
    case = make_case(cast)
    with pytest.raises(ValidationError) as refused:
        case_services.assessment_decide(
            case_id=case.pk,
            assess=False,
            decided_on=DECISION,
            reasons="Needs met",
            changed_by=cast.caseworker,
        )
    assert "appeal" in refused.value.message_dict["rights_given"][0]


def test_a_refusal_with_rights_moves_the_case_to_not_assessing(cast, frozen):
    case = make_case(cast, Stage.NOT_ASSESSING)
    assert case.stage == Stage.NOT_ASSESSING
    assert case.rights_given is True


def test_a_decision_dated_before_the_request_is_refused(cast, frozen):
    case = make_case(cast)
    with pytest.raises(ValidationError) as refused:
        case_services.assessment_decide(
            case_id=case.pk,
            assess=True,
            decided_on=REQUEST - dt.timedelta(days=1),
            reasons="x",
            changed_by=cast.caseworker,
        )
    assert "before the request" in refused.value.message_dict["decided_on"][0]


def test_deciding_twice_is_refused(cast, frozen):
    case = make_case(cast, Stage.ASSESSING)
    with pytest.raises(TransitionRefused, match="already been made"):
        case_services.assessment_decide(
            case_id=case.pk,
            assess=True,
            decided_on=DECISION,
            reasons="x",
            changed_by=cast.caseworker,
        )


def test_advice_is_due_six_weeks_after_the_body_receives_the_request(cast, frozen, health_org):
    case = make_case(cast, Stage.ASSESSING)
    advice = advice_services.advice_request(
        case_id=case.pk,
        kind=AdviceRequest.Kind.HEALTH,
        organisation_id=health_org.pk,
        practitioner=cast.health,
        requested_on=ADVICE,
        changed_by=cast.caseworker,
    )
    assert advice.due_on == ADVICE + dt.timedelta(weeks=6)


def test_advice_cannot_be_requested_before_the_decision_to_assess(cast, frozen, health_org):
    case = make_case(cast)
    with pytest.raises(TransitionRefused, match="decision to assess"):
        advice_services.advice_request(
            case_id=case.pk,
            kind=AdviceRequest.Kind.HEALTH,
            organisation_id=health_org.pk,
            requested_on=ADVICE,
            changed_by=cast.caseworker,
        )


def test_preparing_for_adulthood_advice_is_refused_before_year_9(cast, frozen, health_org):
    case = make_case(cast, Stage.ASSESSING)  # the learner is in Year 6
    with pytest.raises(ValidationError) as refused:
        advice_services.advice_request(
            case_id=case.pk,
            kind=AdviceRequest.Kind.PFA,
            organisation_id=health_org.pk,
            requested_on=ADVICE,
            changed_by=cast.caseworker,
        )
    assert "Year 9" in refused.value.message_dict["kind"][0]


def test_preparing_for_adulthood_advice_is_accepted_from_year_9(cast, frozen, health_org):
    cast.learner.date_of_birth = dt.date(2011, 3, 1)  # Year 9 in 2024/25
    cast.learner.save()
    case = make_case(cast, Stage.ASSESSING)
    advice = advice_services.advice_request(
        case_id=case.pk,
        kind=AdviceRequest.Kind.PFA,
        organisation_id=health_org.pk,
        requested_on=ADVICE,
        changed_by=cast.caseworker,
    )
    assert advice.kind == AdviceRequest.Kind.PFA


@pytest.fixture
def health_advice(cast, frozen, health_org):
    case = make_case(cast, Stage.ASSESSING)
    return advice_services.advice_request(
        case_id=case.pk,
        kind=AdviceRequest.Kind.HEALTH,
        organisation_id=health_org.pk,
        practitioner=cast.health,
        requested_on=ADVICE,
        changed_by=cast.caseworker,
    )


def test_the_named_practitioner_submits_advice_into_sections_c_and_g(cast, health_advice):
    advice = advice_services.advice_submit(
        advice_request_id=health_advice.pk,
        received_on=ADVICE + dt.timedelta(days=20),
        changed_by=cast.health,
        sections={"C": "Glue ear; hearing checked yearly.", "G": "Audiology review yearly."},
    )
    assert advice.received_on == ADVICE + dt.timedelta(days=20)
    assert sorted(advice.sections.values_list("section", flat=True)) == ["C", "G"]


def test_another_practitioner_may_not_submit_advice_addressed_to_a_colleague(cast, health_advice):
    with pytest.raises(PermissionDenied):
        advice_services.advice_submit(
            advice_request_id=health_advice.pk,
            received_on=ADVICE,
            changed_by=cast.other_health,
            sections={"C": "Not mine to give."},
        )


def test_advice_dated_before_its_request_is_refused(cast, health_advice):
    with pytest.raises(ValidationError) as refused:
        advice_services.advice_submit(
            advice_request_id=health_advice.pk,
            received_on=ADVICE - dt.timedelta(days=1),
            changed_by=cast.health,
            sections={"C": "text"},
        )
    assert "before the request for advice" in refused.value.message_dict["received_on"][0]


def test_advice_cannot_be_submitted_twice(cast, health_advice):
    advice_services.advice_submit(
        advice_request_id=health_advice.pk,
        received_on=ADVICE,
        changed_by=cast.health,
        sections={"C": "text"},
    )
    with pytest.raises(TransitionRefused, match="already given"):
        advice_services.advice_submit(
            advice_request_id=health_advice.pk,
            received_on=ADVICE,
            changed_by=cast.health,
            sections={"C": "again"},
        )


def test_advice_naming_no_known_section_is_refused(cast, health_advice):
    with pytest.raises(ValidationError) as refused:
        advice_services.advice_submit(
            advice_request_id=health_advice.pk,
            received_on=ADVICE,
            changed_by=cast.health,
            sections={"Z": "text"},
        )
    assert "Unknown plan sections: Z" in refused.value.message_dict["sections"][0]


def test_not_to_issue_after_assessing_needs_reasons_and_rights(cast, frozen):
    case = make_case(cast, Stage.ASSESSING)
    with pytest.raises(ValidationError) as refused:
        case_services.not_to_issue_decide(
            case_id=case.pk, decided_on=TODAY, reasons="", changed_by=cast.caseworker
        )
    assert set(refused.value.message_dict) == {"reasons", "rights_given"}
    case = case_services.not_to_issue_decide(
        case_id=case.pk,
        decided_on=TODAY,
        reasons="Needs met by the school",
        rights_given=True,
        changed_by=cast.caseworker,
    )
    assert case.stage == Stage.NOT_ISSUING


def test_not_to_issue_is_refused_once_drafting_has_begun(cast, frozen):
    case = make_case(cast, Stage.DRAFTING)
    with pytest.raises(TransitionRefused, match="before drafting begins"):
        case_services.not_to_issue_decide(
            case_id=case.pk,
            decided_on=TODAY,
            reasons="x",
            rights_given=True,
            changed_by=cast.caseworker,
        )


def test_withdrawing_a_case_records_the_reason_and_withdraws_its_draft(cast, frozen):
    case = make_case(cast, Stage.DRAFTING)
    case = case_services.case_withdraw(
        case_id=case.pk,
        withdrawn_on=TODAY,
        reason="Family moved away",
        changed_by=cast.caseworker,
    )
    assert case.stage == Stage.WITHDRAWN
    assert case.closed_reason == "Family moved away"
    assert case.plan.status == "withdrawn"


def test_withdrawing_needs_a_reason_and_happens_only_once(cast, frozen):
    case = make_case(cast)
    with pytest.raises(ValidationError):
        case_services.case_withdraw(
            case_id=case.pk, withdrawn_on=TODAY, reason=" ", changed_by=cast.caseworker
        )
    case_services.case_withdraw(
        case_id=case.pk, withdrawn_on=TODAY, reason="Withdrawn", changed_by=cast.caseworker
    )
    with pytest.raises(TransitionRefused, match="already withdrawn"):
        case_services.case_close(
            case_id=case.pk, closed_on=TODAY, reason="x", changed_by=cast.caseworker
        )


def test_a_case_with_a_final_plan_cannot_be_withdrawn(cast, frozen):
    case = make_case(cast, Stage.FINAL_ISSUED)
    with pytest.raises(TransitionRefused, match="closes when the plan ceases"):
        case_services.case_withdraw(
            case_id=case.pk, withdrawn_on=TODAY, reason="x", changed_by=cast.caseworker
        )
