import pytest
from django.contrib import admin
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from sendplan.accounts.models import Membership, Organisation
from sendplan.learners.models import AuditEvent, Learner
from sendplan.learners.services import audit_record
from sendplan.provision.models import ProvisionStrand, Setting, StrandDesignation
from tests.factories import PASSWORD, UserFactory


@pytest.fixture
def staff(db):
    return UserFactory(username="admin-person", is_staff=True, is_superuser=True)


def _verified_client(client, user):
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.mark.parametrize(
    "model", [Organisation, Membership, Setting, ProvisionStrand, StrandDesignation, AuditEvent]
)
def test_reference_data_and_audit_trail_are_in_the_admin(model):
    assert admin.site.is_registered(model)


def test_learner_records_are_not_in_the_admin():
    # Reads of a record must go through the audited pages.
    assert not admin.site.is_registered(Learner)


def test_staff_signed_in_without_a_second_factor_cannot_use_the_admin(client, staff):
    client.force_login(staff)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_admin_sign_in_without_the_code_is_refused(client, staff):
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    response = client.post(
        reverse("admin:login"), {"username": "admin-person", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert client.get(reverse("admin:index")).status_code == 302


def test_admin_sign_in_with_password_and_current_code_is_admitted(client, staff):
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    code = f"{totp(device.bin_key, step=device.step, digits=device.digits):0{device.digits}d}"
    response = client.post(
        reverse("admin:login"),
        {
            "username": "admin-person",
            "password": PASSWORD,
            "otp_device": device.persistent_id,
            "otp_token": code,
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_audit_events_cannot_be_added_changed_or_deleted_in_the_admin(client, staff, cast):
    event = audit_record(user=cast.caseworker, action=AuditEvent.Action.VIEW_RECORD)
    client = _verified_client(client, staff)
    change_url = reverse("admin:learners_auditevent_change", args=[event.pk])
    assert client.get(reverse("admin:learners_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:learners_auditevent_add")).status_code == 403
    page = client.get(change_url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.post(change_url, {"detail": "rewritten"}).status_code == 403
    delete_url = reverse("admin:learners_auditevent_delete", args=[event.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.detail == ""


def test_admin_shows_reference_data_to_verified_staff(client, staff, cast):
    client = _verified_client(client, staff)
    for name in ["accounts_organisation", "provision_setting", "provision_provisionstrand"]:
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200
    html = client.get(reverse("admin:provision_setting_changelist")).content.decode()
    assert "Test Special School" in html
