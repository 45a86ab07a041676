"""The SEN2 return as the SEND manager sees it: the return for a collection from the record of
their LA, its headline counts, each rule's errors and queries, and every problem with the
place on the record where it is fixed (ADR 0137).

A problem names a person and an element path; the export's trace says which row and field
gave each item, so the place to fix it is found from the trace, never guessed from names.
Items the record has no value for (a missing UPN) are not in the trace: those of the person
themselves are fields of the learner's details page.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Prefetch
from django.urls import reverse

from sendplan.accounts.access import standing_for
from sendplan.accounts.models import User
from sendplan.casework.plans.models import Plan, PlanVersion
from sendplan.casework.reviews.models import Review
from sendplan.casework.sen2.export import TraceRow, build_return, learners_for_return
from sendplan.core.errors import Http404
from sendplan.core.models import is_open_on
from sendplan.engine import (
    SEN2_CENSUS_DATES,
    SEN2_RULES,
    Sen2Problem,
    Sen2Return,
    Sen2Rule,
    sen2_check,
    sen2_collection_period,
    sen2_heavy_use,
    sen2_parse_date,
    sen2_write,
)
from sendplan.learners.models import Exclusion, Learner, Placement
from sendplan.provision.models import Setting

#: The person's own items and the learner field each comes from.
PERSON_FIELDS = {
    "Surname": "family_name",
    "Forename": "given_name",
    "PersonBirthDate": "date_of_birth",
    "Sex": "sex",
    "Ethnicity": "ethnicity",
    "PostCode": "postcode",
    "UPN": "upn",
    "UniqueLearnerNumber": "uln",
    "UPNunknown": "upn_unknown",
}
#: What a person's item is called on the learner's details page.
FIELD_WORDS = {
    "family_name": "family name",
    "given_name": "given name",
    "date_of_birth": "date of birth",
    "sex": "sex",
    "ethnicity": "ethnicity",
    "postcode": "postcode",
    "upn": "UPN",
    "uln": "ULN",
    "upn_unknown": "reason for no UPN",
}
#: Items of the annual review: fixed on the plan's reviews, whether or not one is recorded.
_REVIEW_ITEMS = frozenset({"ReviewMeeting", "ReviewOutcome", "LastReview", "ReviewDraft"})
_SOURCE = re.compile(r"(?P<model>[a-z_]+\.[A-Za-z]+) (?P<pk>\d+) ?(?P<field>\S*)")


@dataclass(frozen=True)
class Collection:
    year: int
    census: date

    @property
    def period(self) -> tuple[date, date]:
        return sen2_collection_period(self.census)


def collections() -> list[Collection]:
    """The collections the engine knows the census date of, newest first."""
    return [Collection(y, d) for y, d in sorted(SEN2_CENSUS_DATES.items(), reverse=True)]


def collection_for(year: int) -> Collection:
    """The collection of ``year``; 404 when its census date is not known."""
    if year not in SEN2_CENSUS_DATES:
        raise Http404("No such collection")
    return Collection(year, SEN2_CENSUS_DATES[year])


def collection_due(today: date) -> Collection:
    """The next collection whose census is today or later, else the latest."""
    upcoming = [c for c in collections() if c.census >= today]
    return upcoming[-1] if upcoming else collections()[0]


@dataclass(frozen=True)
class Fix:
    """Where on the record a problem is fixed: a page (ids only) and what to do there."""

    url: str
    words: str


@dataclass(frozen=True)
class ReturnProblem:
    problem: Sen2Problem
    learner_id: int | None
    name: str  # the learner's name as the return gives it ("" for the header)
    fix: Fix | None

    @property
    def rule(self) -> Sen2Rule:
        return SEN2_RULES[self.problem.rule]


@dataclass(frozen=True)
class RuleCheck:
    rule: Sen2Rule
    errors: int
    queries: int

    @property
    def passes(self) -> bool:
        return not (self.errors or self.queries)


@dataclass
class ReturnReport:
    collection: Collection
    lea: str
    document: Sen2Return
    xml: bytes
    problems: list[ReturnProblem]
    learner_ids: list[int]  # each person's learner, in the return's order
    counts: dict[str, int] = field(default_factory=dict)
    heavy_use: list[Any] = field(default_factory=list)  # engine HeavyUse, catch-all codes

    @property
    def errors(self) -> list[ReturnProblem]:
        return [p for p in self.problems if p.problem.severity == "error"]

    @property
    def queries(self) -> list[ReturnProblem]:
        return [p for p in self.problems if p.problem.severity == "warning"]

    def checks(self) -> list[RuleCheck]:
        """Every rule, with how many errors and queries it raised on this return."""
        errors = Counter(p.problem.rule for p in self.errors)
        queries = Counter(p.problem.rule for p in self.queries)
        return [RuleCheck(rule, errors[rule.id], queries[rule.id]) for rule in SEN2_RULES.values()]


def lea_for_return() -> str | None:
    """The three-digit LA number most of the area's own settings carry, if any."""
    codes = Counter(
        Setting.objects.filter(in_area=True).exclude(la_code="").values_list("la_code", flat=True)
    )
    for code, _ in codes.most_common(1):
        if re.fullmatch(r"\d{3}", code):
            return code
    return None


def sen2_return_for(*, fetched_by: User, year: int) -> ReturnReport:
    """The return of ``year``'s collection from the record of the user's LA, checked.

    Reads every learner the LA is responsible for (the caller audits what it shows or gives).
    """
    collection = collection_for(year)
    standing = standing_for(fetched_by)
    if not standing.is_la_staff or not standing.la_ids:
        raise Http404("No local authority")
    lea = lea_for_return() or "000"
    learners = learners_for_return(responsible_la_ids=standing.la_ids)
    document, trace = build_return(collection.census, lea, learners=learners)
    xml = sen2_write(document)
    _, problems = sen2_check(xml)
    by_person = _trace_by_person(trace)
    learner_ids = [_learner_of(by_person.get(n, [])) for n in range(1, len(document.persons) + 1)]
    names = {
        n: " ".join(filter(None, (p.forename, p.surname)))
        for n, p in enumerate(document.persons, start=1)
    }
    shown = [
        ReturnProblem(
            problem=p,
            learner_id=learner_ids[p.person - 1] if p.person else None,
            name=names.get(p.person, "") if p.person else "",
            fix=_fix(p, by_person.get(p.person or 0, []), learner_ids, names),
        )
        for p in problems
    ]
    # Errors before queries, each in the order of the return.
    shown.sort(key=lambda r: (r.problem.severity != "error", r.problem.person or 0))
    report = ReturnReport(
        collection=collection,
        lea=lea,
        document=document,
        xml=xml,
        problems=shown,
        learner_ids=[i for i in learner_ids if i is not None],
    )
    report.counts = headline_counts(document, collection.census)
    report.heavy_use = sen2_heavy_use(document)
    return report


def headline_counts(document: Sen2Return, census: date) -> dict[str, int]:
    """The return's headline figures, as DfE's tables count them."""
    start, end = sen2_collection_period(census)

    def in_period(text: str | None) -> bool:
        day = sen2_parse_date(text) if text else None
        return day is not None and start <= day <= end

    requests = [r for p in document.persons for r in p.requests]
    assessments = [r.assessment for r in requests if r.assessment is not None]
    plans = [a.named_plan for a in assessments if a.named_plan is not None]
    return {
        "persons": len(document.persons),
        "requests_received": sum(in_period(r.received_date) for r in requests),
        "refused_to_assess": sum(r.outcome == "N" for r in requests),
        "assessed": sum(r.outcome == "Y" for r in requests),
        "plans_issued": sum(a.outcome == "Y" and in_period(a.outcome_date) for a in assessments),
        "plans_at_census": sum(not _ceased_by(p.cease_date, census) for p in plans),
        "plans_ceased": sum(in_period(p.cease_date) for p in plans),
    }


def _ceased_by(text: str | None, census: date) -> bool:
    day = sen2_parse_date(text) if text else None
    return day is not None and day < census


def _trace_by_person(trace: Iterable[TraceRow]) -> dict[int, list[TraceRow]]:
    rows: dict[int, list[TraceRow]] = {}
    for row in trace:
        rows.setdefault(row.person, []).append(row)
    return rows


def _learner_of(rows: list[TraceRow]) -> int | None:
    for row in rows:
        found = _SOURCE.match(row.source)
        if found and found["model"] == "learners.Learner":
            return int(found["pk"])
    return None


def _fix(
    problem: Sen2Problem,
    rows: list[TraceRow],
    learner_ids: list[int | None],
    names: dict[int, str],
) -> Fix | None:
    if problem.person is None:
        return None
    learner_id = learner_ids[problem.person - 1]
    if learner_id is None:
        return None
    if problem.path in PERSON_FIELDS:
        name = PERSON_FIELDS[problem.path]
        if problem.rule == "D01":
            name = "upn_unknown"  # a UPN, a ULN, or the reason neither is known
        url = reverse("learners:change", args=[learner_id])
        return Fix(f"{url}#{name}", f"Change the {FIELD_WORDS[name]}")
    if problem.path.rsplit("/", 1)[-1] in _REVIEW_ITEMS:
        request = problem.path.split("/", 1)[0]
        for row in rows:
            found = _SOURCE.match(row.source)
            if row.path.startswith(f"{request}/") and found and found["model"] == "casework.Plan":
                url = reverse("casework:plan-reviews", args=[int(found["pk"])])
                return Fix(url, "Open the plan's reviews")
    # The items under the path (or the element itself), first the ones from a record.
    under = [r for r in rows if r.path == problem.path or r.path.startswith(f"{problem.path}/")]
    if not under:
        parent = problem.path.rsplit("/", 1)[0]
        under = [r for r in rows if r.path.startswith(f"{parent}/")]
    for row in under:
        found = _SOURCE.match(row.source.split(" -> ")[0])
        if found is None:
            continue
        fix = _fix_for(found["model"], int(found["pk"]), learner_id)
        if fix is not None:
            return fix
    return Fix(reverse("learners:record", args=[learner_id]), "Open the learner's record")


def _fix_for(model: str, pk: int, learner_id: int) -> Fix | None:
    record = reverse("learners:record", args=[learner_id])
    if model == "casework.Case":
        return Fix(reverse("casework:case", args=[pk]), "Open the case")
    if model in {"casework.Plan", "casework.PlanVersion"}:
        if model == "casework.PlanVersion":
            pk = _plan_of_version(pk)
        return Fix(reverse("casework:plan", args=[pk]), "Open the plan")
    if model == "casework.Review":
        return Fix(reverse("casework:plan-reviews", args=[_plan_of_review(pk)]), "Open the reviews")
    if model == "learners.Placement":
        return Fix(f"{record}#placements", "Check the placements")
    if model == "learners.Need":
        return Fix(f"{record}#needs", "Check the needs")
    if model == "learners.Learner":
        return Fix(reverse("learners:change", args=[learner_id]), "Change the details")
    return None


def _plan_of_version(pk: int) -> int:
    return int(PlanVersion.objects.values_list("plan_id", flat=True).get(pk=pk))


def _plan_of_review(pk: int) -> int:
    return int(Review.objects.values_list("plan_id", flat=True).get(pk=pk))


def learners_named(ids: Iterable[int]) -> list[Learner]:
    """The learners of these ids (for auditing what a page shows)."""
    return list(Learner.objects.filter(pk__in=set(ids)))


#: The columns of the Annex A list of children and young people with an EHC plan, as this
#: service reads the area SEND inspection's request (Ofsted and CQC): the person, their
#: identifiers, needs, plan, setting, elective home education, suspensions and permanent
#: exclusions, and social care status. The last four carry the names the inspection's List 1
#: gives them; the period counted is this service's reading (the academic year to the list's
#: date), and the inspectorate's codes are not checked here: confirm them before sending.
ANNEX_A_COLUMNS = (
    "Person ID",
    "Surname",
    "Forename",
    "Date of birth",
    "Sex",
    "Ethnicity",
    "UPN",
    "ULN",
    "Reason for no UPN or ULN",
    "Postcode",
    "Primary need",
    "Secondary need",
    "Plan first issued",
    "Last annual review meeting",
    "Setting URN",
    "Setting",
    "Elective home education",
    "Suspensions",
    "Permanent exclusions",
    "Children's social care status",
)


@dataclass(frozen=True)
class AnnexA:
    on: date
    rows: list[list[str]]
    learner_ids: list[int]


def annex_a_list(*, fetched_by: User, on: date) -> AnnexA:
    """Every learner of the user's LA with a plan in force on ``on`` (issued by then and not
    ceased), one row each, in the order of :data:`ANNEX_A_COLUMNS`."""
    standing = standing_for(fetched_by)
    if not standing.is_la_staff or not standing.la_ids:
        raise Http404("No local authority")
    plans = (
        Plan.objects.filter(
            learner__responsible_la_id__in=list(standing.la_ids),
            learner__archived_at__isnull=True,
            issued_on__lte=on,
        )
        .exclude(ceased_on__lte=on)
        .select_related("learner")
        .prefetch_related(
            "reviews",
            "learner__needs",
            "learner__exclusions",
            "learner__home_education_periods",
            Prefetch("learner__placements", queryset=Placement.objects.select_related("setting")),
        )
        .order_by("learner__family_name", "learner__given_name", "learner_id", "pk")
    )
    # Suspensions and exclusions count from 1 September of the academic year holding ``on``.
    year_from = date(on.year if on.month >= 9 else on.year - 1, 9, 1)
    rows: list[list[str]] = []
    ids: list[int] = []
    for plan in plans:
        learner = plan.learner
        if ids and ids[-1] == learner.pk:
            continue  # one row per person
        needs = {n.rank: n.code for n in learner.needs.all()}
        meetings = [r.meeting_on for r in plan.reviews.all() if r.meeting_on and r.meeting_on <= on]
        placed = [p for p in learner.placements.all() if is_open_on(p, on)]
        setting = placed[0].setting if placed else None
        this_year = [e for e in learner.exclusions.all() if year_from <= e.started_on <= on]
        at_home = any(is_open_on(h, on) for h in learner.home_education_periods.all())
        rows.append(
            [
                str(learner.pk),
                learner.family_name,
                learner.given_name,
                learner.date_of_birth.isoformat(),
                learner.sex if learner.sex != Learner.Sex.UNKNOWN else "",
                learner.ethnicity,
                learner.upn,
                learner.uln,
                learner.upn_unknown,
                learner.postcode,
                needs.get(1, ""),
                needs.get(2, ""),
                plan.issued_on.isoformat() if plan.issued_on else "",
                max(meetings).isoformat() if meetings else "",
                f"{setting.urn:06d}" if setting is not None and setting.urn else "",
                setting.name if setting is not None else "",
                "Yes" if at_home else "No",
                str(sum(1 for e in this_year if e.kind == Exclusion.Kind.SUSPENSION)),
                str(sum(1 for e in this_year if e.kind == Exclusion.Kind.PERMANENT)),
                learner.get_social_care_display() if learner.social_care else "",
            ]
        )
        ids.append(learner.pk)
    return AnnexA(on=on, rows=rows, learner_ids=ids)
