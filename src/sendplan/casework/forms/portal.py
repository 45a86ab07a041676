"""Forms of the advice portal and the family pages: parsing and shape checks only."""

from __future__ import annotations

from typing import Any

from django import forms

from sendplan.casework.models import Section

YES_NO = (("yes", "Yes"), ("no", "No"))


class AdviceForm(forms.Form):
    """One textarea per plan section this kind of advice informs, and an optional summary."""

    summary = forms.CharField(required=False, max_length=5000)

    def __init__(self, *args: Any, sections: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sections = sections
        for section in sections:
            self.fields[f"section_{section}"] = forms.CharField(required=False, max_length=20000)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not any(
            cleaned.get(f"section_{s}", "").strip() for s in self.sections
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
