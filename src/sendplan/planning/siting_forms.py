"""The siting page's question: it parses what was typed; ``siting.py`` answers it."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from sendplan.engine import MAX_CAPITAL
from sendplan.planning.siting import CENTRAL, FIGURES, ForecastFigures, SitingQuestion

#: The largest budget the page accepts, pounds (well within the engine's limit).
MOST_BUDGET = min(10_000_000_000, int(MAX_CAPITAL))


class PoundsField(forms.CharField):
    """Whole pounds, typed as 2500000, 2,500,000 or £2,500,000."""

    default_error_messages = {
        "required": "Enter the capital budget in pounds",
        "invalid": "Capital budget must be a whole number of pounds, like 2500000",
        "max_value": f"Capital budget must be £{MOST_BUDGET:,} or less",
    }

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = str(super().to_python(value) or "").strip()
        if not text:
            return None
        plain = text.removeprefix("£").replace(",", "").replace(" ", "")
        if not plain.isdigit() or not plain.isascii():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        pounds = int(plain)
        if pounds > MOST_BUDGET:
            raise forms.ValidationError(self.error_messages["max_value"], code="max_value")
        return pounds


TODAY_ONLY = ""


class SitingForm(forms.Form):
    year = forms.ChoiceField(
        label="Demand to plan for",
        required=False,
        error_messages={"invalid_choice": "Choose a year the forecast covers"},
    )
    figure = forms.ChoiceField(
        label="Which forecast figure",
        choices=list(FIGURES.items()),
        initial=CENTRAL,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select which forecast figure to plan for",
            "invalid_choice": "Select which forecast figure to plan for",
        },
    )
    budget = PoundsField(label="Capital budget")

    def __init__(self, *args: Any, forecast: ForecastFigures | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(TODAY_ONLY, "Today's learners only (no growth)")]
        if forecast is not None:
            choices += [(str(y), f"Forecast for January {y}") for y in forecast.years]
        year = cast(forms.ChoiceField, self.fields["year"])
        year.choices = choices
        if forecast is not None and not self.is_bound:
            self.initial.setdefault("year", str(forecast.years[min(3, len(forecast.years) - 1)]))

    def question(self) -> SitingQuestion:
        d = self.cleaned_data
        return SitingQuestion(
            year=int(d["year"]) if d.get("year") else None,
            figure=d["figure"],
            budget=int(d["budget"]),
        )

    @staticmethod
    def query(question: SitingQuestion) -> dict[str, str]:
        """The query string that asks ``question`` (for links to other what-ifs)."""
        return {
            "year": str(question.year or ""),
            "figure": question.figure,
            "budget": str(question.budget),
        }
