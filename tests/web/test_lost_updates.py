"""No lost updates: every form that changes shared data refuses a stale save, says who saved
in between and when, and shows the user what they typed.

Walked over the whole URL resolver and every step of the case page: each page is either in
:data:`EDIT_FORMS`, with how a colleague's save gets in between, or in :data:`NOT_EDITS` with
the reason it cannot overwrite anyone's change. A new edit form that is in neither fails here,
and one without the lock check fails the walk.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db.models import F
from django.urls import reverse

from sendplan.accounts.models import Role
from sendplan.casework.advice import services as advice_services
from sendplan.casework.disputes import services as dispute_services
from sendplan.casework.disputes.models import Mediation, Tribunal
from sendplan.casework.plans import services as plan_services
from sendplan.casework.plans.models import PlanVersion
from sendplan.casework.reviews import services as review_services
from sendplan.casework.reviews import setting_services
from sendplan.casework.reviews.models import Review
from sendplan.casework.steps import CASE_PAGE_STEPS
from sendplan.delivery.models import Commitment, DeliveryEntry
from sendplan.delivery.services import WeekInput, commitment_quantify, delivery_record
from sendplan.learners.models import Exclusion, HomeEducation, Involvement, Learner
from sendplan.learners.services import exclusion_change, home_education_change, learner_update
from sendplan.pathway import services as pathway_services
from sendplan.pathway.models import OUTCOME_FIELDS, AdulthoodProgress, Destination, Transition
from sendplan.planning.models import AreaPlanningSettings, CandidateSite
from sendplan.planning.services import area_settings_update, candidate_site_save
from sendplan.provision import services as provision_services
from sendplan.provision.models import LocalService, ProvisionStrand
from sendplan.sufficiency import services as sufficiency_services
from sendplan.sufficiency.models import Assumptions, CentralSpend, HighNeedsBudget, Scenario
from tests.casework.conftest import at
from tests.factories import InvolvementFactory, MembershipFactory, UserFactory
from tests.web.test_audit_by_construction import (
    ON,
    World,
    _adulthood,
    _candidate_site,
    _exclusion,
    _home_education,
    _local_service,
    _world,
)
from tests.web.test_url_access import _routes

pytestmark = pytest.mark.django_db

LOCK_INPUT = re.compile(r'name="(lock|expected_lock)"[^>]*value="(\d*)"')


def _date(name: str, day: dt.date) -> dict[str, str]:
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


def _draft(plan: Any) -> PlanVersion:
    return PlanVersion.objects.get(plan=plan, status=PlanVersion.Status.DRAFT)


def _colleague_writes_section_a(w: World, plan: Any) -> None:
    draft = _draft(plan)
    plan_services.plan_version_update(
        version_id=draft.pk,
        expected_lock=draft.lock,
        changed_by=w.cast.la_colleague,
        views="A colleague's words.",
    )


def _central(w: World) -> CentralSpend:
    found = CentralSpend.objects.filter(partner="Hospital school").first()
    return found or sufficiency_services.central_spend_save(
        changed_by=w.cast.la_colleague,
        data={
            "financial_year": ON.year,
            "line": "hospital",
            "partner": "Hospital school",
            "amount": 500_000,
        },
    )


def _scenario(w: World) -> Scenario:
    found = Scenario.objects.filter(name="More ASD places").first()
    return found or sufficiency_services.scenario_save(
        changed_by=w.cast.la_colleague,
        data={"name": "More ASD places", "special_places": 20, "start_year": 2027},
        expected_lock=0,
    )


def _parts(w: World) -> list[Scenario]:
    """Three scenarios; a combination takes the first two."""
    found = list(Scenario.objects.filter(name__startswith="Part ").order_by("name"))
    return found or [
        sufficiency_services.scenario_save(
            changed_by=w.cast.la_colleague,
            data={"name": f"Part {n}", "special_places": n, "start_year": 2027},
            expected_lock=0,
        )
        for n in (1, 2, 3)
    ]


def _combination(w: World) -> Scenario:
    found = Scenario.objects.filter(name="Parts 1 and 2").first()
    return found or sufficiency_services.scenario_combine(
        changed_by=w.cast.la_colleague,
        name="Parts 1 and 2",
        part_pks=[p.pk for p in _parts(w)[:2]],
    )


def _combines(w: World) -> set[str]:
    return {p.name for p in _combination(w).combines.all()}


def _senco_corrects_the_exclusion(w: World) -> None:
    """The school's SENCO puts the reason right (ADR 0145)."""
    row = Exclusion.objects.get(pk=_exclusion(w))
    exclusion_change(
        exclusion_id=row.pk,
        expected_lock=row.lock,
        kind=row.kind,
        started_on=row.started_on,
        school_days=row.school_days,
        setting=row.setting,
        reason=Exclusion.Reason.THEFT,
        by=w.cast.senco,
    )


def _admin_ends_home_education(w: World) -> None:
    """An LA administrator records that the period has ended (ADR 0145)."""
    w.cast.la_admin = MembershipFactory(
        user=UserFactory(username="la-admin"), organisation=w.cast.la, role=Role.ADMIN
    ).user
    row = HomeEducation.objects.get(pk=_home_education(w))
    home_education_change(
        period_id=row.pk,
        expected_lock=row.lock,
        started_on=row.started_on,
        ended_on=ON,
        by=w.cast.la_admin,
    )


@dataclass(frozen=True)
class EditForm:
    """A form that changes shared data.

    ``url`` is the page; ``typed`` what the user types there (its hidden lock comes from the
    page as read); ``between`` a colleague's save after the user opened the page; ``kept`` is
    true while the colleague's change is still what is saved; ``shown`` is a typed value the
    refused page must show again ("" where the form has nothing to type).
    """

    who: str
    url: Callable[[World], str]
    typed: Callable[[World], dict[str, Any]]
    between: Callable[[World], None]
    kept: Callable[[World], bool]
    shown: str
    colleague: str = "la_colleague"


def _case_step(slug: str, *, item: str) -> Callable[[World], str]:
    def url(w: World) -> str:
        if item == "mediation":
            return reverse("casework:action-item", args=[w.issued_case.pk, slug, w.mediation.pk])
        appeal = Tribunal.objects.get(case=w.issued_case)
        return reverse("casework:action-item", args=[w.issued_case.pk, slug, appeal.pk])

    return url


def _appeal(w: World) -> Tribunal:
    found = Tribunal.objects.filter(case=w.issued_case).first()
    return found or dispute_services.tribunal_record(
        case_id=w.issued_case.pk,
        about="plan_contents",
        registered_on=ON,
        changed_by=w.cast.caseworker,
    )


def _open_review(w: World) -> Review:
    return Review.objects.get(plan=w.issued_plan, decided_on__isnull=True)


def _colleague_notes_advice(w: World) -> None:
    setting_services.review_advice_record(
        review_id=w.review.pk,
        requested_on=ON,
        advice_from="The colleague's list",
        changed_by=w.cast.la_colleague,
        expected_lock=_open_review(w).lock,
    )


def _review_form(slug: str, typed: Callable[[World], dict[str, Any]], shown: str) -> EditForm:
    """A step of the review the setting convenes: a colleague at the setting (here the
    LA colleague, any writer will do) records the advice in between."""
    return EditForm(
        "senco",
        lambda w: reverse(f"casework:{slug}", args=[w.issued_plan.pk, w.review.pk]),
        typed,
        _colleague_notes_advice,
        lambda w: _open_review(w).advice_from == "The colleague's list",
        shown,
    )


def _local_service_form(w: World, **changes: Any) -> dict[str, Any]:
    row = LocalService.objects.get(pk=_local_service(w))
    return {
        "name": row.name,
        "organisation": row.organisation_id,
        "kind": row.kind,
        "description": row.description,
        "min_age": row.min_age,
        "max_age": row.max_age,
        "access": row.access,
        "email": row.email,
        "active": "on",
        **changes,
    }


def _sen_unit(w: World) -> ProvisionStrand:
    """A SEN unit at the cast's setting, to become an inclusion base (ADR 0148)."""
    unit, _ = ProvisionStrand.objects.get_or_create(
        setting=w.cast.setting,
        kind=ProvisionStrand.Kind.SEN_UNIT,
        defaults={"min_age": 4, "max_age": 11, "capacity": 10},
    )
    return unit


def _import_changes_the_unit(w: World) -> None:
    """What the GIAS import does to a strand: new figures, a new lock, who ran it."""
    ProvisionStrand.objects.filter(pk=_sen_unit(w).pk).update(
        capacity=14, lock=F("lock") + 1, modified_by=w.cast.la_colleague
    )


#: Every form that changes shared data, by route name (and step, for the case page).
EDIT_FORMS: dict[str, EditForm] = {
    "casework:review-invite": _review_form(
        "review-invite",
        lambda w: {
            **_date("meeting_on", ON + dt.timedelta(days=41)),
            **_date("sent_on", ON),
            "involvement_ids": [w.cast.other_learner.involvements.get(kind="parent").pk],
        },
        'value="' + str((ON + dt.timedelta(days=41)).day) + '"',
    ),
    "casework:review-advice": _review_form(
        "review-advice",
        lambda w: {**_date("requested_on", ON), "advice_from": "Typed: the therapist"},
        "Typed: the therapist",
    ),
    "casework:review-views": _review_form(
        "review-views",
        lambda w: {"how": "symbols", "words": "Typed: I like maths", **_date("gathered_on", ON)},
        "Typed: I like maths",
    ),
    "casework:review-held": _review_form(
        "review-held",
        lambda w: _date("meeting_on", ON - dt.timedelta(days=3)),
        'value="' + str((ON - dt.timedelta(days=3)).day) + '"',
    ),
    "casework:review-report-send": _review_form(
        "review-report-send",
        lambda w: {
            "summary": "Typed: good progress",
            "recommendation": "maintain",
            **_date("sent_on", ON),
            "confirm": "yes",
        },
        "Typed: good progress",
    ),
    "learners:change": EditForm(
        "caseworker",
        lambda w: reverse("learners:change", args=[w.cast.learner.pk]),
        lambda w: {
            "given_name": w.cast.learner.given_name,
            "family_name": w.cast.learner.family_name,
            **_date("date_of_birth", w.cast.learner.date_of_birth),
            "sex": w.cast.learner.sex,
            "upn": w.cast.learner.upn,
            "uln": w.cast.learner.uln,
            "nhs_number": w.cast.learner.nhs_number,
            "postcode": "SE11 5QY",
            "lsoa_code": w.cast.learner.lsoa_code,
        },
        lambda w: learner_update(
            learner_id=w.cast.learner.pk,
            expected_lock=Learner.objects.get(pk=w.cast.learner.pk).lock,
            changed_by=w.cast.la_colleague,  # the SEND manager corrects an item of the return
            changes={"ethnicity": "WBRI"},
        ),
        lambda w: Learner.objects.get(pk=w.cast.learner.pk).ethnicity == "WBRI",
        "SE11 5QY",
    ),
    "planning:settings": EditForm(
        "caseworker",
        lambda w: reverse("planning:settings"),
        lambda w: {"cost_per_km": "777", "unplaced_cost": "75000", "max_km": "30", "new_plan_months": "12", "independent_review": "on"},
        lambda w: area_settings_update(
            la=w.cast.la,
            changed_by=w.cast.la_colleague,
            expected_lock=0,
            cost_per_km=500,
            unplaced_cost=75_000,
            max_km=30,
        ),
        lambda w: AreaPlanningSettings.objects.get(la=w.cast.la).cost_per_km == 500,
        "777",
    ),
    "planning:candidate-edit": EditForm(
        "la_colleague",
        lambda w: reverse("planning:candidate-edit", args=[_candidate_site(w)]),
        lambda w: {
            "name": "My typed site", "kind": "resourced_base", "host_setting": w.cast.setting.pk,
            "min_age": "11", "max_age": "19", "block_places": "4", "max_blocks": "2",
            "capital_per_block": "300000", "annual_cost_per_place": "30000", "is_active": "on",
        },
        lambda w: candidate_site_save(
            la=w.cast.la,
            changed_by=w.cast.caseworker,
            expected_lock=CandidateSite.objects.get(pk=_candidate_site(w)).lock,
            pk=_candidate_site(w),
            name="The colleague's site",
        ),
        lambda w: CandidateSite.objects.get(pk=_candidate_site(w)).name == "The colleague's site",
        "My typed site",
        colleague="caseworker",
    ),
    "sufficiency:assumptions": EditForm(
        "caseworker",
        lambda w: reverse("sufficiency:assumptions"),
        lambda w: (
            {
                name: str(Assumptions._meta.get_field(name).default)
                for name in [
                    "place_funding_special",
                    "place_funding_unit",
                    "top_up_mainstream",
                    "top_up_resourced",
                    "top_up_special",
                    "top_up_fe",
                    "independent_fee",
                    "transport_per_learner",
                ]
            }
            | {"other_cost": "4321", "growth_override_pct": "", "central_uplift_pct": "2.0"}
        ),
        lambda w: sufficiency_services.assumptions_update(
            changed_by=w.cast.la_colleague, expected_lock=0, data={"other_cost": 9_100}
        ),
        lambda w: Assumptions.objects.get().other_cost == 9_100,
        "4321",
    ),
    "sufficiency:budget": EditForm(
        "caseworker",
        lambda w: reverse("sufficiency:budget", args=[ON.year]),
        lambda w: {"amount": "4321000"},
        lambda w: sufficiency_services.budget_save(
            changed_by=w.cast.la_colleague,
            financial_year=ON.year,
            amount=9_100_000,
            expected_lock=0,
        ),
        lambda w: HighNeedsBudget.objects.get().amount == 9_100_000,
        "4321000",
    ),
    "sufficiency:central-edit": EditForm(
        "caseworker",
        lambda w: reverse("sufficiency:central-edit", args=[_central(w).pk]),
        lambda w: {
            "financial_year": str(ON.year),
            "line": "hospital",
            "partner": "Hospital school",
            "amount": "4321",
        },
        lambda w: sufficiency_services.central_spend_save(
            changed_by=w.cast.la_colleague,
            data={"amount": 9_100},
            pk=_central(w).pk,
            expected_lock=_central(w).lock,
        ),
        lambda w: CentralSpend.objects.get().amount == 9_100,
        "4321",
    ),
    "sufficiency:scenario-parts": EditForm(
        "caseworker",
        lambda w: reverse("sufficiency:scenario-parts", args=[_combination(w).pk]),
        lambda w: {"parts": [str(_parts(w)[0].pk), str(_parts(w)[2].pk)]},
        lambda w: sufficiency_services.scenario_parts_change(
            changed_by=w.cast.la_colleague,
            pk=_combination(w).pk,
            part_pks=[p.pk for p in _parts(w)[1:]],
            expected_lock=_combination(w).lock,
        ),
        lambda w: _combines(w) == {"Part 2", "Part 3"},
        "",
    ),
    "sufficiency:scenario-edit": EditForm(
        "caseworker",
        lambda w: reverse("sufficiency:scenario-edit", args=[_scenario(w).pk]),
        lambda w: {"name": "Typed name", "special_places": "30", "start_year": "2028"},
        lambda w: sufficiency_services.scenario_save(
            changed_by=w.cast.la_colleague,
            data={"name": "A colleague's name"},
            pk=_scenario(w).pk,
            expected_lock=_scenario(w).lock,
        ),
        lambda w: Scenario.objects.get().name == "A colleague's name",
        "Typed name",
    ),
    "casework:plan-draft-section": EditForm(
        "caseworker",
        lambda w: reverse("casework:plan-draft-section", args=[w.plan.pk, "A"]),
        lambda w: {"views": "Typed views.", "interests": "", "aspirations": ""},
        lambda w: _colleague_writes_section_a(w, w.plan),
        lambda w: _draft(w.plan).views == "A colleague's words.",
        "Typed views.",
    ),
    "casework:plan-draft-row-add": EditForm(
        "caseworker",
        lambda w: reverse("casework:plan-draft-row-add", args=[w.plan.pk, "B"]),
        lambda w: {"text": "A typed need."},
        lambda w: _colleague_writes_section_a(w, w.plan),
        lambda w: not _draft(w.plan).needs.filter(text="A typed need.").exists(),
        "A typed need.",
    ),
    "casework:plan-draft-row": EditForm(
        "caseworker",
        lambda w: reverse("casework:plan-draft-row", args=[w.plan.pk, "B", w.need_row.pk]),
        lambda w: {"text": "A typed change to the need."},
        lambda w: _colleague_writes_section_a(w, w.plan),
        lambda w: not _draft(w.plan).needs.filter(text="A typed change to the need.").exists(),
        "A typed change to the need.",
    ),
    "casework:plan-draft-row-remove": EditForm(
        "caseworker",
        lambda w: reverse("casework:plan-draft-row-remove", args=[w.plan.pk, "B", w.need_row.pk]),
        lambda w: {},
        lambda w: _colleague_writes_section_a(w, w.plan),
        lambda w: _draft(w.plan).needs.filter(pk=w.need_row.pk).exists(),
        "",
    ),
    "casework:plan-draft-no-provision": EditForm(
        "caseworker",
        lambda w: reverse("casework:plan-draft-no-provision", args=[w.plan.pk, "C"]),
        lambda w: {"reason": "The health advice says nothing is needed."},
        lambda w: _colleague_writes_section_a(w, w.plan),
        lambda w: _draft(w.plan).views == "A colleague's words.",
        "The health advice says nothing is needed.",
    ),
    "casework:plan-issue": EditForm(
        "caseworker",
        lambda w: reverse("casework:plan-issue", args=[w.issued_plan.pk]),
        lambda w: _date("issued_on", ON),
        lambda w: _colleague_writes_section_a(w, w.issued_plan),
        lambda w: _draft(w.issued_plan).views == "A colleague's words.",
        "",
    ),
    "casework:plan-amendment-send": EditForm(
        "caseworker",
        lambda w: reverse("casework:plan-amendment-send", args=[w.issued_plan.pk]),
        lambda w: _date("proposed_on", ON),
        lambda w: _colleague_writes_section_a(w, w.issued_plan),
        lambda w: _draft(w.issued_plan).views == "A colleague's words.",
        "",
    ),
    "casework:action-item:mediation": EditForm(
        "caseworker",
        _case_step("mediation", item="mediation"),
        lambda w: {
            "about": "plan_contents",
            **_date("adviser_contacted_on", ON),
            "notes": "Typed notes.",
        },
        lambda w: dispute_services.mediation_record(
            case_id=w.issued_case.pk,
            mediation_id=w.mediation.pk,
            expected_lock=Mediation.objects.get(pk=w.mediation.pk).lock,
            about="plan_contents",
            adviser_contacted_on=ON,
            notes="A colleague's notes.",
            changed_by=w.cast.la_colleague,
        ),
        lambda w: Mediation.objects.get(pk=w.mediation.pk).notes == "A colleague's notes.",
        "Typed notes.",
    ),
    "casework:action-item:tribunal": EditForm(
        "caseworker",
        _case_step("tribunal", item="appeal"),
        lambda w: {"about": "plan_contents", **_date("registered_on", ON - dt.timedelta(days=3))},
        lambda w: dispute_services.tribunal_record(
            case_id=w.issued_case.pk,
            appeal_id=_appeal(w).pk,
            expected_lock=_appeal(w).lock,
            about="plan_contents",
            registered_on=ON - dt.timedelta(days=1),
            changed_by=w.cast.la_colleague,
        ),
        lambda w: _appeal(w).registered_on == ON - dt.timedelta(days=1),
        'value="' + str((ON - dt.timedelta(days=3)).day) + '"',
    ),
    "casework:review-schedule": EditForm(
        "caseworker",
        lambda w: reverse("casework:review-schedule", args=[w.issued_plan.pk]),
        lambda w: {
            **_date("meeting_on", ON + dt.timedelta(days=40)),
            **_date("invitations_sent_on", ON),
        },
        lambda w: review_services.review_schedule(
            plan_id=w.issued_plan.pk,
            changed_by=w.cast.la_colleague,
            meeting_on=ON + dt.timedelta(days=20),
            invitations_sent_on=ON,
            expected_lock=_open_review(w).lock,
        ),
        lambda w: _open_review(w).meeting_on == ON + dt.timedelta(days=20),
        'value="' + str((ON + dt.timedelta(days=40)).day) + '"',
    ),
    "casework:review-meeting": EditForm(
        "caseworker",
        lambda w: reverse("casework:review-meeting", args=[w.issued_plan.pk, w.review.pk]),
        lambda w: {**_date("meeting_on", ON), **_date("invitations_sent_on", ON)},
        lambda w: review_services.review_schedule(
            plan_id=w.issued_plan.pk,
            changed_by=w.cast.la_colleague,
            meeting_on=ON + dt.timedelta(days=20),
            invitations_sent_on=ON,
            expected_lock=_open_review(w).lock,
        ),
        lambda w: _open_review(w).meeting_on == ON + dt.timedelta(days=20),
        'value="' + str(ON.day) + '"',
    ),
    "provision:local-service-edit": EditForm(
        "caseworker",
        lambda w: reverse("provision:local-service-edit", args=[_local_service(w)]),
        lambda w: _local_service_form(w, name="My typed service"),
        lambda w: provision_services.local_service_save(
            changed_by=w.cast.la_colleague,
            expected_lock=LocalService.objects.get(pk=_local_service(w)).lock,
            pk=_local_service(w),
            name="The colleague's service",
        ),
        lambda w: LocalService.objects.get(pk=_local_service(w)).name == "The colleague's service",
        "My typed service",
    ),
    "provision:strand-convert": EditForm(
        "caseworker",
        lambda w: reverse("provision:strand-convert", args=[_sen_unit(w).pk]),
        lambda w: {},
        _import_changes_the_unit,
        lambda w: _sen_unit(w).capacity == 14,
        "",
    ),
    "pathway:destination": EditForm(
        "caseworker",
        lambda w: reverse("pathway:destination", args=[w.cast.learner.pk, "at_16"]),
        lambda w: {"planned_kind": "college", "note": "My typed note.", "actual_kind": ""},
        lambda w: pathway_services.destination_record(
            learner_id=w.cast.learner.pk,
            stage="at_16",
            changed_by=w.cast.la_colleague,
            expected_lock=0,
            planned_kind="supported_internship",
        ),
        lambda w: (
            Destination.objects.get(learner=w.cast.learner).planned_kind == "supported_internship"
        ),
        "My typed note.",
    ),
    "pathway:transition": EditForm(
        "caseworker",
        lambda w: reverse("pathway:transition", args=[w.cast.learner.pk]),
        lambda w: {
            "likely_needs_adult_care": "yes",
            "health_transition": "planned",
            "adult_health_lead": "My typed lead",
        },
        lambda w: pathway_services.transition_record(
            learner_id=w.cast.learner.pk,
            changed_by=w.cast.la_colleague,
            expected_lock=0,
            likely_needs_adult_care=False,
            adult_health_lead="A colleague's lead",
        ),
        lambda w: (
            Transition.objects.get(learner=w.cast.learner).adult_health_lead == "A colleague's lead"
        ),
        "My typed lead",
    ),
    "pathway:review": EditForm(
        "caseworker",
        lambda w: reverse("pathway:review", args=[w.issued_plan.pk, _adulthood(w)]),
        lambda w: {
            **{f"{o}_progress": "emerging" for o in OUTCOME_FIELDS},
            "employment_note": "My typed words.",
        },
        lambda w: pathway_services.adulthood_progress_record(
            review_id=w.review.pk,
            progress=dict.fromkeys(OUTCOME_FIELDS, ("achieved", "A colleague's words.")),
            changed_by=w.cast.la_colleague,
            expected_lock=0,
        ),
        lambda w: AdulthoodProgress.objects.get(review=w.review).employment_progress == "achieved",
        "My typed words.",
    ),
    "casework:advice-detail": EditForm(
        "health",
        lambda w: reverse("casework:advice-detail", args=[w.advice.pk]),
        lambda w: {"action": "save", "section_C": "My typed advice.", "summary": ""},
        lambda w: advice_services.advice_draft_save(
            advice_request_id=w.advice.pk,
            changed_by=w.cast.health,  # in another window
            sections={"C": "A colleague's advice."},
            expected_lock=type(w.advice).objects.get(pk=w.advice.pk).lock,
        ),
        lambda w: (
            type(w.advice).objects.get(pk=w.advice.pk).draft["sections"]["C"]
            == "A colleague's advice."
        ),
        "My typed advice.",
        colleague="health",
    ),
    "casework:family-views": EditForm(
        "parent",
        lambda w: reverse("casework:family-views", args=[w.case.pk, 1]),
        lambda w: {"text": "What we typed."},
        lambda w: _colleague_writes_section_a(w, w.plan),
        lambda w: _draft(w.plan).views == "A colleague's words.",
        "What we typed.",
    ),
    "delivery:week": EditForm(
        "senco",
        lambda w: reverse("delivery:week", args=[_recorded_by_senco(w).pk, WEEK.isoformat()]),
        lambda w: {"due": "yes", "delivered_minutes": "33", "missed_minutes": "12",
                   "missed_reason": "learner_absent", "note": "What we typed."},
        lambda w: delivery_record(
            commitment_id=_recorded_by_senco(w).pk,
            week=WeekInput(WEEK, True, 45, 0, "", "A colleague's week."),
            expected_lock=0,
            changed_by=w.cast.senco,
            today=ON,
        ),
        lambda w: DeliveryEntry.objects.get(week_starting=WEEK).note == "A colleague's week.",
        "What we typed.",
        colleague="senco",
    ),
    "delivery:quantify": EditForm(
        "caseworker",
        lambda w: reverse("delivery:quantify", args=[_recorded_by_senco(w).pk]),
        lambda w: {"minutes_per_session": "777", "sessions": "2", "period": "week"},
        lambda w: commitment_quantify(
            commitment_id=_recorded_by_senco(w).pk,
            expected_lock=Commitment.objects.get(pk=_recorded_by_senco(w).pk).lock,
            minutes_per_session=50,
            sessions=1,
            period="term",
            changed_by=w.cast.caseworker,
        ),
        lambda w: Commitment.objects.get(pk=_recorded_by_senco(w).pk).period == "term",
        "777",
        colleague="caseworker",
    ),
    "learners:exclusion-change": EditForm(
        "caseworker",
        lambda w: reverse("learners:exclusion-change", args=[w.cast.learner.pk, _exclusion(w)]),
        lambda w: {
            "kind": "suspension",
            **_date("started_on", ON - dt.timedelta(days=20)),
            "school_days": "7",
            "setting": w.cast.setting.pk,
            "reason": "DM",
        },
        _senco_corrects_the_exclusion,
        lambda w: Exclusion.objects.get(pk=_exclusion(w)).reason == "TH",
        'value="7"',
        colleague="senco",
    ),
    "learners:exclusion-remove": EditForm(
        "caseworker",
        lambda w: reverse("learners:exclusion-remove", args=[w.cast.learner.pk, _exclusion(w)]),
        lambda w: {},
        _senco_corrects_the_exclusion,
        lambda w: Exclusion.objects.filter(pk=_exclusion(w), reason="TH").exists(),
        "",
        colleague="senco",
    ),
    "learners:home-education-change": EditForm(
        "caseworker",
        lambda w: reverse(
            "learners:home-education-change", args=[w.cast.learner.pk, _home_education(w)]
        ),
        lambda w: {
            **_date("started_on", ON - dt.timedelta(days=10)),
            **_date("notified_on", dt.date(2024, 12, 27)),
        },
        _admin_ends_home_education,
        lambda w: HomeEducation.objects.get(pk=_home_education(w)).ended_on == ON,
        'value="27"',
        colleague="la_admin",
    ),
    "learners:home-education-remove": EditForm(
        "caseworker",
        lambda w: reverse(
            "learners:home-education-remove", args=[w.cast.learner.pk, _home_education(w)]
        ),
        lambda w: {},
        _admin_ends_home_education,
        lambda w: HomeEducation.objects.filter(pk=_home_education(w), ended_on=ON).exists(),
        "",
        colleague="la_admin",
    ),
}  # fmt: skip

#: A complete week before ``ON`` in which the issued plan was in force.
WEEK = dt.date(2025, 5, 26)


def _recorded_by_senco(w: World) -> Commitment:
    """The issued plan's row, delivered by the cast's school, whose SENCO sees the learner
    through a setting involvement; its caseworker may quantify it."""
    commitment = w.issued_plan.commitments.order_by("pk").first()
    school = w.cast.senco.memberships.get().organisation
    if commitment.organisation_id != school.pk:
        Commitment.objects.filter(pk=commitment.pk).update(organisation=school)
        InvolvementFactory(
            learner=w.cast.other_learner,
            kind=Involvement.Kind.SETTING,
            organisation=school,
            started_on=dt.date(2024, 1, 1),
        )
        InvolvementFactory(learner=w.cast.other_learner, kind=Involvement.Kind.CASEWORKER,
                           organisation=w.cast.la, user=w.cast.caseworker,
                           started_on=dt.date(2024, 1, 1))  # fmt: skip
        commitment.refresh_from_db()
    return commitment


#: Pages that change nothing another person edits, and why.
NOT_EDITS: dict[str, str] = {
    "home": "reads",
    "delivery:mine": "reads",
    "delivery:upload": "replaces whole weeks, moving each one's lock on so an open form is refused",
    "delivery:upload-template": "reads",
    "delivery:quantify-list": "reads",
    "delivery:dashboard": "reads",
    "delivery:dashboard-csv": "reads",
    "delivery:commitment": "reads",
    "delivery:week-choose": "chooses a week to open; saves nothing",
    "casework:request-start": "starts a new request in the requester's own session",
    "casework:request-step": "answers kept in the requester's own session until sent",
    "casework:request-check": "sends a new request: creates, never overwrites",
    "casework:request-sent": "reads",
    "casework:request-confirm": "one-way: a second confirmation is refused, not applied",
    "casework:request-record": "adds a request; one open case per learner is a constraint",
    "accessibility": "reads",
    "privacy": "reads",
    "casework:caseload": "reads",
    "casework:consultations": "reads",
    "casework:consultation": "answers once: a second answer is refused",
    "casework:advice-assign": "assigns once: reassigning a request someone has is refused",
    "documents:download": "reads",
    "documents:upload": "adds a new document",
    "learners:record": "reads",
    "learners:list": "reads (search by POST changes nothing)",
    "learners:accesses": "reads",
    "learners:exclusion-add": "adds a new suspension or exclusion; none is ever changed",
    "learners:home-education-add": "adds a new period; an overlapping one is refused",
    "learners:accesses-csv": "reads",
    "provision:register": "reads",
    "provision:setting": "reads",
    "provision:unmatched": "reads",
    "provision:unmatched-csv": "reads",
    "provision:local-services": "reads",
    "provision:local-service": "reads",
    "provision:local-service-add": "adds a new local service: creates, never overwrites",
    "provision:strand": "reads",
    **{
        f"oruk:{name}": "reads: the open data feed takes GET and HEAD only"
        for name in (
            "index",
            "services",
            "service",
            "organizations",
            "organization",
            "service-at-locations",
            "service-at-location",
            "taxonomies",
            "taxonomy",
            "taxonomy-terms",
            "taxonomy-term",
        )
    },
    "sufficiency:overview": "reads",
    "sufficiency:spend": "reads",
    "sufficiency:scenarios": "reads",
    "sufficiency:scenario-new": "adds a new scenario",
    "sufficiency:scenario-combine": "adds a new scenario combining others; parts are only read",
    "sufficiency:central-new": "adds a new line of central spend",
    "sufficiency:scenario-remove": "removes; history keeps who",
    "sufficiency:provision-new": "adds new planned provision",
    "sufficiency:provision-remove": "removes; history keeps who",
    "sufficiency:central-remove": "removes from the lock it was read at; history keeps who",
    "sufficiency:run-now": "queues a run",
    "sufficiency:run": "reads",
    "sufficiency:download": "reads",
    "sufficiency:summary": "reads",
    "sufficiency:money": "reads",
    "sufficiency:money-download": "reads",
    "sufficiency:dsg-plan": "reads",
    "sufficiency:dsg-download": "reads",
    "sufficiency:decision": "reads; the decision is worked out, never saved",
    "sufficiency:reform-plan": "reads",
    "sufficiency:reform-download": "reads",
    "casework:tray": "reads",
    "pathway:partnership": "reads",
    "pathway:download": "reads",
    "pathway:actions": "reads",
    "pathway:learner": "reads",
    "casework:tray-csv": "reads",
    "casework:dashboard": "reads",
    "sen2:index": "reads",
    "sen2:annex-a": "reads",
    "sen2:return": "reads",
    "sen2:xml": "reads",
    "sen2:problems-csv": "reads",
    "casework:new": "adds a case; one open case per learner is a database constraint",
    "casework:case": "reads",
    "casework:action": "each step is listed in STEPS_EDIT or STEPS_ONE_WAY",
    "casework:action-item": "each item step is listed in EDIT_FORMS",
    "casework:plan": "reads",
    "casework:plan-history": "reads",
    "casework:plan-version": "reads",
    "casework:plan-print": "reads",
    "casework:plan-pdf": "reads",
    "casework:plan-compare": "reads",
    "casework:plan-draft": "reads",
    "casework:plan-reviews": "reads",
    "casework:review-decision": "one way: a decided review cannot be decided again",
    "casework:plan-cease": "one way: a ceased plan cannot be ceased again",
    "casework:advice-received": "one way: advice is received once; a second time is refused",
    "casework:family-preference": "adds a new answer each time; the latest stands, none is lost",
    "casework:reviews": "reads",
    "casework:setting-reviews": "reads",
    "casework:reviews-at-risk": "reads",
    "casework:review-convene": "reads",
    "casework:review-report": "reads",
    "casework:review-change": "a proposal for a row replaces the last one for it, shown on the "
    "report page; the report, once sent, cannot change",
    "casework:review-change-add": "adds a new proposal",
    "casework:review-change-withdraw": "one way: a proposal taken back is gone",
    "casework:review-proposals": "each answer is the caseworker's own; the decision, one way, "
    "follows it",
    "casework:reviews-all": "reads",
    "casework:advice-list": "reads",
    "casework:advice-sent": "reads",
    "casework:advice-attach": "adds a new document",
    "casework:family-home": "reads",
    "casework:family-case": "reads",
    "casework:family-draft": "reads",
    "casework:family-comments": "adds the family's comments; sent ones cannot change",
    "casework:family-comments-sent": "reads",
    "casework:family-views-check": "reads",
    "planning:index": "reads",
    "planning:start": "queues a run",
    "planning:run": "reads",
    "planning:export-csv": "reads",
    "planning:export-xlsx": "reads",
    "planning:proposal": "one way: a decided proposal cannot be decided again",
    "planning:what-if": "queues a what-if run; changes no saved figures",
    "planning:suitable-places": "reads",
    "planning:siting": "reads: a question asked in the query string, answered, nothing saved",
    "planning:siting-csv": "reads",
    "planning:siting-xlsx": "reads",
    "planning:candidates": "reads",
    "planning:candidate-add": "adds a new candidate site: creates, never overwrites",
}

#: Case page steps that move the case on or add a row: each refuses a repeat by the case's
#: stage or the row's state, so a second save cannot overwrite the first.
STEPS_ONE_WAY = {
    "decide-assessment",
    "request-advice",
    "start-draft",
    "not-to-issue",
    "issue-draft",
    "consult-setting",
    "setting-answer",
    "family-comments",
    "exception",
    "exception-update",
    "withdraw",
    "close",
    "tribunal-order",
    "order-complied",
}
#: Case page steps that change a record another person may be changing too.
STEPS_EDIT = {"mediation", "tribunal"}
#: Case page steps taken on the plan's pages, whose edit form is listed under that page: the
#: case's route for them only sends the user there and saves nothing.
STEPS_ON_PLAN_PAGES = {"issue-final"}


def test_every_page_is_an_edit_form_or_says_why_not():
    routes = {name for _, name, _ in _routes() if not name.startswith(("accounts:", "admin:"))}
    edits = {key.split(":", 2)[0] + ":" + key.split(":", 2)[1] for key in EDIT_FORMS}
    listed = edits | set(NOT_EDITS)
    assert sorted(routes - listed) == [], "pages in neither EDIT_FORMS nor NOT_EDITS"
    assert sorted(set(NOT_EDITS) - routes) == [], "NOT_EDITS names no such page"


def test_every_case_step_is_an_edit_or_one_way_or_on_the_plans_pages():
    assert set(CASE_PAGE_STEPS) == STEPS_EDIT | STEPS_ONE_WAY | STEPS_ON_PLAN_PAGES
    assert not STEPS_EDIT & STEPS_ONE_WAY
    assert not (STEPS_EDIT | STEPS_ONE_WAY) & STEPS_ON_PLAN_PAGES
    step_forms = {key.rsplit(":", 1)[1] for key in EDIT_FORMS if key.startswith("casework:action")}
    assert step_forms == STEPS_EDIT
    for slug in STEPS_ON_PLAN_PAGES:
        assert CASE_PAGE_STEPS[slug].plan_page in EDIT_FORMS, slug


def _read_lock(html: str, url: str) -> dict[str, str]:
    found = LOCK_INPUT.search(html)
    assert found, f"{url}: the form carries no lock"
    return {found.group(1): found.group(2)}


@pytest.mark.parametrize("key", sorted(EDIT_FORMS))
def test_a_stale_save_is_refused_saying_who_and_keeping_what_was_typed(cast, key):
    form = EDIT_FORMS[key]
    world = _world(cast)
    _appeal(world)
    client = cast.client_for(getattr(cast, form.who))
    with at(ON):
        url = form.url(world)
        opened = client.get(url)
        assert opened.status_code == 200, url
        lock = _read_lock(opened.content.decode(), url)
        form.between(world)
        response = client.post(url, {**form.typed(world), **lock})
    html = response.content.decode()
    assert response.status_code == 409, f"{key}: a stale save was not refused"
    colleague = getattr(cast, form.colleague).display_name
    assert re.search(rf"{re.escape(colleague)} changed .+ at \d+:\d\d[ap]m on ", html), key
    assert "govuk-error-summary" in html, key
    assert form.shown in html, f"{key}: what was typed is not shown again"
    assert form.kept(world), f"{key}: the colleague's change was overwritten"
    # The page now carries the new lock, so saving again is a deliberate choice.
    assert _read_lock(html, url) != lock, key
