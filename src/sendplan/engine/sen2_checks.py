"""The content checks of a SEN2 return (rules D01 to D25 of :mod:`sen2_rules`).

Each check names the person, the element path inside the person and the rule, so a data
officer can go from the message to the item and from the item to the record. The
collection period is the calendar year before the reference (census) date; a plan or a
placement is active at the census when it started on or before it and has not ended before
it (sen2.md §3.2, §4).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from sendplan.engine.identifiers import uln_problem, upn_problem
from sendplan.engine.sen2_model import (
    ASSESSMENT_OUTCOMES,
    BOOLEANS,
    CEASE_REASONS,
    CENSUS_DATES,
    ETHNICITIES,
    REQUEST_OUTCOMES,
    REQUEST_SOURCES,
    RESIDENTIAL,
    REVIEW_OUTCOMES,
    SEN_SETTINGS,
    SEN_TYPES,
    SEXES,
    UPN_UNKNOWN,
    ActivePlans,
    Assessment,
    NamedPlan,
    Person,
    PlacementDetail,
    PlanDetail,
    Request,
    Sen2Return,
)
from sendplan.engine.sen2_rules import Sen2Problem
from sendplan.engine.sen2_xml import read_return

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_POSTCODE = re.compile(r"[A-Z]{1,2}[0-9][0-9A-Z]? ?[0-9][A-Z]{2}")
_SETTINGS_DESCRIBED = frozenset({"OTH", "NIEO", "NIEC"})


@lru_cache(maxsize=65536)
def parse_date(text: str) -> date | None:
    """The date in ``text`` when it is ``YYYY-MM-DD`` and a real day, else None.

    >>> parse_date("2026-01-15"), parse_date("2026-02-30"), parse_date("15/01/2026")
    (datetime.date(2026, 1, 15), None, None)
    """
    if not _ISO.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def age_on(birth: date, day: date) -> int:
    """Whole years from ``birth`` to ``day``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def birthday(birth: date, age: int) -> date:
    """The day of the ``age``-th birthday (1 March for a 29 February birth in other years)."""
    try:
        return birth.replace(year=birth.year + age)
    except ValueError:
        return date(birth.year + age, 3, 1)


def academic_year_end(day: date) -> date:
    """31 August closing the academic year (September to August) that holds ``day``.

    >>> academic_year_end(date(2025, 8, 31)), academic_year_end(date(2025, 9, 1))
    (datetime.date(2025, 8, 31), datetime.date(2026, 8, 31))
    """
    return date(day.year if day.month <= 8 else day.year + 1, 8, 31)


def collection_period(reference: date) -> tuple[date, date]:
    """The calendar year before the census: the period a return covers."""
    return date(reference.year - 1, 1, 1), date(reference.year - 1, 12, 31)


def _open_at(start: date | None, end: date | None, day: date) -> bool:
    return start is not None and start <= day and (end is None or end >= day)


class _Person:
    """The checks of one person, gathering problems with the person's number and label."""

    def __init__(
        self, number: int, person: Person, reference: date | None, out: list[Sen2Problem]
    ) -> None:
        self.number, self.who, self.reference, self.out = number, person.label(), reference, out
        self.person = person
        self.birth: date | None = None

    def add(self, path: str, rule: str, message: str) -> None:
        self.out.append(Sen2Problem(self.number, self.who, path, rule, message))

    def day(self, path: str, text: str | None, *, future: bool = False) -> date | None:
        """The date of an item, reporting it when it is not a date or after the census."""
        if text is None:
            return None
        value = parse_date(text)
        if value is None:
            self.add(path, "D05", f"{text!r} is not a date as YYYY-MM-DD")
        elif not future and self.reference is not None and value > self.reference:
            self.add(path, "D05", f"{text} is after the reference date {self.reference}")
        return value

    def code(self, path: str, text: str | None, codes: dict[str, str] | frozenset[str]) -> None:
        if text is not None and text not in codes:
            listed = ", ".join(codes)
            self.add(path, "D20", f"{text!r} is not one of the codes {listed}")

    def flags(self, path: str, node: object, *attributes: str) -> None:
        for attribute, name in attributes_named(node, attributes):
            value = getattr(node, attribute)
            if value is not None and value not in BOOLEANS:
                self.add(f"{path}{name}", "D20", f"{value!r} is not 1 or 0")

    # -- Module 1 -------------------------------------------------------------------------

    def check(self) -> None:
        p = self.person
        self.birth = self.day("PersonBirthDate", p.birth_date)
        self.code("Sex", p.sex, SEXES)
        self.code("Ethnicity", p.ethnicity, ETHNICITIES)
        if p.postcode is not None and not _POSTCODE.fullmatch(p.postcode.upper()):
            self.add("PostCode", "D23", f"{p.postcode!r} is not a UK postcode")
        if not (p.upn or p.uln or p.upn_unknown):
            self.add("UPN", "D01", "Give a UPN, a ULN or a UPNunknown reason")
        if p.upn is not None and (problem := upn_problem(p.upn)) is not None:
            self.add("UPN", "D02", problem)
        if p.uln is not None and (problem := uln_problem(p.uln)) is not None:
            self.add("UniqueLearnerNumber", "D03", problem)
        if p.upn and p.upn_unknown:
            self.add("UPNunknown", "D04", "A UPNunknown reason is given together with a UPN")
        self.code("UPNunknown", p.upn_unknown, UPN_UNKNOWN)
        active = 0
        for i, request in enumerate(p.requests, start=1):
            active += self.request(f"Requests[{i}]/", request)
        if active > 1:
            self.add("Requests", "D25", f"{active} requests each have a plan active at the census")

    # -- Module 2 -------------------------------------------------------------------------

    def request(self, at: str, r: Request) -> int:
        received = self.day(f"{at}ReceivedDate", r.received_date)
        decided = self.day(f"{at}RequestOutcomeDate", r.outcome_date)
        self.code(f"{at}RequestSource", r.source, REQUEST_SOURCES)
        self.code(f"{at}RequestOutcome", r.outcome, REQUEST_OUTCOMES)
        self.flags(at, r, "rya", "mediation", "tribunal")
        if r.outcome in {"Y", "N"} and r.outcome_date is None:
            self.add(f"{at}RequestOutcomeDate", "D06", f"RequestOutcome {r.outcome} needs a date")
        if r.outcome in {"A", "W", "H"} and r.outcome_date is not None:
            message = f"RequestOutcome {r.outcome} has no RequestOutcomeDate"
            self.add(f"{at}RequestOutcomeDate", "D06", message)
        if received and decided and decided < received:
            self.add(f"{at}RequestOutcomeDate", "D06", "The decision is before the request")
        if received and decided and r.outcome in {"Y", "N"} and decided - received > _SIX_WEEKS:
            message = "The decision whether to assess took more than 6 weeks"
            self.add(f"{at}RequestOutcomeDate", "D22", message)
        if received and self.birth and age_on(self.birth, received) >= 25:
            self.add(f"{at}ReceivedDate", "D18", "The request was received after the 25th birthday")
        if r.assessment is not None and r.outcome not in {"Y", "H"}:
            message = f"An Assessment under RequestOutcome {r.outcome} (only Y or H)"
            self.add(f"{at}Assessment", "D07", message)
        if r.assessment is None and r.outcome == "Y":
            self.add(f"{at}Assessment", "D07", "RequestOutcome Y needs an Assessment")
        plan = None
        if r.assessment is not None:
            plan = self.assessment(f"{at}Assessment/", r.assessment, received)
        if r.active_plans is None:
            if plan is not None and self.active_at_census(plan):
                message = "The plan is active at the census but the request has no ActivePlans"
                self.add(f"{at}ActivePlans", "D16", message)
            return 0
        if plan is None:
            self.add(f"{at}ActivePlans", "D24", "ActivePlans under a request with no NamedPlan")
        return self.active_plans(f"{at}ActivePlans/", r.active_plans, plan)

    def active_at_census(self, plan: NamedPlan) -> bool:
        if self.reference is None or plan.start_date is None:
            return False
        start = parse_date(plan.start_date)
        end = parse_date(plan.cease_date) if plan.cease_date else None
        return _open_at(start, end, self.reference)

    # -- Module 3 -------------------------------------------------------------------------

    def assessment(self, at: str, a: Assessment, received: date | None) -> NamedPlan | None:
        self.code(f"{at}AssessmentOutcome", a.outcome, ASSESSMENT_OUTCOMES)
        decided = self.day(f"{at}AssessmentOutcomeDate", a.outcome_date)
        self.flags(at, a, "mediation", "tribunal", "other_mediation", "other_tribunal", "week20")
        if a.outcome == "N" and a.outcome_date is None:
            message = "AssessmentOutcome N needs the date the refusal was notified"
            self.add(f"{at}AssessmentOutcomeDate", "D08", message)
        if a.outcome == "Y" and a.outcome_date is None and a.named_plan is not None:
            message = "AssessmentOutcome Y with a plan needs the date the plan was issued"
            self.add(f"{at}AssessmentOutcomeDate", "D08", message)
        if a.outcome in {"A", "W"} and a.outcome_date is not None:
            message = f"AssessmentOutcome {a.outcome} has no AssessmentOutcomeDate"
            self.add(f"{at}AssessmentOutcomeDate", "D08", message)
        if received and decided and decided < received:
            message = "The assessment outcome is before the request"
            self.add(f"{at}AssessmentOutcomeDate", "D08", message)
        if (
            received
            and decided
            and a.outcome == "Y"
            and a.week20 != "1"
            and decided - received > _TWENTY_WEEKS
        ):
            message = "The plan was issued more than 20 weeks after the request (Week20 is not 1)"
            self.add(f"{at}AssessmentOutcomeDate", "D22", message)
        if a.named_plan is not None and a.outcome not in {"Y", "H", "S"}:
            message = f"A NamedPlan under AssessmentOutcome {a.outcome} (only Y, H or S)"
            self.add(f"{at}NamedPlan", "D09", message)
            return None
        if a.named_plan is not None:
            self.named_plan(f"{at}NamedPlan/", a.named_plan)
        return a.named_plan

    # -- Module 4 -------------------------------------------------------------------------

    def named_plan(self, at: str, plan: NamedPlan) -> None:
        start = self.day(f"{at}StartDate", plan.start_date)
        ceased = self.day(f"{at}CeaseDate", plan.cease_date)
        self.code(f"{at}PlanRes", plan.plan_res, RESIDENTIAL)
        self.code(f"{at}CeaseReason", plan.cease_reason, CEASE_REASONS)
        self.flags(at, plan, "pb", "oa")
        if (plan.cease_date is None) != (plan.cease_reason is None):
            given, missing = (
                ("CeaseDate", "CeaseReason")
                if plan.cease_reason is None
                else ("CeaseReason", "CeaseDate")
            )
            self.add(f"{at}{missing}", "D11", f"{given} is given without {missing}")
        if start and ceased and ceased < start:
            self.add(f"{at}CeaseDate", "D11", "The plan ceased before it started")
        if plan.cease_reason == "1" and ceased and self.birth:
            self.maximum_age(f"{at}CeaseReason", ceased)
        if ceased and self.reference and ceased < collection_period(self.reference)[0]:
            message = (
                f"A plan that ceased on {ceased}, before the collection period, is not returned"
            )
            self.add(f"{at}CeaseDate", "D11", message)
        ranks = [d.placement_rank for d in plan.details]
        self.ranks(f"{at}PlanDetail", ranks, "D10", "PlacementRank")
        for i, detail in enumerate(plan.details, start=1):
            self.setting(f"{at}PlanDetail[{i}]/", detail)

    def maximum_age(self, at: str, ceased: date) -> None:
        """Rule D12: CeaseReason 1 is the end of the academic year in which the young person
        turned 25, or 19 for one who entered the adult estate (sen2.md §2, CeaseReason)."""
        assert self.birth is not None
        at_25 = academic_year_end(birthday(self.birth, 25))
        if ceased >= at_25:
            return
        at_19 = academic_year_end(birthday(self.birth, 19))
        if ceased < at_19:
            message = (
                f"CeaseReason 1 (maximum age), but the plan ceased on {ceased}, before the end "
                f"of the academic year in which they turned 19 ({at_19})"
            )
        else:
            message = (
                f"CeaseReason 1 (maximum age) before the end of the academic year in which they "
                f"turned 25 ({at_25}): right only for a young person in the adult estate"
            )
        self.add(at, "D12", message)

    def ranks(self, at: str, ranks: list[str | None], rule: str, name: str) -> None:
        for rank in ranks:
            if rank is not None and rank not in {"1", "2"}:
                self.add(f"{at}/{name}", rule, f"{name} {rank!r} is not 1 or 2")
        given = [r for r in ranks if r is not None]
        for rank in sorted({r for r in given if given.count(r) > 1}):
            what = "primary need" if (rank, rule) == ("1", "D15") else f"{name} {rank}"
            self.add(at, rule, f"More than one {what}")

    def setting(self, at: str, s: PlanDetail | PlacementDetail) -> None:
        if not (s.urn or s.ukprn or s.sen_setting):
            self.add(f"{at}URN", "D13", "Give a URN, a UKPRN or a SENsetting code")
        if s.sen_setting and (s.urn or s.ukprn):
            self.add(
                f"{at}SENsetting", "D13", "A SENsetting code only when there is no URN or UKPRN"
            )
        if s.urn is not None and not (len(s.urn) == 6 and s.urn.isascii() and s.urn.isdigit()):
            self.add(f"{at}URN", "D13", f"{s.urn!r} is not a URN (6 digits)")
        if s.ukprn is not None and not (
            len(s.ukprn) == 8 and s.ukprn.isascii() and s.ukprn.isdigit()
        ):
            self.add(f"{at}UKPRN", "D13", f"{s.ukprn!r} is not a UKPRN (8 digits)")
        self.code(f"{at}SENsetting", s.sen_setting, SEN_SETTINGS)
        if s.sen_setting in _SETTINGS_DESCRIBED and not s.sen_setting_other:
            message = f"SENsetting {s.sen_setting} is described in SENsettingOther"
            self.add(f"{at}SENsettingOther", "D14", message)
        self.flags(at, s, "sen_unit", "resourced_provision")

    # -- Module 5 -------------------------------------------------------------------------

    def active_plans(self, at: str, ap: ActivePlans, plan: NamedPlan | None) -> int:
        meeting = self.day(f"{at}ReviewMeeting", ap.review_meeting)
        self.day(f"{at}ReviewDraft", ap.review_draft)
        self.day(f"{at}PhaseTransferDueDate", ap.phase_transfer_due, future=True)
        self.day(f"{at}PhaseTransferFinalDate", ap.phase_transfer_final)
        last = self.day(f"{at}LastReview", ap.last_review)
        self.code(f"{at}ReviewOutcome", ap.review_outcome, REVIEW_OUTCOMES)
        if ap.review_outcome is not None and ap.review_meeting is None:
            self.add(f"{at}ReviewOutcome", "D19", "A ReviewOutcome with no ReviewMeeting")
        if meeting and last and last < meeting:
            self.add(f"{at}LastReview", "D19", "LastReview is before the ReviewMeeting")
        self.needs(at, ap)
        rank_one: list[tuple[date, date | None, int]] = []
        at_census = False
        for i, placement in enumerate(ap.placements, start=1):
            where = f"{at}PlacementDetail[{i}]/"
            self.setting(where, placement)
            self.ranks(where.rstrip("/"), [placement.placement_rank], "D10", "PlacementRank")
            entry = self.day(f"{where}EntryDate", placement.entry_date)
            leaving = self.day(f"{where}LeavingDate", placement.leaving_date)
            self.code(f"{where}Res", placement.res, RESIDENTIAL)
            if entry and leaving and leaving < entry:
                self.add(f"{where}LeavingDate", "D17", "LeavingDate is before EntryDate")
            if entry and placement.placement_rank == "1":
                for other_entry, other_leaving, other in rank_one:
                    if entry <= (other_leaving or date.max) and other_entry <= (
                        leaving or date.max
                    ):
                        message = f"Overlaps rank-1 PlacementDetail[{other}]"
                        self.add(f"{where}EntryDate", "D17", message)
                rank_one.append((entry, leaving, i))
            if self.reference and _open_at(entry, leaving, self.reference):
                at_census = True
        if plan is None or not self.active_at_census(plan):
            return 0
        assert self.reference is not None  # active_at_census needs it
        if not at_census and not ap.transfer_la:
            message = "The plan is active at the census but no PlacementDetail covers the census"
            self.add(f"{at}PlacementDetail", "D16", message)
        if self.birth:
            august = date(self.reference.year - 1, 8, 31)
            if age_on(self.birth, august) > 24:
                message = f"Aged {age_on(self.birth, august)} on {august} with an active plan"
                self.add("PersonBirthDate", "D18", message)
        start = parse_date(plan.start_date or "")
        year_ago = self.reference - timedelta(days=365)
        if start and start < year_ago and not (meeting and meeting >= year_ago):
            message = "The plan is over 12 months old with no review meeting in the last 12 months"
            self.add(f"{at}ReviewMeeting", "D19", message)
        return 1

    def needs(self, at: str, ap: ActivePlans) -> None:
        ranks = [n.rank for n in ap.needs]
        self.ranks(f"{at}SENneed", ranks, "D15", "SENtypeRank")
        if ap.needs and "1" not in ranks:
            self.add(f"{at}SENneed", "D15", "No primary need (SENtypeRank 1)")
        types = [n.sen_type for n in ap.needs if n.sen_type is not None]
        if len(set(types)) < len(types):
            self.add(f"{at}SENneed", "D15", f"SENtype {types[0]} is given twice")
        for i, need in enumerate(ap.needs, start=1):
            where = f"{at}SENneed[{i}]/SENtype"
            self.code(where, need.sen_type, SEN_TYPES)
            if need.sen_type == "DS" and self.reference and self.reference.year < 2025:
                self.add(where, "D15", "DS (Down syndrome) is a code from the 2025 return on")


_SIX_WEEKS = timedelta(weeks=6)
_TWENTY_WEEKS = timedelta(weeks=20)

_NAMES: dict[tuple[type, str], str] = {}


#: The share of a catch-all code above which this service flags it, as DfE's COLLECT queries
#: heavy use of them (sen2.md §3.1). DfE's own thresholds are not published: this one is ours.
HEAVY_USE_SHARE = 0.10


@dataclass(frozen=True)
class HeavyUse:
    """How often the return uses one catch-all code among the items that could hold it."""

    item: str  # the element, e.g. "SENsetting"
    code: str
    words: str
    count: int
    of: int

    @property
    def share(self) -> float:
        return self.count / self.of if self.of else 0.0

    @property
    def flagged(self) -> bool:
        return self.share > HEAVY_USE_SHARE


def heavy_use(document: Sen2Return) -> list[HeavyUse]:
    """The catch-all codes DfE queries when used heavily: "other" and "not in education,
    other" settings, "other" ceasing reasons and "other" request sources (sen2.md §3.1)."""
    requests = [r for p in document.persons for r in p.requests]
    plans = [
        r.assessment.named_plan
        for r in requests
        if r.assessment is not None and r.assessment.named_plan is not None
    ]
    settings = [d.sen_setting for plan in plans for d in plan.details]
    settings += [
        d.sen_setting for r in requests if r.active_plans for d in r.active_plans.placements
    ]
    ceased = [plan.cease_reason for plan in plans if plan.cease_reason is not None]
    sources = [r.source for r in requests]
    return [
        HeavyUse("SENsetting", "OTH", "Other setting", settings.count("OTH"), len(settings)),
        HeavyUse(
            "SENsetting",
            "NIEO",
            "Not in education or training, other",
            settings.count("NIEO"),
            len(settings),
        ),
        HeavyUse(
            "CeaseReason", "9", "Plan ceased for another reason", ceased.count("9"), len(ceased)
        ),
        HeavyUse(
            "RequestSource", "5", "Request from another source", sources.count("5"), len(sources)
        ),
    ]


def attributes_named(node: object, attributes: tuple[str, ...]) -> list[tuple[str, str]]:
    """Each attribute with its element name, from the dataclass's schema."""
    from sendplan.engine.sen2_model import schema

    cls = type(node)
    if (cls, attributes[0]) not in _NAMES:
        for element in schema(cls):
            _NAMES[(cls, element.attribute)] = element.name
    return [(a, _NAMES[(cls, a)]) for a in attributes]


def _header(document: Sen2Return, out: list[Sen2Problem]) -> date | None:
    def add(path: str, message: str, rule: str = "D21") -> None:
        out.append(Sen2Problem(None, "Header", path, rule, message))

    details = document.header.collection_details
    source = document.header.source
    reference = None
    if details is not None and details.reference_date is not None:
        reference = parse_date(details.reference_date)
        path = "Header/CollectionDetails/ReferenceDate"
        if reference is None:
            add(path, f"{details.reference_date!r} is not a date as YYYY-MM-DD", "D05")
        elif reference.year in CENSUS_DATES and CENSUS_DATES[reference.year] != reference:
            add(path, f"The {reference.year} census date is {CENSUS_DATES[reference.year]}")
        year = details.year
        if reference and year is not None and year != str(reference.year):
            add("Header/CollectionDetails/Year", f"Year {year} is not the year of {reference}")
    lea = source.lea if source is not None else None
    if lea is not None and not (len(lea) == 3 and lea.isascii() and lea.isdigit()):
        add("Header/Source/LEA", f"{lea!r} is not an LA number (3 digits)")
    return reference


def validate(document: Sen2Return) -> list[Sen2Problem]:
    """The content problems of a return, header first, then person by person."""
    problems: list[Sen2Problem] = []
    reference = _header(document, problems)
    for number, person in enumerate(document.persons, start=1):
        _Person(number, person, reference, problems).check()
    return problems


def check_return(data: bytes) -> tuple[Sen2Return, list[Sen2Problem]]:
    """Read and validate a return: its structure's problems, then its content's.

    Raises :class:`Sen2ReadError` when ``data`` is not XML with a ``Message`` root.
    """
    document, problems = read_return(data)
    return document, sort_problems(problems + validate(document))


def sort_problems(problems: list[Sen2Problem]) -> list[Sen2Problem]:
    """Header problems first, then each person's in the order found."""
    key: Callable[[Sen2Problem], int] = lambda p: 0 if p.person is None else p.person  # noqa: E731
    return sorted(problems, key=key)
