"""Reads behind the plan pages: which plan and versions a user may see, the sections A–K as
structured rows with their links, and the differences between two versions.

Access follows the learner (``learners_visible_to``): not visible, 404. Families, settings and
health see issued versions and a draft out for comments only.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet

from sendplan.accounts.access import standing_for
from sendplan.accounts.models import Role, User
from sendplan.casework import clock
from sendplan.casework.advice.models import AdviceRequest, AdviceSection
from sendplan.casework.case.models import Stage
from sendplan.casework.plans.models import (
    NEED_SECTIONS,
    PROVISION_SECTIONS,
    SECTIONS_ADVISED_BY,
    Consultation,
    Plan,
    PlanNeed,
    PlanOutcome,
    PlanProvision,
    PlanVersion,
    Section,
)
from sendplan.core.errors import Http404
from sendplan.documents.models import Document
from sendplan.documents.selectors import documents_for
from sendplan.learners.access import learner_can_edit, organisation_ids
from sendplan.learners.models import AuditEvent
from sendplan.learners.selectors import learners_visible_to
from sendplan.learners.services import audit_read, audit_record

#: The versions readers outside the council (families, settings, practitioners) see: every
#: issued version, and a draft once it has gone to the family (a first draft out for
#: comments, or proposed amendments sent, outside a review or with a review's decision).
SHOWN_BEYOND_THE_COUNCIL = Q(status=PlanVersion.Status.ISSUED) | (
    Q(status=PlanVersion.Status.DRAFT)
    & (
        Q(plan__case__stage=Stage.CONSULTING, purpose=PlanVersion.Purpose.FIRST)
        | Q(proposed_on__isnull=False)
        | Q(review__amendment_proposed_on__isnull=False)
    )
)


def plan_version_detail(*, fetched_by: User, version_id: int) -> PlanVersion:
    """One version with all its sections, for the plan page (404 if the learner is not
    visible). Families and settings see issued versions and drafts out for comment only.
    """
    visible = learners_visible_to(fetched_by=fetched_by).filter(pk=OuterRef("plan__learner_id"))
    queryset = PlanVersion.objects.filter(Exists(visible), pk=version_id)
    if not standing_for(fetched_by).is_la_staff:
        queryset = queryset.filter(SHOWN_BEYOND_THE_COUNCIL)
    version = (
        queryset.select_related("plan__learner", "placement_setting")
        .prefetch_related(
            Prefetch("needs", queryset=PlanNeed.objects.select_related(*_SOURCE)),
            Prefetch("outcomes", queryset=_outcomes()),
            Prefetch(
                "provision",
                queryset=PlanProvision.objects.select_related(*_SOURCE).prefetch_related(
                    "outcomes"
                ),
            ),
            "advice__organisation",
            "no_provision__created_by",
        )
        .first()
    )
    if version is None:
        raise Http404("No plan found")
    return version


#: Where a row brought in from advice came from, for the line that says so.
_SOURCE = ("source__advice_request__organisation", "source__advice_request__practitioner")


def _outcomes() -> QuerySet:  # type: ignore[type-arg]
    return PlanOutcome.objects.select_related(*_SOURCE).prefetch_related("needs")


#: Sections written as rows, in the order a plan shows them.
ROW_SECTIONS = (*NEED_SECTIONS, Section.E, *PROVISION_SECTIONS)

#: Their letters: the sections advice can cover.
ROW_LETTERS: tuple[str, ...] = tuple(str(s.value) for s in ROW_SECTIONS)


def _received_advice(case_id: int) -> list[AdviceRequest]:
    return list(
        AdviceRequest.objects.filter(case_id=case_id, received_on__isnull=False)
        .select_related("organisation", "practitioner")
        .prefetch_related("sections")
        .order_by("received_on", "pk")
    )


def _written(advice: AdviceRequest) -> list[str]:
    return [str(s.section) for s in advice.sections.all()]


def sections_advised(case_id: int) -> dict[str, list[AdviceRequest]]:
    """The sections of the plan that advice received on the case covers, each with the
    advice covering it: the sections the advice was written into, or, for advice with no
    section written (a report that arrived by post), every section its kind bears on
    (``SECTIONS_ADVISED_BY``)."""
    covered: dict[str, list[AdviceRequest]] = {}
    for advice in _received_advice(case_id):
        for letter in _written(advice) or SECTIONS_ADVISED_BY.get(advice.kind, ()):
            if letter in ROW_LETTERS:
                covered.setdefault(str(letter), []).append(advice)
    return covered


@dataclass(frozen=True)
class SectionAdvice:
    """One piece of advice as a draft section shows it: the request (who, when), what it
    wrote for this section (None for a report with no words copied), and its files."""

    advice: AdviceRequest
    text: AdviceSection | None
    documents: list[Document]


def advice_for_section(
    *, fetched_by: User, version: PlanVersion, letter: str
) -> list[SectionAdvice]:
    """The advice received on the version's case that bears on section ``letter`` (written
    into it, or of a kind that bears on it), oldest first, with the documents the user may
    see. The page that shows it has audited the read
    of the plan (``plan_for_user``)."""
    case_id = version.plan.case_id
    if case_id is None:
        return []
    advice = [
        a
        for a in _received_advice(case_id)
        if letter in _written(a) or letter in SECTIONS_ADVISED_BY.get(a.kind, ())
    ]
    documents = documents_for(fetched_by).filter(advice_request__in=[a.pk for a in advice])
    files: dict[int, list[Document]] = {}
    for document in documents:
        files.setdefault(document.advice_request_id, []).append(document)  # type: ignore[arg-type]
    shown = []
    for each in advice:
        text = next((s for s in each.sections.all() if s.section == letter), None)
        shown.append(SectionAdvice(each, text, files.get(each.pk, [])))
    return shown


def plan_for_user(
    user: User, plan_id: int, *, purpose: str, export: bool = False
) -> tuple[Plan, bool]:
    """The plan if the user may see its learner (else 404), and whether they may change it;
    the read (or the copy taken, ``export``) is audited, ``purpose`` naming the page.

    Only LA staff who are the case's caseworker, or who may edit the learner, may change it.
    """
    visible = learners_visible_to(fetched_by=user).filter(pk=OuterRef("learner_id"))
    plan = (
        Plan.objects.filter(Exists(visible), pk=plan_id)
        .select_related("learner", "case", "case__caseworker")
        .first()
    )
    if plan is None:
        raise Http404("No plan found")
    audit_read(user=user, learner=plan.learner, what=purpose, export=export)
    if not standing_for(user).is_la_staff:
        return plan, False
    mine = plan.case is not None and plan.case.caseworker_id == user.pk
    return plan, mine or learner_can_edit(learner=plan.learner, user=user)


def plans_visible_to(*, fetched_by: User) -> QuerySet[Plan]:
    """Plans of the learners the user may see that have been issued (maintained or ceased),
    first issued first; no read of a plan's content, so the caller audits the list."""
    visible = learners_visible_to(fetched_by=fetched_by).filter(pk=OuterRef("learner_id"))
    return Plan.objects.filter(
        Exists(visible), status__in=[Plan.Status.MAINTAINED, Plan.Status.CEASED]
    ).order_by("issued_on", "pk")


def issued_versions(plan: Plan) -> QuerySet[PlanVersion]:
    """A plan's issued versions, newest first: what every reader of the plan may see."""
    return plan.versions.filter(status=PlanVersion.Status.ISSUED).order_by("-number")


def versions_for(*, fetched_by: User, plan: Plan) -> QuerySet[PlanVersion]:
    """Every version the user may see, newest first, with who last saved each."""
    queryset = plan.versions.select_related("created_by", "modified_by", "based_on")
    if not standing_for(fetched_by).is_la_staff:
        queryset = queryset.filter(SHOWN_BEYOND_THE_COUNCIL)
    return queryset.order_by("-number")


def version_for_user(*, fetched_by: User, plan: Plan, number: int) -> PlanVersion:
    """One version of the plan by its number, with every section prefetched (404 if hidden)."""
    pk = plan.versions.filter(number=number).values_list("pk", flat=True).first()
    if pk is None:
        raise Http404("No plan version found")
    return plan_version_detail(fetched_by=fetched_by, version_id=pk)


def current_version_number(*, fetched_by: User, plan: Plan) -> int:
    """The number of the latest issued version, or of the draft before the first issue."""
    versions = list(versions_for(fetched_by=fetched_by, plan=plan).values_list("number", "status"))
    issued = [n for n, status in versions if status == PlanVersion.Status.ISSUED]
    if issued:
        return issued[0]
    drafts = [n for n, status in versions if status == PlanVersion.Status.DRAFT]
    if drafts:
        return drafts[0]
    raise Http404("No plan version found")


def draft_of(plan: Plan) -> PlanVersion | None:
    return plan.versions.filter(status=PlanVersion.Status.DRAFT).first()


@dataclass(frozen=True)
class NeedRow:
    ref: str
    need: PlanNeed

    @property
    def obj(self) -> PlanNeed:
        return self.need


@dataclass(frozen=True)
class OutcomeRow:
    ref: str
    outcome: PlanOutcome
    need_refs: tuple[str, ...]

    @property
    def obj(self) -> PlanOutcome:
        return self.outcome


@dataclass(frozen=True)
class ProvisionRow:
    ref: str
    provision: PlanProvision
    outcome_refs: tuple[str, ...]

    @property
    def obj(self) -> PlanProvision:
        return self.provision


@dataclass
class SectionRows:
    section: Section
    rows: list = field(default_factory=list)  # type: ignore[type-arg]

    @property
    def letter(self) -> str:
        return str(self.section.value)

    @property
    def label(self) -> str:
        return str(self.section.label)


@dataclass
class PlanSections:
    """A version's sections A–K as a page, a print-out and the PDF show them."""

    version: PlanVersion
    needs: list[SectionRows]
    outcomes: SectionRows
    provision: list[SectionRows]
    advice: list  # type: ignore[type-arg]

    @property
    def row_sections(self) -> list[SectionRows]:
        return [*self.needs, self.outcomes, *self.provision]

    def rows_of(self, letter: str) -> SectionRows:
        return next(s for s in self.row_sections if s.letter == letter)


def plan_sections(version: PlanVersion) -> PlanSections:
    """Number the rows of a prefetched version and resolve each link to its reference."""
    need_refs: dict[int, str] = {}
    needs = []
    for section in NEED_SECTIONS:
        rows = SectionRows(section)
        for need in (n for n in version.needs.all() if n.section == section):
            ref = f"{section.value}{len(rows.rows) + 1}"
            need_refs[need.pk] = ref
            rows.rows.append(NeedRow(ref, need))
        needs.append(rows)
    outcome_refs: dict[int, str] = {}
    outcomes = SectionRows(Section.E)
    for outcome in version.outcomes.all():
        ref = f"E{len(outcomes.rows) + 1}"
        outcome_refs[outcome.pk] = ref
        needs_of = sorted(need_refs[n.pk] for n in outcome.needs.all() if n.pk in need_refs)
        outcomes.rows.append(OutcomeRow(ref, outcome, tuple(needs_of)))
    provision = []
    for section in PROVISION_SECTIONS:
        rows = SectionRows(section)
        for row in (p for p in version.provision.all() if p.section == section):
            ref = f"{section.value}{len(rows.rows) + 1}"
            linked = tuple(
                sorted(outcome_refs[o.pk] for o in row.outcomes.all() if o.pk in outcome_refs)
            )
            rows.rows.append(ProvisionRow(ref, row, linked))
        provision.append(rows)
    advice = sorted(version.advice.all(), key=lambda a: (a.received_on or a.requested_on, a.pk))
    return PlanSections(version, needs, outcomes, provision, advice)


@dataclass(frozen=True)
class Change:
    kind: str  # "Added", "Removed" or "Changed"
    what: str
    before: str = ""
    after: str = ""


@dataclass
class SectionChanges:
    label: str
    changes: list[Change]


def _placement(version: PlanVersion) -> str:
    parts = [version.placement_setting.name if version.placement_setting else ""]
    parts.append(version.placement_type)
    return " – ".join(p for p in parts if p) or "Not named"


def _budget(version: PlanVersion) -> str:
    if version.personal_budget_amount is None:
        return "No personal budget"
    return f"£{version.personal_budget_amount:,.2f} a year"


def _text_changes(pairs: list[tuple[str, str, str]]) -> list[Change]:
    return [Change("Changed", what, old, new) for what, old, new in pairs if old != new]


def _row_changes(old: list[str], new: list[str], what: str) -> list[Change]:
    # Rows of a new draft are copies with new ids, so rows are matched by what they say:
    # a reworded row reads as one removed and one added, which is what changed in law too.
    before, after = Counter(old), Counter(new)
    removed = [Change("Removed", what, text) for text in (before - after).elements()]
    added = [Change("Added", what, "", text) for text in (after - before).elements()]
    return removed + added


def _need_texts(sections: PlanSections, letter: str) -> list[str]:
    return [r.need.text for r in sections.rows_of(letter).rows]


def _outcome_texts(sections: PlanSections) -> list[str]:
    texts = []
    for row in sections.outcomes.rows:
        pfa = " (preparing for adulthood)" if row.outcome.preparing_for_adulthood else ""
        texts.append(f"{row.outcome.text}{pfa}")
    return texts


def _provision_texts(sections: PlanSections, letter: str) -> list[str]:
    return [
        f"{r.provision.what}: {r.provision.how_much}, {r.provision.how_often}, "
        f"by {r.provision.delivered_by}"
        for r in sections.rows_of(letter).rows
    ]


def compare_versions(old: PlanSections, new: PlanSections) -> list[SectionChanges]:
    """What changed from ``old`` to ``new``, section by section (sections with no change too)."""
    a, b = old.version, new.version
    result = [
        SectionChanges(
            str(Section.A.label),
            _text_changes(
                [
                    ("Views", a.views, b.views),
                    ("Interests", a.interests, b.interests),
                    ("Aspirations", a.aspirations, b.aspirations),
                    ("The family's views", a.family_views, b.family_views),
                    ("The family's interests", a.family_interests, b.family_interests),
                    ("The family's aspirations", a.family_aspirations, b.family_aspirations),
                ]
            ),
        )
    ]
    for letter in ("B", "C", "D"):
        result.append(
            SectionChanges(
                str(Section(letter).label),
                _row_changes(_need_texts(old, letter), _need_texts(new, letter), "Need"),
            )
        )
    result.append(
        SectionChanges(
            str(Section.E.label),
            _row_changes(_outcome_texts(old), _outcome_texts(new), "Outcome"),
        )
    )
    for section in PROVISION_SECTIONS:
        letter = str(section.value)
        result.append(
            SectionChanges(
                str(section.label),
                _row_changes(
                    _provision_texts(old, letter), _provision_texts(new, letter), "Provision"
                ),
            )
        )
    result.append(
        SectionChanges(
            str(Section.I.label), _text_changes([("Placement", _placement(a), _placement(b))])
        )
    )
    result.append(
        SectionChanges(
            str(Section.J.label),
            _text_changes(
                [
                    ("Amount", _budget(a), _budget(b)),
                    (
                        "Arrangements",
                        a.personal_budget_arrangements,
                        b.personal_budget_arrangements,
                    ),
                ]
            ),
        )
    )
    advice_old = [f"{x.get_kind_display()} from {x.organisation.name}" for x in old.advice]
    advice_new = [f"{x.get_kind_display()} from {x.organisation.name}" for x in new.advice]
    result.append(
        SectionChanges(str(Section.K.label), _row_changes(advice_old, advice_new, "Advice"))
    )
    return result


def placement_text(version: PlanVersion) -> str:
    return _placement(version)


def budget_text(version: PlanVersion) -> str:
    return _budget(version)


# Consultations, as the setting consulted sees them.


def consultations_for_setting(*, fetched_by: User) -> QuerySet[Consultation]:
    """Consultations addressed to settings the user is staff of today, about learners they
    may see (``learners.access``), waiting ones first
    (soonest due), then answered ones, newest first. Lists learners' names: the caller
    audits the list."""
    staff_of = organisation_ids(fetched_by, roles=[Role.SETTING_STAFF])
    # And only while the learner is visible to them: a consultation opens the setting's
    # relationship with the learner, and withdrawing or finishing the case ends it.
    visible = learners_visible_to(fetched_by=fetched_by).filter(pk=OuterRef("case__learner_id"))
    return (
        Consultation.objects.filter(Exists(visible), setting__organisation_id__in=staff_of)
        .select_related("case__learner", "case__plan", "setting")
        .order_by(F("responded_on").desc(nulls_first=True), "response_due_on", "-sent_on", "pk")
    )


def consultation_for_user(*, fetched_by: User, pk: int, purpose: str) -> Consultation:
    """One consultation addressed to a setting the user is staff of (else 404); the read
    of the learner's name and draft plan is audited, ``purpose`` naming the page."""
    consultation = consultations_for_setting(fetched_by=fetched_by).filter(pk=pk).first()
    if consultation is None:
        raise Http404("No consultation found")
    audit_read(user=fetched_by, learner=consultation.case.learner, what=purpose)
    return consultation


def consultation_draft_number(consultation: Consultation) -> int | None:
    """The number of the draft the setting was consulted on, while it is out for comments."""
    if consultation.case.stage != Stage.CONSULTING or consultation.case.plan is None:
        return None
    return (
        consultation.case.plan.versions.filter(status=PlanVersion.Status.DRAFT)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )


@dataclass(frozen=True)
class AmendmentInProgress:
    version: PlanVersion
    comments_close: dt.date | None  # None until the proposals have gone to the family


def amendments_in_progress(*, fetched_by: User) -> list[AmendmentInProgress]:
    """Amendments proposed outside a review (a new place from planning) until they are issued,
    oldest first, for the work tray: those to send to the family, then those waiting for the
    family's 15 days to run or ready to issue. LA staff of the learner's council only; audited
    as a list."""
    la_ids = standing_for(fetched_by).la_ids
    if not la_ids:
        return []
    versions = list(
        PlanVersion.objects.filter(
            status=PlanVersion.Status.DRAFT,
            purpose=PlanVersion.Purpose.AMENDMENT,
            review__isnull=True,
            plan__learner__responsible_la_id__in=la_ids,
        )
        .select_related("plan__learner", "placement_setting")
        .order_by("created_at", "pk")
    )
    if versions:
        audit_record(
            user=fetched_by,
            action=AuditEvent.Action.LIST,
            detail=f"proposed amendments: {len(versions)}",
        )
    return [
        AmendmentInProgress(
            v,
            clock.due("amendment_representations", v.proposed_on) if v.proposed_on else None,
        )
        for v in versions
    ]
