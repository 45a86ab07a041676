"""The register of places and a setting's page: access, methods, filters, query budget."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sendplan.core.errors import PermissionDenied
from sendplan.provision.models import ProvisionStrand, Setting
from sendplan.provision.selectors import setting_for_user, setting_list
from tests.factories import SettingFactory, StrandFactory

REGISTER = reverse("provision:register")


def setting_url(setting: Setting) -> str:
    return reverse("provision:setting", args=[setting.pk])


def names(response) -> set[str]:
    return {row["setting"].name for row in response.context["rows"]}


@pytest.fixture
def register(cast):
    """Four settings besides the cast's two, chosen so each filter tells them apart.

    The cast's Test Special School (4 to 19) has ASD and SLCN places with 10 vacancies;
    its Other School has no designated places.
    """
    primary = SettingFactory(
        name="Primary ASD Base", kind=Setting.Kind.RESOURCED, min_age=4, max_age=10
    )
    StrandFactory(
        setting=primary,
        kind=ProvisionStrand.Kind.RESOURCED_PROVISION,
        min_age=4,
        max_age=10,
        capacity=10,
        on_roll=10,
        needs=["ASD"],
    )
    secondary = SettingFactory(name="Secondary SEMH School", min_age=11, max_age=16)
    StrandFactory(
        setting=secondary, min_age=11, max_age=16, capacity=50, on_roll=40, needs=["SEMH"]
    )
    college = SettingFactory(
        name="Out Of Area College",
        kind=Setting.Kind.POST16,
        min_age=16,
        max_age=25,
        in_area=False,
        la_name="Croydon",
    )
    StrandFactory(
        setting=college,
        kind=ProvisionStrand.Kind.POST16,
        min_age=16,
        max_age=25,
        capacity=20,
        on_roll=5,
        needs=["SLD"],
    )
    mixed = SettingFactory(name="Big Mixed School", min_age=4, max_age=19)
    # Its ASD places are for juniors and full; its vacancies are in SEMH places for seniors.
    StrandFactory(setting=mixed, min_age=4, max_age=10, capacity=10, on_roll=10, needs=["ASD"])
    StrandFactory(setting=mixed, min_age=11, max_age=19, capacity=30, on_roll=20, needs=["SEMH"])
    SettingFactory(name="Closed School", is_open=False)
    return cast


ALL_OPEN = {
    "Test Special School",
    "Other School",
    "Primary ASD Base",
    "Secondary SEMH School",
    "Out Of Area College",
    "Big Mixed School",
}


# Works, and for whom


def test_caseworker_sees_every_open_setting_in_the_register(register):
    response = register.client_for(register.caseworker).get(REGISTER)
    assert response.status_code == 200
    assert names(response) == ALL_OPEN
    assert b"6 settings" in response.content
    assert b"<caption" in response.content


@pytest.mark.parametrize("who", ["la_colleague", "senco", "health"])
def test_other_professionals_may_use_the_register(register, who):
    response = register.client_for(getattr(register, who)).get(REGISTER)
    assert response.status_code == 200
    assert names(response) == ALL_OPEN


def test_parent_is_refused_the_register(register):
    response = register.client_for(register.parent).get(REGISTER)
    assert response.status_code == 403
    assert b"Test Special School" not in response.content


def test_selectors_refuse_a_family_member_too(register):
    # The view's rule and the selector agree, so a future page reusing the selector is safe.
    with pytest.raises(PermissionDenied):
        setting_list(fetched_by=register.parent)
    with pytest.raises(PermissionDenied):
        setting_for_user(register.parent, register.setting.pk)


def test_parent_is_refused_a_setting_page(register):
    response = register.client_for(register.parent).get(setting_url(register.setting))
    assert response.status_code == 403
    assert b"Test Special School" not in response.content


def test_signed_out_visitor_is_sent_to_sign_in(register, client):
    response = client.get(REGISTER)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_register_refuses_methods_other_than_get(register, method):
    response = getattr(register.client_for(register.caseworker), method)(REGISTER)
    assert response.status_code == 405


def test_setting_page_refuses_post(register):
    response = register.client_for(register.caseworker).post(setting_url(register.setting))
    assert response.status_code == 405


def test_unknown_setting_is_404(register):
    response = register.client_for(register.caseworker).get(
        reverse("provision:setting", args=[999_999])
    )
    assert response.status_code == 404


# Filters


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"need": "ASD"}, {"Test Special School", "Primary ASD Base", "Big Mixed School"}),
        (
            {"need": ["SEMH", "SLD"]},
            {"Secondary SEMH School", "Big Mixed School", "Out Of Area College"},
        ),
        (
            {"phase": "secondary"},
            {"Test Special School", "Other School", "Secondary SEMH School", "Big Mixed School"},
        ),
        ({"phase": "post19"}, {"Out Of Area College"}),
        (
            {"phase": "early_years"},
            {"Test Special School", "Other School", "Primary ASD Base", "Big Mixed School"},
        ),
        (
            {"vacancies": "on"},
            {
                "Test Special School",
                "Secondary SEMH School",
                "Out Of Area College",
                "Big Mixed School",
            },
        ),
        ({"area": "out"}, {"Out Of Area College"}),
        ({"area": "in"}, ALL_OPEN - {"Out Of Area College"}),
        ({"area": ["in", "out"]}, ALL_OPEN),
        ({"kind": "post16"}, {"Out Of Area College"}),
        ({"kind": ["resourced", "post16"]}, {"Primary ASD Base", "Out Of Area College"}),
    ],
)
def test_each_filter_narrows_the_register(register, query, expected):
    response = register.client_for(register.la_colleague).get(REGISTER, query)
    assert response.status_code == 200
    assert names(response) == expected
    assert response.context["page"].paginator.count == len(expected)


def test_need_and_phase_must_hold_for_the_same_strand(register):
    # Big Mixed School has ASD places (juniors only) and secondary places (SEMH only).
    response = register.client_for(register.la_colleague).get(
        REGISTER, {"need": "ASD", "phase": "secondary"}
    )
    assert names(response) == {"Test Special School"}


def test_need_and_vacancies_must_hold_for_the_same_strand(register):
    # Big Mixed School's ASD places are full; its vacancies are in SEMH places.
    response = register.client_for(register.la_colleague).get(
        REGISTER, {"need": "ASD", "vacancies": "on"}
    )
    assert names(response) == {"Test Special School"}


def test_chosen_filters_are_listed_with_links_that_remove_them(register):
    response = register.client_for(register.la_colleague).get(
        REGISTER, {"need": ["ASD", "SEMH"], "area": "in"}
    )
    chosen = response.context["chosen"]
    assert [c["label"] for c in chosen] == [
        "Autistic spectrum disorder (ASD)",
        "Social, emotional and mental health (SEMH)",
        "In the area",
    ]
    assert chosen[0]["remove_url"] == "?need=SEMH&area=in"
    assert b"checked" in response.content


def test_unknown_filter_value_is_an_error_that_narrows_nothing(register):
    response = register.client_for(register.la_colleague).get(
        REGISTER, {"need": "XYZ", "area": "out"}
    )
    assert response.status_code == 200
    assert b"govuk-error-summary" in response.content
    assert b"Select needs from the list" in response.content
    assert b'href="#filter-need"' in response.content
    assert response.content.count(b"<title>Error: ") == 1
    assert names(response) == {"Out Of Area College"}


def test_overlong_name_search_is_an_error_in_govuk_words(register):
    response = register.client_for(register.la_colleague).get(REGISTER, {"text": "x" * 101})
    assert b"Name or URN must be 100 characters or fewer" in response.content
    assert b'href="#filter-text"' in response.content
    assert names(response) == ALL_OPEN


def test_name_search_finds_part_of_a_name_or_a_whole_urn(register):
    Setting.objects.filter(name="Secondary SEMH School").update(urn=100_123)
    client = register.client_for(register.la_colleague)
    assert names(client.get(REGISTER, {"text": "  mixed "})) == {"Big Mixed School"}
    assert names(client.get(REGISTER, {"text": "100123"})) == {"Secondary SEMH School"}
    assert names(client.get(REGISTER, {"text": "1001"})) == set()


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (
            "vacancies",
            [
                "Out Of Area College",
                "Big Mixed School",
                "Secondary SEMH School",
                "Test Special School",
                "Other School",
                "Primary ASD Base",
            ],
        ),
        (
            "places",
            [
                "Test Special School",
                "Secondary SEMH School",
                "Big Mixed School",
                "Out Of Area College",
                "Primary ASD Base",
                "Other School",
            ],
        ),
        ("nonsense", sorted(ALL_OPEN)),
    ],
)
def test_register_sorts_by_vacancies_or_places_most_first(register, sort, expected):
    response = register.client_for(register.la_colleague).get(REGISTER, {"sort": sort})
    assert [row["setting"].name for row in response.context["rows"]] == expected


def test_sort_links_keep_the_filters_and_return_to_page_one(register):
    response = register.client_for(register.la_colleague).get(
        REGISTER, {"need": "ASD", "sort": "places", "page": "1"}
    )
    assert response.context["sort_links"] == {
        "name": "?need=ASD",
        "vacancies": "?need=ASD&sort=vacancies",
        "places": "?need=ASD&sort=places",
    }
    assert b'aria-sort="descending"' in response.content


# Pagination and query budget


def test_register_pages_fifty_settings_at_a_time_and_keeps_the_filters(cast):
    Setting.objects.bulk_create(
        [
            Setting(name=f"Bulk School {n:03}", kind=Setting.Kind.MAINSTREAM, min_age=4, max_age=11)
            for n in range(60)
        ]
    )
    client = cast.client_for(cast.caseworker)
    first = client.get(REGISTER, {"kind": "mainstream"})
    assert len(first.context["rows"]) == 50
    assert b'href="?kind=mainstream&amp;page=2" rel="next"' in first.content
    second = client.get(REGISTER, {"kind": "mainstream", "page": "2"})
    assert len(second.context["rows"]) == 10
    assert b"Register of places (page 2 of 2)" in second.content
    assert b'rel="next"' not in second.content
    assert b'href="?kind=mainstream&amp;page=1" rel="prev"' in second.content


def _settings_with_strands(count: int) -> None:
    for n in range(count):
        setting = SettingFactory(name=f"Budget School {n:03}")
        StrandFactory(setting=setting, needs=["ASD", "SLCN"])
        StrandFactory(setting=setting, kind=ProvisionStrand.Kind.SEN_UNIT, needs=["SEMH"])


def _queries_for(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


def test_register_page_uses_a_fixed_number_of_queries(cast):
    client = cast.client_for(cast.caseworker)
    _settings_with_strands(3)
    params = {"need": "ASD", "vacancies": "on", "phase": "primary", "sort": "vacancies"}
    few = _queries_for(client, REGISTER, params)
    _settings_with_strands(40)
    many = _queries_for(client, REGISTER, params)
    assert few == many
    assert many <= 10


def test_setting_page_uses_a_fixed_number_of_queries(cast):
    client = cast.client_for(cast.caseworker)
    small = SettingFactory(name="Small")
    StrandFactory(setting=small, needs=["ASD"])
    large = SettingFactory(name="Large")
    for kind in ProvisionStrand.Kind.values:
        StrandFactory(setting=large, kind=kind, needs=["ASD", "SEMH", "SLCN", "MLD"])
    assert _queries_for(client, setting_url(small)) == _queries_for(client, setting_url(large))


# The setting page


def test_setting_page_shows_places_costs_and_where_the_figures_come_from(cast):
    setting = SettingFactory(
        name="Lansdowne (test)",
        urn=100_999,
        ofsted_rating="Good",
        street="Argyll Close",
        town="London",
        postcode="SW9 9QL",
        latitude=51.4663,
        longitude=-0.1189,
        source=Setting.Source.ESTIMATE,
        source_note="Designation from the school's website",
        establishment_type="Community special school",
    )
    StrandFactory(
        setting=setting,
        capacity=120,
        on_roll=120,
        place_funding=10_000,
        top_up=18_500,
        capacity_is_estimate=True,
        needs=["ASD", "SEMH"],
    )
    response = cast.client_for(cast.la_colleague).get(setting_url(setting))
    assert response.status_code == 200
    html = response.content.decode()
    for expected in [
        "Lansdowne (test)",
        "Community special school",
        "URN 100999",
        "Good",
        "Argyll Close",
        "SW9 9QL",
        "Latitude 51.46630, longitude -0.11890",
        "In the area",
        "Autistic spectrum disorder (ASD)",
        "Social, emotional and mental health (SEMH)",
        "£28,500",
        "£10,000 place funding + £18,500 top-up",
        ">Full<",
        "estimate",
        "default",
        "Estimate from public web pages (not verified)",
        "Designation from the school&#x27;s website",
    ]:
        assert expected in html, expected


def test_independent_fee_is_the_cost_and_is_not_labelled_default_when_entered(cast):
    setting = SettingFactory(
        name="Illustrative Independent (test)",
        kind=Setting.Kind.INDEPENDENT,
        in_area=False,
        la_name="Kent",
        source=Setting.Source.MANUAL,
    )
    StrandFactory(
        setting=setting,
        kind=ProvisionStrand.Kind.INDEPENDENT,
        annual_fee=62_000,
        cost_is_default=False,
        capacity=40,
        on_roll=30,
        needs=["ASD"],
    )
    html = cast.client_for(cast.la_colleague).get(setting_url(setting)).content.decode()
    assert "£62,000" in html
    assert "Out of the area (Kent" in html
    assert "sp-estimate" not in html
