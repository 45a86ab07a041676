"""The standing cast of users every view test uses (STYLE.md), on real databases."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client

from sendplan.accounts.models import Organisation, Role, User
from sendplan.learners.models import Involvement, Learner
from sendplan.provision.models import Setting
from tests.factories import (
    InvolvementFactory,
    LearnerFactory,
    MembershipFactory,
    NeedFactory,
    OrganisationFactory,
    PlacementFactory,
    SettingFactory,
    StrandFactory,
    UserFactory,
)


@dataclass
class Cast:
    la: Organisation
    other_la: Organisation
    learner: Learner
    setting: Setting
    caseworker: User  # the learner's caseworker: may edit
    la_colleague: User  # an LA manager: may read every learner in the LA, edit none
    senco: User  # staff at the learner's school
    other_senco: User  # staff at another school
    health: User  # a health practitioner involved with the learner
    other_health: User  # one who is not
    parent: User  # the learner's parent
    other_parent: User  # another child's parent
    other_learner: Learner  # in the same LA, nobody above but LA staff involved

    def client_for(self, user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client


def pytest_collection_modifyitems(config, items):
    """Deselect PostgreSQL-only tests on SQLite, so a CI run has no skipped tests."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    keep = [item for item in items if item.get_closest_marker("postgresql") is None]
    dropped = [item for item in items if item.get_closest_marker("postgresql") is not None]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


def _member(role: str, organisation: Organisation, username: str) -> User:
    return MembershipFactory(
        user=UserFactory(username=username), organisation=organisation, role=role
    ).user


@pytest.fixture
def cast(db) -> Cast:
    la = OrganisationFactory(name="Lambeth Council (test)", code="E09000022")
    other_la = OrganisationFactory(name="Another Council (test)", code="E09000028")
    school_org = OrganisationFactory(name="Test Special School", kind=Organisation.Kind.SETTING)
    other_school_org = OrganisationFactory(name="Other School", kind=Organisation.Kind.SETTING)
    health_org = OrganisationFactory(name="Test NHS Trust", kind=Organisation.Kind.HEALTH)
    family = OrganisationFactory(name="Family", kind=Organisation.Kind.FAMILY)

    setting = SettingFactory(name="Test Special School", organisation=school_org)
    StrandFactory(setting=setting, needs=["ASD", "SLCN"])
    SettingFactory(name="Other School", organisation=other_school_org)

    caseworker = _member(Role.LA_CASEWORKER, la, "caseworker")
    la_colleague = _member(Role.LA_MANAGER, la, "manager")
    senco = _member(Role.SETTING_STAFF, school_org, "senco")
    other_senco = _member(Role.SETTING_STAFF, other_school_org, "other-senco")
    health = _member(Role.HEALTH, health_org, "health")
    other_health = _member(Role.HEALTH, health_org, "other-health")
    parent = _member(Role.PARENT, family, "parent")
    other_parent = _member(Role.PARENT, family, "other-parent")

    learner = LearnerFactory(
        given_name="Jamie", family_name="Okonkwo-Test", responsible_la=la, upn="F820200109001"
    )
    NeedFactory(learner=learner, code="ASD", rank=1)
    NeedFactory(learner=learner, code="SLCN", rank=2)
    PlacementFactory(learner=learner, setting=setting)
    InvolvementFactory(
        learner=learner,
        kind=Involvement.Kind.CASEWORKER,
        organisation=la,
        user=caseworker,
        reason="EHC coordinator",
    )
    InvolvementFactory(learner=learner, organisation=health_org, user=health)
    InvolvementFactory(
        learner=learner,
        kind=Involvement.Kind.PARENT,
        organisation=family,
        user=parent,
        reason="Mother",
        started_on=dt.date(2014, 5, 17),
    )
    other_learner = LearnerFactory(given_name="Sam", family_name="Other-Test", responsible_la=la)
    NeedFactory(learner=other_learner, code="SEMH", rank=1)
    InvolvementFactory(
        learner=other_learner,
        kind=Involvement.Kind.PARENT,
        organisation=family,
        user=other_parent,
        reason="Father",
    )
    return Cast(
        la=la,
        other_la=other_la,
        learner=learner,
        setting=setting,
        caseworker=caseworker,
        la_colleague=la_colleague,
        senco=senco,
        other_senco=other_senco,
        health=health,
        other_health=other_health,
        parent=parent,
        other_parent=other_parent,
        other_learner=other_learner,
    )


@pytest.fixture
def document_store(settings, tmp_path):
    """Documents kept in the test's own folder, with no virus scanner (tests/documents has
    its own, which sees every file kept)."""
    folder = tmp_path / "documents"
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder), "base_url": "/no-public-url/"},
        },
    }
    settings.SENDPLAN_CLAMD_SOCKET = ""
    settings.SENDPLAN_CLAMD_HOST = ""
    return folder
