"""The SEN2 return from the live record (ADR 0128), with a trace of where each item came from.

The record is read as it stood on the census date: an event dated after it (a decision, a
plan issued, a placement ended) is treated as not yet happened. The collection period is the
calendar year before the census. In scope (sen2.md §4):

- a request received in the period, or decided, withdrawn or followed by a decision on the
  plan in the period, or still open at the census, or whose plan is in scope;
- a plan issued by the census and active at it or ceased since the period began, with the
  placements the learner attended while it was active in the period and the latest review.

Each item comes from one field of one record, or is a default the record has no field for
(``RYA`` is 0: the record does not hold relevant youth accommodation); the trace lists both.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Prefetch

from sendplan import __version__
from sendplan.casework.case.models import TERMINAL_STAGES, Case
from sendplan.casework.disputes.models import Appealable
from sendplan.casework.plans.models import Plan, PlanVersion
from sendplan.casework.reviews.models import Review
from sendplan.engine import (
    SEN2_SETTINGS,
    Sen2ActivePlans,
    Sen2Assessment,
    Sen2CollectionDetails,
    Sen2Header,
    Sen2NamedPlan,
    Sen2Need,
    Sen2Person,
    Sen2PlacementDetail,
    Sen2PlanDetail,
    Sen2Request,
    Sen2Return,
    Sen2Source,
    gc_paused,
    sen2_collection_period,
)
from sendplan.learners.models import Learner, Placement
from sendplan.provision.models import ProvisionStrand, Setting

#: Case.source to RequestSource (sen2.md §2): the family, a setting, health, social care, other.
REQUEST_SOURCES = {
    Case.Source.PARENT: "1",
    Case.Source.YOUNG_PERSON: "1",
    Case.Source.SETTING: "2",
    Case.Source.HEALTH: "3",
    Case.Source.SOCIAL_CARE: "4",
    Case.Source.OTHER: "5",
}
REVIEW_OUTCOMES = {
    Review.Decision.AMEND: "A",
    Review.Decision.CEASE: "C",
    Review.Decision.MAINTAIN: "M",
}
#: Disputes about the request, the assessment, or anything later (sen2.md §1.4).
REQUEST_DISPUTES = {Appealable.NOT_TO_ASSESS}
ASSESSMENT_DISPUTES = {Appealable.NOT_TO_ISSUE}
OTHER_DISPUTES = {
    Appealable.PLAN_CONTENTS,
    Appealable.PLACEMENT_ONLY,
    Appealable.NOT_TO_AMEND,
    Appealable.CEASE,
}
#: What a plan in force with no placement recorded is returned as (SENsetting NIEO).
AWAITING = "Awaiting a placement"
#: SENsetting codes whose SENsettingOther is always given (what the setting is).
DESCRIBED_SETTINGS = frozenset({"OTH", "NIEO", "NIEC"})


@dataclass(frozen=True)
class TraceRow:
    """Where one item of the return came from."""

    person: int
    path: str
    value: str
    source: str  # "casework.Case 12 received_on", or "default: ..." when the record has none


class _Trace:
    def __init__(self) -> None:
        self.rows: list[TraceRow] = []
        self.person = 0

    def item(self, path: str, value: str | None, source: str) -> str | None:
        if value is not None:
            self.rows.append(TraceRow(self.person, path, value, source))
        return value


def _rows(row: Any, name: str) -> Iterable[Any]:
    """The related rows ``learners_for_return`` prefetched, without making a manager for
    each (which costs more than the rest of the mapping); a query when not prefetched."""
    cache = getattr(row, "_prefetched_objects_cache", {})
    return cache[name] if name in cache else getattr(row, name).all()


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


#: Kinds reported with SEN2's ResourcedProvisionIndicator: SEN2 has no inclusion base yet.
_RESOURCED_KINDS = (ProvisionStrand.Kind.RESOURCED_PROVISION, ProvisionStrand.Kind.INCLUSION_BASE)


def _flag(value: bool) -> str:
    return "1" if value else "0"


def _ref(row: object, field: str) -> str:
    meta = row._meta  # type: ignore[attr-defined]
    return f"{meta.app_label}.{meta.object_name} {row.pk} {field}"  # type: ignore[attr-defined]


class _Exporter:
    def __init__(self, census: date, trace: _Trace) -> None:
        self.census = census
        self.start, _ = sen2_collection_period(census)
        self.trace = trace

    def by_census(self, day: date | None) -> date | None:
        """The date if it had happened by the census, else None."""
        return day if day is not None and day <= self.census else None

    # -- Scope ---------------------------------------------------------------------------

    def plan_in_scope(self, plan: Plan | None) -> bool:
        if plan is None or self.by_census(plan.issued_on) is None:
            return False
        ceased = self.by_census(plan.ceased_on)
        return ceased is None or ceased >= self.start

    def case_in_scope(self, case: Case, plan: Plan | None) -> bool:
        if case.received_on > self.census:
            return False
        events = [case.received_on, case.decision_on, case.final_issued_on, case.not_to_issue_on]
        if self.withdrawn(case):  # closing a case after its decisions is not an event of SEN2
            events.append(case.closed_on)
        if any(self.start <= day <= self.census for day in events if day is not None):
            return True
        return self.open_at_census(case) or self.plan_in_scope(plan)

    def withdrawn(self, case: Case) -> bool:
        """Closed before the request or the assessment was decided (outcome W)."""
        if not self.closed(case):
            return False
        if self.by_census(case.decision_on) is None:
            return True
        issued = self.by_census(case.final_issued_on) or self.by_census(case.not_to_issue_on)
        return bool(case.assess) and issued is None

    def open_at_census(self, case: Case) -> bool:
        if self.by_census(case.decision_on) is None:
            return not self.closed(case)
        if not case.assess:
            return False
        finished = self.by_census(case.final_issued_on) or self.by_census(case.not_to_issue_on)
        return finished is None and not self.closed(case)

    def closed(self, case: Case) -> bool:
        return case.stage in TERMINAL_STAGES and self.by_census(case.closed_on) is not None

    # -- Person --------------------------------------------------------------------------

    def person(self, learner: Learner, requests: list[Sen2Request]) -> Sen2Person:
        t = self.trace

        def item(path: str, value: str | None, field: str) -> str | None:
            return t.item(path, value or None, _ref(learner, field))

        return Sen2Person(
            surname=item("Surname", learner.family_name, "family_name"),
            forename=item("Forename", learner.given_name, "given_name"),
            birth_date=item("PersonBirthDate", _iso(learner.date_of_birth), "date_of_birth"),
            sex=item("Sex", learner.sex if learner.sex != Learner.Sex.UNKNOWN else None, "sex"),
            ethnicity=item("Ethnicity", learner.ethnicity, "ethnicity"),
            postcode=item("PostCode", learner.postcode, "postcode"),
            upn=item("UPN", learner.upn, "upn"),
            uln=item("UniqueLearnerNumber", learner.uln, "uln"),
            upn_unknown=item("UPNunknown", learner.upn_unknown, "upn_unknown"),
            requests=requests,
        )

    # -- Requests ------------------------------------------------------------------------

    def request(self, at: str, case: Case, plan: Plan | None, learner: Learner) -> Sen2Request:
        t = self.trace
        decided = self.by_census(case.decision_on)
        if decided is not None:
            outcome = "H" if decided < self.start else ("Y" if case.assess else "N")
            outcome_source = _ref(case, "decision_on assess")
        elif self.closed(case):
            outcome, outcome_source = "W", _ref(case, "stage closed_on")
        else:
            outcome, outcome_source = "A", _ref(case, "decision_on (none by the census)")
        disputes = self.disputes(case)
        request = Sen2Request(
            received_date=t.item(f"{at}ReceivedDate", _iso(case.received_on), _ref(case, "received_on")),
            source=t.item(f"{at}RequestSource", REQUEST_SOURCES[Case.Source(case.source)], _ref(case, "source")),
            rya=t.item(f"{at}RYA", "0", "default: the record holds no youth accommodation"),
            outcome_date=t.item(
                f"{at}RequestOutcomeDate",
                _iso(decided) if outcome in {"Y", "N"} else None,
                _ref(case, "decision_on"),
            ),
            outcome=t.item(f"{at}RequestOutcome", outcome, outcome_source),
            mediation=t.item(f"{at}RequestMediation", _flag(bool(disputes[0] & REQUEST_DISPUTES)), _ref(case, "mediations")),
            tribunal=t.item(f"{at}RequestTribunal", _flag(bool(disputes[1] & REQUEST_DISPUTES)), _ref(case, "appeals")),
        )  # fmt: skip
        if outcome == "Y" or (outcome == "H" and case.assess):
            request.assessment = self.assessment(f"{at}Assessment/", case, plan, disputes)
        if self.plan_in_scope(plan) and request.assessment and request.assessment.named_plan:
            assert plan is not None
            request.active_plans = self.active_plans(f"{at}ActivePlans/", plan, learner)
        return request

    def historical_request(self, at: str, plan: Plan, learner: Learner) -> Sen2Request:
        """The originating request of a plan in force whose case is not on record (issued
        before the council's casework was held here, or after another council's assessment):
        SEN2 still wants it, as historical (H) with its assessment and the plan
        (sen2.md §4, 1.3.1). Its date and source are not known, and the trace says so."""
        t = self.trace
        unknown = "default: the request is not on record"
        # A request can only have come before the 25th birthday: the stand-in is no later.
        born = learner.date_of_birth
        last_day = date(born.year + 25, born.month, min(born.day, 28)) - timedelta(days=1)
        stand_in = min(d for d in (plan.issued_on, last_day) if d is not None)
        request = Sen2Request(
            received_date=t.item(
                f"{at}ReceivedDate",
                _iso(stand_in),
                f"{unknown}; the plan's first issue stands in ({_ref(plan, 'issued_on')})",
            ),
            source=t.item(f"{at}RequestSource", "5", unknown),
            rya=t.item(f"{at}RYA", "0", "default: the record holds no youth accommodation"),
            outcome_date=t.item(f"{at}RequestOutcomeDate", None, unknown),
            outcome=t.item(f"{at}RequestOutcome", "H", f"{unknown}; a plan is in force"),
            mediation=t.item(f"{at}RequestMediation", "0", unknown),
            tribunal=t.item(f"{at}RequestTribunal", "0", unknown),
        )
        where = f"{at}Assessment/"
        request.assessment = Sen2Assessment(
            outcome=t.item(f"{where}AssessmentOutcome", "H", f"{unknown}; a plan is in force"),
            outcome_date=t.item(f"{where}AssessmentOutcomeDate", None, unknown),
            mediation=t.item(f"{where}AssessmentMediation", "0", unknown),
            tribunal=t.item(f"{where}AssessmentTribunal", "0", unknown),
            other_mediation=t.item(f"{where}OtherMediation", "0", unknown),
            other_tribunal=t.item(f"{where}OtherTribunal", "0", unknown),
            week20=t.item(f"{where}Week20", "0", unknown),
        )
        request.assessment.named_plan = self.named_plan(f"{where}NamedPlan/", plan)
        request.active_plans = self.active_plans(f"{at}ActivePlans/", plan, learner)
        return request

    def disputes(self, case: Case) -> tuple[set[str], set[str]]:
        mediations = {
            m.about for m in _rows(case, "mediations") if m.adviser_contacted_on <= self.census
        }
        appeals = {a.about for a in _rows(case, "appeals") if a.registered_on <= self.census}
        return mediations, appeals

    def assessment(
        self, at: str, case: Case, plan: Plan | None, disputes: tuple[set[str], set[str]]
    ) -> Sen2Assessment:
        t = self.trace
        issued = self.by_census(case.final_issued_on)
        refused = self.by_census(case.not_to_issue_on)
        date_out: date | None = None
        if issued is not None:
            outcome = "H" if issued < self.start else "Y"
            date_out, source = (issued if outcome == "Y" else None), _ref(case, "final_issued_on")
        elif refused is not None:
            outcome = "H" if refused < self.start else "N"
            date_out, source = (refused if outcome == "N" else None), _ref(case, "not_to_issue_on")
        elif self.closed(case):
            outcome, source = "W", _ref(case, "stage closed_on")
        elif self.by_census(case.draft_issued_on) is not None:
            outcome, source = "Y", _ref(case, "draft_issued_on (plan not yet issued)")
        else:
            outcome, source = "A", _ref(case, "stage (assessing at the census)")
        mediations, appeals = disputes
        exceptions = [e for e in _rows(case, "exceptions") if e.starts_on <= self.census]
        assessment = Sen2Assessment(
            outcome=t.item(f"{at}AssessmentOutcome", outcome, source),
            outcome_date=t.item(f"{at}AssessmentOutcomeDate", _iso(date_out), source),
            mediation=t.item(f"{at}AssessmentMediation", _flag(bool(mediations & ASSESSMENT_DISPUTES)), _ref(case, "mediations")),
            tribunal=t.item(f"{at}AssessmentTribunal", _flag(bool(appeals & ASSESSMENT_DISPUTES)), _ref(case, "appeals")),
            other_mediation=t.item(f"{at}OtherMediation", _flag(bool(mediations & OTHER_DISPUTES)), _ref(case, "mediations")),
            other_tribunal=t.item(f"{at}OtherTribunal", _flag(bool(appeals & OTHER_DISPUTES)), _ref(case, "appeals")),
            week20=t.item(f"{at}Week20", _flag(bool(exceptions)), _ref(case, "exceptions")),
        )  # fmt: skip
        if outcome in {"Y", "H"} and issued is not None and self.plan_in_scope(plan):
            assert plan is not None
            assessment.named_plan = self.named_plan(f"{at}NamedPlan/", plan)
        return assessment

    # -- Plan ----------------------------------------------------------------------------

    def named_plan(self, at: str, plan: Plan) -> Sen2NamedPlan:
        t = self.trace
        versions = [
            v
            for v in _rows(plan, "versions")
            if v.status == PlanVersion.Status.ISSUED and self.by_census(v.issued_on)
        ]
        version = max(versions, key=lambda v: v.number, default=None)
        ceased = self.by_census(plan.ceased_on)
        budget = version is not None and bool(
            version.personal_budget_amount or version.personal_budget_arrangements
        )
        named = Sen2NamedPlan(
            start_date=t.item(f"{at}StartDate", _iso(plan.issued_on), _ref(plan, "issued_on")),
            pb=t.item(f"{at}PB", _flag(budget), _ref(version or plan, "personal_budget_amount")),
            cease_date=t.item(f"{at}CeaseDate", _iso(ceased), _ref(plan, "ceased_on")),
            cease_reason=t.item(
                f"{at}CeaseReason",
                str(plan.cease_reason) if ceased and plan.cease_reason else None,
                _ref(plan, "cease_reason"),
            ),
        )
        detail = Sen2PlanDetail(placement_rank="1", sen_unit="0", resourced_provision="0")
        where = f"{at}PlanDetail[1]/"
        if version is not None and version.placement_setting is not None:
            self.setting_items(
                where, detail, version.placement_setting, _ref(version, "placement_setting")
            )
        else:
            text = version.placement_type if version is not None else ""
            detail.sen_setting = t.item(
                f"{where}SENsetting", "OTH", "default: no setting named in section I"
            )
            detail.sen_setting_other = t.item(
                f"{where}SENsettingOther",
                text or "No setting named",
                _ref(version or plan, "placement_type"),
            )
        t.item(f"{where}PlacementRank", "1", "default: the setting named in section I")
        for name in ("SENunitIndicator", "ResourcedProvisionIndicator"):
            t.item(f"{where}{name}", "0", "default: a plan names the setting, not its unit")
        named.details = [detail]
        return named  # fmt: skip

    def setting_items(
        self, at: str, item: Sen2PlanDetail | Sen2PlacementDetail, setting: Setting, source: str
    ) -> None:
        t = self.trace
        here = f"{source} -> {_ref(setting, '')}".rstrip()
        if setting.urn:
            item.urn = t.item(f"{at}URN", f"{setting.urn:06d}", f"{here}urn")
        elif setting.ukprn:
            item.ukprn = t.item(f"{at}UKPRN", f"{setting.ukprn:08d}", f"{here}ukprn")
        else:
            code = setting.sen2_code or "OTH"
            item.sen_setting = t.item(f"{at}SENsetting", code, f"{here}sen2_code")
            if code in DESCRIBED_SETTINGS or setting.name != SEN2_SETTINGS[code]:
                item.sen_setting_other = t.item(f"{at}SENsettingOther", setting.name, f"{here}name")

    def active_plans(self, at: str, plan: Plan, learner: Learner) -> Sen2ActivePlans:
        t = self.trace
        active = Sen2ActivePlans()
        reviews = [r for r in _rows(plan, "reviews") if self.by_census(r.meeting_on)]
        latest = max(reviews, key=lambda r: (r.meeting_on, r.pk), default=None)
        if latest is not None:
            active.review_meeting = t.item(
                f"{at}ReviewMeeting", _iso(latest.meeting_on), _ref(latest, "meeting_on")
            )
            if self.by_census(latest.decided_on):
                outcome = REVIEW_OUTCOMES[Review.Decision(latest.decision)]
                active.review_outcome = t.item(
                    f"{at}ReviewOutcome", outcome, _ref(latest, "decision")
                )
        decided = [r for r in _rows(plan, "reviews") if self.by_census(r.decided_on)]
        last = max(decided, key=lambda r: (r.decided_on, r.pk), default=None)
        if last is not None:
            active.last_review = t.item(
                f"{at}LastReview", _iso(last.decided_on), _ref(last, "decided_on")
            )
        issued = plan.issued_on
        assert issued is not None
        until = self.by_census(plan.ceased_on) or self.census
        since = max(self.start, issued)
        number = 0
        for placement in sorted(_rows(learner, "placements"), key=lambda p: (p.started_on, p.pk)):
            if placement.started_on > until or (placement.ended_on and placement.ended_on < since):
                continue
            number += 1
            active.placements.append(self.placement(f"{at}PlacementDetail[{number}]/", placement))
        if number == 0 and self.by_census(plan.ceased_on) is None:
            active.placements.append(self.awaiting(f"{at}PlacementDetail[1]/", plan, issued))
        for need in sorted(_rows(learner, "needs"), key=lambda n: n.rank):
            if need.rank <= 2:
                where = f"{at}SENneed[{len(active.needs) + 1}]/"
                active.needs.append(
                    Sen2Need(
                        sen_type=t.item(f"{where}SENtype", need.code, _ref(need, "code")),
                        rank=t.item(f"{where}SENtypeRank", str(need.rank), _ref(need, "rank")),
                    )
                )
        return active  # fmt: skip

    def awaiting(self, at: str, plan: Plan, issued: date) -> Sen2PlacementDetail:
        """A plan in force with no placement recorded at all: SEN2's "not in education or
        training, other (awaiting a placement)" from the plan's issue, said so in the trace."""
        t = self.trace
        why = f"default: no placement recorded for {_ref(plan, 'issued_on')}"
        return Sen2PlacementDetail(
            sen_setting=t.item(f"{at}SENsetting", "NIEO", why),
            sen_setting_other=t.item(f"{at}SENsettingOther", AWAITING, why),
            placement_rank=t.item(f"{at}PlacementRank", "1", why),
            entry_date=t.item(f"{at}EntryDate", _iso(issued), _ref(plan, "issued_on")),
            sen_unit=t.item(f"{at}SENunitIndicator", "0", why),
            resourced_provision=t.item(f"{at}ResourcedProvisionIndicator", "0", why),
        )

    def placement(self, at: str, placement: Placement) -> Sen2PlacementDetail:
        t = self.trace
        # A converted inclusion base reports the kind it was (ADR 0148).
        kind = placement.strand.reported_kind if placement.strand is not None else ""
        strand_ref = _ref(placement, "strand")
        item = Sen2PlacementDetail(
            placement_rank=t.item(f"{at}PlacementRank", "1", "default: the setting attended"),
            entry_date=t.item(f"{at}EntryDate", _iso(placement.started_on), _ref(placement, "started_on")),
            leaving_date=t.item(f"{at}LeavingDate", _iso(self.by_census(placement.ended_on)), _ref(placement, "ended_on")),
            sen_unit=t.item(f"{at}SENunitIndicator", _flag(kind == ProvisionStrand.Kind.SEN_UNIT), strand_ref),
            resourced_provision=t.item(
                # SEN2 has no inclusion base yet: one is reported as resourced provision.
                f"{at}ResourcedProvisionIndicator", _flag(kind in _RESOURCED_KINDS), strand_ref
            ),
        )  # fmt: skip
        self.setting_items(at, item, placement.setting, _ref(placement, "setting"))
        return item


def learners_for_return(*, responsible_la_ids: Collection[int] | None = None) -> Iterable[Learner]:
    """Every learner (or those these LAs are responsible for) with what the return reads, in
    a few queries."""
    learners = Learner.objects.all()
    if responsible_la_ids is not None:
        learners = learners.filter(responsible_la_id__in=list(responsible_la_ids))
    return (
        learners.order_by("family_name", "given_name", "date_of_birth", "id")
        .prefetch_related(
            "needs",
            Prefetch("placements", queryset=Placement.objects.select_related("setting", "strand")),
            Prefetch(
                "cases",
                queryset=Case.objects.order_by("received_on", "id").prefetch_related(
                    "mediations", "appeals", "exceptions"
                ),
            ),
            Prefetch(
                "plans",
                queryset=Plan.objects.prefetch_related(
                    Prefetch(
                        "versions",
                        queryset=PlanVersion.objects.select_related("placement_setting"),
                    ),
                    "reviews",
                ),
            ),
        )
        .iterator(chunk_size=500)
    )


def build_return(
    census: date, lea: str, *, learners: Iterable[Learner] | None = None
) -> tuple[Sen2Return, list[TraceRow]]:
    """The return for ``census`` from the record, and the trace of every item."""
    trace = _Trace()
    exporter = _Exporter(census, trace)
    header = Sen2Header(
        collection_details=Sen2CollectionDetails(
            collection="SEN2", year=str(census.year), reference_date=census.isoformat()
        ),
        source=Sen2Source(source_level="L", lea=lea, software_code="SENDplan", release=__version__),
    )
    document = Sen2Return(header=header)
    with gc_paused():
        _add_persons(document, exporter, learners_for_return() if learners is None else learners)
    return document, trace.rows


def _add_persons(document: Sen2Return, exporter: _Exporter, learners: Iterable[Learner]) -> None:
    trace = exporter.trace
    for learner in learners:
        plans = {p.case_id: p for p in _rows(learner, "plans") if p.case_id is not None}
        trace.person = len(document.persons) + 1
        mark = len(trace.rows)
        requests: list[Sen2Request] = []
        for case in _rows(learner, "cases"):
            plan = plans.get(case.pk)
            if exporter.case_in_scope(case, plan):
                at = f"Requests[{len(requests) + 1}]/"
                requests.append(exporter.request(at, case, plan, learner))
        for plan in _rows(learner, "plans"):
            if plan.case_id is None and exporter.plan_in_scope(plan):
                at = f"Requests[{len(requests) + 1}]/"
                requests.append(exporter.historical_request(at, plan, learner))
        if not requests:
            del trace.rows[mark:]
            continue
        document.persons.append(exporter.person(learner, requests))
