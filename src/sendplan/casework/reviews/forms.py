"""Forms for scheduling a review, the meeting, the decision and ceasing a plan."""

from __future__ import annotations

from django import forms

from sendplan.casework.plans.models import CeaseReason
from sendplan.casework.reviews.models import Review
from sendplan.web.forms import GovukDateField


class ScheduleForm(forms.Form):
    """Plan the review meeting (and, where known, the phase transfer it must deal with)."""

    meeting_on = GovukDateField(label_text="Date of the review meeting", past_only=False)
    invitations_sent_on = GovukDateField(
        label_text="Date the invitations were sent", past_only=False, required=False
    )
    transfer = forms.ChoiceField(
        label="Phase transfer",
        help_text="Only if the learner moves to the next phase within the year after this review",
        choices=[("", "No phase transfer at this review"), *Review.Transfer.choices],
        required=False,
    )
    transfer_year = forms.IntegerField(
        label="Year of the move",
        help_text="The calendar year the learner starts at the next setting, like 2027",
        required=False,
        min_value=2000,
        max_value=2100,
        error_messages={"invalid": "Enter the year of the transfer, like 2027"},
    )
    transfer_date = GovukDateField(label_text="Date of the move", past_only=False, required=False)
    # The lock of the open review the user read (0: there was none).
    expected_lock = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def clean(self) -> dict:  # type: ignore[type-arg]
        data = super().clean() or {}
        kind = data.get("transfer")
        if kind in (Review.Transfer.SCHOOL, Review.Transfer.POST16) and not data.get(
            "transfer_year"
        ):
            self.add_error("transfer_year", "Enter the year the learner moves, like 2027")
        if kind == Review.Transfer.POST16_OTHER and not data.get("transfer_date"):
            self.add_error("transfer_date", "Enter the date of the move")
        return data


class MeetingForm(forms.Form):
    meeting_on = GovukDateField(label_text="Date of the review meeting", past_only=False)
    invitations_sent_on = GovukDateField(
        label_text="Date the invitations were sent", past_only=False, required=False
    )
    report_received_on = GovukDateField(
        label_text="Date the review report was received", past_only=False, required=False
    )
    # The lock of the review the user read.
    expected_lock = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="What did the local authority decide?",
        choices=Review.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the local authority decided"},
    )
    decided_on = GovukDateField(label_text="Date the decision was sent", past_only=False)
    amendment_proposed_on = GovukDateField(
        label_text="Date the proposed amendments were sent", past_only=False, required=False
    )
    reasons = forms.CharField(
        label="Reasons",
        help_text="Needed when ceasing; sent to the family with their right of appeal",
        widget=forms.Textarea,
        required=False,
        max_length=10000,
    )


class CeaseForm(forms.Form):
    reason = forms.TypedChoiceField(
        label="Why does the plan cease? (SEN2 cease reason)",
        coerce=int,
        choices=CeaseReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the plan ceases"},
    )
    detail = forms.CharField(
        label="Details",
        help_text="Needed when the reason is 'other'",
        widget=forms.Textarea,
        required=False,
        max_length=5000,
    )
    decided_on = GovukDateField(
        label_text="Date the decision to cease was sent", past_only=False, required=False
    )
    ceased_on = GovukDateField(label_text="Date the plan ceases", past_only=False)
    appeal_concluded = forms.BooleanField(
        label="An appeal against the decision to cease has ended", required=False
    )
    outcomes_considered = forms.BooleanField(
        label="For a young person 18 or over: the education and training outcomes in the plan "
        "were considered before deciding to cease",
        required=False,
    )
