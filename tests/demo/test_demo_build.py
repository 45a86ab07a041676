"""The demo partnership matches Lambeth's published caseload and its sign-ins see real cases.

The demo is built once for the module (committed, then deleted at the end); published figures
are read straight from the shared data here, independently of the code under test.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.test import override_settings
from django.utils import timezone

from sendplan.accounts.models import Organisation, Role, User
from sendplan.demo.build import build_demo, reset_demo
from sendplan.demo.calibration import LA_CODE
from sendplan.demo.setting_types import PLACEMENT_GROUPS, UNPLACED_GROUP, placement_group
from sendplan.engine import (
    HIGH_NEEDS,
    committed_spend,
    financial_year,
    nhs_number_problem,
    place,
    uln_problem,
    upn_problem,
)
from sendplan.learners.access import CONSULTED
from sendplan.learners.models import Involvement, Learner, Need, Placement
from sendplan.learners.selectors import learners_visible_to
from sendplan.planning.cohort import CohortDefinition, planning_date
from sendplan.planning.models import AreaPlanningSettings, PlanningRun
from sendplan.planning.runs import build_run_inputs, run_parameters
from sendplan.planning.stability import DEFAULT_MOVE_COST
from sendplan.provision.models import ProvisionStrand, Setting
from sendplan.sufficiency.models import CentralSpend, HighNeedsBudget
from sendplan.sufficiency.selectors import costed

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

SEED = 7
AGE_DAY = dt.date(2024, 8, 31)  # published ages are ages on this day (academic-year convention)
EXTRACT = Path("dfe-ehcp-sen2") / "lambeth_extract_2025"
NEED_COLUMNS = {
    "number_asd": "ASD", "number_hi": "HI", "number_mld": "MLD", "number_msi": "MSI",
    "number_oth": "OTH", "number_pd": "PD", "number_pmld": "PMLD", "number_semh": "SEMH",
    "number_slcn": "SLCN", "number_sld": "SLD", "number_spld": "SPLD", "number_vi": "VI",
}  # fmt: skip
AGE_BANDS = {
    "0-4": (0, 4),
    "5-10": (5, 10),
    "11-15": (11, 15),
    "16-19": (16, 19),
    "20-25": (20, 25),
}


def _lambeth_rows(filename: str, topic: str) -> list[dict[str, str]]:
    path = Path(settings.SHARED_DATA_DIR) / EXTRACT / filename
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [
            r
            for r in csv.DictReader(handle)
            if r["la_name"] == "Lambeth"
            and r["time_period"] == "202425"
            and r["breakdown_topic"] == topic
        ]


def _within_one_percent(actual: Counter[str], published: dict[str, int]) -> list[str]:
    return [
        f"{key}: built {actual.get(key, 0)}, published {count}"
        for key, count in published.items()
        if abs(actual.get(key, 0) - count) > 0.01 * count
    ]


def _age(date_of_birth: dt.date, on: dt.date = AGE_DAY) -> int:
    return (
        on.year
        - date_of_birth.year
        - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))
    )


def _fingerprint() -> str:
    rows = sorted(
        Learner.objects.filter(needs__rank=1)
        .values_list(
            "given_name", "family_name", "date_of_birth", "upn", "nhs_number", "needs__code",
            "placements__setting__name",
        )
        .order_by()
    )  # fmt: skip
    return hashlib.sha256(repr(rows).encode()).hexdigest()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        summary = build_demo(seed=SEED)
        yield summary, _fingerprint()
        reset_demo()


@pytest.fixture
def users(demo) -> dict[str, User]:
    return {u.username: u for u in User.objects.filter(username__startswith="demo.")}


def test_total_matches_the_published_lambeth_caseload(demo):
    published = int(_lambeth_rows("caseload.csv", "All EHC plans")[0]["ehcplans"])
    assert published == 3316
    assert abs(Learner.objects.count() - published) <= 0.01 * published


def test_counts_by_single_year_of_age_and_age_band_match_published(demo):
    published = {
        r["breakdown"].removeprefix("age "): int(r["ehcplans"])
        for r in _lambeth_rows("caseload.csv", "Child or young persons age")
    }
    published["2"] = published.pop("under 3")
    ages = Counter(str(_age(d)) for d in Learner.objects.values_list("date_of_birth", flat=True))
    assert _within_one_percent(ages, published) == []
    bands = {
        b: sum(published.get(str(a), 0) for a in range(lo, hi + 1))
        for b, (lo, hi) in AGE_BANDS.items()
    }
    built_bands = Counter(
        b
        for a, n in ages.items()
        for b, (lo, hi) in AGE_BANDS.items()
        if lo <= int(a) <= hi
        for _ in range(n)
    )
    assert _within_one_percent(built_bands, bands) == []


def test_counts_by_primary_need_match_published(demo):
    row = _lambeth_rows("sen_needs_all_plans.csv", "All EHC plans")[0]
    published = {code: int(row[column]) for column, code in NEED_COLUMNS.items()}
    built = Counter(Need.objects.filter(rank=1).values_list("code", flat=True))
    built["OTH"] += built.pop("DS", 0)  # DfE counts Down syndrome under OTH
    assert _within_one_percent(built, published) == []


def test_counts_by_setting_type_match_published(demo):
    row = _lambeth_rows("caseload.csv", "All EHC plans")[0]
    published = {
        group: sum(int(row[c]) for c in columns) for group, columns in PLACEMENT_GROUPS.items()
    }
    published[UNPLACED_GROUP] = int(row["ed_elsewhere"]) + int(row["placement_unknown"])
    built: Counter[str] = Counter(
        placement_group(etype, kind)
        for etype, kind in Placement.objects.filter(ended_on=None).values_list(
            "setting__establishment_type", "strand__kind"
        )
    )
    built[UNPLACED_GROUP] = Learner.objects.filter(placements=None).count()
    assert _within_one_percent(built, published) == []


def test_every_identifier_is_valid_and_in_a_safe_range(demo):
    # A provisional record (an online request not yet confirmed) has only what was asked.
    on_record = Learner.objects.filter(provisional=False)
    rows = list(on_record.values_list("upn", "nhs_number", "uln", "date_of_birth"))
    assert all(
        nhs and nhs_number_problem(nhs) is None and nhs.startswith("999") for _, nhs, _, _ in rows
    )
    school_age = [upn for upn, _, _, dob in rows if 5 <= _age(dob) <= 15]
    assert school_age and all(upn_problem(upn) is None and upn[1:4] == "208" for upn in school_age)
    assert all(upn_problem(u) is None for u, *_ in rows if u)
    assert all(uln_problem(u) is None for _, _, u, _ in rows if u)


def test_every_learner_has_exactly_one_primary_need_and_ranks_without_gaps(demo):
    ranks: dict[int, list[int]] = {}
    for learner, rank in Need.objects.values_list("learner", "rank"):
        ranks.setdefault(learner, []).append(rank)
    assert len(ranks) == Learner.objects.filter(provisional=False).count()
    assert all(sorted(r) == list(range(1, len(r) + 1)) for r in ranks.values())
    with_secondary = sum(len(r) > 1 for r in ranks.values())
    assert 0.3 * len(ranks) < with_secondary < 0.6 * len(ranks)


def test_placements_respect_age_range_and_strand_rolls_equal_placements(demo):
    placements = Placement.objects.select_related("learner", "strand")
    outside = [
        p
        for p in placements
        if not p.strand.min_age <= _age(p.learner.date_of_birth) <= p.strand.max_age
    ]
    # Only the published adults in mainstream schools (ages 20 to 22) fall outside.
    assert len(outside) <= 12
    assert all(_age(p.learner.date_of_birth) >= 20 for p in outside)
    placed = dict(
        Placement.objects.values("strand").annotate(n=Count("id")).values_list("strand", "n")
    )
    for strand in ProvisionStrand.objects.all():
        assert strand.on_roll == placed.get(strand.pk, 0)
        assert strand.capacity >= strand.on_roll


def test_settings_are_labelled_and_linked_to_organisations(demo):
    settings_qs = Setting.objects.all()
    assert settings_qs.filter(organisation=None).count() == 0
    assert Setting.objects.get(urn=100643).name.startswith("Turney")
    illustrative = settings_qs.filter(source=Setting.Source.ILLUSTRATIVE)
    assert illustrative.exists()
    assert all(s.name.endswith("(illustrative)") for s in illustrative)
    fees = ProvisionStrand.objects.filter(
        setting__establishment_type__contains="special school", annual_fee__isnull=False
    )
    assert fees.exists() and all(45_000 <= s.annual_fee <= 90_000 for s in fees)
    assert illustrative.filter(
        in_area=False, la_name__in=["Kent", "Surrey", "West Sussex", "East Sussex"]
    ).exists()
    lambeth = settings_qs.filter(source=Setting.Source.LA_OPEN_DATA)
    assert lambeth.count() >= 75
    assert all(51.40 < s.latitude < 51.52 and -0.16 < s.longitude < -0.06 for s in lambeth)
    assert ProvisionStrand.objects.filter(
        setting__source=Setting.Source.ESTIMATE, capacity_is_estimate=True
    ).exists()


@pytest.mark.parametrize(
    "username",
    ["demo.caseworker", "demo.commissioner", "demo.senco", "demo.health", "demo.socialworker",
     "demo.ep", "demo.parent", "demo.youngperson", "demo.admin"],
)  # fmt: skip
def test_each_demo_sign_in_sees_learners(users, username):
    assert learners_visible_to(fetched_by=users[username]).exists()


def test_parent_sees_exactly_their_own_children(users):
    parent = users["demo.parent"]
    own = set(
        Involvement.objects.filter(user=parent, kind=Involvement.Kind.PARENT).values_list(
            "learner", flat=True
        )
    )
    assert len(own) == 2
    assert set(learners_visible_to(fetched_by=parent).values_list("pk", flat=True)) == own


def test_senco_sees_learners_placed_at_their_school_and_those_it_is_consulted_on(users):
    senco = users["demo.senco"]
    school = senco.memberships.get(role=Role.SETTING_STAFF).organisation.setting
    visible = learners_visible_to(fetched_by=senco)
    assert visible.count() >= 10
    consulted = set(
        Involvement.objects.filter(
            organisation=school.organisation, reason=CONSULTED, ended_on=None
        ).values_list("learner", flat=True)
    )
    placed_elsewhere = Placement.objects.filter(learner__in=visible).exclude(setting=school)
    assert all(p.learner_id in consulted for p in placed_elsewhere)


def test_young_person_is_sixteen_or_over_and_sees_only_themself(users, demo):
    visible = list(learners_visible_to(fetched_by=users["demo.youngperson"]))
    assert len(visible) == 1 and _age(visible[0].date_of_birth, demo[0].as_at) >= 16
    assert (
        visible[0]
        .involvements.filter(kind=Involvement.Kind.YOUNG_PERSON, user__username="demo.youngperson")
        .exists()
    )


def test_caseworkers_share_every_learner_and_the_demo_caseworker_has_about_200(users):
    per_user = Counter(
        Involvement.objects.filter(kind=Involvement.Kind.CASEWORKER).values_list(
            "user__username", flat=True
        )
    )
    # A provisional record (the online request waiting) has no caseworker until confirmed.
    assert sum(per_user.values()) == Learner.objects.filter(provisional=False).count()
    assert 190 <= per_user["demo.caseworker"] <= 210
    assert len(per_user) == 12
    assert all(250 <= n <= 300 for u, n in per_user.items() if u != "demo.caseworker")


def test_practitioner_involvement_shares_are_plausible(demo):
    total = Learner.objects.count()
    share = {
        kind: Involvement.objects.filter(kind=kind).values("learner").distinct().count() / total
        for kind in ("health", "social_care", "ep")
    }
    assert 0.37 < share["health"] < 0.43
    assert 0.13 < share["social_care"] < 0.17
    assert 0.27 < share["ep"] < 0.33


def test_rebuilding_with_the_same_seed_gives_identical_learners(demo):
    _, first = demo
    build_demo(seed=SEED)
    assert _fingerprint() == first


def test_command_refuses_to_run_in_production():
    with override_settings(PRODUCTION=True), pytest.raises(CommandError, match="production"):
        call_command("demo")
    with override_settings(PRODUCTION=True), pytest.raises(RuntimeError):
        build_demo(seed=SEED)


def test_the_printed_sign_ins_name_a_triage_person_in_each_service(demo):
    summary, _ = demo
    printed = {s.username: s for s in summary.sign_ins}
    for username in ("demo.health02", "demo.camhs02", "demo.socialworker02", "demo.ep02"):
        assert printed[username].role.startswith("Advice triage (duty)"), username
        assert "assigns requests for advice to" in printed[username].sees
        assert " waiting" in printed[username].sees
    assert "assigns its requests for advice" in printed["demo.senco"].sees


def test_the_demo_placements_cost_money_and_the_budget_is_short(demo):
    summary, _ = demo
    la = Organisation.objects.get(code=LA_CODE, kind=Organisation.Kind.LOCAL_AUTHORITY)
    year = financial_year(summary.as_at)
    placements = Placement.objects.filter(learner__responsible_la=la).select_related(
        "strand", "setting"
    )
    ledger = committed_spend([costed(p) for p in placements], [year])
    budget = HighNeedsBudget.objects.get(la_code=LA_CODE, financial_year=year).amount
    placed = ledger.partner(HIGH_NEEDS, year)
    # Central lines (AP, hospital education, services) are about a fifth more (ADR 0146).
    central = sum(
        CentralSpend.objects.filter(la_code=LA_CODE, financial_year=year).values_list(
            "amount", flat=True
        )
    )
    assert 0.15 * placed < central < 0.25 * placed
    high_needs = placed + central
    # Tens of millions committed, the budget some 7 % short of placements and central lines.
    assert 20_000_000 < high_needs < 200_000_000
    assert 0.9 * high_needs < budget < 0.95 * high_needs
    assert ledger.partner("transport", year) > 0
    assert ledger.partner("health", year) > 0 and ledger.partner("social_care", year) > 0
    assert summary.counts["jointly funded placements"] > 0
    # The DSG deficit brought forward into the next year is this year's plus its overspend.
    rows = {b.financial_year: b for b in HighNeedsBudget.objects.filter(la_code=LA_CODE)}
    assert rows[year].deficit_brought_forward > 0
    if year + 1 in rows:
        assert rows[year + 1].deficit_brought_forward == (
            rows[year].deficit_brought_forward + round(high_needs) - budget
        )


def test_the_area_planning_run_moves_no_learner_settled_mid_phase(demo):
    # Issue 15: the demo's run proposed moving 86 % of the cohort, children mid-phase among
    # them. Learners who may not move (planning/stability.py) now keep their places.
    la = Learner.objects.values_list("responsible_la", flat=True).first()
    run = PlanningRun(
        la_id=la,
        cohort=CohortDefinition(on=planning_date(timezone.localdate())).to_json(),
        parameters={**run_parameters(AreaPlanningSettings()), "move_cost": DEFAULT_MOVE_COST},
    )
    inputs = build_run_inputs(run)
    fixed = np.flatnonzero(~inputs.problem.may_move)
    assert fixed.size and inputs.problem.may_move.any()
    result = place(inputs.problem, move_cost=DEFAULT_MOVE_COST)
    assert result.success
    assert (result.assignment[fixed] == inputs.problem.current[fixed]).all()
    assert (inputs.problem.current[fixed] >= 0).all()


def test_the_demo_commissioner_accepted_one_move_and_it_waits_on_the_plan(demo):
    # Issue 15: an accepted proposal is a proposed amendment of the plan, not a new placement.
    from sendplan.planning.models import Proposal

    run = PlanningRun.objects.get()
    assert run.status == PlanningRun.Status.DONE and run.requested_by.username == (
        "demo.commissioner"
    )
    accepted = Proposal.objects.get(decision=Proposal.Decision.ACCEPTED)
    assert accepted.reason_in_cohort == "phase_transfer"
    assert accepted.proposed_cost < accepted.current_cost
    draft = accepted.amendment
    assert draft.issued_on is None and draft.placement_strand_id == accepted.proposed_strand_id
    open_placement = Placement.objects.get(learner=accepted.learner, ended_on__isnull=True)
    assert open_placement.strand_id == accepted.current_strand_id != accepted.proposed_strand_id


def test_young_people_are_at_every_point_of_the_pathway_to_25(demo, users):
    from sendplan.pathway.models import AdulthoodProgress, Destination, Transition
    from sendplan.pathway.selectors import pathway_actions

    today = demo[0].as_at  # the demo's own date, not the clock's
    with_destinations = Learner.objects.filter(destinations__isnull=False).distinct()
    ages = {_age(d, today) for d in with_destinations.values_list("date_of_birth", flat=True)}
    assert set(range(14, 26)) <= ages
    assert Destination.objects.exclude(actual_kind="").exists()
    assert Destination.objects.filter(actual_kind="supported_internship").exists()
    assert AdulthoodProgress.objects.count() > 100
    assert Transition.objects.filter(care_act_completed_on__isnull=False).exists()
    assert pathway_actions(fetched_by=users["demo.caseworker"], today=today).care_act
    offers = set(Setting.objects.exclude(post16_offer="").values_list("post16_offer", flat=True))
    assert {"college", "specialist_post16", "supported_internship", "day_opportunities"} <= offers
    nido = Setting.objects.get(name="Nido Volans Lambeth")
    assert nido.post16_offer == "specialist_post16" and nido.strands.exists()


def test_the_demo_local_offer_feed_keeps_to_the_profile_and_names_no_one(demo, users):
    """Every service and organisation of the demo's Open Referral UK feed against our schema
    of the profile, and no learner's name in it (ADR 0143)."""
    import json
    import re

    from django.test import Client
    from django.urls import reverse
    from jsonschema import Draft202012Validator, FormatChecker

    from sendplan.provision.unmatched import unmatched_provision
    from tests.provision.oruk_schema import SCHEMAS

    client, text = Client(), ""
    for name in ("oruk:services", "oruk:organizations", "oruk:service-at-locations"):
        validator = Draft202012Validator(SCHEMAS[name], format_checker=FormatChecker())
        page, last = 1, False
        while not last:
            body = client.get(reverse(name), {"per_page": 200, "page": page}).json()
            assert body["total_items"] > 50
            assert [e.message for e in validator.iter_errors(body)][:3] == []
            text += json.dumps(body, ensure_ascii=False)
            page, last = page + 1, body["last_page"]
    words = re.findall(r"[\w'-]+", text)
    pairs = set(zip(words, words[1:], strict=False))
    named = [
        (given, family)
        for given, family in Learner.objects.values_list("given_name", "family_name")
        if (given, family) in pairs
    ]
    assert named == []
    report = unmatched_provision(fetched_by=users["demo.commissioner"])
    assert report.rows_read > 100 and report.rows_matched > 0
    # The services the demo's organisations provide are listed (ADR 0147): the community
    # health services' therapy rows match, and the advice service is in the feed.
    assert "SEND information, advice and support service (demo)" in text
    assert "Lambeth children's community health services (demo)" not in {
        u.provider for u in report.unmatched
    }


def test_the_demo_caseworker_sees_suspensions_an_exclusion_and_home_education(demo, users):
    from sendplan.learners.models import Exclusion, HomeEducation
    from sendplan.learners.selectors import learner_record

    as_at = demo[0].as_at  # the demo's own day, not the clock's
    suspensions = Exclusion.objects.filter(kind=Exclusion.Kind.SUSPENSION)
    assert suspensions.count() == 5
    assert suspensions.values("learner").distinct().count() == 4
    permanent = Exclusion.objects.get(kind=Exclusion.Kind.PERMANENT)
    assert permanent.setting.kind == Setting.Kind.MAINSTREAM
    periods = HomeEducation.objects.order_by("started_on")
    assert 1 <= periods.count() <= 2 and periods[0].ended_on is not None
    rows = [*Exclusion.objects.all(), *periods]
    assert all(r.started_on < as_at and r.started_on.weekday() < 5 for r in rows)
    assert all(r.history.count() == 1 for r in rows)
    # On the caseworker's record of the learner, as the page shows it.
    caseworker = users["demo.caseworker"]
    record = learner_record(learner=permanent.learner, viewer=caseworker, today=as_at)
    assert permanent in record["exclusions"]
