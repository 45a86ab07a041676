"""Who is involved with each synthetic learner, and the consents the family gave.

Every learner has an EHC coordinator (and the setting they attend sees them by the placement);
about 40 % have a health practitioner, 15 % a social worker and 30 % an educational
psychologist, drawn with weights that follow the primary need (PMLD and PD learners see
therapists more than SPLD learners do). Families of children of compulsory school age are
involved as an organisation; only a few parents have an account. A handful of "showcase" relationships tie
the printed demo sign-ins to each other: the demo parent's child attends the demo SENCO's
school and has the demo caseworker, health practitioner, social worker and EP.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from sendplan.demo.learners_data import SyntheticLearner
from sendplan.demo.people import PARENT_ACCOUNTS, StaffSpec, weighted_sample
from sendplan.demo.placing import StrandSlot
from sendplan.engine import compulsory_school_age_ends

DEMO_CASEWORKER_CASES = 200

_HEALTH_WEIGHT = {
    "PMLD": 4.0, "PD": 4.0, "MSI": 4.0, "VI": 3.0, "HI": 3.0, "SLD": 3.0, "SLCN": 1.8,
    "OTH": 2.0, "ASD": 1.2, "SEMH": 1.0, "MLD": 0.6, "SPLD": 0.3,
}  # fmt: skip
_SOCIAL_WEIGHT = {"SEMH": 3.0, "PMLD": 1.6, "SLD": 1.6, "PD": 1.3, "MSI": 1.3}
REASONS = {
    "caseworker": "EHC coordinator for the plan",
    "health": "Health advice and provision (sections C and G)",
    "camhs": "Mental health advice and provision (sections C and G)",
    "social_care": "Social care advice and provision (sections D and H)",
    "ep": "Psychological advice (section K)",
    "parent": "Parent or carer",
    "young_person": "The young person: over compulsory school age, the decisions are theirs",
}


@dataclass(frozen=True)
class InvolvementPlan:
    learner: int
    kind: str  # learners.Involvement.Kind value
    organisation: str  # organisation key, resolved by the builder
    username: str | None
    reason: str
    started_on: dt.date


@dataclass(frozen=True)
class ConsentPlan:
    learner: int
    purpose: str
    given_by: str
    given_on: dt.date


@dataclass
class Showcase:
    """The learners the printed sign-ins have in common."""

    senco_setting: int  # setting index
    child: int  # the demo parent's children (learner indices)
    sibling: int
    young_person: int
    other_parents: tuple[int, ...]


def _random_since(
    rng: np.random.Generator, earliest: dt.date, as_at: dt.date, years: float
) -> dt.date:
    start = max(earliest, as_at - dt.timedelta(days=int(365.25 * years)))
    span = max((as_at - start).days, 0)
    return start + dt.timedelta(days=int(rng.integers(0, span + 1)))


def choose_showcase(
    learners: list[SyntheticLearner],
    placements: dict[int, StrandSlot],
    establishment_types: list[str],
    as_at: dt.date,
) -> Showcase:
    """Pick the demo's linked cast deterministically from the seeded cohort."""
    per_setting: dict[int, int] = {}
    for slot in placements.values():
        maintained = establishment_types[slot.setting_index].startswith("Community or voluntary")
        if maintained and slot.spec.kind == "mainstream" and slot.spec.max_age == 10:
            per_setting[slot.setting_index] = per_setting.get(slot.setting_index, 0) + 1
    senco = max(sorted(per_setting), key=lambda i: per_setting[i])
    child = next(
        x.index
        for x in learners
        if 6 <= x.age <= 9 and x.index in placements and placements[x.index].setting_index == senco
    )
    sibling = next(
        x.index
        for x in learners
        if 11 <= x.age <= 13
        and x.index in placements
        and placements[x.index].spec.kind == "mainstream"
        and placements[x.index].spec.min_age == 11
    )
    young = next(
        x.index
        for x in learners
        if 17 <= x.age <= 18 and x.column == "general_fe_tertiary_colleges"
    )
    taken = {child, sibling, young}
    others = tuple(x.index for x in learners if 5 <= x.age <= 14 and x.index not in taken)[
        : PARENT_ACCOUNTS - 1
    ]
    return Showcase(senco, child, sibling, young, others)


def plan_relationships(
    learners: list[SyntheticLearner],
    staff: list[StaffSpec],
    showcase: Showcase,
    *,
    as_at: dt.date,
    rng: np.random.Generator,
) -> tuple[list[InvolvementPlan], list[ConsentPlan], dict[int, str]]:
    """Involvements, consents, and each learner's family organisation key (children of
    compulsory school age only)."""
    by_role: dict[str, list[StaffSpec]] = {}
    for member in staff:
        by_role.setdefault(member.organisation, []).append(member)
    count = len(learners)
    primary = [x.primary_need for x in learners]
    plans: list[InvolvementPlan] = []

    def add(i: int, kind: str, org: str, user: str | None, reason: str, since: dt.date) -> None:
        plans.append(InvolvementPlan(i, kind, org, user, reason, since))

    # Caseworkers: the printed one holds DEMO_CASEWORKER_CASES, the rest share the others.
    caseworkers = [m.username for m in by_role["la"] if m.role == "la_caseworker"]
    order = [int(i) for i in rng.permutation(count)]
    linked = [showcase.child, showcase.sibling, showcase.young_person]
    order = linked + [i for i in order if i not in linked]
    for rank, i in enumerate(order):
        if rank < DEMO_CASEWORKER_CASES:
            who = caseworkers[0]
        else:
            who = caseworkers[1 + (rank - DEMO_CASEWORKER_CASES) % (len(caseworkers) - 1)]
        since = _random_since(rng, learners[i].plan_start, as_at, 3)
        add(i, "caseworker", "la", who, REASONS["caseworker"], since)

    # The setting a learner attends sees them through the placement; a setting involvement is
    # for consultations on naming a setting, which belong to casework, not to the demo.

    def spread(share: float, weights: dict[str, float], must: list[int]) -> list[int]:
        w = np.array([weights.get(p, 1.0) for p in primary])
        chosen = set(weighted_sample(rng, w, round(share * count)).tolist())
        return sorted(chosen | set(must))

    # Health: SEMH learners see CAMHS, others community therapists; the printed practitioner
    # takes the showcase children first.
    therapists = [m.username for m in by_role["health"]]
    camhs = [m.username for m in by_role["camhs"]]
    for k, i in enumerate(spread(0.40, _HEALTH_WEIGHT, [showcase.child, showcase.sibling])):
        linked_child = i in (showcase.child, showcase.sibling)
        if primary[i] == "SEMH" and not linked_child:
            org, who, reason = "camhs", camhs[k % len(camhs)], REASONS["camhs"]
        else:
            org, who = "health", therapists[0 if linked_child else k % len(therapists)]
            reason = REASONS["health"]
        add(i, "health", org, who, reason, _random_since(rng, learners[i].plan_start, as_at, 3))

    social = [m.username for m in by_role["social_care"]]
    for k, i in enumerate(spread(0.15, _SOCIAL_WEIGHT, [showcase.child])):
        who = social[0] if i == showcase.child else social[k % len(social)]
        add(
            i,
            "social_care",
            "social_care",
            who,
            REASONS["social_care"],
            _random_since(rng, learners[i].plan_start, as_at, 2),
        )

    # EPs advise at assessment, so recent plans are the likelier to have one involved.
    eps = [m.username for m in by_role["ep_service"]]
    recent = {i for i, x in enumerate(learners) if (as_at - x.plan_start).days < 800}
    w = np.array([3.0 if i in recent else 1.0 for i in range(count)])
    ep_chosen = set(weighted_sample(rng, w, round(0.30 * count)).tolist()) | {showcase.child}
    for k, i in enumerate(sorted(ep_chosen)):
        who = eps[0] if i == showcase.child else eps[k % len(eps)]
        add(
            i,
            "ep",
            "ep_service",
            who,
            REASONS["ep"],
            _random_since(rng, learners[i].plan_start, as_at, 2),
        )

    # Families: an organisation per household of a child of compulsory school age on the
    # census day (under 16 on the 31 August before it), siblings sharing one.
    family_of: dict[int, str] = {}
    for x in learners:
        if x.age < 16:
            family_of[x.index] = f"family:{x.index}"
    family_of[showcase.sibling] = family_of[showcase.child]
    family_of[showcase.young_person] = f"family:{showcase.young_person}"
    parents = {showcase.child: "demo.parent", showcase.sibling: "demo.parent"}
    for number, i in enumerate(showcase.other_parents, start=2):
        parents[i] = f"demo.parent{number:02d}"
    for i, org in family_of.items():
        if i == showcase.young_person:
            add(
                i,
                "young_person",
                org,
                "demo.youngperson",
                REASONS["young_person"],
                learners[i].plan_start,
            )
        else:
            add(i, "parent", org, parents.get(i), REASONS["parent"], learners[i].date_of_birth)

    consents = _consents(learners, plans, as_at, rng)
    return plans, consents, family_of


def _consents(
    learners: list[SyntheticLearner],
    plans: list[InvolvementPlan],
    as_at: dt.date,
    rng: np.random.Generator,
) -> list[ConsentPlan]:
    purposes = {"health": "share_health", "social_care": "share_social_care",
                "caseworker": "share_settings"}  # fmt: skip
    seen: set[tuple[int, str]] = set()
    consents = []
    for plan in plans:
        purpose = purposes.get(plan.kind)
        if purpose is None or (plan.learner, purpose) in seen:
            continue
        seen.add((plan.learner, purpose))
        learner = learners[plan.learner]
        given_on = min(plan.started_on, as_at) - dt.timedelta(days=int(rng.integers(0, 30)))
        given_on = max(given_on, learner.date_of_birth)
        young_person = given_on > compulsory_school_age_ends(learner.date_of_birth)
        given_by = "Young person" if young_person else "Parent or carer"
        consents.append(ConsentPlan(plan.learner, purpose, given_by, given_on))
    return consents
