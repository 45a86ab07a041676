"""Forms for the planning pages: they parse what was typed; services decide the rest."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from sendplan.engine import NEEDS, PHASE_LABELS
from sendplan.planning.cohort import SPECIALIST_KINDS
from sendplan.planning.geography import wards
from sendplan.planning.models import AreaPlanningSettings
from sendplan.planning.stability import DEFAULT_MOVE_COST
from sendplan.provision.models import ProvisionStrand, Setting
from sendplan.web.forms import DATE_PARTS, GovukDateField, chooser

KIND_CHOICES = list(ProvisionStrand.Kind.choices)


class CohortForm(forms.Form):
    phase_transfers = forms.BooleanField(
        required=False,
        initial=True,
        label="Phase transfers for next September (aged 11 or 16 on 31 August)",
    )
    independent = forms.BooleanField(
        required=False, initial=True, label="Learners now in independent placements"
    )
    without_placement = forms.BooleanField(
        required=False, initial=False, label="Learners with no current placement (new plans)"
    )
    kinds = forms.MultipleChoiceField(
        choices=KIND_CHOICES,
        initial=list(SPECIALIST_KINDS),
        widget=forms.CheckboxSelectMultiple,
        label="Kinds of place the optimiser may propose",
        error_messages={"required": "Select at least one kind of place"},
    )
    move_cost = forms.IntegerField(
        min_value=0,
        max_value=500_000,
        required=False,
        initial=DEFAULT_MOVE_COST,
        label="Cost of a move, pounds a year",
        error_messages={
            "invalid": "Cost of a move must be a whole number of pounds",
            "min_value": "Cost of a move must be 0 or more",
            "max_value": "Cost of a move must be £500,000 or less",
        },
    )

    def clean_move_cost(self) -> int:
        """Left empty, the move cost is the default (``stability.DEFAULT_MOVE_COST``)."""
        value = self.cleaned_data.get("move_cost")
        return DEFAULT_MOVE_COST if value is None else int(value)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (
            data.get("phase_transfers") or data.get("independent") or data.get("without_placement")
        ):
            raise forms.ValidationError("Select at least one group of learners to plan for")
        return data


class AreaSettingsForm(forms.ModelForm):
    lock = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = AreaPlanningSettings
        fields = ["cost_per_km", "unplaced_cost", "max_km", "new_plan_months", "independent_review"]
        error_messages = {
            f: {"invalid": "Enter a whole number", "required": "Enter a whole number"}
            for f in ("cost_per_km", "unplaced_cost", "max_km")
        } | {
            "new_plan_months": {
                "invalid": "Months a plan counts as new must be a whole number",
                "required": "Enter how many months a plan counts as new",
                "max_value": "Months a plan counts as new must be 36 or fewer",
            }
        }


NEW, ENLARGE = "new", "enlarge"


class WhatIfForm(forms.Form):
    mode = forms.ChoiceField(
        choices=[(NEW, "Add a new strand of places"), (ENLARGE, "Enlarge an existing strand")],
        initial=NEW,
        label="What would the area do?",
        widget=forms.RadioSelect,
    )
    places = forms.IntegerField(
        min_value=1,
        max_value=2000,
        label="Number of places",
        error_messages={
            "required": "Enter the number of places",
            "invalid": "Number of places must be a whole number",
            "min_value": "Number of places must be 1 or more",
            "max_value": "Number of places must be 2,000 or fewer",
        },
    )
    strand = forms.TypedChoiceField(
        coerce=int, required=False, label="Strand to enlarge", widget=chooser()
    )
    needs = forms.MultipleChoiceField(
        choices=list(NEEDS.items()),
        required=False,
        label="Needs the new places are for",
        widget=forms.CheckboxSelectMultiple,
    )
    phases = forms.MultipleChoiceField(
        choices=list(PHASE_LABELS.items()),
        required=False,
        label="Phases",
        widget=forms.CheckboxSelectMultiple,
    )
    ward = forms.ChoiceField(required=False, label="Ward")
    setting = forms.TypedChoiceField(
        coerce=int,
        required=False,
        empty_value=None,
        label="Or at an existing setting",
        widget=chooser(),
    )
    annual_cost = forms.IntegerField(
        min_value=0,
        max_value=500_000,
        required=False,
        label="Annual cost per place, pounds",
        error_messages={"invalid": "Annual cost must be a whole number of pounds"},
    )
    label = forms.CharField(max_length=100, required=False, label="Name for the new places")

    def __init__(self, *args: Any, strands: list[ProvisionStrand], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["strand"]).choices = [("", "Choose a strand")] + [
            (s.pk, f"{s.setting.name}: {s.get_kind_display()} ({s.vacancies} free)")
            for s in strands
        ]
        cast(forms.ChoiceField, self.fields["ward"]).choices = [("", "Choose a ward")] + [
            (w.code, w.name) for w in wards()
        ]
        settings = Setting.objects.filter(
            is_open=True, in_area=True, latitude__isnull=False
        ).order_by("name")
        cast(forms.ChoiceField, self.fields["setting"]).choices = [("", "None")] + [
            (s.pk, s.name) for s in settings.only("pk", "name")
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("mode") == ENLARGE:
            if not data.get("strand"):
                self.add_error("strand", "Choose the strand to enlarge")
            return data
        if not data.get("needs"):
            self.add_error("needs", "Select the needs the new places are for")
        if not data.get("phases"):
            self.add_error("phases", "Select the phases the new places are for")
        if not data.get("ward") and not data.get("setting"):
            self.add_error("ward", "Choose a ward or an existing setting for the new places")
        if data.get("annual_cost") is None and "annual_cost" not in self.errors:
            self.add_error("annual_cost", "Enter the annual cost per place")
        return data

    def to_spec(self) -> dict[str, Any]:
        d = self.cleaned_data
        if d["mode"] == ENLARGE:
            return {"mode": ENLARGE, "strand_id": d["strand"], "places": d["places"]}
        return {
            "mode": NEW,
            "places": d["places"],
            "needs": list(d["needs"]),
            "phases": list(d["phases"]),
            "ward_code": d.get("ward") or "",
            "setting_id": d.get("setting") or None,
            "annual_cost": d["annual_cost"],
            "label": d.get("label") or "New places (what-if)",
        }


ACCEPT, REJECT = "accept", "reject"


class DecisionForm(forms.Form):
    """An officer's decision on one proposal. The service checks the record; this checks
    what was typed, including that accepting has a start date and rejecting a reason."""

    decision = forms.ChoiceField(
        choices=[
            (ACCEPT, "Accept: propose this place as an amendment to the plan"),
            (REJECT, "Reject the proposal"),
        ],
        label="Your decision",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you accept or reject the proposal"},
    )
    reason = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea,
        label="Reason for the decision",
        error_messages={"max_length": "Reason must be 2,000 characters or fewer"},
    )
    starts_on = GovukDateField(
        label_text="Date the learner starts at the new place", past_only=False, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == REJECT and not (data.get("reason") or "").strip():
            self.add_error("reason", "Enter the reason for rejecting the proposal")
        if (
            data.get("decision") == ACCEPT
            and data.get("starts_on") is None
            and "starts_on" not in self.errors
        ):
            cast(GovukDateField, self.fields["starts_on"]).error_parts = DATE_PARTS
            self.add_error("starts_on", "Enter the date the learner starts at the new place")
        return data
