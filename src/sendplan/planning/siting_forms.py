"""The siting page's question and the candidate sites' form: they parse what was typed;
``siting.py`` answers the question and ``services.candidate_site_save`` saves a candidate."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms

from sendplan.core.locking import lock_of
from sendplan.engine import MAX_CAPITAL, NEEDS
from sendplan.planning.models import CandidateSite
from sendplan.planning.siting import (
    CAPITAL_YEARS,
    CENTRAL,
    FIGURES,
    ForecastFigures,
    SitingQuestion,
)
from sendplan.planning.stability import DEFAULT_MOVE_COST
from sendplan.provision.models import Setting
from sendplan.web.forms import chooser

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


class MoveCostField(PoundsField):
    """The cost of moving a learner, whole pounds; left blank for the default."""

    default_error_messages = {
        "invalid": "Cost of moving a learner must be a whole number of pounds, like 5000",
        "max_value": f"Cost of moving a learner must be £{MOST_BUDGET:,} or less",
    }


#: The most years capital may be spread over.
MOST_CAPITAL_YEARS = 60

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
    move_cost = MoveCostField(label="Cost of moving a learner (£)", required=False)
    capital_years = forms.IntegerField(
        label="Years to spread capital over",
        required=False,
        min_value=1,
        max_value=MOST_CAPITAL_YEARS,
        error_messages={
            "invalid": "Years to spread capital over must be a whole number, like 30",
            "min_value": "Years to spread capital over must be 1 or more",
            "max_value": f"Years to spread capital over must be {MOST_CAPITAL_YEARS} or less",
        },
    )

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
            move_cost=DEFAULT_MOVE_COST if d.get("move_cost") is None else int(d["move_cost"]),
            capital_years=d.get("capital_years") or CAPITAL_YEARS,
        )

    @staticmethod
    def query(question: SitingQuestion) -> dict[str, str]:
        """The query string that asks ``question`` (for links to other what-ifs)."""
        return {
            "year": str(question.year or ""),
            "figure": question.figure,
            "budget": str(question.budget),
            "move_cost": str(question.move_cost),
            "capital_years": str(question.capital_years),
        }


# --- Candidate sites (ADR 0140) -------------------------------------------------------------

_LSOA = re.compile(r"^[EW]01[0-9]{6}$")


def _setting_choices() -> list[tuple[str, str]]:
    rows = Setting.objects.filter(is_open=True).order_by("name", "pk")
    return [("", "None: a site the council names")] + [(str(s.pk), s.name) for s in rows]


def _whole(label: str, low: int, high: int, example: int) -> dict[str, Any]:
    return {
        "min_value": low,
        "max_value": high,
        "widget": forms.TextInput(attrs={"inputmode": "numeric"}),
        "error_messages": {
            "required": f"Enter the {label.lower()}",
            "invalid": f"{label} must be a whole number, like {example}",
            "min_value": f"{label} must be {low:,} or more",
            "max_value": f"{label} must be {high:,} or less",
        },
    }


def _coordinate(label: str, low: int, high: int) -> forms.FloatField:
    return forms.FloatField(
        label=f"{label} (optional)",
        required=False,
        min_value=low,
        max_value=high,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={
            "invalid": f"{label} must be a number in degrees, like 51.45",
            "min_value": f"{label} must be {low} or more",
            "max_value": f"{label} must be {high} or less",
        },
    )


class CandidateSiteForm(forms.Form):
    """Add or change a candidate site: at a school of the register, or a site the council
    names by its coordinates or LSOA. Needs left unticked mean every need (``ALL``)."""

    name = forms.CharField(
        label="Name of the candidate site",
        max_length=200,
        error_messages={
            "required": "Enter the name of the candidate site",
            "max_length": "Name of the candidate site must be 200 characters or fewer",
        },
    )
    kind = forms.ChoiceField(
        label="Kind of place",
        choices=CandidateSite.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the kind of place",
            "invalid_choice": "Select the kind of place",
        },
    )
    host_setting = forms.TypedChoiceField(
        label="Host school",
        help_text="The school from the register that would host the places. Leave as none for "
        "a site the council names, and give its LSOA or coordinates below.",
        coerce=int,
        empty_value=None,
        required=False,
        choices=_setting_choices,
        widget=chooser(),
        error_messages={"invalid_choice": "Choose a host school from the register"},
    )
    lsoa_code = forms.CharField(
        label="LSOA code (optional)",
        help_text="For a named site: the LSOA it is in, like E01003000. Its centre is used.",
        required=False,
        max_length=12,
    )
    latitude = _coordinate("Latitude", -90, 90)
    longitude = _coordinate("Longitude", -180, 180)
    needs = forms.MultipleChoiceField(
        label="Needs served",
        help_text="Leave all unticked if the places are for every need.",
        widget=forms.CheckboxSelectMultiple,
        choices=[(code, f"{label} ({code})") for code, label in NEEDS.items()],
        required=False,
        error_messages={"invalid_choice": "Select needs from the list"},
    )
    min_age = forms.IntegerField(label="Youngest age", **_whole("Youngest age", 0, 25, 4))
    max_age = forms.IntegerField(label="Oldest age", **_whole("Oldest age", 0, 25, 19))
    block_places = forms.IntegerField(
        label="Places a block adds", **_whole("Places a block adds", 1, 500, 8)
    )
    max_blocks = forms.IntegerField(label="Most blocks", **_whole("Most blocks", 1, 50, 2))
    capital_per_block = forms.IntegerField(
        label="Capital cost of a block",
        **_whole("Capital cost of a block", 0, 1_000_000_000, 300000),
    )
    annual_cost_per_place = forms.IntegerField(
        label="Running cost a place, a year",
        **_whole("Running cost a place", 0, 1_000_000, 30000),
    )
    note = forms.CharField(
        label="Where the figures come from (optional)",
        help_text="For example, an estimate or a feasibility study.",
        required=False,
        max_length=300,
        error_messages={
            "max_length": "Where the figures come from must be 300 characters or fewer"
        },
    )
    is_active = forms.BooleanField(
        label="Under consideration (offered on the page of where to add places)",
        required=False,
    )
    expected_lock = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def clean_lsoa_code(self) -> str:
        value = self.cleaned_data["lsoa_code"].strip().upper()
        if value and not _LSOA.match(value):
            raise forms.ValidationError("Enter an LSOA code: E01 or W01 followed by 6 digits")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lat, lon = data.get("latitude"), data.get("longitude")
        if (
            (lat is None) != (lon is None)
            and not self.has_error("latitude")
            and not (self.has_error("longitude"))
        ):
            missing = "longitude" if lon is None else "latitude"
            self.add_error(missing, f"Enter the {missing} as well, or neither")
        low, high = data.get("min_age"), data.get("max_age")
        if low is not None and high is not None and low > high:
            self.add_error(
                "max_age", "Oldest age must be the same as or more than the youngest age"
            )
        located = data.get("host_setting") or data.get("lsoa_code") or lat is not None
        if not located and not self.errors:
            self.add_error(
                "host_setting",
                "Choose a host school, or give the site's LSOA code or its latitude and longitude",
            )
        return data

    def values(self) -> dict[str, Any]:
        """The model's fields, as the service takes them."""
        d = self.cleaned_data
        return {
            "name": d["name"].strip(),
            "kind": d["kind"],
            "host_setting_id": d["host_setting"],
            "lsoa_code": d["lsoa_code"],
            "latitude": d["latitude"],
            "longitude": d["longitude"],
            "needs": ";".join(c for c in NEEDS if c in d["needs"]) or "ALL",
            "min_age": d["min_age"],
            "max_age": d["max_age"],
            "block_places": d["block_places"],
            "max_blocks": d["max_blocks"],
            "capital_per_block": d["capital_per_block"],
            "annual_cost_per_place": d["annual_cost_per_place"],
            "note": d["note"].strip(),
            "is_active": d["is_active"],
        }


def candidate_site_initial(row: CandidateSite | None) -> dict[str, Any]:
    """The form's starting values: the row's, or those of a new candidate."""
    if row is None:
        return {"expected_lock": 0, "is_active": True}
    return {
        "name": row.name,
        "kind": row.kind,
        "host_setting": row.host_setting_id,
        "lsoa_code": row.lsoa_code,
        "latitude": row.latitude,
        "longitude": row.longitude,
        "needs": [] if row.needs == "ALL" else row.needs.split(";"),
        "min_age": row.min_age,
        "max_age": row.max_age,
        "block_places": row.block_places,
        "max_blocks": row.max_blocks,
        "capital_per_block": row.capital_per_block,
        "annual_cost_per_place": row.annual_cost_per_place,
        "note": row.note,
        "is_active": row.is_active,
        "expected_lock": lock_of(row),
    }
