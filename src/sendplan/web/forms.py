"""Form parts shared by every app's pages: the GOV.UK date input, the chooser typed into and
the error summary.

Forms here only parse and check the shape of what was typed (a real date, a valid check
digit); rules about the record itself live in services.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from sendplan.core.numbers import is_plain_digits

DATE_PARTS = ("day", "month", "year")
#: The ``data-module`` that makes a select a chooser typed into (``static/sendplan/init.mjs``).
CHOOSER_MODULE = "sp-autocomplete"


def chooser() -> forms.Select:
    """The widget of a long list (organisations, settings, people): a select the user can type
    into to find an option, with JavaScript; a plain select without it (ADR 0127)."""
    return forms.Select(attrs={"data-module": CHOOSER_MODULE})


class DateInputWidget(forms.MultiWidget):
    """Three boxes named ``<name>_day``, ``<name>_month`` and ``<name>_year``."""

    def __init__(self) -> None:
        super().__init__(widgets={part: forms.TextInput() for part in DATE_PARTS})

    def decompress(self, value: Any) -> list[str]:
        if isinstance(value, dt.date):
            return [str(value.day), str(value.month), str(value.year)]
        return ["", "", ""]


class GovukDateField(forms.Field):
    """A date typed as day, month and year, with the GOV.UK Design System's messages.

    ``error_parts`` says which boxes to highlight after a failed clean, as the design
    system asks ("must include a month" highlights only the month).
    """

    widget = DateInputWidget

    def __init__(self, *, label_text: str, past_only: bool = True, **kwargs: Any) -> None:
        self.label_text = label_text
        self.past_only = past_only
        self.error_parts: tuple[str, ...] = ()
        # Templates that show ``field.label`` get the question, not the field's name.
        kwargs.setdefault("label", label_text)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> list[str]:
        if isinstance(value, dt.date):
            return [str(value.day), str(value.month), str(value.year)]
        if isinstance(value, list | tuple):
            return [str(v or "") for v in value]
        return ["", "", ""]

    def _fail(self, message: str, parts: tuple[str, ...] = DATE_PARTS) -> ValidationError:
        self.error_parts = parts
        return ValidationError(message)

    def clean(self, value: Any) -> dt.date | None:
        self.error_parts = ()
        parts = dict(zip(DATE_PARTS, (str(v or "").strip() for v in value or []), strict=False))
        missing = tuple(p for p in DATE_PARTS if not parts.get(p))
        if len(missing) == 3:
            if self.required:
                raise self._fail(f"Enter {self.label_text.lower()}")
            return None
        if missing:
            words = " and ".join(missing)
            raise self._fail(f"{self.label_text} must include a {words}", missing)
        not_numbers = tuple(p for p in DATE_PARTS if not is_plain_digits(parts[p]))
        if not_numbers:
            raise self._fail(f"{self.label_text} must be a real date", not_numbers)
        if len(parts["year"]) != 4:
            raise self._fail("Year must include 4 numbers", ("year",))
        too_long = tuple(p for p in ("day", "month") if len(parts[p].lstrip("0")) > 2)
        if too_long:
            raise self._fail(f"{self.label_text} must be a real date", too_long)
        try:
            value_date = dt.date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
        except (ValueError, OverflowError):
            raise self._fail(f"{self.label_text} must be a real date") from None
        if self.past_only and value_date >= timezone.localdate():
            raise self._fail(f"{self.label_text} must be in the past")
        return value_date


def first_error_anchor(form: forms.Form, name: str) -> str:
    """The id the error summary links to for a field: its first box for a date."""
    field = form.fields[name]
    if isinstance(field, GovukDateField):
        part = field.error_parts[0] if field.error_parts else "day"
        return f"{name}_{part}"
    return name


def error_summary(form: forms.Form, *, non_field_anchor: str | None = None) -> list[dict[str, str]]:
    """The error summary's items in the order the fields appear on the page."""
    items = []
    for message in form.non_field_errors():
        items.append(
            {"href": f"#{non_field_anchor or next(iter(form.fields))}", "text": str(message)}
        )
    for name in form.fields:
        for message in form.errors.get(name, []):
            items.append({"href": f"#{first_error_anchor(form, name)}", "text": str(message)})
    return items
