import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sendplan.learners.models import AuditEvent
from tests.factories import LearnerFactory, NeedFactory, PlacementFactory

LIST = reverse("learners:list")


def _links(html: str) -> list[str]:
    return re.findall(r'(?:href|action)="([^"]*)"', html)


def _search(client, **data):
    fields = {
        "text": "",
        "date_of_birth_day": "",
        "date_of_birth_month": "",
        "date_of_birth_year": "",
    }
    fields.update(data)
    return client.post(LIST, fields)


def test_list_shows_primary_need_age_and_current_setting(cast):
    response = cast.client_for(cast.caseworker).get(LIST)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Jamie Okonkwo-Test" in html and "Sam Other-Test" in html
    assert "Autistic spectrum disorder (ASD)" in html
    assert "Test Special School" in html
    assert (
        '<th scope="col" class="govuk-table__header govuk-table__header--numeric">Age</th>' in html
    )


def test_list_only_shows_learners_the_user_may_see(cast):
    html = cast.client_for(cast.parent).get(LIST).content.decode()
    assert "Jamie Okonkwo-Test" in html
    assert "Sam Other-Test" not in html


def test_user_without_a_role_may_not_list_learners(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(LIST).status_code == 403


def test_list_refuses_other_methods(cast):
    assert cast.client_for(cast.caseworker).delete(LIST).status_code == 405


def test_search_by_name_keeps_the_query_out_of_the_url(cast):
    client = cast.client_for(cast.caseworker)
    posted = _search(client, text="okonkwo")
    assert posted.status_code == 302
    assert posted["Location"] == LIST
    html = client.get(posted["Location"]).content.decode()
    assert "Jamie Okonkwo-Test" in html
    assert "Sam Other-Test" not in html
    assert "1 learner found" in html
    assert 'value="okonkwo"' in html  # the search box re-shows what was typed
    assert not [link for link in _links(html) if "okonkwo" in link.lower()]


def test_search_by_full_name(cast):
    client = cast.client_for(cast.caseworker)
    _search(client, text="Jamie Okon")
    html = client.get(LIST).content.decode()
    assert "Jamie Okonkwo-Test" in html and "Sam Other-Test" not in html


def test_search_by_upn_matches_exactly(cast):
    client = cast.client_for(cast.caseworker)
    _search(client, text="f820200109001")
    html = client.get(LIST).content.decode()
    assert "Jamie Okonkwo-Test" in html and "Sam Other-Test" not in html
    assert not [link for link in _links(html) if "820200109001" in link]


def test_search_by_date_of_birth(cast):
    cast.other_learner.date_of_birth = cast.other_learner.date_of_birth.replace(year=2012)
    cast.other_learner.save()
    client = cast.client_for(cast.caseworker)
    _search(client, date_of_birth_day="17", date_of_birth_month="5", date_of_birth_year="2014")
    html = client.get(LIST).content.decode()
    assert "Jamie Okonkwo-Test" in html and "Sam Other-Test" not in html
    assert 'value="17"' in html and 'value="2014"' in html


def test_search_cannot_find_learners_outside_the_users_scope(cast):
    client = cast.client_for(cast.other_parent)
    _search(client, text="Okonkwo")
    html = client.get(LIST).content.decode()
    assert "Jamie Okonkwo-Test" not in html
    assert "No learners found" in html


def test_empty_search_asks_for_something_to_search_by(cast):
    response = _search(cast.client_for(cast.caseworker))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#text">Enter a name, UPN or date of birth</a>' in html


@pytest.mark.parametrize(
    ("day", "month", "year", "message", "anchor"),
    [
        ("17", "", "2014", "Date of birth must include a month", "date_of_birth_month"),
        ("31", "2", "2014", "Date of birth must be a real date", "date_of_birth_day"),
        ("17", "5", "14", "Year must include 4 numbers", "date_of_birth_year"),
        ("1", "1", "2999", "Date of birth must be in the past", "date_of_birth_day"),
    ],
)
def test_bad_date_of_birth_is_explained_beside_the_field(cast, day, month, year, message, anchor):
    response = _search(
        cast.client_for(cast.caseworker),
        date_of_birth_day=day,
        date_of_birth_month=month,
        date_of_birth_year=year,
    )
    html = response.content.decode()
    assert f'<a href="#{anchor}">{message}</a>' in html
    assert 'id="date_of_birth-error"' in html
    assert f'value="{day}"' in html


def test_clear_search_shows_everyone_again(cast):
    client = cast.client_for(cast.caseworker)
    _search(client, text="Okonkwo")
    client.post(LIST, {"clear": "1"})
    html = client.get(LIST).content.decode()
    assert "Sam Other-Test" in html


def test_list_is_paginated_25_a_page_with_page_numbers_only_in_the_url(cast):
    for n in range(30):
        LearnerFactory(responsible_la=cast.la, family_name=f"Zed{n:02d}")
    client = cast.client_for(cast.caseworker)
    first = client.get(LIST).content.decode()
    second = client.get(LIST, {"page": 2}).content.decode()
    assert first.count('<th scope="row"') == 25
    assert second.count('<th scope="row"') == 7
    assert "<title>Learners (page 2 of 2)" in second
    assert 'href="?page=2" rel="next"' in first
    assert 'aria-current="page">2</a>' in second
    assert all(re.fullmatch(r"\?page=\d+", link) for link in _links(first) if "?" in link)


def test_search_results_are_paginated_too(cast):
    for n in range(27):
        LearnerFactory(responsible_la=cast.la, family_name=f"Zed{n:02d}")
    client = cast.client_for(cast.caseworker)
    _search(client, text="Zed")
    second = client.get(LIST, {"page": 2}).content.decode()
    assert "27 learners found (page 2 of 2)" in second
    assert second.count('<th scope="row"') == 2


def test_single_page_has_no_pagination(cast):
    html = cast.client_for(cast.caseworker).get(LIST).content.decode()
    assert "govuk-pagination" not in html


def test_list_and_search_are_audited_with_counts_only(cast):
    client = cast.client_for(cast.caseworker)
    client.get(LIST)
    _search(client, text="Okonkwo")
    client.get(LIST)
    listed, searched = AuditEvent.objects.order_by("at", "pk")
    assert (listed.user, listed.action, listed.learner) == (cast.caseworker, "list", None)
    assert listed.detail == "page 1 of 1, 2 learners"
    assert (searched.action, searched.detail) == ("search", "page 1 of 1, 1 learners")
    for event in (listed, searched):
        assert "Okonkwo" not in event.detail and "Jamie" not in event.detail
        assert event.at is not None


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST).status_code == 200
    return len(queries)


def _add_learners(cast, count):
    for _ in range(count):
        learner = LearnerFactory(responsible_la=cast.la)
        NeedFactory(learner=learner, code="MLD", rank=1)
        PlacementFactory(learner=learner, setting=cast.setting)


def test_list_query_count_does_not_grow_with_the_number_of_learners(
    cast, django_assert_max_num_queries
):
    client = cast.client_for(cast.caseworker)
    _add_learners(cast, 5)
    few = _list_queries(client)
    _add_learners(cast, 45)
    many = _list_queries(client)
    assert few == many
    # session, user, memberships, count, audit insert, rows, needs, placements, and saving
    # the session's last-request time (idle timeout: an UPDATE, in a savepoint in tests)
    with django_assert_max_num_queries(11):
        client.get(LIST, {"page": 2})
