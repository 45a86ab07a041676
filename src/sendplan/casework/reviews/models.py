"""Annual reviews of a plan, phase-transfer reviews and their outcomes."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from sendplan.core.locking import lock_field
from sendplan.core.models import Tracked


class Review(Tracked):
    class Decision(models.TextChoices):
        MAINTAIN = "maintain", "Maintain the plan unchanged"
        AMEND = "amend", "Amend the plan"
        CEASE = "cease", "Cease to maintain the plan"

    class Transfer(models.TextChoices):
        SCHOOL = "school", "Phase transfer between schools (15 February)"
        POST16 = "post16", "School to post-16 (31 March)"
        POST16_OTHER = "post16_other", "Between post-16 institutions (5 months before)"

    plan = models.ForeignKey("casework.Plan", on_delete=models.CASCADE, related_name="reviews")
    due_on = models.DateField(help_text="12 months from the plan or the last review meeting")
    meeting_on = models.DateField(null=True, blank=True)
    invitations_sent_on = models.DateField(null=True, blank=True)
    report_due_on = models.DateField(null=True, blank=True)
    report_received_on = models.DateField(null=True, blank=True)
    decision_due_on = models.DateField(null=True, blank=True)
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    decided_on = models.DateField("Decision notified", null=True, blank=True)
    decision_reasons = models.TextField(blank=True)
    amendment_proposed_on = models.DateField(null=True, blank=True)
    amended_plan_due_on = models.DateField(null=True, blank=True)
    amended_plan_due_rule = models.CharField(max_length=40, blank=True)
    amended_plan_issued_on = models.DateField(null=True, blank=True)
    preparing_for_adulthood = models.BooleanField(
        default=False, help_text="Year 9 or above: the review considers adulthood (Reg 20(6))"
    )
    transfer = models.CharField(max_length=20, choices=Transfer.choices, blank=True)
    transfer_year = models.PositiveSmallIntegerField(null=True, blank=True)
    transfer_date = models.DateField(null=True, blank=True)
    transfer_due_on = models.DateField(null=True, blank=True)
    lock = lock_field()
    history = HistoricalRecords(excluded_fields=["modified_at"])

    class Meta:
        ordering = ["plan", "due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan"], condition=Q(decided_on__isnull=True), name="review_one_open"
            ),
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True)
                | Q(meeting_on__isnull=False, decided_on__gte=F("meeting_on")),
                name="review_decided_after_meeting",
            ),
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True, decision="")
                | (Q(decided_on__isnull=False) & ~Q(decision="")),
                name="review_decision_dated",
            ),
            models.CheckConstraint(
                condition=Q(invitations_sent_on__isnull=True)
                | Q(meeting_on__isnull=True)
                | Q(invitations_sent_on__lte=F("meeting_on")),
                name="review_invitations_before_meeting",
            ),
        ]

    def __str__(self) -> str:
        return f"Review {self.pk} of plan {self.plan_id}"
