"""factory_boy factories for case data. Every person here is synthetic."""

from __future__ import annotations

import datetime as dt

import factory

from sendplan.accounts.models import Membership, Organisation, Role, User
from sendplan.learners.models import Involvement, Learner, Need, Placement
from sendplan.provision.models import ProvisionStrand, Setting, StrandDesignation

PASSWORD = "correct-horse-battery-staple"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.LOCAL_AUTHORITY


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.LA_CASEWORKER
    started_on = dt.date(2020, 1, 1)


class SettingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Setting

    name = factory.Sequence(lambda n: f"Setting {n} School")
    kind = Setting.Kind.SPECIAL
    min_age = 4
    max_age = 19
    latitude = 51.46
    longitude = -0.115
    la_code = "208"
    la_name = "Lambeth"


class StrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProvisionStrand
        skip_postgeneration_save = True

    setting = factory.SubFactory(SettingFactory)
    kind = ProvisionStrand.Kind.SPECIAL_SCHOOL
    min_age = 4
    max_age = 19
    capacity = 100
    on_roll = 90
    place_funding = 10_000
    top_up = 15_000

    @factory.post_generation
    def needs(obj, create, extracted, **kwargs):  # noqa: N805
        for code in extracted or ["ASD"]:
            StrandDesignation.objects.create(strand=obj, need=code)


class LearnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Learner

    given_name = factory.Sequence(lambda n: f"Alex{n}")
    family_name = factory.Sequence(lambda n: f"Testington{n}")
    date_of_birth = dt.date(2014, 5, 17)
    sex = Learner.Sex.FEMALE
    responsible_la = factory.SubFactory(OrganisationFactory)
    latitude = 51.45
    longitude = -0.12


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Need

    learner = factory.SubFactory(LearnerFactory)
    code = "ASD"
    rank = 1


class InvolvementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Involvement

    learner = factory.SubFactory(LearnerFactory)
    kind = Involvement.Kind.HEALTH
    organisation = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.HEALTH)
    reason = "Speech and language therapy"
    started_on = dt.date(2024, 9, 1)


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Placement

    learner = factory.SubFactory(LearnerFactory)
    setting = factory.SubFactory(SettingFactory)
    started_on = dt.date(2023, 9, 1)
