"""Preparing for adulthood and the pathway to 25: progress on the four adulthood outcomes at
each review from Year 9, and each young person's transition from 14 to 25 (destinations at
16, at 19, on leaving and a year after; the Care Act assessment; the move to adult health
services).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from sendplan.core.locking import lock_field
from sendplan.core.models import Tracked


class Outcome(models.TextChoices):
    """The four preparing-for-adulthood outcomes (CoP 8.5)."""

    EMPLOYMENT = "employment", "Employment or higher education"
    INDEPENDENT_LIVING = "independent_living", "Independent living"
    COMMUNITY = "community", "Friends, relationships and community"
    HEALTH = "health", "Good health"


class Progress(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    EMERGING = "emerging", "Some progress"
    ON_TRACK = "on_track", "On track"
    ACHIEVED = "achieved", "Achieved"


#: Each outcome's fields on :class:`AdulthoodProgress`: its progress and its note.
OUTCOME_FIELDS: dict[str, tuple[str, str]] = {
    o.value: (f"{o.value}_progress", f"{o.value}_note") for o in Outcome
}


class AdulthoodProgress(Tracked):
    """Progress on the four outcomes recorded at one review (Regs 20(6), 21(6))."""

    review = models.OneToOneField(
        "casework.Review", on_delete=models.CASCADE, related_name="adulthood"
    )
    employment_progress = models.CharField(max_length=20, choices=Progress.choices)
    employment_note = models.TextField(blank=True)
    independent_living_progress = models.CharField(max_length=20, choices=Progress.choices)
    independent_living_note = models.TextField(blank=True)
    community_progress = models.CharField(max_length=20, choices=Progress.choices)
    community_note = models.TextField(blank=True)
    health_progress = models.CharField(max_length=20, choices=Progress.choices)
    health_note = models.TextField(blank=True)
    lock = lock_field()

    def __str__(self) -> str:
        return f"Adulthood progress at review {self.review_id}"


class DestinationKind(models.TextChoices):
    SCHOOL_SIXTH_FORM = "school_sixth_form", "School sixth form"
    COLLEGE = "college", "College"
    SPECIALIST_POST16 = "specialist_post16", "Specialist post-16 institution"
    SUPPORTED_INTERNSHIP = "supported_internship", "Supported internship"
    APPRENTICESHIP = "apprenticeship", "Apprenticeship"
    EMPLOYMENT = "employment", "Employment"
    HIGHER_EDUCATION = "higher_education", "Higher education"
    ADULT_SOCIAL_CARE = "adult_social_care", "Adult social care"
    NONE = "none", "None (not in education, employment or training)"


class Destination(Tracked):
    """Where a young person is planned to go, and went, at one point of the pathway."""

    class Stage(models.TextChoices):
        AT_16 = "at_16", "At 16"
        AT_19 = "at_19", "At 19"
        ON_LEAVING = "on_leaving", "On leaving the plan"
        YEAR_AFTER = "year_after", "A year after leaving"

    learner = models.ForeignKey(
        "learners.Learner", on_delete=models.CASCADE, related_name="destinations"
    )
    stage = models.CharField(max_length=20, choices=Stage.choices)
    planned_kind = models.CharField(max_length=30, choices=DestinationKind.choices, blank=True)
    planned_setting = models.ForeignKey(
        "provision.Setting", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actual_kind = models.CharField(max_length=30, choices=DestinationKind.choices, blank=True)
    actual_setting = models.ForeignKey(
        "provision.Setting", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actual_from = models.DateField("Started", null=True, blank=True)
    note = models.TextField(blank=True)
    lock = lock_field()

    class Meta:
        ordering = ["learner", "stage"]
        constraints = [
            models.UniqueConstraint(fields=["learner", "stage"], name="destination_once"),
            models.CheckConstraint(
                condition=Q(actual_setting__isnull=True) | ~Q(actual_kind=""),
                name="destination_actual_setting_has_kind",
            ),
            models.CheckConstraint(
                condition=Q(planned_setting__isnull=True) | ~Q(planned_kind=""),
                name="destination_planned_setting_has_kind",
            ),
        ]
        indexes = [models.Index(fields=["stage", "actual_kind"])]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} for learner {self.learner_id}"


class Transition(Tracked):
    """A young person's move to adult services: the Care Act transition assessment (for
    those likely to need care and support as adults) and the move to adult health care."""

    class Health(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        PLANNED = "planned", "Planned"
        MOVED = "moved", "Moved to adult health services"
        NOT_NEEDED = "not_needed", "Not needed"

    learner = models.OneToOneField(
        "learners.Learner", on_delete=models.CASCADE, related_name="transition"
    )
    likely_needs_adult_care = models.BooleanField(
        default=False, help_text="Likely to need care and support as an adult (Care Act s58)"
    )
    care_act_requested_on = models.DateField(null=True, blank=True)
    care_act_completed_on = models.DateField(null=True, blank=True)
    health_transition = models.CharField(
        max_length=20, choices=Health.choices, default=Health.NOT_STARTED
    )
    adult_health_from = models.DateField(null=True, blank=True)
    adult_health_lead = models.CharField(max_length=200, blank=True)
    lock = lock_field()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(care_act_completed_on__isnull=True)
                | Q(care_act_requested_on__isnull=True)
                | Q(care_act_completed_on__gte=models.F("care_act_requested_on")),
                name="transition_care_act_completed_after_request",
            ),
        ]

    def __str__(self) -> str:
        return f"Transition of learner {self.learner_id}"
