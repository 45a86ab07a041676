"""Reads behind the setting's review pages: the SENCO's list of every review due at their
setting with what is missing next, one review's steps, the plan's rows with the changes
proposed to them, and the caseworker's review reports waiting for an answer (ADR 0134).

Every due date comes from the engine's rules through ``casework.clock``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Case, Count, DateField, Exists, OuterRef, Q, QuerySet, When

from sendplan.accounts.models import User
from sendplan.casework import clock
from sendplan.casework.errors import TransitionRefused
from sendplan.casework.plans.models import (
    NEED_SECTIONS,
    PROVISION_SECTIONS,
    Plan,
    PlanVersion,
    Section,
)
from sendplan.casework.plans.selectors import plan_for_user
from sendplan.casework.reviews.models import Review, ReviewChange, ReviewInvitation
from sendplan.core.errors import Http404
from sendplan.core.models import open_on
from sendplan.learners.access import convenes_reviews
from sendplan.learners.models import Involvement, Learner

#: How far ahead the SENCO's list looks for reviews not yet started.
HORIZON = dt.timedelta(weeks=12)

#: A step due within this many days is "due soon".
SOON_DAYS = 14


def setting_reviews(*, fetched_by: User, today: dt.date) -> QuerySet[Review]:
    """Open reviews of maintained plans of the learners whose reviews the user convenes:
    overdue, due within 12 weeks, or under way; most urgent first (for paging).

    Urgency is the date the next step is due: the review itself until a meeting is set,
    the meeting until it is held, then the report, then the authority's decision.
    """
    learners = Learner.objects.filter(convenes_reviews(fetched_by, on=today), archived_at=None)
    key = Case(
        When(meeting_on__isnull=True, then="due_on"),
        When(report_due_on__isnull=True, then="meeting_on"),
        When(report_received_on__isnull=True, then="report_due_on"),
        default="decision_due_on",
        output_field=DateField(),
    )
    return (
        Review.objects.filter(
            Q(due_on__lte=today + HORIZON) | Q(meeting_on__isnull=False),
            decided_on__isnull=True,
            plan__status=Plan.Status.MAINTAINED,
            plan__learner__in=learners.values("pk"),
        )
        .annotate(
            urgent_on=key,
            invited=Exists(ReviewInvitation.objects.filter(review=OuterRef("pk"))),
        )
        .select_related("plan__learner__responsible_la")
        .only(
            *(
                f.name
                for f in Review._meta.concrete_fields
                if f.name not in ("views_words", "report_summary", "decision_reasons")
            ),
            "plan__id",
            "plan__status",
            "plan__issued_on",
            "plan__learner__id",
            "plan__learner__given_name",
            "plan__learner__family_name",
            "plan__learner__date_of_birth",
            "plan__learner__responsible_la__id",
            "plan__learner__responsible_la__name",
        )
        .order_by("urgent_on", "pk")
    )


@dataclass(frozen=True)
class Missing:
    """A step of the review not yet done, with when it is due and the law behind it."""

    step: str
    label: str
    due: dt.date | None
    status: str  # overdue, due_soon, on_time
    basis: str = ""


@dataclass
class SettingRow:
    review: Review
    missing: list[Missing] = field(default_factory=list)

    @property
    def next(self) -> Missing | None:
        return self.missing[0] if self.missing else None

    @property
    def learner(self) -> Learner:
        return self.review.plan.learner


def _status(due: dt.date | None, today: dt.date) -> str:
    if due is None:
        return "on_time"
    if today > due:
        return "overdue"
    return "due_soon" if (due - today).days <= SOON_DAYS else "on_time"


def review_missing(review: Review, *, today: dt.date) -> list[Missing]:
    """What is missing from an open review, in the order the steps run."""
    missing: list[Missing] = []

    def add(step: str, label: str, due: dt.date | None, rule: str = "") -> None:
        basis = clock.basis(rule).basis if rule else ""
        missing.append(Missing(step, label, due, _status(due, today), basis))

    held = review.meeting_on is not None and review.report_due_on is not None
    if review.meeting_on is None:
        # The meeting is due before the review is: invitations 2 weeks before that.
        add("meeting", "Meeting date not set", review.due_on, clock.ANNUAL_REVIEW)
    meeting = review.meeting_on or review.due_on
    notice_by = clock.due(clock.REVIEW_INVITATIONS, meeting)
    invited = getattr(review, "invited", True)
    if review.invitations_sent_on is None or not invited:
        add("invitations", "Invitations not sent", notice_by, clock.REVIEW_INVITATIONS)
    elif review.invitations_sent_on > notice_by:
        add("invitations", "Invitations sent late (under 2 weeks' notice)", None)
    if review.advice_circulated_on is None:
        label = "Advice not asked for" if review.advice_requested_on is None else "Advice not in"
        add("advice", label, notice_by, "review_advice_circulated")
    if review.views_gathered_on is None:
        add("views", "Child's views not gathered", meeting)
    if review.meeting_on is not None and not held and review.meeting_on <= today:
        add("held", "Meeting not recorded as held", review.meeting_on)
    if held and review.report_received_on is None:
        add("report", "Report not sent", review.report_due_on, clock.REVIEW_REPORT)
    if review.report_received_on is not None:
        add(
            "decision",
            "Waiting for the council's decision",
            review.decision_due_on,
            clock.REVIEW_DECISION,
        )
    return missing


def setting_rows(reviews: Iterable[Review], *, today: dt.date) -> list[SettingRow]:
    """The list's rows for one page of reviews: no query per row."""
    return [SettingRow(r, review_missing(r, today=today)) for r in reviews]


# One review, as the setting sees it.


def convened_review(*, fetched_by: User, plan_id: int, review_id: int, purpose: str) -> Review:
    """An open review the user convenes (404 otherwise); the read of the plan is audited."""
    plan, _ = plan_for_user(fetched_by, plan_id, purpose=purpose)
    allowed = Learner.objects.filter(convenes_reviews(fetched_by), pk=plan.learner_id).exists()
    review = plan.reviews.filter(pk=review_id, decided_on__isnull=True).first()
    if not allowed or review is None:
        raise Http404("No review found")
    review.plan = plan
    return review


@dataclass
class RowWithChange:
    """A row of the plan as issued, with the change proposed to it (None: kept)."""

    section: str
    row_id: int
    words: str
    change: ReviewChange | None


@dataclass
class SectionRows:
    section: str
    label: str
    rows: list[RowWithChange]
    added: list[ReviewChange]


def _provision_words(what: str, how_much: str, how_often: str, delivered_by: str) -> str:
    return f"{what}: {how_much}, {how_often}, by {delivered_by}"


def change_words(change: ReviewChange) -> str:
    if change.is_provision:
        return _provision_words(change.what, change.how_much, change.how_often, change.delivered_by)
    return change.text


def plan_rows(review: Review) -> list[SectionRows]:
    """Sections B to H of the plan as issued, each row with its proposed change, and the
    rows proposed to be added. Empty sections are shown too, so a row can be added."""
    version = (
        review.plan.versions.filter(status=PlanVersion.Status.ISSUED).order_by("-number").first()
    )
    if version is None:
        raise TransitionRefused("This plan has no issued version to review.")
    changes = list(review.changes.all())
    by_need = {c.need_id: c for c in changes if c.action != ReviewChange.Action.ADD}
    by_outcome = {c.outcome_id: c for c in changes if c.action != ReviewChange.Action.ADD}
    by_provision = {c.provision_id: c for c in changes if c.action != ReviewChange.Action.ADD}
    sections: list[SectionRows] = []
    for section in (*NEED_SECTIONS, Section.E, *PROVISION_SECTIONS):
        rows: list[RowWithChange] = []
        if section in NEED_SECTIONS:
            rows = [
                RowWithChange(section, n.pk, n.text, by_need.get(n.pk))
                for n in version.needs.all()
                if n.section == section
            ]
        elif section == Section.E:
            rows = [
                RowWithChange(section, o.pk, o.text, by_outcome.get(o.pk))
                for o in version.outcomes.all()
            ]
        else:
            rows = [
                RowWithChange(
                    section,
                    p.pk,
                    _provision_words(p.what, p.how_much, p.how_often, p.delivered_by),
                    by_provision.get(p.pk),
                )
                for p in version.provision.all()
                if p.section == section
            ]
        added = [c for c in changes if c.section == section and c.action == ReviewChange.Action.ADD]
        sections.append(SectionRows(section, Section(section).label, rows, added))
    return sections


def link_choices(review: Review, section: str) -> list[tuple[int, str]]:
    """What an added row links to: the outcome added provision serves, the need an added
    outcome answers (none for an added need)."""
    version = (
        review.plan.versions.filter(status=PlanVersion.Status.ISSUED).order_by("-number").first()
    )
    if version is None or section in NEED_SECTIONS:
        return []
    if section == Section.E:
        return [(n.pk, f"{n.section}: {n.text}") for n in version.needs.all()]
    return [(o.pk, o.text) for o in version.outcomes.all()]


def invitees(review: Review, *, today: dt.date) -> list[Involvement]:
    """Who may be invited: the people and services involved with the learner now."""
    return list(
        Involvement.objects.filter(open_on(today), learner_id=review.plan.learner_id)
        .select_related("organisation", "user")
        .order_by("kind", "id")
    )


# The caseworker's side.


def reports_to_answer(*, fetched_by: User) -> QuerySet[Review]:
    """Review reports sent by settings and not yet decided, on plans the user coordinates
    (their case, or the learner's caseworker involvement), oldest report first."""
    caseworker_of = Involvement.objects.filter(
        kind=Involvement.Kind.CASEWORKER, user=fetched_by, ended_on__isnull=True
    ).values("learner_id")
    return (
        Review.objects.filter(
            Q(plan__case__caseworker=fetched_by) | Q(plan__learner_id__in=caseworker_of),
            report_received_on__isnull=False,
            decided_on__isnull=True,
            plan__status=Plan.Status.MAINTAINED,
        )
        .annotate(
            proposals=Count("changes"),
            unanswered=Count("changes", filter=Q(changes__answer="")),
        )
        .select_related("plan__learner")
        .order_by("report_received_on", "pk")
    )


def current_words(change: ReviewChange) -> str:
    """The words of the issued row a change is about ("" when adding)."""
    if change.action == ReviewChange.Action.ADD:
        return ""
    if change.need is not None:
        return change.need.text
    if change.outcome is not None:
        return change.outcome.text
    row = change.provision
    assert row is not None
    return _provision_words(row.what, row.how_much, row.how_often, row.delivered_by)
