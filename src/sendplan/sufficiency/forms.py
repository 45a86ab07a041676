"""Forms for what the LA enters. They check shape (whole pounds, a year, a percentage);
the services save, with who and when."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator

from sendplan.core.locking import lock_of
from sendplan.sufficiency.models import (
    COST_FIELDS,
    Assumptions,
    HighNeedsBudget,
    NewProvision,
    Scenario,
)

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
        fields = [*COST_FIELDS, "growth_override_pct", "use_register_costs"]

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
        if not self.errors and not any(v not in (None, 0) for v in levers):
            self.add_error(
                "special_places",
                "Enter at least one change: extra places, fewer independent placements or growth",
            )
        return cleaned


class BudgetForm(_Govuk, forms.ModelForm):
    lock = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = HighNeedsBudget
        fields = ["amount"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["amount"].error_messages.update(_POUNDS)
        self.fields["amount"].validators.append(MaxValueValidator(10_000_000_000))
        self.fields["amount"].error_messages["max_value"] = "Amount must be £10,000,000,000 or less"
        if not self.is_bound:
            self.initial["lock"] = lock_of(self.instance)
