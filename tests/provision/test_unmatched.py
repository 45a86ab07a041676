"""The commissioners' report: provision named in plans that matches no service in the Local
Offer, on hand-made plans (ADR 0143)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from sendplan.accounts.models import Organisation
from sendplan.casework.plans.models import Plan, PlanProvision, PlanVersion
from sendplan.provision.unmatched import unmatched_provision
from tests.factories import LearnerFactory, OrganisationFactory, SettingFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("provision:unmatched")
CSV = reverse("provision:unmatched-csv")


def _plan(learner, *, setting=None, versions=1, **fields):
    fields.setdefault("status", Plan.Status.MAINTAINED)
    plan = Plan.objects.create(learner=learner, issued_on=dt.date(2025, 1, 10), **fields)
    made = [
        PlanVersion.objects.create(
            plan=plan,
            number=n,
            status=PlanVersion.Status.ISSUED,
            issued_on=dt.date(2025, 1, 10),
            placement_setting=setting,
        )
        for n in range(1, versions + 1)
    ]
    return made[-1]


def _row(version, section, delivered_by, organisation=None):
    return PlanProvision.objects.create(
        version=version,
        section=section,
        what="Support",
        how_much="30 minutes",
        how_often="weekly",
        delivered_by=delivered_by,
        delivered_by_organisation=organisation,
    )


@pytest.fixture
def plans(cast):
    """Two plans in force in the cast's council, one in another council's, one ceased."""
    trust = OrganisationFactory(name="Riverside NHS Trust", kind=Organisation.Kind.HEALTH)
    school_org = cast.setting.organisation
    first = _plan(cast.learner, setting=cast.setting)
    _row(first, "F", "Class teacher and teaching assistant")  # section I: in the offer
    _row(first, "F", "Speech and language therapist", trust)  # named: not in the offer
    _row(first, "G", "Speech and language therapist", trust)
    _row(first, "G", "Occupational therapy (Acme Therapy Ltd)")  # words: not in the offer
    _row(first, "F", "SENCO", school_org)  # named organisation: a setting in the offer
    second = _plan(cast.other_learner, versions=2)  # no setting named in section I
    old = second.plan.versions.get(number=1)
    _row(old, "G", "An old provider")  # an earlier version: not read
    _row(second, "F", "Teaching assistant at Test Special School")  # words name a setting
    _row(second, "F", "Class teacher")  # section F, no setting in I, no one named
    _row(second, "G", "speech and language therapist", trust)
    _row(second, "H1", "Short breaks service")
    elsewhere = LearnerFactory(responsible_la=cast.other_la)
    _row(_plan(elsewhere), "G", "Another council's provider")
    ceased_learner = LearnerFactory(responsible_la=cast.la)
    ceased = _plan(
        ceased_learner,
        status=Plan.Status.CEASED,
        ceased_on=dt.date(2025, 6, 1),
        cease_reason=Plan._meta.get_field("cease_reason").choices[0][0],
    )
    _row(ceased, "G", "A ceased plan's provider")
    return trust


def test_the_report_counts_unmatched_rows_by_provider(cast, plans):
    report = unmatched_provision(fetched_by=cast.la_colleague)
    assert (report.rows_read, report.rows_matched, report.rows_unmatched) == (9, 3, 6)
    found = {u.provider: (u.rows, u.plans, dict(u.by_section)) for u in report.unmatched}
    assert found == {
        "Riverside NHS Trust": (3, 2, {"F": 1, "G": 2}),
        "Occupational therapy (Acme Therapy Ltd)": (1, 1, {"G": 1}),
        "Class teacher": (1, 1, {"F": 1}),
        "Short breaks service": (1, 1, {"H1": 1}),
    }
    assert report.unmatched[0].provider == "Riverside NHS Trust"  # most rows first
    assert report.unmatched[0].named_organisation


def test_adding_the_provider_to_the_register_matches_its_rows(cast, plans):
    SettingFactory(name="Riverside NHS Trust Children's Therapies", organisation=plans)
    report = unmatched_provision(fetched_by=cast.la_colleague)
    assert "Riverside NHS Trust" not in {u.provider for u in report.unmatched}
    assert report.rows_matched == 6


def test_the_page_lists_providers_and_no_learner(cast, plans):
    response = cast.client_for(cast.la_colleague).get(PAGE)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Riverside NHS Trust" in body and "Short breaks service" in body
    for learner in (cast.learner, cast.other_learner):
        assert learner.family_name not in body and learner.given_name not in body
    assert reverse("oruk:index") in body


def test_the_csv_has_the_same_figures(cast, plans):
    response = cast.client_for(cast.la_colleague).get(CSV)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Provider",
        "Named as",
        "Rows of provision",
        "Plans",
        "Section F rows",
        "Section G rows",
        "Section H1 rows",
        "Section H2 rows",
    ]
    assert rows[1] == ["Riverside NHS Trust", "Organisation", "3", "2", "1", "2", "0", "0"]
    assert len(rows) == 5


def test_only_la_staff_open_the_report(cast, plans):
    for user in (cast.senco, cast.health, cast.parent):
        assert cast.client_for(user).get(PAGE).status_code == 403
        assert cast.client_for(user).get(CSV).status_code == 403
    assert cast.client_for(cast.caseworker).get(PAGE).status_code == 200


def test_the_manager_home_links_to_the_report(cast):
    response = cast.client_for(cast.la_colleague).get(reverse("home"))
    assert PAGE in response.content.decode()
