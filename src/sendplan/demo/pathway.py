"""The demo's pathway to 25: post-16 and post-19 options on the register, and young people at
every point from 14 to 25 with planned and actual destinations, Care Act assessments, the
move to adult health services and progress on the adulthood outcomes at their reviews.

Everything here is made up from the demo's own learners, placements and reviews (seeded),
after the rest of the demo is written; the options added to the register are illustrative.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.db.models import QuerySet

from sendplan.accounts.models import Organisation, User
from sendplan.casework.plans.models import Plan
from sendplan.casework.reviews.models import Review
from sendplan.demo.setting_types import FE_COLLEGE, SPECIALIST_POST16, TRAINING_PROVIDER
from sendplan.demo.settings_data import DEMO_NOTE
from sendplan.engine import add_months, age_in_years
from sendplan.learners.models import Involvement, Learner, Need, Placement
from sendplan.pathway.models import (
    OUTCOME_FIELDS,
    AdulthoodProgress,
    Destination,
    DestinationKind,
    Progress,
    Transition,
)
from sendplan.provision.models import ProvisionStrand, Setting, StrandDesignation

K = DestinationKind
Offer = Setting.Offer

#: The register's post-16 options by the demo's establishment types.
OFFERS = {
    FE_COLLEGE: Offer.COLLEGE,
    SPECIALIST_POST16: Offer.SPECIALIST_POST16,
    TRAINING_PROVIDER: Offer.TRAINING,
}

#: What a destination at a setting of each offer is.
KIND_OF_OFFER: dict[str, str] = {
    Offer.SIXTH_FORM: K.SCHOOL_SIXTH_FORM,
    Offer.COLLEGE: K.COLLEGE,
    Offer.SPECIALIST_POST16: K.SPECIALIST_POST16,
    Offer.SUPPORTED_INTERNSHIP: K.SUPPORTED_INTERNSHIP,
    Offer.TRAINING: K.APPRENTICESHIP,
    Offer.DAY_OPPORTUNITIES: K.ADULT_SOCIAL_CARE,
}

#: Options the 2012 list and the published data do not name: made up, labelled as such.
#: (name, offer, min age, max age, places, pounds a place, needs, in area, la name, lat, lon)
ILLUSTRATIVE = (
    ("Brixton Supported Internships (illustrative)", Offer.SUPPORTED_INTERNSHIP, 16, 25, 24,
     11_000, ("ASD", "MLD", "SLD", "SLCN"), True, "Lambeth", 51.4613, -0.1156),
    ("Kennington Pathways to Work (illustrative)", Offer.SUPPORTED_INTERNSHIP, 18, 25, 12,
     12_500, ("ASD", "MLD", "SEMH"), True, "Lambeth", 51.4880, -0.1110),
    ("Streatham Day Opportunities (illustrative)", Offer.DAY_OPPORTUNITIES, 18, 25, 30,
     24_000, ("PMLD", "SLD", "MSI", "PD"), True, "Lambeth", 51.4290, -0.1310),
    ("Croydon Life Skills Centre (illustrative)", Offer.DAY_OPPORTUNITIES, 18, 25, 20,
     26_500, ("PMLD", "SLD", "ASD"), False, "Croydon", 51.3760, -0.0980),
)  # fmt: skip

#: Needs that make adult care and support likely in the demo (with a chance each).
ADULT_CARE_LIKELY = {"PMLD": 0.95, "SLD": 0.8, "MSI": 0.7, "PD": 0.5, "ASD": 0.3, "DS": 0.2}


def reset_pathway(learners: QuerySet[Learner]) -> int:
    """Delete the pathway rows of these learners (before their reviews and rows go raw)."""
    removed = AdulthoodProgress.objects.filter(review__plan__learner__in=learners).delete()[0]
    removed += Destination.objects.filter(learner__in=learners).delete()[0]
    removed += Transition.objects.filter(learner__in=learners).delete()[0]
    return removed


def _register(rng: np.random.Generator) -> dict[str, int]:
    """Mark the register's post-16 options and add supported internships and day
    opportunities, each with its designations, ages and costs."""
    demo = Setting.objects.filter(source_note__startswith=DEMO_NOTE)
    for establishment_type, offer in OFFERS.items():
        demo.filter(establishment_type=establishment_type).update(post16_offer=offer)
    demo.filter(kind=Setting.Kind.SPECIAL, max_age__gte=19).update(post16_offer=Offer.SIXTH_FORM)
    orgs = Organisation.objects.bulk_create(
        Organisation(name=row[0], kind=Organisation.Kind.SETTING) for row in ILLUSTRATIVE
    )
    settings = Setting.objects.bulk_create(
        Setting(
            name=name, kind=Setting.Kind.POST16 if offer != Offer.DAY_OPPORTUNITIES
            else Setting.Kind.OTHER, establishment_type=offer.label, phase_of_education="16 plus",
            min_age=low, max_age=high, la_name=la, in_area=local, latitude=lat, longitude=lon,
            source=Setting.Source.ILLUSTRATIVE, post16_offer=offer, organisation=org,
            source_note=f"{DEMO_NOTE}an invented {offer.label.lower()}, not a real provider",
        )
        for (name, offer, low, high, _, _, _, local, la, lat, lon), org in zip(
            ILLUSTRATIVE, orgs, strict=True
        )
    )  # fmt: skip
    strands = ProvisionStrand.objects.bulk_create(
        ProvisionStrand(
            setting=setting, kind=ProvisionStrand.Kind.POST16, min_age=row[2], max_age=row[3],
            capacity=row[4], on_roll=0, place_funding=6_000, top_up=max(row[5] - 6_000, 0),
            cost_is_default=True, capacity_is_estimate=True,
            note=f"Illustrative: {int(rng.integers(2, 6))} places usually free each September",
        )
        for setting, row in zip(settings, ILLUSTRATIVE, strict=True)
    )  # fmt: skip
    StrandDesignation.objects.bulk_create(
        StrandDesignation(strand=strand, need=need)
        for strand, row in zip(strands, ILLUSTRATIVE, strict=True)
        for need in row[6]
    )
    return {"post-16 and post-19 options": demo.exclude(post16_offer="").count()}


def _pick(rng: np.random.Generator, options: list[Setting]) -> Setting | None:
    return options[int(rng.integers(len(options)))] if options else None


def build_pathway(
    *, la: Organisation, caseworker: User | None, as_at: dt.date, seed: int
) -> dict[str, int]:
    """Write the pathway of every demo young person from 14 to 25 with a plan."""
    rng = np.random.default_rng(seed + 25)
    counts = _register(rng)
    by_offer: dict[str, list[Setting]] = {}
    for setting in Setting.objects.filter(source_note__startswith=DEMO_NOTE).exclude(
        post16_offer=""
    ):
        by_offer.setdefault(setting.post16_offer, []).append(setting)
    oldest, youngest = add_months(as_at, -26 * 12), add_months(as_at, -14 * 12)
    plans = (
        Plan.objects.filter(learner__responsible_la=la, learner__date_of_birth__gt=oldest)
        .filter(learner__date_of_birth__lte=youngest)
        .exclude(status__in=[Plan.Status.DRAFTING, Plan.Status.WITHDRAWN])
        .select_related("learner")
        .order_by("learner_id", "pk")
    )
    learner_ids = [p.learner_id for p in plans]
    placed = {
        p.learner_id: p.setting
        for p in Placement.objects.filter(learner_id__in=learner_ids, ended_on__isnull=True)
        .select_related("setting")
        .order_by("started_on")
    }
    needs = dict(
        Need.objects.filter(learner_id__in=learner_ids, rank=1).values_list("learner_id", "code")
    )
    mine = set(
        Involvement.objects.filter(
            kind=Involvement.Kind.CASEWORKER, user=caseworker, learner_id__in=learner_ids
        ).values_list("learner_id", flat=True)
    )
    destinations: list[Destination] = []
    transitions: list[Transition] = []
    flagged_for_caseworker = 0
    for plan in plans:
        learner = plan.learner
        age = age_in_years(learner.date_of_birth, as_at)
        here = placed.get(learner.pk)
        now_kind: str | None = (
            KIND_OF_OFFER.get(here.post16_offer) if here and here.post16_offer else None
        )
        if now_kind is None and here is not None:
            now_kind = K.SCHOOL_SIXTH_FORM
        need = needs.get(learner.pk, "OTH")
        next_offer = (
            Offer.SPECIALIST_POST16
            if need in ("PMLD", "SLD", "MSI")
            else (Offer.SUPPORTED_INTERNSHIP if rng.random() < 0.35 else Offer.COLLEGE)
        )
        planned = _pick(rng, by_offer.get(next_offer, []))
        sixteen = add_months(learner.date_of_birth, 16 * 12)
        if age < 16:
            destinations.append(
                Destination(learner=learner, stage=Destination.Stage.AT_16,
                            planned_kind=KIND_OF_OFFER[Offer.COLLEGE] if next_offer ==
                            Offer.SUPPORTED_INTERNSHIP else KIND_OF_OFFER[next_offer],
                            planned_setting=planned if next_offer != Offer.SUPPORTED_INTERNSHIP
                            else _pick(rng, by_offer.get(Offer.COLLEGE, [])))
            )  # fmt: skip
        else:
            at16 = (
                (now_kind or K.NONE)
                if age < 19
                else (K.SCHOOL_SIXTH_FORM if rng.random() < 0.4 else K.COLLEGE)
            )
            destinations.append(
                Destination(learner=learner, stage=Destination.Stage.AT_16, planned_kind=at16,
                            actual_kind=at16,
                            actual_setting=here if age < 19 else None,
                            actual_from=dt.date(sixteen.year if sixteen.month < 9 else
                                                sixteen.year + 1, 9, 1) if age > 16 else None)
            )  # fmt: skip
            at19_actual = now_kind if age >= 19 and plan.status == Plan.Status.MAINTAINED else ""
            at19_place = here if at19_actual else None
            # Some leave college for a supported internship, or special school for day
            # opportunities, without a school place: the register's post-19 options.
            moved: dict[str, str] = {
                K.COLLEGE: Offer.SUPPORTED_INTERNSHIP,
                K.SCHOOL_SIXTH_FORM: Offer.DAY_OPPORTUNITIES,
            }
            if at19_actual in moved and age >= 20 and rng.random() < 0.2:
                at19_place = _pick(rng, by_offer.get(moved[at19_actual], []))
                at19_actual = KIND_OF_OFFER[moved[at19_actual]]
            destinations.append(
                Destination(learner=learner, stage=Destination.Stage.AT_19,
                            planned_kind=KIND_OF_OFFER[next_offer],
                            planned_setting=planned if age < 19 else None,
                            actual_kind=at19_actual or "",
                            actual_setting=at19_place)
            )  # fmt: skip
        if plan.status == Plan.Status.CEASED and age >= 16:
            left = plan.ceased_on or as_at
            leaving = (
                K.EMPLOYMENT if plan.cease_reason == 4 else
                K.HIGHER_EDUCATION if plan.cease_reason == 3 else
                K.NONE if plan.cease_reason == 6 else
                K.ADULT_SOCIAL_CARE if need in ("PMLD", "SLD") else K.APPRENTICESHIP
            )  # fmt: skip
            destinations.append(
                Destination(learner=learner, stage=Destination.Stage.ON_LEAVING,
                            planned_kind=leaving, actual_kind=leaving, actual_from=left)
            )  # fmt: skip
            if add_months(left, 12) <= as_at:
                after = leaving if rng.random() < 0.7 else K.NONE
                destinations.append(
                    Destination(learner=learner, stage=Destination.Stage.YEAR_AFTER,
                                actual_kind=after, actual_from=add_months(left, 12))
                )  # fmt: skip
        elif age >= 22 and rng.random() < 0.5:
            destinations.append(
                Destination(learner=learner, stage=Destination.Stage.ON_LEAVING,
                            planned_kind=K.EMPLOYMENT if rng.random() < 0.4
                            else K.SUPPORTED_INTERNSHIP)
            )  # fmt: skip
        if age >= 16:
            likely = rng.random() < ADULT_CARE_LIKELY.get(need, 0.05)
            # The demo caseworker's tray shows a few assessments still to ask for.
            waiting = learner.pk in mine and likely and 17 <= age < 19
            if waiting:
                flagged_for_caseworker += 1
            seventeen = add_months(learner.date_of_birth, 17 * 12)
            done = likely and not waiting and age >= 18 and rng.random() < 0.75
            requested = seventeen + dt.timedelta(days=int(rng.integers(10, 120))) if done else None
            transitions.append(
                Transition(
                    learner=learner, likely_needs_adult_care=likely,
                    care_act_requested_on=requested,
                    care_act_completed_on=requested + dt.timedelta(days=int(rng.integers(30, 90)))
                    if requested else None,
                    health_transition=Transition.Health.MOVED if age >= 18 and rng.random() < 0.6
                    else (Transition.Health.PLANNED if age >= 17 else Transition.Health.NOT_STARTED),
                    adult_health_from=add_months(learner.date_of_birth, 18 * 12)
                    if age >= 18 else None,
                    adult_health_lead="GP with the adult learning disability team"
                    if likely else "",
                )
            )  # fmt: skip
    for row in transitions:
        if row.health_transition != Transition.Health.MOVED:
            row.adult_health_from = None
    Destination.objects.bulk_create(destinations, batch_size=500)
    Transition.objects.bulk_create(transitions, batch_size=500)
    progress = _progress(plans, rng)
    counts.update(
        {
            "pathway destinations": len(destinations),
            "transitions to adult services": len(transitions),
            "adulthood progress at reviews": progress,
            "Care Act assessments to ask for (demo caseworker)": flagged_for_caseworker,
        }
    )
    return counts


def _progress(plans: QuerySet[Plan], rng: np.random.Generator) -> int:
    """Progress on the four outcomes at each held review from Year 9, better with age."""
    reviews = Review.objects.filter(
        plan__in=plans, preparing_for_adulthood=True, meeting_on__isnull=False
    ).select_related("plan__learner")
    levels = [p.value for p in Progress]
    rows = []
    for review in reviews:
        age = age_in_years(review.plan.learner.date_of_birth, review.meeting_on or review.due_on)
        centre = min(max((age - 14) / 3, 0), 3)
        row = AdulthoodProgress(review=review)
        for level, _ in OUTCOME_FIELDS.values():
            pick = int(np.clip(round(centre + rng.normal(0, 0.9)), 0, 3))
            setattr(row, level, levels[pick])
        row.employment_note = "Wants to work with animals; a supported internship is the next step."
        row.independent_living_note = "Travels to college alone on the bus since the autumn."
        row.community_note = "Goes to a youth club on Fridays with two friends."
        row.health_note = "Knows their medicines; moving to the adult team is planned."
        rows.append(row)
    AdulthoodProgress.objects.bulk_create(rows, batch_size=500)
    return len(rows)
