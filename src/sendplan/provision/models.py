"""The register of settings and their provision strands (the places the area can use)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from sendplan.core.locking import lock_field
from sendplan.core.models import Tracked
from sendplan.engine import NEEDS, SEN2_SETTINGS

if TYPE_CHECKING:
    from sendplan.provision.places import StrandPlaces

NEED_CHOICES = list(NEEDS.items())

#: National place funding per place (DfE high-needs operational guide), pounds a year.
PLACE_FUNDING_SPECIAL = 10_000
PLACE_FUNDING_UNIT = 6_000


class Setting(Tracked):
    """A school, college or other provider: a GIAS establishment or a UKRLP provider."""

    class Kind(models.TextChoices):
        # The kinds are those of SETTINGS.csv in CONTRACTS.md.
        MAINSTREAM = "mainstream", "Mainstream"
        RESOURCED = "resourced", "Mainstream with resourced provision or SEN unit"
        SPECIAL = "special", "Special school (maintained, academy or free)"
        INDEPENDENT = "independent", "Independent or non-maintained special school"
        POST16 = "post16", "Post-16 provider"
        OTHER = "other", "Other"

    class Offer(models.TextChoices):
        # What a post-16 or post-19 option offers a young person on the pathway to 25; the
        # kind (above) stays the SETTINGS.csv kind.
        SIXTH_FORM = "sixth_form", "School or sixth-form college"
        COLLEGE = "college", "General further education college"
        SPECIALIST_POST16 = "specialist_post16", "Specialist post-16 institution"
        SUPPORTED_INTERNSHIP = "supported_internship", "Supported internship provider"
        TRAINING = "training", "Apprenticeship or training provider"
        DAY_OPPORTUNITIES = "day_opportunities", "Day opportunities (adult social care)"

    class Source(models.TextChoices):
        GIAS = "gias", "Get Information about Schools"
        LA_OPEN_DATA = "la_open_data", "Council open data"
        ESTIMATE = "estimate", "Estimate from public web pages (not verified)"
        ILLUSTRATIVE = "illustrative", "Illustrative entry (not a real setting)"
        MANUAL = "manual", "Entered by the local authority"

    urn = models.PositiveIntegerField(null=True, blank=True, unique=True)
    ukprn = models.PositiveIntegerField(null=True, blank=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    establishment_type = models.CharField(max_length=120, blank=True)
    phase_of_education = models.CharField(max_length=60, blank=True)
    min_age = models.PositiveSmallIntegerField()
    max_age = models.PositiveSmallIntegerField()
    street = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    la_code = models.CharField(max_length=10, blank=True, help_text="Old three-digit LA code")
    la_name = models.CharField(max_length=100, blank=True)
    in_area = models.BooleanField(default=True)
    is_open = models.BooleanField(default=True)
    ofsted_rating = models.CharField(max_length=60, blank=True)
    school_capacity = models.PositiveIntegerField(null=True, blank=True)
    pupils_on_roll = models.PositiveIntegerField(null=True, blank=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.MANUAL)
    source_note = models.CharField(max_length=300, blank=True)
    # An arrangement with no URN or UKPRN (home education, awaiting a place ...): the SEN2
    # SENsetting code the return gives for learners placed here.
    post16_offer = models.CharField(
        "Post-16 or post-19 offer",
        max_length=30,
        choices=Offer.choices,
        blank=True,
        help_text="For options on the pathway to 25; blank for schools up to 16",
    )
    sen2_code = models.CharField(
        "SEN2 setting code", max_length=4, choices=list(SEN2_SETTINGS.items()), blank=True
    )
    organisation = models.OneToOneField(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="setting",
    )
    lock = lock_field()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_age__lte=models.F("max_age")), name="setting_age_range_ordered"
            ),
            models.CheckConstraint(condition=Q(max_age__lte=25), name="setting_max_age_25"),
        ]
        indexes = [models.Index(fields=["kind", "in_area"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_estimate(self) -> bool:
        return self.source in {self.Source.ESTIMATE, self.Source.ILLUSTRATIVE}


class ProvisionStrand(Tracked):
    """A block of places in a setting, designated for some needs, with its cost per place."""

    class Kind(models.TextChoices):
        SPECIAL_SCHOOL = "special_school", "Special school places"
        # The 2026 Schools White Paper's name for bases in mainstream schools, replacing SEN
        # units and resourced provision: new bases take this kind (ADR 0138).
        INCLUSION_BASE = "inclusion_base", "Inclusion base in a mainstream school"
        SEN_UNIT = "sen_unit", "SEN unit"
        RESOURCED_PROVISION = "resourced_provision", "Resourced provision"
        POST16 = "post16", "Post-16 places"
        INDEPENDENT = "independent", "Independent or non-maintained special places"
        MAINSTREAM = "mainstream", "Mainstream places with support"

    setting = models.ForeignKey(Setting, on_delete=models.CASCADE, related_name="strands")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    min_age = models.PositiveSmallIntegerField()
    max_age = models.PositiveSmallIntegerField()
    capacity = models.PositiveIntegerField(help_text="Places commissioned")
    on_roll = models.PositiveIntegerField(default=0)
    place_funding = models.PositiveIntegerField(default=0, help_text="Pounds per place a year")
    top_up = models.PositiveIntegerField(default=0, help_text="Pounds per place a year")
    annual_fee = models.PositiveIntegerField(
        null=True, blank=True, help_text="Independent fee, pounds per place a year"
    )
    cost_is_default = models.BooleanField(
        default=True, help_text="True while the cost is a labelled default, not the LA's figure"
    )
    capacity_is_estimate = models.BooleanField(default=False)
    note = models.CharField(max_length=300, blank=True)
    # An inclusion base converted from a SEN unit or resourced provision keeps the former kind:
    # SEN2 still asks which of the two a place is (ADR 0148).
    converted_from = models.CharField(
        max_length=30,
        choices=[
            (Kind.SEN_UNIT.value, Kind.SEN_UNIT.label),
            (Kind.RESOURCED_PROVISION.value, Kind.RESOURCED_PROVISION.label),
        ],
        blank=True,
        help_text="For an inclusion base converted from a SEN unit or resourced provision, "
        "the kind it was",
    )
    converted_at = models.DateTimeField(null=True, blank=True)
    lock = lock_field()
    # Who changed the places, costs or kind and when, shown on the strand's page (ADR 0148).
    history = HistoricalRecords(excluded_fields=["modified_at"])

    class Meta:
        ordering = ["setting__name", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_age__lte=models.F("max_age")), name="strand_age_range_ordered"
            ),
            models.CheckConstraint(
                condition=Q(converted_from="", converted_at__isnull=True)
                | Q(
                    kind="inclusion_base",
                    converted_from__in=["sen_unit", "resourced_provision"],
                    converted_at__isnull=False,
                ),
                name="strand_converted_only_to_inclusion_base",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.setting}"

    @property
    def roll(self) -> int:
        """Learners on roll by ``provision.places`` (ADR 0141): on the day the strand was read
        for when it came through ``with_places``, else today (one query). ``on_roll`` is only
        the register's reported figure, one input to this."""
        return self._places().roll

    @property
    def promised(self) -> int:
        """Places named in proposed amendments, held (see :attr:`roll` for the day)."""
        return self._places().promised

    @property
    def vacancies(self) -> int:
        """Vacancies by ``provision.places``: places less roll less places held for proposed
        amendments (see :attr:`roll` for the day)."""
        return self._places().vacancies

    def _places(self) -> StrandPlaces:
        from sendplan.provision.places import PROMISED, ROLL, StrandPlaces, places_on

        if ROLL in self.__dict__:
            roll, promised = self.__dict__[ROLL], self.__dict__[PROMISED]
        elif self.pk is None:  # not saved: nothing on the record yet
            roll, promised = self.on_roll, 0
        else:
            return places_on(timezone.localdate(), strand_ids=[self.pk])[0]
        return StrandPlaces(
            strand_id=self.pk or 0,
            setting_id=self.setting_id or 0,
            setting_name="",
            kind=str(self.kind),
            places=self.capacity,
            roll=roll,
            promised=promised,
        )

    @property
    def reported_kind(self) -> str:
        """The kind SEN2 reports: an inclusion base's former kind where it was converted."""
        return str(self.converted_from or self.kind)

    @property
    def annual_cost_per_place(self) -> int:
        if self.annual_fee is not None:
            return self.annual_fee
        return self.place_funding + self.top_up

    @property
    def need_codes(self) -> list[str]:
        # Uses the prefetch cache when the selector prefetched designations.
        return [d.need for d in self.designations.all()]


class StrandDesignation(models.Model):
    """One need a provision strand is designated for."""

    strand = models.ForeignKey(
        ProvisionStrand, on_delete=models.CASCADE, related_name="designations"
    )
    need = models.CharField(max_length=4, choices=NEED_CHOICES)

    class Meta:
        ordering = ["need"]
        constraints = [
            models.UniqueConstraint(fields=["strand", "need"], name="designation_unique_need")
        ]

    def __str__(self) -> str:
        return self.need


class LocalService(Tracked):
    """A local service that is not a setting: a therapy team, CAMHS, short breaks, sensory
    support, the information and advice service (ADR 0147). Part of the Local Offer.

    Its contact details are the service's own (a team inbox, a switchboard, a web page),
    never a person's: the feed publishes them."""

    class Kind(models.TextChoices):
        SPEECH_LANGUAGE = "speech_language", "Speech and language therapy"
        OCCUPATIONAL = "occupational", "Occupational therapy"
        PHYSIOTHERAPY = "physiotherapy", "Physiotherapy"
        MENTAL_HEALTH = "mental_health", "Mental health (CAMHS)"
        SENSORY = "sensory", "Sensory support and outreach"
        SHORT_BREAKS = "short_breaks", "Short breaks"
        ADVICE = "advice", "Information, advice and support (SENDIASS)"
        PORTAGE = "portage", "Portage (home visiting for young children)"
        EDUCATIONAL_PSYCHOLOGY = "educational_psychology", "Educational psychology"
        OTHER = "other", "Other support"

    class Access(models.TextChoices):
        REFERRAL = "referral", "By referral"
        SELF_REFERRAL = "self_referral", "Families can contact the service themselves"
        EITHER = "either", "By referral, or families can contact the service themselves"

    name = models.CharField(max_length=200)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="local_services",
        help_text="The organisation that provides the service",
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    description = models.TextField(max_length=2000)
    min_age = models.PositiveSmallIntegerField(default=0)
    max_age = models.PositiveSmallIntegerField(default=25)
    #: SEN2 primary-need codes the service is for; empty for any need.
    needs = models.JSONField(default=list, blank=True)
    access = models.CharField(max_length=20, choices=Access.choices)
    access_note = models.CharField("How to get the service", max_length=500, blank=True)
    email = models.EmailField("Service email address", blank=True)
    phone = models.CharField("Service phone number", max_length=30, blank=True)
    website = models.URLField("Service web page", blank=True)
    area_served = models.CharField(max_length=200, blank=True)
    #: Where the service is based, when it is at a setting in the register (a therapy team
    #: at a special school, a short-breaks centre): the feed gives it that setting's location
    #: and so it can be found by proximity (ADR 0143). Empty for services that go to families.
    based_at = models.ForeignKey(
        "provision.Setting",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="based_local_services",
        help_text="The setting in the register where the service is based, if any",
    )
    active = models.BooleanField(default=True)
    lock = lock_field()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_age__lte=models.F("max_age")),
                name="local_service_age_range_ordered",
            ),
            models.CheckConstraint(condition=Q(max_age__lte=25), name="local_service_max_age_25"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def need_codes(self) -> list[str]:
        return [code for code in NEEDS if code in (self.needs or [])]
