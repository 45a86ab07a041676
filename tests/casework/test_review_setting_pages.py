"""The setting's review pages through the test client: who may reach them, and the steps."""

import datetime as dt

import pytest
from django.urls import reverse

from sendplan.casework.case.models import Stage
from sendplan.casework.plans.models import PlanVersion
from sendplan.casework.reviews.models import Review, ReviewChange
from sendplan.learners.models import Involvement
from tests.casework.conftest import at, make_case

MEETING = dt.date(2026, 4, 20)
SENT = dt.date(2026, 4, 1)
AFTER = dt.date(2026, 4, 27)


def _date(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}


@pytest.fixture
def plan(cast):
    with at(dt.date(2026, 3, 2)):
        return make_case(cast, Stage.FINAL_ISSUED).plan


def test_the_senco_walks_the_review_to_its_report(cast, plan):
    review = plan.reviews.get(decided_on__isnull=True)
    args = [plan.pk, review.pk]
    family = cast.learner.involvements.get(kind=Involvement.Kind.PARENT)
    with at(SENT):
        senco = cast.client_for(cast.senco)
        listing = senco.get(reverse("casework:setting-reviews"))
        assert listing.status_code == 200
        assert "Jamie" in listing.content.decode() and cast.la.name in listing.content.decode()
        assert "Meeting date not set" in listing.content.decode()
        assert senco.get(reverse("casework:review-convene", args=args)).status_code == 200
        assert senco.get(reverse("casework:review-invite", args=args)).status_code == 200
        done = senco.post(
            reverse("casework:review-invite", args=args),
            {
                **_date("meeting_on", MEETING),
                **_date("sent_on", SENT),
                "involvement_ids": [family.pk],
                "expected_lock": review.lock,
            },
        )
        assert done.status_code == 302, done.content.decode()
        review.refresh_from_db()
        done = senco.post(
            reverse("casework:review-views", args=args),
            {
                "how": "symbols",
                "words": "I want to do more swimming.",
                **_date("gathered_on", SENT),
                "expected_lock": review.lock,
            },
        )
        assert done.status_code == 302, done.content.decode()
    with at(AFTER):
        senco = cast.client_for(cast.senco)  # a new session: the old one timed out
        review.refresh_from_db()
        done = senco.post(
            reverse("casework:review-held", args=args),
            {**_date("meeting_on", MEETING), "expected_lock": review.lock},
        )
        assert done.status_code == 302, done.content.decode()
        report = senco.get(reverse("casework:review-report", args=args))
        assert "Speech and language therapy" in report.content.decode(), report.status_code
        row = plan.versions.get(status="issued").provision.get()
        change_url = reverse("casework:review-change", args=[*args, "F", row.pk])
        assert senco.get(change_url).status_code == 200
        done = senco.post(
            change_url,
            {
                "action": "change",
                "what": "Speech and language therapy",
                "how_much": "30 minutes",
                "how_often": "twice a week",
                "delivered_by": "Therapist",
                "reason": "Shorter sessions work better",
            },
        )
        assert done.status_code == 302, done.content.decode()
        assert (
            senco.get(reverse("casework:review-change-add", args=[*args, "G"])).status_code == 200
        )
        review.refresh_from_db()
        answers = {
            "summary": "Good progress.",
            "recommendation": "amend",
            **_date("sent_on", AFTER),
            "expected_lock": review.lock,
        }
        check = senco.post(reverse("casework:review-report-send", args=args), answers)
        assert check.status_code == 200 and "Check the review report" in check.content.decode()
        sent = senco.post(
            reverse("casework:review-report-send", args=args), {**answers, "confirm": "yes"}
        )
        assert sent.status_code == 302, sent.content.decode()
    review.refresh_from_db()
    assert review.report_received_on == AFTER
    with at(AFTER):
        caseworker = cast.client_for(cast.caseworker)
        tray = caseworker.get(reverse("casework:tray"))
        assert reverse("casework:review-proposals", args=args) in tray.content.decode()
        change = review.changes.get()
        done = caseworker.post(
            reverse("casework:review-proposals", args=args), {f"answer-{change.pk}": "accepted"}
        )
        assert done.status_code == 302
        decided = caseworker.post(
            reverse("casework:review-decision", args=args),
            {
                "decision": "amend",
                **_date("decided_on", AFTER),
                **_date("amendment_proposed_on", AFTER),
            },
        )
        assert decided.status_code == 302, decided.content.decode()
    draft = plan.versions.get(status=PlanVersion.Status.DRAFT)
    assert draft.provision.get().how_often == "twice a week"
    assert ReviewChange.objects.get().answer == "accepted"
    assert Review.objects.get(pk=review.pk).decision == "amend"


def test_other_settings_and_families_cannot_reach_the_review(cast, plan):
    review = plan.reviews.get(decided_on__isnull=True)
    url = reverse("casework:review-convene", args=[plan.pk, review.pk])
    assert cast.client_for(cast.other_senco).get(url).status_code == 404
    assert cast.client_for(cast.parent).get(url).status_code == 403
    assert cast.client_for(cast.caseworker).get(url).status_code == 403
    listing = cast.client_for(cast.other_senco).get(reverse("casework:setting-reviews"))
    assert "Jamie" not in listing.content.decode()
