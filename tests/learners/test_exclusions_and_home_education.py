"""Suspensions, permanent exclusions and elective home education on the learner record:
the rows, who records them, who sees them, and the add pages (ADR 0145)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from sendplan.accounts.models import Role
from sendplan.core.errors import PermissionDenied
from sendplan.learners.access import exclusion_settings_may_record, home_education_may_record
from sendplan.learners.fields import FieldGroup, groups_for_roles
from sendplan.learners.models import AuditEvent, Exclusion, HomeEducation
from sendplan.learners.selectors import exclusion_settings_for, learner_record
from sendplan.learners.services import exclusion_record, home_education_record
from sendplan.provision.models import Setting

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 3, 3)


def _suspend(cast, *, by=None, days: str | None = "2", **extra) -> Exclusion:
    return exclusion_record(
        learner=cast.learner,
        kind=extra.pop("kind", Exclusion.Kind.SUSPENSION),
        started_on=DAY,
        school_days=Decimal(days) if days is not None else None,
        setting=extra.pop("setting", cast.setting),
        reason=Exclusion.Reason.DISRUPTIVE,
        by=by or cast.caseworker,
    )


# The rows and the services.


def test_a_suspension_is_recorded_with_its_days_and_who_recorded_it(cast):
    exclusion = _suspend(cast, days="1.5")
    assert exclusion.school_days == Decimal("1.5")
    assert exclusion.created_by == cast.caseworker
    assert exclusion.history.count() == 1
    assert list(cast.learner.exclusions.all()) == [exclusion]


def test_a_permanent_exclusion_has_no_days(cast):
    exclusion = _suspend(cast, kind=Exclusion.Kind.PERMANENT, days=None)
    assert exclusion.school_days is None
    with pytest.raises(ValidationError) as refused:
        _suspend(cast, kind=Exclusion.Kind.PERMANENT, days="3")
    assert "school_days" in refused.value.message_dict


@pytest.mark.parametrize("days", [None, "0", "0.3", "46"])
def test_a_suspension_needs_whole_or_half_days_up_to_45(cast, days):
    with pytest.raises(ValidationError) as refused:
        _suspend(cast, days=days)
    assert "school_days" in refused.value.message_dict
    assert not Exclusion.objects.exists()


def test_the_database_refuses_days_that_do_not_fit_the_kind(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        Exclusion.objects.create(
            learner=cast.learner,
            kind=Exclusion.Kind.PERMANENT,
            started_on=DAY,
            school_days=Decimal(2),
            setting=cast.setting,
            reason=Exclusion.Reason.THEFT,
        )


def test_home_education_periods_may_not_overlap(cast):
    first = home_education_record(
        learner=cast.learner,
        started_on=dt.date(2024, 9, 2),
        ended_on=dt.date(2025, 1, 6),
        notified_on=dt.date(2024, 9, 4),
        by=cast.caseworker,
    )
    assert first.history.count() == 1 and first.created_by == cast.caseworker
    with pytest.raises(ValidationError) as refused:
        home_education_record(
            learner=cast.learner, started_on=dt.date(2024, 12, 1), by=cast.caseworker
        )
    assert "started_on" in refused.value.message_dict
    later = home_education_record(learner=cast.learner, started_on=DAY, by=cast.caseworker)
    assert later.ended_on is None and later.notified_on is None
    with pytest.raises(ValidationError):
        home_education_record(
            learner=cast.learner, started_on=dt.date(2025, 6, 1), by=cast.caseworker
        )


def test_home_education_may_not_end_before_it_starts(cast):
    with pytest.raises(ValidationError) as refused:
        home_education_record(
            learner=cast.learner, started_on=DAY, ended_on=dt.date(2025, 3, 1), by=cast.caseworker
        )
    assert "ended_on" in refused.value.message_dict


# Who records them.


def test_the_caseworker_records_for_any_setting_the_senco_for_their_own(cast):
    other_school = Setting.objects.get(name="Other School")
    assert exclusion_settings_may_record(learner=cast.learner, user=cast.caseworker) is not None
    _suspend(cast, setting=other_school)
    _suspend(cast, by=cast.senco)
    with pytest.raises(PermissionDenied):
        _suspend(cast, by=cast.senco, setting=other_school)
    _, offered = exclusion_settings_for(cast.senco, cast.learner.pk, purpose="test")
    assert list(offered) == [cast.setting]


@pytest.mark.parametrize("who", ["la_colleague", "other_senco", "health", "parent"])
def test_others_record_no_exclusions_or_home_education(cast, who):
    user = getattr(cast, who)
    assert exclusion_settings_may_record(learner=cast.learner, user=user) is None
    assert not home_education_may_record(learner=cast.learner, user=user)
    with pytest.raises(PermissionDenied):
        _suspend(cast, by=user)
    with pytest.raises(PermissionDenied):
        home_education_record(learner=cast.learner, started_on=DAY, by=user)


def test_only_the_caseworker_records_home_education(cast):
    assert home_education_may_record(learner=cast.learner, user=cast.caseworker)
    assert not home_education_may_record(learner=cast.learner, user=cast.senco)


# Who sees them.


@pytest.mark.parametrize(
    ("role", "exclusions", "home_education"),
    [
        (Role.LA_CASEWORKER, True, True),
        (Role.LA_MANAGER, True, True),
        (Role.ADMIN, True, True),
        (Role.SETTING_STAFF, True, False),
        (Role.HEALTH, False, False),
        (Role.SOCIAL_WORKER, False, False),
        (Role.EP, False, False),
        (Role.PARENT, True, True),
        (Role.YOUNG_PERSON, True, True),
    ],
)
def test_field_rules_per_role(role, exclusions, home_education):
    groups = groups_for_roles([role])
    assert (FieldGroup.EXCLUSIONS in groups) is exclusions
    assert (FieldGroup.HOME_EDUCATION in groups) is home_education


def test_the_record_gives_each_viewer_only_their_groups(cast):
    _suspend(cast)
    home_education_record(learner=cast.learner, started_on=DAY, by=cast.caseworker)
    parent = learner_record(learner=cast.learner, viewer=cast.parent)
    assert len(parent["exclusions"]) == 1 and len(parent["home_education"]) == 1
    senco = learner_record(learner=cast.learner, viewer=cast.senco)
    assert len(senco["exclusions"]) == 1 and "home_education" not in senco
    health = learner_record(learner=cast.learner, viewer=cast.health)
    assert "exclusions" not in health and "home_education" not in health


def test_the_family_read_them_in_plain_words_without_an_add_link(cast):
    _suspend(cast)
    html = cast.client_for(cast.parent).get(reverse("learners:record", args=[cast.learner.pk]))
    text = html.content.decode()
    assert "Suspended" in text and "Persistent or general disruptive behaviour" in text
    assert reverse("learners:exclusion-add", args=[cast.learner.pk]) not in text
    assert reverse("learners:home-education-add", args=[cast.learner.pk]) not in text


# The add pages.


def _exclusion_page(cast):
    return reverse("learners:exclusion-add", args=[cast.learner.pk])


def test_the_record_links_the_caseworker_to_both_add_pages(cast):
    page = cast.client_for(cast.caseworker).get(reverse("learners:record", args=[cast.learner.pk]))
    text = page.content.decode()
    assert _exclusion_page(cast) in text
    assert reverse("learners:home-education-add", args=[cast.learner.pk]) in text


def test_opening_the_add_page_is_audited(cast):
    response = cast.client_for(cast.caseworker).get(_exclusion_page(cast))
    assert response.status_code == 200
    assert AuditEvent.objects.filter(
        user=cast.caseworker, learner=cast.learner, detail="add a suspension or exclusion"
    ).exists()


def test_a_form_with_mistakes_shows_them_and_keeps_what_was_typed(cast):
    response = cast.client_for(cast.caseworker).post(
        _exclusion_page(cast),
        {
            "kind": "suspension",
            "started_on_day": "3",
            "started_on_month": "3",
            "started_on_year": "2025",
            "school_days": "",
            "setting": str(cast.setting.pk),
            "reason": "",
        },
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in text
    assert "Enter how many school days the suspension is" in text
    assert "Select the reason the school gave" in text
    assert 'value="2025"' in text and 'value="suspension" checked' in text
    assert not Exclusion.objects.exists()


def test_a_valid_form_adds_and_returns_to_the_record(cast):
    response = cast.client_for(cast.caseworker).post(
        _exclusion_page(cast),
        {
            "kind": "suspension",
            "started_on_day": "3",
            "started_on_month": "3",
            "started_on_year": "2025",
            "school_days": "0.5",
            "setting": str(cast.setting.pk),
            "reason": "DM",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#exclusions")
    assert Exclusion.objects.get().school_days == Decimal("0.5")


def test_home_education_form_shows_an_overlap_beside_the_start_date(cast):
    home_education_record(learner=cast.learner, started_on=dt.date(2024, 9, 2), by=cast.caseworker)
    response = cast.client_for(cast.caseworker).post(
        reverse("learners:home-education-add", args=[cast.learner.pk]),
        {"started_on_day": "3", "started_on_month": "3", "started_on_year": "2025"},
    )
    assert response.status_code == 200
    assert "This overlaps a period of home education already recorded" in response.content.decode()
    assert HomeEducation.objects.count() == 1


@pytest.mark.parametrize("who", ["la_colleague", "health", "parent"])
def test_others_cannot_open_the_add_pages(cast, who):
    client = cast.client_for(getattr(cast, who))
    assert client.get(_exclusion_page(cast)).status_code == 403
    home = reverse("learners:home-education-add", args=[cast.learner.pk])
    assert client.get(home).status_code == 403
