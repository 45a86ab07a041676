"""A new place proposed outside a review goes through the plan (ADR 0139): a draft amendment
naming it, the proposals sent to the family with their 15 days, then the amended plan, whose
issue alone moves the learner's placement and the register's rolls."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sendplan.casework.case.models import Stage
from sendplan.casework.errors import TransitionRefused
from sendplan.casework.plans import services as plan_services
from sendplan.casework.plans.amendments import amendment_proposals_send, placement_amendment_propose
from sendplan.casework.plans.models import Plan, PlanVersion
from sendplan.learners.models import Placement
from sendplan.provision.models import ProvisionStrand
from tests.casework.conftest import FINAL, at, make_case
from tests.factories import SettingFactory, StrandFactory

ACCEPTED = dt.date(2025, 6, 2)
SENT = dt.date(2025, 6, 3)
CLOSES = dt.date(2025, 6, 18)  # 15 days after the proposals were sent (Reg 22)
SEPTEMBER = dt.date(2025, 9, 1)


@pytest.fixture
def oak() -> ProvisionStrand:
    return StrandFactory(
        setting=SettingFactory(name="Oak Secondary (test)"), capacity=10, on_roll=4, needs=["ASD"]
    )


@pytest.fixture
def plan(cast) -> Plan:
    with at(FINAL):
        case = make_case(cast, Stage.FINAL_ISSUED)
    return Plan.objects.get(case=case)


def _propose(cast, plan, strand, reason="Nearer home, with the same support.") -> PlanVersion:
    with at(ACCEPTED):
        return placement_amendment_propose(
            plan_id=plan.pk,
            strand_id=strand.pk,
            placement_from=SEPTEMBER,
            reason=reason,
            changed_by=cast.la_colleague,
        )


def _send(cast, draft, on=SENT) -> PlanVersion:
    draft.refresh_from_db()
    with at(on):
        return amendment_proposals_send(
            version_id=draft.pk,
            expected_lock=draft.lock,
            proposed_on=on,
            changed_by=cast.caseworker,
        )


def _issue(cast, draft, on) -> PlanVersion:
    draft.refresh_from_db()
    with at(on):
        return plan_services.plan_issue(
            version_id=draft.pk, expected_lock=draft.lock, issued_on=on, changed_by=cast.caseworker
        )


def test_proposing_names_the_place_in_a_draft_and_moves_nobody(cast, plan, oak):
    before = list(Placement.objects.values_list("pk", "setting_id", "strand_id", "ended_on"))
    draft = _propose(cast, plan, oak)
    assert (draft.purpose, draft.status, draft.review_id, draft.proposed_on) == (
        PlanVersion.Purpose.AMENDMENT,
        PlanVersion.Status.DRAFT,
        None,
        None,
    )
    assert (draft.placement_setting_id, draft.placement_strand_id, draft.placement_from) == (
        oak.setting_id,
        oak.pk,
        SEPTEMBER,
    )
    assert draft.amendment_reason == "Nearer home, with the same support."
    # The rest of the plan is carried over unchanged.
    issued = plan.versions.get(number=1)
    assert list(draft.provision.values_list("what", flat=True)) == list(
        issued.provision.values_list("what", flat=True)
    )
    assert list(Placement.objects.values_list("pk", "setting_id", "strand_id", "ended_on")) == (
        before
    )


def test_an_amendment_cannot_be_issued_before_it_is_sent(cast, plan, oak):
    draft = _propose(cast, plan, oak)
    with pytest.raises(ValidationError, match="Send the proposed amendments to the family first"):
        _issue(cast, draft, ACCEPTED)


def test_sending_dates_the_proposals_and_tells_the_family_without_personal_detail(
    cast, plan, oak, mailoutbox, django_capture_on_commit_callbacks
):
    draft = _propose(cast, plan, oak)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        draft = _send(cast, draft)
    assert draft.proposed_on == SENT
    message = mailoutbox[-1]
    assert cast.parent.email in message.to
    assert "propose" in message.body and "18 June 2025" in message.body
    assert cast.learner.given_name not in message.body + message.subject
    assert "Oak" not in message.body


def test_proposals_cannot_be_sent_twice_or_in_the_future(cast, plan, oak):
    draft = _propose(cast, plan, oak)
    draft.refresh_from_db()
    with at(SENT), pytest.raises(ValidationError):
        amendment_proposals_send(
            version_id=draft.pk,
            expected_lock=draft.lock,
            proposed_on=SENT + dt.timedelta(days=1),
            changed_by=cast.caseworker,
        )
    _send(cast, draft)
    with pytest.raises(TransitionRefused, match="already sent"):
        _send(cast, draft)


def test_the_family_have_15_days_before_the_amended_plan_is_issued(cast, plan, oak):
    draft = _send(cast, _propose(cast, plan, oak))
    with pytest.raises(ValidationError, match="18 June 2025"):
        _issue(cast, draft, CLOSES - dt.timedelta(days=1))
    assert (
        Placement.objects.get(learner=cast.learner, ended_on__isnull=True).setting == cast.setting
    )


def test_issuing_moves_the_placement_and_the_rolls_follow(cast, plan, oak):
    old = Placement.objects.get(learner=cast.learner, ended_on__isnull=True)
    draft = _send(cast, _propose(cast, plan, oak))
    issued = _issue(cast, draft, CLOSES)
    assert issued.status == PlanVersion.Status.ISSUED
    old.refresh_from_db()
    assert old.ended_on == SEPTEMBER - dt.timedelta(days=1)
    new = Placement.objects.get(learner=cast.learner, ended_on__isnull=True)
    assert (new.setting_id, new.strand_id, new.started_on) == (oak.setting_id, oak.pk, SEPTEMBER)
    assert new.decided_by == f"Plan version {issued.number} issued"
    oak.refresh_from_db()
    assert oak.on_roll == 5


def test_an_amendment_that_keeps_the_place_moves_nothing(cast, plan):
    before = list(Placement.objects.values_list("pk", "setting_id", "ended_on"))
    with at(ACCEPTED):
        draft = plan_services.plan_version_new_draft(plan_id=plan.pk, changed_by=cast.caseworker)
    draft = plan_services.plan_version_update(
        version_id=draft.pk,
        expected_lock=draft.lock,
        changed_by=cast.caseworker,
        placement_setting_id=cast.setting.pk,
    )
    _issue(cast, _send(cast, draft), CLOSES)
    assert list(Placement.objects.values_list("pk", "setting_id", "ended_on")) == before


def test_a_family_reads_proposals_once_sent_and_the_tray_shows_the_next_step(cast, plan, oak):
    draft = _propose(cast, plan, oak)
    compare = reverse("casework:plan-compare", args=[plan.pk]) + f"?from=1&to={draft.number}"
    parent, caseworker = cast.client_for(cast.parent), cast.client_for(cast.caseworker)
    with at(SENT):
        assert parent.get(compare).status_code == 404
        assert (
            "Read what would change"
            not in parent.get(reverse("casework:plan", args=[plan.pk])).content.decode()
        )
        tray = caseworker.get(reverse("casework:tray")).content.decode()
        assert "Proposed amendments" in tray and "Oak Secondary (test)" in tray
        assert "Send to the family" in tray
    _send(cast, draft)
    with at(SENT):
        page = parent.get(reverse("casework:plan", args=[plan.pk])).content.decode()
        assert "The council proposes to change this plan." in page
        assert "Nearer home, with the same support." in page
        assert "Wednesday 18 June 2025" in page
        assert "Oak Secondary (test)" in parent.get(compare).content.decode()
        tray = caseworker.get(reverse("casework:tray")).content.decode()
        assert "Family can comment until" in tray and "18 June 2025" in tray
    with at(CLOSES):
        tray = cast.client_for(cast.caseworker).get(reverse("casework:tray")).content.decode()
        assert "Ready to issue" in tray


def test_the_send_page_shows_what_would_change_and_keeps_a_bad_date(cast, plan, oak):
    _propose(cast, plan, oak)
    url = reverse("casework:plan-amendment-send", args=[plan.pk])
    client = cast.client_for(cast.caseworker)
    with at(SENT):
        page = client.get(url).content.decode()
        assert "Oak Secondary (test)" in page and "Nearer home" in page
        lock = PlanVersion.objects.get(plan=plan, status="draft").lock
        response = client.post(
            url,
            {
                "lock": lock,
                "proposed_on_day": "31",
                "proposed_on_month": "2",
                "proposed_on_year": "2025",
            },
        )
        assert response.status_code == 200
        assert 'value="31"' in response.content.decode()
        assert "govuk-error-summary" in response.content.decode()
        response = client.post(
            url,
            {
                "lock": lock,
                "proposed_on_day": "3",
                "proposed_on_month": "6",
                "proposed_on_year": "2025",
            },
        )
        assert response.status_code == 302, response.content.decode()
    assert PlanVersion.objects.get(plan=plan, status="draft").proposed_on == SENT


def test_the_family_read_why_the_council_proposes_the_school_once_sent(cast, plan, oak):
    with at(ACCEPTED):
        draft = placement_amendment_propose(
            plan_id=plan.pk,
            strand_id=oak.pk,
            placement_from=SEPTEMBER,
            reason="",
            changed_by=cast.la_colleague,
            explanation="Oak can give Jamie the support set out in the plan.\n\n"
            "We looked at the schools nearer home:\nElm: it has no free place.",
        )
    parent = cast.client_for(cast.parent)
    plan_page = reverse("casework:plan", args=[plan.pk])
    with at(SENT):
        assert "Why the council proposes" not in parent.get(plan_page).content.decode()
        send_page = cast.client_for(cast.caseworker).get(
            reverse("casework:plan-amendment-send", args=[plan.pk])
        )
        assert "The family will read this" in send_page.content.decode()
    _send(cast, draft)
    with at(SENT):
        page = parent.get(plan_page).content.decode()
    assert '<h3 class="govuk-heading-s">Why the council proposes this school</h3>' in page
    assert '<p class="govuk-body">Oak can give Jamie the support set out in the plan.</p>' in page
    assert "We looked at the schools nearer home:<br>Elm: it has no free place." in page
