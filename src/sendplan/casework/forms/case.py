"""Forms for the steps on a case: parsing and shape checks only.

The services decide what is lawful (dates before the request, steps out of order, a refusal
without appeal rights); their ValidationErrors are shown beside these fields by
:func:`add_service_errors`, their TransitionRefused in the error summary. Dates may be
today, so the date fields do not refuse today; the services refuse dates in the future.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from sendplan.accounts.models import Organisation, Role, User
from sendplan.casework import clock
from sendplan.casework.models import (
    AdviceRequest,
    Appealable,
    Case,
    Consultation,
    Mediation,
    Tribunal,
    TribunalOrder,
)
from sendplan.provision.models import Setting
from sendplan.web.forms import GovukDateField

#: Exceptions to the case's own limits (Reg 10(4)) and to a body's 6 weeks (Reg 8(2)). The
#: 2020 coronavirus disapplication is historic and not offered for new records.
CASE_EXCEPTIONS = ("reg10_4_a", "reg10_4_b", "reg10_4_c", "reg10_4_d")
ADVICE_EXCEPTIONS = ("reg8_2_exceptional", "reg8_2_absence", "reg8_2_appointment")


def exception_choice_label(key: str) -> str:
    found = clock.EXCEPTIONS[key]
    label = f"{found.basis.split(';')[0]}: {found.description}"
    return f"{label} (check locally)" if found.unconfirmed else label


def _date(label: str, *, required: bool = True, hint: str = "") -> GovukDateField:
    return GovukDateField(label_text=label, past_only=False, required=required, help_text=hint)


def _text(label: str, message: str = "", *, required: bool = True, hint: str = "") -> forms.Field:
    errors = {"required": message} if message else {}
    return forms.CharField(
        label=label,
        required=required,
        max_length=4000,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages=errors,
    )


def _radios(label: str, choices: Any, message: str, *, required: bool = True) -> forms.Field:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        widget=forms.RadioSelect,
        error_messages={"required": message, "invalid_choice": message},
    )


class RequestForm(forms.Form):
    received_on = _date("Date the request was received", hint="The 20-week clock starts on it")
    source = _radios("Who made the request?", Case.Source.choices, "Select who made the request")
    requested_by = forms.CharField(
        label="Who asked, in a few words",
        max_length=200,
        help_text="For example, 'mother' or 'SENCO at the current school'",
        error_messages={"required": "Enter who asked"},
    )


class AssessmentDecisionForm(forms.Form):
    assess = _radios(
        "Will the local authority carry out an EHC needs assessment?",
        (("yes", "Yes, assess"), ("no", "No, do not assess")),
        "Select whether the local authority will assess",
    )
    decided_on = _date("Date the family were told of the decision")
    reasons = _text("Reasons for the decision", "Enter the reasons for the decision")
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


class AdviceRequestForm(forms.Form):
    kind = _radios("What advice is needed?", AdviceRequest.Kind.choices, "Select the advice")
    organisation = forms.ModelChoiceField(
        label="Organisation asked",
        queryset=Organisation.objects.exclude(kind=Organisation.Kind.FAMILY),
        empty_label="Choose an organisation",
        error_messages={
            "required": "Select the organisation asked",
            "invalid_choice": "Select the organisation asked",
        },
    )
    practitioner = forms.ModelChoiceField(
        label="Named practitioner (optional)",
        queryset=User.objects.none(),
        required=False,
        empty_label="Nobody named: anyone at the organisation may reply",
        help_text="Leave empty to address the request to the organisation",
    )
    requested_on = _date(
        "Date the organisation received the request", hint="The 6 weeks run from this date"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        professional_roles = [r for r in Role.values if r not in (Role.PARENT, Role.YOUNG_PERSON)]
        self.fields["practitioner"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(memberships__role__in=professional_roles, is_active=True)
            .distinct()
            .order_by("last_name", "first_name", "id")
        )
        self.fields["practitioner"].label_from_instance = (  # type: ignore[attr-defined]
            lambda user: user.display_name
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        person, organisation = cleaned.get("practitioner"), cleaned.get("organisation")
        works_there = (
            person is None
            or organisation is None
            or person.memberships.filter(organisation=organisation).exists()
        )
        if not works_there:
            self.add_error("practitioner", "Choose someone who works for the organisation asked")
        return cleaned

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["organisation_id"] = data.pop("organisation").pk
        return data


class NotToIssueForm(forms.Form):
    decided_on = _date("Date the family were told of the decision")
    reasons = _text("Reasons for not issuing a plan", "Enter the reasons for not issuing a plan")
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


class DraftIssueForm(forms.Form):
    issued_on = _date(
        "Date the draft was sent to the family", hint="The family then have 15 days to comment"
    )


class ConsultationForm(forms.Form):
    setting = forms.ModelChoiceField(
        label="Setting to consult",
        queryset=Setting.objects.order_by("name"),
        empty_label="Choose a setting",
        error_messages={
            "required": "Select the setting to consult",
            "invalid_choice": "Select the setting to consult",
        },
    )
    sent_on = _date("Date the draft was sent to the setting", hint="Its answer is due in 15 days")

    def service_arguments(self) -> dict[str, Any]:
        return {
            "setting_id": self.cleaned_data["setting"].pk,
            "sent_on": self.cleaned_data["sent_on"],
        }


class ConsultationResponseForm(forms.Form):
    consultation = forms.TypedChoiceField(
        label="Which setting answered?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the setting that answered"},
    )
    responded_on = _date("Date of the answer")
    response = _radios(
        "What did the setting say?", Consultation.Response.choices, "Select the answer"
    )
    reasons = _text(
        "Reasons given", required=False, hint="Needed if the setting cannot meet the needs"
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consultation"].choices = [  # type: ignore[attr-defined]
            (c.pk, c.setting.name) for c in case.consultations.all() if c.responded_on is None
        ]

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["consultation_id"] = data.pop("consultation")
        return data


class FamilyCommentsForm(forms.Form):
    received_on = _date("Date the family's comments arrived")


class FinalPlanForm(forms.Form):
    issued_on = _date("Date the final plan was issued")
    # The lock of the draft the user read: issuing a draft changed since is refused.
    expected_lock = forms.IntegerField(widget=forms.HiddenInput)


class ExceptionForm(forms.Form):
    advice_request = forms.TypedChoiceField(
        label="Which time limit does it relieve?",
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    key = _radios("Which lawful exception applies?", (), "Select the lawful exception")
    reason = _text("Reason", "Enter the reason the exception applies")
    evidence = _text("Evidence", required=False, hint="What shows it, and where it is kept")
    starts_on = _date("Date the exception started")
    ends_on = _date("Date it ended (optional)", required=False)
    family_told_on = _date(
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


class EndForm(forms.Form):
    on = _date("Date")
    reason = forms.CharField(
        label="Reason", max_length=300, error_messages={"required": "Enter the reason"}
    )


class MediationForm(forms.Form):
    about = _radios("Which decision is it about?", Appealable.choices, "Select the decision")
    adviser_contacted_on = _date("Date the family contacted the mediation adviser")
    family_choice = _radios(
        "What did the family choose? (optional)",
        [("", "Not known yet"), *Mediation.Choice.choices],
        "Select what the family chose",
        required=False,
    )
    family_choice_on = _date(
        "Date the family told you (optional)",
        required=False,
        hint="The 30 days, or the 3 working days for the certificate, run from this date",
    )
    certificate_on = _date("Date of the mediation certificate (optional)", required=False)
    mediation_on = _date("Date the mediation took place (optional)", required=False)
    outcome = _radios(
        "Outcome (optional)",
        [("", "Not known yet"), *Mediation.Outcome.choices],
        "Select the outcome",
        required=False,
    )
    notes = _text("Notes (optional)", required=False)


class TribunalForm(forms.Form):
    about = _radios(
        "Which decision is the appeal about?", Appealable.choices, "Select the decision"
    )
    registered_on = _date("Date the appeal was registered")
    hearing_on = _date("Date of the hearing (optional)", required=False)
    outcome = _radios(
        "Outcome (optional)",
        [("", "Not decided yet"), *Tribunal.Outcome.choices],
        "Select the outcome",
        required=False,
    )
    decided_on = _date(
        "Date of the outcome (optional)",
        required=False,
        hint="If the local authority did not oppose the appeal, the day it told the Tribunal: "
        "the Reg 45 time limits run from it",
    )


def _appeal_label(appeal: Tribunal) -> str:
    return f"Appeal about the {appeal.get_about_display().lower()}"


class TribunalOrderForm(forms.Form):
    appeal = forms.TypedChoiceField(
        label="Which appeal is it about?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the appeal", "invalid_choice": "Select the appeal"},
    )
    kind = _radios("What must the local authority do?", TribunalOrder.Kind.choices, "Select it")
    description = _text("What the order says", "Describe the order")
    made_on = _date(
        "Date of the order",
        hint="For an appeal the local authority did not oppose, the day it told the Tribunal",
    )
    due_on = _date(
        "Date it must be done by (optional for an appeal not opposed)",
        required=False,
        hint="Leave it empty when the local authority did not oppose the appeal: Reg 45 sets it",
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["appeal"].choices = [  # type: ignore[attr-defined]
            (a.pk, _appeal_label(a)) for a in case.appeals.all()
        ]

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["appeal_id"] = data.pop("appeal")
        return data


class ComplianceForm(forms.Form):
    """Which order or Reg 45 duty was done, and when: the order's deadline then closes."""

    item = _radios("What has been done?", (), "Select what has been done")
    complied_on = _date("Date it was done")

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = compliance_choices(case)  # type: ignore[attr-defined]

    def service_arguments(self) -> dict[str, Any]:
        kind, _, rest = self.cleaned_data["item"].partition("-")
        data: dict[str, Any] = {"complied_on": self.cleaned_data["complied_on"]}
        if kind == "order":
            data["order_id"] = int(rest)
        else:
            appeal, _, data["kind"] = rest.partition("-")
            data["appeal_id"] = int(appeal)
        return data


def compliance_choices(case: Case) -> list[tuple[str, str]]:
    """Orders not yet complied with, and the Reg 45 duties of appeals the local authority
    did not oppose that are not recorded as done (``order-<id>``, ``duty-<appeal>-<kind>``).
    """
    kinds = {rule: kind for kind, rule in clock.UNOPPOSED.items()}
    choices = []
    for appeal in case.appeals.all():
        orders = list(appeal.orders.all())
        choices += [
            (f"order-{o.pk}", f"{_appeal_label(appeal)}: {o.get_kind_display().lower()}")
            for o in orders
            if o.complied_on is None
        ]
        if appeal.outcome != Tribunal.Outcome.CONCEDED:
            continue
        recorded = {o.due_rule for o in orders}
        for rule in clock.UNOPPOSED_RULES.get(appeal.about, ()):
            if rule not in recorded:
                label = TribunalOrder.Kind(kinds[rule]).label.lower()
                choices.append(
                    (f"duty-{appeal.pk}-{kinds[rule]}", f"{_appeal_label(appeal)}: {label}")
                )
    return choices


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError beside the fields it names, else in the summary."""
    for name, messages in error.message_dict.items():
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, message)
