"""With SENDPLAN_SECOND_FACTOR on, the demo's printed staff sign-ins come with a ready app.

Uses the demo's own printed usernames on a small cast rather than a full build, which the
slow tests in test_demo_build.py cover with the setting off.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from sendplan.accounts.models import Organisation, Role
from sendplan.accounts.second_factor import grouped, secret_key
from sendplan.demo.build import DemoSummary, SignIn, _authenticator_apps
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

ROLES = {
    "demo.caseworker": Role.LA_CASEWORKER,
    "demo.commissioner": Role.LA_MANAGER,
    "demo.senco": Role.SETTING_STAFF,
    "demo.health": Role.HEALTH,
    "demo.socialworker": Role.SOCIAL_WORKER,
    "demo.ep": Role.EP,
    "demo.parent": Role.PARENT,
    "demo.youngperson": Role.YOUNG_PERSON,
    "demo.admin": Role.ADMIN,
    # The triage desks print too (their practitioner role is enough here).
    "demo.health02": Role.HEALTH,
    "demo.camhs02": Role.HEALTH,
    "demo.socialworker02": Role.SOCIAL_WORKER,
    "demo.ep02": Role.EP,
}


@pytest.fixture
def printed_users(db):
    la = OrganisationFactory()
    family = OrganisationFactory(kind=Organisation.Kind.FAMILY)
    users = {}
    for username, role in ROLES.items():
        organisation = family if role in (Role.PARENT, Role.YOUNG_PERSON) else la
        user = UserFactory(username=username, is_staff=role == Role.ADMIN)
        MembershipFactory(user=user, organisation=organisation, role=role)
        users[username] = user
    return users


def test_with_the_setting_on_each_printed_staff_sign_in_gets_a_confirmed_app(
    printed_users, settings
):
    settings.SENDPLAN_SECOND_FACTOR = True
    keys = _authenticator_apps(printed_users)
    assert set(keys) == set(ROLES) - {"demo.parent", "demo.youngperson"}
    for username, key in keys.items():
        device = TOTPDevice.objects.get(user=printed_users[username])
        assert device.confirmed
        assert key == grouped(secret_key(device))
        # The printed key is enough to make a code the device accepts.
        assert device.verify_token(totp(device.bin_key))


def test_with_the_setting_off_the_demo_makes_no_apps(printed_users, settings):
    settings.SENDPLAN_SECOND_FACTOR = False
    assert _authenticator_apps(printed_users) == {}
    assert not TOTPDevice.objects.exists()


def test_the_sign_in_table_prints_each_key_beside_its_username(monkeypatch, db):
    key = "ABCD EFGH IJKL MNOP QRST UVWX YZ23 4567"
    summary = DemoSummary(
        seed=1,
        as_at=dt.date(2026, 1, 5),
        counts=dict.fromkeys(
            ("learners", "learners with a plan", "settings", "placements", "involvements", "users"),
            1,
        ),
        sign_ins=[
            SignIn("LA caseworker", "demo.caseworker", "every learner", key),
            SignIn("Parent or carer", "demo.parent", "their own children"),
        ],
    )
    monkeypatch.setattr(
        "sendplan.demo.management.commands.demo.build_demo", lambda **kwargs: summary
    )
    out = io.StringIO()
    call_command("demo", stdout=out)
    lines = out.getvalue().splitlines()
    assert any("Authenticator key" in line for line in lines)
    assert any("demo.caseworker" in line and key in line for line in lines)
    assert any("demo.parent" in line and "(none)" in line for line in lines)
