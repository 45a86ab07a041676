import pytest
from django.urls import reverse

from sendplan.accounts.models import Organisation, Role
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

HOME = reverse("home")


@pytest.mark.parametrize(
    ("who", "heading", "link"),
    [
        ("caseworker", "EHC coordinator", reverse("learners:list")),
        ("la_colleague", "SEND manager or commissioner", reverse("provision:register")),
        ("senco", "SENCO or SEND lead", reverse("learners:list")),
        ("health", "Health practitioner", reverse("learners:list")),
        ("parent", "Your children", None),
    ],
)
def test_home_page_shows_what_each_role_comes_for(cast, who, heading, link):
    response = cast.client_for(getattr(cast, who)).get(HOME)
    html = response.content.decode()
    assert response.status_code == 200
    assert heading in html
    if link:
        assert f'href="{link}"' in html


def test_the_commissioners_home_leads_to_every_planning_and_money_page_and_each_opens(cast):
    """The manager's home names the places and gaps, placement planning, the money, the DSG
    management plan and the reform plan: each link is there and opens for them."""
    client = cast.client_for(cast.la_colleague)
    html = client.get(HOME).content.decode()
    for name in (
        "sufficiency:overview",
        "planning:index",
        "sufficiency:money",
        "sufficiency:dsg-plan",
        "sufficiency:reform-plan",
    ):
        url = reverse(name)
        assert f'href="{url}"' in html, name
        assert client.get(url).status_code == 200, name


def test_a_practitioner_with_no_advice_waiting_still_has_a_way_to_the_advice_they_sent(cast):
    html = cast.client_for(cast.other_health).get(HOME).content.decode()
    assert "Advice requests for you" not in html
    assert f'href="{reverse("casework:advice-list")}"' in html


def test_caseworker_home_counts_their_caseload(cast):
    html = cast.client_for(cast.caseworker).get(HOME).content.decode()
    assert "named coordinator for 1 learner." in html


def test_parent_home_links_to_their_own_child_only(cast):
    html = cast.client_for(cast.parent).get(HOME).content.decode()
    assert reverse("learners:record", args=[cast.learner.pk]) in html
    assert reverse("learners:record", args=[cast.other_learner.pk]) not in html
    assert "Register of places" not in html


@pytest.mark.parametrize(
    ("role", "kind", "heading"),
    [
        (Role.SOCIAL_WORKER, Organisation.Kind.SOCIAL_CARE, "Social worker"),
        (Role.EP, Organisation.Kind.EP_SERVICE, "Educational psychologist"),
        (Role.YOUNG_PERSON, Organisation.Kind.FAMILY, "Your plan and your record"),
        (Role.ADMIN, Organisation.Kind.LOCAL_AUTHORITY, "Administrator"),
    ],
)
def test_home_page_for_the_other_roles(client, db, role, kind, heading):
    user = MembershipFactory(organisation=OrganisationFactory(kind=kind), role=role).user
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    assert heading in response.content.decode()


def test_user_without_a_current_role_is_told_so(client, db):
    client.force_login(UserFactory())
    html = client.get(HOME).content.decode()
    assert "You do not have a current role" in html


def test_home_refuses_post(cast):
    assert cast.client_for(cast.caseworker).post(HOME).status_code == 405
