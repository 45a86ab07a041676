"""The upload form: which file, what kind of document, and its title. The checks on the file
itself are the service's (``checks.check_upload``), so every way in applies them."""

from __future__ import annotations

from django import forms

from sendplan.documents.models import Document


class DocumentForm(forms.Form):
    upload = forms.FileField(
        required=True,
        max_length=255,
        error_messages={
            "required": "Select a file",
            "empty": "The selected file is empty",
            "invalid": "Select a file",
            "max_length": "The selected file's name must be 255 characters or fewer",
        },
    )
    kind = forms.ChoiceField(
        choices=[("", "Select a kind of document"), *Document.Kind.choices],
        error_messages={
            "required": "Select what kind of document this is",
            "invalid_choice": "Select what kind of document this is",
        },
    )
    title = forms.CharField(
        max_length=200,
        error_messages={
            "required": "Enter a title for the document",
            "max_length": "Title must be 200 characters or fewer",
        },
    )
    # The case the document is added from, if any; checked against the learner's cases.
    case = forms.IntegerField(required=False, widget=forms.HiddenInput)
