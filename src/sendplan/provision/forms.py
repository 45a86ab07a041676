"""The register's filter form. GET parameters are fine here: the register holds no personal data."""

from __future__ import annotations

from django import forms

from sendplan.engine import NEEDS, PHASE_LABELS
from sendplan.provision.models import Setting
from sendplan.provision.selectors import RegisterFilter

AREA_CHOICES = [("in", "In the area"), ("out", "Out of the area")]


class RegisterFilterForm(forms.Form):
    text = forms.CharField(
        label="Name or URN",
        required=False,
        max_length=100,
        error_messages={"max_length": "Name or URN must be 100 characters or fewer"},
    )
    need = forms.MultipleChoiceField(
        label="Need the places are designated for",
        widget=forms.CheckboxSelectMultiple,
        choices=[(code, f"{label} ({code})") for code, label in NEEDS.items()],
        required=False,
        error_messages={"invalid_choice": "Select needs from the list"},
    )
    phase = forms.MultipleChoiceField(
        label="Phase",
        widget=forms.CheckboxSelectMultiple,
        choices=list(PHASE_LABELS.items()),
        required=False,
        error_messages={"invalid_choice": "Select phases from the list"},
    )
    vacancies = forms.BooleanField(label="Only settings with vacancies", required=False)
    area = forms.MultipleChoiceField(
        label="Location",
        widget=forms.CheckboxSelectMultiple,
        choices=AREA_CHOICES,
        required=False,
        error_messages={"invalid_choice": "Select in the area, out of the area, or both"},
    )
    kind = forms.MultipleChoiceField(
        label="Kind of setting",
        widget=forms.CheckboxSelectMultiple,
        choices=Setting.Kind.choices,
        required=False,
        error_messages={"invalid_choice": "Select kinds of setting from the list"},
    )

    def to_filter(self) -> RegisterFilter:
        """The valid part of what was asked for; a field with an error narrows nothing."""
        data = getattr(self, "cleaned_data", {})
        return RegisterFilter(
            needs=tuple(data.get("need") or ()),
            phases=tuple(data.get("phase") or ()),
            has_vacancies=bool(data.get("vacancies")),
            areas=tuple(data.get("area") or ()),
            kinds=tuple(data.get("kind") or ()),
            text=data.get("text") or "",
        )
