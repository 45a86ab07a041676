"""What a family sends through their pages: comments on the draft plan."""

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
