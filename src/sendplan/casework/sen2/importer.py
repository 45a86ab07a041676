"""Load a SEN2 return into the record: how a council moves in (ADR 0128).

All or nothing: the whole return is written in one transaction, and only a return with no
errors is loaded (the command checks it first). Idempotent: every row is found by a natural
key before it is written (a learner by UPN, else ULN, else name and date of birth; a request
by learner and date received; a plan by its request; a placement by learner, setting and
entry date; a review by plan and meeting date), and only what differs is changed, so
loading the same return twice changes nothing. A dry run does the same work and rolls it
back, reporting what it would have changed.

The record is richer than the return, so the import fills what the return does not say with
stated defaults: who made the request ("Recorded in the SEN2 return"), a draft issued the day
the plan was, a setting created for a URN the register does not hold yet (to be replaced
from GIAS). Exporting what was imported gives the same ``Person`` elements back.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings as django_settings
from django.db import models, transaction

from sendplan.accounts.models import Organisation
from sendplan.casework.case.models import Case, CaseException, Stage
from sendplan.casework.disputes.models import Appealable, Mediation, Tribunal
from sendplan.casework.plans.models import Plan, PlanVersion
from sendplan.casework.reviews.models import Review
from sendplan.core.locking import lock_bump
from sendplan.core.models import SEN2_IMPORT
from sendplan.engine import (
    SEN2_SETTINGS,
    Sen2ActivePlans,
    Sen2Assessment,
    Sen2NamedPlan,
    Sen2Person,
    Sen2PlacementDetail,
    Sen2PlanDetail,
    Sen2Request,
    Sen2Return,
    sen2_collection_period,
)
from sendplan.learners.models import Learner, Need, Placement
from sendplan.provision.models import ProvisionStrand, Setting

SOURCES = {
    "1": Case.Source.PARENT,
    "2": Case.Source.SETTING,
    "3": Case.Source.HEALTH,
    "4": Case.Source.SOCIAL_CARE,
    "5": Case.Source.OTHER,
}
REVIEW_DECISIONS = {
    "A": Review.Decision.AMEND,
    "C": Review.Decision.CEASE,
    "M": Review.Decision.MAINTAIN,
}
FROM_RETURN = "Recorded in the SEN2 return"
WEEK20_KEY = "sen2_week20"


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


@dataclass
class ImportReport:
    """What an import changed (or, in a dry run, would change), row by row."""

    lines: list[str] = field(default_factory=list)
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, action: str, row: models.Model, person: int, detail: str = "") -> None:
        name = f"{row._meta.app_label}.{row._meta.object_name}"
        self.counts[(action, name)] += 1
        what = f" ({detail})" if detail else ""
        where = f"Person {person}" if person else "Return"
        self.lines.append(f"{where}: {action} {name}{what}")

    @property
    def changed(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> str:
        if not self.counts:
            return "no changes"
        return ", ".join(
            f"{count} {action}d {name}" for (action, name), count in sorted(self.counts.items())
        )


class _Importer:
    def __init__(self, document: Sen2Return, report: ImportReport) -> None:
        self.report = report
        self.person_number = 0
        source = document.header.source
        self.la = self.local_authority(source.lea if source is not None else None)
        details = document.header.collection_details
        census = _date(details.reference_date if details is not None else None)
        assert census is not None  # a valid return has it
        # A withdrawal is returned because it happened in the period: date it there.
        self.period_start = sen2_collection_period(census)[0]

    # -- Writing one row -----------------------------------------------------------------

    def save(self, model: type[Any], lookup: dict[str, Any], values: dict[str, Any], create: dict[str, Any] | None = None) -> Any:  # fmt: skip
        """The row ``lookup`` finds, created or changed to hold ``values``."""
        row = model.objects.filter(**lookup).order_by("pk").first()
        if row is None:
            row = model(**lookup, **values, **(create or {}))
            row.full_clean(validate_unique=False, validate_constraints=False)
            row._change_reason = SEN2_IMPORT  # its history names the import (no user)
            row.save()
            self.report.add("create", row, self.person_number)
            return row
        changed = [name for name, value in values.items() if getattr(row, name) != value]
        if changed:
            for name in changed:
                setattr(row, name, values[name])
            if hasattr(row, "lock"):
                lock_bump(row)
            row._change_reason = SEN2_IMPORT
            row.save()
            self.report.add("update", row, self.person_number, ", ".join(changed))
        return row

    def local_authority(self, lea: str | None) -> Organisation:
        las = Organisation.objects.filter(kind=Organisation.Kind.LOCAL_AUTHORITY).order_by("pk")
        own = las.filter(code=getattr(django_settings, "SENDPLAN_LA_CODE", "") or "-").first()
        found = own or las.first()
        if found is not None:
            return found
        org = Organisation.objects.create(
            name=f"Local authority {lea or ''}".strip(), kind=Organisation.Kind.LOCAL_AUTHORITY
        )
        self.report.add("create", org, 0, "the responsible local authority")
        return org

    # -- Person --------------------------------------------------------------------------

    def person(self, number: int, p: Sen2Person) -> None:
        self.person_number = number
        birth = _date(p.birth_date)
        assert birth is not None and p.forename and p.surname  # a valid return has them
        if p.upn:
            lookup: dict[str, Any] = {"upn": p.upn}
        elif p.uln:
            lookup = {"uln": p.uln}
        else:
            lookup = {"given_name": p.forename, "family_name": p.surname, "date_of_birth": birth}
        given = {
            "given_name": p.forename,
            "family_name": p.surname,
            "date_of_birth": birth,
            "sex": p.sex,
            "ethnicity": p.ethnicity,
            "postcode": p.postcode,
            "upn": p.upn,
            "uln": p.uln,
            "upn_unknown": p.upn_unknown,
        }
        values = {k: v for k, v in given.items() if v is not None and k not in lookup}
        learner = self.save(Learner, lookup, values, {"responsible_la": self.la})
        active = [r.active_plans for r in p.requests if r.active_plans is not None]
        if active:
            self.needs(learner, active[-1])
        for request in p.requests:
            self.request(learner, request)

    def needs(self, learner: Learner, active: Sen2ActivePlans) -> None:
        wanted = {(int(n.rank or 0), n.sen_type or "") for n in active.needs}
        held = {(n.rank, n.code) for n in learner.needs.all() if n.rank <= 2}
        if wanted == held:
            return
        learner.needs.filter(rank__lte=2).delete()
        learner.needs.filter(code__in=[code for _, code in wanted]).delete()
        for rank, code in sorted(wanted):
            need = Need.objects.create(learner=learner, rank=rank, code=code)
            self.report.add("create", need, self.person_number, f"rank {rank}")

    # -- Request and assessment ----------------------------------------------------------

    def request(self, learner: Learner, r: Sen2Request) -> None:
        received = _date(r.received_date)
        assert received is not None
        decided = _date(r.outcome_date)
        a = r.assessment
        values: dict[str, Any] = {
            "decision_on": None,
            "assess": None,
            "draft_issued_on": None,
            "final_issued_on": None,
            "not_to_issue_on": None,
            "closed_on": None,
            "closed_reason": "",
        }
        if r.outcome in {"Y", "N"}:
            values.update(decision_on=decided, assess=r.outcome == "Y", stage=Stage.ASSESSING)
        elif r.outcome == "H":
            values.update(decision_on=received, assess=a is not None, stage=Stage.ASSESSING)
        if values["assess"] is False:
            values.update(rights_given=True, stage=Stage.NOT_ASSESSING)
        if r.outcome == "A":
            values["stage"] = Stage.REQUESTED
        if r.outcome == "W":
            values.update(stage=Stage.WITHDRAWN, closed_on=max(received, self.period_start))
            values["closed_reason"] = f"Withdrawn before a decision ({FROM_RETURN.lower()})"
        plan = None
        if a is not None:
            plan = a.named_plan
            self.assessment_values(values, a, decided or received)
        case = self.save(
            Case,
            {"learner": learner, "received_on": received},
            values,
            {"source": SOURCES[r.source or "5"], "requested_by": FROM_RETURN},
        )
        if Case.Source(case.source) not in _same_code(r.source or "5"):
            self.save(Case, {"pk": case.pk}, {"source": SOURCES[r.source or "5"]})
        self.disputes(case, r, decided or received)
        if a is not None and a.week20 == "1":
            self.save(
                CaseException,
                {"case": case, "key": WEEK20_KEY},
                {},
                {"reason": f"20-week exception ({FROM_RETURN.lower()})", "starts_on": received},
            )
        if plan is not None:
            saved = self.plan(learner, case, plan)
            if r.active_plans is not None:
                self.active_plans(learner, saved, r.active_plans)

    def assessment_values(self, values: dict[str, Any], a: Sen2Assessment, decided: date) -> None:
        outcome_date = _date(a.outcome_date)
        plan = a.named_plan
        issued = _date(plan.start_date) if plan is not None else None
        if a.outcome in {"Y", "S"} and outcome_date is not None:
            values.update(
                draft_issued_on=outcome_date, final_issued_on=outcome_date, stage=Stage.FINAL_ISSUED
            )
        elif a.outcome in {"Y", "S"}:
            values.update(draft_issued_on=decided, stage=Stage.CONSULTING)
        elif a.outcome == "H" and issued is not None:
            values.update(draft_issued_on=issued, final_issued_on=issued, stage=Stage.FINAL_ISSUED)
        elif a.outcome in {"H", "N"}:
            values.update(not_to_issue_on=outcome_date or decided, stage=Stage.NOT_ISSUING)
        elif a.outcome == "W":
            values.update(stage=Stage.WITHDRAWN, closed_on=max(decided, self.period_start))
            values["closed_reason"] = f"Withdrawn during the assessment ({FROM_RETURN.lower()})"
        else:
            values["stage"] = Stage.ASSESSING

    def disputes(self, case: Case, r: Sen2Request, on: date) -> None:
        a = r.assessment
        flags = [
            (r.mediation, r.tribunal, Appealable.NOT_TO_ASSESS),
            (a.mediation if a else None, a.tribunal if a else None, Appealable.NOT_TO_ISSUE),
            (a.other_mediation if a else None, a.other_tribunal if a else None, Appealable.PLAN_CONTENTS),
        ]  # fmt: skip
        for mediation, tribunal, about in flags:
            if mediation == "1":
                self.save(
                    Mediation, {"case": case, "about": about}, {}, {"adviser_contacted_on": on}
                )
            if tribunal == "1":
                self.save(Tribunal, {"case": case, "about": about}, {}, {"registered_on": on})

    # -- Plan, placements, reviews --------------------------------------------------------

    def plan(self, learner: Learner, case: Case, named: Sen2NamedPlan) -> Plan:
        issued = _date(named.start_date)
        ceased = _date(named.cease_date)
        plan = self.save(
            Plan,
            {"case": case},
            {
                "learner": learner,
                "status": Plan.Status.CEASED if ceased else Plan.Status.MAINTAINED,
                "issued_on": issued,
                "ceased_on": ceased,
                "cease_reason": int(named.cease_reason) if named.cease_reason else None,
            },
        )
        rank_one = [d for d in named.details if d.placement_rank == "1"] or named.details[:1]
        setting = self.setting(rank_one[0]) if rank_one else None
        versions = plan.versions.filter(status=PlanVersion.Status.ISSUED).order_by("-number")
        version = versions.first()
        budget = version is not None and bool(
            version.personal_budget_amount or version.personal_budget_arrangements
        )
        values: dict[str, Any] = {"placement_setting": setting}
        if budget != (named.pb == "1"):
            values["personal_budget_arrangements"] = "" if named.pb != "1" else FROM_RETURN
            values["personal_budget_amount"] = None
        self.save(
            PlanVersion,
            {"plan": plan, "number": version.number if version else 1},
            values,
            {"status": PlanVersion.Status.ISSUED, "issued_on": issued},
        )
        return plan

    def setting(self, item: Sen2PlanDetail | Sen2PlacementDetail) -> Setting:
        made = {
            "kind": Setting.Kind.OTHER,
            "min_age": 0,
            "max_age": 25,
            "source": Setting.Source.MANUAL,
            "source_note": "Added by the SEN2 import: complete it from GIAS",
        }
        if item.urn:
            return self.save(
                Setting, {"urn": int(item.urn)}, {}, {"name": f"URN {item.urn}", **made}
            )
        if item.ukprn:
            lookup: dict[str, Any] = {"ukprn": int(item.ukprn), "urn": None}
            return self.save(Setting, lookup, {}, {"name": f"UKPRN {item.ukprn}", **made})
        code = item.sen_setting or "OTH"
        name = item.sen_setting_other or SEN2_SETTINGS[code]
        made["source_note"] = "An arrangement with no URN, from the SEN2 return"
        lookup = {"sen2_code": code, "urn": None, "ukprn": None, "name": name}
        return self.save(Setting, lookup, {}, made)

    def strand(self, setting: Setting, item: Sen2PlacementDetail) -> ProvisionStrand | None:
        kinds = [
            (item.sen_unit, ProvisionStrand.Kind.SEN_UNIT),
            (item.resourced_provision, ProvisionStrand.Kind.RESOURCED_PROVISION),
        ]
        for flag, kind in kinds:
            if flag == "1":
                # An inclusion base converted from this kind is the same places (ADR 0148).
                converted = (
                    ProvisionStrand.objects.filter(setting=setting, converted_from=kind)
                    .order_by("pk")
                    .first()
                )
                if converted is not None:
                    return converted
                create: dict[str, Any] = {"min_age": 0, "max_age": 25, "capacity": 0}
                return self.save(ProvisionStrand, {"setting": setting, "kind": kind}, {}, create)
        return None

    def active_plans(self, learner: Learner, plan: Plan, active: Sen2ActivePlans) -> None:
        for item in sorted(active.placements, key=lambda p: p.entry_date or ""):
            setting = self.setting(item)
            entry, leaving = _date(item.entry_date), _date(item.leaving_date)
            assert entry is not None  # a valid return has it
            if leaving is None:
                self.close_other_placements(learner, setting, entry)
            self.save(
                Placement,
                {"learner": learner, "setting": setting, "started_on": entry},
                {"ended_on": leaving, "strand": self.strand(setting, item)},
                {"decided_by": FROM_RETURN},
            )
        self.reviews(plan, active)

    def close_other_placements(self, learner: Learner, setting: Setting, entry: date) -> None:
        others = learner.placements.filter(ended_on__isnull=True).exclude(
            setting=setting, started_on=entry
        )
        for other in others:
            if other.started_on <= entry:
                self.save(Placement, {"pk": other.pk}, {"ended_on": entry})

    def reviews(self, plan: Plan, active: Sen2ActivePlans) -> None:
        meeting = _date(active.review_meeting)
        last = _date(active.last_review)
        decision = REVIEW_DECISIONS.get(active.review_outcome or "")
        earlier = meeting is None or (last is not None and last < meeting) or decision is None
        if last is not None and last != meeting and earlier:
            self.save(
                Review,
                {"plan": plan, "meeting_on": last},
                {"decided_on": last, "decision": Review.Decision.MAINTAIN},
                {"due_on": last},
            )
        if meeting is not None:
            decided_on = None
            if decision is not None:
                decided_on = last if last is not None and last >= meeting else meeting
            self.save(
                Review,
                {"plan": plan, "meeting_on": meeting},
                {"decided_on": decided_on, "decision": decision or ""},
                {"due_on": meeting},
            )


def _same_code(code: str) -> set[Case.Source]:
    return {source for source, value in _EXPORT_CODES.items() if value == code}


def _export_codes() -> dict[Case.Source, str]:
    from sendplan.casework.sen2.export import REQUEST_SOURCES

    return {Case.Source(k): v for k, v in REQUEST_SOURCES.items()}


_EXPORT_CODES = _export_codes()


def import_return(document: Sen2Return, *, dry_run: bool = False) -> ImportReport:
    """Load ``document`` (a return with no errors) in one transaction; roll back a dry run."""
    report = ImportReport()
    with transaction.atomic():
        importer = _Importer(document, report)
        for number, person in enumerate(document.persons, start=1):
            importer.person(number, person)
        if dry_run:
            transaction.set_rollback(True)
    return report
