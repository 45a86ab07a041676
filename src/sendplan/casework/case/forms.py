"""Forms for the steps on a case: parsing and shape checks only, and the question helpers the
other casework forms share.

The services decide what is lawful (dates before the request, steps out of order, a refusal
without appeal rights); their ValidationErrors are shown beside these fields by
:func:`add_service_errors`, their TransitionRefused in the error summary. Dates may be
today, so the date fields do not refuse today; the services refuse dates in the future.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from sendplan.casework import clock
from sendplan.casework.case.models import Case, CaseException
from sendplan.core.dates import govuk_date
from sendplan.web.forms import GovukDateField

#: Exceptions to the case's own limits (Reg 10(4)) and to a body's 6 weeks (Reg 8(2)). The
#: 2020 coronavirus disapplication is historic and not offered for new records.
CASE_EXCEPTIONS = ("reg10_4_a", "reg10_4_b", "reg10_4_c", "reg10_4_d")


ADVICE_EXCEPTIONS = ("reg8_2_exceptional", "reg8_2_absence", "reg8_2_appointment")


def exception_choice_label(key: str) -> str:
    found = clock.EXCEPTIONS[key]
    label = f"{found.basis.split(';')[0]}: {found.description}"
    return f"{label} (check locally)" if found.unconfirmed else label


def date_field(label: str, *, required: bool = True, hint: str = "") -> GovukDateField:
    return GovukDateField(label_text=label, past_only=False, required=required, help_text=hint)


def text_field(
    label: str, message: str = "", *, required: bool = True, hint: str = ""
) -> forms.Field:
    errors = {"required": message} if message else {}
    return forms.CharField(
        label=label,
        required=required,
        max_length=4000,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages=errors,
    )


def radio_field(label: str, choices: Any, message: str, *, required: bool = True) -> forms.Field:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        widget=forms.RadioSelect,
        error_messages={"required": message, "invalid_choice": message},
    )


class RequestForm(forms.Form):
    received_on = date_field("Date the request was received", hint="The 20-week clock starts on it")
    source = radio_field(
        "Who made the request?", Case.Source.choices, "Select who made the request"
    )
    requested_by = forms.CharField(
        label="Who asked, in a few words",
        max_length=200,
        help_text="For example, 'mother' or 'SENCO at the current school'",
        error_messages={"required": "Enter who asked"},
    )


class AssessmentDecisionForm(forms.Form):
    assess = radio_field(
        "Will the local authority carry out an EHC needs assessment?",
        (("yes", "Yes, assess"), ("no", "No, do not assess")),
        "Select whether the local authority will assess",
    )
    decided_on = date_field("Date the family were told of the decision")
    reasons = text_field("Reasons for the decision", "Enter the reasons for the decision")
    rights_given = forms.BooleanField(
        label=(
            "The decision letter tells the family of their right to appeal to the Tribunal, "
            "to mediation, and to information and advice"
        ),
        required=False,
        help_text="Needed for a decision not to assess (Reg 5(3))",
    )

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["assess"] = data["assess"] == "yes"
        return data


class NotToIssueForm(forms.Form):
    decided_on = date_field("Date the family were told of the decision")
    reasons = text_field(
        "Reasons for not issuing a plan", "Enter the reasons for not issuing a plan"
    )
    rights_given = forms.BooleanField(
        label=(
            "The decision letter tells the family of their right to appeal to the Tribunal, "
            "to mediation, and to information and advice"
        ),
        required=False,
        help_text="Needed for a decision not to issue (Reg 10(3))",
    )


class ConfirmForm(forms.Form):
    """A step with nothing to type: the button is the decision."""


class ExceptionForm(forms.Form):
    advice_request = forms.TypedChoiceField(
        label="Which time limit does it relieve?",
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    key = radio_field("Which lawful exception applies?", (), "Select the lawful exception")
    reason = text_field("Reason", "Enter the reason the exception applies")
    evidence = text_field("Evidence", required=False, hint="What shows it, and where it is kept")
    starts_on = date_field("Date the exception started")
    ends_on = date_field("Date it ended (optional)", required=False)
    family_told_on = date_field(
        "Date the family were told (optional)",
        required=False,
        hint="The Code of Practice (9.43) says families should be told",
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[Any, str]] = [("", "The case's own time limits (Reg 10(4))")]
        choices += [
            (a.pk, f"Advice from {a.organisation.name} (Reg 8(2))")
            for a in case.advice_requests.all()
        ]
        self.fields["advice_request"].choices = choices  # type: ignore[attr-defined]
        self.fields["key"].choices = [  # type: ignore[attr-defined]
            (key, exception_choice_label(key)) for key in (*CASE_EXCEPTIONS, *ADVICE_EXCEPTIONS)
        ]

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["advice_request_id"] = data.pop("advice_request")
        return data


def exceptions_to_complete(case: Case) -> list[CaseException]:
    """The case's lawful exceptions with no end date or no date the family were told."""
    return [x for x in case.exceptions.all() if x.ends_on is None or x.family_told_on is None]


class ExceptionUpdateForm(forms.Form):
    exception = forms.TypedChoiceField(
        label="Which exception?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the exception",
            "invalid_choice": "Select the exception",
        },
    )
    ends_on = date_field("Date it ended (optional)", required=False)
    family_told_on = date_field(
        "Date the family were told (optional)",
        required=False,
        hint="The Code of Practice (9.43) says families should be told",
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["exception"].choices = [  # type: ignore[attr-defined]
            (x.pk, f"{exception_choice_label(x.key)}, from {govuk_date(x.starts_on)}")
            for x in exceptions_to_complete(case)
        ]

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["exception_id"] = data.pop("exception")
        return data


class EndForm(forms.Form):
    on = date_field("Date")
    reason = forms.CharField(
        label="Reason", max_length=300, error_messages={"required": "Enter the reason"}
    )


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError beside the fields it names, else in the summary."""
    for name, messages in error.message_dict.items():
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, message)
