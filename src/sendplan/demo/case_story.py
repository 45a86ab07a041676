"""What the demo's cases carry besides their dates: advice reports attached as PDF files, the
family's comments on the draft, and consultations that the demo SENCO answered.

At every stage after the decision to assess, some cases have their advice as a report (a small
synthetic PDF built with ReportLab, stored through the documents service, so it is checked,
stored and downloaded like any upload). Every draft that has come back from the family carries
their comments. At the stages with a draft out or issued, some cases consulted the demo SENCO's
setting, which answered in the service; one is still waiting for its answer.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING

import numpy as np
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import QuerySet
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from sendplan.accounts.models import Role, User
from sendplan.casework import clock
from sendplan.casework.advice.models import AdviceRequest
from sendplan.casework.case.models import Case, Stage
from sendplan.casework.family.models import FamilyComment
from sendplan.casework.plans.models import Consultation, PlanVersion
from sendplan.documents.models import Document
from sendplan.documents.services import document_add, may_add_document
from sendplan.learners.access import CONSULTED
from sendplan.learners.models import Involvement, Learner
from sendplan.provision.models import Setting

if TYPE_CHECKING:
    from sendplan.demo.casework_write import Cast

#: The stages whose cases have received advice, and how many cases of each get reports.
ADVICE_STAGES = (Stage.ASSESSING, Stage.DRAFTING, Stage.CONSULTING, Stage.FINAL_ISSUED,
                 Stage.NOT_ISSUING)  # fmt: skip
REPORTS_PER_STAGE = 2
#: Reports per case: most advice still arrives as text in the service.
REPORTS_PER_CASE = 2
#: The stages with a draft sent to the family and the settings.
DRAFT_STAGES = (Stage.CONSULTING, Stage.FINAL_ISSUED)
SENCO_CASES_PER_STAGE = 3
SENCO = "demo.senco"

_COMMENTS = (
    "We agree with the needs in section B. Please add that Sam finds lunchtimes hardest.",
    "The outcomes are right, but the speech therapy should be weekly, as the report says.",
    "Thank you. We would like the plan to name the school closer to home.",
    "We have nothing to add: the draft describes our child well.",
)
_REASONS_CANNOT_MEET = (
    "Our resourced base is full this year and cannot offer the small-group teaching in section F."
)


def reset_documents(learners: QuerySet[Learner]) -> int:
    """Delete the documents of these learners; their files go once the deletion commits."""
    return Document.objects.filter(learner__in=learners).delete()[1].get(Document._meta.label, 0)


def write_case_story(cast: Cast, *, as_at: dt.date, rng: np.random.Generator) -> dict[str, int]:
    cases = Case.objects.filter(learner__responsible_la=cast.orgs["la"])
    own_journeys = {cast.rows[cast.showcase.child].pk}
    return {
        "advice reports": _advice_reports(cases, cast),
        "family comments": _family_comments(cases, own_journeys, as_at, rng),
        "consultations answered by the SENCO": _senco_consultations(
            cases, cast.users[SENCO], own_journeys, as_at, rng
        ),
    }


def advice_report_pdf(*, title: str, about: str, author: str, text: str) -> bytes:
    """A one-page synthetic advice report: real text, a document title, nothing personal."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    pdf.setTitle(title)
    pdf.setAuthor(author)
    pdf.setSubject("Synthetic demonstration document")
    left, top = 72, A4[1] - 72
    pdf.setFont("Helvetica-Bold", 16)
    pdf.drawString(left, top, title)
    pdf.setFont("Helvetica", 11)
    lines = [f"About: {about}", f"From: {author}", "", *_wrap(text, 85), "",
             "Synthetic demonstration document: no real person is described."]  # fmt: skip
    for n, line in enumerate(lines, start=2):
        pdf.drawString(left, top - 18 * n, line)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _advice_reports(cases: QuerySet[Case], cast: Cast) -> int:
    showcase = [cast.rows[cast.showcase.child].pk, cast.rows[cast.showcase.young_person].pk]
    chosen: list[int] = []
    for stage in ADVICE_STAGES:
        received = (
            cases.filter(stage=stage, advice_requests__received_on__isnull=False)
            .exclude(learner_id__in=showcase)
            .order_by("pk")
            .values_list("pk", flat=True)
            .distinct()
        )
        chosen.extend(received[:REPORTS_PER_STAGE])
    advice = (
        AdviceRequest.objects.filter(received_on__isnull=False)
        .filter(
            case_id__in=[
                *chosen,
                *cases.filter(learner_id__in=showcase).values_list("pk", flat=True),
            ]
        )
        .select_related("case__learner", "case__caseworker", "organisation", "practitioner")
        .prefetch_related("sections")
        .order_by("pk")
    )
    added = 0
    per_case: dict[int, int] = {}
    for request in advice:
        case = request.case
        if case.learner_id not in showcase and per_case.get(case.pk, 0) >= REPORTS_PER_CASE:
            continue
        per_case[case.pk] = per_case.get(case.pk, 0) + 1
        uploader = next(
            (
                u
                for u in (request.practitioner, case.caseworker)
                if u is not None
                and may_add_document(user=u, learner=case.learner, advice_request=request)
            ),
            None,
        )
        if uploader is None:
            continue
        label = request.get_kind_display()
        text = " ".join(s.text for s in request.sections.all()) or "Advice as discussed."
        pdf = advice_report_pdf(
            title=label, about=case.learner.given_name, author=request.organisation.name,
            text=text,
        )  # fmt: skip
        document_add(
            user=uploader, learner=case.learner, kind=Document.Kind.ADVICE_REPORT,
            title=f"Advice report: {label}",
            upload=SimpleUploadedFile(f"{request.kind}-advice.pdf", pdf, "application/pdf"),
            case=case, advice_request=request,
        )  # fmt: skip
        added += 1
    return added


def _family_comments(
    cases: QuerySet[Case], own_journeys: set[int], as_at: dt.date, rng: np.random.Generator
) -> int:
    """The family's comments on every draft out (but the demo parent's own) or come back."""
    rows = []
    drafts = (
        cases.filter(stage__in=DRAFT_STAGES, draft_issued_on__isnull=False)
        .exclude(learner_id__in=own_journeys)
        .select_related("caseworker")
    )
    # The version sent as the draft: the case's plan's first.
    first_version = {
        v.plan.case_id: v
        for v in PlanVersion.objects.filter(plan__case__in=drafts, number=1).select_related("plan")
    }
    for case in drafts:
        version = first_version.get(case.pk)
        assert case.draft_issued_on is not None
        given = case.draft_comments_received_on or min(
            case.draft_issued_on + dt.timedelta(days=int(rng.integers(2, 10))), as_at
        )
        if version is None or given < case.draft_issued_on:
            continue
        text = _COMMENTS[int(rng.integers(len(_COMMENTS)))]
        rows.append(
            FamilyComment(case=case, version=version, given_on=given, text=text,
                          finished=case.final_issued_on is not None,
                          created_by=case.caseworker, modified_by=case.caseworker)
        )  # fmt: skip
    FamilyComment.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def _senco_consultations(
    cases: QuerySet[Case],
    senco: User,
    own_journeys: set[int],
    as_at: dt.date,
    rng: np.random.Generator,
) -> int:
    """Consultations of the SENCO's setting, answered by the SENCO; one still waiting."""
    setting = Setting.objects.get(
        organisation__memberships__user=senco, organisation__memberships__role=Role.SETTING_STAFF
    )
    organisation_id = setting.organisation_id
    assert organisation_id is not None  # the SENCO works for it
    answered = Consultation.objects.filter(setting=setting, responded_on__isnull=False)
    already = answered.update(modified_by=senco)
    added: list[Consultation] = []
    waiting = False
    for stage in DRAFT_STAGES:
        candidates = (
            cases.filter(stage=stage, draft_issued_on__isnull=False)
            .exclude(learner_id__in=own_journeys)
            .exclude(consultations__setting=setting)
            .select_related("caseworker")
            .order_by("pk")
        )
        for case in candidates[: SENCO_CASES_PER_STAGE + 1]:
            assert case.draft_issued_on is not None
            sent = case.draft_issued_on
            due = clock.consultation_due(sent)
            on = min(sent + dt.timedelta(days=int(rng.integers(3, 12))), due, as_at)
            if case.final_issued_on is not None:
                on = min(on, case.final_issued_on)
            open_one = stage == Stage.CONSULTING and not waiting
            can_meet = len(added) % 3 != 1
            added.append(
                Consultation(
                    case=case, setting=setting, sent_on=sent, response_due_on=due,
                    responded_on=None if open_one else on,
                    response="" if open_one else Consultation.Response.CAN_MEET if can_meet
                    else Consultation.Response.CANNOT_MEET,
                    reasons="" if open_one or can_meet else _REASONS_CANNOT_MEET,
                    created_by=case.caseworker,
                    modified_by=case.caseworker if open_one else senco,
                )
            )  # fmt: skip
            waiting = waiting or open_one
    involvements = Involvement.objects.bulk_create(
        Involvement(
            learner_id=c.case.learner_id, kind=Involvement.Kind.SETTING,
            organisation_id=organisation_id, reason=CONSULTED, started_on=c.sent_on,
            ended_on=c.case.final_issued_on or c.case.closed_on,
            created_by=c.created_by, modified_by=c.created_by,
        )
        for c in added
    )  # fmt: skip
    for consultation, involvement in zip(added, involvements, strict=True):
        consultation.involvement = involvement
    Consultation.objects.bulk_create(added)
    return already + sum(1 for c in added if c.responded_on is not None)


__all__ = ["advice_report_pdf", "reset_documents", "write_case_story"]
