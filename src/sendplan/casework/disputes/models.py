"""Disagreements with a decision: mediation (with its certificate) and appeals to the SEND
Tribunal with the orders it makes.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from sendplan.core.locking import lock_field
from sendplan.core.models import Tracked


class Appealable(models.TextChoices):
    NOT_TO_ASSESS = "not_to_assess", "Decision not to assess"
    NOT_TO_ISSUE = "not_to_issue", "Decision not to issue a plan"
    PLAN_CONTENTS = "plan_contents", "Contents of the plan (sections B, F, I)"
    PLACEMENT_ONLY = "placement_only", "Placement only (section I)"
    NOT_TO_AMEND = "not_to_amend", "Decision not to amend after a review"
    CEASE = "cease", "Decision to cease the plan"


class Mediation(Tracked):
    class Outcome(models.TextChoices):
        AGREED = "agreed", "Agreement reached"
        NOT_AGREED = "not_agreed", "No agreement"
        DECLINED = "declined", "Family declined mediation (certificate issued)"

    class Choice(models.TextChoices):
        # What the family said after talking to the adviser; each starts a clock (T25).
        MEDIATION = "mediation", "They want mediation (it must be held within 30 days)"
        CERTIFICATE = (
            "certificate",
            ("They do not want mediation and asked for a certificate (due within 3 working days)"),
        )

    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="mediations")
    about = models.CharField(max_length=20, choices=Appealable.choices)
    adviser_contacted_on = models.DateField()
    family_choice = models.CharField(max_length=20, choices=Choice.choices, blank=True)
    family_choice_on = models.DateField(
        "Family said whether they want mediation", null=True, blank=True
    )
    certificate_on = models.DateField(null=True, blank=True)
    mediation_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    notes = models.TextField(blank=True)
    lock = lock_field()

    class Meta:
        ordering = ["adviser_contacted_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(certificate_on__isnull=True)
                | Q(certificate_on__gte=F("adviser_contacted_on")),
                name="mediation_certificate_after_contact",
            ),
            models.CheckConstraint(
                condition=Q(mediation_on__isnull=True)
                | Q(mediation_on__gte=F("adviser_contacted_on")),
                name="mediation_held_after_contact",
            ),
            models.CheckConstraint(
                condition=Q(family_choice="", family_choice_on__isnull=True)
                | (~Q(family_choice="") & Q(family_choice_on__gte=F("adviser_contacted_on"))),
                name="mediation_choice_dated_after_contact",
            ),
            models.CheckConstraint(
                condition=~Q(family_choice="certificate") | Q(mediation_on__isnull=True),
                name="mediation_declined_not_held",
            ),
        ]

    def __str__(self) -> str:
        return f"Mediation {self.pk} on case {self.case_id}"


class Tribunal(Tracked):
    class Outcome(models.TextChoices):
        UPHELD = "upheld", "Appeal upheld"
        PARTLY_UPHELD = "partly_upheld", "Appeal partly upheld"
        DISMISSED = "dismissed", "Appeal dismissed"
        CONCEDED = "conceded", "Not opposed by the local authority"
        WITHDRAWN = "withdrawn", "Withdrawn by the appellant"

    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="appeals")
    about = models.CharField(max_length=20, choices=Appealable.choices)
    registered_on = models.DateField("Appeal registered")
    hearing_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    lock = lock_field()
    history = HistoricalRecords(excluded_fields=["modified_at"])

    class Meta:
        ordering = ["registered_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hearing_on__isnull=True) | Q(hearing_on__gte=F("registered_on")),
                name="tribunal_hearing_after_registration",
            ),
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True, outcome="")
                | (Q(decided_on__gte=F("registered_on")) & ~Q(outcome="")),
                name="tribunal_outcome_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"Appeal {self.pk} on case {self.case_id}"


class TribunalOrder(Tracked):
    """Something the Tribunal ordered (or the LA conceded), with the date it is due."""

    class Kind(models.TextChoices):
        # The first four have Reg 45 time limits when the LA does not oppose the appeal.
        ASSESS = "assess", "Carry out an assessment"
        NOT_TO_ISSUE = "not_to_issue", "Decide whether to issue"
        FINAL_PLAN = "final_plan", "Issue a final plan"
        AMENDED_PLAN = "amended_plan", "Issue the amended plan"
        OTHER = "other", "Other order"

    tribunal = models.ForeignKey(Tribunal, on_delete=models.CASCADE, related_name="orders")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.TextField()
    made_on = models.DateField(
        "Date of the order",
        null=True,
        blank=True,
        help_text="For an unopposed appeal, the day the Tribunal was told",
    )
    due_on = models.DateField()
    due_rule = models.CharField(
        max_length=40, blank=True, help_text="The engine rule the due date came from, if any"
    )
    complied_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(made_on__isnull=True)
                | Q(due_on__gte=F("made_on"))
                & (Q(complied_on__isnull=True) | Q(complied_on__gte=F("made_on"))),
                name="tribunal_order_due_and_done_after_it_was_made",
            ),
        ]

    def __str__(self) -> str:
        return f"Order {self.pk} ({self.kind})"
