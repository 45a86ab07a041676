"""``{% field %}``: one set of GOV.UK components, chosen by the widget, with the ids the error
summary links to."""

from __future__ import annotations

import re

from django import forms
from django.template import Context, Template

from sendplan.web.forms import GovukDateField, error_summary


class Everything(forms.Form):
    name = forms.CharField(label="Your name", help_text="As on your passport")
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)
    colour = forms.ChoiceField(label="Colour", choices=[("", "Choose"), ("r", "Red")])
    size = forms.ChoiceField(
        label="Size", choices=[("s", "Small"), ("l", "Large")], widget=forms.RadioSelect
    )
    extras = forms.MultipleChoiceField(
        label="Extras",
        choices=[("a", "Apple"), ("b", "Banana")],
        widget=forms.CheckboxSelectMultiple,
    )
    agree = forms.BooleanField(label="I agree")
    secret = forms.CharField(label="Password", widget=forms.PasswordInput)
    lock = forms.IntegerField(widget=forms.HiddenInput)
    born = GovukDateField(label_text="Date of birth")


def _draw(form: forms.Form, tag: str) -> str:
    return Template(tag).render(Context({"form": form}))


def test_each_widget_draws_its_govuk_component() -> None:
    form = Everything()
    assert 'class="govuk-input" id="name" name="name" type="text"' in _draw(
        form, "{% field form.name %}"
    )
    assert '<textarea class="govuk-textarea" id="notes"' in _draw(form, "{% field form.notes %}")
    assert '<select class="govuk-select" id="colour"' in _draw(form, "{% field form.colour %}")
    assert 'class="govuk-radios"' in _draw(form, "{% field form.size %}")
    assert 'class="govuk-checkboxes"' in _draw(form, "{% field form.extras %}")
    assert 'type="checkbox" value="on"' in _draw(form, "{% field form.agree %}")
    assert 'type="password"' in _draw(form, "{% field form.secret %}")
    assert _draw(form, "{% field form.lock %}").strip() == (
        '<input type="hidden" id="lock" name="lock" value="">'
    )
    date = _draw(form, "{% field form.born %}")
    assert all(f'id="born_{part}"' in date for part in ("day", "month", "year"))
    assert "For example, 27 3 2025" in date


def test_hint_and_error_are_tied_to_the_input() -> None:
    form = Everything(data={"name": ""})
    html = _draw(form, "{% field form.name width='govuk-input--width-10' %}")
    assert 'id="name-hint" class="govuk-hint">As on your passport' in html
    assert 'id="name-error" class="govuk-error-message"' in html
    assert 'aria-describedby="name-hint name-error"' in html
    assert "govuk-form-group--error" in html
    assert "govuk-input--width-10 govuk-input--error" in html


def test_every_error_in_the_summary_links_to_an_id_on_the_page() -> None:
    form = Everything(data={"born_day": "99999999999999999999", "born_month": "1"})
    assert not form.is_valid()
    page = "".join(_draw(form, f"{{% field form.{name} %}}") for name in form.fields)
    ids = set(re.findall(r'id="([^"]+)"', page))
    hrefs = [item["href"].lstrip("#") for item in error_summary(form)]
    assert {"name", "size", "extras", "agree", "secret", "born_year"} <= set(hrefs)
    assert set(hrefs) <= ids


def test_radios_and_checkboxes_give_the_first_item_the_fields_name() -> None:
    html = _draw(Everything(), "{% field form.size %}")
    assert re.findall(r'class="govuk-radios__input" id="([^"]+)"', html) == ["size", "size-2"]


def test_what_was_typed_is_shown_again_but_never_a_password_or_one_time_code() -> None:
    form = Everything(data={"name": "Zoë <b>", "secret": "hunter2", "size": "l", "extras": ["b"]})
    assert 'value="Zoë &lt;b&gt;"' in _draw(form, "{% field form.name %}")
    assert "hunter2" not in _draw(form, "{% field form.secret %}")
    assert "value=" not in _draw(form, "{% field form.name no_value=True %}")
    assert 'value="l" checked' in _draw(form, "{% field form.size %}")
    assert 'value="b" checked' in _draw(form, "{% field form.extras %}")


def test_a_hostile_date_is_a_message_with_its_boxes_marked() -> None:
    for day, month in (("99999999999999999999", "1"), ("1", "99999999999999999999"), ("²", "1")):
        form = Everything(data={"born_day": day, "born_month": month, "born_year": "2010"})
        assert not form.is_valid()
        assert form.errors["born"] == ["Date of birth must be a real date"]
        html = _draw(form, "{% field form.born %}")
        assert html.count("govuk-input--error") == 1
