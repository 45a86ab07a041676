"""Forms for what the LA enters. They check shape (whole pounds, a year, a percentage);
the services save, with who and when."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone

from sendplan.core.locking import lock_of
from sendplan.engine import financial_year, financial_year_label
from sendplan.provision.models import ProvisionStrand
from sendplan.sufficiency.models import (
    COST_FIELDS,
    Assumptions,
    CentralLineKind,
    CentralSpend,
    HighNeedsBudget,
    NewProvision,
    Scenario,
)
from sendplan.web.forms import DATE_PARTS, GovukDateField, chooser

_POUNDS = {
    "required": "Enter an amount in pounds",
    "invalid": "Enter an amount in whole pounds, like 12000",
    "min_value": "Amount must be 0 or more",
}


class _Govuk:
    """GOV.UK error messages for whole numbers, and the list the error summary links to."""

    def error_list(self) -> list[dict[str, str]]:
        form: forms.BaseForm = self  # type: ignore[assignment]
        return [
            {"href": f"#{name if name != '__all__' else 'main-content'}", "text": str(error)}
            for name, errors in form.errors.items()
            for error in errors
        ]


class AssumptionsForm(_Govuk, forms.ModelForm):
    lock = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Assumptions
        fields = [*COST_FIELDS, "growth_override_pct", "use_register_costs", "central_uplift_pct"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in COST_FIELDS:
            self.fields[name].error_messages.update(_POUNDS)
        self.fields["growth_override_pct"].error_messages.update(
            {
                "invalid": "Enter growth as a number, like 6.5",
                "min_value": "Growth must be -20 or more",
                "max_value": "Growth must be 40 or less",
                "max_decimal_places": "Growth can have 1 decimal place",
            }
        )
        self.fields["central_uplift_pct"].error_messages.update(
            {
                "required": "Enter the uplift for central spend, like 2",
                "invalid": "Enter the uplift for central spend as a number, like 2.5",
                "min_value": "The uplift for central spend must be -10 or more",
                "max_value": "The uplift for central spend must be 20 or less",
                "max_decimal_places": "The uplift for central spend can have 1 decimal place",
                "max_digits": "The uplift for central spend must be 20 or less",
            }
        )
        if not self.is_bound:
            self.initial["lock"] = lock_of(self.instance)


class NewProvisionForm(_Govuk, forms.ModelForm):
    class Meta:
        model = NewProvision
        fields = ["name", "kind", "need", "phase", "places", "opens_year", "cost_per_place"]
        error_messages = {
            "name": {"required": "Enter a name for the provision"},
            "kind": {"required": "Select the kind of places"},
            "places": {
                "required": "Enter the number of places",
                "invalid": "Places must be a whole number, like 20",
                "min_value": "Places must be 1 or more",
            },
            "opens_year": {
                "required": "Enter the year it opens",
                "invalid": "Year must be a whole number, like 2027",
                "min_value": "Year must be 2020 or later",
                "max_value": "Year must be 2050 or earlier",
            },
            "cost_per_place": {"invalid": "Enter an amount in whole pounds, like 25000"},
        }


class PartsForm(_Govuk, forms.Form):
    """Two or more of the LA's scenarios to project together. Scenarios that are
    combinations themselves are not offered (ADR 0149)."""

    parts = forms.MultipleChoiceField(
        label="Scenarios to combine",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select 2 or more scenarios to combine",
            "invalid_choice": "Select scenarios from the list",
        },
    )

    def __init__(self, *args: Any, scenarios: list[Scenario], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parts"].choices = [  # type: ignore[attr-defined]
            (str(s.pk), s.name) for s in scenarios
        ]

    def clean_parts(self) -> list[int]:
        chosen = [int(v) for v in self.cleaned_data["parts"]]
        if len(chosen) < 2:
            raise forms.ValidationError("Select 2 or more scenarios to combine")
        return chosen


class CombineForm(PartsForm):
    """A new combination: its scenarios and its name."""

    name = forms.CharField(
        label="Name of the combined scenario",
        max_length=100,
        error_messages={
            "required": "Enter a name for the combined scenario",
            "max_length": "Name must be 100 characters or fewer",
        },
    )
    description = forms.CharField(label="Description (optional)", max_length=500, required=False)


class CombinationPartsForm(PartsForm):
    """A combination's scenarios, changed from the version the page was read at."""

    lock = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class ScenarioForm(_Govuk, forms.ModelForm):
    # The lock of the scenario the user read (0 for a new one).
    lock = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    class Meta:
        model = Scenario
        fields = [
            "name",
            "description",
            "special_places",
            "resourced_places",
            "independent_reduction_pct",
            "growth_pct",
            "start_year",
            "need",
            "phase",
        ]
        error_messages = {
            "name": {"required": "Enter a name for the scenario"},
            "special_places": {"invalid": "Places must be a whole number, like 20"},
            "resourced_places": {"invalid": "Places must be a whole number, like 20"},
            "independent_reduction_pct": {
                "invalid": "Enter a whole percentage, like 20",
                "max_value": "Percentage must be 100 or less",
            },
            "growth_pct": {"invalid": "Enter growth as a number, like 6.5"},
            "start_year": {
                "required": "Enter the year the change starts",
                "invalid": "Year must be a whole number, like 2027",
                "min_value": "Year must be 2020 or later",
                "max_value": "Year must be 2050 or earlier",
            },
        }

    def __init__(self, *args: Any, la_code: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.la_code = la_code
        for name in ("special_places", "resourced_places", "independent_reduction_pct"):
            self.fields[name].required = False
        if not self.is_bound:
            self.initial["lock"] = lock_of(self.instance)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in ("special_places", "resourced_places", "independent_reduction_pct"):
            if cleaned.get(name) is None and name not in self.errors:
                cleaned[name] = 0
        levers = (
            cleaned.get("special_places"),
            cleaned.get("resourced_places"),
            cleaned.get("independent_reduction_pct"),
            cleaned.get("growth_pct"),
        )
        # A combination's changes are its parts' (ADR 0149): its own may all be none.
        combines = self.instance.pk is not None and self.instance.combines.exists()
        if not self.errors and not combines and not any(v not in (None, 0) for v in levers):
            self.add_error(
                "special_places",
                "Enter at least one change: extra places, fewer independent placements or growth",
            )
        return cleaned


class BudgetForm(_Govuk, forms.ModelForm):
    lock = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = HighNeedsBudget
        fields = ["amount", "deficit_brought_forward"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["amount"].error_messages.update(_POUNDS)
        self.fields["amount"].validators.append(MaxValueValidator(10_000_000_000))
        self.fields["amount"].error_messages["max_value"] = "Amount must be £10,000,000,000 or less"
        deficit = self.fields["deficit_brought_forward"]
        deficit.label = "Cumulative DSG deficit brought forward at 1 April (optional)"
        deficit.error_messages["invalid"] = (
            "Enter the deficit in whole pounds, like 15000000, or a surplus with a minus sign"
        )
        deficit.validators += [
            MinValueValidator(-10_000_000_000),
            MaxValueValidator(10_000_000_000),
        ]
        deficit.error_messages["max_value"] = "Deficit must be £10,000,000,000 or less"
        deficit.error_messages["min_value"] = "Surplus must be £10,000,000,000 or less"
        if not self.is_bound:
            self.initial["lock"] = lock_of(self.instance)


class CentralSpendForm(_Govuk, forms.ModelForm):
    """A line of central high-needs spend: the year from last year to five years ahead."""

    # The lock of the line the user read (0 for a new one).
    lock = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    financial_year = forms.TypedChoiceField(
        label="Financial year", coerce=int, error_messages={"required": "Select the year"}
    )

    class Meta:
        model = CentralSpend
        fields = ["financial_year", "line", "partner", "amount", "actual"]
        labels = {"line": "What it pays for", "actual": "This is actual spend"}
        error_messages = {"line": {"required": "Select what the spend pays for"}}

    def __init__(self, *args: Any, this_year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        years = range(this_year - 1, this_year + 6)
        year_field = cast(forms.TypedChoiceField, self.fields["financial_year"])
        line_field = cast(forms.ChoiceField, self.fields["line"])
        year_field.choices = [
            ("", "Select a year"),
            *((y, financial_year_label(y)) for y in years),
        ]
        self.fields["financial_year"].error_messages["invalid_choice"] = (
            "Select a year from the list"
        )
        line_field.choices = [("", "Select a line"), *CentralLineKind.choices]
        self.fields["amount"].error_messages.update(_POUNDS)
        self.fields["amount"].validators.append(MaxValueValidator(10_000_000_000))
        self.fields["amount"].error_messages["max_value"] = "Amount must be £10,000,000,000 or less"
        if not self.is_bound:
            self.initial["lock"] = lock_of(self.instance)
            if self.instance.pk is None:
                self.initial["financial_year"] = this_year


PLACEMENT, MOVE, BASE = "placement", "move", "base"


def _whole(label: str, low: int, high: int, what: str) -> forms.IntegerField:
    return forms.IntegerField(
        min_value=low,
        max_value=high,
        required=False,
        label=label,
        error_messages={
            "invalid": f"{what} must be a whole number",
            "min_value": f"{what} must be {low:,} or more",
            "max_value": f"{what} must be {high:,} or fewer",
        },
    )


class DecisionForm(forms.Form):
    """A decision to try against this year's and next year's position: nothing is saved."""

    kind = forms.ChoiceField(
        choices=[
            (PLACEMENT, "A new placement at a setting"),
            (MOVE, "A move back from an independent placement to a local one"),
            (BASE, "A new base of places in a mainstream school"),
        ],
        label="What is the decision?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the decision is"},
    )
    starts = GovukDateField(label_text="Date it starts", past_only=False)
    strand = forms.TypedChoiceField(
        coerce=int,
        required=False,
        empty_value=None,
        label="The place: setting and strand",
        widget=chooser(),
    )
    independent = forms.TypedChoiceField(
        coerce=int,
        required=False,
        empty_value=None,
        label="The independent placement the learner leaves",
        widget=chooser(),
    )
    places = _whole("Places in the base", 1, 500, "Places")
    cost_per_place = _whole(
        "Annual cost per place in the base, pounds", 0, 500_000, "Cost per place"
    )
    from_independent = _whole(
        "Places taken by learners who would otherwise be placed independently",
        0,
        500,
        "Places taken from independent placements",
    )

    def __init__(self, *args: Any, strands: list[ProvisionStrand], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        local = [s for s in strands if s.kind != ProvisionStrand.Kind.INDEPENDENT]
        independent = [s for s in strands if s.kind == ProvisionStrand.Kind.INDEPENDENT]
        field = self.fields["strand"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Choose a place")] + [
            (s.pk, f"{s.setting.name}: {s.get_kind_display()}") for s in strands
        ]
        field = self.fields["independent"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Choose an independent placement")] + [
            (s.pk, s.setting.name) for s in independent
        ]
        self.local_ids = {s.pk for s in local}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        starts = data.get("starts")
        if starts is not None and not (
            financial_year(timezone.localdate())
            <= financial_year(starts)
            <= financial_year(timezone.localdate()) + 1
        ):
            date = self.fields["starts"]
            assert isinstance(date, GovukDateField)
            date.error_parts = DATE_PARTS
            self.add_error("starts", "Date it starts must be in this financial year or the next")
        if kind in (PLACEMENT, MOVE) and data.get("strand") is None and "strand" not in self.errors:
            self.add_error("strand", "Choose the place")
        if kind == MOVE:
            if data.get("independent") is None and "independent" not in self.errors:
                self.add_error("independent", "Choose the independent placement the learner leaves")
            if data.get("strand") is not None and data["strand"] not in self.local_ids:
                self.add_error("strand", "Choose a local place, not an independent one")
        if kind == BASE:
            for name, message in (
                ("places", "Enter the places in the base"),
                ("cost_per_place", "Enter the annual cost per place"),
                ("from_independent", "Enter how many places are taken from independent placements"),
            ):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, message)
            places, taken = data.get("places"), data.get("from_independent")
            if places is not None and taken is not None and taken > places:
                self.add_error(
                    "from_independent",
                    "Places taken from independent placements must be no more than the places",
                )
        return data
