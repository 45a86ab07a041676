"""The delivery log's forms: choosing a week, recording it, quantifying a row, uploading a
file (docs/delivery-csv.md)."""

from __future__ import annotations

import datetime as dt

from django import forms

from sendplan.core.dates import govuk_date
from sendplan.delivery.models import MissedReason, Period

_MINUTES_ERRORS = {
    "invalid": "Enter a whole number of minutes, like 30",
    "min_value": "Enter 0 or more minutes",
    "max_value": "Enter no more than 10,080 minutes (a whole week)",
}


class WeekChoiceForm(forms.Form):
    week = forms.ChoiceField(
        label="Which week are you recording?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the week", "invalid_choice": "Choose the week"},
    )

    def __init__(self, *args: object, weeks: list[tuple[dt.date, bool]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["week"].choices = [  # type: ignore[attr-defined]
            (
                monday.isoformat(),
                f"Week starting {govuk_date(monday)}" + (" (recorded, change it)" if done else ""),
            )
            for monday, done in weeks
        ]


class WeekForm(forms.Form):
    lock = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    due = forms.ChoiceField(
        label="Was this provision due this week?",
        choices=[("yes", "Yes"), ("no", "No: a school holiday, or nothing was planned this week")],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the provision was due this week"},
    )
    delivered_minutes = forms.IntegerField(
        label="Minutes delivered",
        min_value=0,
        max_value=10_080,
        required=False,
        error_messages=_MINUTES_ERRORS,
    )
    missed_minutes = forms.IntegerField(
        label="Minutes missed",
        min_value=0,
        max_value=10_080,
        required=False,
        error_messages=_MINUTES_ERRORS,
    )
    missed_reason = forms.ChoiceField(
        label="Why was provision missed?",
        help_text="Leave blank if nothing was missed",
        choices=MissedReason.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    note = forms.CharField(
        label="Note (optional)",
        help_text="What happened, and anything arranged to make up for it",
        widget=forms.Textarea,
        required=False,
        max_length=2000,
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("due") == "yes":
            if data.get("missed_minutes") and not data.get("missed_reason"):
                self.add_error("missed_reason", "Say why provision was missed")
            nothing = not data.get("delivered_minutes") and not data.get("missed_minutes")
            if nothing and "delivered_minutes" not in self.errors:
                self.add_error(
                    "delivered_minutes",
                    "Enter the minutes delivered or missed, or say the provision was not due",
                )
        return data


class QuantifyForm(forms.Form):
    lock = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    minutes_per_session = forms.IntegerField(
        label="Minutes in each session",
        min_value=1,
        max_value=10_080,
        error_messages={"required": "Enter the minutes in each session", **_MINUTES_ERRORS,
                        "min_value": "Enter at least 1 minute"},
    )  # fmt: skip
    sessions = forms.IntegerField(
        label="Number of sessions",
        min_value=1,
        max_value=100,
        error_messages={
            "required": "Enter the number of sessions",
            "invalid": "Enter a whole number of sessions, like 2",
            "min_value": "Enter at least 1 session",
            "max_value": "Enter no more than 100 sessions",
        },
    )
    period = forms.ChoiceField(
        label="How often",
        choices=[(p.value, f"Sessions {p.label}") for p in Period],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how often"},
    )


class UploadForm(forms.Form):
    upload = forms.FileField(
        max_length=255,
        error_messages={"required": "Choose a CSV file to upload", "empty": "The file is empty"},
    )
