"""``{% field form.x %}``: every form field on every page as its GOV.UK Design System component.

The widget picks the component (text input, password, textarea, select, radios, checkboxes,
a single checkbox, the date input, or a hidden input); the template in ``web/fields/`` draws it with
its label or legend, hint, error message and error classes. Options a page may give:

``label``, ``hint``       override the field's own label and help text
``size``                 "s", "m" or "l": the label's or legend's size (radios and
                         checkboxes have "s" unless told otherwise)
``as_heading``           the label or legend is the page's ``h1`` (or the heading level
                         given, "h3")
``hint_template``        a template for a hint with more than a sentence, drawn with the
                         page's context
``width``                a ``govuk-input--width-*`` or ``govuk-!-width-*`` class
``prefix``, ``suffix``   "£", "%", "km" beside a text input
``autocomplete``, ``inputmode``, ``autocapitalize``, ``spellcheck`` (False turns it off),
``rows``
``no_value``             never show what was typed again (one-time codes)
``small``, ``inline``    radios and checkboxes in their small or inline form
``item_only``            a single checkbox without its form group, inside a page's own
                         fieldset of yes-or-no fields
``module``               a select's ``data-module`` (the widget's own by default), for a
                         script to enhance it: "sp-autocomplete" makes it a chooser
                         typed into
``id``                   the id of the input (its first item, for radios and checkboxes);
                         the field's name when not given

Ids follow the GOV.UK pattern the error summary links to (``web.forms.error_summary``): the
input's id is the field's name, the first radio or checkbox has it too and the others add
``-2``, ``-3``; a date's boxes are ``<name>_day``, ``_month`` and ``_year``.
"""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from sendplan.web.forms import GovukDateField

register = template.Library()

DATE_HINT = "For example, 27 3 2025"


def field_kind(bound: forms.BoundField) -> str:
    """Which GOV.UK component draws a form field."""
    field, widget = bound.field, bound.field.widget
    if isinstance(field, GovukDateField):
        return "date"
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    # Before RadioSelect: Django's CheckboxSelectMultiple is a subclass of it.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.PasswordInput):
        return "password"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.Select):
        return "select"
    return "input"


def _chosen(bound: forms.BoundField) -> set[str]:
    current = bound.value()
    values = current if isinstance(current, list | tuple) else [current]
    return {str(v) for v in values if v is not None}


def _items(bound: forms.BoundField, base_id: str) -> list[dict[str, Any]]:
    chosen = _chosen(bound)
    return [
        {
            "id": base_id if n == 1 else f"{base_id}-{n}",
            "value": value,
            "label": label,
            "checked": str(value) in chosen,
        }
        for n, (value, label) in enumerate(bound.field.choices, start=1)  # type: ignore[attr-defined]
    ]


@register.simple_tag(takes_context=True)
def field(context: template.Context, bound: forms.BoundField, **options: Any) -> SafeString:
    """Draw ``bound`` as its GOV.UK component; see the module's docstring for the options."""
    kind = field_kind(bound)
    name = bound.html_name
    base_id = options.pop("id", "") or name
    date = kind == "date"
    label = options.pop("label", None)
    if label is None:
        label = bound.field.label_text if date else bound.label  # type: ignore[attr-defined]
    hint = options.pop("hint", None)
    hint_template = options.pop("hint_template", None)
    if hint_template:
        hint = render_to_string(hint_template, dict(context.flatten()))  # type: ignore[arg-type]
    if hint is None:
        hint = bound.help_text or (DATE_HINT if date else "")
    if kind in {"radios", "checkboxes"}:
        options.setdefault("size", "s")
    errors = bound.errors
    described = " ".join(
        part for part, shown in ((f"{name}-hint", hint), (f"{name}-error", errors)) if shown
    )
    value = bound.value()
    heading = options.pop("as_heading", None)
    drawn = {
        "heading": ("h1" if heading is True else heading) or "",
        "field": bound,
        "name": name,
        "id": base_id,
        "label": label,
        "hint": hint,
        "errors": errors,
        "described_by": described,
        "value": "" if value is None else value,
        **options,
    }
    if kind in {"radios", "checkboxes", "select"}:
        drawn["items"] = _items(bound, base_id)
    if kind == "select":
        # A chooser typed into (``web.forms.chooser``, ADR 0127) keeps its module attribute.
        drawn.setdefault("module", bound.field.widget.attrs.get("data-module", ""))
    if date:
        parts = value if isinstance(value, list | tuple) else ["", "", ""]
        bad = bound.field.error_parts if errors else ()  # type: ignore[attr-defined]
        drawn["parts"] = [
            {"part": part, "label": part.title(), "value": parts[n], "error": part in bad}
            for n, part in enumerate(("day", "month", "year"))
        ]
    return render_to_string(f"web/fields/{kind}.html", drawn)
