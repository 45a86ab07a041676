"""The demo's annual reviews under way at the settings (ADR 0134): for the reviews due in
the coming weeks or overdue, and every review at the demo SENCO's school, each at a step of its own — nothing done yet, invitations
sent, advice and the child's views in, the meeting held, the report late, or the report
sent with a proposed change waiting for the caseworker. Written through the services, so
every date is one the law and the checks allow."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Q

from sendplan.accounts.models import User
from sendplan.casework.errors import TransitionRefused
from sendplan.casework.plans.models import Plan, PlanVersion
from sendplan.casework.reviews import services as review_services
from sendplan.casework.reviews import setting_services
from sendplan.casework.reviews.models import Review, ReviewChange
from sendplan.demo.casework_write import Cast
from sendplan.learners.models import Involvement

#: How far ahead of the demo date a review counts as coming up.
AHEAD = dt.timedelta(weeks=16)

#: Reviews taken forward at the SENCO's own setting, and at all the others together.
AT_SENCO, ELSEWHERE = 40, 60

#: The steps, in the order they are dealt out to the reviews sorted by due date.
STEPS = ("none", "report_sent", "held", "invited", "views", "report_late", "none", "invited")

VIEWS = (
    "I like the quiet room at lunch. I don't like it when the hall is loud.",
    "[chose the pictures] maths — happy; swimming — happy; reading — sad",
    "I want to go to college and learn cooking. I want to take the bus on my own.",
    "Observed over two weeks: smiles and reaches for the sensory room card every morning.",
)


def build_reviews(cast: Cast, *, as_at: dt.date) -> dict[str, int]:
    """Take the open reviews due soon (or overdue) forward to a spread of steps."""
    senco = cast.users["demo.senco"]
    senco_org = cast.orgs[f"setting:{cast.showcase.senco_setting}"]
    at_senco = {i for i, s in cast.setting_of.items() if s.organisation_id == senco_org.pk}
    index_of = {row.pk: i for i, row in enumerate(cast.rows)}
    at_senco_ids = [cast.rows[i].pk for i in at_senco]
    # Every review at the SENCO's setting (some held early), the others when due soon.
    due = (
        Review.objects.filter(
            Q(due_on__lte=as_at + AHEAD) | Q(plan__learner_id__in=at_senco_ids),
            decided_on__isnull=True,
            meeting_on__isnull=True,
            plan__status=Plan.Status.MAINTAINED,
            plan__issued_on__lte=as_at - dt.timedelta(days=120),
        )
        .select_related("plan")
        .order_by("due_on", "pk")
    )
    taken = {"senco": 0, "other": 0}
    counts: dict[str, int] = {}
    for n, review in enumerate(due.iterator()):
        index = index_of.get(review.plan.learner_id)
        mine = index in at_senco
        key = "senco" if mine else "other"
        if taken[key] >= (AT_SENCO if mine else ELSEWHERE) or index not in cast.setting_of:
            continue
        taken[key] += 1
        step = STEPS[n % len(STEPS)]
        try:
            _take_forward(review, step, senco if mine else None, as_at=as_at, n=n)
        except (ValidationError, TransitionRefused):
            continue  # a plan whose dates do not allow this step: left as it is
        counts[step] = counts.get(step, 0) + 1
    return {f"reviews {k.replace('_', ' ')}": v for k, v in counts.items()}


def _convener(review: Review, senco: User | None) -> User:
    if senco is not None:
        return senco
    involvement = (
        Involvement.objects.filter(learner_id=review.plan.learner_id, user__isnull=False)
        .order_by("kind")
        .first()
    )
    return involvement.user if involvement and involvement.user else review.plan.modified_by  # type: ignore[return-value]


def _take_forward(review: Review, step: str, senco: User | None, *, as_at: dt.date, n: int) -> None:
    if step == "none":
        return
    user = _convener(review, senco)
    held = step in ("held", "report_late", "report_sent")
    meeting = {
        "invited": as_at + dt.timedelta(days=18),
        "views": as_at + dt.timedelta(days=9),
        "held": as_at - dt.timedelta(days=6),
        "report_late": as_at - dt.timedelta(days=19),
        "report_sent": as_at - dt.timedelta(days=16),
    }[step]
    sent = min(meeting - dt.timedelta(days=21), as_at)
    people = list(
        Involvement.objects.filter(
            Q(kind__in=[Involvement.Kind.PARENT, Involvement.Kind.YOUNG_PERSON])
            | Q(kind=Involvement.Kind.CASEWORKER),
            learner_id=review.plan.learner_id,
        ).values_list("pk", flat=True)
    )
    setting_services.review_invite(
        review_id=review.pk, meeting_on=meeting, sent_on=sent, involvement_ids=people,
        changed_by=user,
    )  # fmt: skip
    if step == "invited":
        return
    setting_services.review_advice_record(
        review_id=review.pk, requested_on=sent, changed_by=user,
        advice_from="Speech and language therapist; educational psychologist",
        circulated_on=None if step == "report_late" else sent + dt.timedelta(days=5),
    )  # fmt: skip
    setting_services.review_views_record(
        review_id=review.pk, gathered_on=min(meeting - dt.timedelta(days=4), as_at),
        how=list(Review.ViewsHow.values)[n % len(Review.ViewsHow.values)],
        words=VIEWS[n % len(VIEWS)], helped_by="Teaching assistant", changed_by=user,
    )  # fmt: skip
    if not held:
        return
    review_services.review_record_meeting(review_id=review.pk, meeting_on=meeting, changed_by=user)
    if step != "report_sent":
        return
    version = review.plan.versions.filter(status=PlanVersion.Status.ISSUED).order_by("-number")
    row = next(iter(version.first().provision.all()), None) if version.exists() else None  # type: ignore[union-attr]
    if row is not None:
        setting_services.review_change_propose(
            review_id=review.pk, section=row.section, action=ReviewChange.Action.CHANGE,
            row_id=row.pk, what=row.what, how_much=row.how_much,
            how_often="twice a week in term time", delivered_by=row.delivered_by,
            reason="Shorter, more frequent sessions have worked better this year.",
            changed_by=user,
        )  # fmt: skip
    setting_services.review_report_send(
        review_id=review.pk, sent_on=meeting + dt.timedelta(days=9), changed_by=user,
        summary="Good progress towards the communication outcomes; the family and the "
        "therapist agree the sessions should be shorter and more often.",
        recommendation=Review.Decision.AMEND if row is not None else Review.Decision.MAINTAIN,
    )  # fmt: skip


__all__ = ["build_reviews"]
