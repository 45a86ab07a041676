"""The front door's services and selectors: a request sent online makes a provisional record
and a case received that day; the caseworker confirms it, or merges it into the learner on
record after the duplicate check; and who may ask for which child."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from sendplan.accounts.models import Role
from sendplan.casework.case.models import Case, Stage
from sendplan.casework.errors import TransitionRefused
from sendplan.casework.intake import services
from sendplan.casework.intake.matching import Described, match, normalise_postcode
from sendplan.casework.intake.models import AssessmentRequest
from sendplan.casework.intake.selectors import (
    duplicate_candidates,
    request_duplicates,
    requests_to_confirm,
)
from sendplan.core.errors import PermissionDenied
from sendplan.documents.held import MAX_FILES, held_file_add, held_files_expire, new_batch
from sendplan.documents.models import Document, HeldFile
from sendplan.learners import access
from sendplan.learners.models import AuditEvent, Involvement, Learner
from tests.casework.conftest import at, make_case
from tests.casework.front_door_builders import (
    DECISION_DUE,
    NEW_CHILD,
    RECEIVED,
    send_for_new_child,
)
from tests.documents.conftest import stored_files
from tests.documents.files import PDF, upload
from tests.factories import LearnerFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


# Matching.


def test_a_same_upn_outweighs_everything_else():
    child = Described("Amira", "Khan", dt.date(2016, 3, 4), upn="A123456789012")
    same_upn = match(
        child,
        given_name="Amy",
        family_name="Other",
        date_of_birth=dt.date(2015, 1, 1),
        postcode="",
        upn="a123456789012",
    )
    same_name_and_birthday = match(
        child,
        given_name="Amira",
        family_name="Khan",
        date_of_birth=dt.date(2016, 3, 4),
        postcode="",
        upn="",
    )
    assert same_upn.reasons == (
        "Same unique pupil number",
        "First name starts with the same letter",
    )
    assert same_upn.score == 54
    assert same_name_and_birthday.score == 50
    assert same_name_and_birthday.reasons == (
        "Same date of birth",
        "Same last name",
        "Same first name",
    )


def test_postcodes_match_however_they_were_typed():
    assert normalise_postcode(" se17pb ") == "SE1 7PB"
    child = Described("A", "B", dt.date(2016, 3, 4), postcode="se17pb")
    near = match(
        child,
        given_name="Z",
        family_name="Y",
        date_of_birth=dt.date(2010, 1, 1),
        postcode="SE1 9ZZ",
        upn="",
    )
    assert near.reasons == ("Same postcode area",)


# Sending a request online.


def test_a_parents_request_for_a_new_child_makes_a_provisional_record_and_a_case_received_today(
    cast, council, mailoutbox, django_capture_on_commit_callbacks
):
    with at(RECEIVED), django_capture_on_commit_callbacks(execute=True):
        sent = send_for_new_child(cast)
    learner = sent.case.learner
    assert learner.provisional
    assert (learner.given_name, learner.family_name) == ("Amira", "Khan-Test")
    assert learner.responsible_la == council
    assert sent.case.stage == Stage.REQUESTED
    assert sent.case.received_on == RECEIVED
    assert sent.case.source == Case.Source.PARENT
    assert sent.case.sen2_request_source == 1
    assert sent.case.caseworker is None
    assert sent.status == AssessmentRequest.Status.TO_CONFIRM
    assert sent.channel == AssessmentRequest.Channel.ONLINE
    # The parent can follow the case they asked for.
    assert Involvement.objects.filter(
        learner=learner, user=cast.parent, kind=Involvement.Kind.PARENT, ended_on__isnull=True
    ).exists()
    # The reference is random letters and digits, with nothing about anyone in it.
    assert len(sent.reference) == 9 and sent.reference[4] == "-"
    assert "AMIRA" not in sent.reference and "KHAN" not in sent.reference
    # The requester's receipt: the reference and the engine's decision date, no names.
    assert [m.to for m in mailoutbox] == [[cast.parent.email]]
    body = mailoutbox[0].body
    assert f"Reference: {sent.reference}" in body
    assert "Monday 17 February 2025" in body
    for secret in ("Amira", "Khan", "SE1", "settle", "Riverside"):
        assert secret.lower() not in f"{mailoutbox[0].subject}\n{body}".lower()


def test_the_decision_date_is_the_engines_six_weeks_from_receipt(cast, council, mailoutbox):
    from sendplan.casework import clock

    assert clock.due(clock.DECISION_TO_ASSESS, RECEIVED) == DECISION_DUE


def test_evidence_held_while_asking_becomes_the_learners_documents_on_the_case(
    cast, council, document_store
):
    with at(RECEIVED):
        sent = send_for_new_child(cast, files=2)
    documents = list(Document.objects.filter(case=sent.case).order_by("title"))
    assert [d.title for d in documents] == ["report-0", "report-1"]
    assert {d.learner_id for d in documents} == {sent.case.learner_id}
    assert {d.kind for d in documents} == {Document.Kind.EVIDENCE}
    assert not HeldFile.objects.exists()
    # The stored files stayed: their rows changed, the bytes did not move.
    assert len(stored_files(document_store)) == 2


def test_held_files_are_limited_and_expire(cast, document_store):
    batch = new_batch()
    for n in range(MAX_FILES):
        held_file_add(user=cast.parent, batch=batch, upload=upload(f"{n}.pdf", PDF))
    with pytest.raises(ValidationError) as refused:
        held_file_add(user=cast.parent, batch=batch, upload=upload("one-more.pdf", PDF))
    assert refused.value.message_dict == {"upload": ["You can add up to 10 files"]}
    assert held_files_expire(now=dt.datetime.now(dt.UTC) + dt.timedelta(days=3)) == MAX_FILES


def test_a_disguised_file_is_refused_before_anything_is_held(cast, document_store):
    with pytest.raises(ValidationError) as refused:
        held_file_add(
            user=cast.parent, batch=new_batch(), upload=upload("report.pdf", b"MZ\x90\x00")
        )
    assert "upload" in refused.value.message_dict
    assert not HeldFile.objects.exists()
    assert stored_files(document_store) == []


def test_a_parent_asks_for_their_own_child_on_record_without_a_provisional_record(cast, council):
    with at(RECEIVED):
        sent = services.request_submit(
            requester=cast.parent,
            as_role=Role.PARENT,
            child=None,
            learner_id=cast.learner.pk,
            needs="He is struggling.",
        )
    assert sent.case.learner == cast.learner
    assert not cast.learner.provisional
    assert sent.given_name == "Jamie"
    assert Learner.objects.filter(provisional=True).count() == 0


def test_a_parent_cannot_ask_for_another_familys_child(cast, council):
    with at(RECEIVED), pytest.raises(PermissionDenied):
        services.request_submit(
            requester=cast.parent,
            as_role=Role.PARENT,
            child=None,
            learner_id=cast.other_learner.pk,
            needs="Not mine.",
        )
    assert not Case.objects.exists()


def test_a_parent_cannot_ask_for_a_young_person_who_asks_for_themselves(cast, council):
    grown = services.Child("Sam", "Older-Test", dt.date(2007, 1, 1), "SE1 7PB")
    with at(RECEIVED), pytest.raises(ValidationError) as refused:
        send_for_new_child(cast, child=grown)
    assert "date_of_birth" in refused.value.message_dict
    assert not Learner.objects.filter(family_name="Older-Test").exists()


def test_a_young_person_asks_for_themselves(cast, council):
    family = Involvement.objects.get(user=cast.parent).organisation
    young = MembershipFactory(
        user=UserFactory(username="yp"), organisation=family, role=Role.YOUNG_PERSON
    ).user
    me = services.Child("Riley", "Young-Test", dt.date(2007, 1, 1), "SE1 7PB")
    with at(RECEIVED):
        sent = send_for_new_child(cast, user=young, as_role=Role.YOUNG_PERSON, child=me)
    assert sent.case.source == Case.Source.YOUNG_PERSON
    assert sent.case.sen2_request_source == 1
    assert Involvement.objects.filter(
        learner=sent.case.learner, user=young, kind=Involvement.Kind.YOUNG_PERSON
    ).exists()


def test_a_senco_asks_for_a_new_child_with_the_family_knowing(cast, council):
    child = services.Child("Noor", "Setting-Test", dt.date(2017, 9, 9), upn="A123456789012")
    with at(RECEIVED):
        with pytest.raises(ValidationError) as refused:
            send_for_new_child(cast, user=cast.senco, as_role=Role.SETTING_STAFF, child=child)
        assert "family_aware" in refused.value.message_dict
        sent = send_for_new_child(
            cast, user=cast.senco, as_role=Role.SETTING_STAFF, child=child, family_aware=True
        )
    assert sent.case.source == Case.Source.SETTING
    assert sent.case.sen2_request_source == 2
    assert sent.requester_organisation.name == "Test Special School"
    assert sent.case.requested_by == "SENCO at Test Special School, online"
    assert sent.upn == "A123456789012"
    assert sent.family_aware is True
    # The SENCO now sees the child they asked for.
    assert access.may_request_for(cast.senco, sent.case.learner, as_role=Role.SETTING_STAFF)


def test_a_senco_may_ask_for_a_child_at_their_setting_but_not_elsewhere(cast):
    assert access.may_request_for(cast.senco, cast.learner, as_role=Role.SETTING_STAFF)
    assert not access.may_request_for(cast.other_senco, cast.learner, as_role=Role.SETTING_STAFF)
    assert not access.may_request_for(cast.health, cast.learner, as_role=Role.HEALTH)
    assert access.request_roles(cast.health) == []


def test_without_a_council_set_up_nothing_is_recorded(cast, settings):
    settings.SENDPLAN_LA_CODE = ""  # two councils in the cast: no way to choose
    with at(RECEIVED), pytest.raises(TransitionRefused):
        send_for_new_child(cast)
    assert not Learner.objects.filter(provisional=True).exists()


# The caseworker's queue and the duplicate check.


def test_the_council_caseworker_sees_requests_to_confirm_and_others_do_not(cast, council):
    with at(RECEIVED):
        sent = send_for_new_child(cast)
    assert requests_to_confirm(fetched_by=cast.caseworker) == [sent]
    assert requests_to_confirm(fetched_by=cast.parent) == []
    outsider = MembershipFactory(
        user=UserFactory(username="elsewhere"), organisation=cast.other_la, role=Role.LA_CASEWORKER
    ).user
    assert requests_to_confirm(fetched_by=outsider) == []


def test_the_duplicate_check_scores_learners_on_record_and_audits_each_shown(cast, council):
    twin = LearnerFactory(
        given_name="Amira",
        family_name="Khan-Test",
        date_of_birth=NEW_CHILD.date_of_birth,
        postcode="SE17PB",
        responsible_la=cast.la,
    )
    LearnerFactory(given_name="Zed", family_name="Khan-Test", responsible_la=cast.la)
    with at(RECEIVED):
        sent = send_for_new_child(cast)
        found = request_duplicates(request=sent, fetched_by=cast.caseworker)
    assert [c.learner for c in found] == [twin]
    assert found[0].match.score == 65
    assert found[0].match.reasons == (
        "Same date of birth",
        "Same last name",
        "Same first name",
        "Same postcode",
    )
    assert AuditEvent.objects.filter(
        user=cast.caseworker, learner=twin, detail="duplicate check"
    ).exists()


def test_the_duplicate_check_shows_only_learners_the_user_may_see(cast, council):
    LearnerFactory(
        given_name="Amira",
        family_name="Khan-Test",
        date_of_birth=NEW_CHILD.date_of_birth,
        responsible_la=cast.other_la,
    )
    described = Described("Amira", "Khan-Test", NEW_CHILD.date_of_birth)
    assert duplicate_candidates(described=described, fetched_by=cast.caseworker) == []


# Confirming.


def test_confirming_as_a_new_learner_makes_the_record_real_and_the_case_the_caseworkers(
    cast, council
):
    child = services.Child("Noor", "Setting-Test", dt.date(2017, 9, 9), upn="A123456789012")
    with at(RECEIVED):
        sent = send_for_new_child(
            cast, user=cast.senco, as_role=Role.SETTING_STAFF, child=child, family_aware=True
        )
    with at(RECEIVED + dt.timedelta(days=2)):
        services.request_confirm(request_id=sent.pk, changed_by=cast.caseworker)
    sent.refresh_from_db()
    learner = sent.case.learner
    assert not learner.provisional
    assert learner.upn == "A123456789012"
    assert sent.case.caseworker == cast.caseworker
    assert sent.case.received_on == RECEIVED  # the clock started on receipt, not now
    assert sent.status == AssessmentRequest.Status.CONFIRMED
    assert sent.confirmed_by == cast.caseworker and not sent.merged
    assert access.learner_can_edit(learner=learner, user=cast.caseworker)
    with pytest.raises(TransitionRefused):
        services.request_confirm(request_id=sent.pk, changed_by=cast.caseworker)


def test_merging_moves_the_case_and_documents_and_archives_the_provisional_record(cast, council):
    known = cast.other_learner
    with at(RECEIVED):
        sent = send_for_new_child(cast, files=1)
    provisional = sent.case.learner
    with at(RECEIVED):
        services.request_confirm(
            request_id=sent.pk, changed_by=cast.caseworker, same_as_id=known.pk
        )
    sent.refresh_from_db()
    provisional.refresh_from_db()
    assert sent.case.learner == known
    assert sent.merged
    # The move is in the case's history, by the caseworker who made it.
    moved = sent.case.history.filter(learner_id=known.pk).earliest("history_date")
    assert moved.modified_by_id == cast.caseworker.pk
    assert Document.objects.get(case=sent.case).learner == known
    # Asking for a child with the same name gives no access to the record on record.
    assert not Involvement.objects.filter(learner=known, user=cast.parent).exists()
    assert Involvement.objects.filter(learner=provisional, user=cast.parent).exists()
    assert provisional.archived_at is not None
    assert provisional.archived_reason == f"Merged into learner {known.pk} after a duplicate check"
    assert not provisional.cases.exists()


def test_merging_into_a_learner_with_an_open_request_changes_nothing(cast, council):
    with at(RECEIVED):
        make_case(cast, Stage.REQUESTED, learner=cast.other_learner, received_on=RECEIVED)
        sent = send_for_new_child(cast)
        with pytest.raises(TransitionRefused):
            services.request_confirm(
                request_id=sent.pk, changed_by=cast.caseworker, same_as_id=cast.other_learner.pk
            )
    sent.refresh_from_db()
    assert sent.status == AssessmentRequest.Status.TO_CONFIRM
    assert sent.case.learner.provisional and sent.case.learner.archived_at is None


def test_only_the_councils_caseworkers_confirm(cast, council):
    with at(RECEIVED):
        sent = send_for_new_child(cast)
        for user in (cast.la_colleague, cast.parent, cast.senco):
            with pytest.raises(PermissionDenied):
                services.request_confirm(request_id=sent.pk, changed_by=user)


# A request that arrived by post, phone or email.


def test_a_request_by_post_for_a_new_child_starts_the_clock_on_the_day_received(cast, council):
    with at(RECEIVED + dt.timedelta(days=3)):
        recorded = services.request_record_received(
            channel=AssessmentRequest.Channel.POST,
            received_on=RECEIVED,
            source=Case.Source.HEALTH,
            requested_by="Community paediatrician",
            changed_by=cast.caseworker,
            child=NEW_CHILD,
            needs="Letter from the paediatrician.",
        )
    assert recorded.case.received_on == RECEIVED
    assert recorded.case.sen2_request_source == 3
    assert recorded.case.caseworker == cast.caseworker
    assert not recorded.case.learner.provisional
    assert recorded.status == AssessmentRequest.Status.CONFIRMED
    assert recorded.channel == "post"
