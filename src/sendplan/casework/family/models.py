"""What a family sends through their pages: comments on the draft plan and the school or
college they would like."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from sendplan.core.models import Tracked


class FamilyComment(Tracked):
    """Comments from the parent or young person on a draft out for comments.

    ``finished`` records that the family said this is everything they want to say: only then
    may the council issue the final plan before the 15 days are up.
    """

    case = models.ForeignKey(
        "casework.Case", on_delete=models.CASCADE, related_name="family_comments"
    )
    version = models.ForeignKey(
        "casework.PlanVersion", on_delete=models.PROTECT, related_name="family_comments"
    )
    given_on = models.DateField()
    text = models.TextField()
    finished = models.BooleanField(default=False)

    class Meta:
        ordering = ["given_on", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="family_comment_has_text"),
        ]

    def __str__(self) -> str:
        return f"Family comment {self.pk} on case {self.case_id}"


class SettingType(models.TextChoices):
    """Kinds of setting a family may ask for when they have no one setting in mind."""

    MAINSTREAM = "mainstream", "A mainstream school"
    RESOURCED = "resourced", "A mainstream school with a specialist unit or resourced provision"
    SPECIAL = "special", "A special school"
    COLLEGE = "college", "A further education college"
    EARLY_YEARS = "early_years", "A nursery or early years setting"
    OTHER = "other", "Something else"


class FamilyPreference(Tracked):
    """The school or college the family would like named in the plan (s38(2)(b) CFA 2014):
    one setting from the register, or a type of setting. The latest one given stands."""

    case = models.ForeignKey(
        "casework.Case", on_delete=models.CASCADE, related_name="family_preferences"
    )
    setting = models.ForeignKey(
        "provision.Setting", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    setting_type = models.CharField(max_length=20, choices=SettingType.choices, blank=True)
    reason = models.TextField(blank=True)
    given_on = models.DateField()

    class Meta:
        ordering = ["-given_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(setting__isnull=False) & Q(setting_type=""))
                | (Q(setting__isnull=True) & ~Q(setting_type="")),
                name="family_preference_setting_or_type",
            ),
        ]

    def __str__(self) -> str:
        return f"Family preference {self.pk} on case {self.case_id}"
