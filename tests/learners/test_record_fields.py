"""Minimum necessary fields: each role sees exactly its groups of the record (ADR 0110)."""

import datetime as dt

import pytest
from django.urls import reverse

from sendplan.accounts.models import Organisation, Role
from sendplan.casework.case.models import Stage
from sendplan.casework.plans import services as plan_services
from sendplan.learners.access import ROLE_SCOPES
from sendplan.learners.fields import ROLE_FIELD_GROUPS, FieldGroup
from sendplan.learners.models import AuditEvent, Involvement, SharingNotice
from sendplan.learners.selectors import list_field_groups
from tests.casework.conftest import DRAFT, at, make_case
from tests.factories import InvolvementFactory, MembershipFactory, OrganisationFactory, UserFactory

NHS = "4857773457"
UPN = "F820200109001"
ULN = "1234567891"
POSTCODE = "SW2 1RW"
LSOA = "E01003015"

# What each withheld group would have put on the page.
VALUES = {
    "school_ids": [UPN, ULN],
    "nhs_number": [NHS, "485 777 3457"],
    "home": [POSTCODE, LSOA],
    "consent": ["Shared with health for the assessment and plan"],
}
# Context keys each group puts in the page's context.
KEYS = {
    "school_ids": ["school_ids"],
    "nhs_number": ["nhs_number"],
    "home": ["home"],
    "needs": ["needs"],
    "involvements": ["current_involvements", "past_involvements"],
    "placements": ["current_placements", "past_placements"],
    "consent": ["consents", "sharing_notices"],
}
EVERYTHING = set(KEYS)
PRACTITIONER = {"needs", "involvements", "placements"}
EXPECTED = {
    "caseworker": EVERYTHING,
    "la_colleague": EVERYTHING,
    # The family's pages carry no staff codes: no UPN or ULN (a subject access copy has them).
    "parent": EVERYTHING - {"school_ids"},
    "young_person": EVERYTHING - {"school_ids"},
    "senco": PRACTITIONER | {"school_ids"},
    "health": PRACTITIONER | {"nhs_number"},
    "social_worker": PRACTITIONER | {"home"},
    "ep": PRACTITIONER,
}


FAMILY = {"parent", "young_person"}


def _member(role, organisation, username):
    return MembershipFactory(
        user=UserFactory(username=username), organisation=organisation, role=role
    ).user


@pytest.fixture
def full(cast):
    """The cast learner with every group filled in, and a social worker, an EP and the
    young person themselves involved."""
    learner = cast.learner
    learner.nhs_number, learner.uln = NHS, ULN
    learner.postcode, learner.lsoa_code = POSTCODE, LSOA
    learner.save()
    SharingNotice.objects.create(
        learner=learner,
        purpose=SharingNotice.Purpose.SHARE_HEALTH,
        told="Mother",
        told_on=dt.date(2024, 1, 10),
    )
    council = OrganisationFactory(name="Children's Social Care (test)")
    eps = OrganisationFactory(name="Educational Psychology Service (test)")
    family = Organisation.objects.get(name="Family")
    cast.social_worker = _member(Role.SOCIAL_WORKER, council, "social-worker")
    cast.ep = _member(Role.EP, eps, "ep")
    cast.young_person = _member(Role.YOUNG_PERSON, family, "young-person")
    for user, kind, org, reason in [
        (cast.social_worker, Involvement.Kind.SOCIAL_CARE, council, "Child in need plan"),
        (cast.ep, Involvement.Kind.EP, eps, "Psychological advice"),
        (cast.young_person, Involvement.Kind.YOUNG_PERSON, family, "Themselves"),
    ]:
        InvolvementFactory(learner=learner, kind=kind, organisation=org, user=user, reason=reason)
    return cast


def _page(cast, user, learner=None):
    learner = learner or cast.learner
    response = cast.client_for(user).get(reverse("learners:record", args=[learner.pk]))
    assert response.status_code == 200
    return response


def _shown(response) -> set[str]:
    """The groups whose context keys are present (needs etc. are lists, possibly empty)."""
    return {group for group, keys in KEYS.items() if all(key in response.context for key in keys)}


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_each_role_gets_exactly_its_groups_in_the_context(full, who):
    response = _page(full, getattr(full, who))
    assert _shown(response) == EXPECTED[who]
    # Withheld groups leave no key behind at all, not even an empty one.
    for group in EVERYTHING - EXPECTED[who]:
        assert not any(key in response.context for key in KEYS[group])
    # The identity basics are a plain object, not the model with every field on it.
    identity = response.context["learner"]
    assert identity.full_name == "Jamie Okonkwo-Test"
    assert not hasattr(identity, "nhs_number") and not hasattr(identity, "upn")


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_withheld_values_are_absent_from_the_page_and_say_not_shown(full, who):
    html = _page(full, getattr(full, who)).content.decode()
    withheld = set(VALUES) - EXPECTED[who]
    for group in withheld:
        for value in VALUES[group]:
            assert value not in html, (who, group)
    family = who in FAMILY
    for group in set(VALUES) & EXPECTED[who]:
        for value in VALUES[group]:
            if family and value == LSOA:
                assert value not in html  # a statistical area code is staff words
                continue
            assert value in html or value == NHS, (who, group)  # NHS shows as 3-3-4
    # The family's page leaves out what it does not show, without talk of roles.
    assert ("Not shown to your role" in html) == (bool(withheld) and not family)
    assert "17 May 2014" in html and "Female" in html  # identity basics for everyone


def test_senco_page_has_no_nhs_number_digits_postcode_or_consent(full):
    html = _page(full, full.senco).content.decode()
    # The page's own content: the footer's script carries the session's end as a timestamp,
    # whose digits depend on the clock.
    main = html[html.index("<main") : html.index("</main>")]
    assert "485" not in main.replace(UPN, "")  # no part of the NHS number either
    assert "NHS number</dt><dd" in html and "Not shown to your role</dd>" in html
    assert POSTCODE not in html and "Share the record with health" not in html
    assert UPN in html and "Autistic spectrum disorder" in html and "Test Special School" in html


def test_health_sees_nhs_number_in_3_3_4_but_no_upn_or_home(full):
    html = _page(full, full.health).content.decode()
    assert "485 777 3457" in html
    assert UPN not in html and ULN not in html and POSTCODE not in html


def test_social_worker_sees_the_home_but_no_identifiers(full):
    html = _page(full, full.social_worker).content.decode()
    assert POSTCODE in html and LSOA in html
    assert UPN not in html and "485 777 3457" not in html


def test_practitioners_see_only_their_own_organisations_involvement_and_the_coordinator(full):
    response = _page(full, full.senco)
    kinds = {i.kind for i in response.context["current_involvements"]}
    assert kinds == {Involvement.Kind.CASEWORKER}
    html = response.content.decode()
    assert "Test NHS Trust" not in html and "Speech and language therapy" not in html
    assert "Child in need plan" not in html and "Mother" not in html
    assert "your own organisation's involvement and the EHC coordinator" in html

    health = _page(full, full.health).context["current_involvements"]
    assert {i.kind for i in health} == {Involvement.Kind.CASEWORKER, Involvement.Kind.HEALTH}


@pytest.mark.parametrize("who", ["caseworker", "la_colleague", "parent", "young_person"])
def test_la_staff_and_the_family_see_every_involvement(full, who):
    response = _page(full, getattr(full, who))
    assert response.context["involvements_own_only"] is False
    assert len(response.context["current_involvements"]) == 6
    html = response.content.decode()
    assert "Speech and language therapy" in html and "Child in need plan" in html
    assert "Not shown to your role" not in html


def test_a_setting_consulted_on_a_draft_sees_school_identifiers_not_health(full):
    other_setting = full.other_senco.memberships.get().organisation.setting
    with at(DRAFT):
        case = make_case(full, Stage.CONSULTING)
        plan_services.consultation_send(
            case_id=case.pk, setting_id=other_setting.pk, sent_on=DRAFT, changed_by=full.caseworker
        )
        response = _page(full, full.other_senco)
    assert _shown(response) == EXPECTED["senco"]
    assert "485 777 3457" not in response.content.decode()


@pytest.fixture
def nurse_parent(full):
    """A health practitioner who is also the parent of the other learner."""
    nurse = full.health
    MembershipFactory(
        user=nurse, organisation=Organisation.objects.get(name="Family"), role=Role.PARENT
    )
    full.other_learner.upn, full.other_learner.postcode = "A123456789012", "SE1 7PB"
    full.other_learner.save()
    InvolvementFactory(
        learner=full.other_learner,
        kind=Involvement.Kind.PARENT,
        organisation=Organisation.objects.get(name="Family"),
        user=nurse,
        reason="Mother",
    )
    return full


def test_groups_follow_the_role_that_relates_the_user_to_each_learner(nurse_parent):
    cast = nurse_parent
    patient = _page(cast, cast.health)
    assert _shown(patient) == EXPECTED["health"]
    assert UPN not in patient.content.decode()
    # Her own family organisation is not "her organisation" on a patient's record.
    involved = {i.kind for i in patient.context["current_involvements"]}
    assert involved == {Involvement.Kind.CASEWORKER, Involvement.Kind.HEALTH}
    child = _page(cast, cast.health, cast.other_learner)
    assert _shown(child) == EXPECTED["parent"]
    # Her child's page as a parent sees it: the home postcode, no UPN.
    assert "SE1 7PB" in child.content.decode() and "A123456789012" not in child.content.decode()


def test_an_involvement_matching_none_of_the_users_roles_shows_identity_only(full):
    # A health practitioner wrongly recorded as the other learner's parent: the record is
    # visible (the scope follows the involvement) but no role justifies any of its detail.
    InvolvementFactory(
        learner=full.other_learner,
        kind=Involvement.Kind.PARENT,
        organisation=Organisation.objects.get(name="Family"),
        user=full.health,
        reason="Recorded in error",
    )
    response = _page(full, full.health, full.other_learner)
    assert _shown(response) == set()
    assert response.content.decode().count("Not shown to your role") >= 6


def test_the_audit_event_names_the_groups_shown(full):
    _page(full, full.senco)
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW_RECORD)
    assert event.detail.startswith("shown: ")
    assert "school_ids" in event.detail and "nhs_number" not in event.detail
    assert UPN not in event.detail and "Okonkwo" not in event.detail


def test_every_role_has_a_row_in_the_field_table():
    assert set(ROLE_FIELD_GROUPS) == set(Role.values)
    # The triage of advice requests relates its holder to no learner: identity only.
    assert Role.ADVICE_TRIAGE not in ROLE_SCOPES
    assert ROLE_FIELD_GROUPS[Role.ADVICE_TRIAGE] == {FieldGroup.IDENTITY}
    for role, groups in ROLE_FIELD_GROUPS.items():
        assert FieldGroup.IDENTITY in groups, role
        if role not in ROLE_SCOPES:
            continue
        # Exactly one way of seeing involvements per role that relates users to learners.
        assert len(groups & {FieldGroup.INVOLVEMENTS, FieldGroup.OWN_INVOLVEMENTS}) == 1, role


def test_the_return_fields_are_seen_by_the_la_and_the_family_and_social_care_status_by_social_workers():
    # Ethnicity is special category data held for the SEN2 return (ADR 0128).
    sees_ethnicity = {r for r, g in ROLE_FIELD_GROUPS.items() if FieldGroup.ETHNICITY in g}
    assert sees_ethnicity == {
        Role.LA_CASEWORKER,
        Role.LA_MANAGER,
        Role.ADMIN,
        Role.PARENT,
        Role.YOUNG_PERSON,
    }
    sees_status = {r for r, g in ROLE_FIELD_GROUPS.items() if FieldGroup.SOCIAL_CARE_STATUS in g}
    assert sees_status == sees_ethnicity | {Role.SOCIAL_WORKER}


# Search: a UPN only finds a learner for a user allowed to see that learner's UPN.

LIST = reverse("learners:list")


def _search(client, text):
    client.post(
        LIST,
        {
            "text": text,
            "date_of_birth_day": "",
            "date_of_birth_month": "",
            "date_of_birth_year": "",
        },
    )
    return client.get(LIST).content.decode()


@pytest.mark.parametrize(
    ("who", "found"),
    [
        ("caseworker", True),
        ("la_colleague", True),
        ("senco", True),
        ("parent", False),
        ("young_person", False),
        ("health", False),
        ("social_worker", False),
        ("ep", False),
    ],
)
def test_upn_search_finds_the_learner_only_for_roles_that_may_see_upns(full, who, found):
    client = full.client_for(getattr(full, who))
    html = _search(client, UPN.lower())
    assert ("Jamie Okonkwo-Test" in html) is found
    if not found:
        assert "No learners found" in html
        # They can still find the learner by name, and are not invited to search by UPN.
        assert "Jamie Okonkwo-Test" in _search(client, "Okonkwo")
        assert "unique pupil number" not in html.lower()
        assert "checking the UPN" not in html


def test_upn_search_by_a_nurse_parent_finds_neither_patient_nor_child(nurse_parent):
    # Neither role sees UPNs, so neither learner is found by one: not her patient, whose
    # UPN a search would otherwise confirm, nor her child, whose page shows no UPN.
    client = nurse_parent.client_for(nurse_parent.health)
    assert "Jamie Okonkwo-Test" not in _search(client, UPN)
    assert "Sam Other-Test" not in _search(client, "A123456789012")
    assert "Sam Other-Test" in _search(client, "Sam")


def test_list_rows_are_unchanged_for_practitioners_with_needs_and_placements(full):
    html = full.client_for(full.health).get(LIST).content.decode()
    assert "Autistic spectrum disorder (ASD)" in html and "Test Special School" in html
    assert "Not shown to your role" not in html


def test_the_triage_role_does_not_narrow_a_practitioners_list(cast):
    before = list_field_groups(fetched_by=cast.health)
    MembershipFactory(
        user=cast.health,
        organisation=cast.health.memberships.get().organisation,
        role=Role.ADVICE_TRIAGE,
    )
    health = type(cast.health).objects.get(pk=cast.health.pk)
    assert list_field_groups(fetched_by=health) == before
    assert FieldGroup.NHS_NUMBER in before
