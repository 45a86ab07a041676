"""Turn simulated requests (``casework_data.CaseSim``) into casework rows, in bulk."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING

import numpy as np

from sendplan.casework import clock
from sendplan.casework.advice.models import AdviceRequest, AdviceSection
from sendplan.casework.case.models import Case, CaseException
from sendplan.casework.plans.models import (
    Consultation,
    Plan,
    PlanNeed,
    PlanOutcome,
    PlanProvision,
    PlanVersion,
)
from sendplan.casework.reviews.models import Review
from sendplan.demo.casework_data import AdviceSim, CaseSim
from sendplan.learners.access import CONSULTED
from sendplan.learners.models import Involvement

if TYPE_CHECKING:
    from sendplan.accounts.models import Organisation, User
    from sendplan.demo.casework_write import Cast
    from sendplan.demo.relationships import InvolvementPlan

_SOURCES = (
    (Case.Source.PARENT, "Parent", 0.5),
    (Case.Source.SETTING, "SENCO at the current school", 0.35),
    (Case.Source.HEALTH, "Community paediatrician", 0.06),
    (Case.Source.SOCIAL_CARE, "Social worker", 0.04),
    (Case.Source.OTHER, "Early years inclusion team", 0.05),
)
_PLAN_STAGES = ("drafting", "consulting", "final_issued")
#: Demo practitioners who must have requests for advice waiting, by advice kind.
PRINTED_ADVISERS = {"health": "demo.health", "social_care": "demo.socialworker", "ep": "demo.ep"}

# Short plan texts by primary need (synthetic, generic; no real person).
_PLAN_TEXT: dict[str, tuple[str, str, tuple[str, str, str, str]]] = {
    "ASD": ("Finds changes to routine and busy rooms hard; needs help to share attention.",
            "Will take part in group work for 20 minutes with a visual timetable.",
            ("Social communication group", "45 minutes", "twice weekly in term time",
             "Specialist teaching assistant")),
    "SLCN": ("Has difficulty understanding spoken instructions and finding words.",
             "Will follow two-step instructions in class without adult help.",
             ("Speech and language therapy programme", "30 minutes", "weekly in term time",
              "Speech and language therapist")),
    "SEMH": ("Finds it hard to manage strong feelings; needs a trusted adult to help.",
             "Will use a calm-down plan and return to learning within 10 minutes.",
             ("Key adult check-in and emotional literacy sessions", "20 minutes", "daily",
              "Learning mentor")),
    "MLD": ("Learns new reading and number skills more slowly than classmates.",
            "Will read and understand short texts at the next book band.",
            ("Small-group literacy and numeracy teaching", "1 hour", "four times weekly",
             "Teacher with SEN qualification")),
    "SPLD": ("Has dyslexia: reading and spelling are much slower than other skills.",
             "Will use assistive technology to write a page independently.",
             ("Structured multi-sensory literacy programme", "45 minutes", "three times weekly",
              "Specialist dyslexia teacher")),
}  # fmt: skip
_DEFAULT_TEXT = (
    "Needs adult support to take part fully in learning and school life.",
    "Will take part in lessons with the support set out in section F.",
    ("Individual support in class", "15 hours", "weekly in term time", "Teaching assistant"),
)
_ADVICE_SECTIONS = {
    "education": ("B", "Makes slow progress despite support at SEN support; needs help in class."),
    "health": ("C", "Reviewed in clinic. No medical needs that affect learning beyond those "
               "described; therapy recommended."),
    "ep": ("B", "Assessment shows a specific profile of strengths and needs; see section F."),
    "social_care": ("D", "Known to the children with disabilities team; short breaks assessed."),
    "pfa": ("E", "Wants to go to college and work with animals; travel training would help."),
}  # fmt: skip


def plan_text(primary_need: str) -> tuple[str, str, tuple[str, str, str, str]]:
    """A plan's need, outcome and provision (what, how much, how often, by whom) for a
    learner with this primary need."""
    return _PLAN_TEXT.get(primary_need, _DEFAULT_TEXT)


_EXCEPTION_KEYS = ("reg10_4_a", "reg10_4_b", "reg10_4_c")
_REASONS = {
    "reg10_4_a": "School closed for the summer holiday during the assessment.",
    "reg10_4_b": "Family away for four weeks during the assessment.",
    "reg10_4_c": "The young person was unable to attend appointments for 4 weeks.",
}


def _advice_to(
    cast: Cast,
    involved: dict[tuple[int, str], InvolvementPlan],
    learner: int,
    kind: str,
    open_case: bool,
    forced: dict[str, int],
) -> tuple[Organisation, User | None]:
    """The body asked for this advice, and the named practitioner if someone is involved."""
    if kind == "education":
        setting = cast.setting_of.get(learner)
        org = setting.organisation if setting and setting.organisation else cast.orgs["la"]
        return org, None
    if kind == "pfa":
        return cast.orgs["social_care"], None
    involvement_kind = {"health": "health", "social_care": "social_care", "ep": "ep"}[kind]
    plan = involved.get((learner, involvement_kind))
    if open_case and forced.get(kind, 0) < 3:
        # The printed demo practitioners always have some requests waiting.
        forced[kind] = forced.get(kind, 0) + 1
        user = cast.users[PRINTED_ADVISERS[kind]]
        org_key = {"health": "health", "social_care": "social_care", "ep": "ep_service"}[kind]
        return cast.orgs[org_key], user
    if plan is not None:
        return cast.orgs[plan.organisation], cast.users.get(plan.username or "")
    org_key = {"health": "health", "social_care": "social_care", "ep": "ep_service"}[kind]
    if kind == "health" and cast.learners[learner].primary_need == "SEMH":
        org_key = "camhs"
    return cast.orgs[org_key], None


def write_rows(
    cases: list[CaseSim], cast: Cast, *, as_at: dt.date, rng: np.random.Generator
) -> dict[str, int]:
    involved = {(p.learner, p.kind): p for p in cast.involvements}
    involved_caseworker = {
        p.learner: cast.users[p.username]
        for p in cast.involvements
        if p.kind == "caseworker" and p.username
    }
    source_p = np.array([p for _, _, p in _SOURCES])
    sources = rng.choice(len(_SOURCES), size=len(cases), p=source_p / source_p.sum())
    case_rows = []
    for sim, source in zip(cases, sources, strict=True):
        worker = involved_caseworker.get(sim.learner)
        code, who, _ = _SOURCES[int(source)]
        refused = sim.assess is False
        case_rows.append(
            Case(
                learner=cast.rows[sim.learner], received_on=sim.received_on, source=code,
                requested_by=who, caseworker=worker, stage=sim.stage,
                decision_on=sim.decision_on, assess=sim.assess,
                decision_reasons=(
                    "" if sim.decision_on is None
                    else "Needs can be met from the resources of the school (SEN support)."
                    if refused else "The child may have special educational needs that may "
                    "need provision through an EHC plan (CFA 2014 s36(8))."
                ),
                rights_given=refused or sim.not_to_issue_on is not None,
                draft_issued_on=sim.draft_issued_on,
                draft_comments_received_on=sim.comments_on,
                final_issued_on=sim.final_issued_on,
                not_to_issue_on=sim.not_to_issue_on,
                not_to_issue_reasons="Needs can be met without a plan." if sim.not_to_issue_on
                else "",
                closed_on=sim.closed_on,
                closed_reason=(
                    "" if sim.closed_on is None
                    else "Withdrawn by the family" if sim.stage == "withdrawn"
                    else "No appeal after the decision not to assess"
                ),
                created_by=worker, modified_by=worker,
            )
        )  # fmt: skip
    Case.objects.bulk_create(case_rows, batch_size=500)

    # Advice, with preparing-for-adulthood advice from Year 9 (Reg 6(1)).
    forced: dict[str, int] = {}
    advice_rows: list[AdviceRequest] = []
    advice_of: list[tuple[int, AdviceSim]] = []
    for k, sim in enumerate(cases):
        extra = []
        if sim.advice and clock.pfa_applies(
            cast.learners[sim.learner].date_of_birth, on=sim.advice[0].requested_on
        ):
            first = sim.advice[0]
            extra = [AdviceSim("pfa", first.requested_on, first.due_on, first.received_on)]
        for adv in [*sim.advice, *extra]:
            open_request = sim.stage == "assessing" and adv.received_on is None
            org, person = _advice_to(cast, involved, sim.learner, adv.kind, open_request, forced)
            worker = case_rows[k].caseworker
            advice_rows.append(
                AdviceRequest(
                    case=case_rows[k], kind=adv.kind, organisation=org, practitioner=person,
                    requested_on=adv.requested_on, due_on=adv.due_on,
                    received_on=adv.received_on, created_by=worker, modified_by=worker,
                )
            )  # fmt: skip
            advice_of.append((k, adv))
    AdviceRequest.objects.bulk_create(advice_rows, batch_size=1000)
    AdviceSection.objects.bulk_create(
        (
            AdviceSection(
                advice_request=row, section=_ADVICE_SECTIONS[row.kind][0],
                text=_ADVICE_SECTIONS[row.kind][1], created_by=row.practitioner,
                modified_by=row.practitioner,
            )
            for row in advice_rows
            if row.received_on is not None
        ),
        batch_size=1000,
    )  # fmt: skip

    plan_counts = _plans(cases, case_rows, advice_rows, cast, as_at, rng)

    exceptions = []
    for k, sim in enumerate(cases):
        if sim.exception and sim.final_issued_on is not None:
            key = _EXCEPTION_KEYS[k % len(_EXCEPTION_KEYS)]
            starts = sim.received_on + dt.timedelta(days=int(rng.integers(20, 80)))
            starts = min(starts, sim.final_issued_on)
            exceptions.append(
                CaseException(
                    case=case_rows[k], key=key, reason=_REASONS[key], starts_on=starts,
                    ends_on=starts + dt.timedelta(days=int(rng.integers(28, 50))),
                    family_told_on=min(starts + dt.timedelta(days=7), as_at),
                    created_by=case_rows[k].caseworker, modified_by=case_rows[k].caseworker,
                )
            )  # fmt: skip
    CaseException.objects.bulk_create(exceptions)
    counts = {f"cases {stage}": n for stage, n in Counter(s.stage for s in cases).items()}
    counts.update(
        cases=len(case_rows),
        **{"advice requests": len(advice_rows), "case exceptions": len(exceptions)},
        **plan_counts,
    )
    return counts


def _plans(
    cases: list[CaseSim],
    case_rows: list[Case],
    advice_rows: list[AdviceRequest],
    cast: Cast,
    as_at: dt.date,
    rng: np.random.Generator,
) -> dict[str, int]:
    """A plan for every case past the decision to issue: a draft, or an issued version."""
    with_plan = [k for k, sim in enumerate(cases) if sim.stage in _PLAN_STAGES]
    plans = [
        Plan(
            learner=case_rows[k].learner, case=case_rows[k],
            status=Plan.Status.MAINTAINED if cases[k].final_issued_on else Plan.Status.DRAFTING,
            issued_on=cases[k].final_issued_on, created_by=case_rows[k].caseworker,
            modified_by=case_rows[k].caseworker,
        )
        for k in with_plan
    ]  # fmt: skip
    Plan.objects.bulk_create(plans)
    versions = []
    for plan, k in zip(plans, with_plan, strict=True):
        sim, learner = cases[k], cast.learners[cases[k].learner]
        setting = cast.setting_of.get(sim.learner)
        issued = sim.final_issued_on is not None
        versions.append(
            PlanVersion(
                plan=plan, number=1,
                status=PlanVersion.Status.ISSUED if issued else PlanVersion.Status.DRAFT,
                issued_on=sim.final_issued_on,
                views=f"{learner.given_name} says school is better when adults explain changes "
                "first.",
                interests="Drawing, football and music.",
                aspirations="To stay with friends and, later, to work with animals.",
                placement_setting=setting if issued else None,
                placement_type="" if issued else "Mainstream school with support",
                created_by=plan.created_by, modified_by=plan.modified_by,
            )
        )  # fmt: skip
    PlanVersion.objects.bulk_create(versions)
    needs, outcomes, provision = [], [], []
    for version, k in zip(versions, with_plan, strict=True):
        need_text, outcome_text, (what, much, often, who) = _PLAN_TEXT.get(
            cast.learners[cases[k].learner].primary_need, _DEFAULT_TEXT
        )
        by = version.created_by
        needs.append(PlanNeed(version=version, section="B", text=need_text, created_by=by,
                              modified_by=by))  # fmt: skip
        outcomes.append(PlanOutcome(version=version, text=outcome_text, created_by=by,
                                    modified_by=by))  # fmt: skip
        provision.append(
            PlanProvision(version=version, section="F", what=what, how_much=much,
                          how_often=often, delivered_by=who, created_by=by, modified_by=by)
        )  # fmt: skip
    PlanNeed.objects.bulk_create(needs)
    PlanOutcome.objects.bulk_create(outcomes)
    PlanProvision.objects.bulk_create(provision)
    PlanOutcome.needs.through.objects.bulk_create(
        PlanOutcome.needs.through(planoutcome_id=o.pk, planneed_id=n.pk)
        for o, n in zip(outcomes, needs, strict=True)
    )
    PlanProvision.outcomes.through.objects.bulk_create(
        PlanProvision.outcomes.through(planprovision_id=p.pk, planoutcome_id=o.pk)
        for p, o in zip(provision, outcomes, strict=True)
    )
    # Section K of issued plans: the advice received.
    version_of_case = {case_rows[k].pk: v for v, k in zip(versions, with_plan, strict=True)}
    PlanVersion.advice.through.objects.bulk_create(
        PlanVersion.advice.through(planversion_id=version_of_case[a.case_id].pk,
                                   advicerequest_id=a.pk)
        for a in advice_rows
        if a.received_on is not None and a.case_id in version_of_case
        and version_of_case[a.case_id].status == PlanVersion.Status.ISSUED
    )  # fmt: skip
    reviews = [
        Review(plan=plan, due_on=clock.due(clock.ANNUAL_REVIEW, plan.issued_on),
               preparing_for_adulthood=clock.pfa_applies(
                   cast.learners[cases[k].learner].date_of_birth, on=as_at),
               created_by=plan.created_by, modified_by=plan.created_by)
        for plan, k in zip(plans, with_plan, strict=True)
        if plan.issued_on is not None
    ]  # fmt: skip
    Review.objects.bulk_create(reviews)
    consultations = []
    for k in with_plan:
        sim = cases[k]
        setting = cast.setting_of.get(sim.learner)
        if setting is None or sim.draft_issued_on is None:
            continue
        due = clock.consultation_due(sim.draft_issued_on)
        answered = sim.draft_issued_on + dt.timedelta(days=int(rng.integers(5, 20)))
        done = answered if answered <= as_at and (sim.final_issued_on or answered <= due) else None
        if sim.final_issued_on is not None:
            done = min(answered, sim.final_issued_on)
        consultations.append(
            Consultation(
                case=case_rows[k], setting=setting, sent_on=sim.draft_issued_on,
                response_due_on=due, responded_on=done,
                response=Consultation.Response.CAN_MEET if done else "",
                created_by=case_rows[k].caseworker, modified_by=case_rows[k].caseworker,
            )
        )  # fmt: skip
    # Each consultation opens the setting's involvement, as the service does, ended when the
    # case left consultation.
    involvements = [
        Involvement(
            learner_id=c.case.learner_id, kind=Involvement.Kind.SETTING,
            organisation_id=c.setting.organisation_id, reason=CONSULTED, started_on=c.sent_on,
            ended_on=c.case.final_issued_on or c.case.closed_on,
            created_by=c.created_by, modified_by=c.created_by,
        )
        for c in consultations
        if c.setting.organisation_id is not None
    ]  # fmt: skip
    Involvement.objects.bulk_create(involvements)
    opened = iter(involvements)
    for c in consultations:
        if c.setting.organisation_id is not None:
            c.involvement = next(opened)
    Consultation.objects.bulk_create(consultations)
    return {
        "plans": len(plans),
        "plan versions": len(versions),
        "reviews": len(reviews),
        "consultations": len(consultations),
    }
