"""The SEND manager's SEN2 return page: the return from the LA's record, its checks, the
problems linked to where each is fixed, the downloads, and who may see them (ADR 0137)."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from sendplan.casework.case.models import Stage
from sendplan.casework.sen2.selectors import collection_due, headline_counts, sen2_return_for
from sendplan.engine import SEN2_RULES, sen2_check
from sendplan.learners.models import AuditEvent, Learner
from sendplan.learners.services import learner_update
from tests.casework.conftest import FINAL, at, make_case
from tests.factories import LearnerFactory, NeedFactory

pytestmark = pytest.mark.django_db

YEAR = 2026  # census 15 January 2026: the calendar year 2025 holds the cast's cases


@pytest.fixture
def world(cast):
    """Two plans issued in 2025: the cast's learner has a UPN, the other learner has none
    (an error of rule D01); a learner of another LA with a plan is not in this LA's return."""
    with at(FINAL):
        make_case(cast, Stage.FINAL_ISSUED)
        make_case(cast, Stage.FINAL_ISSUED, learner=cast.other_learner)
        outsider = LearnerFactory(
            given_name="Kit", family_name="Elsewhere-Test", responsible_la=cast.other_la
        )
        NeedFactory(learner=outsider, code="MLD", rank=1)
        make_case(cast, Stage.FINAL_ISSUED, learner=outsider)
    # Every other item the return needs of the person is on the record.
    Learner.objects.update(sex="F", ethnicity="WBRI", postcode="SW2 1RW")
    return cast


def d01(report):
    return [p for p in report.errors if p.problem.rule == "D01"]


def test_the_return_holds_the_las_learners_only_and_names_the_missing_upn(world) -> None:
    report = sen2_return_for(fetched_by=world.la_colleague, year=YEAR)
    assert sorted(report.learner_ids) == sorted([world.learner.pk, world.other_learner.pk])
    assert report.counts["persons"] == 2
    assert report.counts["plans_issued"] == 2
    assert report.counts["plans_at_census"] == 2
    assert [p.problem.rule for p in report.errors] == ["D01"]
    [missing] = d01(report)
    assert missing.learner_id == world.other_learner.pk
    assert missing.name == "Sam Other-Test"
    assert missing.fix is not None
    change = reverse("learners:change", args=[world.other_learner.pk])
    assert missing.fix.url == f"{change}#upn_unknown"
    # The XML is the one the checks read, and every rule is listed with its counts.
    assert [p.rule for p in sen2_check(report.xml)[1]].count("D01") == 1
    checks = {c.rule.id: c for c in report.checks()}
    assert set(checks) == set(SEN2_RULES)
    assert checks["D01"].errors == 1 and not checks["D01"].passes
    assert checks["D15"].passes


def test_giving_the_reason_for_no_upn_makes_the_check_pass(world) -> None:
    learner = Learner.objects.get(pk=world.other_learner.pk)
    learner_update(
        learner_id=learner.pk,
        expected_lock=learner.lock,
        changed_by=world.la_colleague,
        changes={"upn_unknown": "UN8"},
    )
    report = sen2_return_for(fetched_by=world.la_colleague, year=YEAR)
    assert d01(report) == []
    assert {c.rule.id: c for c in report.checks()}["D01"].passes


def test_a_problem_deeper_in_the_return_links_to_where_it_is_fixed(world) -> None:
    # By the 2027 census the plans issued in May 2025 have had no annual review (D19).
    report = sen2_return_for(fetched_by=world.la_colleague, year=2027)
    late = [p for p in report.queries if p.problem.rule == "D19"]
    assert {p.learner_id for p in late} == {world.learner.pk, world.other_learner.pk}
    plan = world.learner.plans.get()
    [mine] = [p for p in late if p.learner_id == world.learner.pk]
    assert mine.fix is not None
    assert mine.fix.url == reverse("casework:plan-reviews", args=[plan.pk])
    # A decision outside six weeks is fixed on the case (a query of timeliness, D22).
    report = sen2_return_for(fetched_by=world.la_colleague, year=YEAR)
    case = world.learner.cases.get()
    for row in report.queries:
        if row.problem.rule == "D22" and row.learner_id == world.learner.pk:
            assert row.fix is not None
            assert row.fix.url in {
                reverse("casework:case", args=[case.pk]),
                reverse("learners:record", args=[world.learner.pk]),
            }


def test_headline_counts_before_any_plan(world) -> None:
    # At the 2025 census (16 January 2025) the requests of 6 January were open, undecided.
    report = sen2_return_for(fetched_by=world.la_colleague, year=2025)
    counts = headline_counts(report.document, report.collection.census)
    assert counts["persons"] == 2
    assert counts["requests_received"] == 0  # received after the period (2024) ended
    assert counts["plans_issued"] == counts["plans_at_census"] == counts["assessed"] == 0


def test_the_next_collection_due() -> None:
    import datetime as dt

    assert collection_due(dt.date(2025, 12, 1)).year == 2026
    assert collection_due(dt.date(2026, 1, 15)).year == 2026
    assert collection_due(dt.date(2026, 1, 16)).year == 2027
    assert collection_due(dt.date(2030, 1, 1)).year == 2027  # the latest known


def test_the_manager_reaches_the_return_from_home_and_sees_what_to_fix(world) -> None:
    client = world.client_for(world.la_colleague)
    home = client.get(reverse("home")).content.decode()
    assert reverse("sen2:index") in home
    index = client.get(reverse("sen2:index")).content.decode()
    assert reverse("sen2:return", args=[YEAR]) in index
    page = client.get(reverse("sen2:return", args=[YEAR]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "1 error to fix" in text
    assert "Sam Other-Test" in text and "Kit" not in text
    assert f"{reverse('learners:change', args=[world.other_learner.pk])}#upn_unknown" in text
    assert SEN2_RULES["D01"].summary in text
    assert "Request from another source (RequestSource 5)" in text
    assert "Plans in force at the census a year before, as published" in text
    # The learner named on the page is audited as read.
    assert AuditEvent.objects.filter(
        user=world.la_colleague, learner=world.other_learner, action=AuditEvent.Action.VIEW_RECORD
    ).exists()


def test_the_problems_to_fix_can_be_narrowed_to_one_rule(world) -> None:
    # By the 2027 census both learners' plans have had no review (D19, a query each), and
    # the other learner still has no UPN (D01, an error).
    client = world.client_for(world.la_colleague)
    url = reverse("sen2:return", args=[2027])
    every = client.get(url).context["page_obj"].paginator.count
    report = sen2_return_for(fetched_by=world.la_colleague, year=2027)
    rules = {p.problem.rule for p in report.problems}
    assert {"D01", "D19"} <= rules
    page = client.get(url, {"rule": "D19"})
    shown = list(page.context["page_obj"])
    assert {row.problem.rule for row in shown} == {"D19"}
    assert len(shown) == sum(p.problem.rule == "D19" for p in report.problems) < every
    text = page.content.decode()
    assert "Showing the problems of rule D19 only." in text and "Show every problem" in text
    assert "?rule=D01#to-fix" in text  # each failing rule links to its own problems
    # A rule with nothing to fix, or nonsense, shows every problem.
    for other in ("D15", "<script>"):
        unfiltered = client.get(url, {"rule": other})
        assert unfiltered.context["page_obj"].paginator.count == every
        assert "Showing the problems of rule" not in unfiltered.content.decode()


def test_the_xml_and_the_problems_download_and_are_audited_as_exports(world) -> None:
    client = world.client_for(world.la_colleague)
    xml = client.get(reverse("sen2:xml", args=[YEAR]))
    assert xml.status_code == 200
    assert xml["Content-Disposition"].startswith("attachment;")
    document, problems = sen2_check(xml.content)
    assert len(document.persons) == 2
    exported = AuditEvent.objects.filter(user=world.la_colleague, action=AuditEvent.Action.EXPORT)
    assert set(exported.values_list("learner_id", flat=True)) == {
        world.learner.pk,
        world.other_learner.pk,
    }
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(reverse("sen2:problems-csv", args=[YEAR])).content.decode())
        )
    )
    assert [r["rule"] for r in rows if r["kind"] == "error"] == ["D01"]
    assert rows[0]["fix at"].endswith(f"/learners/{world.other_learner.pk}/change/#upn_unknown")


@pytest.mark.parametrize("who", ["parent", "senco", "health"])
def test_people_outside_the_la_cannot_open_the_return(world, who) -> None:
    client = world.client_for(getattr(world, who))
    for url in (
        reverse("sen2:index"),
        reverse("sen2:return", args=[YEAR]),
        reverse("sen2:xml", args=[YEAR]),
        reverse("sen2:problems-csv", args=[YEAR]),
    ):
        assert client.get(url).status_code in {403, 404}


def test_a_year_with_no_census_date_is_not_found(world) -> None:
    client = world.client_for(world.la_colleague)
    assert client.get(reverse("sen2:return", args=[1999])).status_code == 404
    assert client.post(reverse("sen2:return", args=[YEAR])).status_code == 405


def test_the_annex_a_list_counts_this_academic_years_suspensions_and_exclusions(world) -> None:
    import datetime as dt

    from sendplan.casework.sen2.selectors import ANNEX_A_COLUMNS, annex_a_list
    from sendplan.learners.models import Exclusion, HomeEducation
    from sendplan.provision.models import Setting

    school = Setting.objects.order_by("pk").first()
    for started, kind, days in [
        (dt.date(2025, 8, 29), "suspension", 1),  # the academic year before: not counted
        (dt.date(2025, 9, 15), "suspension", 2),
        (dt.date(2025, 11, 3), "suspension", 1),
        (dt.date(2026, 1, 12), "permanent", None),
        (dt.date(2026, 2, 2), "suspension", 1),  # after the list's date: not counted
    ]:
        Exclusion.objects.create(
            learner=world.learner,
            kind=kind,
            started_on=started,
            school_days=days,
            setting=school,
            reason="PD",
        )
    HomeEducation.objects.create(
        learner=world.other_learner, started_on=dt.date(2025, 10, 1), ended_on=None
    )
    found = annex_a_list(fetched_by=world.la_colleague, on=dt.date(2026, 1, 15))
    by_id = {row[0]: dict(zip(ANNEX_A_COLUMNS, row, strict=True)) for row in found.rows}
    jamie, sam = by_id[str(world.learner.pk)], by_id[str(world.other_learner.pk)]
    assert (jamie["Suspensions"], jamie["Permanent exclusions"]) == ("2", "1")
    assert (jamie["Elective home education"], sam["Elective home education"]) == ("No", "Yes")
    assert (sam["Suspensions"], sam["Permanent exclusions"]) == ("0", "0")
    before = annex_a_list(fetched_by=world.la_colleague, on=dt.date(2025, 9, 1)).rows
    assert [
        dict(zip(ANNEX_A_COLUMNS, r, strict=True))["Elective home education"] for r in before
    ] == [
        "No",
        "No",
    ]


def test_the_annex_a_list_has_everyone_with_a_plan_in_force_once(world) -> None:
    import datetime as dt

    from sendplan.casework.sen2.selectors import ANNEX_A_COLUMNS, annex_a_list

    found = annex_a_list(fetched_by=world.la_colleague, on=dt.date(2026, 1, 15))
    assert sorted(found.learner_ids) == sorted([world.learner.pk, world.other_learner.pk])
    by_id = {row[0]: dict(zip(ANNEX_A_COLUMNS, row, strict=True)) for row in found.rows}
    jamie = by_id[str(world.learner.pk)]
    assert (jamie["UPN"], jamie["Primary need"], jamie["Secondary need"]) == (
        "F820200109001",
        "ASD",
        "SLCN",
    )
    assert jamie["Plan first issued"] == FINAL.isoformat()
    assert jamie["Setting"] == "Test Special School"
    # Before the plans were issued nobody is on it.
    assert annex_a_list(fetched_by=world.la_colleague, on=dt.date(2025, 5, 1)).rows == []
    response = world.client_for(world.la_colleague).get(reverse("sen2:annex-a"))
    assert response.status_code == 200
    assert response.content.decode().splitlines()[0].startswith("Person ID,Surname")
    assert (
        AuditEvent.objects.filter(
            user=world.la_colleague, action=AuditEvent.Action.EXPORT, detail="Annex A list"
        ).count()
        == 2
    )
    assert world.client_for(world.parent).get(reverse("sen2:annex-a")).status_code in {403, 404}
