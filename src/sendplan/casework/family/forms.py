"""Forms on the family's pages: comments on the draft and section A views, one question per
page.
"""

from __future__ import annotations

from django import forms


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
