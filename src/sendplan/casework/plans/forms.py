"""Forms for the plan: each section's rows and fields, sending the draft, consulting settings,
the family's comments and issuing the final plan. Every form that edits a draft carries the
version's lock, so a stale save is refused.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from sendplan.casework.case.forms import date_field, radio_field, text_field
from sendplan.casework.case.models import Case
from sendplan.casework.plans.models import Consultation
from sendplan.provision.models import Setting
from sendplan.web.forms import GovukDateField, chooser


class DraftIssueForm(forms.Form):
    issued_on = date_field(
        "Date the draft was sent to the family", hint="The family then have 15 days to comment"
    )


class ConsultationForm(forms.Form):
    setting = forms.ModelChoiceField(
        label="Setting to consult",
        queryset=Setting.objects.order_by("name"),
        widget=chooser(),
        empty_label="Choose a setting",
        error_messages={
            "required": "Select the setting to consult",
            "invalid_choice": "Select the setting to consult",
        },
    )
    sent_on = date_field(
        "Date the draft was sent to the setting", hint="Its answer is due in 15 days"
    )

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
    responded_on = date_field("Date of the answer")
    response = radio_field(
        "What did the setting say?", Consultation.Response.choices, "Select the answer"
    )
    reasons = text_field(
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


class ConsultationAnswerForm(forms.Form):
    """The setting's own answer, given in the service (dated the day it is sent)."""

    response = radio_field(
        "Can your setting meet the needs set out in the draft plan?",
        Consultation.Response.choices,
        "Select whether your setting can meet the needs",
    )
    reasons = text_field(
        "Your reasons",
        required=False,
        hint="Needed if your setting cannot meet the needs. The family and the council will "
        "read them.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("response") == Consultation.Response.CANNOT_MEET
            and not (data.get("reasons") or "").strip()
        ):
            self.add_error("reasons", "Say why your setting cannot meet the needs")
        return data


class FamilyCommentsForm(forms.Form):
    received_on = date_field("Date the family's comments arrived")


class LockedForm(forms.Form):
    lock = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class FromAdviceMixin(forms.Form):
    """The advice section a row's words were brought in from (kept with the row)."""

    source = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class NeedForm(LockedForm, FromAdviceMixin):
    text = forms.CharField(
        label="Describe the need",
        help_text="One need per row, in words the family can follow",
        widget=forms.Textarea,
        error_messages={"required": "Describe the need"},
        max_length=5000,
    )


class _LinkedForm(LockedForm):
    """A row linked to rows of another section: the choices come from the draft itself."""

    link_field = ""

    def __init__(self, *args: Any, link_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[self.link_field].choices = link_choices  # type: ignore[attr-defined]


class OutcomeForm(_LinkedForm, FromAdviceMixin):
    link_field = "need_ids"
    text = forms.CharField(
        label="Outcome sought",
        help_text="What the learner will be able to do, and by when",
        widget=forms.Textarea,
        error_messages={"required": "Describe the outcome sought"},
        max_length=5000,
    )
    need_ids = forms.TypedMultipleChoiceField(
        label="Which needs does this outcome answer?",
        help_text="Select all that apply",
        widget=forms.CheckboxSelectMultiple,
        coerce=int,
        error_messages={"required": "Choose at least one need this outcome answers"},
    )
    preparing_for_adulthood = forms.BooleanField(
        label="This outcome prepares for adulthood (employment, independent living, "
        "community, health)",
        required=False,
    )


class ProvisionForm(_LinkedForm, FromAdviceMixin):
    link_field = "outcome_ids"
    what = forms.CharField(
        label="What is the provision?",
        help_text="Specific enough to enforce: what is done, and how",
        widget=forms.Textarea,
        error_messages={"required": "Say what the provision is"},
        max_length=5000,
    )
    how_much = forms.CharField(
        label="How much",
        help_text="For example, 45 minutes or 1 to 1 support all day",
        max_length=200,
        error_messages={"required": "Say how much, for example 45 minutes"},
    )
    how_often = forms.CharField(
        label="How often",
        help_text="For example, weekly in term time",
        max_length=200,
        error_messages={"required": "Say how often, for example weekly"},
    )
    delivered_by = forms.CharField(
        label="Who delivers it",
        help_text="The role, for example speech and language therapist",
        max_length=200,
        error_messages={"required": "Say who delivers the provision"},
    )
    outcome_ids = forms.TypedMultipleChoiceField(
        label="Which outcomes does this provision work towards?",
        help_text="Select all that apply",
        widget=forms.CheckboxSelectMultiple,
        coerce=int,
        error_messages={"required": "Choose at least one outcome this provision works towards"},
    )


class SectionAForm(LockedForm):
    views = forms.CharField(label="Views", widget=forms.Textarea, required=False, max_length=10000)
    interests = forms.CharField(
        label="Interests", widget=forms.Textarea, required=False, max_length=10000
    )
    aspirations = forms.CharField(
        label="Aspirations for the future", widget=forms.Textarea, required=False, max_length=10000
    )


def _setting_label(setting: Setting) -> str:
    """A setting as the chooser lists it: the town tells apart two schools of one name."""
    return f"{setting.name}, {setting.town}" if setting.town else setting.name


class PlacementForm(LockedForm):
    """Section I: a setting from the register (found by typing its name), or only the type of
    setting. Most settings have no URN, so none is asked for."""

    placement_setting = forms.ModelChoiceField(
        label="Setting",
        help_text="The school, college or other setting, from the register. Leave it empty to "
        "name only the type of setting",
        queryset=Setting.objects.order_by("name", "town", "pk").only("pk", "name", "town"),
        required=False,
        widget=chooser(),
        empty_label="No setting named: the type of setting only",
        error_messages={"invalid_choice": "Choose a setting from the register, or none"},
    )
    placement_type = forms.CharField(
        label="Type of setting",
        help_text="For example, special school for autistic learners",
        required=False,
        max_length=200,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["placement_setting"].label_from_instance = _setting_label  # type: ignore[attr-defined]

    def changes(self) -> dict[str, object]:
        setting = self.cleaned_data["placement_setting"]
        return {
            "placement_setting_id": setting.pk if setting else None,
            "placement_type": self.cleaned_data["placement_type"].strip(),
        }


class BudgetForm(LockedForm):
    personal_budget_amount = forms.DecimalField(
        label="Personal budget, pounds a year",
        help_text="Leave empty if there is no personal budget",
        required=False,
        min_value=Decimal("0"),
        max_digits=10,
        decimal_places=2,
        error_messages={
            "invalid": "Enter the amount in pounds, like 1200 or 1200.50",
            "min_value": "The amount cannot be less than £0",
            "max_decimal_places": "Enter the amount in pounds and pence, like 1200.50",
        },
    )
    personal_budget_arrangements = forms.CharField(
        label="What the budget pays for and how it is paid",
        help_text="Include the needs and outcomes a direct payment meets",
        widget=forms.Textarea,
        required=False,
        max_length=10000,
    )


class AdviceForm(_LinkedForm):
    link_field = "advice_request_ids"
    advice_request_ids = forms.TypedMultipleChoiceField(
        label="Advice to attach",
        help_text="Advice received for this learner and not yet attached",
        widget=forms.CheckboxSelectMultiple,
        coerce=int,
        error_messages={"required": "Choose the advice to attach"},
    )


class IssueForm(LockedForm):
    issued_on = GovukDateField(label_text="Date the plan is issued", past_only=False)


class NoProvisionForm(LockedForm):
    """The caseworker confirms that a section advice covered needs nothing written."""

    reason = forms.CharField(
        label="Why is no provision needed in this section?",
        help_text="For example, what the advice said and why the plan does not need it. "
        "This is kept with the plan.",
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": "Say why no provision is needed in this section"},
    )


class ProposalsSentForm(LockedForm):
    """The day proposed amendments (outside a review) went to the family (Reg 22)."""

    proposed_on = GovukDateField(label_text="Date the proposals were sent", past_only=False)
