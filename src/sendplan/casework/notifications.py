"""Email notices about a case: useful without signing in, with nothing sensitive in them.

A notice says what kind of update there is, the date that matters and where to sign in. It
never carries a name, a need, a diagnosis or what a plan says: email leaves the machine and
may be read by anyone with access to the inbox. Each recipient gets a separate message so
no one sees who else was told.

The services that make the change call these (the decisions, advice requested, the draft and
the final plan); sending waits for the transaction to commit, so a refused or rolled-back
change never sends anything.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode

from sendplan.accounts.models import User
from sendplan.casework import clock
from sendplan.casework.advice.models import AdviceRequest
from sendplan.casework.case.models import Case
from sendplan.casework.intake.models import AssessmentRequest
from sendplan.core.dates import govuk_date
from sendplan.core.tasks import email_enqueue
from sendplan.learners.access import advice_recipients, family_recipients
from sendplan.learners.models import Learner

log = logging.getLogger(__name__)

SUBJECT = "Update about an education, health and care plan"


@dataclass(frozen=True)
class Notice:
    """One kind of update: what happened, the date that matters, what to do."""

    kind: str
    update: str
    date_label: str = ""
    date: dt.date | None = None
    action: str = ""
    #: The page the sign-in link leads to once signed in (a path of numbers, nothing more).
    page: str = ""


def adviser_recipients(advice: AdviceRequest) -> list[User]:
    """Whoever answers the request while they work for the organisation asked (a leaver
    hears nothing more), or else the organisation's triage role, who assign it."""
    recipients = advice_recipients(
        organisation_id=advice.organisation_id,
        practitioner_id=advice.practitioner_id,
        assigned_to_id=advice.assigned_to_id,
    )
    return list(recipients.exclude(email=""))


def _sign_in_url(page: str = "") -> str:
    base = getattr(settings, "SENDPLAN_SERVICE_URL", "").rstrip("/")
    url = f"{base}{reverse('accounts:sign-in')}"
    return f"{url}?{urlencode({'next': page})}" if page else url


def render_notice(notice: Notice, *, reference: int | str) -> str:
    return render_to_string(
        "casework/email/notice.txt",
        {
            "notice": notice,
            "date_text": govuk_date(notice.date, weekday=True),
            "reference": reference,
            "sign_in_url": _sign_in_url(notice.page),
            "service_name": settings.SERVICE_NAME,
        },
    )


def send(notice: Notice, recipients: Iterable[User], *, reference: int | str) -> None:
    """Queue the notice for sending once the current transaction commits (at once outside
    one); the queue's worker sends it and tries again if the mail server refuses."""
    addresses = sorted({u.email for u in recipients if u.email})
    if not addresses:
        return
    body = render_notice(notice, reference=reference)

    def deliver() -> None:
        queued = email_enqueue(subject=SUBJECT, body=body, to=addresses)
        # Counts and the kind only: no addresses or names in the log.
        log.info(
            "notice %s for reference %s queued for %s recipients", notice.kind, reference, queued
        )

    transaction.on_commit(deliver)


# The notices. Each takes the row just changed by the core service.


def request_received(request: AssessmentRequest, *, to: User) -> Notice:
    """The requester's receipt: the reference and the day the decision whether to assess
    is due (from the engine's rule), with no name or detail of the child."""
    notice = Notice(
        kind="request_received",
        update="The council has received your request for an EHC needs assessment.",
        date_label="The council must tell you whether it will carry out an assessment by",
        date=clock.due(clock.DECISION_TO_ASSESS, request.case.received_on),
        action="Keep your reference. Sign in to see what happens next.",
    )
    send(notice, [to], reference=request.reference)
    return notice


def advice_requested(advice: AdviceRequest) -> Notice:
    notice = Notice(
        kind="advice_requested",
        update="You have been asked for advice for an EHC needs assessment.",
        date_label="Please send your advice by",
        date=advice.due_on,
        action="Sign in to see the request and send your advice.",
        page=reverse("casework:advice-detail", args=[advice.pk]),
    )
    send(notice, adviser_recipients(advice), reference=advice.case_id)
    return notice


def advice_assigned(advice: AdviceRequest) -> Notice:
    """The colleague a request was assigned to is asked for the advice."""
    notice = Notice(
        kind="advice_assigned",
        update="A request for advice for an EHC needs assessment has been assigned to you.",
        date_label="Please send your advice by",
        date=advice.due_on,
        action="Sign in to see the request and send your advice.",
    )
    send(notice, adviser_recipients(advice), reference=advice.case_id)
    return notice


def draft_issued(case: Case) -> Notice:
    assert case.draft_issued_on is not None
    notice = Notice(
        kind="draft_issued",
        update="A draft EHC plan is ready for you to read and comment on.",
        date_label="Please send your comments by",
        date=clock.due(clock.DRAFT_COMMENTS, case.draft_issued_on),
        action="Sign in to read the draft and tell us what you think.",
        page=reverse("casework:family-draft", args=[case.pk]),
    )
    send(notice, family_recipients(case.learner), reference=case.pk)
    return notice


def decision_made(case: Case) -> Notice:
    """The decision whether to assess, or a decision not to issue a plan after assessing."""
    if case.not_to_issue_on is not None:
        notice = Notice(
            kind="decision_not_to_issue",
            update="The council has made a decision after the EHC needs assessment.",
            date_label="If you disagree, the last day to appeal is",
            date=clock.appeal_due(decision_on=case.not_to_issue_on),
            action="Sign in to read the decision, the reasons and what you can do next.",
            page=reverse("casework:family-case", args=[case.pk]),
        )
    elif case.assess:
        assert case.received_on is not None
        notice = Notice(
            kind="decision_to_assess",
            update="The council has decided to carry out an EHC needs assessment.",
            date_label="The council must finish the assessment and send a final plan, if "
            "there is to be one, by",
            date=clock.due(clock.FINAL_PLAN, case.received_on),
            action="Sign in to see what happens next.",
            page=reverse("casework:family-case", args=[case.pk]),
        )
    else:
        assert case.decision_on is not None
        notice = Notice(
            kind="decision_not_to_assess",
            update="The council has decided whether to carry out an EHC needs assessment.",
            date_label="If you disagree, the last day to appeal is",
            date=clock.appeal_due(decision_on=case.decision_on),
            action="Sign in to read the decision, the reasons and what you can do next.",
            page=reverse("casework:family-case", args=[case.pk]),
        )
    send(notice, family_recipients(case.learner), reference=case.pk)
    return notice


def final_issued(
    learner: Learner, *, issued_on: dt.date | None, reference: int, plan_id: int
) -> Notice:
    """A final plan, first or amended, has been issued; the link leads to it."""
    assert issued_on is not None
    notice = Notice(
        kind="final_issued",
        update="The final EHC plan has been issued.",
        date_label="If you disagree with the plan, the last day to appeal is",
        date=clock.appeal_due(decision_on=issued_on),
        action="Sign in to read the plan.",
        page=reverse("casework:plan", args=[plan_id]),
    )
    send(notice, family_recipients(learner), reference=reference)
    return notice


def amendment_proposed(
    learner: Learner, *, comments_by: dt.date, reference: int, plan_id: int
) -> Notice:
    """The council proposes to amend the plan: the family may comment, ask for a particular
    school or college and ask for a meeting, within 15 days."""
    notice = Notice(
        kind="amendment_proposed",
        update="The council proposes to change the EHC plan.",
        date_label="Please tell us what you think by",
        date=comments_by,
        action="Sign in to read what would change and why.",
        page=reverse("casework:plan", args=[plan_id]),
    )
    send(notice, family_recipients(learner), reference=reference)
    return notice
