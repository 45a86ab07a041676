"""Forms of the advice portal and the family pages: parsing and shape checks only."""

from __future__ import annotations

from typing import Any

from django import forms

from sendplan.casework.models import Section
from sendplan.casework.models.advice import ADVICE_SECTION_MAX, ADVICE_SUMMARY_MAX

YES_NO = (("yes", "Yes"), ("no", "No"))


class AdviceForm(forms.Form):
    """One textarea per plan section this kind of advice informs, and an optional summary.

    ``draft=True`` is for "Save as draft": a draft may be incomplete, so only the lengths are
    checked. Otherwise at least one section must be written, as for sending.
    """

    summary = forms.CharField(
        required=False,
        max_length=ADVICE_SUMMARY_MAX,
        error_messages={
            "max_length": f"Anything else must be {ADVICE_SUMMARY_MAX:,} characters or fewer"
        },
    )

    def __init__(
        self, *args: Any, sections: tuple[str, ...], draft: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.sections = sections
        self.draft = draft
        for section in sections:
            self.fields[f"section_{section}"] = forms.CharField(
                required=False,
                max_length=ADVICE_SECTION_MAX,
                error_messages={
                    "max_length": f"Section {section} must be {ADVICE_SECTION_MAX:,} "
                    "characters or fewer"
                },
            )

    @classmethod
    def initial_from(cls, draft: dict[str, Any] | None) -> dict[str, str]:
        """The form's initial values from a saved draft (see ``AdviceRequest.draft``)."""
        if not draft:
            return {}
        initial = {f"section_{s}": str(t) for s, t in draft.get("sections", {}).items()}
        initial["summary"] = str(draft.get("summary", ""))
        return initial

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            not self.draft
            and not self.errors
            and not any(cleaned.get(f"section_{s}", "").strip() for s in self.sections)
        ):
            self.add_error(
                f"section_{self.sections[0]}", "Write your advice in at least one section"
            )
        return cleaned

    def section_texts(self) -> dict[str, str]:
        return {s: self.cleaned_data.get(f"section_{s}", "") for s in self.sections}

    def section_fields(self) -> list[tuple[str, str, forms.BoundField]]:
        return [(s, Section(s).label, self[f"section_{s}"]) for s in self.sections]


class FamilyCommentForm(forms.Form):
    text = forms.CharField(
        max_length=20000, error_messages={"required": "Write your comments on the draft plan"}
    )
    finished = forms.ChoiceField(
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if this is everything you want to say"},
    )


class FamilyViewsForm(forms.Form):
    """One part of section A. Blank is allowed: "skip for now" saves nothing."""

    text = forms.CharField(required=False, max_length=20000)
    lock = forms.IntegerField(widget=forms.HiddenInput)
