"""The EHC plan: sections A to K as structured rows (needs linked to outcomes linked to
quantified provision), versioned, with issued versions immutable; and the consultation of
settings on naming one in section I.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from sendplan.core.models import Tracked


class Consultation(Tracked):
    """A setting asked whether it can meet the learner's needs, as named in the draft."""

    class Response(models.TextChoices):
        CAN_MEET = "can_meet", "Can meet the needs"
        CANNOT_MEET = "cannot_meet", "Cannot meet the needs"

    case = models.ForeignKey(
        "casework.Case", on_delete=models.CASCADE, related_name="consultations"
    )
    setting = models.ForeignKey(
        "provision.Setting", on_delete=models.PROTECT, related_name="consultations"
    )
    sent_on = models.DateField()
    response_due_on = models.DateField(help_text="From the legal clock: 15 days")
    responded_on = models.DateField(null=True, blank=True)
    response = models.CharField(max_length=20, choices=Response.choices, blank=True)
    reasons = models.TextField(blank=True)
    # The setting's access to the learner while the draft is out to it (learners.access):
    # opened by the consultation, ended when the case leaves consultation.
    involvement = models.OneToOneField(
        "learners.Involvement",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultation",
    )
    history = HistoricalRecords(excluded_fields=["modified_at"])

    class Meta:
        ordering = ["sent_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "setting"], name="consultation_once"),
            models.CheckConstraint(
                condition=Q(responded_on__isnull=True) | Q(responded_on__gte=F("sent_on")),
                name="consultation_response_after_sending",
            ),
            models.CheckConstraint(
                condition=Q(responded_on__isnull=True, response="")
                | (Q(responded_on__isnull=False) & ~Q(response="")),
                name="consultation_response_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"Consultation {self.pk} on case {self.case_id}"


class Section(models.TextChoices):
    A = "A", "A: views, interests and aspirations"
    B = "B", "B: special educational needs"
    C = "C", "C: health care needs"
    D = "D", "D: social care needs"
    E = "E", "E: outcomes"
    F = "F", "F: special educational provision"
    G = "G", "G: health care provision"
    H1 = "H1", "H1: social care provision (CSDPA 1970 s2)"
    H2 = "H2", "H2: other social care provision"
    I = "I", "I: placement"  # noqa: E741 - the plan's own section letter
    J = "J", "J: personal budget"
    K = "K", "K: advice and information"


NEED_SECTIONS = (Section.B, Section.C, Section.D)


PROVISION_SECTIONS = (Section.F, Section.G, Section.H1, Section.H2)


#: The sections of the plan each kind of advice bears on (Reg 6(1); statutory.md §2): the
#: advice form asks for these, the draft shows the advice beside them, and advice received
#: with no section written (a report by post) covers them. Keyed by ``AdviceRequest.Kind``.
SECTIONS_ADVISED_BY: dict[str, tuple[Section, ...]] = {
    "health": (Section.C, Section.G),
    "social_care": (Section.D, Section.H1, Section.H2),
    "ep": (Section.B, Section.F),
    "education": (Section.B, Section.F),
    "pfa": (Section.E, Section.F, Section.G, Section.H2),
    "other": (Section.B, Section.C, Section.D),
}


class FromAdvice(models.Model):
    """A row of the plan brought in from advice keeps its source: whose advice, for which
    section, received when (``AdviceSection`` and its request say it). Kept when the words
    are edited, and copied into later versions, so the plan's history shows where it came
    from."""

    source = models.ForeignKey(
        "casework.AdviceSection",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        abstract = True


class CeaseReason(models.IntegerChoices):
    """SEN2 CeaseReason codes (statutory.md §3.3, item 4.6)."""

    MAXIMUM_AGE = 1, "Reached maximum age"
    NEEDS_MET = 2, "Needs met without an EHC plan"
    HIGHER_EDUCATION = 3, "Moved on to higher education"
    EMPLOYMENT = 4, "Moved on to paid employment (not an apprenticeship)"
    TRANSFERRED_LA = 5, "Transferred to another local authority in England"
    NOT_ENGAGING = 6, "Young person no longer wishes to engage in education or training"
    LEFT_ENGLAND = 7, "Moved outside England"
    DECEASED = 8, "Deceased"
    OTHER = 9, "Other"


class Plan(Tracked):
    class Status(models.TextChoices):
        DRAFTING = "drafting", "Being drafted"
        MAINTAINED = "maintained", "Maintained"
        CEASED = "ceased", "Ceased"
        WITHDRAWN = "withdrawn", "Withdrawn before issue"

    learner = models.ForeignKey("learners.Learner", on_delete=models.PROTECT, related_name="plans")
    case = models.OneToOneField(
        "casework.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="plan"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFTING)
    issued_on = models.DateField("First issued", null=True, blank=True)
    cease_decided_on = models.DateField(null=True, blank=True)
    ceased_on = models.DateField(null=True, blank=True)
    cease_reason = models.PositiveSmallIntegerField(
        choices=CeaseReason.choices, null=True, blank=True
    )
    cease_detail = models.TextField(blank=True)

    class Meta:
        ordering = ["-issued_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner"],
                condition=Q(status__in=["drafting", "maintained"]),
                name="plan_one_current_per_learner",
            ),
            models.CheckConstraint(
                condition=~Q(status="ceased")
                | Q(ceased_on__isnull=False, cease_reason__isnull=False),
                name="plan_ceased_with_reason",
            ),
            models.CheckConstraint(
                condition=Q(ceased_on__isnull=True) | Q(ceased_on__gte=F("issued_on")),
                name="plan_ceased_after_issue",
            ),
        ]

    def __str__(self) -> str:
        return f"Plan {self.pk}"


class PlanVersion(Tracked):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ISSUED = "issued", "Issued"
        DISCARDED = "discarded", "Discarded draft"

    class Purpose(models.TextChoices):
        FIRST = "first", "First plan after assessment"
        AMENDMENT = "amendment", "Amendment after review"
        TRIBUNAL = "tribunal", "Amendment ordered by the Tribunal"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    purpose = models.CharField(max_length=20, choices=Purpose.choices, default=Purpose.FIRST)
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review = models.ForeignKey(
        "casework.Review",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="amendments",
    )
    issued_on = models.DateField(null=True, blank=True)
    # Optimistic locking: every save of the draft or its rows names the lock it read.
    lock = models.PositiveIntegerField(default=1)

    # Section A: what the caseworker wrote, and, kept apart, the family's own words (written
    # on the family's pages, shown as theirs, never merged into the caseworker's text).
    views = models.TextField(blank=True)
    interests = models.TextField(blank=True)
    aspirations = models.TextField(blank=True)
    family_views = models.TextField(blank=True)
    family_interests = models.TextField(blank=True)
    family_aspirations = models.TextField(blank=True)
    # Section I
    placement_setting = models.ForeignKey(
        "provision.Setting",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_versions",
    )
    placement_type = models.CharField(max_length=200, blank=True)
    # Which of the setting's strands (a base, a unit), and from when: issuing a version that
    # names a different place moves the learner’s placement (ADR 0139), never anything else.
    placement_strand = models.ForeignKey(
        "provision.ProvisionStrand",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    placement_from = models.DateField("Named from", null=True, blank=True)
    # An amendment: why it is proposed, and when the proposals went to the family (Reg 22:
    # they have 15 days to comment; a review's proposals are dated on the review).
    amendment_reason = models.TextField(blank=True)
    #: For a place proposed by a planning run: why this place, in plain words for the family,
    #: written when the commissioner accepted it and kept as it was then (ADR 0142).
    placement_explanation = models.TextField(blank=True)
    proposed_on = models.DateField("Proposed amendments sent", null=True, blank=True)
    # Section J
    personal_budget_amount = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, help_text="Pounds a year"
    )
    personal_budget_arrangements = models.TextField(blank=True)
    # Section K
    advice = models.ManyToManyField("casework.AdviceRequest", blank=True, related_name="+")

    history = HistoricalRecords(excluded_fields=["modified_at"])

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number_once"),
            models.UniqueConstraint(
                fields=["plan"], condition=Q(status="draft"), name="plan_version_one_draft"
            ),
            models.CheckConstraint(
                condition=Q(status="issued", issued_on__isnull=False)
                | (~Q(status="issued") & Q(issued_on__isnull=True)),
                name="plan_version_issued_is_dated",
            ),
            models.CheckConstraint(
                condition=Q(personal_budget_amount__isnull=True) | Q(personal_budget_amount__gte=0),
                name="plan_version_budget_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"Plan {self.plan_id} version {self.number}"

    @property
    def placement_explanation_paragraphs(self) -> list[str]:
        """The frozen explanation, one string per paragraph (lines kept within each)."""
        return [p.strip() for p in self.placement_explanation.split("\n\n") if p.strip()]

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class PlanNeed(Tracked, FromAdvice):
    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="needs")
    section = models.CharField(max_length=2, choices=[(s.value, s.label) for s in NEED_SECTIONS])
    text = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["section", "position", "id"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="plan_need_has_text")]

    def __str__(self) -> str:
        return f"Need in section {self.section}"


class PlanOutcome(Tracked, FromAdvice):
    """Section E: an outcome sought, linked to the needs it answers."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="outcomes")
    text = models.TextField()
    needs = models.ManyToManyField(PlanNeed, related_name="outcomes")
    preparing_for_adulthood = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="plan_outcome_has_text")]

    def __str__(self) -> str:
        return f"Outcome {self.pk}"


class PlanProvision(Tracked, FromAdvice):
    """Sections F, G, H1 and H2: quantified provision and who makes it, linked to outcomes."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="provision")
    section = models.CharField(
        max_length=2, choices=[(s.value, s.label) for s in PROVISION_SECTIONS]
    )
    what = models.TextField()
    how_much = models.CharField(max_length=200, help_text="e.g. '45 minutes'")
    how_often = models.CharField(max_length=200, help_text="e.g. 'weekly in term time'")
    delivered_by = models.CharField(max_length=200)
    delivered_by_organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcomes = models.ManyToManyField(PlanOutcome, related_name="provision")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["section", "position", "id"]
        constraints = [
            # Provision is only enforceable when specified and quantified.
            models.CheckConstraint(
                condition=~Q(what="") & ~Q(how_much="") & ~Q(how_often="") & ~Q(delivered_by=""),
                name="plan_provision_quantified",
            )
        ]

    def __str__(self) -> str:
        return f"Provision in section {self.section}"


class NoProvisionNeeded(Tracked):
    """The caseworker's confirmation that a section advice covered needs nothing written in
    this version (``plans.services.advised_sections_empty`` reads it before issue)."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="no_provision")
    section = models.CharField(max_length=2, choices=Section.choices)
    reason = models.TextField()

    class Meta:
        ordering = ["section"]
        constraints = [
            models.UniqueConstraint(fields=["version", "section"], name="no_provision_once"),
            models.CheckConstraint(condition=~Q(reason=""), name="no_provision_has_reason"),
        ]

    def __str__(self) -> str:
        return f"No provision needed in section {self.section}"


__all__ = [
    "NoProvisionNeeded",
    "CeaseReason",
    "Plan",
    "PlanNeed",
    "PlanOutcome",
    "PlanProvision",
    "PlanVersion",
    "SECTIONS_ADVISED_BY",
    "Section",
]
