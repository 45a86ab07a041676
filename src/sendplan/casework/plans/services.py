"""Writes of the plan: starting and editing the draft section by section, sending it for
comments, consulting settings, recording the family's comments, issuing the final plan and
starting an amendment as a new version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from sendplan.accounts.models import User
from sendplan.casework import clock, notifications
from sendplan.casework.advice.models import AdviceRequest, AdviceSection
from sendplan.casework.case.models import Case, Stage
from sendplan.casework.case.services import (
    DateChecks,
    consultations_end,
    lock_case,
    move,
    require_stage,
    save,
)
from sendplan.casework.errors import TransitionRefused
from sendplan.casework.plans.models import (
    Consultation,
    NoProvisionNeeded,
    Plan,
    PlanNeed,
    PlanOutcome,
    PlanProvision,
    PlanVersion,
    Section,
)
from sendplan.casework.plans.selectors import ROW_LETTERS, sections_advised
from sendplan.casework.reviews.models import Review
from sendplan.core.dates import govuk_date
from sendplan.core.locking import lock_bump, lock_check
from sendplan.learners.access import CONSULTED, answers_for_setting
from sendplan.learners.models import Involvement, Placement
from sendplan.provision.models import ProvisionStrand, Setting


@transaction.atomic
def consultation_send(
    *, case_id: int, setting_id: int, sent_on: dt.date, changed_by: User
) -> Consultation:
    """Consult a setting on naming it in the plan; its answer is due in 15 days."""
    case = lock_case(case_id)
    require_stage(
        case,
        {Stage.CONSULTING},
        "Settings are consulted on the draft plan: send the draft for comments first.",
    )
    checks = DateChecks()
    checks.past("sent_on", sent_on, "the consultation was sent")
    checks.not_before("sent_on", sent_on, case.draft_issued_on, "the draft plan")
    checks.raise_if_any()
    if Consultation.objects.filter(case=case, setting_id=setting_id).exists():
        raise TransitionRefused("This setting has already been consulted on this case.")
    setting = Setting.objects.get(pk=setting_id)
    # Being consulted is the setting's relationship with the learner (learners.access); a
    # setting with no organisation in the service has no staff to give it to.
    involvement = None
    if setting.organisation_id is not None:
        involvement = Involvement(
            learner=case.learner,
            kind=Involvement.Kind.SETTING,
            organisation_id=setting.organisation_id,
            reason=CONSULTED,
            started_on=sent_on,
        )
        save(involvement, changed_by=changed_by, created=True)
    consultation = Consultation(
        case=case,
        setting=setting,
        sent_on=sent_on,
        response_due_on=clock.consultation_due(sent_on),
        involvement=involvement,
    )
    save(consultation, changed_by=changed_by, created=True)
    return consultation


@transaction.atomic
def consultation_respond(
    *,
    consultation_id: int,
    responded_on: dt.date,
    response: str,
    changed_by: User,
    reasons: str = "",
) -> Consultation:
    consultation = Consultation.objects.select_for_update(of=("self",)).get(pk=consultation_id)
    if consultation.responded_on is not None:
        raise TransitionRefused("This setting has already answered the consultation.")
    checks = DateChecks()
    checks.past("responded_on", responded_on, "of the answer")
    checks.not_before("responded_on", responded_on, consultation.sent_on, "the consultation")
    if response == Consultation.Response.CANNOT_MEET:
        checks.required("reasons", reasons, "Say why the setting cannot meet the needs.")
    checks.raise_if_any()
    consultation.responded_on, consultation.response = responded_on, response
    consultation.reasons = reasons
    save(consultation, changed_by=changed_by)
    return consultation


@transaction.atomic
def consultation_answer(
    *, consultation_id: int, response: str, answered_by: User, reasons: str = ""
) -> Consultation:
    """The setting answers in the service, today: only its own staff, and only while the
    draft is out for comments (after that the council has decided without it)."""
    consultation = Consultation.objects.select_related("setting", "case").get(pk=consultation_id)
    if not answers_for_setting(answered_by, consultation.setting.organisation_id):
        raise PermissionDenied("Only the setting's own staff can answer for it.")
    require_stage(
        consultation.case,
        {Stage.CONSULTING},
        "The draft plan is no longer out for comments, so the consultation has closed.",
    )
    if response not in Consultation.Response.values:
        raise ValidationError({"response": "Select whether the setting can meet the needs"})
    return consultation_respond(
        consultation_id=consultation_id,
        responded_on=timezone.localdate(),
        response=response,
        reasons=reasons,
        changed_by=answered_by,
    )


@transaction.atomic
def draft_comments_record(*, case_id: int, received_on: dt.date, changed_by: User) -> Case:
    """The family's comments on the draft arrived (the final plan may then follow at once)."""
    case = lock_case(case_id)
    require_stage(case, {Stage.CONSULTING}, "There is no draft out for comments on this case.")
    checks = DateChecks()
    checks.past("received_on", received_on, "the comments arrived")
    checks.not_before("received_on", received_on, case.draft_issued_on, "the draft plan")
    checks.raise_if_any()
    case.draft_comments_received_on = received_on
    lock_bump(case)
    save(case, changed_by=changed_by)
    return case


#: Fields of a draft version that plan_version_update may change (sections A, I and J);
#: the family's own words in section A are separate fields from the caseworker's.
EDITABLE_FIELDS = frozenset(
    {
        "views",
        "interests",
        "aspirations",
        "family_views",
        "family_interests",
        "family_aspirations",
        "placement_setting_id",
        "placement_type",
        "personal_budget_amount",
        "personal_budget_arrangements",
    }
)


ISSUED_MESSAGE = "An issued plan cannot be changed: start a new draft to amend it."


def _lock_draft(*, version_id: int, expected_lock: int, changed_by: User) -> PlanVersion:
    """Lock the draft row, check it is still a draft and nobody saved since it was read."""
    # No joins while locking: PostgreSQL re-reads a row changed under the lock but not the
    # outer-joined rows, so "who changed it" is fetched after the lock is held.
    version = PlanVersion.objects.select_for_update().get(pk=version_id)
    if version.status != PlanVersion.Status.DRAFT:
        raise TransitionRefused(ISSUED_MESSAGE)
    lock_check(version, expected=expected_lock)
    save(version, changed_by=changed_by)
    return version


@transaction.atomic
def plan_draft_start(*, case_id: int, changed_by: User) -> PlanVersion:
    """Decide to issue a plan and open its first draft (assessing → drafting)."""
    case = lock_case(case_id)
    require_stage(
        case,
        {Stage.ASSESSING},
        "A plan can only be drafted after the decision to assess, while assessing.",
    )
    plan = Plan(learner=case.learner, case=case)
    save(plan, changed_by=changed_by, created=True)
    version = PlanVersion(plan=plan, number=1, purpose=PlanVersion.Purpose.FIRST)
    save(version, changed_by=changed_by, created=True)
    move(case, Stage.DRAFTING, changed_by=changed_by)
    save(case, changed_by=changed_by)
    return version


@transaction.atomic
def plan_version_update(
    *, version_id: int, expected_lock: int, changed_by: User, **fields: object
) -> PlanVersion:
    """Change sections A, I or J of a draft; refused when stale or when the version is issued."""
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"not editable here: {', '.join(sorted(unknown))}")
    version = _lock_draft(version_id=version_id, expected_lock=expected_lock, changed_by=changed_by)
    if "personal_budget_amount" in fields and fields["personal_budget_amount"] is not None:
        fields["personal_budget_amount"] = Decimal(str(fields["personal_budget_amount"]))
    for name, value in fields.items():
        setattr(version, name, value)
    save(version, changed_by=changed_by)
    return version


def _set_source(
    row: PlanNeed | PlanOutcome | PlanProvision, version: PlanVersion, source_id: int | None
) -> None:
    """Keep where a row's words came from: advice received for the same learner."""
    if source_id is None:
        return
    source = AdviceSection.objects.filter(
        pk=source_id,
        advice_request__case__learner_id=version.plan.learner_id,
        advice_request__received_on__isnull=False,
    ).first()
    if source is None:
        checks = DateChecks()
        checks.add("source", "Only advice received for this learner can be brought in.")
        checks.raise_if_any()
    row.source = source


@transaction.atomic
def plan_need_save(
    *,
    version_id: int,
    expected_lock: int,
    changed_by: User,
    section: str,
    text: str,
    need_id: int | None = None,
    position: int = 0,
    source_id: int | None = None,
) -> PlanNeed:
    """Add (or, with ``need_id``, change) a need in section B, C or D of a draft.

    ``source_id`` names the advice section the words were brought in from; a changed row
    keeps the source it had."""
    version = _lock_draft(version_id=version_id, expected_lock=expected_lock, changed_by=changed_by)
    need = PlanNeed(version=version) if need_id is None else version.needs.get(pk=need_id)
    need.section, need.text, need.position = section, text.strip(), position
    _set_source(need, version, source_id)
    save(need, changed_by=changed_by, created=need_id is None)
    return need


@transaction.atomic
def plan_outcome_save(
    *,
    version_id: int,
    expected_lock: int,
    changed_by: User,
    text: str,
    need_ids: list[int],
    outcome_id: int | None = None,
    preparing_for_adulthood: bool = False,
    position: int = 0,
    source_id: int | None = None,
) -> PlanOutcome:
    """Add or change a section E outcome, linked to needs of the same draft."""
    version = _lock_draft(version_id=version_id, expected_lock=expected_lock, changed_by=changed_by)
    needs = list(version.needs.filter(pk__in=need_ids))
    if len(needs) != len(set(need_ids)) or not needs:
        checks = DateChecks()
        checks.add("need_ids", "Link the outcome to at least one need of this plan.")
        checks.raise_if_any()
    outcome = (
        PlanOutcome(version=version) if outcome_id is None else version.outcomes.get(pk=outcome_id)
    )
    outcome.text, outcome.position = text.strip(), position
    outcome.preparing_for_adulthood = preparing_for_adulthood
    _set_source(outcome, version, source_id)
    save(outcome, changed_by=changed_by, created=outcome_id is None)
    outcome.needs.set(needs)
    return outcome


@transaction.atomic
def plan_provision_save(
    *,
    version_id: int,
    expected_lock: int,
    changed_by: User,
    section: str,
    what: str,
    how_much: str,
    how_often: str,
    delivered_by: str,
    outcome_ids: list[int],
    provision_id: int | None = None,
    delivered_by_organisation_id: int | None = None,
    position: int = 0,
    source_id: int | None = None,
) -> PlanProvision:
    """Add or change quantified provision (F, G, H1, H2), linked to outcomes of the draft."""
    version = _lock_draft(version_id=version_id, expected_lock=expected_lock, changed_by=changed_by)
    outcomes = list(version.outcomes.filter(pk__in=outcome_ids))
    if len(outcomes) != len(set(outcome_ids)) or not outcomes:
        checks = DateChecks()
        checks.add("outcome_ids", "Link the provision to at least one outcome of this plan.")
        checks.raise_if_any()
    row = (
        PlanProvision(version=version)
        if provision_id is None
        else version.provision.get(pk=provision_id)
    )
    row.section, row.what, row.how_much = section, what.strip(), how_much.strip()
    row.how_often, row.delivered_by = how_often.strip(), delivered_by.strip()
    row.delivered_by_organisation_id = delivered_by_organisation_id
    row.position = position
    _set_source(row, version, source_id)
    save(row, changed_by=changed_by, created=provision_id is None)
    row.outcomes.set(outcomes)
    return row


@transaction.atomic
def plan_row_remove(
    *,
    version_id: int,
    expected_lock: int,
    changed_by: User,
    need_id: int | None = None,
    outcome_id: int | None = None,
    provision_id: int | None = None,
) -> PlanVersion:
    """Remove one need, outcome or provision row from a draft."""
    version = _lock_draft(version_id=version_id, expected_lock=expected_lock, changed_by=changed_by)
    if need_id is not None:
        version.needs.filter(pk=need_id).delete()
    if outcome_id is not None:
        version.outcomes.filter(pk=outcome_id).delete()
    if provision_id is not None:
        version.provision.filter(pk=provision_id).delete()
    return version


@transaction.atomic
def plan_advice_attach(
    *, version_id: int, expected_lock: int, changed_by: User, advice_request_ids: list[int]
) -> PlanVersion:
    """Section K: attach advice received during the assessment."""
    version = _lock_draft(version_id=version_id, expected_lock=expected_lock, changed_by=changed_by)
    advice = list(
        AdviceRequest.objects.filter(
            pk__in=advice_request_ids,
            case__learner_id=version.plan.learner_id,
            received_on__isnull=False,
        )
    )
    if len(advice) != len(set(advice_request_ids)):
        checks = DateChecks()
        checks.add("advice_request_ids", "Only advice received for this learner can be attached.")
        checks.raise_if_any()
    version.advice.add(*advice)
    return version


def advised_sections_empty(version: PlanVersion) -> list[str]:
    """The rule before a final plan is issued: each section that received advice covers
    must have something written in it, or the caseworker's confirmation that no provision
    is needed there (``plan_no_provision_confirm``). Returns the sections that have
    neither, in the plan's order; empty when the version may be issued."""
    case_id = version.plan.case_id
    if case_id is None:
        return []
    covered = sections_advised(case_id)
    written = set(version.needs.values_list("section", flat=True))
    written |= set(version.provision.values_list("section", flat=True))
    if version.outcomes.exists():
        written.add("E")
    confirmed = set(version.no_provision.values_list("section", flat=True))
    return [s for s in ROW_LETTERS if s in covered and s not in written | confirmed]


@transaction.atomic
def plan_no_provision_confirm(
    *, version_id: int, expected_lock: int, changed_by: User, section: str, reason: str
) -> NoProvisionNeeded:
    """Record that a section advice covered needs nothing written in this draft, and why."""
    version = _lock_draft(version_id=version_id, expected_lock=expected_lock, changed_by=changed_by)
    checks = DateChecks()
    if section not in ROW_LETTERS:
        checks.add("section", "Only a section of needs, outcomes or provision can be confirmed.")
    if not reason.strip():
        checks.add("reason", "Say why no provision is needed in this section")
    checks.raise_if_any()
    row = version.no_provision.filter(section=section).first()
    created = row is None
    row = row or NoProvisionNeeded(version=version, section=section)
    row.reason = reason.strip()
    save(row, changed_by=changed_by, created=created)
    return row


def _current_draft(case_plan: Plan) -> PlanVersion:
    draft = case_plan.versions.filter(status=PlanVersion.Status.DRAFT).first()
    if draft is None:
        raise TransitionRefused("There is no draft plan on this case.")
    return draft


@transaction.atomic
def draft_issue(*, case_id: int, issued_on: dt.date, changed_by: User) -> PlanVersion:
    """Send the draft to the family for comments (Reg 13(1): at least 15 days)."""
    case = lock_case(case_id)
    require_stage(
        case,
        {Stage.DRAFTING},
        "A draft can only be sent once the plan is being drafted, and only once."
        if case.stage != Stage.CONSULTING
        else "The draft has already been sent for comments.",
    )
    draft = _current_draft(case.plan)
    checks = DateChecks()
    checks.past("issued_on", issued_on, "the draft was sent")
    checks.not_before("issued_on", issued_on, case.decision_on, "the decision to assess")
    if not draft.needs.filter(section=Section.B).exists():
        checks.add("draft", "The draft needs at least one special educational need (section B).")
    if not draft.provision.filter(section=Section.F).exists():
        checks.add("draft", "The draft needs special educational provision (section F).")
    checks.raise_if_any()
    case.draft_issued_on = issued_on
    move(case, Stage.CONSULTING, changed_by=changed_by)
    save(case, changed_by=changed_by)
    notifications.draft_issued(case)
    return draft


def final_issue_opens_on(case: Case) -> dt.date | None:
    """The first day the final plan may lawfully be issued on a case whose draft is out for
    comments: once the family's comments are in, at once; otherwise when the time for
    comments the engine's rules give (Reg 13(1)) has run. None while no draft is out."""
    if case.stage != Stage.CONSULTING or case.draft_issued_on is None:
        return None
    if case.draft_comments_received_on is not None:
        return case.draft_issued_on
    return clock.due(clock.DRAFT_COMMENTS, case.draft_issued_on)


def final_issue_lawful(case: Case, *, on: dt.date) -> bool:
    """Whether the final plan may be issued on ``on`` (the step is offered only then)."""
    opens = final_issue_opens_on(case)
    return opens is not None and on >= opens


def _first_issue_dates(case: Case, issued_on: dt.date, checks: DateChecks) -> None:
    checks.not_before("issued_on", issued_on, case.draft_issued_on, "the draft plan")
    opens = final_issue_opens_on(case)
    if opens is not None and issued_on < opens:
        checks.add(
            "issued_on",
            f"The family have until {govuk_date(opens)} to comment on the draft (Reg 13(1)); "
            "record their comments or wait until then.",
        )


def _amendment_dates(version: PlanVersion, issued_on: dt.date, checks: DateChecks) -> None:
    review = version.review
    proposed_on = version.proposed_on or (review.amendment_proposed_on if review else None)
    if proposed_on is None:
        if review is None and version.purpose == PlanVersion.Purpose.AMENDMENT:
            checks.add(
                "issued_on",
                "Send the proposed amendments to the family first: they have 15 days to "
                "comment (Reg 22).",
            )
        return
    close = clock.due("amendment_representations", proposed_on)
    checks.not_before("issued_on", issued_on, proposed_on, "the proposals")
    if issued_on < close:
        checks.add(
            "issued_on",
            f"The family have until {govuk_date(close)} to make representations on the "
            "proposed amendments (Reg 22).",
        )


def issue_date_problems(version: PlanVersion, issued_on: dt.date) -> dict[str, list[str]]:
    """What ``plan_issue`` would say of the date alone, before anything is written: for the
    question page of the issue journey, so the date is put right before the check page."""
    checks = DateChecks()
    checks.past("issued_on", issued_on, "the plan was issued")
    if version.purpose != PlanVersion.Purpose.FIRST:
        _amendment_dates(version, issued_on, checks)
    elif version.plan.case is not None and version.plan.case.stage == Stage.CONSULTING:
        _first_issue_dates(version.plan.case, issued_on, checks)
    return checks.errors


def _issue_first(
    version: PlanVersion, issued_on: dt.date, checks: DateChecks, changed_by: User
) -> None:
    case = lock_case(version.plan.case_id)  # type: ignore[arg-type]
    if case.stage == Stage.DRAFTING:
        raise TransitionRefused(
            "A final plan cannot be issued before the draft has been sent for comments."
        )
    require_stage(
        case,
        {Stage.CONSULTING},
        f"A final plan cannot be issued at stage '{case.get_stage_display()}'.",
    )
    _first_issue_dates(case, issued_on, checks)
    checks.raise_if_any()
    case.final_issued_on = issued_on
    move(case, Stage.FINAL_ISSUED, changed_by=changed_by)
    save(case, changed_by=changed_by)
    consultations_end(case, on=issued_on, changed_by=changed_by)


#: What other apps do when a version is issued, inside the same transaction: each is called
#: with ``version=`` and ``changed_by=``. Apps above casework register theirs when ready
#: (the delivery log's commitments, ADR 0135), as apps register kinds of run with the queue.
ISSUE_FOLLOWERS: list[Callable[..., object]] = []


def register_issue_follower(follower: Callable[..., object]) -> None:
    if follower not in ISSUE_FOLLOWERS:
        ISSUE_FOLLOWERS.append(follower)


@transaction.atomic
def plan_issue(
    *, version_id: int, expected_lock: int, issued_on: dt.date, changed_by: User
) -> PlanVersion:
    """Issue a draft as the final plan (first issue, or an amendment after review)."""
    version = _lock_draft(version_id=version_id, expected_lock=expected_lock, changed_by=changed_by)
    plan = version.plan
    checks = DateChecks()
    checks.past("issued_on", issued_on, "the plan was issued")
    if version.placement_setting_id is None and not version.placement_type.strip():
        checks.add("placement", "Name the setting, or the type of setting, in section I.")
    for letter in advised_sections_empty(version):
        checks.add(
            "advice",
            f"Section {letter} is empty but advice was received for it: write it from the "
            "advice, or confirm that no provision is needed there.",
        )
    if version.purpose == PlanVersion.Purpose.FIRST:
        checks.raise_if_any()
        _issue_first(version, issued_on, checks, changed_by)
        plan.issued_on = issued_on
    else:
        review = version.review
        _amendment_dates(version, issued_on, checks)
        checks.raise_if_any()
        if review is not None:
            review.amended_plan_issued_on = issued_on
            save(review, changed_by=changed_by)
        _placement_follows(version, issued_on, changed_by)
    version.status, version.issued_on = PlanVersion.Status.ISSUED, issued_on
    save(version, changed_by=changed_by)
    plan.status = Plan.Status.MAINTAINED
    save(plan, changed_by=changed_by)
    if version.purpose == PlanVersion.Purpose.FIRST:
        from sendplan.casework.reviews.services import review_schedule

        review_schedule(plan_id=plan.pk, changed_by=changed_by)
    for follower in ISSUE_FOLLOWERS:
        follower(version=version, changed_by=changed_by)
    plan = version.plan
    notifications.final_issued(
        plan.learner,
        issued_on=version.issued_on,
        reference=plan.case_id or plan.pk,
        plan_id=plan.pk,
    )
    return version


@transaction.atomic
def plan_version_new_draft(
    *,
    plan_id: int,
    changed_by: User,
    purpose: str = PlanVersion.Purpose.AMENDMENT,
    review: Review | None = None,
) -> PlanVersion:
    """Start a new draft as a copy of the last issued version, rows and links included."""
    plan = Plan.objects.select_for_update(of=("self",)).get(pk=plan_id)
    if plan.status != Plan.Status.MAINTAINED:
        raise TransitionRefused("Only a maintained plan can be amended.")
    if plan.versions.filter(status=PlanVersion.Status.DRAFT).exists():
        raise TransitionRefused("This plan already has a draft; finish or discard it first.")
    source = plan.versions.filter(status=PlanVersion.Status.ISSUED).order_by("-number").first()
    if source is None:
        raise TransitionRefused("This plan has no issued version to amend.")
    last_number = plan.versions.order_by("-number").values_list("number", flat=True).first() or 0
    draft = PlanVersion(
        plan=plan,
        number=last_number + 1,
        purpose=purpose,
        based_on=source,
        review=review,
        views=source.views,
        interests=source.interests,
        aspirations=source.aspirations,
        family_views=source.family_views,
        family_interests=source.family_interests,
        family_aspirations=source.family_aspirations,
        placement_setting_id=source.placement_setting_id,
        placement_type=source.placement_type,
        personal_budget_amount=source.personal_budget_amount,
        personal_budget_arrangements=source.personal_budget_arrangements,
    )
    save(draft, changed_by=changed_by, created=True)
    draft.advice.set(source.advice.all())
    _copy_rows(source, draft, changed_by)
    for confirmed in source.no_provision.all():
        NoProvisionNeeded.objects.create(
            version=draft,
            section=confirmed.section,
            reason=confirmed.reason,
            created_by=changed_by,
            modified_by=changed_by,
        )
    return draft


def _copy_rows(source: PlanVersion, draft: PlanVersion, changed_by: User) -> None:
    needs: dict[int, PlanNeed] = {}
    for need in source.needs.all():
        needs[need.pk] = PlanNeed.objects.create(
            version=draft,
            section=need.section,
            text=need.text,
            position=need.position,
            source_id=need.source_id,
            created_by=changed_by,
            modified_by=changed_by,
        )
    outcomes: dict[int, PlanOutcome] = {}
    for outcome in source.outcomes.prefetch_related("needs"):
        copy = PlanOutcome.objects.create(
            version=draft,
            text=outcome.text,
            position=outcome.position,
            preparing_for_adulthood=outcome.preparing_for_adulthood,
            source_id=outcome.source_id,
            created_by=changed_by,
            modified_by=changed_by,
        )
        copy.needs.set([needs[n.pk] for n in outcome.needs.all()])
        outcomes[outcome.pk] = copy
    for row in source.provision.prefetch_related("outcomes"):
        copy_row = PlanProvision.objects.create(
            version=draft,
            section=row.section,
            what=row.what,
            how_much=row.how_much,
            how_often=row.how_often,
            delivered_by=row.delivered_by,
            delivered_by_organisation_id=row.delivered_by_organisation_id,
            position=row.position,
            source_id=row.source_id,
            created_by=changed_by,
            modified_by=changed_by,
        )
        copy_row.outcomes.set([outcomes[o.pk] for o in row.outcomes.all()])


def _placement_follows(version: PlanVersion, issued_on: dt.date, changed_by: User) -> None:
    """Where the learner is educated follows the plan just issued (ADR 0139): when section I
    names a setting other than the open placement's (or another strand of it), that
    placement ends the day before the named date (the issue date when none is named) and one
    opens at the named place. The register's rolls follow. A type of setting alone moves
    nothing: there is no place to move to yet."""
    if version.placement_setting_id is None:
        return
    starts_on = version.placement_from or issued_on
    current = (
        Placement.objects.select_for_update(of=("self",))
        .filter(learner_id=version.plan.learner_id, ended_on__isnull=True)
        .first()
    )
    strand_id = version.placement_strand_id
    same_setting = current is not None and current.setting_id == version.placement_setting_id
    if same_setting and (strand_id is None or current.strand_id == strand_id):  # type: ignore[union-attr]
        return
    if current is not None:
        if starts_on <= current.started_on:
            raise ValidationError(
                {
                    "placement_from": "The place named in section I must start after the "
                    f"current placement started ({govuk_date(current.started_on)})."
                }
            )
        current.ended_on = starts_on - dt.timedelta(days=1)
        current.modified_by = changed_by
        current.save(update_fields=["ended_on", "modified_by", "modified_at"])
        if current.strand_id is not None:
            ProvisionStrand.objects.filter(pk=current.strand_id, on_roll__gt=0).update(
                on_roll=F("on_roll") - 1
            )
    if strand_id is not None:
        ProvisionStrand.objects.filter(pk=strand_id).update(on_roll=F("on_roll") + 1)
    Placement.objects.create(
        learner_id=version.plan.learner_id,
        setting_id=version.placement_setting_id,
        strand_id=strand_id,
        started_on=starts_on,
        decided_by=f"Plan version {version.number} issued",
        created_by=changed_by,
        modified_by=changed_by,
    )
