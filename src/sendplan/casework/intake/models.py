"""A request for an EHC needs assessment as it was made: who asked, how it arrived, the
child as the requester described them, and their words; with its reference and the case it
started."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from sendplan.casework.case.models import Case
from sendplan.core.models import Tracked


class AssessmentRequest(Tracked):
    class Channel(models.TextChoices):
        ONLINE = "online", "Online"
        POST = "post", "Post"
        PHONE = "phone", "Phone"
        EMAIL = "email", "Email"

    class Status(models.TextChoices):
        #: Waiting for a caseworker to confirm the child's record and take the case.
        TO_CONFIRM = "to_confirm", "To confirm"
        CONFIRMED = "confirmed", "Confirmed"

    #: What the requester quotes: random, with no personal data (``intake.reference``).
    reference = models.CharField(max_length=9, unique=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="assessment_request")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who asked online; empty for a request recorded by a caseworker",
    )
    requester_organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The school or college that asked, for a setting's request",
    )
    # The child as the requester described them (the record may differ once confirmed).
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    postcode = models.CharField(max_length=10, blank=True)
    school = models.CharField(max_length=200, blank=True)
    upn = models.CharField("Unique pupil number", max_length=13, blank=True)
    # In the requester's words.
    needs = models.TextField(blank=True)
    tried = models.TextField(blank=True)
    #: For a setting's request: whether the family know it is being made (CoP 9.9).
    family_aware = models.BooleanField(null=True, blank=True)
    family_not_told_why = models.TextField(blank=True)

    status = models.CharField(max_length=12, choices=Status.choices, default=Status.TO_CONFIRM)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    #: The confirmation found the provisional record was a child the council already knew.
    merged = models.BooleanField(default=False)

    history = HistoricalRecords(excluded_fields=["modified_at"])

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="to_confirm", confirmed_at__isnull=True)
                | Q(status="confirmed", confirmed_at__isnull=False),
                name="assessment_request_confirmed_when",
            ),
        ]

    def __str__(self) -> str:
        return f"Request {self.reference}"
