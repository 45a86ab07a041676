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


# The setting's steps (ADR 0134).


class InviteForm(forms.Form):
    meeting_on = GovukDateField(label_text="Date of the review meeting", past_only=False)
    sent_on = GovukDateField(label_text="Date the invitations were sent", past_only=False)
    involvement_ids = forms.TypedMultipleChoiceField(
        label="Who was invited?",
        help_text="The family or young person, and those involved: the caseworker, "
        "practitioners and services",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose who was invited"},
    )
    expected_lock = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: object, choices: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["involvement_ids"].choices = choices  # type: ignore[attr-defined]


class AdviceForm(forms.Form):
    requested_on = GovukDateField(label_text="Date advice was asked for", past_only=False)
    advice_from = forms.CharField(
        label="Who was asked for advice?",
        help_text="For example, the speech and language therapist and the educational psychologist",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Say who was asked for advice"},
    )
    circulated_on = GovukDateField(
        label_text="Date the advice was sent to everyone invited (if it has been)",
        past_only=False,
        required=False,
    )
    expected_lock = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class ViewsForm(forms.Form):
    how = forms.ChoiceField(
        label="How were their views gathered?",
        choices=Review.ViewsHow.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how their views were gathered"},
    )
    words = forms.CharField(
        label="Their views, in their own words",
        help_text="Write down what they said, signed, drew or chose, as they put it. "
        "Do not correct or summarise it.",
        widget=forms.Textarea,
        max_length=10000,
        strip=False,
        error_messages={"required": "Write their views in their own words"},
    )
    helped_by = forms.CharField(
        label="Who helped them give their views (optional)", required=False, max_length=200
    )
    gathered_on = GovukDateField(label_text="Date their views were gathered", past_only=False)
    expected_lock = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class HeldForm(forms.Form):
    meeting_on = GovukDateField(label_text="Date the meeting was held", past_only=False)
    expected_lock = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class ChangeForm(forms.Form):
    """A proposed change to one row: keep, change to new words, or remove."""

    action = forms.ChoiceField(
        label="What does the review propose for this row?",
        choices=[("keep", "Keep it as it is"), ("change", "Change it"), ("remove", "Remove it")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the review proposes"},
    )
    text = forms.CharField(
        label="New wording", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    what = forms.CharField(label="What the provision is", required=False, max_length=2000)
    how_much = forms.CharField(
        label="How much", help_text="For example, 30 minutes", required=False, max_length=200
    )
    how_often = forms.CharField(
        label="How often",
        help_text="For example, twice a week in term time",
        required=False,
        max_length=200,
    )
    delivered_by = forms.CharField(label="Delivered by", required=False, max_length=200)
    reason = forms.CharField(
        label="Why", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )

    def __init__(self, *args: object, provision: bool, adding: bool = False, **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        drop = ("text",) if provision else ("what", "how_much", "how_often", "delivered_by")
        for name in drop:
            del self.fields[name]
        if adding:
            del self.fields["action"]


class AddForm(ChangeForm):
    link = forms.TypedChoiceField(
        label="Which does it serve?", coerce=int, error_messages={"required": "Choose one"}
    )

    def __init__(
        self, *args: object, provision: bool, links: list[tuple[int, str]], **kwargs: object
    ):
        super().__init__(*args, provision=provision, adding=True, **kwargs)
        if links:
            self.fields["link"].choices = [("", "Choose"), *links]  # type: ignore[attr-defined]
            self.fields["link"].label = (
                "Which outcome does it serve?" if provision else "Which need does it answer?"
            )
        else:
            del self.fields["link"]


class ReportForm(forms.Form):
    summary = forms.CharField(
        label="What the meeting found",
        help_text="Progress towards the outcomes, and what the people at the meeting said",
        widget=forms.Textarea,
        max_length=20000,
        error_messages={"required": "Summarise what the meeting found"},
    )
    recommendation = forms.ChoiceField(
        label="What does the review recommend?",
        choices=Review.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the review recommends"},
    )
    sent_on = GovukDateField(label_text="Date the report is sent", past_only=False)
    expected_lock = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
