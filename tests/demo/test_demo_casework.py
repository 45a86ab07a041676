"""The demo's casework: every stage present, volumes and timeliness near Lambeth's published
figures, and the printed sign-ins each have casework to look at.

The demo is built once for the module (committed, then deleted at the end). Published figures
are read straight from the shared data here, independently of the code under test.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from django.conf import settings
from django.utils import timezone

from sendplan.accounts.models import Role, User
from sendplan.casework import clock
from sendplan.casework.advice.models import AdviceRequest
from sendplan.casework.advice.selectors import advice_addressed_to, advice_awaiting_assignment
from sendplan.casework.case.models import Case, CaseException, Stage
from sendplan.casework.deadlines import case_queryset, deadlines_for
from sendplan.casework.family.models import FamilyComment
from sendplan.casework.family.selectors import family_case, family_cases
from sendplan.casework.plans.models import CeaseReason, Consultation, Plan, PlanVersion
from sendplan.casework.reviews.models import Review
from sendplan.casework.sen2.export import build_return
from sendplan.casework.tray.selectors import timeliness, work_tray
from sendplan.demo.build import build_demo, reset_demo
from sendplan.demo.casework_data import read_published_casework, simulate
from sendplan.demo.people import TRIAGE_ACCOUNTS
from sendplan.documents.models import Document
from sendplan.documents.services import documents_storage
from sendplan.engine import SEN2_CENSUS_DATES, sen2_check, sen2_write
from sendplan.learners.access import advice_answered_by
from sendplan.learners.models import Learner

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

SEED = 11
EXTRACT = Path("dfe-ehcp-sen2") / "lambeth_extract_2025"


def _published(filename: str, column: str, year: str = "2024") -> float:
    path = Path(settings.SHARED_DATA_DIR) / EXTRACT / filename
    with path.open(encoding="utf-8-sig", newline="") as handle:
        row = next(
            r
            for r in csv.DictReader(handle)
            if r["la_name"] == "Lambeth"
            and r["time_period"] == year
            and r["breakdown_topic"].startswith("All")
        )
    return float(row[column])


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        summary = build_demo(seed=SEED, as_at=timezone.localdate())
        yield summary
        reset_demo()
        assert not Case.objects.exists()


@pytest.fixture
def users(demo) -> dict[str, User]:
    return {u.username: u for u in User.objects.filter(username__startswith="demo.")}


def _last_year() -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    return today - dt.timedelta(days=365), today


def test_every_stage_of_the_process_is_present(demo):
    stages = set(Case.objects.values_list("stage", flat=True))
    assert stages == {s.value for s in Stage}


def test_requests_in_the_last_year_are_near_lambeths_published_number(demo):
    published = _published("requests.csv", "requests_received_in_year")
    since, today = _last_year()
    built = Case.objects.filter(received_on__gt=since, received_on__lte=today).count()
    assert published == 752
    assert abs(built - published) <= 0.1 * published


def test_decisions_to_assess_and_refusals_keep_the_published_shares(demo):
    since, today = _last_year()
    decided = Case.objects.filter(decision_on__gt=since, decision_on__lte=today)
    assess = decided.filter(assess=True).count() / decided.count()
    published_assess = _published("requests.csv", "requests_decided_to_assess")
    published_refuse = _published("requests.csv", "requests_decided_not_to_assess")
    expected = published_assess / (published_assess + published_refuse)
    assert abs(assess - expected) <= 0.06


def test_decisions_within_6_weeks_are_near_the_published_share(demo):
    since, today = _last_year()
    rows = Case.objects.filter(decision_on__gt=since, decision_on__lte=today).values_list(
        "received_on", "decision_on"
    )
    on_time = [d <= clock.due(clock.DECISION_TO_ASSESS, r) for r, d in rows]
    published = _published("requests.csv", "request_outcome_six_weeks_pc") / 100
    assert abs(sum(on_time) / len(on_time) - published) <= 0.06


def test_final_plans_in_the_last_year_are_near_the_published_number(demo):
    since, today = _last_year()
    built = Case.objects.filter(final_issued_on__gt=since, final_issued_on__lte=today).count()
    published = _published("timeliness_20_week.csv", "plans_issued_den")
    assert abs(built - published) <= 0.15 * published


def test_twenty_week_timeliness_is_within_a_few_points_of_lambeth(demo, users):
    measure = timeliness(fetched_by=users["demo.commissioner"])
    with_exceptions = _published("timeliness_20_week.csv", "pc_plans_issued_within_20_weeks")
    without = _published("timeliness_20_week.csv", "PC_plans_issued_20_weeks_ex")
    assert (with_exceptions, without) == (83.9, 87.2)
    assert abs(measure.pc_plans_issued_within_20_weeks - with_exceptions) <= 3
    assert abs(measure.pc_plans_issued_20_weeks_ex - without) <= 3
    assert measure.plans_issued_den > measure.plans_issued_den_ex  # some exception cases


def test_every_case_passes_the_engines_consistency_check(demo):
    today = timezone.localdate()
    checked = 0
    for case in case_queryset().iterator(chunk_size=500):
        deadlines_for(case, today=today)  # raises ValueError on any inconsistent date
        checked += 1
    assert checked == Case.objects.count()


def test_plans_and_reviews_follow_the_stages(demo):
    issued = Case.objects.filter(stage=Stage.FINAL_ISSUED)
    from_cases = Plan.objects.filter(status=Plan.Status.MAINTAINED, case__isnull=False)
    assert from_cases.count() == issued.count()
    assert Review.objects.filter(plan__case__isnull=False).count() == issued.count()
    drafts = Case.objects.filter(stage__in=[Stage.DRAFTING, Stage.CONSULTING]).count()
    # The commissioner's accepted placement proposal is the one amendment drafted besides.
    from sendplan.planning.models import Proposal

    assert Proposal.objects.filter(amendment__status=PlanVersion.Status.DRAFT).count() == 1
    assert PlanVersion.objects.filter(status=PlanVersion.Status.DRAFT).count() == drafts + 1
    assert not PlanVersion.objects.filter(status=PlanVersion.Status.ISSUED, issued_on=None)


def test_advice_due_dates_come_from_the_legal_clock(demo):
    rows = AdviceRequest.objects.values_list("requested_on", "due_on", "kind", "case__learner")
    assert all(due == clock.due(clock.ADVICE, asked) for asked, due, _, _ in rows)
    assert {kind for _, _, kind, _ in rows} >= {"education", "health", "ep", "social_care", "pfa"}


def test_exceptions_are_lawful_case_level_exceptions(demo):
    keys = set(CaseException.objects.values_list("key", flat=True))
    assert keys and all(clock.exception_applies_to(k, clock.FINAL_PLAN) for k in keys)


def test_demo_caseworker_has_a_realistic_open_caseload_with_overdue_and_at_risk(users):
    caseworker = users["demo.caseworker"]
    open_cases = Case.objects.filter(
        caseworker=caseworker,
        stage__in=[Stage.REQUESTED, Stage.ASSESSING, Stage.DRAFTING, Stage.CONSULTING],
    ).count()
    tray = work_tray(fetched_by=caseworker, today=timezone.localdate())
    assert 20 <= open_cases <= 80
    assert tray.counts["overdue"] and tray.counts["at_risk"] and tray.counts["due_soon"]


def test_demo_practitioners_have_advice_requests_waiting(users):
    for username in ("demo.health", "demo.socialworker", "demo.ep"):
        waiting = advice_addressed_to(fetched_by=users[username], outstanding=True)
        assert waiting.filter(practitioner=users[username]).count() >= 1, username


def test_each_advice_giving_service_has_a_triage_person_with_requests_to_assign(users):
    for username in TRIAGE_ACCOUNTS.values():
        desk = users[username]
        organisation = desk.memberships.get(role=Role.ADVICE_TRIAGE).organisation
        waiting = advice_awaiting_assignment(fetched_by=desk)
        assert waiting.exists(), username
        assert set(waiting.values_list("organisation", flat=True)) == {organisation.pk}
    # The demo SENCO assigns their school's requests for educational advice.
    assert users["demo.senco"].memberships.filter(role=Role.ADVICE_TRIAGE).exists()


def test_a_demo_practitioner_sees_no_request_to_their_service_that_nobody_gave_them(users):
    health = users["demo.health"]
    mine = AdviceRequest.objects.filter(advice_answered_by(health))
    seen = advice_addressed_to(fetched_by=health, outstanding=True)
    assert set(seen.values_list("pk", flat=True)) <= set(mine.values_list("pk", flat=True))
    assert not seen.filter(practitioner__isnull=True, assigned_to__isnull=True).exists()


def test_demo_parents_child_has_a_draft_out_for_comments(users):
    parent = users["demo.parent"]
    # The showcase child has a case; the parent's other child holds a plan with no case.
    rows = [row for row in family_cases(fetched_by=parent) if row.case is not None]
    assert len(rows) == 1
    fc = family_case(parent, rows[0].case.pk, purpose="test")
    assert fc.case.stage == Stage.CONSULTING
    assert fc.draft is not None and fc.can_act
    assert fc.comments_close is not None and fc.comments_close >= timezone.localdate()


def test_simulation_is_deterministic_from_the_seed():
    published = read_published_casework(Path(settings.SHARED_DATA_DIR))
    as_at = dt.date(2026, 3, 2)
    first = simulate(published, as_at=as_at, rng=np.random.default_rng(5))
    again = simulate(published, as_at=as_at, rng=np.random.default_rng(5))
    assert first == again
    assert Counter(c.stage for c in first)["final_issued"] > 300


# The demo tells one true story: the plans it counts, their history, and what cases carry.


def test_every_learner_counted_as_having_a_plan_has_an_issued_version(demo):
    maintained = Plan.objects.filter(status=Plan.Status.MAINTAINED)
    assert demo.counts["learners with a plan"] == maintained.values("learner").distinct().count()
    assert demo.counts["learners with a plan"] > 0.8 * demo.counts["learners"]
    assert not maintained.exclude(versions__status=PlanVersion.Status.ISSUED).exists()
    # Every learner without a request in the casework window holds a plan, or held one until
    # the end of the academic year in which they turned 25.
    without_case = Learner.objects.filter(cases=None)
    aged_out = Plan.objects.filter(status=Plan.Status.CEASED, cease_reason=CeaseReason.MAXIMUM_AGE)
    assert (
        not without_case.exclude(plans__status=Plan.Status.MAINTAINED)
        .exclude(plans__in=aged_out)
        .exists()
    )


def test_plans_end_with_the_academic_year_in_which_the_young_person_turns_25(demo):
    today = timezone.localdate()
    last_august = dt.date(today.year if today.month >= 9 else today.year - 1, 8, 31)
    maintained = Plan.objects.filter(status=Plan.Status.MAINTAINED)
    # Aged 25 on the last 31 August: their academic year of turning 25 has ended.
    born_by = dt.date(last_august.year - 25, 8, 31)
    assert not maintained.filter(learner__date_of_birth__lte=born_by).exists()
    for plan in Plan.objects.filter(cease_reason=CeaseReason.MAXIMUM_AGE).select_related("learner")[
        :200
    ]:
        born = plan.learner.date_of_birth
        assert (plan.ceased_on.month, plan.ceased_on.day) == (8, 31)
        assert plan.ceased_on.year - born.year - ((born.month, born.day) > (8, 31)) == 25
        assert not plan.reviews.filter(decided_on=None).exists()


def test_plans_held_for_over_two_years_have_an_earlier_version_amended_at_a_review(demo):
    two_years_ago = timezone.localdate() - dt.timedelta(days=2 * 366)
    old = Plan.objects.filter(status=Plan.Status.MAINTAINED, issued_on__lt=two_years_ago)
    assert old.count() > 1000
    for plan in old.prefetch_related("versions__review")[:300]:
        versions = sorted(plan.versions.all(), key=lambda v: v.number)
        assert [v.status for v in versions] == [PlanVersion.Status.ISSUED] * len(versions)
        assert len(versions) >= 2 and versions[0].issued_on == plan.issued_on
        amended = versions[-1]
        assert amended.based_on_id == versions[-2].pk and amended.review is not None
        assert amended.review.decision == Review.Decision.AMEND
        assert amended.review.amended_plan_issued_on == amended.issued_on
        assert amended.issued_on <= amended.review.amended_plan_due_on
    # Each maintained plan has its next review scheduled, and only one.
    assert (
        Review.objects.filter(decided_on=None).count()
        == Plan.objects.filter(status=Plan.Status.MAINTAINED).count()
    )


def test_the_young_persons_account_reaches_their_issued_plan(users):
    rows = family_cases(fetched_by=users["demo.youngperson"])
    assert len(rows) == 1 and rows[0].plan_id is not None
    plan = Plan.objects.get(pk=rows[0].plan_id)
    assert plan.learner == rows[0].learner
    assert plan.versions.filter(status=PlanVersion.Status.ISSUED).exists()


@pytest.mark.parametrize(
    "stage", [Stage.ASSESSING, Stage.DRAFTING, Stage.CONSULTING, Stage.FINAL_ISSUED]
)
def test_cases_at_each_stage_carry_advice_with_a_pdf_report(demo, stage):
    reports = Document.objects.filter(
        advice_request__case__stage=stage,
        advice_request__received_on__isnull=False,
        kind=Document.Kind.ADVICE_REPORT,
    )
    assert reports.exists()
    report = reports.first()
    assert report.case_id == report.advice_request.case_id
    with documents_storage().open(report.storage_name) as stored:
        assert stored.read(5) == b"%PDF-"


@pytest.mark.parametrize("stage", [Stage.CONSULTING, Stage.FINAL_ISSUED])
def test_cases_with_a_draft_out_carry_family_comments_and_a_senco_answer(users, stage):
    assert FamilyComment.objects.filter(case__stage=stage).exists()
    senco = users["demo.senco"]
    school = senco.memberships.get(role=Role.SETTING_STAFF).organisation.setting
    answered = Consultation.objects.filter(
        case__stage=stage, setting=school, modified_by=senco, responded_on__isnull=False
    )
    assert answered.exists()
    assert all(c.sent_on <= c.responded_on <= timezone.localdate() for c in answered)


def test_every_family_comment_is_on_the_draft_of_its_own_case(demo):
    for comment in FamilyComment.objects.select_related("version__plan", "case"):
        assert comment.version.plan.case_id == comment.case_id
        assert comment.given_on >= comment.case.draft_issued_on


def test_the_senco_has_a_consultation_waiting_for_their_answer(users):
    senco = users["demo.senco"]
    school = senco.memberships.get(role=Role.SETTING_STAFF).organisation.setting
    waiting = Consultation.objects.filter(setting=school, responded_on=None)
    assert waiting.filter(case__stage=Stage.CONSULTING, involvement__ended_on=None).exists()


def _next_census(today: dt.date) -> dt.date:
    """The census of this academic year (the January after the last 31 August): DfE's
    published date, or the third Thursday."""
    year = today.year + 1 if today.month >= 9 else today.year
    first = dt.date(year, 1, 1)
    third_thursday = first + dt.timedelta(days=(3 - first.weekday()) % 7 + 14)
    return SEN2_CENSUS_DATES.get(year, third_thursday)


def test_the_demo_sen2_return_has_no_errors_but_on_the_record_still_to_confirm(demo):
    document, trace = build_return(_next_census(timezone.localdate()), "208")
    _, problems = sen2_check(sen2_write(document))
    assert len(document.persons) > 500
    # The online request waiting for a caseworker counts as received, but its provisional
    # record holds only what the requester gave (no sex, no UPN reason) until confirmed.
    provisional = {
        f"learners.Learner {pk} "
        for pk in Learner.objects.filter(provisional=True).values_list("pk", flat=True)
    }
    to_confirm = {row.person for row in trace if any(row.source.startswith(p) for p in provisional)}
    assert len(to_confirm) == 1
    errors = [p for p in problems if p.severity == "error"]
    assert [p.line("demo") for p in errors if p.person not in to_confirm] == []
    assert {row.person for row in trace} == set(range(1, len(document.persons) + 1))


def test_an_online_request_waits_for_the_demo_caseworker_with_a_duplicate_to_check(users):
    from sendplan.casework.intake.selectors import request_duplicates, requests_to_confirm

    caseworker = users["demo.caseworker"]
    waiting = requests_to_confirm(fetched_by=caseworker)
    assert len(waiting) == 1
    assert waiting[0].case.learner.provisional
    assert waiting[0].case.sen2_request_source == 2
    assert request_duplicates(request=waiting[0], fetched_by=caseworker)
