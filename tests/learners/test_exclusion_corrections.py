"""Correcting and removing a recorded suspension, exclusion or period of elective home
education: the services (who may, the lock, the history) and the pages (ADR 0145)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sendplan.core.errors import PermissionDenied, StaleEdit
from sendplan.learners.models import AuditEvent, Exclusion, HomeEducation
from sendplan.learners.services import (
    exclusion_change,
    exclusion_record,
    exclusion_remove,
    home_education_change,
    home_education_record,
    home_education_remove,
)
from sendplan.provision.models import Setting

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 3, 3)


def _suspend(cast, *, by=None, setting=None) -> Exclusion:
    return exclusion_record(
        learner=cast.learner,
        kind=Exclusion.Kind.SUSPENSION,
        started_on=DAY,
        school_days=Decimal(2),
        setting=setting or cast.setting,
        reason=Exclusion.Reason.DISRUPTIVE,
        by=by or cast.caseworker,
    )


def _change(row: Exclusion, *, by, lock=None, **changes) -> Exclusion:
    fields = {
        "kind": row.kind,
        "started_on": row.started_on,
        "school_days": row.school_days,
        "setting": row.setting,
        "reason": row.reason,
        **changes,
    }
    return exclusion_change(
        exclusion_id=row.pk, expected_lock=row.lock if lock is None else lock, by=by, **fields
    )


# The services.


def test_a_correction_keeps_the_old_version_in_the_history(cast):
    row = _suspend(cast)
    changed = _change(row, by=cast.senco, school_days=Decimal("1.5"), reason="DM")
    assert (changed.school_days, changed.reason, changed.lock) == (Decimal("1.5"), "DM", 2)
    assert changed.modified_by == cast.senco and changed.created_by == cast.caseworker
    assert [h.reason for h in changed.history.order_by("history_date")] == ["PD", "DM"]


def test_a_correction_over_a_newer_change_is_refused_naming_who(cast):
    row = _suspend(cast)
    _change(row, by=cast.senco, reason="TH")
    with pytest.raises(StaleEdit) as refused:
        _change(row, by=cast.caseworker, lock=1, reason="DM")
    assert refused.value.changed_by == cast.senco.display_name
    assert Exclusion.objects.get().reason == "TH"


def test_a_correction_checks_the_days_as_adding_does(cast):
    row = _suspend(cast)
    with pytest.raises(ValidationError) as refused:
        _change(row, by=cast.caseworker, kind=Exclusion.Kind.PERMANENT)
    assert "school_days" in refused.value.message_dict
    permanent = _change(row, by=cast.caseworker, kind=Exclusion.Kind.PERMANENT, school_days=None)
    assert permanent.school_days is None


def test_the_senco_corrects_only_their_own_settings_rows_and_not_into_another(cast):
    other_school = Setting.objects.get(name="Other School")
    theirs = _suspend(cast, setting=other_school)
    with pytest.raises(PermissionDenied):
        _change(theirs, by=cast.senco, reason="DM")
    with pytest.raises(PermissionDenied):
        exclusion_remove(exclusion_id=theirs.pk, expected_lock=1, by=cast.senco)
    own = _suspend(cast)
    with pytest.raises(PermissionDenied):
        _change(own, by=cast.senco, setting=other_school)
    for who in (cast.la_colleague, cast.health, cast.parent):
        with pytest.raises(PermissionDenied):
            _change(own, by=who, reason="DM")
    assert Exclusion.objects.get(pk=own.pk).setting == cast.setting


def test_a_removal_is_kept_in_the_history_with_who_removed_it(cast):
    row = _suspend(cast)
    exclusion_remove(exclusion_id=row.pk, expected_lock=1, by=cast.senco)
    assert not Exclusion.objects.exists()
    removed = Exclusion.history.filter(id=row.pk).latest("history_date")
    assert removed.history_type == "-" and removed.history_user == cast.senco


def test_a_removal_from_an_old_read_is_refused(cast):
    row = _suspend(cast)
    _change(row, by=cast.senco, reason="TH")
    with pytest.raises(StaleEdit):
        exclusion_remove(exclusion_id=row.pk, expected_lock=1, by=cast.caseworker)
    assert Exclusion.objects.filter(pk=row.pk).exists()


def test_home_education_is_ended_refused_if_stale_or_overlapping_and_removed(cast):
    first = home_education_record(
        learner=cast.learner,
        started_on=dt.date(2024, 1, 8),
        ended_on=dt.date(2024, 6, 28),
        by=cast.caseworker,
    )
    open_period = home_education_record(
        learner=cast.learner, started_on=dt.date(2025, 1, 6), by=cast.caseworker
    )
    ended = home_education_change(
        period_id=open_period.pk,
        expected_lock=1,
        started_on=open_period.started_on,
        ended_on=dt.date(2025, 4, 4),
        notified_on=dt.date(2025, 1, 10),
        by=cast.caseworker,
    )
    assert ended.ended_on == dt.date(2025, 4, 4) and ended.lock == 2
    with pytest.raises(StaleEdit):
        home_education_change(
            period_id=open_period.pk, expected_lock=1, started_on=DAY, by=cast.caseworker
        )
    with pytest.raises(ValidationError) as refused:  # would swallow the first period
        home_education_change(
            period_id=open_period.pk,
            expected_lock=2,
            started_on=dt.date(2024, 3, 4),
            ended_on=dt.date(2025, 4, 4),
            by=cast.caseworker,
        )
    assert "started_on" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        home_education_remove(period_id=first.pk, expected_lock=1, by=cast.senco)
    home_education_remove(period_id=first.pk, expected_lock=1, by=cast.caseworker)
    assert list(HomeEducation.objects.all()) == [ended]
    assert HomeEducation.history.filter(id=first.pk, history_type="-").exists()


# The pages.


def _record(cast, user):
    page = cast.client_for(user).get(reverse("learners:record", args=[cast.learner.pk]))
    return page.content.decode()


def _change_url(cast, row) -> str:
    return reverse("learners:exclusion-change", args=[cast.learner.pk, row.pk])


def test_the_record_links_each_row_to_its_change_page_for_those_who_may(cast):
    own = _suspend(cast)
    theirs = _suspend(cast, setting=Setting.objects.get(name="Other School"))
    period = home_education_record(learner=cast.learner, started_on=DAY, by=cast.caseworker)
    he_url = reverse("learners:home-education-change", args=[cast.learner.pk, period.pk])
    caseworker = _record(cast, cast.caseworker)
    assert _change_url(cast, own) in caseworker and _change_url(cast, theirs) in caseworker
    assert he_url in caseworker
    senco = _record(cast, cast.senco)
    assert _change_url(cast, own) in senco and _change_url(cast, theirs) not in senco
    for who in (cast.la_colleague, cast.parent):
        page = _record(cast, who)
        assert _change_url(cast, own) not in page and he_url not in page


def test_the_change_page_is_audited_filled_in_and_links_to_removal(cast):
    row = _suspend(cast)
    response = cast.client_for(cast.caseworker).get(_change_url(cast, row))
    text = response.content.decode()
    assert response.status_code == 200
    assert 'value="2"' in text and 'value="2025"' in text and 'value="suspension" checked' in text
    assert reverse("learners:exclusion-remove", args=[cast.learner.pk, row.pk]) in text
    assert AuditEvent.objects.filter(
        user=cast.caseworker, learner=cast.learner, detail="change a suspension or exclusion"
    ).exists()


def test_a_change_with_mistakes_names_the_field_and_keeps_what_was_typed(cast):
    row = _suspend(cast)
    response = cast.client_for(cast.caseworker).post(
        _change_url(cast, row),
        {
            "kind": "suspension",
            "started_on_day": "31",
            "started_on_month": "2",
            "started_on_year": "2025",
            "school_days": "46",
            "setting": str(cast.setting.pk),
            "reason": "TH",
            "lock": "1",
        },
    )
    text = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in text
    assert 'href="#started_on_day"' in text
    assert 'value="31"' in text and 'value="46"' in text
    assert Exclusion.objects.get().reason == "PD"


def test_a_valid_change_saves_and_returns_to_the_record(cast):
    row = _suspend(cast)
    response = cast.client_for(cast.senco).post(
        _change_url(cast, row),
        {
            "kind": "suspension",
            "started_on_day": "4",
            "started_on_month": "3",
            "started_on_year": "2025",
            "school_days": "1",
            "setting": str(cast.setting.pk),
            "reason": "TH",
            "lock": "1",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("#exclusions")
    saved = Exclusion.objects.get()
    assert (saved.started_on, saved.school_days, saved.reason) == (
        dt.date(2025, 3, 4),
        Decimal(1),
        "TH",
    )


def test_removal_asks_first_and_then_removes(cast):
    row = _suspend(cast)
    url = reverse("learners:exclusion-remove", args=[cast.learner.pk, row.pk])
    client = cast.client_for(cast.caseworker)
    asked = client.get(url).content.decode()
    assert "Are you sure you want to remove this suspension?" in asked
    assert Exclusion.objects.exists()
    response = client.post(url, {"lock": "1"})
    assert response.status_code == 302 and response["Location"].endswith("#exclusions")
    assert not Exclusion.objects.exists()


def test_another_learners_row_is_not_found_through_this_learner(cast):
    others = Exclusion.objects.create(
        learner=cast.other_learner,
        kind=Exclusion.Kind.PERMANENT,
        started_on=DAY,
        setting=cast.setting,
        reason=Exclusion.Reason.THEFT,
    )
    url = reverse("learners:exclusion-change", args=[cast.learner.pk, others.pk])
    assert cast.client_for(cast.caseworker).get(url).status_code == 404


@pytest.mark.parametrize("who", ["la_colleague", "health", "parent", "other_senco"])
def test_others_cannot_open_the_change_or_remove_pages(cast, who):
    row = _suspend(cast)
    period = home_education_record(learner=cast.learner, started_on=DAY, by=cast.caseworker)
    client = cast.client_for(getattr(cast, who))
    for name, pk in (
        ("learners:exclusion-change", row.pk),
        ("learners:exclusion-remove", row.pk),
        ("learners:home-education-change", period.pk),
        ("learners:home-education-remove", period.pk),
    ):
        assert client.get(reverse(name, args=[cast.learner.pk, pk])).status_code in (403, 404)


# A row a colleague removed already: a page saying so (410) for those who could have
# changed it, the plain 404 for anyone else.


def _change_form(row: Exclusion) -> dict[str, str]:
    return {
        "kind": "suspension",
        "started_on_day": "4",
        "started_on_month": "3",
        "started_on_year": "2025",
        "school_days": "1",
        "setting": str(row.setting_id),
        "reason": "TH",
        "lock": str(row.lock),
    }


def test_a_change_to_a_row_a_colleague_removed_says_who_removed_it(cast):
    row = _suspend(cast)
    exclusion_remove(exclusion_id=row.pk, expected_lock=row.lock, by=cast.senco)
    client = cast.client_for(cast.caseworker)
    response = client.post(_change_url(cast, row), _change_form(row))
    assert response.status_code == 410
    text = response.content.decode()
    assert "This suspension or exclusion has already been removed" in text
    assert f"{cast.senco.display_name} removed it at" in text
    assert "Your changes have not been saved" in text
    record = reverse("learners:record", args=[cast.learner.pk])
    assert f'href="{record}#exclusions"' in text
    assert not Exclusion.objects.exists()
    # Opening the change page from an old link says the same.
    assert client.get(_change_url(cast, row)).status_code == 410


def test_removing_a_row_a_colleague_removed_says_who_removed_it(cast):
    row = _suspend(cast)
    exclusion_remove(exclusion_id=row.pk, expected_lock=row.lock, by=cast.senco)
    url = reverse("learners:exclusion-remove", args=[cast.learner.pk, row.pk])
    response = cast.client_for(cast.caseworker).post(url, {"lock": str(row.lock)})
    assert response.status_code == 410
    text = response.content.decode()
    assert f"{cast.senco.display_name} removed it at" in text
    assert "There is nothing left to remove" in text


def test_home_education_removed_already_says_so_on_change_and_removal(cast):
    period = home_education_record(learner=cast.learner, started_on=DAY, by=cast.caseworker)
    home_education_remove(period_id=period.pk, expected_lock=period.lock, by=cast.caseworker)
    client = cast.client_for(cast.caseworker)
    change = reverse("learners:home-education-change", args=[cast.learner.pk, period.pk])
    remove = reverse("learners:home-education-remove", args=[cast.learner.pk, period.pk])
    changed = client.post(
        change,
        {
            "started_on_day": "3",
            "started_on_month": "3",
            "started_on_year": "2025",
            "lock": str(period.lock),
        },
    )
    removed = client.post(remove, {"lock": str(period.lock)})
    for response in (changed, removed):
        assert response.status_code == 410
        text = response.content.decode()
        assert "This period of home education has already been removed" in text
        assert f"{cast.caseworker.display_name} removed it at" in text
        assert "#home-education" in text


def _removed_first_by(colleague, service, remove, row_id: str):
    """The service as it would run if ``colleague`` removed the row after the request had
    read it and before the save locked it."""

    def racing(**kwargs):
        remove(kwargs[row_id], colleague)
        return service(**kwargs)

    return racing


def test_a_row_removed_while_the_change_is_being_saved_says_who_removed_it(cast, monkeypatch):
    from sendplan.learners import views_events

    def remove(pk, by):
        exclusion_remove(exclusion_id=pk, expected_lock=Exclusion.objects.get(pk=pk).lock, by=by)

    for name, service in (
        ("exclusion_change", exclusion_change),
        ("exclusion_remove", exclusion_remove),
    ):
        row = _suspend(cast)
        monkeypatch.setattr(
            views_events, name, _removed_first_by(cast.senco, service, remove, "exclusion_id")
        )
        client = cast.client_for(cast.caseworker)
        if name == "exclusion_change":
            response = client.post(_change_url(cast, row), _change_form(row))
        else:
            url = reverse("learners:exclusion-remove", args=[cast.learner.pk, row.pk])
            response = client.post(url, {"lock": str(row.lock)})
        assert response.status_code == 410, name
        assert f"{cast.senco.display_name} removed it at" in response.content.decode()
        assert not Exclusion.objects.filter(pk=row.pk).exists()


def test_home_education_removed_while_being_saved_says_who_removed_it(cast, monkeypatch):
    from sendplan.learners import views_events

    def remove(pk, by):
        period = HomeEducation.objects.get(pk=pk)
        home_education_remove(period_id=pk, expected_lock=period.lock, by=by)

    for name, service in (
        ("home_education_change", home_education_change),
        ("home_education_remove", home_education_remove),
    ):
        period = home_education_record(learner=cast.learner, started_on=DAY, by=cast.caseworker)
        monkeypatch.setattr(
            views_events, name, _removed_first_by(cast.caseworker, service, remove, "period_id")
        )
        client = cast.client_for(cast.caseworker)
        url_name = "change" if name == "home_education_change" else "remove"
        url = reverse(f"learners:home-education-{url_name}", args=[cast.learner.pk, period.pk])
        form = {"lock": str(period.lock)}
        if url_name == "change":
            form |= {"started_on_day": "3", "started_on_month": "3", "started_on_year": "2025"}
        response = client.post(url, form)
        assert response.status_code == 410, name
        assert f"{cast.caseworker.display_name} removed it at" in response.content.decode()
        assert not HomeEducation.objects.filter(pk=period.pk).exists()


@pytest.mark.parametrize("who", ["other_senco", "other_health", "other_parent"])
def test_outsiders_still_get_the_plain_404_for_a_removed_row(cast, who):
    row = _suspend(cast)
    period = home_education_record(learner=cast.learner, started_on=DAY, by=cast.caseworker)
    exclusion_remove(exclusion_id=row.pk, expected_lock=row.lock, by=cast.senco)
    home_education_remove(period_id=period.pk, expected_lock=period.lock, by=cast.caseworker)
    client = cast.client_for(getattr(cast, who))
    for name, pk in (
        ("learners:exclusion-change", row.pk),
        ("learners:exclusion-remove", row.pk),
        ("learners:home-education-change", period.pk),
        ("learners:home-education-remove", period.pk),
    ):
        url = reverse(name, args=[cast.learner.pk, pk])
        for response in (client.get(url), client.post(url, {"lock": "1"})):
            assert response.status_code == 404
            text = response.content.decode()
            assert "removed" not in text and cast.senco.display_name not in text


def test_a_row_removed_from_another_learner_is_not_found_through_this_learner(cast):
    others = Exclusion.objects.create(
        learner=cast.other_learner,
        kind=Exclusion.Kind.PERMANENT,
        started_on=DAY,
        setting=cast.setting,
        reason=Exclusion.Reason.THEFT,
    )
    removed_id = others.pk
    others.delete()  # removed from the other learner's record, with its history
    url = reverse("learners:exclusion-change", args=[cast.learner.pk, removed_id])
    assert cast.client_for(cast.caseworker).get(url).status_code == 404
