"""Placement planning: the area's planning figures, runs of the optimiser and their proposals.

A :class:`PlanningRun` keeps what it was asked (cohort definition, parameters, a hash of the
register it read) beside what it found (summary and one :class:`Proposal` per learner).
Proposals are proposals: a run changes no learner's placement. A named officer may accept
or reject each one (``services.proposal_decide``); the decision, who made it and why are
kept on the proposal (DESIGN.md: the optimiser proposes, people decide).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from sendplan.core.locking import lock_field
from sendplan.core.models import Tracked
from sendplan.engine import NEEDS
from sendplan.planning.stability import MOST_NEW_PLAN_MONTHS, NEW_PLAN_MONTHS, MoveRules

#: Defaults, labelled as such on every page until the LA enters its own figures.
DEFAULT_COST_PER_KM = 400
DEFAULT_UNPLACED_COST = 60_000
DEFAULT_MAX_KM = 50


class AreaPlanningSettings(Tracked):
    """The LA's figures for placement planning. One row per LA; every change is kept."""

    la = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="planning_settings"
    )
    cost_per_km = models.PositiveIntegerField(
        "Transport, pounds a year per kilometre from home",
        default=DEFAULT_COST_PER_KM,
        validators=[MaxValueValidator(10_000)],
    )
    unplaced_cost = models.PositiveIntegerField(
        "Price of no suitable local place (the independent alternative), pounds a year",
        default=DEFAULT_UNPLACED_COST,
        validators=[MinValueValidator(1_000), MaxValueValidator(1_000_000)],
    )
    max_km = models.PositiveSmallIntegerField(
        "Furthest journey considered, kilometres",
        default=DEFAULT_MAX_KM,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
    )
    # Who may move (planning/stability.py, ADR 0133): the two rules the area may change.
    new_plan_months = models.PositiveSmallIntegerField(
        "A plan counts as new for this many months after it was first issued",
        default=NEW_PLAN_MONTHS,
        validators=[MaxValueValidator(MOST_NEW_PLAN_MONTHS)],
    )
    independent_review = models.BooleanField(
        "Learners in an independent placement due for review may move", default=True
    )
    lock = lock_field()
    history = HistoricalRecords(excluded_fields=["modified_at"])

    class Meta:
        verbose_name_plural = "area planning settings"

    def __str__(self) -> str:
        return f"Planning settings for organisation {self.la_id}"

    @property
    def move_rules(self) -> MoveRules:
        """Who may move in this area's runs."""
        return MoveRules(
            new_plan_months=self.new_plan_months, independent_review=self.independent_review
        )

    @property
    def defaults_in_use(self) -> list[str]:
        """Names of the figures still at their default (pages label them)."""
        out = []
        if self.cost_per_km == DEFAULT_COST_PER_KM:
            out.append("cost_per_km")
        if self.unplaced_cost == DEFAULT_UNPLACED_COST:
            out.append("unplaced_cost")
        if self.max_km == DEFAULT_MAX_KM:
            out.append("max_km")
        return out


class PlanningRun(Tracked):
    """One optimisation of a cohort (or a what-if on top of one) and what it proposed."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        DONE = "done", "Finished"
        FAILED = "failed", "Failed"

    la = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="planning_runs"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    progress_text = models.CharField(max_length=200, blank=True)
    message = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    #: Times a worker has taken the run up; the queue gives up after a few (ADR 0114).
    attempts = models.PositiveSmallIntegerField(default=0)
    #: When the run was last handed to the queue (None: never, e.g. computed by a command).
    queued_at = models.DateTimeField(null=True, blank=True)
    #: Which learners: see ``planning.cohort.CohortDefinition``.
    cohort = models.JSONField(default=dict)
    #: Prices and limits the run used, copied from the area settings when it was asked for.
    parameters = models.JSONField(default=dict)
    #: The strand to add or enlarge, for a what-if run (empty for a plain run).
    what_if = models.JSONField(default=dict, blank=True)
    base_run = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="what_ifs"
    )
    register_hash = models.CharField(max_length=64, blank=True)
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="planning_progress_max"),
            # One run at a time per LA: the others wait (ADR 0114). A second worker's claim
            # fails here, however many workers there are.
            models.UniqueConstraint(
                fields=["la"],
                condition=Q(status="running"),
                name="planning_run_one_running_per_la",
            ),
        ]
        indexes = [models.Index(fields=["la", "status", "-created_at"])]

    def __str__(self) -> str:
        return f"Planning run {self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}

    @property
    def is_what_if(self) -> bool:
        return bool(self.what_if)


class PlanningRunInputs(models.Model):
    """The engine's inputs a plain run solved (learners and places, zlib-compressed JSON).

    A what-if re-solves its base run's inputs plus the change, so its figures compare like
    with like (ADR 0108). Kept apart from :class:`PlanningRun` so that listing and showing
    runs never reads the blob (about 100 kB for a cohort of a few thousand learners).
    """

    run = models.OneToOneField(PlanningRun, on_delete=models.CASCADE, related_name="inputs")
    format = models.PositiveSmallIntegerField(default=1)
    learners = models.PositiveIntegerField()
    places = models.PositiveIntegerField()
    #: Learners taken out since the run because their records were deleted
    #: (``planning.retention.forget_learners``); pages say how many, never who.
    learners_erased = models.PositiveIntegerField(default=0)
    data = models.BinaryField()

    class Meta:
        verbose_name_plural = "planning run inputs"

    def __str__(self) -> str:
        return f"Inputs of planning run {self.run_id}"


class PlanningRunInputsLearner(models.Model):
    """One learner held in one run's stored inputs: which blobs to rewrite when a learner's
    record is deleted, found by an index instead of by opening every blob.

    ``learner_id`` is a plain number, not a foreign key: a cascade would drop these rows
    with the learner and leave the blob holding them with nothing pointing at it, whereas a
    row left behind by a raw delete (which sends no signal) still finds the blob later.
    """

    inputs = models.ForeignKey(
        PlanningRunInputs, on_delete=models.CASCADE, related_name="learner_index"
    )
    learner_id = models.BigIntegerField()

    class Meta:
        constraints = [
            # Leads with the learner: the index the erasure looks up by.
            models.UniqueConstraint(
                fields=["learner_id", "inputs"], name="planning_inputs_learner_once"
            ),
        ]

    def __str__(self) -> str:
        return f"Learner {self.learner_id} in inputs {self.inputs_id}"


class Proposal(models.Model):
    """What a run proposes for one learner, and what a named officer decided about it."""

    STATUS = "proposed"

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    run = models.ForeignKey(PlanningRun, on_delete=models.CASCADE, related_name="proposals")
    # CASCADE: a proposal about a learner who no longer exists means nothing.
    learner = models.ForeignKey(
        "learners.Learner", on_delete=models.CASCADE, related_name="planning_proposals"
    )
    need = models.CharField(max_length=4, choices=list(NEEDS.items()))
    age = models.PositiveSmallIntegerField(help_text="Age on the planning date")
    phase = models.CharField(max_length=12)
    reason_in_cohort = models.CharField(max_length=20)
    ward_code = models.CharField(max_length=9, blank=True)
    ward_name = models.CharField(max_length=100, blank=True)
    lsoa_code = models.CharField(max_length=9, blank=True)
    current_strand = models.ForeignKey(
        "provision.ProvisionStrand",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    current_setting_name = models.CharField(max_length=200, blank=True)
    current_cost = models.PositiveIntegerField(null=True, blank=True)
    proposed_strand = models.ForeignKey(
        "provision.ProvisionStrand",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    proposed_setting = models.ForeignKey(
        "provision.Setting", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    placed = models.BooleanField()
    #: Kept as text too: the register may change after the run, or the place may be new.
    proposed_setting_name = models.CharField(max_length=200, blank=True)
    proposed_kind = models.CharField(max_length=60, blank=True)
    km = models.FloatField(null=True, blank=True)
    place_cost = models.PositiveIntegerField(null=True, blank=True)
    #: Place plus transport; for a learner with no suitable local place, the unplaced price.
    proposed_cost = models.PositiveIntegerField()

    # The officer's decision: empty until someone decides, then never changed.
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    #: For an accepted proposal: the day the learner would start at the new place, and the
    #: proposed amendment of the plan that names it (ADR 0139). The placement moves only
    #: when that amendment is issued; ``placement`` is kept for decisions taken before.
    starts_on = models.DateField(null=True, blank=True)
    amendment = models.ForeignKey(
        "casework.PlanVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    placement = models.ForeignKey(
        "learners.Placement",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["run", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["run", "learner"], name="proposal_one_per_learner"),
            models.CheckConstraint(
                condition=Q(decision="")
                | (Q(decided_by__isnull=False) & Q(decided_at__isnull=False)),
                name="proposal_decision_has_who_and_when",
            ),
        ]
        indexes = [models.Index(fields=["run", "placed"])]

    def __str__(self) -> str:
        return f"Proposal {self.pk} in run {self.run_id}"

    @property
    def is_decided(self) -> bool:
        return bool(self.decision)


class CandidateSite(Tracked):
    """A place the area could add specialist places: blocks of places at a cost (ADR 0140).

    Either at an existing setting (a special school strand that could expand, a mainstream
    school that could host a resourced or inclusion base) or at a site the council names,
    located by latitude and longitude or by its LSOA. The siting page (``planning/siting.py``)
    chooses how many blocks to open at each within a capital budget.
    """

    class Kind(models.TextChoices):
        EXPAND_STRAND = "expand_strand", "Expand an existing strand"
        RESOURCED_BASE = "resourced_base", "Resourced provision in a mainstream school"
        INCLUSION_BASE = "inclusion_base", "Inclusion base in a mainstream school"
        NEW_SPECIAL_SCHOOL = "new_special_school", "New special school"

    la = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="candidate_sites"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    #: The school that would host the places (a base, or the strand's school); empty for a
    #: site the council names.
    host_setting = models.ForeignKey(
        "provision.Setting",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="candidate_sites",
    )
    #: The strand that would expand (kind "expand_strand").
    host_strand = models.ForeignKey(
        "provision.ProvisionStrand",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="candidate_sites",
    )
    latitude = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    lsoa_code = models.CharField("LSOA code", max_length=9, blank=True)
    #: SEN2 primary need codes separated by ";" (as SETTINGS.csv), or ALL.
    needs = models.CharField("Needs served", max_length=100)
    min_age = models.PositiveSmallIntegerField(validators=[MaxValueValidator(25)])
    max_age = models.PositiveSmallIntegerField(validators=[MaxValueValidator(25)])
    block_places = models.PositiveSmallIntegerField(
        "Places a block adds", validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    max_blocks = models.PositiveSmallIntegerField(
        "Most blocks", validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    capital_per_block = models.PositiveIntegerField(
        "Capital cost of a block, pounds", validators=[MaxValueValidator(1_000_000_000)]
    )
    annual_cost_per_place = models.PositiveIntegerField(
        "Running cost, pounds a year per place", validators=[MaxValueValidator(1_000_000)]
    )
    #: Where the figures come from (an estimate, a feasibility study).
    note = models.CharField(max_length=300, blank=True)
    is_active = models.BooleanField("Under consideration", default=True)
    lock = lock_field()
    history = HistoricalRecords(excluded_fields=["modified_at"])

    class Meta:
        ordering = ["la", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_age__lte=models.F("max_age")), name="candidate_site_ages_in_order"
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="candidate_site_lat_lon_together",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        codes = [c for c in self.needs.split(";") if c]
        if self.needs != "ALL" and (not codes or any(c not in NEEDS for c in codes)):
            raise ValidationError({"needs": "Enter ALL or SEN2 need codes separated by ;"})
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            raise ValidationError({"max_age": "The oldest age must not be below the youngest"})
