"""Writes for the advice portal and the family pages.

The core services themselves send the email notices (advice requested, decisions, draft and
final plan issued) when their transaction commits, so every page that makes those changes
tells the people it should.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sendplan.accounts.models import User
from sendplan.casework import notifications, services
from sendplan.casework.advice_access import is_addressed_to
from sendplan.casework.errors import TransitionRefused
from sendplan.casework.models import (
    AdviceRequest,
    Case,
    FamilyComment,
    PlanVersion,
    Section,
    Stage,
)
from sendplan.casework.models.advice import ADVICE_SECTION_MAX, ADVICE_SUMMARY_MAX
from sendplan.casework.services._common import lock_case, save
from sendplan.learners.models import Involvement, Learner
from sendplan.learners.templatetags.learner_tags import govuk_time

#: Section A fields a family writes, in the order the question pages ask them.
FAMILY_VIEW_FIELDS = ("views", "interests", "aspirations")


# The advice portal.


#: Stages at which a case still takes advice (as ``services.advice_submit`` checks).
_TAKING_ADVICE = (Stage.ASSESSING, Stage.DRAFTING, Stage.CONSULTING)
_DRAFT_FIELDS = ["draft", "draft_saved_at", "draft_saved_by"]


@transaction.atomic
def advice_give(
    *, advice_request_id: int, submitted_by: User, sections: dict[str, str], summary: str = ""
) -> AdviceRequest:
    """A practitioner sends their advice today, written into the plan sections it informs.

    Late advice is still accepted: the legal clock records it as late, and the case is better
    for having it. Any draft is cleared: what was sent is now the record.
    """
    return services.advice_submit(
        advice_request_id=advice_request_id,
        received_on=timezone.localdate(),
        submitted_by=submitted_by,
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
            f"This advice was sent on {advice.received_on.day} {advice.received_on:%B %Y}. "
            "Advice cannot be changed once it has been sent."
        )
    if advice.case.stage not in _TAKING_ADVICE:
        raise TransitionRefused("This case is no longer taking advice.")
    return advice


@transaction.atomic
def advice_draft_save(
    *, advice_request_id: int, saved_by: User, sections: dict[str, str], summary: str = ""
) -> AdviceRequest:
    """Keep what a practitioner has written so far, to come back to before sending.

    A draft may be incomplete: only the lengths are checked, not that any section is written.
    It replaces any earlier draft. Only those asked see it; the plan, the LA's pages and the
    family's pages do not change until the advice is sent.
    """
    advice = _advice_locked(advice_request_id, saved_by)
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
    advice.draft_saved_by = saved_by
    _save_draft_fields(advice)
    return advice


@transaction.atomic
def advice_draft_send(*, advice_request_id: int, sent_by: User, checked: str) -> AdviceRequest:
    """Send the saved draft as the advice, through ``advice_give``.

    ``checked`` is the fingerprint of the draft the sender read on the check page; if anyone
    (a colleague, or the sender in another window) has saved since, nothing is sent.
    """
    advice = _advice_locked(advice_request_id, sent_by)
    if advice.draft is None:
        raise TransitionRefused("There is no saved advice to send. Write your advice first.")
    if advice_draft_fingerprint(advice.draft) != checked:
        saver = advice.draft_saved_by
        who = "You" if saver == sent_by else (saver.display_name if saver else "Someone")
        raise TransitionRefused(
            f"{who} saved this advice again at {govuk_time(advice.draft_saved_at)}, after you "
            "checked it. Nothing was sent. Check your answers again, then send."
        )
    return advice_give(
        advice_request_id=advice.pk,
        submitted_by=sent_by,
        sections=dict(advice.draft.get("sections", {})),
        summary=str(advice.draft.get("summary", "")),
    )


# The family pages.


def family_may_act(user: User, learner: Learner, *, on: dt.date | None = None) -> bool:
    """Whether this user speaks for the family: a parent under 16, the young person from 16."""
    on = on or timezone.localdate()
    kind = (
        Involvement.Kind.YOUNG_PERSON
        if notifications.rights_are_young_persons(learner, on=on)
        else Involvement.Kind.PARENT
    )
    open_now = Q(started_on__lte=on) & (Q(ended_on__isnull=True) | Q(ended_on__gte=on))
    return Involvement.objects.filter(open_now, learner=learner, user=user, kind=kind).exists()


def _draft_of(case: Case) -> PlanVersion | None:
    return (
        PlanVersion.objects.filter(plan__case=case, status=PlanVersion.Status.DRAFT)
        .order_by("-number")
        .first()
    )


@transaction.atomic
def family_comment_give(
    *, case_id: int, text: str, finished: bool, given_by: User
) -> FamilyComment:
    """Keep the family's comments on the draft, word for word.

    When they say this is everything, the comments are recorded as received on the case
    (``draft_comments_record``), which lets the council issue the final plan before the
    15 days are up.
    """
    case = lock_case(case_id)
    if not family_may_act(given_by, case.learner):
        raise PermissionDenied("Only the parent, or the young person from 16, may comment.")
    if case.stage != Stage.CONSULTING:
        raise TransitionRefused("There is no draft plan waiting for your comments.")
    if not text.strip():
        raise ValidationError({"text": "Write your comments on the draft plan."})
    draft = _draft_of(case)
    if draft is None:
        raise TransitionRefused("There is no draft plan waiting for your comments.")
    today = timezone.localdate()
    comment = FamilyComment(
        case=case, version=draft, given_on=today, text=text.strip(), finished=finished
    )
    save(comment, changed_by=given_by, created=True)
    if finished:
        services.draft_comments_record(case_id=case.pk, received_on=today, changed_by=given_by)
    return comment


@transaction.atomic
def family_views_give(
    *, case_id: int, field: str, text: str, expected_lock: int, given_by: User
) -> PlanVersion:
    """Write one part of section A of the draft (views, interests or aspirations).

    Saved under the draft's optimistic lock, like every other change to it: a stale save is
    refused with ``StaleEdit`` and nothing is lost.
    """
    if field not in FAMILY_VIEW_FIELDS:
        raise ValueError(f"not a section A field: {field}")
    case = Case.objects.select_related("learner").get(pk=case_id)
    if not family_may_act(given_by, case.learner):
        raise PermissionDenied("Only the parent, or the young person from 16, may write this.")
    if case.stage not in (Stage.DRAFTING, Stage.CONSULTING):
        raise TransitionRefused("The plan is not being written at the moment.")
    draft = _draft_of(case)
    if draft is None:
        raise TransitionRefused("The plan is not being written at the moment.")
    return services.plan_version_update(
        version_id=draft.pk,
        expected_lock=expected_lock,
        changed_by=given_by,
        **{field: text.strip()},
    )
