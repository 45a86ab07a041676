"""The steps on a case page: each calls its service, shows refusals in plain words and
keeps what was typed; access is caseworker-only."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from sendplan.accounts.models import Role
from sendplan.casework.advice.models import AdviceRequest
from sendplan.casework.case.models import CaseException, Stage
from sendplan.casework.disputes.models import Mediation, Tribunal
from sendplan.casework.plans.models import Consultation, PlanVersion
from tests.casework_pages.tray_builders import TODAY, at, make_case
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def frozen():
    with at(TODAY) as traveller:
        yield traveller


def _url(case, slug, item=None):
    if item is not None:
        return reverse("casework:action-item", args=[case.pk, slug, item])
    return reverse("casework:action", args=[case.pk, slug])


def _date(name: str, day: dt.date) -> dict[str, str]:
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


def _issue_url(case):
    return reverse("casework:plan-issue", args=[case.plan.pk])


def _post(cast, case, slug, data, *, who="caseworker", item=None):
    return cast.client_for(getattr(cast, who)).post(_url(case, slug, item), data)


def _refresh(case):
    case.refresh_from_db()
    return case


def _done(response, case):
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == reverse("casework:case", args=[case.pk])


def test_deciding_to_assess_moves_the_case_on(cast, frozen):
    case = make_case(cast, Stage.REQUESTED, received_on=dt.date(2025, 5, 1))
    page = cast.client_for(cast.caseworker).get(_url(case, "decide-assessment"))
    assert page.status_code == 200 and "right to appeal" in page.content.decode()
    data = {"assess": "yes", "reasons": "Evidence of needs", **_date("decided_on", TODAY)}
    _done(_post(cast, case, "decide-assessment", data), case)
    assert _refresh(case).stage == Stage.ASSESSING and case.decision_on == TODAY


def test_refusal_without_appeal_rights_is_refused_beside_the_box(cast, frozen):
    case = make_case(cast, Stage.REQUESTED, received_on=dt.date(2025, 5, 1))
    data = {"assess": "no", "reasons": "Needs met at school", **_date("decided_on", TODAY)}
    response = _post(cast, case, "decide-assessment", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="#rights_given"' in html
    assert "must tell the family of their right to appeal and to mediation (Reg 5(3))" in html
    assert "Needs met at school" in html  # kept
    _done(_post(cast, case, "decide-assessment", {**data, "rights_given": "on"}), case)
    assert _refresh(case).stage == Stage.NOT_ASSESSING and case.rights_given


def test_illegal_transition_shows_the_services_message(cast, frozen):
    case = make_case(cast, Stage.ASSESSING)
    data = {"assess": "yes", "reasons": "Again", **_date("decided_on", TODAY)}
    html = _post(cast, case, "decide-assessment", data).content.decode()
    assert "There is a problem" in html
    assert "The decision whether to assess has already been made on this case." in html
    draft = _post(cast, case, "issue-draft", _date("issued_on", TODAY)).content.decode()
    assert "A draft can only be sent once the plan is being drafted" in draft


def test_missing_answers_get_govuk_messages(cast, frozen):
    case = make_case(cast, Stage.REQUESTED)
    html = _post(cast, case, "decide-assessment", {}).content.decode()
    assert "Select whether the local authority will assess" in html
    assert "Enter date the family were told of the decision" in html
    assert "Enter the reasons for the decision" in html


def test_request_advice_addressed_to_an_organisation_and_a_named_practitioner(cast, frozen):
    case = make_case(cast, Stage.ASSESSING)
    organisation = cast.learner.involvements.get(user=cast.health).organisation
    data = {
        "kind": AdviceRequest.Kind.HEALTH,
        "organisation": organisation.pk,
        "practitioner": cast.health.pk,
        **_date("requested_on", dt.date(2025, 5, 30)),
    }
    _done(_post(cast, case, "request-advice", data), case)
    advice = AdviceRequest.objects.get(case=case)
    assert advice.practitioner == cast.health and advice.due_on == dt.date(2025, 7, 11)


def test_named_practitioner_must_work_for_the_organisation(cast, frozen):
    case = make_case(cast, Stage.ASSESSING)
    data = {
        "kind": AdviceRequest.Kind.EDUCATION,
        "organisation": cast.la.pk,
        "practitioner": cast.health.pk,
        **_date("requested_on", dt.date(2025, 5, 30)),
    }
    html = _post(cast, case, "request-advice", data).content.decode()
    assert "Choose someone who works for the organisation asked" in html
    assert not AdviceRequest.objects.exists()


def test_preparing_for_adulthood_advice_before_year_9_is_refused(cast, frozen):
    case = make_case(cast, Stage.ASSESSING)  # the cast's learner is in Year 6
    data = {
        "kind": AdviceRequest.Kind.PFA,
        "organisation": cast.la.pk,
        **_date("requested_on", dt.date(2025, 5, 30)),
    }
    html = _post(cast, case, "request-advice", data).content.decode()
    assert "Preparing-for-adulthood advice is for young people in Year 9 or above" in html
    assert 'href="#kind"' in html


def test_start_draft_then_decide_not_to_issue_is_refused(cast, frozen):
    case = make_case(cast, Stage.ASSESSING)
    _done(_post(cast, case, "start-draft", {}), case)
    assert _refresh(case).stage == Stage.DRAFTING
    data = {"reasons": "No", "rights_given": "on", **_date("decided_on", TODAY)}
    html = _post(cast, case, "not-to-issue", data).content.decode()
    assert "A decision not to issue a plan is made after assessing and before drafting" in html


def test_decide_not_to_issue(cast, frozen):
    case = make_case(cast, Stage.ASSESSING)
    data = {"reasons": "Needs can be met", "rights_given": "on", **_date("decided_on", TODAY)}
    _done(_post(cast, case, "not-to-issue", data), case)
    assert _refresh(case).stage == Stage.NOT_ISSUING


def test_issue_draft_consult_answer_comments_and_final_plan(cast, frozen):
    case = make_case(cast, Stage.DRAFTING)
    _done(_post(cast, case, "issue-draft", _date("issued_on", dt.date(2025, 5, 1))), case)
    assert _refresh(case).stage == Stage.CONSULTING
    sent = {"setting": cast.setting.pk, **_date("sent_on", dt.date(2025, 5, 2))}
    _done(_post(cast, case, "consult-setting", sent), case)
    consultation = Consultation.objects.get(case=case)
    answer = {
        "consultation": consultation.pk,
        "response": Consultation.Response.CAN_MEET,
        **_date("responded_on", dt.date(2025, 5, 9)),
    }
    _done(_post(cast, case, "setting-answer", answer), case)
    assert Consultation.objects.get(case=case).responded_on == dt.date(2025, 5, 9)
    _done(_post(cast, case, "family-comments", _date("received_on", dt.date(2025, 5, 12))), case)
    # The final plan is issued through the plan's check-your-answers journey: the case's
    # one-page address for the step only sends the caseworker there.
    client = cast.client_for(cast.caseworker)
    step = client.get(_url(case, "issue-final"))
    assert step.status_code == 302 and step["Location"] == _issue_url(case)
    answers = {"lock": case.plan.versions.get().lock, **_date("issued_on", dt.date(2025, 5, 20))}
    check = client.post(step["Location"], answers)
    assert check.status_code == 200
    assert "starts the family’s right to appeal" in check.content.decode()
    assert _refresh(case).stage == Stage.CONSULTING  # nothing issued before the confirm
    issued = client.post(step["Location"], {**answers, "confirm": "yes"})
    assert issued.status_code == 302
    assert issued["Location"] == reverse("casework:plan-version", args=[case.plan.pk, 1])
    assert _refresh(case).stage == Stage.FINAL_ISSUED
    assert case.final_issued_on == dt.date(2025, 5, 20)


def test_the_one_page_final_plan_form_issues_nothing_and_sends_to_the_check_page(cast, frozen):
    case = make_case(cast, Stage.CONSULTING)
    draft = case.plan.versions.get()
    # What the one-page form used to post, and the same answers the journey accepts.
    final = {"expected_lock": draft.lock, **_date("issued_on", TODAY)}
    response = _post(cast, case, "issue-final", final)
    assert response.status_code == 302
    assert response["Location"] == _issue_url(case)
    draft.refresh_from_db()
    assert draft.status == PlanVersion.Status.DRAFT and draft.issued_on is None
    assert _refresh(case).stage == Stage.CONSULTING and case.final_issued_on is None
    journey = {"lock": draft.lock, **_date("issued_on", TODAY)}
    check = cast.client_for(cast.caseworker).post(response["Location"], journey)
    assert "Check the plan before you issue it" in check.content.decode()


def test_the_one_page_final_plan_address_is_404_while_the_case_has_no_plan(cast, frozen):
    case = make_case(cast, Stage.ASSESSING)
    assert cast.client_for(cast.caseworker).get(_url(case, "issue-final")).status_code == 404
    final = {"expected_lock": 1, **_date("issued_on", TODAY)}
    assert _post(cast, case, "issue-final", final).status_code == 404
    assert _refresh(case).stage == Stage.ASSESSING


def test_the_one_page_final_plan_address_keeps_its_access_rules(cast, frozen):
    case = make_case(cast, Stage.CONSULTING)
    assert _post(cast, case, "issue-final", {}, who="la_colleague").status_code == 403
    assert _post(cast, case, "issue-final", {}, who="parent").status_code == 403
    client = cast.client_for(cast.caseworker)
    assert client.put(_url(case, "issue-final")).status_code == 405


def test_issuing_a_draft_changed_since_it_was_read_is_refused_with_who_and_when(cast, frozen):
    case = make_case(cast, Stage.CONSULTING)
    draft = case.plan.versions.get()
    answers = {"lock": draft.lock - 1, **_date("issued_on", TODAY)}
    response = cast.client_for(cast.caseworker).post(_issue_url(case), answers)
    html = response.content.decode()
    assert response.status_code == 409
    assert re.search(r"changed this plan at \d+:\d\d[ap]m on ", html)
    assert re.search(rf'name="lock"[^>]*value="{draft.lock}"', html)  # saving again is deliberate
    assert _refresh(case).stage == Stage.CONSULTING


def test_family_comment_period_must_close_before_the_final_plan(cast, frozen):
    case = make_case(cast, Stage.DRAFTING)
    _post(cast, case, "issue-draft", _date("issued_on", dt.date(2025, 5, 30)))
    answers = {"lock": case.plan.versions.get().lock, **_date("issued_on", TODAY)}
    html = cast.client_for(cast.caseworker).post(_issue_url(case), answers).content.decode()
    assert "to comment on the draft (Reg 13(1))" in html
    assert 'href="#issued_on_day"' in html
    assert _refresh(case).stage == Stage.CONSULTING


def test_record_a_reg_10_4_exception_with_reason_and_evidence(cast, frozen):
    case = make_case(cast, Stage.ASSESSING)
    data = {
        "advice_request": "",
        "key": "reg10_4_c",
        "reason": "Family bereavement",
        "evidence": "Letter from the family, in the case file",
        **_date("starts_on", dt.date(2025, 3, 1)),
    }
    _done(_post(cast, case, "exception", data), case)
    record = CaseException.objects.get(case=case)
    assert record.key == "reg10_4_c" and record.advice_request is None
    assert (
        "Lawful exception recorded (Reg 10(4)(c))"
        in cast.client_for(cast.caseworker)
        .get(reverse("casework:case", args=[case.pk]))
        .content.decode()
    )


def test_reg_8_2_exception_does_not_relieve_the_cases_own_limits(cast, frozen):
    case = make_case(cast, Stage.ASSESSING)
    data = {
        "advice_request": "",
        "key": "reg8_2_appointment",
        "reason": "Missed appointment",
        **_date("starts_on", dt.date(2025, 3, 1)),
    }
    html = _post(cast, case, "exception", data).content.decode()
    assert "is not an exception to the case&#x27;s own time limits" in html
    assert 'href="#key"' in html


def test_withdraw_and_close(cast, frozen):
    case = make_case(cast, Stage.ASSESSING)
    data = {"reason": "Family moved away", **_date("on", TODAY)}
    _done(_post(cast, case, "withdraw", data), case)
    assert _refresh(case).stage == Stage.WITHDRAWN
    refused = make_case(cast, Stage.NOT_ASSESSING, learner=cast.other_learner)
    _done(_post(cast, refused, "close", data), refused)
    assert _refresh(refused).stage == Stage.CLOSED


def test_mediation_recorded_then_updated_with_its_outcome(cast, frozen):
    case = make_case(cast, Stage.NOT_ASSESSING)
    data = {"about": "not_to_assess", **_date("adviser_contacted_on", dt.date(2025, 3, 1))}
    _done(_post(cast, case, "mediation", data), case)
    mediation = Mediation.objects.get(case=case)
    update = cast.client_for(cast.caseworker).get(_url(case, "mediation", mediation.pk))
    assert 'name="adviser_contacted_on_month" type="text" inputmode="numeric" value="3"' in (
        update.content.decode()
    )
    outcome = {
        **data,
        "outcome": "agreed",
        "expected_lock": mediation.lock,
        **_date("mediation_on", dt.date(2025, 4, 1)),
    }
    _done(_post(cast, case, "mediation", outcome, item=mediation.pk), case)
    mediation.refresh_from_db()
    assert mediation.outcome == "agreed" and Mediation.objects.count() == 1


def test_tribunal_outcome_needs_its_date(cast, frozen):
    case = make_case(cast, Stage.NOT_ASSESSING)
    data = {
        "about": "not_to_assess",
        "outcome": "upheld",
        **_date("registered_on", dt.date(2025, 4, 1)),
        **_date("hearing_on", dt.date(2025, 9, 1)),  # a hearing may be in the future
    }
    html = _post(cast, case, "tribunal", data).content.decode()
    assert "Give the date of the outcome." in html
    _done(_post(cast, case, "tribunal", {**data, **_date("decided_on", TODAY)}), case)
    assert Tribunal.objects.get(case=case).hearing_on == dt.date(2025, 9, 1)


def test_update_of_another_cases_mediation_is_404(cast, frozen):
    case = make_case(cast, Stage.NOT_ASSESSING)
    other = make_case(cast, Stage.NOT_ASSESSING, learner=cast.other_learner)
    data = {"about": "not_to_assess", **_date("adviser_contacted_on", dt.date(2025, 3, 1))}
    _post(cast, other, "mediation", data)
    foreign = Mediation.objects.get(case=other)
    client = cast.client_for(cast.caseworker)
    assert client.get(_url(case, "mediation", foreign.pk)).status_code == 404
    assert client.get(_url(case, "withdraw", 1)).status_code == 404  # no rows to update


def test_unknown_step_is_404(cast, frozen):
    case = make_case(cast, Stage.REQUESTED)
    assert cast.client_for(cast.caseworker).get(_url(case, "approve-all")).status_code == 404


def test_caseworker_of_another_authority_gets_404(cast, frozen):
    case = make_case(cast, Stage.REQUESTED)
    outsider = MembershipFactory(
        user=UserFactory(), organisation=cast.other_la, role=Role.LA_CASEWORKER
    ).user
    client = cast.client_for(outsider)
    assert client.get(_url(case, "withdraw")).status_code == 404
    assert client.get(reverse("casework:case", args=[case.pk])).status_code == 404


def test_read_only_colleague_gets_403_for_steps(cast, frozen):
    case = make_case(cast, Stage.REQUESTED)
    assert _post(cast, case, "withdraw", {}, who="la_colleague").status_code == 403
    client = cast.client_for(cast.la_colleague)
    assert client.get(_url(case, "withdraw")).status_code == 403


@pytest.mark.parametrize("who", ["health", "senco", "parent"])
def test_steps_are_for_la_staff(cast, frozen, who):
    case = make_case(cast, Stage.REQUESTED)
    assert cast.client_for(getattr(cast, who)).get(_url(case, "withdraw")).status_code == 403


def test_steps_refuse_other_methods(cast, frozen):
    case = make_case(cast, Stage.REQUESTED)
    assert cast.client_for(cast.caseworker).put(_url(case, "withdraw")).status_code == 405
