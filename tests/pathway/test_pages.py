"""The pathway pages: a young person's tracker, destinations, adult care and health,
adulthood progress at a review, the caseworker's actions in the tray, ceasing over 18, and
the partnership's 16–25 page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sendplan.casework.plans.models import CeaseReason, Plan
from sendplan.casework.reviews import services as review_services
from sendplan.pathway import selectors
from sendplan.pathway.models import AdulthoodProgress, Destination, Transition
from tests.casework_pages.plan_builders import TODAY, at
from tests.factories import SettingFactory
from tests.pathway.builders import review_of, young_person


@pytest.fixture
def frozen():
    with at(TODAY) as traveller:  # 2 June 2025
        yield traveller


@pytest.fixture
def plan(cast, frozen) -> Plan:
    return young_person(cast, born=dt.date(2009, 1, 10))  # 16, Year 11


def _date(name: str, day: dt.date) -> dict[str, str]:
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


def _progress(level: str = "on_track") -> dict[str, str]:
    data = {}
    for outcome in ("employment", "independent_living", "community", "health"):
        data[f"{outcome}_progress"] = level
        data[f"{outcome}_note"] = f"Said about {outcome}"
    return data


def test_caseworker_records_a_planned_destination_at_sixteen(cast, plan):
    college = SettingFactory(name="Lambeth College (test)", min_age=16, max_age=25)
    client = cast.client_for(cast.caseworker)
    url = reverse("pathway:destination", args=[plan.learner_id, "at_16"])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"planned_kind": "college", "planned_setting": str(college.pk), "actual_kind": "",
         "actual_setting": "", "note": "", "expected_lock": "0"},
    )  # fmt: skip
    assert response.status_code == 302
    row = Destination.objects.get(learner=plan.learner, stage="at_16")
    assert (row.planned_kind, row.planned_setting) == ("college", college)
    page = client.get(reverse("pathway:learner", args=[plan.learner_id])).content.decode()
    assert "Lambeth College (test)" in page


def test_destination_started_in_the_future_is_refused_and_what_was_typed_is_kept(cast, plan):
    client = cast.client_for(cast.caseworker)
    url = reverse("pathway:destination", args=[plan.learner_id, "at_16"])
    response = client.post(
        url,
        {"planned_kind": "", "actual_kind": "college", "note": "Kept note", "expected_lock": "0",
         **_date("actual_from", dt.date(2025, 9, 1))},
    )  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200
    assert "cannot be in the future" in html and "Kept note" in html
    assert not Destination.objects.exists()


def test_a_stale_destination_save_is_refused(cast, plan):
    client = cast.client_for(cast.caseworker)
    url = reverse("pathway:destination", args=[plan.learner_id, "at_19"])
    data = {
        "planned_kind": "supported_internship",
        "actual_kind": "",
        "note": "",
        "expected_lock": "0",
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, {**data, "planned_kind": "college"}).status_code == 409
    assert Destination.objects.get().planned_kind == "supported_internship"


def test_pathway_pages_refuse_outsiders_and_read_only_staff(cast, plan):
    tracker = reverse("pathway:learner", args=[plan.learner_id])
    edit = reverse("pathway:destination", args=[plan.learner_id, "at_16"])
    assert cast.client_for(cast.other_parent).get(tracker).status_code == 404
    assert cast.client_for(cast.la_colleague).get(tracker).status_code == 200
    assert cast.client_for(cast.la_colleague).get(edit).status_code == 403
    assert (
        cast.client_for(cast.caseworker)
        .get(reverse("pathway:destination", args=[plan.learner_id, "at_99"]))
        .status_code
        == 404
    )
    assert cast.client_for(cast.caseworker).delete(tracker).status_code == 405
    review = review_of(plan, due_on=dt.date(2025, 7, 1))
    progress = reverse("pathway:review", args=[plan.pk, review.pk])
    assert cast.client_for(cast.la_colleague).get(progress).status_code == 200  # read only
    assert cast.client_for(cast.la_colleague).post(progress, _progress()).status_code == 403
    assert cast.client_for(cast.other_parent).get(progress).status_code == 404


def test_progress_on_the_four_outcomes_is_recorded_at_a_review_from_year_9(cast, plan):
    review = review_of(plan, due_on=dt.date(2025, 7, 1))
    client = cast.client_for(cast.caseworker)
    reviews_page = client.get(reverse("casework:plan-reviews", args=[plan.pk])).content.decode()
    url = reverse("pathway:review", args=[plan.pk, review.pk])
    assert url in reviews_page
    assert "Not recorded yet" in reviews_page
    response = client.post(url, {**_progress("emerging"), "expected_lock": "0"})
    assert response.status_code == 302
    row = AdulthoodProgress.objects.get(review=review)
    assert row.employment_progress == "emerging" and row.health_note == "Said about health"
    page = client.get(reverse("pathway:learner", args=[plan.learner_id])).content.decode()
    assert "Some progress" in page and "Said about community" in page
    reviews_page = client.get(reverse("casework:plan-reviews", args=[plan.pk])).content.decode()
    assert "Not recorded yet" not in reviews_page and ">Recorded<" in reviews_page


def test_progress_needs_every_outcome(cast, plan):
    review = review_of(plan, due_on=dt.date(2025, 7, 1))
    data = {**_progress(), "expected_lock": "0"}
    del data["health_progress"]
    response = cast.client_for(cast.caseworker).post(
        reverse("pathway:review", args=[plan.pk, review.pk]), data
    )
    assert response.status_code == 200
    assert "Choose the progress on good health" in response.content.decode()


def test_no_adulthood_page_for_a_review_before_year_9(cast, frozen):
    plan = young_person(cast, born=dt.date(2014, 5, 17))
    review = plan.reviews.get()
    review.preparing_for_adulthood = False
    review.save()
    url = reverse("pathway:review", args=[plan.pk, review.pk])
    assert cast.client_for(cast.caseworker).get(url).status_code == 404


def test_care_act_assessment_is_flagged_in_the_work_tray_from_seventeen(cast, frozen):
    plan = young_person(cast, born=dt.date(2008, 2, 1), name="Casey Care-Test")  # 17½ on 1 Aug
    Transition.objects.create(learner=plan.learner, likely_needs_adult_care=True)
    tray = cast.client_for(cast.caseworker).get(reverse("casework:tray")).content.decode()
    assert "1 Care Act transition assessment to ask for" in tray
    actions = cast.client_for(cast.caseworker).get(reverse("pathway:actions")).content.decode()
    assert "Casey Care-Test" in actions and "1 August 2025" in actions


def test_care_act_flag_not_shown_before_seventeen_or_after_the_assessment(cast, frozen):
    younger = young_person(cast, born=dt.date(2008, 6, 3), name="Young Care-Test")
    done = young_person(cast, born=dt.date(2007, 6, 3), name="Done Care-Test")
    Transition.objects.create(learner=younger.learner, likely_needs_adult_care=True)
    Transition.objects.create(
        learner=done.learner, likely_needs_adult_care=True,
        care_act_requested_on=dt.date(2025, 1, 6), care_act_completed_on=dt.date(2025, 3, 3),
    )  # fmt: skip
    found = selectors.pathway_actions(fetched_by=cast.caseworker, today=TODAY)
    assert found.care_act == []


def test_plan_of_a_young_person_over_19_without_a_recent_decision_is_listed(cast, frozen):
    plan = young_person(cast, born=dt.date(2005, 4, 1), name="Drew Lapse-Test")
    review_of(plan, due_on=dt.date(2024, 5, 1), decided_on=dt.date(2024, 5, 20))
    Plan.objects.filter(pk=plan.pk).update(issued_on=dt.date(2020, 5, 1))
    found = selectors.pathway_actions(fetched_by=cast.caseworker, today=TODAY)
    assert [row.plan for row in found.lapsing] == [plan]
    assert found.lapsing[0].last_decision_on == dt.date(2024, 5, 20)
    # A decision within 12 months takes it off the list.
    assert not selectors.pathway_actions(
        fetched_by=cast.caseworker, today=dt.date(2025, 5, 20)
    ).lapsing
    page = cast.client_for(cast.caseworker).get(reverse("pathway:learner", args=[plan.learner_id]))
    assert "does not lapse at 19" in page.content.decode()


def test_ceasing_the_plan_of_a_young_person_over_18_needs_the_outcomes_considered(cast, frozen):
    plan = young_person(cast, born=dt.date(2006, 4, 1))
    kwargs = {"plan_id": plan.pk, "ceased_on": dt.date(2025, 6, 1), "changed_by": cast.caseworker,
              "reason": CeaseReason.NEEDS_MET, "decided_on": dt.date(2025, 3, 3)}  # fmt: skip
    with pytest.raises(Exception, match="outcomes") as refused:
        review_services.plan_cease(**kwargs)
    assert "outcomes_considered" in refused.value.message_dict
    review_services.plan_cease(**kwargs, outcomes_considered=True)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.CEASED


def test_ceasing_under_18_does_not_ask_about_outcomes(cast, plan):
    review_services.plan_cease(
        plan_id=plan.pk, ceased_on=dt.date(2025, 6, 1), changed_by=cast.caseworker,
        reason=CeaseReason.NEEDS_MET, decided_on=dt.date(2025, 3, 3),
    )  # fmt: skip
    plan.refresh_from_db()
    assert plan.status == Plan.Status.CEASED


def test_the_partnership_page_counts_pathways_and_downloads_each_table(cast, frozen):
    local = SettingFactory(name="Local College (test)", in_area=True, min_age=16, max_age=25)
    away = SettingFactory(name="Far College (test)", in_area=False, min_age=16, max_age=25)
    for i, (setting, kind) in enumerate(((local, "college"), (away, "specialist_post16"))):
        plan = young_person(cast, born=dt.date(2007, 1, 1 + i), name=f"Pat{i} Sixteen-Test")
        Destination.objects.create(
            learner=plan.learner, stage="at_16", actual_kind=kind, actual_setting=setting
        )
    figures = selectors.partnership_figures(fetched_by=cast.la_colleague, today=TODAY)
    assert figures.young_people == 2
    assert dict(figures.by_pathway) == {"College": 1, "Specialist post-16 institution": 1}
    assert figures.local == {"local": 1, "out": 1, "none": 0}
    client = cast.client_for(cast.la_colleague)
    html = client.get(reverse("pathway:partnership")).content.decode()
    assert "Young people aged 16 to 25" in html and "England published" in html
    csv = client.get(reverse("pathway:download", args=["pathways"]))
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    assert "College,1" in csv.content.decode("utf-8-sig")
    assert client.get(reverse("pathway:download", args=["nothing"])).status_code == 404
    assert cast.client_for(cast.parent).get(reverse("pathway:partnership")).status_code == 403


def test_the_partnership_figures_take_the_same_queries_whatever_the_numbers(cast, frozen):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            selectors.partnership_figures(fetched_by=cast.la_colleague, today=TODAY)
        return len(queries)

    young_person(cast, born=dt.date(2007, 1, 1), name="One Count-Test")
    count()  # the first read also caches who the user is
    before = count()
    for i in range(3):
        plan = young_person(cast, born=dt.date(2006, 1, 1 + i), name=f"More{i} Count-Test")
        Destination.objects.create(learner=plan.learner, stage="at_19", actual_kind="employment")
    assert count() == before


def test_plans_ceased_in_the_last_year_are_set_beside_the_published_reasons(cast, frozen):
    plan = young_person(cast, born=dt.date(2004, 9, 1), name="Sol Leaver-Test")
    review_services.plan_cease(
        plan_id=plan.pk, ceased_on=dt.date(2025, 6, 1), changed_by=cast.caseworker,
        reason=CeaseReason.HIGHER_EDUCATION, decided_on=dt.date(2025, 3, 3),
        outcomes_considered=True,
    )  # fmt: skip
    figures = selectors.partnership_figures(fetched_by=cast.la_colleague, today=TODAY)
    assert figures.ceased_by_reason == [(CeaseReason.HIGHER_EDUCATION, 1)]
    assert figures.young_people == 0  # no longer on a plan
    csv = cast.client_for(cast.la_colleague).get(reverse("pathway:download", args=["ceased"]))
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert (
        lines[0]
        == 'Reason,"This service, last 12 months",Lambeth published 2024,England published 2024'
    )
    # Lambeth's and England's published counts of plans ceased for higher education in 2024.
    assert "Moved on to higher education,1,44,2579" in lines
