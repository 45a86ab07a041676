"""Writes of the casework app, one module per concept; import them from here."""

from sendplan.casework.services.appeal import (
    mediation_record,
    tribunal_order_record,
    tribunal_record,
)
from sendplan.casework.services.case import (
    advice_request,
    advice_submit,
    assessment_decide,
    case_close,
    case_withdraw,
    consultation_respond,
    consultation_send,
    draft_comments_record,
    exception_record,
    not_to_issue_decide,
    request_record,
)
from sendplan.casework.services.plan import (
    draft_issue,
    plan_advice_attach,
    plan_draft_start,
    plan_issue,
    plan_need_save,
    plan_outcome_save,
    plan_provision_save,
    plan_row_remove,
    plan_version_new_draft,
    plan_version_update,
)
from sendplan.casework.services.review import (
    plan_cease,
    review_decide,
    review_record_meeting,
    review_schedule,
)

__all__ = [
    "advice_request",
    "advice_submit",
    "assessment_decide",
    "case_close",
    "case_withdraw",
    "consultation_respond",
    "consultation_send",
    "draft_comments_record",
    "draft_issue",
    "exception_record",
    "mediation_record",
    "not_to_issue_decide",
    "plan_advice_attach",
    "plan_cease",
    "plan_draft_start",
    "plan_issue",
    "plan_need_save",
    "plan_outcome_save",
    "plan_provision_save",
    "plan_row_remove",
    "plan_version_new_draft",
    "plan_version_update",
    "request_record",
    "review_decide",
    "review_record_meeting",
    "review_schedule",
    "tribunal_order_record",
    "tribunal_record",
]
