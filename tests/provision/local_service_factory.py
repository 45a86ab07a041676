"""A factory for local services in the register (ADR 0147)."""

from __future__ import annotations

import factory

from sendplan.accounts.models import Organisation
from sendplan.provision.models import LocalService
from tests.factories import OrganisationFactory


class LocalServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalService

    name = factory.Sequence(lambda n: f"Local service {n}")
    organisation = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.HEALTH)
    kind = LocalService.Kind.SPEECH_LANGUAGE
    description = "Therapy for children who find talking and understanding hard."
    min_age = 0
    max_age = 19
    needs = factory.LazyFunction(lambda: ["SLCN"])
    access = LocalService.Access.REFERRAL
    access_note = "A school, GP or health visitor refers."
    email = "therapy.team@example.org"
    phone = "020 7946 0101"
    website = "https://www.example.org/therapy"
    area_served = "Lambeth"
