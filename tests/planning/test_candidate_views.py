"""The candidate sites' pages: list, add and change from the siting page, errors re-show what
was typed, a stale save is refused (409) keeping it, history says who changed what, and only
LA staff of the site's own LA may reach them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sendplan.learners.models import AuditEvent
from sendplan.planning.models import CandidateSite
from sendplan.planning.services import candidate_site_save
from tests.planning.siting_builders import candidate

pytestmark = pytest.mark.django_db


def _typed(**changes):
    """A named council site by its coordinates: an SLCN and ASD base for ages 4 to 11."""
    return {
        "name": "Brixton depot",
        "kind": "resourced_base",
        "host_setting": "",
        "lsoa_code": "",
        "latitude": "51.46",
        "longitude": "-0.114",
        "needs": ["SLCN", "ASD"],
        "min_age": "4",
        "max_age": "11",
        "block_places": "8",
        "max_blocks": "2",
        "capital_per_block": "450000",
        "annual_cost_per_place": "24000",
        "note": "Estimate from the capital team",
        "is_active": "on",
        "expected_lock": "0",
        **changes,
    }


def _manager(cast):
    return cast.client_for(cast.la_colleague)


def test_the_siting_page_links_to_the_candidate_sites(cast):
    body = _manager(cast).get(reverse("planning:siting")).content.decode()
    assert reverse("planning:candidates") in body


def test_the_list_shows_the_las_candidates_and_where_each_is(cast):
    candidate(cast.la)
    candidate(cast.la, name="Elm base", latitude=None, longitude=None, host_setting=cast.setting,
              is_active=False)  # fmt: skip
    candidate(cast.other_la, name="Another council's site")
    response = _manager(cast).get(reverse("planning:candidates"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Oak annexe" in body and "51.45000, -0.11500" in body
    assert f"At {cast.setting.name}" in body and "Set aside" in body
    assert "Another council" not in body
    assert not AuditEvent.objects.exists()  # no learner on the page


def test_a_named_site_is_added_with_who_added_it(cast):
    response = _manager(cast).post(reverse("planning:candidate-add"), _typed())
    assert response.status_code == 302
    assert response["Location"] == reverse("planning:candidates")
    site = CandidateSite.objects.get()
    assert (site.la, site.name, site.needs) == (cast.la, "Brixton depot", "SLCN;ASD")  # SEN2 order
    assert (site.latitude, site.longitude, site.host_setting) == (51.46, -0.114, None)
    assert (site.block_places, site.max_blocks, site.capital_per_block) == (8, 2, 450_000)
    assert site.is_active and site.lock == 1
    assert site.created_by == cast.la_colleague
    assert site.history.get().history_user == cast.la_colleague


def test_a_school_of_the_register_hosts_a_base_for_every_need(cast):
    typed = _typed(host_setting=str(cast.setting.pk), latitude="", longitude="", needs=[],
                   is_active="")  # fmt: skip
    assert _manager(cast).post(reverse("planning:candidate-add"), typed).status_code == 302
    site = CandidateSite.objects.get()
    assert (site.host_setting, site.needs, site.latitude, site.is_active) == (
        cast.setting,
        "ALL",
        None,
        False,
    )


def test_a_change_is_saved_and_kept_in_the_history(cast):
    site = candidate(cast.la)
    url = reverse("planning:candidate-edit", args=[site.pk])
    page = _manager(cast).get(url).content.decode()
    assert 'value="Oak annexe"' in page and 'name="expected_lock"' in page
    typed = _typed(name="Oak annexe (bigger)", lsoa_code="e01003000", latitude="",
                   longitude="", expected_lock="1")  # fmt: skip
    assert _manager(cast).post(url, typed).status_code == 302
    site.refresh_from_db()
    assert (site.name, site.lsoa_code, site.latitude, site.lock) == (
        "Oak annexe (bigger)",
        "E01003000",
        None,
        2,
    )
    assert site.modified_by == cast.la_colleague
    history = _manager(cast).get(url).content.decode()
    assert "Oak annexe (bigger)" in history and cast.la_colleague.get_full_name() in history


@pytest.mark.parametrize(
    ("changes", "message", "typed"),
    [
        ({"name": ""}, "Enter the name of the candidate site", None),
        ({"kind": ""}, "Select the kind of place", None),
        ({"latitude": "", "longitude": ""},
         "Choose a host school, or give the site&#x27;s LSOA code or its latitude and longitude",
         'value="450000"'),
        ({"longitude": ""}, "Enter the longitude as well, or neither", 'value="51.46"'),
        ({"latitude": "north"}, "Latitude must be a number in degrees, like 51.45",
         'value="north"'),
        ({"latitude": "95"}, "Latitude must be 90 or less", 'value="95"'),
        ({"lsoa_code": "Lambeth 1"}, "Enter an LSOA code: E01 or W01 followed by 6 digits",
         'value="Lambeth 1"'),
        ({"min_age": "12", "max_age": "5"},
         "Oldest age must be the same as or more than the youngest age", 'value="12"'),
        ({"block_places": "0"}, "Places a block adds must be 1 or more", 'value="0"'),
        ({"capital_per_block": "lots"},
         "Capital cost of a block must be a whole number, like 300000", 'value="lots"'),
        ({"needs": ["XYZ"]}, "Select needs from the list", 'value="Brixton depot"'),
        ({"host_setting": "999999"}, "Choose a host school from the register", None),
    ],
)  # fmt: skip
def test_errors_are_summarised_and_what_was_typed_is_shown_again(cast, changes, message, typed):
    response = _manager(cast).post(reverse("planning:candidate-add"), _typed(**changes))
    body = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in body and "<title>Error:" in body
    assert body.count(message) == 2  # in the summary and by the field
    if typed:
        assert typed in body
    assert not CandidateSite.objects.exists()


def test_a_stale_change_is_refused_saying_who_and_keeping_what_was_typed(cast):
    site = candidate(cast.la)
    url = reverse("planning:candidate-edit", args=[site.pk])
    candidate_site_save(la=cast.la, changed_by=cast.caseworker, expected_lock=1, pk=site.pk,
                        capital_per_block=350_000)  # fmt: skip
    response = _manager(cast).post(url, _typed(name="My typed name", expected_lock="1"))
    body = response.content.decode()
    assert response.status_code == 409
    assert f"{cast.caseworker.display_name} changed this candidate site at" in body
    assert 'value="My typed name"' in body and 'name="expected_lock" value="2"' in body
    site.refresh_from_db()
    assert (site.name, site.capital_per_block) == ("Oak annexe", 350_000)
    # Saving again, with the new lock, is a deliberate choice.
    assert (
        _manager(cast).post(url, _typed(name="My typed name", expected_lock="2")).status_code == 302
    )
    site.refresh_from_db()
    assert site.name == "My typed name"


def test_another_las_candidate_is_not_found(cast):
    theirs = candidate(cast.other_la)
    url = reverse("planning:candidate-edit", args=[theirs.pk])
    assert _manager(cast).get(url).status_code == 404
    assert _manager(cast).post(url, _typed(expected_lock="1")).status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Oak annexe"


@pytest.mark.parametrize("who", ["parent", "senco", "health"])
def test_only_la_staff_may_reach_the_candidate_sites(cast, who):
    site = candidate(cast.la)
    client = cast.client_for(getattr(cast, who))
    assert client.get(reverse("planning:candidates")).status_code == 403
    assert client.get(reverse("planning:candidate-add")).status_code == 403
    assert client.post(reverse("planning:candidate-add"), _typed()).status_code == 403
    edit = reverse("planning:candidate-edit", args=[site.pk])
    assert client.post(edit, _typed(expected_lock="1")).status_code == 403
    assert CandidateSite.objects.count() == 1


def test_a_change_in_the_admin_moves_the_lock_on(client, cast):
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.factories import UserFactory

    staff = UserFactory(username="admin-person", is_staff=True, is_superuser=True)
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    client.force_login(staff)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    site = candidate(cast.la)
    url = reverse("admin:planning_candidatesite_change", args=[site.pk])
    form = {
        "la": cast.la.pk, "name": "Oak annexe (admin)", "kind": site.kind, "latitude": "51.45",
        "longitude": "-0.115", "lsoa_code": "", "needs": "ASD", "min_age": "11", "max_age": "19",
        "block_places": "4", "max_blocks": "2", "capital_per_block": "300000",
        "annual_cost_per_place": "30000", "note": "", "is_active": "on",
    }  # fmt: skip
    assert client.post(url, form).status_code == 302
    site.refresh_from_db()
    assert (site.name, site.lock, site.modified_by) == ("Oak annexe (admin)", 2, staff)
    stale = _manager(cast).post(
        reverse("planning:candidate-edit", args=[site.pk]), _typed(expected_lock="1")
    )
    assert stale.status_code == 409
