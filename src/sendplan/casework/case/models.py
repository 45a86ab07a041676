"""The case: a request for an EHC needs assessment and what follows, stage by stage, and the
lawful exceptions recorded against its time limits.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from sendplan.core.locking import lock_field
from sendplan.core.models import Tracked
from sendplan.engine import REQUEST_SOURCES


class Stage(models.TextChoices):
    REQUESTED = "requested", "Request received"
    ASSESSING = "assessing", "Assessing"
    NOT_ASSESSING = "not_assessing", "Decided not to assess"
    DRAFTING = "drafting", "Drafting the plan"
    CONSULTING = "consulting", "Draft out for comments"
    FINAL_ISSUED = "final_issued", "Final plan issued"
    NOT_ISSUING = "not_issuing", "Decided not to issue a plan"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"


#: Stages of a request still being worked on: one such case per learner at a time.
OPEN_STAGES = (Stage.REQUESTED, Stage.ASSESSING, Stage.DRAFTING, Stage.CONSULTING)


TERMINAL_STAGES = (Stage.CLOSED, Stage.WITHDRAWN)


class Case(Tracked):
    class Source(models.TextChoices):
        # Ours, each kept with its SEN2 RequestSource code (``sen2_request_source``), which
        # are UNCONFIRMED (statutory.md §3.3) and live in the engine's codes.
        PARENT = "parent", "Parent or carer"
        YOUNG_PERSON = "young_person", "Young person"
        SETTING = "setting", "School or college"
        HEALTH = "health", "Health"
        SOCIAL_CARE = "social_care", "Social care"
        OTHER = "other", "Other"

    TRANSITIONS: dict[str, frozenset[str]] = {
        Stage.REQUESTED: frozenset({Stage.ASSESSING, Stage.NOT_ASSESSING}),
        Stage.ASSESSING: frozenset({Stage.DRAFTING, Stage.NOT_ISSUING}),
        Stage.DRAFTING: frozenset({Stage.CONSULTING}),
        Stage.CONSULTING: frozenset({Stage.FINAL_ISSUED}),
        Stage.NOT_ASSESSING: frozenset(),
        Stage.NOT_ISSUING: frozenset(),
        Stage.FINAL_ISSUED: frozenset(),
        Stage.CLOSED: frozenset(),
        Stage.WITHDRAWN: frozenset(),
    }

    learner = models.ForeignKey("learners.Learner", on_delete=models.PROTECT, related_name="cases")
    received_on = models.DateField("Request received", help_text="Starts the 20-week clock")
    source = models.CharField(max_length=20, choices=Source.choices)
    requested_by = models.CharField(
        max_length=200, help_text="Who asked, e.g. 'mother' or 'SENCO at the current school'"
    )
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.REQUESTED)

    # Decision whether to assess (Reg 5).
    decision_on = models.DateField("Decision notified", null=True, blank=True)
    assess = models.BooleanField(null=True, blank=True)
    decision_reasons = models.TextField(blank=True)
    rights_given = models.BooleanField(
        default=False,
        help_text="The refusal letter told the family of appeal, mediation and IAS rights",
    )

    # The draft and the final plan (Reg 13).
    draft_issued_on = models.DateField(null=True, blank=True)
    draft_comments_received_on = models.DateField(null=True, blank=True)
    final_issued_on = models.DateField(null=True, blank=True)

    # Decision not to issue after assessment (Reg 10).
    not_to_issue_on = models.DateField(null=True, blank=True)
    not_to_issue_reasons = models.TextField(blank=True)

    closed_on = models.DateField(null=True, blank=True)
    closed_reason = models.CharField(max_length=300, blank=True)

    lock = lock_field()
    history = HistoricalRecords(excluded_fields=["modified_at"])

    class Meta:
        ordering = ["received_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner"],
                condition=Q(stage__in=[s.value for s in OPEN_STAGES]),
                name="case_one_open_per_learner",
            ),
            models.CheckConstraint(
                condition=Q(decision_on__isnull=True) | Q(decision_on__gte=F("received_on")),
                name="case_decision_not_before_request",
            ),
            models.CheckConstraint(
                condition=Q(decision_on__isnull=True, assess__isnull=True)
                | Q(decision_on__isnull=False, assess__isnull=False),
                name="case_decision_has_outcome",
            ),
            models.CheckConstraint(
                condition=~Q(assess=False) | Q(rights_given=True),
                name="case_refusal_gives_rights",
            ),
            models.CheckConstraint(
                condition=Q(draft_issued_on__isnull=True)
                | Q(draft_issued_on__gte=F("received_on")),
                name="case_draft_not_before_request",
            ),
            models.CheckConstraint(
                condition=Q(final_issued_on__isnull=True)
                | Q(final_issued_on__gte=F("draft_issued_on")),
                name="case_final_not_before_draft",
            ),
            models.CheckConstraint(
                condition=Q(not_to_issue_on__isnull=True)
                | Q(not_to_issue_on__gte=F("received_on")),
                name="case_not_to_issue_not_before_request",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("received_on")),
                name="case_closed_not_before_request",
            ),
            models.CheckConstraint(
                condition=~Q(stage__in=[s.value for s in TERMINAL_STAGES])
                | (Q(closed_on__isnull=False) & ~Q(closed_reason="")),
                name="case_closed_with_reason",
            ),
        ]
        indexes = [models.Index(fields=["caseworker", "stage"])]

    def __str__(self) -> str:
        # No names: str() reaches logs.
        return f"Case {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    @property
    def sen2_request_source(self) -> int:
        """The SEN2 ``RequestSource`` code of who asked (1 family, 2 setting, 3 health, 4
        social care, 5 other)."""
        return REQUEST_SOURCES[self.source]


class CaseException(Tracked):
    """A lawful exception to a time limit, with its reason, evidence and the dates it covers.

    Without ``advice_request`` it relieves the case's own limits (Reg 5(4), Reg 10(4),
    Reg 13(3)); with one, that body's 6 weeks (Reg 8(2)).
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="exceptions")
    advice_request = models.ForeignKey(
        "casework.AdviceRequest",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="exceptions",
    )
    # An engine exception key (validated by the service against the engine, not as choices,
    # so the list can grow without a migration).
    key = models.CharField(max_length=30)
    reason = models.TextField()
    evidence = models.TextField(blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    family_told_on = models.DateField(
        null=True, blank=True, help_text="CoP 9.43: families should be told when one is used"
    )

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="case_exception_ends_after_start",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="case_exception_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.key} on case {self.case_id}"
