"""The question pages of a request for an assessment: one question, or one small group of
questions, per page. Parsing and shape checks only; the services decide the rest."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from sendplan.casework.case.forms import radio_field
from sendplan.web.forms import GovukDateField

NEW_CHILD = "new"

#: A UPN: a check letter, 12 digits (or 11 and a letter for a temporary one).
UPN_SHAPE = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")
POSTCODE_SHAPE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$")


def _text(label: str, message: str, *, hint: str = "", required: bool = True) -> forms.Field:
    return forms.CharField(
        label=label,
        help_text=hint,
        required=required,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": message, "max_length": "Write 8,000 characters or fewer"},
    )


class RadioQuestion(forms.Form):
    """A page of one radio question whose choices the page gives."""

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        next(iter(self.fields.values())).choices = choices  # type: ignore[attr-defined]


class WhoForm(RadioQuestion):
    child = radio_field("Who is the request for?", (), "Select who the request is for")

    def __init__(self, *args: Any, children: list[tuple[int, str]], **kwargs: Any) -> None:
        choices = [(str(pk), name) for pk, name in children]
        super().__init__(
            *args, choices=[*choices, (NEW_CHILD, "A child not listed here")], **kwargs
        )


class SameChildForm(RadioQuestion):
    """The caseworker's answer to the duplicate check: a new learner, or one on record."""

    same_as = radio_field(
        "Is this a child already on record?",
        (),
        "Select whether this is a new learner or one on record",
    )


class ChildFields(forms.Form):
    """Who the child is: their name, date of birth, postcode, school and UPN."""

    given_name = forms.CharField(
        label="First name",
        max_length=100,
        error_messages={"required": "Enter the child's first name"},
    )
    family_name = forms.CharField(
        label="Last name",
        max_length=100,
        error_messages={"required": "Enter the child's last name"},
    )
    date_of_birth = GovukDateField(label_text="Date of birth", help_text="For example, 27 3 2014")
    postcode = forms.CharField(
        label="Home postcode",
        max_length=10,
        error_messages={"required": "Enter the home postcode"},
    )
    school = forms.CharField(
        label="School, college or nursery (optional)",
        max_length=200,
        required=False,
        help_text="Leave this empty if they do not go to one",
    )
    upn = forms.CharField(
        label="Unique pupil number (UPN) (optional)",
        max_length=13,
        required=False,
        help_text="13 characters, from your school's records, for example A123456789012",
    )

    def clean_postcode(self) -> str:
        value = " ".join(self.cleaned_data.get("postcode", "").upper().split())
        if value and not POSTCODE_SHAPE.match(value):
            raise forms.ValidationError("Enter a real postcode, like SE1 7PB")
        return value

    def clean_upn(self) -> str:
        value = self.cleaned_data.get("upn", "").replace(" ", "").upper()
        if value and not UPN_SHAPE.match(value):
            raise forms.ValidationError(
                "Enter a UPN of 13 characters, a letter then 12 digits, like A123456789012"
            )
        return value


class ChildForm(ChildFields):
    """The child, as a parent (no UPN), a young person or a school (UPN, no school) knows
    them."""

    def __init__(self, *args: Any, setting: bool, yourself: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not setting:
            del self.fields["upn"]
        else:
            postcode = self.fields["postcode"]
            postcode.required = False
            postcode.label = "Home postcode (optional)"
            del self.fields["school"]
        if yourself:
            self.fields["given_name"].error_messages["required"] = "Enter your first name"
            self.fields["family_name"].error_messages["required"] = "Enter your last name"


class NeedsForm(forms.Form):
    needs = _text(
        "Why are you asking for an assessment?",
        "Tell us why you are asking for an assessment",
        hint="In your own words: what is hard, at home and at school or nursery, and what "
        "they need help with. Write as much or as little as you like.",
    )


class TriedForm(forms.Form):
    tried = _text(
        "What support has been tried so far? (optional)",
        "",
        required=False,
        hint="For example, help in class, a speech and language therapist, an educational "
        "psychologist, and how it went.",
    )


class EvidenceForm(forms.Form):
    upload = forms.FileField(
        required=False,
        max_length=255,
        error_messages={
            "empty": "The selected file is empty",
            "invalid": "Select a file",
            "max_length": "The selected file's name must be 255 characters or fewer",
        },
    )


class FamilyForm(forms.Form):
    family_aware = forms.ChoiceField(
        label="Does the child's family know you are asking for an assessment?",
        choices=(("yes", "Yes"), ("no", "No")),
        widget=forms.RadioSelect,
        help_text="Schools should ask with the family's knowledge and agreement where they can "
        "(SEND Code of Practice 9.9). The council will contact the family.",
        error_messages={
            "required": "Select whether the family know you are asking",
            "invalid_choice": "Select whether the family know you are asking",
        },
    )
    family_not_told_why = forms.CharField(
        label="If not, why not? (optional)",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
