"""Writes of advice: the caseworker's request to a body, advice recorded on its behalf, and the
contributor's own draft, check and send from the advice pages.

The services send the email notices themselves when their transaction commits, so every
page that makes those changes tells the people it should.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from sendplan.accounts.access import standing_for
from sendplan.accounts.models import Organisation, User
from sendplan.casework import clock, notifications
from sendplan.casework.advice import services as advice_services
from sendplan.casework.advice.models import (
    ADVICE_SECTION_MAX,
    ADVICE_SUMMARY_MAX,
    AdviceRequest,
    AdviceSection,
)
from sendplan.casework.advice.selectors import is_addressed_to
from sendplan.casework.case.models import Stage
from sendplan.casework.case.services import DateChecks, lock_case, require_stage, save
from sendplan.casework.errors import TransitionRefused
from sendplan.casework.plans.models import Section
from sendplan.core.dates import govuk_date, govuk_time
from sendplan.core.locking import lock_bump, lock_check
from sendplan.documents.models import Document
from sendplan.documents.services import document_add
from sendplan.learners.access import (
    advice_answered,
    advice_assignees,
    triages_for,
    works_for,
)


@transaction.atomic
def advice_request(
    *,
    case_id: int,
    kind: str,
    organisation_id: int,
    requested_on: dt.date,
    changed_by: User,
    practitioner: User | None = None,
) -> AdviceRequest:
    """Ask a body for advice (Reg 6); it is due 6 weeks after the body receives the request."""
    case = lock_case(case_id)
    require_stage(
        case,
        {Stage.ASSESSING, Stage.DRAFTING},
        "Advice can only be requested once the decision to assess has been made, and before "
        "the draft plan is sent out.",
    )
    checks = DateChecks()
    checks.past("requested_on", requested_on, "of the request for advice")
    checks.not_before("requested_on", requested_on, case.decision_on, "the decision to assess")
    if practitioner is not None and not works_for(practitioner, organisation_id, on=requested_on):
        # Naming someone is what lets them read the child's details and send the advice.
        checks.add("practitioner", "Choose someone who works for the organisation asked")
    if kind == AdviceRequest.Kind.PFA and not clock.pfa_applies(
        case.learner.date_of_birth, on=requested_on
    ):
        checks.add(
            "kind",
            "Preparing-for-adulthood advice is for young people in Year 9 or above (Reg 6(1)).",
        )
    checks.raise_if_any()
    advice = AdviceRequest(
        case=case,
        kind=kind,
        organisation=Organisation.objects.get(pk=organisation_id),
        practitioner=practitioner,
        requested_on=requested_on,
        due_on=clock.due(clock.ADVICE, requested_on),
    )
    save(advice, changed_by=changed_by, created=True)
    notifications.advice_requested(advice)
    return advice


def _may_submit(user: User, advice: AdviceRequest) -> bool:
    if is_addressed_to(user, advice):
        return True
    # LA staff may record advice that arrived by post or email.
    return advice.case.learner.responsible_la_id in standing_for(user).la_ids


@transaction.atomic
def advice_submit(
    *,
    advice_request_id: int,
    received_on: dt.date,
    changed_by: User,
    sections: dict[str, str],
    summary: str = "",
    report_attached: bool = False,
) -> AdviceRequest:
    """Record a body's advice, written into the plan sections it informs (e.g. C and G).

    Any unsent draft of it is cleared, however the advice arrives: what was given is now the
    record. With ``report_attached`` (a report that arrived by post or email, uploaded) no
    text is needed: the report is the advice."""
    advice = (
        AdviceRequest.objects.select_for_update(of=("self",))
        .select_related("case__learner")
        .get(pk=advice_request_id)
    )
    if not _may_submit(changed_by, advice):
        raise PermissionDenied("Only the person or organisation asked may give this advice.")
    if advice.received_on is not None:
        raise TransitionRefused(
            f"This advice was already given on {govuk_date(advice.received_on)}."
        )
    require_stage(
        advice.case,
        {Stage.ASSESSING, Stage.DRAFTING, Stage.CONSULTING},
        "This case is no longer taking advice.",
    )
    checks = DateChecks()
    checks.past("received_on", received_on, "the advice was given")
    checks.not_before("received_on", received_on, advice.requested_on, "the request for advice")
    texts = {s: t.strip() for s, t in sections.items() if t and t.strip()}
    unknown = sorted(set(texts) - set(Section.values))
    if unknown:
        checks.add("sections", f"Unknown plan sections: {', '.join(unknown)}.")
    if not texts and not summary.strip() and not report_attached:
        checks.add("sections", "Write the advice in at least one section of the plan.")
    checks.raise_if_any()
    advice.received_on, advice.summary = received_on, summary
    advice.draft = advice.draft_saved_at = advice.draft_saved_by = None
    save(advice, changed_by=changed_by)
    for section, text in texts.items():
        row = AdviceSection(advice_request=advice, section=section, text=text)
        save(row, changed_by=changed_by, created=True)
    return advice


@transaction.atomic
def advice_record_received(
    *,
    advice_request_id: int,
    received_on: dt.date,
    changed_by: User,
    upload: UploadedFile,
    sections: dict[str, str] | None = None,
    summary: str = "",
) -> AdviceRequest:
    """The caseworker records advice that arrived by post or email: the report is uploaded
    (checked and stored through the documents services, linked to the case and the
    request), the request is marked answered on the day it was received, and any words the
    caseworker copies from it are kept section by section. All of it or none of it: a file
    refused leaves the request waiting. Who recorded it and when is in the request's
    history and the document's row."""
    advice = AdviceRequest.objects.select_related("case__learner", "organisation").get(
        pk=advice_request_id
    )
    if advice.case.learner.responsible_la_id not in standing_for(changed_by).la_ids:
        raise PermissionDenied("Only the council responsible may record advice received.")
    document_add(
        user=changed_by,
        learner=advice.case.learner,
        upload=upload,
        kind=Document.Kind.ADVICE_REPORT,
        title=f"{advice.get_kind_display()} from {advice.organisation.name}"[:200],
        case=advice.case,
        advice_request=advice,
    )
    return advice_submit(
        advice_request_id=advice.pk,
        received_on=received_on,
        changed_by=changed_by,
        sections=sections or {},
        summary=summary,
        report_attached=True,
    )


#: Stages at which a case still takes advice (as ``services.advice_submit`` checks).
_TAKING_ADVICE = (Stage.ASSESSING, Stage.DRAFTING, Stage.CONSULTING)


_DRAFT_FIELDS = ["draft", "draft_saved_at", "draft_saved_by", "lock"]


@transaction.atomic
def advice_give(
    *, advice_request_id: int, changed_by: User, sections: dict[str, str], summary: str = ""
) -> AdviceRequest:
    """A practitioner sends their advice today, written into the plan sections it informs.

    Late advice is still accepted: the legal clock records it as late, and the case is better
    for having it. Any draft is cleared: what was sent is now the record.
    """
    return advice_services.advice_submit(
        advice_request_id=advice_request_id,
        received_on=timezone.localdate(),
        changed_by=changed_by,
        sections=sections,
        summary=summary,
    )


def _save_draft_fields(advice: AdviceRequest) -> None:
    # The draft is a working copy, not the record: saving it adds no history row and leaves
    # the request's "modified" stamp alone (draft_saved_at and draft_saved_by say it).
    advice.full_clean()
    advice.save_without_historical_record(update_fields=_DRAFT_FIELDS)  # type: ignore[attr-defined]


def advice_draft_fingerprint(draft: dict[str, Any] | None) -> str:
    """A short digest of a draft's words: the check page posts it back, so what is sent is
    exactly what the sender checked."""
    text = json.dumps(draft, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _advice_locked(advice_request_id: int, user: User) -> AdviceRequest:
    """The request locked for a change by one of those asked, while it may still change."""
    advice = (
        AdviceRequest.objects.select_for_update(of=("self",))
        .select_related("case", "draft_saved_by")
        .get(pk=advice_request_id)
    )
    # Only those asked may keep a draft of it, see it, or send it from the portal.
    if not is_addressed_to(user, advice):
        raise PermissionDenied("Only the person or organisation asked may write this advice.")
    if advice.received_on is not None:
        raise TransitionRefused(
            f"This advice was sent on {govuk_date(advice.received_on)}. "
            "Advice cannot be changed once it has been sent."
        )
    if advice.case.stage not in _TAKING_ADVICE:
        raise TransitionRefused("This case is no longer taking advice.")
    return advice


@transaction.atomic
def advice_draft_save(
    *,
    advice_request_id: int,
    changed_by: User,
    sections: dict[str, str],
    summary: str = "",
    expected_lock: int | None = None,
) -> AdviceRequest:
    """Keep what a practitioner has written so far, to come back to before sending.

    A draft may be incomplete: only the lengths are checked, not that any section is written.
    It replaces any earlier draft. Only those asked see it; the plan, the LA's pages and the
    family's pages do not change until the advice is sent. From the form, ``expected_lock``
    is the request's lock the writer read: a save after a colleague's is refused with
    ``StaleEdit`` naming who saved the draft and when.
    """
    advice = _advice_locked(advice_request_id, changed_by)
    if expected_lock is None:
        lock_bump(advice)
    else:
        lock_check(advice, expected=expected_lock, by="draft_saved_by", at="draft_saved_at")
    checks: dict[str, str] = {}
    unknown = sorted(set(sections) - set(Section.values))
    if unknown:
        checks["sections"] = f"Unknown plan sections: {', '.join(unknown)}."
    for section, text in sorted(sections.items()):
        if len(text) > ADVICE_SECTION_MAX:
            checks[f"section_{section}"] = (
                f"Section {section} must be {ADVICE_SECTION_MAX:,} characters or fewer"
            )
    if len(summary) > ADVICE_SUMMARY_MAX:
        checks["summary"] = f"Anything else must be {ADVICE_SUMMARY_MAX:,} characters or fewer"
    if checks:
        raise ValidationError(checks)
    advice.draft = {"sections": dict(sections), "summary": summary}
    advice.draft_saved_at = timezone.now()
    advice.draft_saved_by = changed_by
    _save_draft_fields(advice)
    return advice


@transaction.atomic
def advice_draft_send(*, advice_request_id: int, changed_by: User, checked: str) -> AdviceRequest:
    """Send the saved draft as the advice, through ``advice_give``.

    ``checked`` is the fingerprint of the draft the sender read on the check page; if anyone
    (a colleague, or the sender in another window) has saved since, nothing is sent.
    """
    advice = _advice_locked(advice_request_id, changed_by)
    if advice.draft is None:
        raise TransitionRefused("There is no saved advice to send. Write your advice first.")
    if advice_draft_fingerprint(advice.draft) != checked:
        saver = advice.draft_saved_by
        who = "You" if saver == changed_by else (saver.display_name if saver else "Someone")
        raise TransitionRefused(
            f"{who} saved this advice again at {govuk_time(advice.draft_saved_at)}, after you "
            "checked it. Nothing was sent. Check your answers again, then send."
        )
    return advice_give(
        advice_request_id=advice.pk,
        changed_by=changed_by,
        sections=dict(advice.draft.get("sections", {})),
        summary=str(advice.draft.get("summary", "")),
    )


@transaction.atomic
def advice_assign(*, advice_request_id: int, assignee: User, assigned_by: User) -> AdviceRequest:
    """The organisation's triage role assigns a request nobody there answers to a colleague,
    who can then read it and write the advice; the colleague is emailed.

    The assignee must work for the organisation asked today, in a role that writes advice:
    a membership that ended yesterday or starts tomorrow does not count.
    """
    today = timezone.localdate()
    advice = (
        AdviceRequest.objects.select_for_update(of=("self",))
        .select_related("case", "organisation", "practitioner", "assigned_to")
        .get(pk=advice_request_id)
    )
    if not triages_for(assigned_by, advice.organisation_id, on=today):
        raise PermissionDenied("Only the triage role of the organisation asked may assign it.")
    if advice.received_on is not None:
        raise TransitionRefused(f"This advice was sent on {govuk_date(advice.received_on)}.")
    if advice.case.stage not in _TAKING_ADVICE:
        raise TransitionRefused("This case is no longer taking advice.")
    if AdviceRequest.objects.filter(advice_answered(on=today), pk=advice.pk).exists():
        holder = advice.practitioner if advice.assigned_to is None else advice.assigned_to
        name = holder.display_name if holder else "someone"
        raise TransitionRefused(f"This request is already with {name}. Nothing was changed.")
    if not advice_assignees(advice.organisation_id, on=today).filter(pk=assignee.pk).exists():
        raise ValidationError(
            {"assignee": f"Choose someone who works for {advice.organisation.name} now"}
        )
    advice.assigned_to, advice.assigned_on, advice.assigned_by = assignee, today, assigned_by
    save(advice, changed_by=assigned_by)
    notifications.advice_assigned(advice)
    return advice
