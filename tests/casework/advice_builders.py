"""Builders for advice on a case: a health request, and a draft out for comments with the
health advice received (written into sections, or a report uploaded by the caseworker)."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from sendplan.casework.advice import services as advice_services
from sendplan.casework.advice.models import AdviceRequest
from sendplan.casework.case.models import Case, Stage
from sendplan.casework.plans import services as plan_services
from sendplan.documents.models import Document
from sendplan.documents.services import document_add
from tests.casework.conftest import ADVICE, DRAFT, make_case
from tests.documents.files import PDF

RECEIVED = ADVICE + dt.timedelta(days=30)


def health_request(cast, case: Case, health_org) -> AdviceRequest:
    return advice_services.advice_request(
        case_id=case.pk,
        kind=AdviceRequest.Kind.HEALTH,
        organisation_id=health_org.pk,
        practitioner=cast.health,
        requested_on=ADVICE,
        changed_by=cast.caseworker,
    )


def out_for_comments(
    cast, health_org, sections: dict[str, str] | None
) -> tuple[Case, AdviceRequest]:
    """A draft out for comments, with health advice received (written into ``sections``,
    or, with None, a report uploaded with no words)."""
    case = make_case(cast, Stage.DRAFTING)
    advice = health_request(cast, case, health_org)
    if sections is None:
        advice_services.advice_record_received(
            advice_request_id=advice.pk,
            received_on=RECEIVED,
            changed_by=cast.caseworker,
            upload=SimpleUploadedFile("report.pdf", PDF),
        )
    else:
        advice_services.advice_submit(
            advice_request_id=advice.pk,
            received_on=RECEIVED,
            changed_by=cast.health,
            sections=sections,
        )
    plan_services.draft_issue(case_id=case.pk, issued_on=DRAFT, changed_by=cast.caseworker)
    return Case.objects.get(pk=case.pk), AdviceRequest.objects.get(pk=advice.pk)


HEALTH = {"C": "Glue ear in both ears.", "G": "Hearing review every 6 months."}


def attach_report(user, case: Case, advice: AdviceRequest) -> Document:
    """The advice's report, uploaded by ``user`` (the practitioner or the caseworker)."""
    return document_add(
        user=user,
        learner=case.learner,
        upload=SimpleUploadedFile("audiology.pdf", PDF),
        kind=Document.Kind.ADVICE_REPORT,
        title="Audiology report",
        case=case,
        advice_request=advice,
    )


def confirm_no_provision(cast, case: Case, section: str, reason: str = "Met by the GP."):
    """The caseworker confirms that ``section`` of the case's draft needs nothing."""
    from sendplan.casework.plans.models import PlanVersion

    draft = PlanVersion.objects.get(plan__case=case, status=PlanVersion.Status.DRAFT)
    return plan_services.plan_no_provision_confirm(
        version_id=draft.pk,
        expected_lock=draft.lock,
        changed_by=cast.caseworker,
        section=section,
        reason=reason,
    )
