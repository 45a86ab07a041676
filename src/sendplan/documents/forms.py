"""The upload form: which file, what kind of document, and its title. The checks on the file
itself are the service's (``checks.check_upload``), so every way in applies them."""

from __future__ import annotations

from django import forms

from sendplan.documents.models import Document

UPLOAD_ERRORS = {
    "required": "Select a file",
    "empty": "The selected file is empty",
    "invalid": "Select a file",
    "max_length": "The selected file's name must be 255 characters or fewer",
}
TITLE_ERRORS = {
    "required": "Enter a title for the document",
    "max_length": "Title must be 200 characters or fewer",
}


class AdviceReportForm(forms.Form):
    """A report attached to advice: the kind is always an advice report."""

    upload = forms.FileField(max_length=255, error_messages=UPLOAD_ERRORS)
    title = forms.CharField(max_length=200, error_messages=TITLE_ERRORS)


class DocumentForm(forms.Form):
    upload = forms.FileField(required=True, max_length=255, error_messages=UPLOAD_ERRORS)
    kind = forms.ChoiceField(
        choices=[("", "Select a kind of document"), *Document.Kind.choices],
        error_messages={
            "required": "Select what kind of document this is",
            "invalid_choice": "Select what kind of document this is",
        },
    )
    title = forms.CharField(max_length=200, error_messages=TITLE_ERRORS)
    # The case the document is added from, if any; checked against the learner's cases.
    case = forms.IntegerField(required=False, widget=forms.HiddenInput)
