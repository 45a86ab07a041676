"""A synthetic area for ``bench_pages.py``: learners, settings, placements, involvements.

Built with ``bulk_create`` from a seed, into whatever database Django is set up with.
Shapes are plausible rather than matched to any published count: ages weighted to school
years, primary needs in roughly the national shares, about 300 settings of every kind
with designated strands, one current placement each for most learners and a past one
for some, a caseworker and a parent for everyone, health and setting involvements for
some. Nobody here is real.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction

from sendplan.accounts.models import Membership, Organisation, Role, User
from sendplan.engine import NEED_CODES, upn_check_letter
from sendplan.learners.models import Involvement, Learner, Need, Placement
from sendplan.provision.models import ProvisionStrand, Setting, StrandDesignation

LA_CODE = "E09000999"
TODAY = dt.date(2026, 1, 15)
BATCH = 2_000
# Rough shares of primary need among EHC plans in England, in NEED_CODES order.
NEED_WEIGHTS = (3, 7, 6, 1, 16, 20, 1.5, 0.7, 0.3, 2.5, 32, 1, 4)
GIVEN = [
    "Alex",
    "Amara",
    "Ben",
    "Chloe",
    "Daniel",
    "Ella",
    "Finley",
    "Grace",
    "Harry",
    "Isla",
    "Jack",
    "Jasmine",
    "Kai",
    "Leah",
    "Leo",
    "Maya",
    "Mohammed",
    "Noah",
    "Olivia",
    "Oscar",
    "Priya",
    "Reuben",
    "Ruby",
    "Sami",
    "Sofia",
    "Theo",
    "Yusuf",
    "Zara",
    "Zion",
    "Ava",
]
FAMILY = [
    "Adams",
    "Ali",
    "Baker",
    "Begum",
    "Brown",
    "Campbell",
    "Clarke",
    "Davies",
    "Evans",
    "Green",
    "Hall",
    "Hughes",
    "Islam",
    "Jackson",
    "James",
    "Johnson",
    "Jones",
    "Khan",
    "Lewis",
    "Martin",
    "Mensah",
    "Morris",
    "Nguyen",
    "Okafor",
    "Owusu",
    "Patel",
    "Roberts",
    "Robinson",
    "Shah",
    "Smith",
    "Taylor",
    "Thomas",
    "Walker",
    "White",
    "Williams",
    "Wilson",
    "Wood",
    "Wright",
    "Young",
]


def area_is_built(size: int) -> bool:
    la = Organisation.objects.filter(kind=Organisation.Kind.LOCAL_AUTHORITY, code=LA_CODE).first()
    return la is not None and Learner.objects.filter(responsible_la=la).count() == size


def build_area(size: int, *, seed: int) -> dict[str, Any]:
    """Build the area unless it is already there; return what the benchmark needs."""
    if not area_is_built(size):
        with transaction.atomic():
            _build(size, random.Random(seed))
    la = Organisation.objects.get(kind=Organisation.Kind.LOCAL_AUTHORITY, code=LA_CODE)
    learners = Learner.objects.filter(responsible_la=la)
    step = max(1, size // 50)
    return {
        "learners": size,
        "settings": Setting.objects.count(),
        "search_text": "Smith",
        "record_pks": list(learners.order_by("pk").values_list("pk", flat=True)[::step][:50]),
        "setting_pks": list(
            Setting.objects.exclude(kind=Setting.Kind.MAINSTREAM)
            .order_by("pk")
            .values_list("pk", flat=True)[:20]
        ),
    }


# Settings: (kind, how many, age ranges, strand kind, need sets, capacity range, in area share)
_SETTING_PLAN: list[tuple[str, int, list[tuple[int, int]], str | None, int, float]] = [
    (Setting.Kind.MAINSTREAM, 200, [(4, 11), (11, 16), (11, 18), (2, 11)], None, 0, 0.97),
    (
        Setting.Kind.RESOURCED,
        40,
        [(4, 11), (11, 16)],
        ProvisionStrand.Kind.RESOURCED_PROVISION,
        12,
        1.0,
    ),
    (
        Setting.Kind.SPECIAL,
        30,
        [(2, 19), (4, 11), (11, 19), (5, 16)],
        ProvisionStrand.Kind.SPECIAL_SCHOOL,
        100,
        0.75,
    ),
    (
        Setting.Kind.INDEPENDENT,
        20,
        [(7, 19), (11, 19), (5, 18)],
        ProvisionStrand.Kind.INDEPENDENT,
        40,
        0.0,
    ),
    (Setting.Kind.POST16, 10, [(16, 25), (16, 19)], ProvisionStrand.Kind.POST16, 60, 0.8),
]


def _build(size: int, rng: random.Random) -> None:
    la = Organisation.objects.create(
        name="Benchmark Borough (synthetic)", kind=Organisation.Kind.LOCAL_AUTHORITY, code=LA_CODE
    )
    health_org = Organisation.objects.create(
        name="Benchmark NHS Trust", kind=Organisation.Kind.HEALTH
    )
    family = Organisation.objects.create(name="Families", kind=Organisation.Kind.FAMILY)

    settings = _build_settings(rng)
    setting_orgs = Organisation.objects.bulk_create(
        [Organisation(name=s.name, kind=Organisation.Kind.SETTING) for s in settings]
    )
    for setting, organisation in zip(settings, setting_orgs, strict=True):
        setting.organisation = organisation
    Setting.objects.bulk_update(settings, ["organisation"])

    def staff(prefix: str, count: int, organisation: Organisation, role: str) -> list[User]:
        users = User.objects.bulk_create(
            [
                User(username=f"bench-{prefix}-{n}", first_name="Bench", last_name=f"{prefix} {n}")
                for n in range(count)
            ]
        )
        Membership.objects.bulk_create(
            [
                Membership(
                    user=u, organisation=organisation, role=role, started_on=dt.date(2020, 1, 1)
                )
                for u in users
            ]
        )
        return users

    caseworkers = staff("caseworker", 20, la, Role.LA_CASEWORKER)
    staff("manager", 2, la, Role.LA_MANAGER)
    health = staff("health", 30, health_org, Role.HEALTH)
    special = [s for s in settings if s.kind == Setting.Kind.SPECIAL]
    for n, setting in enumerate(special[:5]):
        staff(f"senco-{n}", 1, setting.organisation, Role.SETTING_STAFF)  # type: ignore[arg-type]
        User.objects.filter(username=f"bench-senco-{n}-0").update(username=f"bench-senco-{n}")

    learners = _build_learners(size, la, rng)
    _build_needs(learners, rng)
    _build_placements(learners, settings, rng)
    _build_involvements(learners, settings, caseworkers, health, la, health_org, family, rng)


def _build_settings(rng: random.Random) -> list[Setting]:
    settings: list[Setting] = []
    plans: list[tuple[Setting, str | None, int]] = []
    serial = 0
    for kind, count, ranges, strand_kind, capacity, in_area_share in _SETTING_PLAN:
        for _ in range(count):
            serial += 1
            low, high = rng.choice(ranges)
            in_area = rng.random() < in_area_share
            settings.append(
                Setting(
                    urn=100_000 + serial,
                    name=f"{rng.choice(FAMILY)} {rng.choice(['Park', 'Hill', 'Road', 'Green', 'Vale'])} "
                    f"{'School' if kind != Setting.Kind.POST16 else 'College'} {serial}",
                    kind=kind,
                    min_age=low,
                    max_age=high,
                    street=f"{rng.randint(1, 200)} {rng.choice(FAMILY)} Street",
                    town="Benchmark",
                    postcode=f"SW{rng.randint(1, 20)} {rng.randint(1, 9)}AB",
                    latitude=51.45 + rng.uniform(-0.3, 0.3),
                    longitude=-0.12 + rng.uniform(-0.4, 0.4),
                    la_name="Benchmark Borough"
                    if in_area
                    else rng.choice(["Croydon", "Kent", "Surrey"]),
                    in_area=in_area,
                    ofsted_rating=rng.choice(
                        ["Outstanding", "Good", "Good", "Requires improvement", ""]
                    ),
                    school_capacity=rng.randint(200, 1500)
                    if kind == Setting.Kind.MAINSTREAM
                    else None,
                    source=Setting.Source.ILLUSTRATIVE,
                )
            )
            plans.append((settings[-1], strand_kind, capacity))
    Setting.objects.bulk_create(settings)

    strands: list[ProvisionStrand] = []
    strand_needs: list[list[str]] = []
    for setting, strand_kind, capacity in plans:
        if strand_kind is None:
            continue
        for _ in range(rng.choice([1, 1, 2])):
            places = max(4, int(capacity * rng.uniform(0.5, 1.5)))
            fee = (
                rng.randint(45, 90) * 1000
                if strand_kind == ProvisionStrand.Kind.INDEPENDENT
                else None
            )
            strands.append(
                ProvisionStrand(
                    setting=setting,
                    kind=strand_kind,
                    min_age=setting.min_age,
                    max_age=setting.max_age,
                    capacity=places,
                    on_roll=min(places, int(places * rng.uniform(0.8, 1.05))),
                    place_funding=10_000
                    if strand_kind == ProvisionStrand.Kind.SPECIAL_SCHOOL
                    else 6_000,
                    top_up=rng.randint(8, 25) * 1000,
                    annual_fee=fee,
                )
            )
            strand_needs.append(rng.sample(NEED_CODES, rng.randint(1, 3)))
    ProvisionStrand.objects.bulk_create(strands)
    StrandDesignation.objects.bulk_create(
        [
            StrandDesignation(strand=s, need=n)
            for s, needs in zip(strands, strand_needs, strict=True)
            for n in needs
        ]
    )
    return settings


def _age_weighted(rng: random.Random) -> int:
    # EHC plans peak in the school years; few under 4 or over 19.
    return rng.choices(range(26), weights=[1, 2, 3, 5] + [9] * 12 + [6] * 4 + [2] * 6)[0]


def _build_learners(size: int, la: Organisation, rng: random.Random) -> list[Learner]:
    learners = []
    for n in range(size):
        age = _age_weighted(rng)
        born = TODAY.replace(year=TODAY.year - age) - dt.timedelta(days=rng.randint(1, 364))
        body = f"999{n // 1000:04}{born.year % 100:02}{n % 1000:03}"
        learners.append(
            Learner(
                upn=upn_check_letter(body) + body,
                given_name=rng.choice(GIVEN),
                family_name=rng.choice(FAMILY),
                date_of_birth=born,
                sex=rng.choice([Learner.Sex.FEMALE, Learner.Sex.MALE, Learner.Sex.MALE]),
                postcode=f"SW{rng.randint(1, 20)} {rng.randint(1, 9)}XY",
                latitude=51.45 + rng.uniform(-0.05, 0.05),
                longitude=-0.12 + rng.uniform(-0.05, 0.05),
                responsible_la=la,
            )
        )
    return Learner.objects.bulk_create(learners, batch_size=BATCH)


def _build_needs(learners: list[Learner], rng: random.Random) -> None:
    needs = []
    for learner in learners:
        chosen = rng.choices(NEED_CODES, weights=NEED_WEIGHTS, k=1)
        if rng.random() < 0.4:
            second = rng.choices(NEED_CODES, weights=NEED_WEIGHTS, k=1)[0]
            if second not in chosen:
                chosen.append(second)
        needs += [
            Need(learner=learner, code=code, rank=rank) for rank, code in enumerate(chosen, 1)
        ]
    Need.objects.bulk_create(needs, batch_size=BATCH)


def _age_of(learner: Learner) -> int:
    born = learner.date_of_birth
    return TODAY.year - born.year - ((TODAY.month, TODAY.day) < (born.month, born.day))


def _build_placements(learners: list[Learner], settings: list[Setting], rng: random.Random) -> None:
    by_age: dict[int, list[Setting]] = {
        age: [s for s in settings if s.min_age <= age <= s.max_age] for age in range(26)
    }
    placements = []
    for learner in learners:
        age = _age_of(learner)
        candidates = by_age[age]
        if age < 2 or not candidates or rng.random() < 0.07:
            continue  # not in education, or placement being sought
        if rng.random() < 0.3 and by_age[max(age - 3, 0)]:
            # A past placement, ended last summer.
            placements.append(
                Placement(
                    learner=learner,
                    setting=rng.choice(by_age[max(age - 3, 0)]),
                    started_on=dt.date(TODAY.year - 4, 9, 1),
                    ended_on=dt.date(TODAY.year - 1, 7, 20),
                    decided_by="Benchmark officer",
                )
            )
        placements.append(
            Placement(
                learner=learner,
                setting=rng.choice(candidates),
                started_on=dt.date(TODAY.year - 1, 9, 1),
                decided_by="Benchmark officer",
            )
        )
    Placement.objects.bulk_create(placements, batch_size=BATCH)


def _build_involvements(
    learners: list[Learner],
    settings: list[Setting],
    caseworkers: list[User],
    health: list[User],
    la: Organisation,
    health_org: Organisation,
    family: Organisation,
    rng: random.Random,
) -> None:
    involvements = []
    since = dt.date(TODAY.year - 2, 1, 10)
    for learner in learners:
        involvements.append(
            Involvement(
                learner=learner,
                kind=Involvement.Kind.CASEWORKER,
                organisation=la,
                user=rng.choice(caseworkers),
                reason="EHC coordinator",
                started_on=since,
            )
        )
        involvements.append(
            Involvement(
                learner=learner,
                kind=Involvement.Kind.PARENT,
                organisation=family,
                reason=rng.choice(["Mother", "Father", "Carer"]),
                started_on=learner.date_of_birth,
            )
        )
        if rng.random() < 0.3:
            involvements.append(
                Involvement(
                    learner=learner,
                    kind=Involvement.Kind.HEALTH,
                    organisation=health_org,
                    user=rng.choice(health),
                    started_on=since,
                    reason=rng.choice(
                        ["Speech and language therapy", "Occupational therapy", "Paediatrics"]
                    ),
                )
            )
        if rng.random() < 0.05:
            consulted = rng.choice(settings)
            involvements.append(
                Involvement(
                    learner=learner,
                    kind=Involvement.Kind.SETTING,
                    organisation=consulted.organisation,
                    reason="Consulted on naming the setting",
                    started_on=TODAY - dt.timedelta(days=30),
                )
            )
    Involvement.objects.bulk_create(involvements, batch_size=BATCH)
