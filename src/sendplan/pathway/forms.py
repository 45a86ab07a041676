"""Forms of the pathway pages: adulthood progress at a review, a destination, and the move to
adult care and health services."""

from __future__ import annotations

from typing import Any

from django import forms

from sendplan.pathway.models import OUTCOME_FIELDS, DestinationKind, Outcome, Progress, Transition
from sendplan.provision.models import Setting
from sendplan.web.forms import GovukDateField, chooser

_HINTS = {
    Outcome.EMPLOYMENT: "Paid work, an apprenticeship or supported internship, college or "
    "university: what they want to do and the steps taken towards it",
    Outcome.INDEPENDENT_LIVING: "Where and with whom they want to live, travelling, money, "
    "looking after themselves",
    Outcome.COMMUNITY: "Friendships, relationships, clubs, volunteering and taking part in "
    "their community",
    Outcome.HEALTH: "Staying healthy, managing their own health, the move to adult health services",
}


class AdulthoodForm(forms.Form):
    """Progress on each of the four outcomes, with a note in the young person's own words
    where they gave them."""

    expected_lock = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for outcome in Outcome:
            level, note = OUTCOME_FIELDS[outcome.value]
            self.fields[level] = forms.ChoiceField(
                label=f"{outcome.label}: progress",
                help_text=_HINTS[outcome],
                choices=Progress.choices,
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose the progress on {outcome.label.lower()}"},
            )
            self.fields[note] = forms.CharField(
                label=f"{outcome.label}: what was said and agreed",
                required=False,
                widget=forms.Textarea,
                max_length=4000,
            )

    def progress(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        return {o: (data[level], data.get(note, "")) for o, (level, note) in OUTCOME_FIELDS.items()}


def pathway_settings() -> list[tuple[str, str]]:
    """The register's open places for young people from 16: post-16 and post-19 options."""
    rows = (
        Setting.objects.filter(is_open=True, max_age__gte=16)
        .order_by("name")
        .values_list("pk", "name", "la_name", "in_area")
    )
    return [("", "Not a place on the register")] + [
        (str(pk), f"{name} ({'in the area' if local else la or 'out of area'})")
        for pk, name, la, local in rows
    ]


class DestinationForm(forms.Form):
    planned_kind = forms.ChoiceField(
        label="Planned destination",
        choices=[("", "Not planned yet"), *DestinationKind.choices],
        required=False,
    )
    planned_setting = forms.TypedChoiceField(
        label="Planned place",
        help_text="Type to find a college, provider or setting on the register of places",
        coerce=int,
        empty_value=None,
        required=False,
        widget=chooser(),
    )
    actual_kind = forms.ChoiceField(
        label="Actual destination",
        choices=[("", "Not known yet"), *DestinationKind.choices],
        required=False,
    )
    actual_setting = forms.TypedChoiceField(
        label="Actual place",
        coerce=int,
        empty_value=None,
        required=False,
        widget=chooser(),
    )
    actual_from = GovukDateField(label_text="Date they started", past_only=False, required=False)
    note = forms.CharField(label="Notes", required=False, widget=forms.Textarea, max_length=4000)
    expected_lock = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        places = pathway_settings()
        self.fields["planned_setting"].choices = places  # type: ignore[attr-defined]
        self.fields["actual_setting"].choices = places  # type: ignore[attr-defined]


class TransitionForm(forms.Form):
    likely_needs_adult_care = forms.TypedChoiceField(
        label="Is the young person likely to need care and support as an adult?",
        help_text="If so, a Care Act transition assessment is flagged to you by age 17½",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether they are likely to need adult care"},
    )
    care_act_requested_on = GovukDateField(
        label_text="Date the Care Act transition assessment was asked for",
        past_only=False,
        required=False,
    )
    care_act_completed_on = GovukDateField(
        label_text="Date the Care Act transition assessment was finished",
        past_only=False,
        required=False,
    )
    health_transition = forms.ChoiceField(
        label="Move from children's to adult health services",
        choices=Transition.Health.choices,
        widget=forms.RadioSelect,
    )
    adult_health_from = GovukDateField(
        label_text="Date adult health services took over", past_only=False, required=False
    )
    adult_health_lead = forms.CharField(
        label="Adult health lead",
        help_text="The service or practitioner who leads their health care as an adult",
        required=False,
        max_length=200,
    )
    expected_lock = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
