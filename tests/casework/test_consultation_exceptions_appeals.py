import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from sendplan.casework.advice import services as advice_services
from sendplan.casework.advice.models import AdviceRequest
from sendplan.casework.case import services as case_services
from sendplan.casework.case.models import Stage
from sendplan.casework.disputes import services as dispute_services
from sendplan.casework.disputes.models import Mediation, Tribunal
from sendplan.casework.errors import TransitionRefused
from sendplan.casework.plans import services as plan_services
from sendplan.casework.plans.models import Consultation
from tests.casework.conftest import ADVICE, DRAFT, REQUEST, TODAY, make_case


def test_settings_are_consulted_only_once_the_draft_is_out(cast, frozen):
    case = make_case(cast, Stage.DRAFTING)
    with pytest.raises(TransitionRefused, match="send the draft for comments first"):
        plan_services.consultation_send(
            case_id=case.pk, setting_id=cast.setting.pk, sent_on=DRAFT, changed_by=cast.caseworker
        )


def test_a_consulted_setting_answers_within_15_days(cast, frozen):
    case = make_case(cast, Stage.CONSULTING)
    consultation = plan_services.consultation_send(
        case_id=case.pk, setting_id=cast.setting.pk, sent_on=DRAFT, changed_by=cast.caseworker
    )
    assert consultation.response_due_on == DRAFT + dt.timedelta(days=15)


def test_the_same_setting_is_not_consulted_twice(cast, frozen):
    case = make_case(cast, Stage.CONSULTING)
    kwargs = {"case_id": case.pk, "setting_id": cast.setting.pk, "sent_on": DRAFT}
    plan_services.consultation_send(**kwargs, changed_by=cast.caseworker)
    with pytest.raises(TransitionRefused, match="already been consulted"):
        plan_services.consultation_send(**kwargs, changed_by=cast.caseworker)


def test_a_setting_that_cannot_meet_needs_must_say_why(cast, frozen):
    case = make_case(cast, Stage.CONSULTING)
    consultation = plan_services.consultation_send(
        case_id=case.pk, setting_id=cast.setting.pk, sent_on=DRAFT, changed_by=cast.caseworker
    )
    with pytest.raises(ValidationError) as refused:
        plan_services.consultation_respond(
            consultation_id=consultation.pk,
            responded_on=DRAFT + dt.timedelta(days=10),
            response=Consultation.Response.CANNOT_MEET,
            changed_by=cast.senco,
        )
    assert "reasons" in refused.value.message_dict
    answered = plan_services.consultation_respond(
        consultation_id=consultation.pk,
        responded_on=DRAFT + dt.timedelta(days=10),
        response=Consultation.Response.CANNOT_MEET,
        reasons="No places for Year 7",
        changed_by=cast.senco,
    )
    assert answered.response == Consultation.Response.CANNOT_MEET
    with pytest.raises(TransitionRefused, match="already answered"):
        plan_services.consultation_respond(
            consultation_id=consultation.pk,
            responded_on=TODAY,
            response=Consultation.Response.CAN_MEET,
            changed_by=cast.senco,
        )


def test_a_reg_10_4_exception_is_recorded_with_reason_and_dates(cast, frozen):
    case = make_case(cast, Stage.ASSESSING)
    record = case_services.exception_record(
        case_id=case.pk,
        key="reg10_4_c",
        reason="Bereavement in the family",
        evidence="Letter from GP",
        starts_on=dt.date(2025, 3, 1),
        ends_on=dt.date(2025, 4, 1),
        family_told_on=dt.date(2025, 3, 3),
        changed_by=cast.caseworker,
    )
    assert record.key == "reg10_4_c"
    assert case.exceptions.count() == 1


def test_a_reg_8_2_exception_cannot_relieve_the_case_limits(cast, frozen):
    case = make_case(cast, Stage.ASSESSING)
    with pytest.raises(ValidationError) as refused:
        case_services.exception_record(
            case_id=case.pk,
            key="reg8_2_appointment",
            reason="Missed appointment",
            starts_on=dt.date(2025, 3, 1),
            changed_by=cast.caseworker,
        )
    assert (
        "is not an exception to the case's own time limits"
        in (refused.value.message_dict["key"][0])
    )


def test_a_reg_8_2_exception_relieves_one_advice_request(cast, frozen, health_org):
    case = make_case(cast, Stage.ASSESSING)
    advice = advice_services.advice_request(
        case_id=case.pk,
        kind=AdviceRequest.Kind.HEALTH,
        organisation_id=health_org.pk,
        requested_on=ADVICE,
        changed_by=cast.caseworker,
    )
    record = case_services.exception_record(
        case_id=case.pk,
        key="reg8_2_appointment",
        reason="Missed the hearing test",
        starts_on=dt.date(2025, 3, 1),
        advice_request_id=advice.pk,
        changed_by=cast.caseworker,
    )
    assert record.advice_request == advice


def test_an_absence_exception_needs_four_continuous_weeks(cast, frozen):
    case = make_case(cast, Stage.ASSESSING)
    kwargs = {
        "case_id": case.pk,
        "key": "reg10_4_d",
        "reason": "Abroad",
        "starts_on": dt.date(2025, 3, 1),
        "changed_by": cast.caseworker,
    }
    with pytest.raises(ValidationError) as refused:
        case_services.exception_record(**kwargs, ends_on=dt.date(2025, 3, 27))  # 27 days
    assert "4 continuous weeks" in refused.value.message_dict["ends_on"][0]
    assert case_services.exception_record(**kwargs, ends_on=dt.date(2025, 3, 28)).pk  # 28 days


def test_an_unknown_exception_key_is_refused(cast, frozen):
    case = make_case(cast)
    with pytest.raises(ValidationError) as refused:
        case_services.exception_record(
            case_id=case.pk,
            key="waiting_list",
            reason="Long waiting list",
            starts_on=REQUEST,
            changed_by=cast.caseworker,
        )
    assert "lawful exceptions" in refused.value.message_dict["key"][0]


def test_mediation_is_recorded_and_updated_with_its_outcome(cast, frozen):
    case = make_case(cast, Stage.NOT_ASSESSING)
    mediation = dispute_services.mediation_record(
        case_id=case.pk,
        about="not_to_assess",
        adviser_contacted_on=dt.date(2025, 3, 1),
        changed_by=cast.caseworker,
    )
    with pytest.raises(ValidationError) as refused:
        dispute_services.mediation_record(
            case_id=case.pk,
            mediation_id=mediation.pk,
            expected_lock=mediation.lock,
            about="not_to_assess",
            adviser_contacted_on=dt.date(2025, 3, 1),
            outcome=Mediation.Outcome.AGREED,
            changed_by=cast.caseworker,
        )
    assert "mediation_on" in refused.value.message_dict
    mediation = dispute_services.mediation_record(
        case_id=case.pk,
        mediation_id=mediation.pk,
        expected_lock=mediation.lock,
        about="not_to_assess",
        adviser_contacted_on=dt.date(2025, 3, 1),
        mediation_on=dt.date(2025, 3, 25),
        outcome=Mediation.Outcome.AGREED,
        changed_by=cast.caseworker,
    )
    assert mediation.outcome == Mediation.Outcome.AGREED
    assert case.mediations.count() == 1


def test_an_unopposed_appeal_order_takes_its_due_date_from_reg_45(cast, frozen):
    case = make_case(cast, Stage.NOT_ASSESSING)
    appeal = dispute_services.tribunal_record(
        case_id=case.pk,
        about="not_to_assess",
        registered_on=dt.date(2025, 4, 1),
        outcome=Tribunal.Outcome.CONCEDED,
        decided_on=dt.date(2025, 5, 1),
        changed_by=cast.caseworker,
    )
    order = dispute_services.tribunal_order_record(
        appeal_id=appeal.pk,
        kind="assess",
        description="Assess",
        notified_on=dt.date(2025, 5, 1),
        changed_by=cast.caseworker,
    )
    assert order.due_on == dt.date(2025, 5, 15)  # 2 weeks (Reg 45)
    assert order.due_rule == "unopposed_assess"


def test_an_ordinary_order_needs_its_own_due_date(cast, frozen):
    case = make_case(cast, Stage.NOT_ASSESSING)
    appeal = dispute_services.tribunal_record(
        case_id=case.pk,
        about="not_to_assess",
        registered_on=dt.date(2025, 4, 1),
        hearing_on=dt.date(2025, 5, 20),
        outcome=Tribunal.Outcome.UPHELD,
        decided_on=dt.date(2025, 5, 27),
        changed_by=cast.caseworker,
    )
    with pytest.raises(ValidationError) as refused:
        dispute_services.tribunal_order_record(
            appeal_id=appeal.pk, kind="assess", description="Assess", changed_by=cast.caseworker
        )
    assert "due_on" in refused.value.message_dict


def test_a_tribunal_outcome_needs_its_date(cast, frozen):
    case = make_case(cast, Stage.NOT_ASSESSING)
    with pytest.raises(ValidationError) as refused:
        dispute_services.tribunal_record(
            case_id=case.pk,
            about="not_to_assess",
            registered_on=dt.date(2025, 4, 1),
            outcome=Tribunal.Outcome.DISMISSED,
            changed_by=cast.caseworker,
        )
    assert "decided_on" in refused.value.message_dict
