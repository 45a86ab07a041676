"""Forms for advice: the caseworker's request to a body, and the contributor's advice, section
by section.
"""

from __future__ import annotations

from typing import Any

from django import forms

from sendplan.accounts.models import Organisation, Role, User
from sendplan.casework.advice.models import ADVICE_SECTION_MAX, ADVICE_SUMMARY_MAX, AdviceRequest
from sendplan.casework.case.forms import date_field, radio_field
from sendplan.casework.plans.models import Section
from sendplan.web.forms import chooser


class AdviceRequestForm(forms.Form):
    kind = radio_field("What advice is needed?", AdviceRequest.Kind.choices, "Select the advice")
    organisation = forms.ModelChoiceField(
        label="Organisation asked",
        queryset=Organisation.objects.exclude(kind=Organisation.Kind.FAMILY),
        widget=chooser(),
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
        widget=chooser(),
        empty_label="Nobody named: the organisation assigns it",
        help_text="Leave empty for the organisation's advice triage to choose who writes it",
        error_messages={"invalid_choice": "Choose a practitioner from the list, or nobody"},
    )
    requested_on = date_field(
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


YES_NO = (("yes", "Yes"), ("no", "No"))


class AdviceForm(forms.Form):
    """One textarea per plan section this kind of advice informs, and an optional summary.

    ``draft=True`` is for "Save as draft": a draft may be incomplete, so only the lengths are
    checked. Otherwise at least one section must be written, as for sending.
    """

    summary = forms.CharField(
        required=False,
        max_length=ADVICE_SUMMARY_MAX,
        widget=forms.Textarea,
        error_messages={
            "max_length": f"Anything else must be {ADVICE_SUMMARY_MAX:,} characters or fewer"
        },
    )
    # The lock of the request the writer read: a save after someone else's is refused.
    lock = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(
        self, *args: Any, sections: tuple[str, ...], draft: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.sections = sections
        self.draft = draft
        for section in sections:
            self.fields[f"section_{section}"] = forms.CharField(
                required=False,
                max_length=ADVICE_SECTION_MAX,
                widget=forms.Textarea,
                error_messages={
                    "max_length": f"Section {section} must be {ADVICE_SECTION_MAX:,} "
                    "characters or fewer"
                },
            )

    @classmethod
    def initial_from(cls, draft: dict[str, Any] | None, *, lock: int = 0) -> dict[str, Any]:
        """The form's initial values from a saved draft (see ``AdviceRequest.draft``) and the
        request's lock."""
        initial: dict[str, Any] = {"lock": lock}
        if not draft:
            return initial
        initial |= {f"section_{s}": str(t) for s, t in draft.get("sections", {}).items()}
        initial["summary"] = str(draft.get("summary", ""))
        return initial

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            not self.draft
            and not self.errors
            and not any(cleaned.get(f"section_{s}", "").strip() for s in self.sections)
        ):
            self.add_error(
                f"section_{self.sections[0]}", "Write your advice in at least one section"
            )
        return cleaned

    def section_texts(self) -> dict[str, str]:
        return {s: self.cleaned_data.get(f"section_{s}", "") for s in self.sections}

    def section_fields(self) -> list[tuple[str, str, forms.BoundField]]:
        return [(s, Section(s).label, self[f"section_{s}"]) for s in self.sections]


class AdviceAssignForm(forms.Form):
    """Who, at the organisation asked, is to write the advice: its current advisers."""

    assignee = forms.ModelChoiceField(
        label="Who should write this advice?",
        queryset=User.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Select who should write this advice",
            "invalid_choice": "Select someone who works for the organisation asked",
        },
    )

    def __init__(self, *args: Any, assignees: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        field.queryset = assignees.order_by("last_name", "first_name", "id")  # type: ignore[attr-defined]
        field.label_from_instance = lambda user: user.display_name  # type: ignore[attr-defined]
