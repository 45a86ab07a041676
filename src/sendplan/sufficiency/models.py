"""What the LA enters (assumptions, planned provision, scenarios) and what each run recorded.

Every figure the LA can change keeps its history (django-simple-history: who, what, when).
A :class:`ForecastRun` keeps its inputs and its outputs together, so the numbers on a page
can be traced to the files, settings and code that made them, and made again.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from sendplan.core.locking import lock_field
from sendplan.core.models import Tracked
from sendplan.engine import NEEDS

NEED_CHOICES = [("", "Any need"), *NEEDS.items()]
#: How the sufficiency pages name the phases (in the words of DfE's age bands), in phase order.
PHASE_LABELS: dict[str, str] = {
    "early_years": "Early years (under 5)",
    "primary": "Primary (5 to 10)",
    "secondary": "Secondary (11 to 15)",
    "post16": "Post-16 (16 to 19)",
    "post19": "Post-19 (20 to 25)",
}
PHASE_CHOICES = [("", "Any phase"), *PHASE_LABELS.items()]


class Assumptions(Tracked):
    """The LA's unit costs and growth override. One row per LA; every change is kept.

    The defaults are national place funding (DfE high-needs operational guide) and
    illustrative top-ups and fees: pages label a figure "default, enter your own" while it
    equals its default.
    """

    la_code = models.CharField(max_length=20, unique=True)
    place_funding_special = models.PositiveIntegerField(
        "Place funding, special school place", default=10_000
    )
    place_funding_unit = models.PositiveIntegerField(
        "Place funding, resourced provision, SEN unit or FE place", default=6_000
    )
    top_up_mainstream = models.PositiveIntegerField(
        "Top-up, learner with a plan in a mainstream school", default=7_500
    )
    top_up_resourced = models.PositiveIntegerField(
        "Top-up, resourced provision or SEN unit", default=12_000
    )
    top_up_special = models.PositiveIntegerField("Top-up, special school", default=20_000)
    top_up_fe = models.PositiveIntegerField("Top-up, further education", default=6_000)
    independent_fee = models.PositiveIntegerField(
        "Fee, independent or non-maintained special school", default=60_000
    )
    other_cost = models.PositiveIntegerField(
        "Cost, other placements (alternative provision and elsewhere)", default=8_000
    )
    transport_per_learner = models.PositiveIntegerField(
        "Transport, per learner in a specialist placement", default=6_500
    )
    growth_override_pct = models.DecimalField(
        "Growth in plans, per cent a year (blank: use the forecast)",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(-20), MaxValueValidator(40)],
    )
    use_register_costs = models.BooleanField(
        "Use the register's costs where the LA has entered them", default=True
    )
    central_uplift_pct = models.DecimalField(
        "Uplift for central high-needs spend, per cent a year",
        max_digits=4,
        decimal_places=1,
        default=Decimal("2.0"),
        validators=[MinValueValidator(-10), MaxValueValidator(20)],
        help_text="For central lines not driven by plans, in years with no figure recorded "
        "(ADR 0146)",
    )
    lock = lock_field()
    history = HistoricalRecords(excluded_fields=["modified_at"])

    class Meta:
        verbose_name_plural = "assumptions"

    def __str__(self) -> str:
        return f"Assumptions for {self.la_code}"


COST_FIELDS = (
    "place_funding_special",
    "place_funding_unit",
    "top_up_mainstream",
    "top_up_resourced",
    "top_up_special",
    "top_up_fe",
    "independent_fee",
    "other_cost",
    "transport_per_learner",
)


class PlaceKind(models.TextChoices):
    SPECIAL = "special", "Special school places"
    RESOURCED = "resourced", "Inclusion base, resourced provision or SEN unit places"


class NewProvision(Tracked):
    """Places the LA has planned: they count as capacity from the year they open."""

    la_code = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=PlaceKind.choices)
    need = models.CharField(max_length=8, choices=NEED_CHOICES, blank=True)
    phase = models.CharField(max_length=20, choices=PHASE_CHOICES, blank=True)
    places = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    opens_year = models.PositiveSmallIntegerField(
        "Opens (January census year)",
        validators=[MinValueValidator(2020), MaxValueValidator(2050)],
    )
    cost_per_place = models.PositiveIntegerField(
        "Annual cost per place (blank: the unit cost)", null=True, blank=True
    )
    history = HistoricalRecords(excluded_fields=["modified_at"])

    class Meta:
        ordering = ["opens_year", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(places__gte=1), name="new_provision_places"),
        ]

    def __str__(self) -> str:
        return self.name


class Scenario(Tracked):
    """A what-if: more local places, fewer independent placements, or different growth.

    A scenario that ``combines`` others is projected with its own levers and all of theirs
    at once (ADR 0149); the scenarios it combines do not combine others themselves.
    """

    la_code = models.CharField(max_length=20)
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=500, blank=True)
    special_places = models.PositiveIntegerField("Extra special school places", default=0)
    resourced_places = models.PositiveIntegerField(
        "Extra inclusion base places in mainstream schools", default=0
    )
    independent_reduction_pct = models.PositiveSmallIntegerField(
        "Fewer independent placements, per cent",
        default=0,
        validators=[MaxValueValidator(100)],
    )
    growth_pct = models.DecimalField(
        "Growth in plans, per cent a year (blank: as the baseline)",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(-20), MaxValueValidator(40)],
    )
    start_year = models.PositiveSmallIntegerField(
        "From (January census year)",
        validators=[MinValueValidator(2020), MaxValueValidator(2050)],
    )
    need = models.CharField(max_length=8, choices=NEED_CHOICES, blank=True)
    phase = models.CharField(max_length=20, choices=PHASE_CHOICES, blank=True)
    combines = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="combined_in",
        verbose_name="Scenarios combined",
    )
    lock = lock_field()
    history = HistoricalRecords(excluded_fields=["modified_at"], m2m_fields=[combines])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["la_code", "name"], name="scenario_unique_name"),
            models.CheckConstraint(
                condition=Q(independent_reduction_pct__lte=100),
                name="scenario_reduction_at_most_100",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ForecastRun(models.Model):
    """One run: its inputs (files and their sha256, settings, assumptions, register,
    code version) and its outputs. ``fingerprint`` is the sha256 of the inputs."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Finished"
        FAILED = "failed", "Failed"

    la_code = models.CharField(max_length=20)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    progress = models.CharField(max_length=200, blank=True)
    message = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    #: Times a worker has taken the run up; the queue gives up after a few (ADR 0114).
    attempts = models.PositiveSmallIntegerField(default=0)
    #: When the run was last handed to the queue (None: never, e.g. computed by a command).
    queued_at = models.DateTimeField(null=True, blank=True)
    seed = models.PositiveIntegerField(default=0)
    simulations = models.PositiveIntegerField(default=1000)
    horizon = models.PositiveSmallIntegerField(default=10)
    inputs = models.JSONField(default=dict)
    fingerprint = models.CharField(max_length=64, blank=True)
    outputs = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Two workers never run the same LA at once: the second one's claim fails and
            # its run waits (ADR 0114).
            models.UniqueConstraint(
                fields=["la_code"],
                condition=Q(status="running"),
                name="forecast_run_one_running_per_la",
            ),
        ]
        indexes = [models.Index(fields=["la_code", "status", "-created_at"])]

    def __str__(self) -> str:
        return f"Forecast run {self.pk} for {self.la_code} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.SUCCEEDED, self.Status.FAILED}


class HighNeedsBudget(Tracked):
    """The LA's high-needs budget for one financial year (April to March), that the money
    page holds committed spend against (ADR 0132). Every change is kept."""

    la_code = models.CharField(max_length=20)
    financial_year = models.PositiveSmallIntegerField(
        help_text="The year the financial year starts in: 2026 for 2026-27"
    )
    amount = models.PositiveBigIntegerField("High-needs budget, pounds")
    #: The cumulative DSG deficit at 1 April, once known (the DSG management plan starts
    #: from this year's); negative is a surplus.
    deficit_brought_forward = models.BigIntegerField(
        "Cumulative DSG deficit brought forward at 1 April, pounds", null=True, blank=True
    )
    lock = lock_field()
    history = HistoricalRecords(excluded_fields=["modified_at"])

    class Meta:
        ordering = ["la_code", "financial_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["la_code", "financial_year"], name="budget_one_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"High-needs budget {self.financial_year} for {self.la_code}"


class CentralLineKind(models.TextChoices):
    """The central lines of the high-needs block: what it pays outside placements."""

    ALTERNATIVE_PROVISION = "ap", "Alternative provision and pupil referral units"
    HOSPITAL = "hospital", "Hospital education"
    SUPPORT = "support", "SEN support and inclusion services"
    SENSORY = "sensory", "Sensory, outreach and specialist teaching services"
    POST16 = "post16", "Post-16 and post-19 top-ups outside placements"
    OTHER = "other", "Other central high-needs spend"


class CentralSpend(Tracked):
    """One line of the LA's central high-needs spend for a financial year: what the
    high-needs block pays outside placements (ADR 0146). Every change is kept."""

    la_code = models.CharField(max_length=20)
    financial_year = models.PositiveSmallIntegerField(
        help_text="The year the financial year starts in: 2026 for 2026-27"
    )
    line = models.CharField(max_length=20, choices=CentralLineKind.choices)
    partner = models.CharField(
        "Partner or provider (optional)",
        max_length=200,
        blank=True,
        help_text="Who delivers it, if someone other than the council: a school, trust or service",
    )
    amount = models.PositiveBigIntegerField("Amount, pounds")
    actual = models.BooleanField(
        "Actual spend", default=False, help_text="False while the figure is planned"
    )
    lock = lock_field()
    history = HistoricalRecords(excluded_fields=["modified_at"])

    class Meta:
        ordering = ["la_code", "financial_year", "line", "partner"]
        indexes = [models.Index(fields=["la_code", "financial_year"])]

    def __str__(self) -> str:
        return f"{self.get_line_display()} {self.financial_year} for {self.la_code}"
