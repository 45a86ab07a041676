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
    from sendplan.accounts.models import Role

    Membership.objects.create(
        user=staff, organisation=cast.la, role=Role.ADMIN, started_on="2020-01-01"
    )
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


def test_case_data_is_not_in_the_admin():
    from django.apps import apps

    casework = apps.get_app_config("casework").get_models()
    assert [m.__name__ for m in casework if admin.site.is_registered(m)] == []


def test_an_administrator_cannot_grant_their_own_account_a_role(client, staff):
    from django.contrib.auth.models import Permission

    la = Organisation.objects.create(name="Council (test)", kind=Organisation.Kind.LOCAL_AUTHORITY)
    verified = _verified_client(client, staff)
    response = verified.post(
        reverse("admin:accounts_membership_add"),
        {"user": staff.pk, "organisation": la.pk, "role": "admin", "started_on": "2026-01-01"},
    )
    assert response.status_code == 403
    assert not Membership.objects.filter(user=staff).exists()
    # Their own rights are read-only on their own user page.
    page = verified.get(reverse("admin:accounts_user_change", args=[staff.pk])).content.decode()
    assert 'name="is_superuser"' not in page and 'name="user_permissions"' not in page
    other = UserFactory(username="colleague")
    page = verified.get(reverse("admin:accounts_user_change", args=[other.pk])).content.decode()
    assert 'name="is_superuser"' in page
    assert Permission.objects.exists()


def test_audit_events_in_the_admin_are_the_councils_own_and_reading_them_is_audited(client, cast):
    from sendplan.accounts.models import Role
    from tests.factories import MembershipFactory

    admin_user = MembershipFactory(
        user=UserFactory(username="la-admin", is_staff=True, is_superuser=True),
        organisation=cast.la,
        role=Role.ADMIN,
    ).user
    ours = audit_record(
        user=cast.caseworker, action=AuditEvent.Action.VIEW_RECORD, learner=cast.learner
    )
    elsewhere = Learner.objects.create(
        given_name="Far", family_name="Away", date_of_birth="2015-01-01", sex="F",
        responsible_la=cast.other_la,
    )  # fmt: skip
    outsider = MembershipFactory(organisation=cast.other_la).user
    theirs = audit_record(user=outsider, action=AuditEvent.Action.VIEW_RECORD, learner=elsewhere)
    verified = _verified_client(client, admin_user)
    page = verified.get(reverse("admin:learners_auditevent_changelist")).content.decode()
    assert f"/{ours.pk}/change/" in page and f"/{theirs.pk}/change/" not in page
    assert verified.get(
        reverse("admin:learners_auditevent_change", args=[theirs.pk])
    ).status_code in (302, 404)
    assert AuditEvent.objects.filter(
        user=admin_user, action=AuditEvent.Action.LIST, detail="audit events in the admin"
    ).exists()
