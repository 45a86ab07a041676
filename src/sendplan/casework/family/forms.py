"""Forms on the family's pages: comments on the draft and section A views, one question per
page.
"""

from __future__ import annotations

from django import forms

from sendplan.casework.family.models import SettingType
from sendplan.provision.models import Setting
from sendplan.web.forms import chooser


class FamilyCommentForm(forms.Form):
    text = forms.CharField(
        max_length=20000,
        widget=forms.Textarea,
        error_messages={"required": "Write your comments on the draft plan"},
    )
    finished = forms.ChoiceField(
        choices=(("yes", "Yes, this is everything"), ("no", "No, I may want to say more")),
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if this is everything you want to say"},
    )


class FamilyViewsForm(forms.Form):
    """One part of section A. Blank is allowed: "skip for now" saves nothing."""

    text = forms.CharField(required=False, max_length=20000, widget=forms.Textarea)
    lock = forms.IntegerField(widget=forms.HiddenInput)


class PreferenceForm(forms.Form):
    """The school or college the family would like: one from the register, or a type."""

    setting = forms.ModelChoiceField(
        label="Which school or college would you like?",
        help_text="Start typing its name, or choose it from the list. Leave this empty if "
        "you would like a type of setting rather than one school or college.",
        queryset=Setting.objects.filter(is_open=True).order_by("name"),
        required=False,
        empty_label="No particular school or college",
        widget=chooser(),
        error_messages={"invalid_choice": "Choose a school or college from the list"},
    )
    setting_type = forms.ChoiceField(
        label="Or, what type of setting would you like?",
        choices=[("", "Choose a type of setting"), *SettingType.choices],
        required=False,
        error_messages={"invalid_choice": "Choose a type of setting from the list"},
    )
    reason = forms.CharField(
        label="Why would you like it? (optional)",
        help_text="For example, it is near home, or a brother or sister goes there.",
        widget=forms.Textarea,
        required=False,
        max_length=5000,
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if bool(data.get("setting")) == bool(data.get("setting_type")):
            self.add_error(
                "setting", "Choose one school or college, or a type of setting, but not both"
            )
        return data
