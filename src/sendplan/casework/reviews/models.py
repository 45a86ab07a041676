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

    class ViewsHow(models.TextChoices):
        CONVERSATION = "conversation", "Talking with a trusted adult"
        SYMBOLS = "symbols", "Pictures, symbols or talking mats"
        DRAWING = "drawing", "Drawing, photographs or video"
        AAC = "aac", "Their communication aid or signing"
        OBSERVATION = "observation", "Observed by people who know them well"
        WRITTEN = "written", "Written by them, or a questionnaire"
        AT_MEETING = "at_meeting", "Said at the meeting themselves"

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
    # The setting's steps (Regs 20, 21): advice asked for, the child's or young person's
    # own views, and the review report with its proposed changes (``ReviewChange``).
    advice_requested_on = models.DateField(null=True, blank=True)
    advice_from = models.TextField(blank=True, help_text="Who was asked for advice")
    advice_circulated_on = models.DateField(null=True, blank=True)
    views_gathered_on = models.DateField(null=True, blank=True)
    views_how = models.CharField(max_length=20, choices=ViewsHow.choices, blank=True)
    views_helped_by = models.CharField(max_length=200, blank=True)
    views_words = models.TextField(
        blank=True, help_text="The child's or young person's own words, as they gave them"
    )
    report_summary = models.TextField(blank=True)
    report_recommendation = models.CharField(max_length=20, choices=Decision.choices, blank=True)
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


class ReviewInvitation(Tracked):
    """Someone invited to the review meeting: the family or young person, the caseworker,
    practitioners involved (Regs 20(2), 21(2)). Taken from the learner's involvements."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="invitations")
    involvement = models.ForeignKey(
        "learners.Involvement", on_delete=models.PROTECT, related_name="+"
    )
    sent_on = models.DateField()

    class Meta:
        ordering = ["review", "id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "involvement"], name="review_invite_once")
        ]

    def __str__(self) -> str:
        return f"Invitation {self.pk} to review {self.review_id}"


class ReviewChange(Tracked):
    """A change the review proposes to one row of the plan (B–D needs, E outcomes, F–H
    provision): change its words, remove it, or add a row. Rows with no change are kept.

    The caseworker accepts or rejects each; accepted changes are made to the amended draft.
    """

    class Action(models.TextChoices):
        CHANGE = "change", "Change to new wording"
        REMOVE = "remove", "Remove"
        ADD = "add", "Add a new row"

    class Answer(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="changes")
    section = models.CharField(max_length=2)
    action = models.CharField(max_length=10, choices=Action.choices)
    # The row of the issued plan the change is about; when adding, the outcome an added
    # provision row serves, or the need an added outcome answers (none for an added need).
    need = models.ForeignKey(
        "casework.PlanNeed", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    outcome = models.ForeignKey(
        "casework.PlanOutcome", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    provision = models.ForeignKey(
        "casework.PlanProvision", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The new words: ``text`` for a need or outcome, the four parts of a provision row.
    text = models.TextField(blank=True)
    what = models.TextField(blank=True)
    how_much = models.CharField(max_length=200, blank=True)
    how_often = models.CharField(max_length=200, blank=True)
    delivered_by = models.CharField(max_length=200, blank=True)
    reason = models.TextField(blank=True)
    answer = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    answered_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["review", "section", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action="add")
                | Q(need__isnull=False)
                | Q(outcome__isnull=False)
                | Q(provision__isnull=False),
                name="review_change_names_its_row",
            ),
            models.UniqueConstraint(
                fields=["review", "need"],
                condition=Q(need__isnull=False) & ~Q(action="add"),
                name="review_change_need",
            ),
            models.UniqueConstraint(
                fields=["review", "outcome"],
                condition=Q(outcome__isnull=False) & ~Q(action="add"),
                name="review_change_outcome",
            ),
            models.UniqueConstraint(
                fields=["review", "provision"],
                condition=Q(provision__isnull=False) & ~Q(action="add"),
                name="review_change_provision",
            ),
        ]

    def __str__(self) -> str:
        return f"Proposed change {self.pk} to review {self.review_id}"

    @property
    def is_provision(self) -> bool:
        return self.section in ("F", "G", "H1", "H2")
