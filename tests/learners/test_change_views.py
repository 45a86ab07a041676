import pytest
from django.urls import reverse

from sendplan.core.errors import PermissionDenied
from sendplan.engine import upn_check_letter
from sendplan.learners.models import AuditEvent, Learner
from sendplan.learners.services import learner_update


def _change(cast):
    return reverse("learners:change", args=[cast.learner.pk])


def _form(learner: Learner, **overrides) -> dict[str, str]:
    data = {
        "given_name": learner.given_name,
        "family_name": learner.family_name,
        "date_of_birth_day": str(learner.date_of_birth.day),
        "date_of_birth_month": str(learner.date_of_birth.month),
        "date_of_birth_year": str(learner.date_of_birth.year),
        "sex": learner.sex,
        "upn": learner.upn,
        "uln": learner.uln,
        "nhs_number": learner.nhs_number,
        "postcode": learner.postcode,
        "lsoa_code": learner.lsoa_code,
        "lock": str(learner.lock),
    }
    data.update(overrides)
    return data


def test_caseworker_sees_the_form_filled_in(cast):
    response = cast.client_for(cast.caseworker).get(_change(cast))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Jamie"' in html and 'value="F820200109001"' in html
    assert 'name="lock" value="1"' in html
    assert '<label class="govuk-label" for="given_name">Given name</label>' in html


def test_read_only_practitioner_gets_403(cast):
    client = cast.client_for(cast.health)
    assert client.get(_change(cast)).status_code == 403
    assert client.post(_change(cast), _form(cast.learner, given_name="X")).status_code == 403
    cast.learner.refresh_from_db()
    assert cast.learner.given_name == "Jamie"


def test_the_manager_corrects_only_the_items_of_the_return(cast):
    """ADR 0137: the SEND manager answering for the SEN2 return corrects its person items
    (sex, UPN, ULN, the reason for neither, ethnicity, social care) and nothing else."""
    client = cast.client_for(cast.la_colleague)
    html = client.get(_change(cast)).content.decode()
    assert 'name="ethnicity"' in html and 'name="upn_unknown"' in html
    assert 'name="given_name"' not in html and 'name="nhs_number"' not in html
    data = _form(cast.learner, given_name="X", postcode="SW9 8EH", ethnicity="BAFR")
    data.update(social_care="cin", upn="")
    data["upn_unknown"] = "UN8"
    response = client.post(_change(cast), data)
    assert response.status_code == 302
    learner = Learner.objects.get(pk=cast.learner.pk)
    assert (learner.ethnicity, learner.social_care, learner.upn_unknown) == ("BAFR", "cin", "UN8")
    assert (learner.given_name, learner.postcode) == ("Jamie", cast.learner.postcode)
    # The service refuses the rest from the manager whatever the page sends.
    with pytest.raises(PermissionDenied):
        learner_update(
            learner_id=learner.pk,
            expected_lock=learner.lock,
            changed_by=cast.la_colleague,
            changes={"given_name": "X"},
        )
    # Not of their LA: they do not see the learner at all.
    cast.learner.responsible_la = cast.other_la
    cast.learner.save()
    assert client.get(_change(cast)).status_code == 404


def test_a_reason_for_no_upn_with_a_upn_is_refused(cast):
    client = cast.client_for(cast.caseworker)
    response = client.post(_change(cast), _form(cast.learner, upn_unknown="UN8"))
    assert response.status_code == 200
    assert "when there is a UPN" in response.content.decode()


@pytest.mark.parametrize("who", ["other_health", "other_parent", "other_senco"])
def test_outsiders_get_404(cast, who):
    assert cast.client_for(getattr(cast, who)).get(_change(cast)).status_code == 404


def test_change_refuses_other_methods(cast):
    assert cast.client_for(cast.caseworker).put(_change(cast)).status_code == 405


def test_caseworker_saves_changes_and_the_version_moves_on(cast):
    client = cast.client_for(cast.caseworker)
    response = client.post(
        _change(cast),
        _form(cast.learner, postcode="sw2  1rw", nhs_number="485 777 3457", uln="1000000043"),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("learners:record", args=[cast.learner.pk])
    cast.learner.refresh_from_db()
    assert cast.learner.postcode == "SW2 1RW"
    assert cast.learner.nhs_number == "4857773457"
    assert cast.learner.lock == 2
    assert cast.learner.modified_by == cast.caseworker
    assert "have been saved" in client.get(response["Location"]).content.decode()


def test_unlisted_fields_are_ignored(cast):
    other = cast.other_la.pk
    cast.client_for(cast.caseworker).post(
        _change(cast), _form(cast.learner, responsible_la=str(other), archived_reason="x")
    )
    cast.learner.refresh_from_db()
    assert cast.learner.responsible_la == cast.la
    assert cast.learner.archived_reason == ""


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("upn", "A820200109001", "The UPN check letter should be F, not A"),
        ("nhs_number", "4857773456", "The NHS number check digit does not match"),
        ("uln", "1000000044", "The ULN check digit does not match"),
        ("postcode", "NOT A CODE", "Enter a real postcode, like SW2 1RW"),
        ("given_name", "", "Enter the learner&#x27;s given name"),
    ],
)
def test_bad_details_are_explained_beside_the_field_and_typed_values_kept(
    cast, field, value, message
):
    response = cast.client_for(cast.caseworker).post(
        _change(cast), _form(cast.learner, **{field: value, "family_name": "Typed-Again"})
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<a href="#{field}">{message}' in html
    assert f'id="{field}-error"' in html
    assert 'value="Typed-Again"' in html
    if value:
        assert f'value="{value}"' in html
    cast.learner.refresh_from_db()
    assert cast.learner.family_name == "Okonkwo-Test"


def test_bad_date_of_birth_keeps_what_was_typed(cast):
    response = cast.client_for(cast.caseworker).post(
        _change(cast), _form(cast.learner, date_of_birth_day="30", date_of_birth_month="2")
    )
    html = response.content.decode()
    assert '<a href="#date_of_birth_day">Date of birth must be a real date</a>' in html
    assert (
        'id="date_of_birth_day" name="date_of_birth_day" type="text" inputmode="numeric" value="30"'
        in html
    )


def test_a_upn_already_on_another_record_is_refused_beside_the_field(cast):
    # A UPN that passes its check letter but belongs to someone else.
    taken = upn_check_letter("820200109002") + "820200109002"
    cast.other_learner.upn = taken
    cast.other_learner.save()
    response = cast.client_for(cast.caseworker).post(_change(cast), _form(cast.learner, upn=taken))
    assert response.status_code == 200
    assert "This UPN is already on another learner&#x27;s record" in response.content.decode()


def test_the_second_of_two_saves_of_the_same_version_is_refused(cast):
    first = cast.client_for(cast.caseworker)
    read = _form(cast.learner)  # both people read lock 1
    assert first.post(_change(cast), {**read, "postcode": "SW2 1RW"}).status_code == 302

    second = first  # the same caseworker in another tab, or a colleague
    response = second.post(_change(cast), {**read, "postcode": "SE11 5QY"})
    html = response.content.decode()
    assert response.status_code == 409
    assert "changed this record at" in html
    assert cast.caseworker.display_name in html
    assert 'value="SE11 5QY"' in html  # the user's input is kept
    assert 'name="lock" value="2"' in html  # saving again is a deliberate choice
    cast.learner.refresh_from_db()
    assert cast.learner.postcode == "SW2 1RW"
    assert cast.learner.lock == 2


def test_stale_save_names_who_changed_it(cast):
    learner_update(
        learner_id=cast.learner.pk,
        expected_lock=1,
        changed_by=cast.la_colleague,  # the SEND manager corrects an item of the return
        changes={"ethnicity": "BAFR"},
    )
    response = cast.client_for(cast.caseworker).post(
        _change(cast), _form(cast.learner, postcode="SE11 5QY", lock="1")
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert f"{cast.la_colleague.display_name} changed this record at" in html
    assert "African" in html  # what is saved now


def test_opening_the_change_form_is_audited_as_a_read(cast):
    cast.client_for(cast.caseworker).get(_change(cast))
    event = AuditEvent.objects.get()
    assert (event.user, event.action, event.learner) == (
        cast.caseworker,
        "view_record",
        cast.learner,
    )


def test_the_service_refuses_fields_that_are_not_editable(cast):
    with pytest.raises(ValueError, match="responsible_la_id"):
        learner_update(
            learner_id=cast.learner.pk,
            expected_lock=1,
            changed_by=cast.caseworker,
            changes={"postcode": "SW9 8EH", "responsible_la_id": cast.other_la.pk},
        )
    cast.learner.refresh_from_db()
    assert cast.learner.responsible_la_id == cast.la.pk and cast.learner.postcode != "SW9 8EH"


def test_the_record_shows_ethnicity_and_social_care_only_to_those_who_may_see_them(cast):
    Learner.objects.filter(pk=cast.learner.pk).update(ethnicity="BAFR", social_care="cin")
    record = reverse("learners:record", args=[cast.learner.pk])
    manager = cast.client_for(cast.la_colleague).get(record).content.decode()
    assert "Black African" in manager and "Child in need" in manager
    # The record offers the manager the change page for the return's items.
    assert _change(cast) in manager
    health = cast.client_for(cast.health).get(record).content.decode()
    assert "Black African" not in health and "Child in need" not in health
    assert _change(cast) not in health
