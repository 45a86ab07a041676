"""Forms for mediation, appeals, Tribunal orders and their compliance."""

from __future__ import annotations

from typing import Any

from django import forms

from sendplan.casework import clock
from sendplan.casework.case.forms import date_field, radio_field, text_field
from sendplan.casework.case.models import Case
from sendplan.casework.disputes.models import Appealable, Mediation, Tribunal, TribunalOrder


class MediationForm(forms.Form):
    about = radio_field("Which decision is it about?", Appealable.choices, "Select the decision")
    adviser_contacted_on = date_field("Date the family contacted the mediation adviser")
    family_choice = radio_field(
        "What did the family choose? (optional)",
        [("", "Not known yet"), *Mediation.Choice.choices],
        "Select what the family chose",
        required=False,
    )
    family_choice_on = date_field(
        "Date the family told you (optional)",
        required=False,
        hint="The 30 days, or the 3 working days for the certificate, run from this date",
    )
    certificate_on = date_field("Date of the mediation certificate (optional)", required=False)
    mediation_on = date_field("Date the mediation took place (optional)", required=False)
    outcome = radio_field(
        "Outcome (optional)",
        [("", "Not known yet"), *Mediation.Outcome.choices],
        "Select the outcome",
        required=False,
    )
    notes = text_field("Notes (optional)", required=False)
    # The lock of the mediation the user read, when changing one already saved.
    expected_lock = forms.IntegerField(widget=forms.HiddenInput, required=False)


class TribunalForm(forms.Form):
    about = radio_field(
        "Which decision is the appeal about?", Appealable.choices, "Select the decision"
    )
    registered_on = date_field("Date the appeal was registered")
    hearing_on = date_field("Date of the hearing (optional)", required=False)
    outcome = radio_field(
        "Outcome (optional)",
        [("", "Not decided yet"), *Tribunal.Outcome.choices],
        "Select the outcome",
        required=False,
    )
    decided_on = date_field(
        "Date of the outcome (optional)",
        required=False,
        hint="If the local authority did not oppose the appeal, the day it told the Tribunal: "
        "the Reg 45 time limits run from it",
    )
    # The lock of the appeal the user read, when changing one already saved.
    expected_lock = forms.IntegerField(widget=forms.HiddenInput, required=False)


def _appeal_label(appeal: Tribunal) -> str:
    return f"Appeal about the {appeal.get_about_display().lower()}"


class TribunalOrderForm(forms.Form):
    appeal = forms.TypedChoiceField(
        label="Which appeal is it about?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the appeal", "invalid_choice": "Select the appeal"},
    )
    kind = radio_field("What must the local authority do?", TribunalOrder.Kind.choices, "Select it")
    description = text_field("What the order says", "Describe the order")
    made_on = date_field(
        "Date of the order",
        hint="For an appeal the local authority did not oppose, the day it told the Tribunal",
    )
    due_on = date_field(
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

    item = radio_field("What has been done?", (), "Select what has been done")
    complied_on = date_field("Date it was done")

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
