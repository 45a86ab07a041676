"""Advice into the plan: which sections advice covers, rows brought in with their source,
the rule that stops a final plan with an advised section empty, advice received by post,
when issuing the final plan is lawful, and the family's preferred setting."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from sendplan.casework.advice import services as advice_services
from sendplan.casework.case.models import Case, Stage
from sendplan.casework.errors import TransitionRefused
from sendplan.casework.family import services as family_services
from sendplan.casework.family.models import FamilyPreference, SettingType
from sendplan.casework.plans import services as plan_services
from sendplan.casework.plans.models import PlanVersion
from sendplan.casework.plans.selectors import sections_advised
from sendplan.documents.models import Document
from tests.casework.advice_builders import (
    HEALTH,
    RECEIVED,
    confirm_no_provision,
    health_request,
    out_for_comments,
)
from tests.casework.conftest import DRAFT, TODAY, at, make_case
from tests.documents.files import EXE, PDF

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("document_store")]


def draft_of(case: Case) -> PlanVersion:
    return PlanVersion.objects.get(plan__case=case, status=PlanVersion.Status.DRAFT)


def issue(cast, case: Case) -> PlanVersion:
    draft = draft_of(case)
    return plan_services.plan_issue(
        version_id=draft.pk, expected_lock=draft.lock, issued_on=TODAY, changed_by=cast.caseworker
    )


# Which sections advice covers


def test_advice_covers_the_sections_it_was_written_into(cast, frozen, health_org):
    case, advice = out_for_comments(cast, health_org, {"C": "Glue ear in both ears."})
    assert sections_advised(case.pk) == {"C": [advice]}


def test_a_report_with_no_words_covers_every_section_its_kind_bears_on(cast, frozen, health_org):
    case, advice = out_for_comments(cast, health_org, None)
    assert sections_advised(case.pk) == {"C": [advice], "G": [advice]}


def test_advice_not_received_yet_covers_nothing(cast, frozen, health_org):
    case = make_case(cast, Stage.DRAFTING)
    health_request(cast, case, health_org)
    assert sections_advised(case.pk) == {}


# The rule before a final plan is issued


def test_a_final_plan_cannot_be_issued_with_an_advised_section_empty(cast, frozen, health_org):
    case, _ = out_for_comments(cast, health_org, HEALTH)
    assert plan_services.advised_sections_empty(draft_of(case)) == ["C", "G"]
    with pytest.raises(ValidationError) as refused:
        issue(cast, case)
    messages = refused.value.message_dict["advice"]
    assert len(messages) == 2 and messages[0].startswith("Section C is empty")
    assert draft_of(case).status == PlanVersion.Status.DRAFT


def test_writing_one_section_and_confirming_the_other_lets_the_plan_be_issued(
    cast, frozen, health_org
):
    case, advice = out_for_comments(cast, health_org, HEALTH)
    draft = draft_of(case)
    plan_services.plan_need_save(
        version_id=draft.pk,
        expected_lock=draft.lock,
        changed_by=cast.caseworker,
        section="C",
        text="Glue ear in both ears.",
        source_id=advice.sections.get(section="C").pk,
    )
    assert plan_services.advised_sections_empty(draft_of(case)) == ["G"]
    confirmed = confirm_no_provision(cast, case, "G")
    assert confirmed.created_by == cast.caseworker
    assert plan_services.advised_sections_empty(draft_of(case)) == []
    issued = issue(cast, case)
    assert issued.status == PlanVersion.Status.ISSUED
    assert issued.no_provision.get().section == "G"


def test_confirming_no_provision_needs_a_reason(cast, frozen, health_org):
    case, _ = out_for_comments(cast, health_org, HEALTH)
    with pytest.raises(ValidationError) as refused:
        confirm_no_provision(cast, case, "G", reason="  ")
    assert "reason" in refused.value.message_dict
    assert not draft_of(case).no_provision.exists()


# Rows brought in from advice


def test_a_row_brought_in_keeps_its_source_through_edits_and_into_the_next_version(
    cast, frozen, health_org
):
    case, advice = out_for_comments(cast, health_org, HEALTH)
    source = advice.sections.get(section="C")
    draft = draft_of(case)
    need = plan_services.plan_need_save(
        version_id=draft.pk,
        expected_lock=draft.lock,
        changed_by=cast.caseworker,
        section="C",
        text=source.text,
        source_id=source.pk,
    )
    draft = draft_of(case)
    changed = plan_services.plan_need_save(
        version_id=draft.pk,
        expected_lock=draft.lock,
        changed_by=cast.caseworker,
        section="C",
        text="Glue ear in both ears; grommets fitted.",
        need_id=need.pk,
    )
    assert changed.source == source  # reworded, still from the same advice
    confirm_no_provision(cast, case, "G")
    issued = issue(cast, case)
    amendment = plan_services.plan_version_new_draft(
        plan_id=issued.plan_id, changed_by=cast.caseworker
    )
    assert amendment.needs.get(section="C").source == source
    assert amendment.no_provision.get().section == "G"


def test_only_advice_received_for_the_same_learner_can_be_a_source(cast, frozen, health_org):
    case, _ = out_for_comments(cast, health_org, HEALTH)
    other = make_case(cast, Stage.DRAFTING, learner=cast.other_learner)
    elsewhere = health_request(cast, other, health_org)
    advice_services.advice_submit(
        advice_request_id=elsewhere.pk,
        received_on=RECEIVED,
        changed_by=cast.caseworker,
        sections={"C": "Someone else's advice."},
    )
    draft = draft_of(case)
    with pytest.raises(ValidationError) as refused:
        plan_services.plan_need_save(
            version_id=draft.pk,
            expected_lock=draft.lock,
            changed_by=cast.caseworker,
            section="C",
            text="Copied",
            source_id=elsewhere.sections.get().pk,
        )
    assert "source" in refused.value.message_dict
    assert not draft_of(case).needs.filter(section="C").exists()


# Advice that arrived by post or email


def test_advice_received_by_post_is_answered_on_its_day_with_the_report_attached(
    cast, frozen, health_org
):
    case, advice = out_for_comments(cast, health_org, None)
    assert advice.received_on == RECEIVED
    document = Document.objects.get(advice_request=advice)
    assert document.case_id == case.pk and document.kind == Document.Kind.ADVICE_REPORT
    assert document.uploaded_by == cast.caseworker
    assert advice.modified_by == cast.caseworker  # who recorded it
    assert advice.history.first().received_on == RECEIVED  # and the history keeps it


def test_a_refused_file_leaves_the_request_waiting_and_nothing_kept(cast, frozen, health_org):
    case = make_case(cast, Stage.DRAFTING)
    advice = health_request(cast, case, health_org)
    with pytest.raises(ValidationError) as refused:
        advice_services.advice_record_received(
            advice_request_id=advice.pk,
            received_on=RECEIVED,
            changed_by=cast.caseworker,
            upload=SimpleUploadedFile("report.pdf", EXE),
        )
    assert "upload" in refused.value.message_dict
    advice.refresh_from_db()
    assert advice.received_on is None and not Document.objects.exists()


def test_only_the_council_records_advice_received(cast, frozen, health_org):
    case = make_case(cast, Stage.DRAFTING)
    advice = health_request(cast, case, health_org)
    with pytest.raises(PermissionDenied):
        advice_services.advice_record_received(
            advice_request_id=advice.pk,
            received_on=RECEIVED,
            changed_by=cast.health,
            upload=SimpleUploadedFile("report.pdf", PDF),
        )


# When the final plan may be issued


def test_the_final_plan_is_lawful_from_the_day_the_time_for_comments_ends(cast):
    with at(DRAFT):
        case = make_case(cast, Stage.CONSULTING)
    close = plan_services.final_issue_opens_on(case)
    assert close == DRAFT + dt.timedelta(days=15)
    assert not plan_services.final_issue_lawful(case, on=close - dt.timedelta(days=1))
    assert plan_services.final_issue_lawful(case, on=close)


def test_the_familys_comments_make_the_final_plan_lawful_at_once(cast):
    with at(DRAFT + dt.timedelta(days=2)):
        case = make_case(cast, Stage.CONSULTING)
        plan_services.draft_comments_record(
            case_id=case.pk, received_on=DRAFT + dt.timedelta(days=2), changed_by=cast.caseworker
        )
    case.refresh_from_db()
    assert plan_services.final_issue_lawful(case, on=DRAFT + dt.timedelta(days=2))


def test_no_final_plan_is_lawful_before_the_draft_is_sent(cast, frozen):
    case = make_case(cast, Stage.DRAFTING)
    assert plan_services.final_issue_opens_on(case) is None
    assert not plan_services.final_issue_lawful(case, on=TODAY)


# The family's preferred setting


def test_the_family_names_a_setting_from_the_register(cast, frozen):
    case = make_case(cast, Stage.CONSULTING)
    chosen = family_services.family_preference_give(
        case_id=case.pk, setting_id=cast.setting.pk, changed_by=cast.parent, reason="Near home"
    )
    assert chosen.setting == cast.setting and chosen.given_on == TODAY
    assert case.family_preferences.first() == chosen


def test_the_family_may_ask_for_a_type_of_setting_but_not_both(cast, frozen):
    case = make_case(cast, Stage.CONSULTING)
    family_services.family_preference_give(
        case_id=case.pk, setting_type=SettingType.SPECIAL, changed_by=cast.parent
    )
    with pytest.raises(ValidationError):
        family_services.family_preference_give(
            case_id=case.pk,
            setting_id=cast.setting.pk,
            setting_type=SettingType.SPECIAL,
            changed_by=cast.parent,
        )
    with pytest.raises(ValidationError):
        family_services.family_preference_give(case_id=case.pk, changed_by=cast.parent)
    assert FamilyPreference.objects.count() == 1


def test_another_parent_cannot_state_a_preference(cast, frozen):
    case = make_case(cast, Stage.CONSULTING)
    with pytest.raises(PermissionDenied):
        family_services.family_preference_give(
            case_id=case.pk, setting_id=cast.setting.pk, changed_by=cast.other_parent
        )


def test_no_preference_once_the_final_plan_is_issued(cast, frozen):
    case = make_case(cast, Stage.FINAL_ISSUED)
    with pytest.raises(TransitionRefused):
        family_services.family_preference_give(
            case_id=case.pk, setting_id=cast.setting.pk, changed_by=cast.parent
        )
