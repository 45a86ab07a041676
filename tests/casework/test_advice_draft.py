"""Advice drafts: kept for those asked to come back to, refused once sent, sent exactly as
checked, and cleared when the advice is sent."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from sendplan.accounts.models import Role
from sendplan.casework.advice import services as advice_services
from sendplan.casework.advice.models import AdviceRequest, AdviceSection
from sendplan.casework.case import services as case_services
from sendplan.casework.case.models import Stage
from sendplan.casework.errors import TransitionRefused
from sendplan.core.dates import govuk_time
from tests.casework.conftest import ADVICE, TODAY, make_case
from tests.factories import MembershipFactory


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


def save_draft(cast, advice, user=None, **texts):
    return advice_services.advice_draft_save(
        advice_request_id=advice.pk,
        changed_by=user or cast.health,
        sections={"C": texts.get("C", ""), "G": texts.get("G", "")},
        summary=texts.get("summary", ""),
    )


def test_an_incomplete_draft_is_kept_with_who_saved_it_and_when(cast, health_advice):
    save_draft(cast, health_advice, C="Glue ear, still")
    advice = AdviceRequest.objects.get(pk=health_advice.pk)
    assert advice.draft == {"sections": {"C": "Glue ear, still", "G": ""}, "summary": ""}
    assert advice.draft_saved_by == cast.health
    assert advice.draft_saved_at == timezone.now()  # the frozen clock
    assert advice.received_on is None
    assert not advice.sections.exists()


def test_a_draft_with_nothing_written_may_be_saved(cast, health_advice):
    save_draft(cast, health_advice)
    advice = AdviceRequest.objects.get(pk=health_advice.pk)
    assert advice.draft == {"sections": {"C": "", "G": ""}, "summary": ""}


def test_saving_a_draft_again_replaces_it(cast, health_advice):
    save_draft(cast, health_advice, C="First go")
    save_draft(cast, health_advice, C="Second go", summary="Seen in clinic")
    advice = AdviceRequest.objects.get(pk=health_advice.pk)
    assert advice.draft["sections"]["C"] == "Second go"
    assert advice.draft["summary"] == "Seen in clinic"


def test_a_draft_adds_no_history_and_leaves_the_request_unchanged(cast, health_advice):
    before = health_advice.history.count()
    save_draft(cast, health_advice, C="Private working notes")
    advice = AdviceRequest.objects.get(pk=health_advice.pk)
    assert advice.history.count() == before
    assert advice.modified_by == cast.caseworker
    assert not hasattr(advice.history.latest(), "draft")


def test_a_draft_longer_than_the_limit_is_refused_on_its_field(cast, health_advice):
    with pytest.raises(ValidationError) as refused:
        save_draft(cast, health_advice, G="x" * 20001, summary="y" * 5001)
    assert refused.value.message_dict == {
        "section_G": ["Section G must be 20,000 characters or fewer"],
        "summary": ["Anything else must be 5,000 characters or fewer"],
    }
    assert AdviceRequest.objects.get(pk=health_advice.pk).draft is None


def test_a_draft_at_the_limit_is_kept(cast, health_advice):
    save_draft(cast, health_advice, G="x" * 20000, summary="y" * 5000)
    assert len(AdviceRequest.objects.get(pk=health_advice.pk).draft["sections"]["G"]) == 20000


def test_a_draft_for_a_section_that_does_not_exist_is_refused(cast, health_advice):
    with pytest.raises(ValidationError) as refused:
        advice_services.advice_draft_save(
            advice_request_id=health_advice.pk, changed_by=cast.health, sections={"Z": "text"}
        )
    assert refused.value.message_dict["sections"] == ["Unknown plan sections: Z."]


def test_saving_a_draft_after_the_advice_was_sent_is_refused(cast, health_advice):
    advice_services.advice_give(
        advice_request_id=health_advice.pk, changed_by=cast.health, sections={"C": "Sent."}
    )
    with pytest.raises(TransitionRefused) as refused:
        save_draft(cast, health_advice, C="A second thought")
    assert str(refused.value) == (
        "This advice was sent on 2 June 2025. Advice cannot be changed once it has been sent."
    )
    advice = AdviceRequest.objects.get(pk=health_advice.pk)
    assert advice.draft is None
    assert list(advice.sections.values_list("text", flat=True)) == ["Sent."]


def test_a_draft_is_refused_once_the_case_no_longer_takes_advice(cast, health_advice):
    case_services.case_withdraw(
        case_id=health_advice.case_id,
        withdrawn_on=TODAY,
        reason="Family moved away",
        changed_by=cast.caseworker,
    )
    with pytest.raises(TransitionRefused, match="no longer taking advice"):
        save_draft(cast, health_advice, C="Too late")


@pytest.mark.parametrize("who", ["other_health", "caseworker", "parent"])
def test_only_those_asked_may_keep_a_draft(cast, health_advice, who):
    with pytest.raises(PermissionDenied):
        save_draft(cast, health_advice, user=getattr(cast, who), C="Not mine")
    assert AdviceRequest.objects.get(pk=health_advice.pk).draft is None


def test_only_the_assigned_colleague_may_keep_a_draft_when_nobody_is_named(
    cast, frozen, health_org
):
    case = make_case(cast, Stage.ASSESSING)
    advice = advice_services.advice_request(
        case_id=case.pk,
        kind=AdviceRequest.Kind.HEALTH,
        organisation_id=health_org.pk,
        requested_on=ADVICE,
        changed_by=cast.caseworker,
    )
    with pytest.raises(PermissionDenied):
        save_draft(cast, advice, user=cast.other_health, C="Not yet mine")
    desk = MembershipFactory(organisation=health_org, role=Role.ADVICE_TRIAGE).user
    advice_services.advice_assign(
        advice_request_id=advice.pk, assignee=cast.other_health, assigned_by=desk
    )
    save_draft(cast, advice, user=cast.other_health, C="Team draft")
    assert AdviceRequest.objects.get(pk=advice.pk).draft_saved_by == cast.other_health
    with pytest.raises(PermissionDenied):
        save_draft(cast, advice, user=cast.health, C="Not mine")


def test_giving_advice_clears_the_draft(cast, health_advice):
    save_draft(cast, health_advice, C="Draft words")
    advice_services.advice_give(
        advice_request_id=health_advice.pk, changed_by=cast.health, sections={"C": "Final."}
    )
    advice = AdviceRequest.objects.get(pk=health_advice.pk)
    assert (advice.draft, advice.draft_saved_at, advice.draft_saved_by) == (None, None, None)
    assert advice.received_on == TODAY


def test_sending_the_draft_sends_exactly_its_words_and_clears_it(cast, health_advice):
    saved = save_draft(
        cast, health_advice, C="Hearing aids in class.", summary="Audiology, May 2025"
    )
    advice_services.advice_draft_send(
        advice_request_id=health_advice.pk,
        changed_by=cast.health,
        checked=advice_services.advice_draft_fingerprint(saved.draft),
    )
    advice = AdviceRequest.objects.get(pk=health_advice.pk)
    assert dict(advice.sections.values_list("section", "text")) == {"C": "Hearing aids in class."}
    assert advice.summary == "Audiology, May 2025"
    assert advice.received_on == TODAY
    assert advice.draft is None and advice.draft_saved_at is None


def test_a_draft_saved_again_after_it_was_checked_is_not_sent(cast, health_advice):
    first = save_draft(cast, health_advice, C="What I checked")
    checked = advice_services.advice_draft_fingerprint(first.draft)
    save_draft(cast, health_advice, C="Changed in another window")
    with pytest.raises(TransitionRefused) as refused:
        advice_services.advice_draft_send(
            advice_request_id=health_advice.pk, changed_by=cast.health, checked=checked
        )
    assert "after you checked it. Nothing was sent." in str(refused.value)
    assert f"at {govuk_time(timezone.now())}, after" in str(refused.value)
    assert AdviceRequest.objects.get(pk=health_advice.pk).received_on is None
    assert not AdviceSection.objects.exists()


def test_sending_without_a_draft_is_refused(cast, health_advice):
    with pytest.raises(TransitionRefused, match="no saved advice to send"):
        advice_services.advice_draft_send(
            advice_request_id=health_advice.pk,
            changed_by=cast.health,
            checked=advice_services.advice_draft_fingerprint(None),
        )


def test_database_refuses_a_draft_without_who_saved_it_and_when(cast, health_advice):
    with pytest.raises(IntegrityError), transaction.atomic():
        AdviceRequest.objects.filter(pk=health_advice.pk).update(
            draft={"sections": {}, "summary": ""}
        )


def test_advice_recorded_by_any_path_clears_the_draft(cast, health_advice):
    # Advice that arrives another way (recorded through the core service, say from a posted
    # report) leaves no unseen draft behind.
    save_draft(cast, health_advice, C="Half written")
    advice_services.advice_submit(
        advice_request_id=health_advice.pk,
        received_on=TODAY,
        changed_by=cast.health,
        sections={"C": "Glue ear; hearing checked yearly."},
    )
    advice = AdviceRequest.objects.get(pk=health_advice.pk)
    assert (advice.draft, advice.draft_saved_at, advice.draft_saved_by) == (None, None, None)
    assert advice.received_on == TODAY
