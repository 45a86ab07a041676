"""Editing a draft plan section by section, optimistic locking, and issuing the draft."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from sendplan.accounts.models import Role
from sendplan.casework.case.models import Stage
from sendplan.casework.plans import services as plan_services
from sendplan.casework.plans.models import Plan, PlanVersion, Section
from tests.casework.conftest import make_case
from tests.casework_pages.plan_builders import TODAY, amendment_draft, at, issued_plan
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def frozen():
    with at(TODAY) as traveller:
        yield traveller


@pytest.fixture
def plan(cast, frozen) -> Plan:
    return issued_plan(cast)


@pytest.fixture
def draft(cast, plan) -> PlanVersion:
    return amendment_draft(cast, plan)


@pytest.fixture
def other_la_caseworker(cast):
    return MembershipFactory(
        user=UserFactory(username="elsewhere"), organisation=cast.other_la, role=Role.LA_CASEWORKER
    ).user


def _url(name: str, plan: Plan, *args) -> str:
    return reverse(f"casework:{name}", args=[plan.pk, *args])


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _lock(draft: PlanVersion) -> int:
    draft.refresh_from_db()
    return draft.lock


# The task list and access


def test_draft_overview_lists_every_section_with_its_state(cast, plan, draft):
    html = _html(cast.client_for(cast.caseworker).get(_url("plan-draft", plan)))
    assert "Draft plan, version 2" in html
    for letter in ("A", "B", "C", "D", "E", "F", "G", "H1", "H2", "I", "J", "K"):
        assert _url("plan-draft-section", plan, letter) in html
    assert 'id="task-C-status">Written' in html and 'id="task-G-status">Empty' in html


def test_draft_pages_are_403_for_a_read_only_colleague(cast, plan, draft):
    client = cast.client_for(cast.la_colleague)
    assert client.get(_url("plan-draft", plan)).status_code == 403
    assert client.get(_url("plan-draft-section", plan, "B")).status_code == 403
    assert client.post(_url("plan-draft-row-add", plan, "B"), {"lock": 1}).status_code == 403
    assert client.get(_url("plan-issue", plan)).status_code == 403


def test_draft_pages_are_403_for_families_and_404_for_another_la(
    cast, plan, draft, other_la_caseworker
):
    assert cast.client_for(cast.parent).get(_url("plan-draft", plan)).status_code == 403
    client = cast.client_for(other_la_caseworker)
    assert client.get(_url("plan-draft", plan)).status_code == 404
    assert client.get(_url("plan-draft-section", plan, "A")).status_code == 404


def test_draft_pages_refuse_wrong_methods(cast, plan, draft):
    client = cast.client_for(cast.caseworker)
    assert client.post(_url("plan-draft", plan)).status_code == 405
    assert client.post(_url("plan-draft-section", plan, "B")).status_code == 405
    assert client.put(_url("plan-draft-row-add", plan, "B")).status_code == 405
    assert client.delete(_url("plan-issue", plan)).status_code == 405


def test_an_issued_plan_with_no_draft_cannot_be_edited(cast, plan):
    client = cast.client_for(cast.caseworker)
    assert client.get(_url("plan-draft", plan)).status_code == 404
    assert client.get(_url("plan-draft-section", plan, "B")).status_code == 404


# Rows: add, change, remove


def test_adding_a_need_saves_it_through_the_service(cast, plan, draft):
    client = cast.client_for(cast.caseworker)
    form = _html(client.get(_url("plan-draft-row-add", plan, "D")))
    assert f'name="lock" value="{draft.lock}"' in form
    response = client.post(
        _url("plan-draft-row-add", plan, "D"),
        {"lock": draft.lock, "text": "Needs a short break at home each month."},
    )
    assert response.status_code == 302
    assert response["Location"] == _url("plan-draft-section", plan, "D")
    assert draft.needs.filter(section=Section.D, text__startswith="Needs a short").exists()
    assert _lock(draft) == 3  # one save by the builder, one here


def test_an_outcome_must_link_a_need_shown_beside_the_field(cast, plan, draft):
    client = cast.client_for(cast.caseworker)
    response = client.post(
        _url("plan-draft-row-add", plan, "E"), {"lock": draft.lock, "text": "Eats with friends."}
    )
    html = _html(response)
    assert 'href="#need_ids"' in html
    assert 'id="need_ids-error"' in html and "Choose at least one need" in html
    assert "Eats with friends." in html  # what was typed is kept
    assert not draft.outcomes.filter(text="Eats with friends.").exists()


def test_provision_is_saved_quantified_and_linked_to_outcomes(cast, plan, draft):
    outcome = draft.outcomes.get()
    response = cast.client_for(cast.caseworker).post(
        _url("plan-draft-row-add", plan, "G"),
        {
            "lock": draft.lock,
            "what": "Occupational therapy review",
            "how_much": "1 hour",
            "how_often": "each term",
            "delivered_by": "Occupational therapist",
            "outcome_ids": [outcome.pk],
        },
    )
    assert response.status_code == 302
    row = draft.provision.get(section=Section.G)
    assert (row.how_much, row.how_often) == ("1 hour", "each term")
    assert list(row.outcomes.all()) == [outcome]


def test_provision_without_how_often_is_refused_beside_the_field(cast, plan, draft):
    outcome = draft.outcomes.get()
    html = _html(
        cast.client_for(cast.caseworker).post(
            _url("plan-draft-row-add", plan, "F"),
            {
                "lock": draft.lock,
                "what": "Small group literacy",
                "how_much": "30 minutes",
                "how_often": "",
                "delivered_by": "Teaching assistant",
                "outcome_ids": [outcome.pk],
            },
        )
    )
    assert 'id="how_often-error"' in html and "Say how often" in html
    assert "Small group literacy" in html


def test_changing_a_need_keeps_its_place_and_links(cast, plan, draft):
    need = draft.needs.get(section=Section.B)
    url = _url("plan-draft-row", plan, "B", need.pk)
    form = _html(cast.client_for(cast.caseworker).get(url))
    assert "Needs support with spoken language in class." in form
    response = cast.client_for(cast.caseworker).post(
        url, {"lock": draft.lock, "text": "Needs support with spoken and written language."}
    )
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.text == "Needs support with spoken and written language."
    assert need.outcomes.exists()


def test_a_row_of_another_section_or_plan_is_404(cast, plan, draft):
    need = draft.needs.get(section=Section.B)
    client = cast.client_for(cast.caseworker)
    assert client.get(_url("plan-draft-row", plan, "C", need.pk)).status_code == 404
    first = plan.versions.get(number=1).needs.get(section=Section.B)  # the issued copy
    assert client.get(_url("plan-draft-row", plan, "B", first.pk)).status_code == 404


def test_removing_a_row_asks_first_then_removes_it(cast, plan, draft):
    need = draft.needs.get(section=Section.C)
    url = _url("plan-draft-row-remove", plan, "C", need.pk)
    client = cast.client_for(cast.caseworker)
    page = _html(client.get(url))
    assert "Remove this from the draft?" in page and "Needs a quiet space to eat." in page
    assert draft.needs.filter(pk=need.pk).exists()
    response = client.post(url, {"lock": draft.lock})
    assert response.status_code == 302
    assert not draft.needs.filter(pk=need.pk).exists()


# Optimistic locking: the 409 page


def _someone_else_saves(cast, draft: PlanVersion) -> None:
    plan_services.plan_version_update(
        version_id=draft.pk,
        expected_lock=_lock(draft),
        changed_by=cast.la_colleague,
        views="Jamie wants to go to the same school as his sister.",
    )


def test_a_stale_row_save_is_409_naming_who_changed_it_and_keeping_the_input(cast, plan, draft):
    read_lock = draft.lock
    _someone_else_saves(cast, draft)
    response = cast.client_for(cast.caseworker).post(
        _url("plan-draft-row-add", plan, "B"),
        {"lock": read_lock, "text": "Finds it hard to follow long instructions."},
    )
    assert response.status_code == 409
    html = response.content.decode()
    who = cast.la_colleague.display_name
    assert re.search(rf"{who} changed this plan at \d+:\d\d[ap]m on 2 June 2025", html)
    assert 'href="#saved-now"' in html and 'id="saved-now"' in html
    assert "Finds it hard to follow long instructions." in html  # nothing lost
    assert f'name="lock" value="{_lock(draft)}"' in html  # saving again is deliberate
    assert not draft.needs.filter(text__startswith="Finds it hard").exists()


def test_saving_again_after_the_409_page_succeeds(cast, plan, draft):
    _someone_else_saves(cast, draft)
    response = cast.client_for(cast.caseworker).post(
        _url("plan-draft-row-add", plan, "B"),
        {"lock": _lock(draft), "text": "Finds it hard to follow long instructions."},
    )
    assert response.status_code == 302
    assert draft.needs.filter(text__startswith="Finds it hard").exists()


def test_a_stale_section_a_save_shows_what_is_saved_now(cast, plan, draft):
    read_lock = draft.lock
    _someone_else_saves(cast, draft)
    response = cast.client_for(cast.caseworker).post(
        _url("plan-draft-section", plan, "A"),
        {"lock": read_lock, "views": "Jamie likes buses.", "interests": "", "aspirations": ""},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "same school as his sister" in html  # what is saved now
    assert "Jamie likes buses." in html  # what was typed


def test_a_stale_remove_is_409_and_removes_nothing(cast, plan, draft):
    need = draft.needs.get(section=Section.C)
    read_lock = draft.lock
    _someone_else_saves(cast, draft)
    response = cast.client_for(cast.caseworker).post(
        _url("plan-draft-row-remove", plan, "C", need.pk), {"lock": read_lock}
    )
    assert response.status_code == 409
    assert draft.needs.filter(pk=need.pk).exists()


# Sections with one form: A, I, J


def test_section_a_is_saved(cast, plan, draft):
    response = cast.client_for(cast.caseworker).post(
        _url("plan-draft-section", plan, "A"),
        {"lock": draft.lock, "views": "Likes buses.", "interests": "Drawing", "aspirations": ""},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.views, draft.interests) == ("Likes buses.", "Drawing")


def test_section_i_names_a_setting_from_the_register_without_a_urn(cast, plan, draft):
    assert cast.setting.urn is None
    response = cast.client_for(cast.caseworker).post(
        _url("plan-draft-section", plan, "I"),
        {"lock": draft.lock, "placement_setting": str(cast.setting.pk), "placement_type": ""},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.placement_setting == cast.setting


def test_section_i_offers_the_register_in_a_chooser_typed_into(cast, plan, draft):
    html = _html(cast.client_for(cast.caseworker).get(_url("plan-draft-section", plan, "I")))
    chooser = re.search(r'<select[^>]*name="placement_setting"[^>]*>', html)
    assert chooser and 'data-module="sp-autocomplete"' in chooser.group(0)
    assert f'<option value="{cast.setting.pk}">{cast.setting.name}' in html


def test_section_i_with_the_type_of_setting_only_names_no_setting(cast, plan, draft):
    draft.placement_setting = cast.setting
    draft.save()
    response = cast.client_for(cast.caseworker).post(
        _url("plan-draft-section", plan, "I"),
        {"lock": draft.lock, "placement_setting": "", "placement_type": "Special school"},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.placement_setting, draft.placement_type) == (None, "Special school")


def test_section_i_with_a_name_that_is_not_in_the_register_is_refused_beside_the_field(
    cast, plan, draft
):
    html = _html(
        cast.client_for(cast.caseworker).post(
            _url("plan-draft-section", plan, "I"),
            {"lock": draft.lock, "placement_setting": "Nowhere School", "placement_type": ""},
        )
    )
    assert 'id="placement_setting-error"' in html and "Choose a setting from the register" in html


def test_section_j_refuses_a_negative_budget(cast, plan, draft):
    html = _html(
        cast.client_for(cast.caseworker).post(
            _url("plan-draft-section", plan, "J"),
            {"lock": draft.lock, "personal_budget_amount": "-5"},
        )
    )
    assert 'id="personal_budget_amount-error"' in html and "less than £0" in html


# Issuing


def test_issuing_the_draft_asks_the_date_then_checks_then_makes_an_immutable_version(
    cast, plan, draft
):
    # The proposed amendments went to the family, whose 15 days have run (Reg 22).
    PlanVersion.objects.filter(pk=draft.pk).update(proposed_on=TODAY - dt.timedelta(days=15))
    client = cast.client_for(cast.caseworker)
    question = _html(client.get(_url("plan-issue", plan)))
    assert "When is the plan issued?" in question
    answers = {
        "lock": draft.lock,
        "issued_on_day": "2",
        "issued_on_month": "6",
        "issued_on_year": "2025",
    }
    check = client.post(_url("plan-issue", plan), answers)
    html = _html(check)
    # Check your answers: nothing issued yet, every part with a Change link, then confirm.
    assert check.status_code == 200 and "Check the plan before you issue it" in html
    assert "starts the family’s right to appeal" in html
    assert f"{_url('plan-issue', plan)}?on=2025-06-02" in html
    assert _url("plan-draft-section", plan, "F") in html
    draft.refresh_from_db()
    assert draft.status == PlanVersion.Status.DRAFT
    response = client.post(_url("plan-issue", plan), {**answers, "confirm": "yes"})
    assert response.status_code == 302
    assert response["Location"] == _url("plan-version", plan, 2)
    draft.refresh_from_db()
    assert draft.status == PlanVersion.Status.ISSUED and draft.issued_on == TODAY
    assert client.get(_url("plan-draft-section", plan, "B")).status_code == 404


def test_a_change_link_brings_the_date_back_to_the_question(cast, plan, draft):
    html = _html(cast.client_for(cast.caseworker).get(_url("plan-issue", plan) + "?on=2025-06-02"))
    assert 'name="issued_on_day" type="text" value="2"' in html or 'value="2"' in html
    assert 'value="2025"' in html


def test_issuing_in_the_future_is_refused_beside_the_date(cast, plan, draft):
    html = _html(
        cast.client_for(cast.caseworker).post(
            _url("plan-issue", plan),
            {
                "lock": draft.lock,
                "issued_on_day": "3",
                "issued_on_month": "6",
                "issued_on_year": "2025",
            },
        )
    )
    assert 'href="#issued_on_day"' in html and "cannot be in the future" in html
    draft.refresh_from_db()
    assert draft.status == PlanVersion.Status.DRAFT


def test_a_section_page_lists_its_rows_with_change_and_remove_links(cast, plan, draft):
    need = draft.needs.get(section=Section.B)
    html = _html(cast.client_for(cast.caseworker).get(_url("plan-draft-section", plan, "B")))
    assert "Needs support with spoken language in class." in html
    assert _url("plan-draft-row", plan, "B", need.pk) in html
    assert _url("plan-draft-row-remove", plan, "B", need.pk) in html
    assert 'Change<span class="govuk-visually-hidden"> B1</span>' in html
    assert _url("plan-draft-row-add", plan, "B") in html


def test_provision_section_shows_quantities_and_linked_outcomes(cast, plan, draft):
    html = _html(cast.client_for(cast.caseworker).get(_url("plan-draft-section", plan, "F")))
    assert "45 minutes, weekly in term time, by Speech and language therapist" in html
    assert "Towards outcomes E1" in html


def test_section_k_offers_only_advice_received_and_not_yet_attached(cast, plan, draft):
    html = _html(cast.client_for(cast.caseworker).get(_url("plan-draft-section", plan, "K")))
    assert "Advice to attach" in html and "There is nothing to choose yet." in html


def test_a_first_draft_not_yet_sent_links_to_the_case_page_to_send_it(cast, frozen):
    case = make_case(cast, Stage.DRAFTING)
    html = _html(cast.client_for(cast.caseworker).get(_url("plan-draft", case.plan)))
    assert re.search(
        rf'href="{reverse("casework:case", args=[case.pk])}">Send the draft from the case page</a>',
        html,
    )
