"""Build the Lambeth demo partnership into the database, and take it down again.

Everything is computed in memory first (places, cohort, placements, relationships) from one
seeded random generator, then written with ``bulk_create`` in a single transaction: a few
dozen queries, whatever the number of learners.

Which rows are the demo's: the Lambeth LA organisation (code E09000022) and every learner it is
responsible for, with their needs, placements, involvements, consents, history and audit events;
settings whose ``source_note`` starts with ``DEMO_NOTE``; users whose username starts with
``demo.``; and the organisations only those rows use.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.conf import settings as django_settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django_otp.plugins.otp_totp.models import TOTPDevice

from sendplan.accounts import second_factor
from sendplan.accounts.models import Membership, Organisation, Role, User
from sendplan.casework.advice.selectors import advice_awaiting_assignment
from sendplan.casework.plans.models import Plan
from sendplan.delivery.models import WeeklyTotal
from sendplan.demo.calibration import LA_CODE, joint_counts
from sendplan.demo.case_story import reset_documents
from sendplan.demo.casework_write import Cast, build_casework, reset_casework
from sendplan.demo.delivery import build_delivery, reset_delivery
from sendplan.demo.exclusions import build_exclusions, reset_exclusions
from sendplan.demo.front_door import build_front_door
from sendplan.demo.learners_data import (
    CENSUS_DATE,
    SyntheticLearner,
    assign_upns,
    make_cohort,
    read_lsoas,
    reference_date,
)
from sendplan.demo.local_services import build_local_services, reset_local_services
from sendplan.demo.money import cost_placements, reset_money
from sendplan.demo.pathway import build_pathway, reset_pathway
from sendplan.demo.people import (
    DEMO_USERNAME_PREFIX,
    PARENT_ACCOUNTS,
    TRIAGE_ACCOUNTS,
    StaffSpec,
    staff_specs,
)
from sendplan.demo.placing import StrandSlot, place_learners, slots_for, start_date
from sendplan.demo.plan_history import cease_aged_out
from sendplan.demo.planning import build_planning
from sendplan.demo.relationships import Showcase, choose_showcase, plan_relationships
from sendplan.demo.return_details import add_return_details
from sendplan.demo.reviews import build_reviews
from sendplan.demo.settings_data import DEMO_NOTE, SettingSpec, setting_specs
from sendplan.demo.siting import build_candidates, reset_candidates
from sendplan.learners.models import (
    AuditEvent,
    ConsentToShare,
    Involvement,
    Learner,
    Need,
    Placement,
    SharingNotice,
)
from sendplan.learners.selectors import learners_visible_to
from sendplan.learners.services import audit_events_purge
from sendplan.planning.models import PlanningRun
from sendplan.provision.models import ProvisionStrand, Setting, StrandDesignation

DEFAULT_SEED = 20250116
#: The one password of every demo account: long, and printed with the sign-ins.
DEMO_PASSWORD = "lambeth-demo-partnership-synthetic-people-only"
LA_NAME = "London Borough of Lambeth (demo)"
#: What the service calls itself while it serves the demo (SENDPLAN_PARTNERSHIP_NAME).
PARTNERSHIP_NAME = "Lambeth SEND Partnership (demo)"
SERVICE_ORGANISATIONS = {
    "health": ("Lambeth children's community health services (demo)", Organisation.Kind.HEALTH),
    "camhs": ("Lambeth child and adolescent mental health service (demo)",
              Organisation.Kind.HEALTH),
    "social_care": ("Lambeth children's social care (demo)", Organisation.Kind.SOCIAL_CARE),
    "ep_service": ("Lambeth educational psychology service (demo)",
                   Organisation.Kind.EP_SERVICE),
}  # fmt: skip


@dataclass(frozen=True)
class SignIn:
    role: str
    username: str
    sees: str
    #: The authenticator app key, grouped in fours, when the second factor is on.
    authenticator_key: str = ""


@dataclass
class DemoSummary:
    seed: int
    as_at: dt.date
    counts: dict[str, int] = field(default_factory=dict)
    sign_ins: list[SignIn] = field(default_factory=list)
    out_of_age_range: int = 0
    seconds: float = 0.0
    password: str = DEMO_PASSWORD


def _demo_users() -> Q:
    return Q(username__startswith=DEMO_USERNAME_PREFIX)


def reset_demo() -> dict[str, int]:
    """Delete every row the demo builds. Safe to run when there is no demo."""
    removed: dict[str, int] = {}
    la = Organisation.objects.filter(kind=Organisation.Kind.LOCAL_AUTHORITY, code=LA_CODE).first()
    demo_learners = Learner.objects.filter(responsible_la=la) if la else Learner.objects.none()
    demo_settings = Setting.objects.filter(source_note__startswith=DEMO_NOTE)
    organisation_ids = set(
        Involvement.objects.filter(learner__in=demo_learners).values_list(
            "organisation_id", flat=True
        )
    )
    organisation_ids |= set(
        demo_settings.exclude(organisation=None).values_list("organisation_id", flat=True)
    )
    organisation_ids |= set(
        Membership.objects.filter(user__in=User.objects.filter(_demo_users())).values_list(
            "organisation_id", flat=True
        )
    )
    if la:
        organisation_ids.add(la.pk)
    # Audit events are append-only; the demo's own go with the demo, as a deliberate purge.
    removed["audit events"] = audit_events_purge(
        events=AuditEvent.objects.filter(
            Q(learner__in=demo_learners) | Q(user__in=User.objects.filter(_demo_users()))
        ),
        reason="demo partnership removed",
    )
    removed["documents"] = reset_documents(demo_learners)
    removed["pathway rows"] = reset_pathway(demo_learners)
    removed["delivery log"] = reset_delivery(demo_learners)
    if la:
        WeeklyTotal.objects.filter(la=la).delete()
    if la:
        # Planning runs propose places for demo learners and settings, and an accepted
        # proposal points at the amendment it started: they go before the plans.
        removed["planning runs"] = PlanningRun.objects.filter(la=la).delete()[0]
    removed["cases"] = reset_casework(demo_learners)
    removed["exclusions and home education"] = reset_exclusions(demo_learners)
    removed["budgets"] = reset_money(la)
    removed["candidate sites"] = reset_candidates(la)
    for name, model in (
        ("needs", Need),
        ("sharing notices", SharingNotice),
        ("consents", ConsentToShare),
        ("placements", Placement),
        ("involvements", Involvement),
    ):
        removed[name] = model.objects.filter(learner__in=demo_learners).delete()[0]
    removed["involvements"] += Involvement.objects.filter(
        user__in=User.objects.filter(_demo_users())
    ).delete()[0]
    Learner.history.filter(id__in=demo_learners.values("pk")).delete()
    # A raw delete: the history model would otherwise write a "deleted" row per learner.
    removed["learners"] = demo_learners._raw_delete(demo_learners.db) if la else 0
    removed["settings"] = demo_settings.delete()[1].get(Setting._meta.label, 0)
    Membership.objects.filter(user__in=User.objects.filter(_demo_users())).delete()
    removed["users"] = User.objects.filter(_demo_users()).delete()[1].get(User._meta.label, 0)
    removed["local services"] = reset_local_services(organisation_ids)
    removed["organisations"] = (
        Organisation.objects.filter(pk__in=organisation_ids)
        .filter(memberships=None, involvements=None, learners=None, setting=None)
        .delete()[0]
    )
    return removed


def _data_dir(data_dir: Path | None) -> Path:
    return Path(data_dir or django_settings.SHARED_DATA_DIR)


@transaction.atomic
def build_demo(
    *, seed: int = DEFAULT_SEED, as_at: dt.date = CENSUS_DATE, data_dir: Path | None = None
) -> DemoSummary:
    """Replace the demo partnership with a fresh one built from ``seed``."""
    started = time.perf_counter()
    if getattr(django_settings, "PRODUCTION", False):
        raise RuntimeError("The demo partnership is never built in production.")
    folder = _data_dir(data_dir)
    rng = np.random.default_rng(seed)
    reference = reference_date(as_at)

    # In memory: places, people, placements, relationships.
    specs = setting_specs(folder, rng)
    published, counts = joint_counts(folder)
    learners = make_cohort(published, counts, rng=rng, as_at=as_at, lsoas=read_lsoas(folder))
    slots = slots_for(specs)
    placed, out_of_age = place_learners(learners, slots, rng)
    showcase = choose_showcase(learners, placed, [s.establishment_type for s in specs], as_at)
    _make_siblings(learners, showcase)
    assign_upns(learners, _establishment_numbers(specs, placed), rng, reference)
    staff = staff_specs(rng)
    involvements, consents, family_of = plan_relationships(
        learners, staff, showcase, as_at=as_at, rng=rng
    )

    # In the database.
    summary = DemoSummary(seed=seed, as_at=as_at, out_of_age_range=out_of_age)
    summary.counts["removed learners"] = reset_demo().get("learners", 0)
    la = Organisation.objects.create(
        name=LA_NAME, kind=Organisation.Kind.LOCAL_AUTHORITY, code=LA_CODE
    )
    orgs: dict[str, Organisation] = {"la": la}
    services = [Organisation(name=n, kind=k) for n, k in SERVICE_ORGANISATIONS.values()]
    setting_orgs = [Organisation(name=s.name, kind=Organisation.Kind.SETTING) for s in specs]
    family_keys = sorted(set(family_of.values()), key=lambda k: int(k.split(":")[1]))
    families = [
        Organisation(name=f"{learners[int(k.split(':')[1])].family_name} family",
                     kind=Organisation.Kind.FAMILY)
        for k in family_keys
    ]  # fmt: skip
    Organisation.objects.bulk_create([*services, *setting_orgs, *families])
    orgs.update(zip(SERVICE_ORGANISATIONS, services, strict=True))
    orgs.update((f"setting:{i}", o) for i, o in enumerate(setting_orgs))
    orgs.update(zip(family_keys, families, strict=True))

    setting_rows, strand_rows = _write_settings(specs, setting_orgs, slots, rng)
    young = learners[showcase.young_person]
    users = _write_users(
        staff, orgs, showcase, family_of, as_at, (young.given_name, young.family_name)
    )
    learner_rows = _write_learners(learners, la)
    decided_by = {
        p.learner: users[p.username].get_full_name()
        for p in involvements
        if p.kind == "caseworker" and p.username
    }
    Placement.objects.bulk_create(
        Placement(
            learner=learner_rows[i],
            setting=setting_rows[slot.setting_index],
            strand=strand_rows[(slot.setting_index, slot.strand_index)],
            started_on=start_date(learners[i], slot.spec, reference, rng),
            decided_by=decided_by.get(i, ""),
        )
        for i, slot in sorted(placed.items())
    )
    summary.counts.update(cost_placements(la=la, seed=seed, as_at=as_at))
    summary.counts.update(build_candidates(la=la, settings=setting_rows))
    summary.counts.update(build_local_services(orgs))
    Involvement.objects.bulk_create(
        Involvement(
            learner=learner_rows[p.learner],
            kind=p.kind,
            organisation=orgs[p.organisation],
            user=users[p.username] if p.username else None,
            reason=p.reason,
            started_on=p.started_on,
        )
        for p in involvements
    )
    SharingNotice.objects.bulk_create(
        SharingNotice(learner=learner_rows[c.learner], purpose=c.purpose, told=c.given_by,
                      told_on=c.given_on)
        for c in consents
    )  # fmt: skip
    setting_of = {i: setting_rows[slot.setting_index] for i, slot in placed.items()}
    cast = Cast(learners, learner_rows, involvements, users, orgs, showcase, setting_of)
    summary.counts.update(build_casework(cast, as_at=as_at, seed=seed, data_dir=folder))
    add_return_details(learner_rows, seed=seed, as_at=as_at)
    summary.counts.update(cease_aged_out(la=la, as_at=as_at))
    # The learners the demo counts as having a plan: each has it issued, with its history.
    summary.counts["learners with a plan"] = (
        Plan.objects.filter(learner__responsible_la=la, status=Plan.Status.MAINTAINED)
        .values("learner")
        .distinct()
        .count()
    )
    summary.counts.update(build_front_door(cast, as_at=as_at))
    summary.counts.update(
        build_pathway(la=la, caseworker=users.get("demo.caseworker"), as_at=as_at, seed=seed)
    )
    summary.counts.update(
        build_delivery(
            la=la,
            health=orgs["health"],
            users=users,
            poor_learner_ids=_delivery_showcase(users, setting_rows[showcase.senco_setting],
                                                learner_rows[showcase.sibling]),
            as_at=as_at,
            seed=seed,
        )
    )  # fmt: skip
    summary.counts.update(build_reviews(cast, as_at=as_at))
    summary.counts.update(
        build_exclusions(la=la, caseworker=users.get("demo.caseworker"), as_at=as_at, seed=seed)
    )
    summary.counts.update(
        build_planning(la=la, commissioner=users["demo.commissioner"], as_at=as_at)
    )

    summary.counts.update(
        learners=len(learner_rows),
        settings=len(setting_rows),
        strands=len(strand_rows),
        placements=len(placed),
        involvements=len(involvements),
        **{"sharing notices": len(consents)},
        users=len(users),
        organisations=1 + len(services) + len(setting_orgs) + len(families),
    )
    summary.sign_ins = _sign_ins(
        users, setting_rows[showcase.senco_setting], _authenticator_apps(users)
    )
    summary.seconds = time.perf_counter() - started
    return summary


def _delivery_showcase(
    users: dict[str, User], senco_setting: Setting, sibling: Learner
) -> set[int]:
    """Learners with a row delivered poorly lately, so each printed sign-in sees a shortfall:
    the parent's other child, one at the demo SENCO's school, two of the demo caseworker's
    and one the demo therapist sees."""
    maintained = Plan.objects.filter(status=Plan.Status.MAINTAINED).values("learner_id")
    chosen = {sibling.pk}
    at_school = Placement.objects.filter(
        setting=senco_setting, ended_on__isnull=True, learner_id__in=maintained
    ).order_by("learner_id")
    chosen.update(at_school.values_list("learner_id", flat=True)[:1])
    for username, kind, count in (
        ("demo.caseworker", "caseworker", 2),
        ("demo.health", "health", 1),
    ):
        involved = Involvement.objects.filter(
            user=users.get(username), kind=kind, ended_on__isnull=True, learner_id__in=maintained
        ).order_by("learner_id")
        chosen.update(involved.values_list("learner_id", flat=True)[:count])
    return chosen


def _make_siblings(learners: list[SyntheticLearner], showcase: Showcase) -> None:
    """The demo parent's two children share a family name and a home."""
    child, sibling = learners[showcase.child], learners[showcase.sibling]
    sibling.family_name = child.family_name
    sibling.lsoa_code, sibling.latitude, sibling.longitude = (
        child.lsoa_code,
        child.latitude,
        child.longitude + 0.00002,
    )


def _establishment_numbers(
    specs: list[SettingSpec], placed: dict[int, StrandSlot]
) -> dict[int, int]:
    """DfE-style numbers for Lambeth schools (1xxx nursery, 2xxx primary, 4xxx secondary,
    7xxx special), made up in list order: the 2012 file does not give them."""
    numbers: dict[int, int] = {}
    next_in_block = {"Nursery": 1001, "Primary": 2001, "Secondary": 4001}
    for i, spec in enumerate(specs):
        if spec.la_code != "208" or spec.source == "illustrative":
            continue
        block = "Special" if spec.kind == "special" else spec.phase
        start = next_in_block.get(block, 7001)
        numbers[i] = start
        next_in_block[block] = start + 1
    return {
        learner: numbers[slot.setting_index]
        for learner, slot in placed.items()
        if slot.setting_index in numbers
    }


def _write_settings(
    specs: list[SettingSpec],
    organisations: list[Organisation],
    slots: list[StrandSlot],
    rng: np.random.Generator,
) -> tuple[list[Setting], dict[tuple[int, int], ProvisionStrand]]:
    rows = Setting.objects.bulk_create(
        Setting(
            urn=s.urn, name=s.name, kind=s.kind, establishment_type=s.establishment_type,
            phase_of_education=s.phase, min_age=s.min_age, max_age=s.max_age, street=s.street,
            town=s.town, postcode=s.postcode, latitude=s.latitude, longitude=s.longitude,
            la_code=s.la_code, la_name=s.la_name, in_area=s.in_area, source=s.source,
            source_note=s.source_note[:300], organisation=org,
        )
        for s, org in zip(specs, organisations, strict=True)
    )  # fmt: skip
    strands: dict[tuple[int, int], ProvisionStrand] = {}
    for slot in slots:
        spec = slot.spec
        if spec.capacity is not None:
            capacity = spec.capacity
        elif slot.taken:
            capacity = slot.taken + max(1, round(slot.taken * rng.uniform(0.03, 0.15)))
        else:
            capacity = int(rng.integers(4, 12))
        strands[(slot.setting_index, slot.strand_index)] = ProvisionStrand(
            setting=rows[slot.setting_index], kind=spec.kind, min_age=spec.min_age,
            max_age=spec.max_age, capacity=capacity, on_roll=slot.taken,
            place_funding=spec.place_funding, top_up=spec.top_up, annual_fee=spec.annual_fee,
            cost_is_default=True, capacity_is_estimate=spec.capacity_is_estimate,
            note=spec.note[:300],
        )  # fmt: skip
    ProvisionStrand.objects.bulk_create(strands.values())
    StrandDesignation.objects.bulk_create(
        StrandDesignation(strand=strands[(slot.setting_index, slot.strand_index)], need=need)
        for slot in slots
        for need in sorted(slot.spec.needs)
    )
    return rows, strands


def _write_users(
    staff: list[StaffSpec],
    orgs: dict[str, Organisation],
    showcase: Showcase,
    family_of: dict[int, str],
    as_at: dt.date,
    young_person_name: tuple[str, str],
) -> dict[str, User]:
    """Staff, the SENCO, a few parents and the young person, all with the one demo password."""
    password = make_password(DEMO_PASSWORD)  # hashed once: Argon2 is slow on purpose
    accounts: list[tuple[str, str, str, str, str, bool]] = [
        (s.username, s.first_name, s.last_name, s.role, s.organisation, s.is_staff) for s in staff
    ]
    accounts.append(("demo.senco", "Morgan", "Ellis", Role.SETTING_STAFF,
                     f"setting:{showcase.senco_setting}", False))  # fmt: skip
    parent_of = [showcase.child, *showcase.other_parents][:PARENT_ACCOUNTS]
    for number, child in enumerate(parent_of, start=1):
        username = "demo.parent" if number == 1 else f"demo.parent{number:02d}"
        first = ("Jordan", "Sam", "Alex", "Robin", "Charlie")[number - 1]
        org = family_of[child]
        accounts.append((username, first, orgs[org].name.removesuffix(" family"), Role.PARENT,
                         org, False))  # fmt: skip
    accounts.append(("demo.youngperson", *young_person_name, Role.YOUNG_PERSON,
                     family_of[showcase.young_person], False))  # fmt: skip
    users = User.objects.bulk_create(
        User(username=u, first_name=f, last_name=last, email=f"{u}@demo.invalid",
             password=password, is_staff=staff_flag, is_superuser=staff_flag)
        for u, f, last, _, _, staff_flag in accounts
    )  # fmt: skip
    by_name = {u.username: u for u in users}
    triage = [
        *((u, org) for org, u in TRIAGE_ACCOUNTS.items()),
        ("demo.senco", f"setting:{showcase.senco_setting}"),
    ]
    Membership.objects.bulk_create(
        Membership(user=by_name[u], organisation=orgs[org], role=role,
                   started_on=min(as_at, dt.date(2022, 9, 1)))
        for u, _, _, role, org, _ in [
            *accounts, *((u, "", "", Role.ADVICE_TRIAGE, org, False) for u, org in triage)
        ]
    )  # fmt: skip
    return by_name


def _write_learners(learners: list[SyntheticLearner], la: Organisation) -> list[Learner]:
    # Plain bulk_create: no initial history row per learner (the history starts at the
    # first real edit), which keeps the build fast.
    rows = Learner.objects.bulk_create(
        [
            Learner(
                upn=x.upn, uln=x.uln, nhs_number=x.nhs_number, given_name=x.given_name,
                family_name=x.family_name, date_of_birth=x.date_of_birth, sex=x.sex,
                lsoa_code=x.lsoa_code, latitude=x.latitude, longitude=x.longitude,
                responsible_la=la,
            )
            for x in learners
        ],
        batch_size=500,
    )  # fmt: skip
    Need.objects.bulk_create(
        Need(learner=rows[x.index], code=code, rank=rank)
        for x in learners
        for rank, code in enumerate(x.needs, start=1)
    )
    return rows


_ROLE_LABELS = (
    ("demo.caseworker", "LA caseworker (EHC coordinator)"),
    ("demo.commissioner", "LA SEND manager / commissioner"),
    ("demo.senco", "SENCO"),
    ("demo.health", "Health practitioner"),
    ("demo.socialworker", "Social worker"),
    ("demo.ep", "Educational psychologist"),
    ("demo.parent", "Parent or carer"),
    ("demo.youngperson", "Young person (16+)"),
    ("demo.admin", "Administrator"),
    ("demo.health02", "Advice triage (duty), community health"),
    ("demo.camhs02", "Advice triage (duty), CAMHS"),
    ("demo.socialworker02", "Advice triage (duty), social care"),
    ("demo.ep02", "Advice triage (duty), educational psychology"),
)


def _sign_ins(users: dict[str, User], senco_setting: Setting, keys: dict[str, str]) -> list[SignIn]:
    rows = []
    for username, label in _ROLE_LABELS:
        user = users[username]
        seen = learners_visible_to(fetched_by=user).count()
        waiting = advice_awaiting_assignment(fetched_by=user).count()
        if username == "demo.senco":
            sees = (
                f"SENCO at {senco_setting.name}: {seen} learners; assigns its requests for "
                f"advice ({waiting} waiting)"
            )
        elif username in TRIAGE_ACCOUNTS.values():
            organisation = user.memberships.get(role=Role.ADVICE_TRIAGE).organisation
            sees = (
                f"assigns requests for advice to {organisation.name}: {waiting} waiting; "
                f"their own caseload: {seen} learners"
            )
        elif username == "demo.youngperson":
            sees = f"their own record ({seen} learner)"
        elif username == "demo.parent":
            sees = f"their own children: {seen} learners"
        elif username in ("demo.commissioner", "demo.admin", "demo.caseworker"):
            cases = (
                f", {user.involvements.filter(kind=Involvement.Kind.CASEWORKER).count()} "
                "as named coordinator"
                if username == "demo.caseworker"
                else ""
            )
            sees = f"every Lambeth learner: {seen}{cases}"
        else:
            sees = f"their caseload: {seen} learners"
        rows.append(SignIn(label, username, sees, keys.get(username, "")))
    return rows


def _authenticator_apps(users: dict[str, User]) -> dict[str, str]:
    """With SENDPLAN_SECOND_FACTOR on, a set-up app for each printed sign-in that needs one.

    The keys are random on every build and printed with the sign-ins, so they can go
    straight into an app. Other demo staff need a set-up link (`sendplan enrol-link`).
    """
    if not second_factor.second_factor_on():
        return {}
    printed = [users[username] for username, _ in _ROLE_LABELS]
    devices = TOTPDevice.objects.bulk_create(
        TOTPDevice(user=user, name=second_factor.DEVICE_NAME, confirmed=True)
        for user in printed
        if second_factor.needs_second_factor(user)
    )
    return {d.user.username: second_factor.grouped(second_factor.secret_key(d)) for d in devices}
