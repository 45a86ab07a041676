"""Forms for finding a learner and changing their details: parsing and shape checks only.

Check digits come from the engine (``upn_problem`` and the like) so the pages, the imports
and the command line give the same message for the same mistake.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from sendplan.engine import (
    SEN2_ETHNICITIES,
    SEN2_UPN_UNKNOWN,
    nhs_number_problem,
    uln_problem,
    upn_problem,
)
from sendplan.learners.models import Exclusion, HomeEducation, Learner
from sendplan.learners.selectors import LearnerQuery
from sendplan.provision.models import Setting
from sendplan.web.forms import GovukDateField

# The shape of a UK postcode (outward code, then inward code); not a check it exists.
_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
_LSOA = re.compile(r"^[EW]01[0-9]{6}$")


class LearnerSearchForm(forms.Form):
    text = forms.CharField(required=False, max_length=100)
    date_of_birth = GovukDateField(label_text="Date of birth", required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            not self.errors
            and not cleaned.get("text", "").strip()
            and not cleaned.get("date_of_birth")
        ):
            self.add_error("text", "Enter a name, UPN or date of birth")
        return cleaned

    def to_query(self) -> LearnerQuery:
        return LearnerQuery(
            text=" ".join(self.cleaned_data["text"].split()),
            date_of_birth=self.cleaned_data["date_of_birth"],
        )


def query_to_session(query: LearnerQuery) -> dict[str, str]:
    """What the session keeps of a search (JSON-safe). Never put into a URL or a log."""
    dob = query.date_of_birth.isoformat() if query.date_of_birth else ""
    return {"text": query.text, "date_of_birth": dob}


def query_from_session(stored: object) -> LearnerQuery | None:
    if not isinstance(stored, dict):
        return None
    try:
        dob = (
            dt.date.fromisoformat(stored["date_of_birth"]) if stored.get("date_of_birth") else None
        )
        query = LearnerQuery(text=str(stored.get("text", "")), date_of_birth=dob)
    except (KeyError, TypeError, ValueError):
        return None
    return None if query.is_empty else query


class LearnerDetailsForm(forms.Form):
    """The details a caseworker may change. Fields not listed here cannot be changed."""

    given_name = forms.CharField(
        max_length=100, error_messages={"required": "Enter the learner's given name"}
    )
    family_name = forms.CharField(
        max_length=100, error_messages={"required": "Enter the learner's family name"}
    )
    date_of_birth = GovukDateField(label_text="Date of birth")
    sex = forms.ChoiceField(
        choices=Learner.Sex.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the learner's sex"},
    )
    upn = forms.CharField(required=False, max_length=20)
    uln = forms.CharField(required=False, max_length=20)
    nhs_number = forms.CharField(required=False, max_length=20)
    postcode = forms.CharField(required=False, max_length=10)
    lsoa_code = forms.CharField(required=False, max_length=12)
    # For the SEN2 return (ADR 0128): codes from the engine's lists, blank when not known.
    ethnicity = forms.ChoiceField(
        required=False, choices=[("", "Not recorded"), *SEN2_ETHNICITIES.items()]
    )
    upn_unknown = forms.ChoiceField(
        required=False,
        choices=[("", "A UPN or ULN is recorded"), *SEN2_UPN_UNKNOWN.items()],
        widget=forms.RadioSelect,
    )
    social_care = forms.ChoiceField(
        required=False, choices=Learner.SocialCare.choices, widget=forms.RadioSelect
    )
    # The lock the user read: the save is refused if someone has saved since.
    lock = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    FIELDS = (
        "given_name",
        "family_name",
        "date_of_birth",
        "sex",
        "upn",
        "uln",
        "nhs_number",
        "postcode",
        "lsoa_code",
        "ethnicity",
        "upn_unknown",
        "social_care",
    )

    def __init__(self, *args: Any, fields: frozenset[str] | None = None, **kwargs: Any) -> None:
        """``fields``: those the user may change (the policy's); the others are left out."""
        super().__init__(*args, **kwargs)
        self.changeable = tuple(name for name in self.FIELDS if fields is None or name in fields)
        for name in self.FIELDS:
            if name not in self.changeable:
                del self.fields[name]

    @classmethod
    def initial_for(cls, learner: Learner) -> dict[str, Any]:
        initial = {name: getattr(learner, name) for name in cls.FIELDS}
        initial["lock"] = learner.lock
        return initial

    def clean_upn(self) -> str:
        value = self.cleaned_data["upn"].replace(" ", "").upper()
        if value and (problem := upn_problem(value)):
            raise ValidationError(problem)
        return value

    def clean_uln(self) -> str:
        value = self.cleaned_data["uln"].replace(" ", "")
        if value and (problem := uln_problem(value)):
            raise ValidationError(problem)
        return value

    def clean_nhs_number(self) -> str:
        value = self.cleaned_data["nhs_number"].replace(" ", "").replace("-", "")
        if value and (problem := nhs_number_problem(value)):
            raise ValidationError(problem)
        return value

    def clean_postcode(self) -> str:
        value = " ".join(self.cleaned_data["postcode"].upper().split())
        if not value:
            return ""
        if not _POSTCODE.match(value):
            raise ValidationError("Enter a real postcode, like SW2 1RW")
        compact = value.replace(" ", "")
        return f"{compact[:-3]} {compact[-3:]}"

    def clean_lsoa_code(self) -> str:
        value = self.cleaned_data["lsoa_code"].strip().upper()
        if value and not _LSOA.match(value):
            raise ValidationError("Enter an LSOA code: E01 or W01 followed by 6 digits")
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("upn_unknown") and cleaned.get("upn"):
            # SEN2 rule D04: a reason for no UPN only when there is none.
            self.add_error("upn_unknown", "Select 'A UPN or ULN is recorded' when there is a UPN")
        return cleaned

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.changeable}


#: Database constraints the service may report, and the field and words to show.
CONSTRAINT_MESSAGES = {
    "learner_unique_upn": ("upn", "This UPN is already on another learner's record"),
    "learner_unique_nhs": ("nhs_number", "This NHS number is already on another learner's record"),
}


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError beside the fields it concerns."""
    for name, messages in error.message_dict.items():
        if name in form.fields:
            for message in messages:
                form.add_error(name, message)
            continue
        for message in messages:
            known = next((v for k, v in CONSTRAINT_MESSAGES.items() if k in message), None)
            if known:
                form.add_error(known[0], known[1])
            else:
                form.add_error(None, message)


# Suspensions, exclusions and elective home education (ADR 0145).


class ExclusionForm(forms.Form):
    """A suspension or permanent exclusion, from a setting the user may record for."""

    kind = forms.ChoiceField(
        choices=Exclusion.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether it is a suspension or a permanent exclusion"},
    )
    started_on = GovukDateField(label_text="First day", past_only=False)
    school_days = forms.DecimalField(
        required=False,
        max_digits=4,
        decimal_places=1,
        error_messages={
            "invalid": "Enter the school days as a number, like 2 or 0.5",
            "max_digits": "Enter the school days as a whole or half number, from 0.5 to 45",
            "max_decimal_places": "Enter the school days as a whole or half number, from 0.5 to 45",
        },
    )
    setting = forms.ModelChoiceField(
        queryset=Setting.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Select the school or college"},
    )
    reason = forms.ChoiceField(
        choices=[("", "Select a reason"), *Exclusion.Reason.choices],
        error_messages={"required": "Select the reason the school gave"},
    )

    def __init__(self, *args: Any, settings: QuerySet[Setting], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["setting"].queryset = settings  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind, days = cleaned.get("kind"), cleaned.get("school_days")
        if kind == Exclusion.Kind.SUSPENSION and days is None and "school_days" not in self.errors:
            self.add_error("school_days", "Enter how many school days the suspension is")
        if kind == Exclusion.Kind.PERMANENT and days is not None:
            self.add_error(
                "school_days", "A permanent exclusion has no number of days: leave it blank"
            )
        return cleaned


class HomeEducationForm(forms.Form):
    """A period of elective home education, and when the council was told."""

    started_on = GovukDateField(label_text="Date home education started", past_only=False)
    ended_on = GovukDateField(label_text="Date it ended", past_only=False, required=False)
    notified_on = GovukDateField(
        label_text="Date the council was told", past_only=False, required=False
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("started_on"), cleaned.get("ended_on")
        if start and end and end < start:
            self.add_error("ended_on", "The date it ended must be on or after it started")
        return cleaned


# Correcting and removing them: each form carries the lock it was read at.


class ExclusionChangeForm(ExclusionForm):
    """A correction of a recorded suspension or exclusion."""

    # The lock the user read: the save is refused if someone has saved since.
    lock = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    @staticmethod
    def initial_for(exclusion: Exclusion) -> dict[str, Any]:
        return {
            "kind": exclusion.kind,
            "started_on": exclusion.started_on,
            # As typed: "2", not "2.0" (and "10", not "1E+1").
            "school_days": (
                None if exclusion.school_days is None else f"{exclusion.school_days.normalize():f}"
            ),
            "setting": exclusion.setting_id,
            "reason": exclusion.reason,
            "lock": exclusion.lock,
        }


class HomeEducationChangeForm(HomeEducationForm):
    """A correction of a period of elective home education (ending it, most often)."""

    lock = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    @staticmethod
    def initial_for(period: HomeEducation) -> dict[str, Any]:
        return {
            "started_on": period.started_on,
            "ended_on": period.ended_on,
            "notified_on": period.notified_on,
            "lock": period.lock,
        }


class RemoveForm(forms.Form):
    """The confirmation of a removal: only the lock the row was read at."""

    lock = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
