"""Every page that shows a learner writes an audit event: walked over the whole URL resolver.

Each named route must be in :data:`ROUTES` (so a new page cannot be forgotten), with who opens
it and the arguments it takes in a world holding a learner at every stage. A page that shows a
learner's name must have written an event about that learner, by that user, while it was
served; a list of learners, an event by that user. Pages that show no learner say so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from sendplan.accounts.models import Role
from sendplan.casework.advice import services as advice_services
from sendplan.casework.case.models import Stage
from sendplan.casework.disputes import services as dispute_services
from sendplan.casework.plans import services as plan_services
from sendplan.casework.plans.models import PlanVersion, Section
from sendplan.casework.reviews import services as review_services
from sendplan.casework.reviews.models import Review
from sendplan.documents.models import Document
from sendplan.documents.services import document_add
from sendplan.learners.models import AuditEvent, Learner
from sendplan.planning.cohort import CohortDefinition
from sendplan.planning.models import PlanningRun, Proposal
from sendplan.planning.runs import planning_run_request
from sendplan.provision.local_offer import feed_id
from tests.casework.conftest import ADVICE, DRAFT, FINAL, TODAY, at, fill_draft, make_case
from tests.factories import MembershipFactory, PlacementFactory, UserFactory
from tests.web.test_url_access import _routes

pytestmark = pytest.mark.django_db

ON = TODAY


@dataclass
class World:
    cast: Any
    case: Any  # the cast learner's case, its draft out for comments
    plan: Any
    advice: Any
    need_row: Any
    issued_case: Any  # the other learner's case, its final plan issued
    issued_plan: Any
    review: Any
    mediation: Any
    run: PlanningRun
    proposal: Proposal
    consultation: Any
    document: Document
    unassigned: Any  # a request to the health trust waiting for its triage role


def _world(cast) -> World:
    with at(ADVICE):
        case = make_case(cast, Stage.ASSESSING)
        advice = advice_services.advice_request(
            case_id=case.pk,
            kind="health",
            organisation_id=cast.health.memberships.get().organisation_id,
            requested_on=ADVICE,
            practitioner=cast.health,
            changed_by=cast.caseworker,
        )
        unassigned = advice_services.advice_request(
            case_id=case.pk,
            kind="health",
            organisation_id=cast.health.memberships.get().organisation_id,
            requested_on=ADVICE,
            changed_by=cast.caseworker,
        )
        cast.duty = MembershipFactory(
            user=UserFactory(username="duty"),
            organisation=cast.health.memberships.get().organisation,
            role=Role.ADVICE_TRIAGE,
        ).user
        version = plan_services.plan_draft_start(case_id=case.pk, changed_by=cast.caseworker)
        fill_draft(version, cast.caseworker)
    with at(DRAFT):
        plan_services.draft_issue(case_id=case.pk, issued_on=DRAFT, changed_by=cast.caseworker)
        consultation = plan_services.consultation_send(
            case_id=case.pk, setting_id=cast.setting.pk, sent_on=DRAFT, changed_by=cast.caseworker
        )
    with at(FINAL):
        issued = make_case(cast, Stage.FINAL_ISSUED, learner=cast.other_learner)
    # The issued plan's learner is at the SENCO's school, who convenes the review.
    PlacementFactory(learner=cast.other_learner, setting=cast.setting)
    issued_plan = issued.plan
    with at(ON):
        review = review_services.review_schedule(
            plan_id=issued_plan.pk,
            meeting_on=ON + dt.timedelta(days=30),
            invitations_sent_on=ON,
            changed_by=cast.caseworker,
        )
        mediation = dispute_services.mediation_record(
            case_id=issued.pk,
            about="plan_contents",
            adviser_contacted_on=ON,
            changed_by=cast.caseworker,
        )
    with at(ON):
        plan_services.plan_version_new_draft(plan_id=issued_plan.pk, changed_by=cast.caseworker)
    run = planning_run_request(
        la=cast.la,
        requested_by=cast.caseworker,
        cohort=CohortDefinition(on=dt.date(2025, 8, 31)),
    )
    PlanningRun.objects.filter(pk=run.pk).update(
        status=PlanningRun.Status.DONE, finished_at=timezone.now()
    )
    proposal = Proposal.objects.create(
        run=run,
        learner=cast.learner,
        need="ASD",
        age=11,
        phase="secondary",
        reason_in_cohort="transfer",
        placed=True,
        proposed_cost=30_000,
    )
    version = PlanVersion.objects.get(plan=case.plan, status=PlanVersion.Status.DRAFT)
    document = document_add(
        user=cast.caseworker,
        learner=cast.learner,
        upload=SimpleUploadedFile("report.pdf", b"%PDF-1.7\n%%EOF\n"),
        kind="evidence",
        title="Report",
    )
    return World(
        cast=cast,
        case=case,
        plan=case.plan,
        advice=advice,
        need_row=version.needs.first(),
        issued_case=issued,
        issued_plan=issued_plan,
        review=review,
        mediation=mediation,
        run=run,
        proposal=proposal,
        consultation=consultation,
        document=document,
        unassigned=unassigned,
    )


@dataclass(frozen=True)
class Route:
    """Who opens a page, with which arguments, and whose learner it shows.

    ``shows`` is "learner" (the cast learner), "other" (the other learner), "list" (many
    learners) or "none" (no learner at all).
    """

    who: str
    args: Callable[[World], list[Any]] = lambda w: []
    shows: str = "none"
    method: str = "get"
    data: Callable[[World], dict[str, Any]] = lambda w: {}


def _commitment(w: World) -> int:
    """The issued plan's row, as a commitment of the delivery log (ADR 0135)."""
    return w.issued_plan.commitments.order_by("pk").values_list("pk", flat=True)[0]


def _exclusion(w: World) -> int:
    """A suspension of the cast learner from the cast's school (ADR 0145)."""
    from sendplan.learners.models import Exclusion
    from sendplan.learners.services import exclusion_record

    found = Exclusion.objects.filter(learner=w.cast.learner).order_by("pk").first()
    return (
        found
        or exclusion_record(
            learner=w.cast.learner,
            kind=Exclusion.Kind.SUSPENSION,
            started_on=ON - dt.timedelta(days=20),
            school_days=Decimal(2),
            setting=w.cast.setting,
            reason=Exclusion.Reason.DISRUPTIVE,
            by=w.cast.caseworker,
        )
    ).pk


def _home_education(w: World) -> int:
    """A period of elective home education of the cast learner, still open (ADR 0145)."""
    from sendplan.learners.models import HomeEducation
    from sendplan.learners.services import home_education_record

    found = HomeEducation.objects.filter(learner=w.cast.learner).order_by("pk").first()
    return (
        found
        or home_education_record(
            learner=w.cast.learner, started_on=ON - dt.timedelta(days=10), by=w.cast.caseworker
        )
    ).pk


LEARNER, OTHER = "learner", "other"


def _oruk_service(w: World) -> str:
    """The cast setting's strand, as a service in the Local Offer's feed (ADR 0143)."""
    return feed_id("service", f"strand:{w.cast.setting.strands.get().pk}")


def _local_service(w: World) -> int:
    """A local service in the register (ADR 0147), provided by the cast's health trust."""
    from sendplan.provision.models import LocalService

    found = LocalService.objects.filter(email="therapies@example.org").first()
    return (
        found
        or LocalService.objects.create(
            name="Children's therapies",
            organisation=w.cast.health.memberships.get().organisation,
            kind=LocalService.Kind.SPEECH_LANGUAGE,
            description="Speech and language therapy.",
            access=LocalService.Access.REFERRAL,
            email="therapies@example.org",
        )
    ).pk


def _adulthood(w: World) -> int:
    """The open review, as a review from Year 9 (the issued plan's learner is younger)."""
    Review.objects.filter(pk=w.review.pk).update(preparing_for_adulthood=True)
    return w.review.pk


def _candidate_site(w: World) -> int:
    """A candidate site of the cast's LA (ADR 0140), at the cast's school."""
    from sendplan.planning.models import CandidateSite

    found = CandidateSite.objects.filter(la=w.cast.la).order_by("pk").first()
    return (
        found
        or CandidateSite.objects.create(
            la=w.cast.la,
            name="Oak annexe",
            kind=CandidateSite.Kind.RESOURCED_BASE,
            host_setting=w.cast.setting,
            needs="ASD",
            min_age=11,
            max_age=19,
            block_places=4,
            max_blocks=2,
            capital_per_block=300_000,
            annual_cost_per_place=30_000,
        )
    ).pk


#: A question the siting page answers (today's learners, £1m of capital).
SITING_QUESTION = {"year": "", "figure": "central", "budget": "1000000"}
PLAN = lambda w: [w.plan.pk]  # noqa: E731
ISSUED = lambda w: [w.issued_plan.pk]  # noqa: E731
REVIEW = lambda w: [w.issued_plan.pk, w.review.pk]  # noqa: E731
ROUTES: dict[str, Route] = {
    "home": Route("parent", shows="list"),
    "accessibility": Route("parent"),
    "privacy": Route("parent"),
    "learners:list": Route("caseworker", shows="list"),
    "learners:record": Route("caseworker", lambda w: [w.cast.learner.pk], LEARNER),
    "learners:change": Route("caseworker", lambda w: [w.cast.learner.pk], LEARNER),
    "learners:accesses": Route("la_colleague", lambda w: [w.cast.learner.pk], LEARNER),
    "learners:exclusion-add": Route("caseworker", lambda w: [w.cast.learner.pk], LEARNER),
    "learners:home-education-add": Route("caseworker", lambda w: [w.cast.learner.pk], LEARNER),
    "learners:exclusion-change": Route(
        "caseworker", lambda w: [w.cast.learner.pk, _exclusion(w)], LEARNER
    ),
    "learners:exclusion-remove": Route(
        "caseworker", lambda w: [w.cast.learner.pk, _exclusion(w)], LEARNER
    ),
    "learners:home-education-change": Route(
        "caseworker", lambda w: [w.cast.learner.pk, _home_education(w)], LEARNER
    ),
    "learners:home-education-remove": Route(
        "caseworker", lambda w: [w.cast.learner.pk, _home_education(w)], LEARNER
    ),
    "learners:accesses-csv": Route("la_colleague", lambda w: [w.cast.learner.pk], LEARNER),
    "provision:register": Route("caseworker"),
    "provision:setting": Route("caseworker", lambda w: [w.cast.setting.pk]),
    "provision:strand": Route("caseworker", lambda w: [w.cast.setting.strands.get().pk]),
    "provision:strand-convert": Route("caseworker", lambda w: [w.cast.setting.strands.get().pk]),
    "provision:local-services": Route("caseworker"),
    "provision:local-service": Route("caseworker", lambda w: [_local_service(w)]),
    "provision:local-service-add": Route("caseworker"),
    "provision:local-service-edit": Route("caseworker", lambda w: [_local_service(w)]),
    "sufficiency:overview": Route("caseworker"),
    "sufficiency:spend": Route("caseworker"),
    "sufficiency:scenarios": Route("caseworker"),
    "sufficiency:scenario-new": Route("caseworker"),
    "sufficiency:scenario-combine": Route("caseworker"),
    "sufficiency:scenario-edit": Route("caseworker", lambda w: [0]),
    "sufficiency:scenario-remove": Route("caseworker", lambda w: [0]),
    "sufficiency:scenario-parts": Route("caseworker", lambda w: [0]),
    "sufficiency:assumptions": Route("caseworker"),
    "sufficiency:provision-new": Route("caseworker"),
    "sufficiency:provision-remove": Route("caseworker", lambda w: [0]),
    "sufficiency:run-now": Route("caseworker", method="post"),
    "sufficiency:run": Route("caseworker", lambda w: [0]),
    "sufficiency:download": Route("caseworker", lambda w: ["gap", "csv"]),
    "sufficiency:summary": Route("caseworker"),
    "sufficiency:money": Route("caseworker"),
    "sufficiency:budget": Route("caseworker", lambda w: [ON.year]),
    "sufficiency:central-new": Route("caseworker"),
    "sufficiency:central-edit": Route("caseworker", lambda w: [0]),
    "sufficiency:central-remove": Route("caseworker", lambda w: [0], method="post"),
    "sufficiency:money-download": Route("caseworker", lambda w: ["places", "csv"]),
    "delivery:mine": Route("senco", shows="list"),
    "delivery:upload": Route("senco"),
    "delivery:upload-template": Route("senco", shows="list"),
    "delivery:quantify-list": Route("caseworker", shows="list"),
    "delivery:dashboard": Route("la_colleague"),
    "delivery:dashboard-csv": Route("la_colleague"),
    "delivery:commitment": Route("caseworker", lambda w: [_commitment(w)], OTHER),
    "delivery:week-choose": Route("caseworker", lambda w: [_commitment(w)], OTHER),
    "delivery:week": Route("caseworker", lambda w: [_commitment(w), "2025-05-26"], OTHER),
    "delivery:quantify": Route("caseworker", lambda w: [_commitment(w)], OTHER),
    "sufficiency:dsg-plan": Route("caseworker"),
    "sufficiency:dsg-download": Route("caseworker", lambda w: ["summary", "csv"]),
    "sufficiency:decision": Route("caseworker"),
    "sufficiency:reform-plan": Route("caseworker"),
    "sufficiency:reform-download": Route("caseworker", lambda w: ["growth", "csv"]),
    "casework:tray": Route("caseworker", shows="list"),
    "pathway:partnership": Route("caseworker"),
    "pathway:download": Route("caseworker", lambda w: ["pathways"]),
    "pathway:actions": Route("caseworker", shows="list"),
    "pathway:learner": Route("caseworker", lambda w: [w.cast.learner.pk], LEARNER),
    "pathway:transition": Route("caseworker", lambda w: [w.cast.learner.pk], LEARNER),
    "pathway:destination": Route("caseworker", lambda w: [w.cast.learner.pk, "at_16"], LEARNER),
    "pathway:review": Route("caseworker", lambda w: [w.issued_plan.pk, _adulthood(w)], OTHER),
    "casework:tray-csv": Route("caseworker", shows="list"),
    "casework:caseload": Route("caseworker", shows="list"),
    "casework:dashboard": Route("la_colleague", shows="list"),
    "sen2:index": Route("la_colleague"),
    "sen2:annex-a": Route("la_colleague", shows="list"),
    "sen2:return": Route("la_colleague", lambda w: [2026], shows="list"),
    "sen2:xml": Route("la_colleague", lambda w: [2026], shows="list"),
    "sen2:problems-csv": Route("la_colleague", lambda w: [2026], shows="list"),
    "casework:new": Route(
        "caseworker", shows=LEARNER, method="post", data=lambda w: {"learner": w.cast.learner.pk}
    ),
    "casework:case": Route("caseworker", lambda w: [w.case.pk], LEARNER),
    # The request's pages keep their answers in the session (none here: 404, unchecked);
    # tests/casework/test_front_door.py checks they audit what they show.
    "casework:request-start": Route("parent"),
    "casework:request-step": Route("parent", lambda w: ["needs"]),
    "casework:request-check": Route("parent"),
    "casework:request-sent": Route("parent"),
    "casework:request-confirm": Route("caseworker", lambda w: [0], LEARNER),
    "casework:request-record": Route("caseworker"),
    "casework:action": Route("caseworker", lambda w: [w.case.pk, "consult-setting"], LEARNER),
    "casework:action-item": Route(
        "caseworker", lambda w: [w.issued_case.pk, "mediation", w.mediation.pk], OTHER
    ),
    "casework:plan": Route("caseworker", PLAN, LEARNER),
    "casework:plan-history": Route("caseworker", PLAN, LEARNER),
    "casework:plan-version": Route("caseworker", lambda w: [w.plan.pk, 1], LEARNER),
    "casework:plan-print": Route("caseworker", lambda w: [w.plan.pk, 1], LEARNER),
    "casework:plan-pdf": Route("caseworker", lambda w: [w.issued_plan.pk, 1], OTHER),
    "casework:plan-compare": Route("caseworker", ISSUED, OTHER),
    "casework:plan-draft": Route("caseworker", PLAN, LEARNER),
    "casework:plan-issue": Route("caseworker", PLAN, LEARNER),
    "casework:plan-amendment-send": Route("caseworker", PLAN, LEARNER),
    "casework:plan-draft-section": Route("caseworker", lambda w: [w.plan.pk, "B"], LEARNER),
    "casework:plan-draft-row-add": Route("caseworker", lambda w: [w.plan.pk, "B"], LEARNER),
    "casework:plan-draft-no-provision": Route("caseworker", lambda w: [w.plan.pk, "C"], LEARNER),
    "casework:plan-draft-row": Route(
        "caseworker", lambda w: [w.plan.pk, Section.B, w.need_row.pk], LEARNER
    ),
    "casework:plan-draft-row-remove": Route(
        "caseworker", lambda w: [w.plan.pk, Section.B, w.need_row.pk], LEARNER
    ),
    "casework:plan-reviews": Route("caseworker", ISSUED, OTHER),
    "casework:setting-reviews": Route("senco", shows="list"),
    "casework:reviews-at-risk": Route("caseworker", shows="list"),
    "casework:review-convene": Route("senco", REVIEW, OTHER),
    "casework:review-invite": Route("senco", REVIEW, OTHER),
    "casework:review-advice": Route("senco", REVIEW, OTHER),
    "casework:review-views": Route("senco", REVIEW, OTHER),
    "casework:review-held": Route("senco", REVIEW, OTHER),
    "casework:review-report": Route("senco", REVIEW, OTHER),
    "casework:review-report-send": Route("senco", REVIEW, OTHER),
    "casework:review-change": Route(
        "senco",
        lambda w: [
            w.issued_plan.pk,
            w.review.pk,
            "F",
            PlanVersion.objects.get(plan=w.issued_plan, status="issued").provision.first().pk,
        ],
        OTHER,
    ),
    "casework:review-change-add": Route(
        "senco", lambda w: [w.issued_plan.pk, w.review.pk, "G"], OTHER
    ),
    "casework:review-change-withdraw": Route(
        "senco", lambda w: [w.issued_plan.pk, w.review.pk, 0], OTHER, method="post"
    ),
    "casework:review-proposals": Route("caseworker", REVIEW, OTHER),
    "casework:review-schedule": Route("caseworker", ISSUED, OTHER),
    "casework:review-meeting": Route(
        "caseworker", lambda w: [w.issued_plan.pk, w.review.pk], OTHER
    ),
    "casework:review-decision": Route(
        "caseworker", lambda w: [w.issued_plan.pk, w.review.pk], OTHER
    ),
    "casework:plan-cease": Route("caseworker", ISSUED, OTHER),
    "casework:reviews": Route("caseworker", shows="list"),
    "casework:reviews-all": Route("caseworker", shows="list"),
    "casework:advice-list": Route("health", shows="list"),
    "casework:advice-detail": Route("health", lambda w: [w.advice.pk], LEARNER),
    "casework:advice-sent": Route("health", lambda w: [w.advice.pk], LEARNER),
    "casework:advice-attach": Route("health", lambda w: [w.advice.pk], LEARNER, method="post"),
    "casework:consultations": Route("senco", shows="list"),
    "casework:consultation": Route("senco", lambda w: [w.consultation.pk], LEARNER),
    "casework:advice-assign": Route("duty", lambda w: [w.unassigned.pk], LEARNER),
    "casework:advice-received": Route("caseworker", lambda w: [w.advice.pk], LEARNER),
    "casework:family-home": Route("other_parent", shows="list"),
    "casework:family-case": Route("parent", lambda w: [w.case.pk], LEARNER),
    "casework:family-draft": Route("parent", lambda w: [w.case.pk], LEARNER),
    "casework:family-comments": Route("parent", lambda w: [w.case.pk], LEARNER),
    "casework:family-comments-sent": Route("parent", lambda w: [w.case.pk], LEARNER),
    "casework:family-views": Route("parent", lambda w: [w.case.pk, 1], LEARNER),
    "casework:family-views-check": Route("parent", lambda w: [w.case.pk], LEARNER),
    "casework:family-preference": Route("parent", lambda w: [w.case.pk], LEARNER),
    "planning:index": Route("caseworker", shows="list"),
    "planning:start": Route("caseworker", method="post"),
    "planning:run": Route("caseworker", lambda w: [w.run.pk], "list"),
    "planning:export-csv": Route("caseworker", lambda w: [w.run.pk], "list"),
    "planning:export-xlsx": Route("caseworker", lambda w: [w.run.pk], "list"),
    "planning:proposal": Route("caseworker", lambda w: [w.run.pk, w.proposal.pk], LEARNER),
    "planning:what-if": Route("caseworker", lambda w: [w.run.pk]),
    "planning:settings": Route("caseworker"),
    "planning:siting": Route("la_colleague", shows="list", data=lambda w: SITING_QUESTION),
    "planning:siting-csv": Route("la_colleague", shows="list", data=lambda w: SITING_QUESTION),
    "planning:siting-xlsx": Route("la_colleague", shows="list", data=lambda w: SITING_QUESTION),
    "planning:candidates": Route("la_colleague"),
    "planning:candidate-add": Route("la_colleague"),
    "planning:candidate-edit": Route("la_colleague", lambda w: [_candidate_site(w)]),
    "planning:suitable-places": Route("caseworker", lambda w: [w.cast.learner.pk], LEARNER),
    "documents:upload": Route("caseworker", lambda w: [w.cast.learner.pk], LEARNER),
    # A file, not a page: it shows no name, but each copy taken is audited (the -pdf rule).
    "documents:download": Route("parent", lambda w: [w.document.public_id], LEARNER),
    # The Local Offer: the commissioners' report (counts by provider) and the open data feed
    # (public, no learner: opened here by a parent like any member of the public).
    "provision:unmatched": Route("la_colleague"),
    "provision:unmatched-csv": Route("la_colleague"),
    "oruk:index": Route("parent"),
    "oruk:services": Route("parent"),
    "oruk:service": Route("parent", lambda w: [_oruk_service(w)]),
    "oruk:organizations": Route("parent"),
    "oruk:organization": Route("parent", lambda w: [feed_id("setting", w.cast.setting.pk)]),
    "oruk:service-at-locations": Route("parent"),
    "oruk:service-at-location": Route(
        "parent", lambda w: [feed_id("service_at_location", _oruk_service(w))]
    ),
    "oruk:taxonomies": Route("parent"),
    "oruk:taxonomy": Route("parent", lambda w: [feed_id("taxonomy", "need")]),
    "oruk:taxonomy-terms": Route("parent"),
    "oruk:taxonomy-term": Route("parent", lambda w: [feed_id("need", "ASD")]),
}
#: Pages that take no learner and are not about one: signing in and setting up the app.
NOT_ABOUT_LEARNERS = {name for _, name, _ in _routes() if name.startswith("accounts:")}


def _names(learner: Learner) -> tuple[str, str]:
    return learner.family_name, learner.full_name


def test_every_page_is_in_the_table():
    routes = {name for _, name, _ in _routes()} - NOT_ABOUT_LEARNERS
    assert sorted(routes - set(ROUTES)) == [], "pages missing from ROUTES"
    assert sorted(set(ROUTES) - routes) == [], "ROUTES names no such page"


def test_every_page_that_shows_a_learner_writes_an_event_about_them(cast):
    world = _world(cast)
    learners = {LEARNER: cast.learner, OTHER: cast.other_learner}
    missing: list[str] = []
    checked = 0
    for name, route in ROUTES.items():
        user = getattr(cast, route.who)
        client = cast.client_for(user)
        url = reverse(name, args=route.args(world))
        with at(ON):
            before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            response = getattr(client, route.method)(url, route.data(world))
            events = AuditEvent.objects.filter(pk__gt=before, user=user)
        if response.status_code != 200:
            continue
        checked += 1
        raw = b"".join(response.streaming_content) if response.streaming else response.content
        body = raw.decode("utf-8", errors="replace")
        if route.shows in learners:
            learner = learners[route.shows]
            shown = any(text in body for text in _names(learner))
            if (shown or name.endswith(("-pdf", ":download"))) and not events.filter(
                learner=learner
            ).exists():
                missing.append(name)
        elif route.shows == "list" and not events.exists():
            if any(text in body for x in learners.values() for text in _names(x)):
                missing.append(name)
        elif route.shows == "none":
            assert not any(t in body for x in learners.values() for t in _names(x)), name
    assert missing == [], f"pages that show a learner without an audit event: {missing}"
    assert checked >= 45
