"""Advice for an assessment: each request to a body (education, health, social care, the
educational psychologist) with its own six weeks, and the advice given, section by section.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from sendplan.casework.plans.models import Section
from sendplan.core.locking import lock_field
from sendplan.core.models import Tracked

#: The longest advice for one section, and the longest summary, in characters.
ADVICE_SECTION_MAX = 20000


ADVICE_SUMMARY_MAX = 5000


class AdviceRequest(Tracked):
    class Kind(models.TextChoices):
        EDUCATION = "education", "Educational advice"
        HEALTH = "health", "Medical and health advice"
        SOCIAL_CARE = "social_care", "Social care advice"
        EP = "ep", "Psychological advice"
        PFA = "pfa", "Preparing for adulthood (Year 9 and above)"
        OTHER = "other", "Other advice"

    case = models.ForeignKey(
        "casework.Case", on_delete=models.CASCADE, related_name="advice_requests"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="advice_requests"
    )
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="advice_requests",
    )
    # Who answers a request with nobody named: a colleague the organisation's triage role
    # assigned it to, when and by whom (learners.access.advice_answered_by).
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="advice_assigned",
    )
    assigned_on = models.DateField(null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_on = models.DateField(help_text="The body's receipt of the request (Reg 8(1))")
    due_on = models.DateField(help_text="From the legal clock: 6 weeks")
    received_on = models.DateField(null=True, blank=True)
    summary = models.TextField(blank=True)
    # What the people asked have written so far and not sent: {"sections": {"C": text, ...},
    # "summary": text}. Only they see it (not the LA, not the family), and it is kept out of
    # the history, which records what was sent. Not editable, so the admin never shows it.
    draft = models.JSONField(null=True, blank=True, editable=False)
    draft_saved_at = models.DateTimeField(null=True, blank=True, editable=False)
    draft_saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Moves on with every save of the draft or the request, so a stale draft is refused.
    lock = lock_field()
    history = HistoricalRecords(
        excluded_fields=["modified_at", "draft", "draft_saved_at", "draft_saved_by", "lock"]
    )

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    draft__isnull=True, draft_saved_at__isnull=True, draft_saved_by__isnull=True
                )
                | Q(
                    draft__isnull=False, draft_saved_at__isnull=False, draft_saved_by__isnull=False
                ),
                name="advice_draft_says_when_and_who",
            ),
            models.CheckConstraint(
                condition=Q(
                    assigned_to__isnull=True, assigned_on__isnull=True, assigned_by__isnull=True
                )
                | Q(
                    assigned_to__isnull=False,
                    assigned_on__isnull=False,
                    assigned_by__isnull=False,
                    assigned_on__gte=F("requested_on"),
                ),
                name="advice_assignment_says_when_and_who",
            ),
            models.CheckConstraint(
                condition=Q(received_on__isnull=True) | Q(received_on__gte=F("requested_on")),
                name="advice_received_after_request",
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=F("requested_on")), name="advice_due_after_request"
            ),
        ]
        indexes = [
            models.Index(fields=["practitioner", "received_on"]),
            models.Index(fields=["organisation", "received_on"]),
            models.Index(fields=["assigned_to", "received_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for case {self.case_id}"


class AdviceSection(Tracked):
    """Advice text written for one section of the plan (health for C and G, and so on)."""

    advice_request = models.ForeignKey(
        AdviceRequest, on_delete=models.CASCADE, related_name="sections"
    )
    section = models.CharField(max_length=2, choices=Section.choices)
    text = models.TextField()

    class Meta:
        ordering = ["section"]
        constraints = [
            models.UniqueConstraint(
                fields=["advice_request", "section"], name="advice_section_once"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="advice_section_has_text"),
        ]

    def __str__(self) -> str:
        return f"Section {self.section} advice"
