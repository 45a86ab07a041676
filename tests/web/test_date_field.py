"""The GOV.UK date field: the question it asks is what every template shows."""

from __future__ import annotations

from sendplan.casework.disputes.forms import MediationForm
from sendplan.casework.reviews.forms import MeetingForm


def test_date_questions_are_labelled_with_the_question_not_the_field_name() -> None:
    form = MediationForm()
    assert form["family_choice_on"].label == "Date the family told you (optional)"
    assert form["adviser_contacted_on"].label == ("Date the family contacted the mediation adviser")
    assert MeetingForm()["meeting_on"].label == "Date of the review meeting"


def test_a_missing_date_names_the_question() -> None:
    form = MediationForm(data={"adviser_contacted_on_day": "", "about": "cease"})
    assert not form.is_valid()
    assert form.errors["adviser_contacted_on"] == [
        "Enter date the family contacted the mediation adviser"
    ]
