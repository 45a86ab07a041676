"""Provision delivered, row by row: each quantified row of the plan in force is a commitment
with a delivery log, week by week (ADR 0135)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from sendplan.core.locking import lock_field
from sendplan.core.models import Tracked


class Responsible(models.TextChoices):
    """Who delivers the provision, as the family and the caseworker need to know it."""

    SETTING = "setting", "School or setting"
    HEALTH = "health", "Health"
    COUNCIL = "council", "Council"


class Period(models.TextChoices):
    WEEK = "week", "a week"
    FORTNIGHT = "fortnight", "a fortnight"
    TERM = "term", "a term"


class Commitment(Tracked):
    """A provision row of the plan in force, as something owed week by week.

    ``provision`` is the row in the latest issued version; when an amended version repeats
    the row word for word the commitment moves on to the new row, otherwise it ends the day
    before the new version was issued and a new commitment starts (ADR 0135).
    """

    class Quantified(models.TextChoices):
        READ = "read", "Read from the plan's words"
        CASEWORKER = "caseworker", "Set by the caseworker"

    plan = models.ForeignKey("casework.Plan", on_delete=models.PROTECT, related_name="commitments")
    learner = models.ForeignKey(
        "learners.Learner", on_delete=models.PROTECT, related_name="commitments"
    )
    provision = models.ForeignKey(
        "casework.PlanProvision", on_delete=models.PROTECT, related_name="commitments"
    )
    section = models.CharField(max_length=2)
    responsible = models.CharField(max_length=10, choices=Responsible.choices)
    # Whose staff record delivery: the organisation named in the row, or for section F
    # with none named, the setting named in section I.
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The setting named in section I, for the figures by setting.
    setting = models.ForeignKey(
        "provision.Setting", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    minutes_per_session = models.PositiveIntegerField(null=True, blank=True)
    sessions = models.PositiveSmallIntegerField(null=True, blank=True)
    period = models.CharField(max_length=10, choices=Period.choices, blank=True)
    quantified = models.CharField(max_length=12, choices=Quantified.choices, blank=True)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    lock = lock_field()
    history = HistoricalRecords(excluded_fields=["modified_at"])

    class Meta:
        ordering = ["plan", "section", "id"]
        indexes = [
            models.Index(fields=["organisation", "ended_on"], name="commitment_recorder"),
            models.Index(fields=["learner", "ended_on"], name="commitment_learner"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes_per_session__isnull=True, sessions__isnull=True, period="")
                | Q(
                    minutes_per_session__gte=1,
                    sessions__gte=1,
                    period__in=["week", "fortnight", "term"],
                ),
                name="commitment_quantity_whole",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="commitment_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Commitment {self.pk}"

    @property
    def is_quantified(self) -> bool:
        return self.minutes_per_session is not None


class MissedReason(models.TextChoices):
    LEARNER_ABSENT = "learner_absent", "The child or young person was absent"
    STAFF_ABSENT = "staff_absent", "Staff absent or post vacant"
    PROVIDER_CANCELLED = "provider_cancelled", "The provider cancelled or did not attend"
    SETTING_CLOSED = "setting_closed", "The setting was closed on a school day"
    OTHER = "other", "Another reason (say in the note)"


class DeliveryEntry(Tracked):
    """One week of one commitment: minutes delivered, minutes missed and why; or that no
    provision was due that week (a school holiday)."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="entries")
    week_starting = models.DateField(help_text="The Monday of the week")
    due = models.BooleanField(default=True, help_text="False: a holiday, nothing was due")
    # The minutes specified for the week when it was recorded, so the figures stay what they
    # were if the commitment is quantified again later.
    expected_minutes = models.PositiveIntegerField()
    delivered_minutes = models.PositiveIntegerField(default=0)
    missed_minutes = models.PositiveIntegerField(default=0)
    missed_reason = models.CharField(max_length=20, choices=MissedReason.choices, blank=True)
    note = models.TextField(blank=True)
    lock = lock_field()
    history = HistoricalRecords(excluded_fields=["modified_at"])

    class Meta:
        ordering = ["commitment", "-week_starting"]
        indexes = [models.Index(fields=["week_starting"], name="delivery_entry_week")]
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "week_starting"], name="delivery_entry_once_a_week"
            ),
            models.CheckConstraint(
                condition=Q(missed_minutes=0) | ~Q(missed_reason=""),
                name="delivery_entry_missed_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(due=True) | Q(delivered_minutes=0, missed_minutes=0),
                name="delivery_entry_nothing_when_not_due",
            ),
        ]

    def __str__(self) -> str:
        return f"Delivery of commitment {self.commitment_id} week of {self.week_starting}"


class WeeklyTotal(models.Model):
    """Minutes specified and delivered in one week, summed over the commitments that share a
    council, section, who is responsible, organisation and setting: what the manager's
    figures read, kept up to date by every entry recorded (``services``), and rebuilt from
    the entries by ``delivery_totals_rebuild``. Counts of minutes, no learner."""

    la = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    week_starting = models.DateField()
    section = models.CharField(max_length=2)
    responsible = models.CharField(max_length=10, choices=Responsible.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    setting = models.ForeignKey(
        "provision.Setting", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    expected_minutes = models.BigIntegerField(default=0)
    delivered_minutes = models.BigIntegerField(default=0)
    entries = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["la", "week_starting"]
        indexes = [models.Index(fields=["la", "week_starting"], name="weekly_total_la_week")]

    def __str__(self) -> str:
        return f"Delivery totals for the week of {self.week_starting}"
