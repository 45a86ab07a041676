"""The register's filter form. GET parameters are fine here: the register holds no personal data."""

from __future__ import annotations

from typing import Any

from django import forms

from sendplan.core.locking import lock_of
from sendplan.engine import NEEDS, PHASE_LABELS
from sendplan.provision.models import LocalService, Setting
from sendplan.provision.selectors import RegisterFilter
from sendplan.web.forms import chooser

AREA_CHOICES = [("in", "In the area"), ("out", "Out of the area")]


class RegisterFilterForm(forms.Form):
    text = forms.CharField(
        label="Name or URN",
        required=False,
        max_length=100,
        error_messages={"max_length": "Name or URN must be 100 characters or fewer"},
    )
    need = forms.MultipleChoiceField(
        label="Need the places are designated for",
        widget=forms.CheckboxSelectMultiple,
        choices=[(code, f"{label} ({code})") for code, label in NEEDS.items()],
        required=False,
        error_messages={"invalid_choice": "Select needs from the list"},
    )
    phase = forms.MultipleChoiceField(
        label="Phase",
        widget=forms.CheckboxSelectMultiple,
        choices=list(PHASE_LABELS.items()),
        required=False,
        error_messages={"invalid_choice": "Select phases from the list"},
    )
    vacancies = forms.BooleanField(label="Only settings with vacancies", required=False)
    area = forms.MultipleChoiceField(
        label="Location",
        widget=forms.CheckboxSelectMultiple,
        choices=AREA_CHOICES,
        required=False,
        error_messages={"invalid_choice": "Select in the area, out of the area, or both"},
    )
    kind = forms.MultipleChoiceField(
        label="Kind of setting",
        widget=forms.CheckboxSelectMultiple,
        choices=Setting.Kind.choices,
        required=False,
        error_messages={"invalid_choice": "Select kinds of setting from the list"},
    )

    def to_filter(self) -> RegisterFilter:
        """The valid part of what was asked for; a field with an error narrows nothing."""
        data = getattr(self, "cleaned_data", {})
        return RegisterFilter(
            needs=tuple(data.get("need") or ()),
            phases=tuple(data.get("phase") or ()),
            has_vacancies=bool(data.get("vacancies")),
            areas=tuple(data.get("area") or ()),
            kinds=tuple(data.get("kind") or ()),
            text=data.get("text") or "",
        )


def _organisation_choices() -> list[tuple[str, str]]:
    from sendplan.accounts.models import Organisation

    rows = Organisation.objects.exclude(kind=Organisation.Kind.FAMILY).order_by("name", "pk")
    return [("", "Choose an organisation")] + [(str(o.pk), o.name) for o in rows]


def _base_choices() -> list[tuple[str, str]]:
    """The settings a local service may be based at: open providers, as the feed lists."""
    rows = Setting.objects.filter(is_open=True, sen2_code="").order_by("name", "pk")
    return [("", "Not based at a setting")] + [(str(s.pk), s.name) for s in rows]


def _required(what: str) -> dict[str, str]:
    return {"required": what}


class LocalServiceForm(forms.Form):
    """Add or change a local service (ADR 0147). Contacts are the service's, never a person's."""

    name = forms.CharField(
        label="Name of the service",
        max_length=200,
        error_messages={
            **_required("Enter the name of the service"),
            "max_length": "Name of the service must be 200 characters or fewer",
        },
    )
    organisation = forms.TypedChoiceField(
        label="Organisation that provides it",
        coerce=int,
        choices=_organisation_choices,
        widget=chooser(),
        error_messages={
            **_required("Choose the organisation that provides the service"),
            "invalid_choice": "Choose the organisation that provides the service",
        },
    )
    kind = forms.ChoiceField(
        label="Kind of service",
        choices=LocalService.Kind.choices,
        widget=forms.RadioSelect,
        error_messages=_required("Choose the kind of service"),
    )
    description = forms.CharField(
        label="What the service does",
        help_text="In plain words for families. Do not name a member of staff.",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={
            **_required("Enter what the service does"),
            "max_length": "What the service does must be 2000 characters or fewer",
        },
    )
    min_age = forms.IntegerField(
        label="Youngest age",
        min_value=0,
        max_value=25,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}),
        error_messages={
            **_required("Enter the youngest age the service is for"),
            "invalid": "Youngest age must be a whole number, like 5",
            "min_value": "Youngest age must be 0 or more",
            "max_value": "Youngest age must be 25 or less",
        },
    )
    max_age = forms.IntegerField(
        label="Oldest age",
        min_value=0,
        max_value=25,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}),
        error_messages={
            **_required("Enter the oldest age the service is for"),
            "invalid": "Oldest age must be a whole number, like 18",
            "min_value": "Oldest age must be 0 or more",
            "max_value": "Oldest age must be 25 or less",
        },
    )
    needs = forms.MultipleChoiceField(
        label="Needs the service is for",
        help_text="Leave all unticked if it is for any need.",
        widget=forms.CheckboxSelectMultiple,
        choices=[(code, f"{label} ({code})") for code, label in NEEDS.items()],
        required=False,
        error_messages={"invalid_choice": "Select needs from the list"},
    )
    access = forms.ChoiceField(
        label="How families get the service",
        choices=LocalService.Access.choices,
        widget=forms.RadioSelect,
        error_messages=_required("Choose how families get the service"),
    )
    access_note = forms.CharField(
        label="How to get the service (optional)",
        help_text="For example, who can refer and how",
        required=False,
        max_length=500,
        widget=forms.Textarea,
        error_messages={"max_length": "How to get the service must be 500 characters or fewer"},
    )
    email = forms.EmailField(
        label="Service email address",
        help_text="A team inbox, not a person's email address",
        required=False,
        max_length=254,
        error_messages={
            "invalid": "Enter an email address in the correct format, like team@example.org"
        },
    )
    phone = forms.CharField(
        label="Service phone number",
        help_text="A switchboard or team line, not a person's number",
        required=False,
        max_length=30,
        error_messages={"max_length": "Service phone number must be 30 characters or fewer"},
    )
    website = forms.URLField(
        label="Service web page",
        required=False,
        max_length=200,
        assume_scheme="https",
        error_messages={
            "invalid": "Enter a web address in the correct format, like "
            "https://www.example.org/service"
        },
    )
    area_served = forms.CharField(
        label="Area served (optional)",
        required=False,
        max_length=200,
        error_messages={"max_length": "Area served must be 200 characters or fewer"},
    )
    based_at = forms.TypedChoiceField(
        label="Setting where the service is based (optional)",
        help_text="Its address is published with the service, so families can find it "
        "near them. Leave empty for a service that visits families or schools.",
        coerce=int,
        empty_value=None,
        required=False,
        choices=_base_choices,
        widget=chooser(),
        error_messages={"invalid_choice": "Choose a setting from the list"},
    )
    active = forms.BooleanField(label="The service is running and taking referrals", required=False)
    expected_lock = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("min_age"), data.get("max_age")
        if low is not None and high is not None and low > high:
            self.add_error("max_age", "Oldest age must be the same as or more than youngest age")
        if not any(data.get(name) for name in ("email", "phone", "website")) and not any(
            name in self.errors for name in ("email", "phone", "website")
        ):
            self.add_error(
                "email", "Enter an email address, phone number or web page for the service"
            )
        return data

    def values(self) -> dict[str, Any]:
        """The service's fields, as ``local_service_save`` takes them."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "organisation_id": data["organisation"],
            "kind": data["kind"],
            "description": data["description"],
            "min_age": data["min_age"],
            "max_age": data["max_age"],
            "needs": list(data.get("needs") or []),
            "access": data["access"],
            "access_note": data["access_note"],
            "email": data["email"],
            "phone": data["phone"],
            "website": data["website"],
            "area_served": data["area_served"],
            "based_at_id": data.get("based_at"),
            "active": bool(data.get("active")),
        }


def local_service_initial(row: LocalService | None) -> dict[str, Any]:
    """The form's starting values: the row's, or those of a new service."""
    if row is None:
        return {"expected_lock": 0, "active": True, "min_age": 0, "max_age": 25}
    return {
        "name": row.name,
        "organisation": row.organisation_id,
        "kind": row.kind,
        "description": row.description,
        "min_age": row.min_age,
        "max_age": row.max_age,
        "needs": row.need_codes,
        "access": row.access,
        "access_note": row.access_note,
        "email": row.email,
        "phone": row.phone,
        "website": row.website,
        "area_served": row.area_served,
        "based_at": row.based_at_id,
        "active": row.active,
        "expected_lock": lock_of(row),
    }
