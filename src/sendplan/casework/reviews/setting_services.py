"""Writes of the review steps the setting takes (Regs 20, 21): invitations to the meeting,
advice, the child's or young person's own views, and the review report with its proposed
changes to the plan, row by row; and the caseworker's answer to each proposal, made to the
amended draft when the authority decides to amend (ADR 0134).

Who may call these is the view's business (``learners.access.convenes_reviews`` for the
setting; the caseworker's edit right for answers); these check the dates and the rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import transaction

from sendplan.accounts.models import User
from sendplan.casework.case.services import DateChecks, save
from sendplan.casework.errors import TransitionRefused
from sendplan.casework.plans import services as plan_services
from sendplan.casework.plans.models import (
    NEED_SECTIONS,
    PROVISION_SECTIONS,
    PlanNeed,
    PlanOutcome,
    PlanProvision,
    PlanVersion,
    Section,
)
from sendplan.casework.reviews.models import Review, ReviewChange, ReviewInvitation
from sendplan.casework.reviews.services import _lock, review_schedule
from sendplan.core.locking import lock_bump
from sendplan.learners.models import Involvement

#: Who speaks for the learner: at least one of them is invited to every review.
FAMILY_KINDS = frozenset({Involvement.Kind.PARENT, Involvement.Kind.YOUNG_PERSON})

#: The sections a review may propose changes to, in the plan's order.
CHANGE_SECTIONS: tuple[str, ...] = (
    *(s.value for s in NEED_SECTIONS),
    Section.E.value,
    *(s.value for s in PROVISION_SECTIONS),
)


_QUANTIFIED = {
    "what": "Say what the provision is.",
    "how_much": "Say how much, like 30 minutes.",
    "how_often": "Say how often, like twice a week in term time.",
    "delivered_by": "Say who delivers it.",
}


def _open_review(review_id: int, expected_lock: int | None) -> Review:
    review = (
        Review.objects.select_for_update(of=("self",))
        .select_related("plan__learner")
        .get(pk=review_id)
    )
    if review.decided_on is not None:
        raise TransitionRefused("This review has already been decided.")
    _lock(review, expected_lock)
    return review


def _held(review: Review) -> bool:
    return review.meeting_on is not None and review.report_due_on is not None


def _before_report(review: Review) -> None:
    if review.report_received_on is not None:
        raise TransitionRefused("The review report has been sent: it can no longer be changed.")


@transaction.atomic
def review_invite(
    *,
    review_id: int,
    meeting_on: dt.date,
    sent_on: dt.date,
    involvement_ids: list[int],
    changed_by: User,
    expected_lock: int | None = None,
) -> Review:
    """Set the meeting and record the invitations sent: to the family or young person, and
    whoever else the setting chose from those involved. At least 2 weeks' notice (the
    engine's ``review_invitations`` rule; Regs 20(2), 21(2)), checked by ``review_schedule``.
    """
    review = _open_review(review_id, expected_lock)
    if _held(review):
        raise TransitionRefused("The meeting has been held: its date is recorded already.")
    chosen = list(
        Involvement.objects.filter(learner_id=review.plan.learner_id, pk__in=involvement_ids)
    )
    checks = DateChecks()
    if len(chosen) != len(set(involvement_ids)):
        checks.add("involvement_ids", "Choose only people involved with this learner.")
    if not any(i.kind in FAMILY_KINDS for i in chosen):
        checks.add(
            "involvement_ids",
            "Invite the child's parent or carer, or the young person: the review is theirs.",
        )
    checks.raise_if_any()
    review_schedule(
        plan_id=review.plan_id,
        changed_by=changed_by,
        meeting_on=meeting_on,
        invitations_sent_on=sent_on,
        expected_lock=None,  # checked above, with the row locked
    )
    review.invitations.exclude(involvement__in=chosen).delete()
    have = set(review.invitations.values_list("involvement_id", flat=True))
    for involvement in chosen:
        if involvement.pk in have:
            review.invitations.filter(involvement=involvement).update(sent_on=sent_on)
            continue
        invitation = ReviewInvitation(review=review, involvement=involvement, sent_on=sent_on)
        save(invitation, changed_by=changed_by, created=True)
    review.refresh_from_db()
    return review


@transaction.atomic
def review_advice_record(
    *,
    review_id: int,
    requested_on: dt.date,
    advice_from: str,
    changed_by: User,
    circulated_on: dt.date | None = None,
    expected_lock: int | None = None,
) -> Review:
    """Advice asked for, and (once in) circulated to those invited, at least 2 weeks before
    the meeting (the engine's ``review_advice_circulated`` rule; Regs 20(3), 21(3)). A late
    circulation is recorded as it happened: the list shows it late."""
    review = _open_review(review_id, expected_lock)
    checks = DateChecks()
    checks.past("requested_on", requested_on, "advice was asked for")
    checks.required("advice_from", advice_from.strip(), "Say who was asked for advice.")
    checks.past("circulated_on", circulated_on, "the advice was circulated")
    checks.not_before("circulated_on", circulated_on, requested_on, "advice was asked for")
    checks.raise_if_any()
    review.advice_requested_on, review.advice_from = requested_on, advice_from.strip()
    review.advice_circulated_on = circulated_on
    save(review, changed_by=changed_by)
    return review


@transaction.atomic
def review_views_record(
    *,
    review_id: int,
    gathered_on: dt.date,
    how: str,
    words: str,
    changed_by: User,
    helped_by: str = "",
    expected_lock: int | None = None,
) -> Review:
    """The child's or young person's own views, in their own words, and how they were
    gathered (CFA s19; CoP 9.168: the review focuses on the child's progress and views).
    The words are kept as given: nothing here rewrites them."""
    review = _open_review(review_id, expected_lock)
    _before_report(review)
    checks = DateChecks()
    checks.past("gathered_on", gathered_on, "the views were gathered")
    if how not in Review.ViewsHow.values:
        checks.add("how", "Choose how the views were gathered.")
    checks.required("words", words.strip(), "Write their views in their own words.")
    checks.raise_if_any()
    review.views_gathered_on, review.views_how = gathered_on, how
    review.views_words, review.views_helped_by = words, helped_by.strip()
    save(review, changed_by=changed_by)
    return review


def issued_version(review: Review) -> PlanVersion:
    """The plan as it stands: the last issued version, the one the review looks at."""
    version = (
        review.plan.versions.filter(status=PlanVersion.Status.ISSUED).order_by("-number").first()
    )
    if version is None:
        raise TransitionRefused("This plan has no issued version to review.")
    return version


@transaction.atomic
def review_change_propose(
    *,
    review_id: int,
    section: str,
    action: str,
    changed_by: User,
    row_id: int | None = None,
    text: str = "",
    what: str = "",
    how_much: str = "",
    how_often: str = "",
    delivered_by: str = "",
    reason: str = "",
) -> ReviewChange:
    """Propose a change to one row of the plan (change its words, or remove it) or a new
    row. Proposing again for the same row replaces the earlier proposal.

    ``row_id`` is the row of the issued plan; when adding, the outcome an added provision
    row serves, or the need an added outcome answers (required for both)."""
    review = _open_review(review_id, None)
    _before_report(review)
    version = issued_version(review)
    checks = DateChecks()
    if section not in CHANGE_SECTIONS:
        raise TransitionRefused("Choose a section of the plan from B to H.")
    if action not in ReviewChange.Action.values:
        raise TransitionRefused("Choose whether to change, remove or add a row.")
    change = ReviewChange(review=review, section=section, action=action, reason=reason.strip())
    provision = section in PROVISION_SECTIONS
    target = _row(version, section, action, row_id)
    if target is None and not (action == ReviewChange.Action.ADD and section in NEED_SECTIONS):
        checks.add("row_id", "Choose the row of the plan this is about.")
    if action != ReviewChange.Action.REMOVE:
        if provision:
            for name, value in (
                ("what", what),
                ("how_much", how_much),
                ("how_often", how_often),
                ("delivered_by", delivered_by),
            ):
                checks.required(name, value.strip(), _QUANTIFIED[name])
        else:
            checks.required("text", text.strip(), "Write the new wording.")
    if action == ReviewChange.Action.REMOVE:
        checks.required("reason", reason.strip(), "Say why the row should be removed.")
    checks.raise_if_any()
    if provision:
        change.what, change.how_much = what.strip(), how_much.strip()
        change.how_often, change.delivered_by = how_often.strip(), delivered_by.strip()
    else:
        change.text = text.strip()
    if isinstance(target, PlanNeed):
        change.need = target
    elif isinstance(target, PlanOutcome):
        change.outcome = target
    elif isinstance(target, PlanProvision):
        change.provision = target
    if action != ReviewChange.Action.ADD:
        review.changes.filter(
            need=change.need, outcome=change.outcome, provision=change.provision
        ).exclude(action=ReviewChange.Action.ADD).delete()
    save(change, changed_by=changed_by, created=True)
    lock_bump(review)
    save(review, changed_by=changed_by)
    return change


def _row(
    version: PlanVersion, section: str, action: str, row_id: int | None
) -> PlanNeed | PlanOutcome | PlanProvision | None:
    """The issued row a proposal names (or, when adding, links to), or None."""
    if row_id is None:
        return None
    adding = action == ReviewChange.Action.ADD
    if section in NEED_SECTIONS:
        return None if adding else version.needs.filter(pk=row_id, section=section).first()
    if section == Section.E:
        if adding:
            return version.needs.filter(pk=row_id).first()
        return version.outcomes.filter(pk=row_id).first()
    if adding:
        return version.outcomes.filter(pk=row_id).first()
    return version.provision.filter(pk=row_id, section=section).first()


@transaction.atomic
def review_change_withdraw(*, change_id: int, changed_by: User) -> Review:
    """Take back a proposal before the report is sent."""
    change = ReviewChange.objects.select_related("review").get(pk=change_id)
    review = _open_review(change.review_id, None)
    _before_report(review)
    change.delete()
    save(review, changed_by=changed_by)
    return review


@transaction.atomic
def review_report_send(
    *,
    review_id: int,
    sent_on: dt.date,
    summary: str,
    recommendation: str,
    changed_by: User,
    expected_lock: int | None = None,
) -> Review:
    """Send the review report, with its proposed changes, to the authority and everyone
    invited: within 2 weeks of the meeting (the engine's ``review_report`` rule). It then
    reaches the caseworker's tray; the decision is due 4 weeks after the meeting."""
    review = _open_review(review_id, expected_lock)
    if not _held(review):
        raise TransitionRefused("Record the review meeting before sending its report.")
    _before_report(review)
    checks = DateChecks()
    checks.past("sent_on", sent_on, "the report was sent")
    checks.not_before("sent_on", sent_on, review.meeting_on, "the meeting")
    checks.required("summary", summary.strip(), "Summarise what the meeting found.")
    if recommendation not in Review.Decision.values:
        checks.add("recommendation", "Say what the review recommends.")
    if recommendation == Review.Decision.AMEND and not review.changes.exists():
        checks.add("recommendation", "To recommend amending the plan, propose the changes first.")
    checks.raise_if_any()
    review.report_received_on, review.report_summary = sent_on, summary.strip()
    review.report_recommendation = recommendation
    save(review, changed_by=changed_by)
    return review


@transaction.atomic
def review_changes_answer(
    *,
    review_id: int,
    answers: Mapping[int, str],
    answered_on: dt.date,
    changed_by: User,
) -> Review:
    """The caseworker accepts or rejects each proposed change (``answers``: change id to
    ``accepted`` or ``rejected``). Accepted changes are made to the draft if the authority
    decides to amend."""
    review = _open_review(review_id, None)
    if review.report_received_on is None:
        raise TransitionRefused("The review report has not been sent yet.")
    checks = DateChecks()
    checks.past("answered_on", answered_on, "of the answer")
    changes = {c.pk: c for c in review.changes.all()}
    for change_id, answer in answers.items():
        if change_id not in changes or answer not in ReviewChange.Answer.values:
            checks.add("answers", "Accept or reject each proposed change.")
    checks.raise_if_any()
    for change_id, answer in answers.items():
        change = changes[change_id]
        change.answer, change.answered_on = answer, answered_on
        save(change, changed_by=changed_by)
    save(review, changed_by=changed_by)
    return review


def changes_unanswered(review: Review) -> int:
    return review.changes.filter(answer="").count()


def changes_apply(*, review: Review, draft: PlanVersion, changed_by: User) -> int:
    """Make the accepted changes to the new draft copied from the issued version.

    The draft's rows are copies of the issued rows made in the issued rows' order, so the
    n-th copy of a kind is the n-th issued row of that kind. Returns how many were made.
    """
    source = draft.based_on
    assert source is not None
    pairs: dict[tuple[str, int], int] = {}
    for kind, old, new in (
        ("need", source.needs.all(), draft.needs.all()),
        ("outcome", source.outcomes.all(), draft.outcomes.all()),
        ("provision", source.provision.all(), draft.provision.all()),
    ):
        old_ids, new_ids = [r.pk for r in old], [r.pk for r in new]
        assert len(old_ids) == len(new_ids), "the draft is not a copy of the issued version"
        pairs.update({(kind, o): n for o, n in zip(old_ids, new_ids, strict=True)})
    made = 0
    accepted = review.changes.filter(answer=ReviewChange.Answer.ACCEPTED).order_by("id")
    for change in accepted:
        draft.refresh_from_db(fields=["lock"])
        _apply(change, draft, pairs, changed_by)
        made += 1
    return made


def _apply(
    change: ReviewChange, draft: PlanVersion, pairs: dict[tuple[str, int], int], user: User
) -> None:
    v, lock = draft.pk, draft.lock
    add = change.action == ReviewChange.Action.ADD
    remove = change.action == ReviewChange.Action.REMOVE
    if change.section in NEED_SECTIONS:
        need_id = None if add else pairs[("need", change.need_id)]  # type: ignore[index]
        if remove:
            plan_services.plan_row_remove(
                version_id=v, expected_lock=lock, changed_by=user, need_id=need_id
            )
            return
        last = draft.needs.filter(section=change.section).count()
        position = last if need_id is None else PlanNeed.objects.get(pk=need_id).position
        plan_services.plan_need_save(
            version_id=v, expected_lock=lock, changed_by=user, section=change.section,
            text=change.text, need_id=need_id, position=position,
        )  # fmt: skip
        return
    if change.section == Section.E:
        if add:
            plan_services.plan_outcome_save(
                version_id=v, expected_lock=lock, changed_by=user, text=change.text,
                need_ids=[pairs[("need", change.need_id)]],  # type: ignore[index]
                position=draft.outcomes.count(),
            )  # fmt: skip
            return
        outcome = PlanOutcome.objects.get(pk=pairs[("outcome", change.outcome_id)])  # type: ignore[index]
        if remove:
            plan_services.plan_row_remove(
                version_id=v, expected_lock=lock, changed_by=user, outcome_id=outcome.pk
            )
            return
        plan_services.plan_outcome_save(
            version_id=v, expected_lock=lock, changed_by=user, text=change.text,
            need_ids=list(outcome.needs.values_list("pk", flat=True)), outcome_id=outcome.pk,
            preparing_for_adulthood=outcome.preparing_for_adulthood, position=outcome.position,
        )  # fmt: skip
        return
    if add:
        plan_services.plan_provision_save(
            version_id=v, expected_lock=lock, changed_by=user, section=change.section,
            what=change.what, how_much=change.how_much, how_often=change.how_often,
            delivered_by=change.delivered_by,
            outcome_ids=[pairs[("outcome", change.outcome_id)]],  # type: ignore[index]
            position=draft.provision.filter(section=change.section).count(),
        )  # fmt: skip
        return
    row = PlanProvision.objects.get(pk=pairs[("provision", change.provision_id)])  # type: ignore[index]
    if remove:
        plan_services.plan_row_remove(
            version_id=v, expected_lock=lock, changed_by=user, provision_id=row.pk
        )
        return
    plan_services.plan_provision_save(
        version_id=v, expected_lock=lock, changed_by=user, section=change.section,
        what=change.what, how_much=change.how_much, how_often=change.how_often,
        delivered_by=change.delivered_by,
        outcome_ids=list(row.outcomes.values_list("pk", flat=True)), provision_id=row.pk,
        delivered_by_organisation_id=row.delivered_by_organisation_id, position=row.position,
    )  # fmt: skip
