"""Writes from the family's pages: comments on the draft plan, section A views (their own
words, kept apart from the caseworker's) and the school or college they would like, by
whoever holds the rights for the learner on the day.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from sendplan.accounts.models import User
from sendplan.casework.case.models import Case, Stage
from sendplan.casework.case.services import lock_case, save
from sendplan.casework.errors import TransitionRefused
from sendplan.casework.family.models import FamilyComment, FamilyPreference, SettingType
from sendplan.casework.plans import services as plan_services
from sendplan.casework.plans.models import PlanVersion
from sendplan.learners.access import family_may_act

#: Section A fields a family writes, in the order the question pages ask them.
FAMILY_VIEW_FIELDS = ("views", "interests", "aspirations")


def _draft_of(case: Case) -> PlanVersion | None:
    return (
        PlanVersion.objects.filter(plan__case=case, status=PlanVersion.Status.DRAFT)
        .order_by("-number")
        .first()
    )


@transaction.atomic
def family_comment_give(
    *, case_id: int, text: str, finished: bool, changed_by: User
) -> FamilyComment:
    """Keep the family's comments on the draft, word for word.

    When they say this is everything, the comments are recorded as received on the case
    (``draft_comments_record``), which lets the council issue the final plan before the
    15 days are up.
    """
    case = lock_case(case_id)
    if not family_may_act(changed_by, case.learner):
        raise PermissionDenied(
            "Only the parent, or the young person once over compulsory school age, may comment."
        )
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
    save(comment, changed_by=changed_by, created=True)
    if finished:
        plan_services.draft_comments_record(
            case_id=case.pk, received_on=today, changed_by=changed_by
        )
    return comment


@transaction.atomic
def family_views_give(
    *, case_id: int, field: str, text: str, expected_lock: int, changed_by: User
) -> PlanVersion:
    """Write one part of section A of the draft (views, interests or aspirations), in the
    family's own fields: their words stay theirs, shown as theirs, apart from what the
    caseworker writes.

    Saved under the draft's optimistic lock, like every other change to it: a stale save is
    refused with ``StaleEdit`` and nothing is lost.
    """
    if field not in FAMILY_VIEW_FIELDS:
        raise ValueError(f"not a section A field: {field}")
    case = Case.objects.select_related("learner").get(pk=case_id)
    if not family_may_act(changed_by, case.learner):
        raise PermissionDenied(
            "Only the parent, or the young person once over compulsory school age, may write this."
        )
    if case.stage not in (Stage.DRAFTING, Stage.CONSULTING):
        raise TransitionRefused("The plan is not being written at the moment.")
    draft = _draft_of(case)
    if draft is None:
        raise TransitionRefused("The plan is not being written at the moment.")
    return plan_services.plan_version_update(
        version_id=draft.pk,
        expected_lock=expected_lock,
        changed_by=changed_by,
        **{f"family_{field}": text.strip()},
    )


@transaction.atomic
def family_preference_give(
    *,
    case_id: int,
    changed_by: User,
    setting_id: int | None = None,
    setting_type: str = "",
    reason: str = "",
) -> FamilyPreference:
    """The school or college the family would like named in the plan: one setting from the
    register, or a type of setting. The council must then consult a setting asked for
    (CFA 2014 s39); the case page prompts it. A later answer replaces an earlier one."""
    case = lock_case(case_id)
    if not family_may_act(changed_by, case.learner):
        raise PermissionDenied(
            "Only the parent, or the young person once over compulsory school age, may say this."
        )
    if case.stage not in (Stage.ASSESSING, Stage.DRAFTING, Stage.CONSULTING):
        raise TransitionRefused("The plan is not being written at the moment.")
    if (setting_id is None) == (not setting_type):
        raise ValidationError({"choice": "Choose a school or college, or a type of setting"})
    if setting_type and setting_type not in SettingType.values:
        raise ValidationError({"setting_type": "Choose a type of setting"})
    preference = FamilyPreference(
        case=case,
        setting_id=setting_id,
        setting_type=setting_type,
        reason=reason.strip(),
        given_on=timezone.localdate(),
    )
    save(preference, changed_by=changed_by, created=True)
    return preference
