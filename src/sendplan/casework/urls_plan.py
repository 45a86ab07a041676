"""URLs of the plan and review pages (included by ``casework.urls``; namespace "casework").

Numeric ids and the plan's own section letters only: no names or identifiers.
"""

from django.urls import path, register_converter

from sendplan.casework.views import plan, plan_edit, review


class SectionConverter:
    """A section letter of an EHC plan: A to K, with H split into H1 and H2."""

    regex = "A|B|C|D|E|F|G|H1|H2|I|J|K"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(SectionConverter, "section")

urlpatterns = [
    path("plans/<int:plan_id>/", plan.plan_detail, name="plan"),
    path("plans/<int:plan_id>/versions/", plan.version_history, name="plan-history"),
    path("plans/<int:plan_id>/versions/<int:number>/", plan.version_detail, name="plan-version"),
    path(
        "plans/<int:plan_id>/versions/<int:number>/print/",
        plan.version_print,
        name="plan-print",
    ),
    path("plans/<int:plan_id>/versions/<int:number>/pdf/", plan.version_pdf, name="plan-pdf"),
    path("plans/<int:plan_id>/compare/", plan.version_compare, name="plan-compare"),
    path("plans/<int:plan_id>/draft/", plan_edit.draft_overview, name="plan-draft"),
    path("plans/<int:plan_id>/draft/issue/", plan_edit.draft_issue_plan, name="plan-issue"),
    path(
        "plans/<int:plan_id>/draft/<section:section>/",
        plan_edit.draft_section,
        name="plan-draft-section",
    ),
    path(
        "plans/<int:plan_id>/draft/<section:section>/add/",
        plan_edit.draft_row,
        name="plan-draft-row-add",
    ),
    path(
        "plans/<int:plan_id>/draft/<section:section>/<int:row_id>/",
        plan_edit.draft_row,
        name="plan-draft-row",
    ),
    path(
        "plans/<int:plan_id>/draft/<section:section>/<int:row_id>/remove/",
        plan_edit.draft_row_remove,
        name="plan-draft-row-remove",
    ),
    path("plans/<int:plan_id>/reviews/", review.plan_reviews, name="plan-reviews"),
    path(
        "plans/<int:plan_id>/reviews/schedule/", review.review_schedule_page, name="review-schedule"
    ),
    path(
        "plans/<int:plan_id>/reviews/<int:review_id>/meeting/",
        review.review_meeting_page,
        name="review-meeting",
    ),
    path(
        "plans/<int:plan_id>/reviews/<int:review_id>/decision/",
        review.review_decision_page,
        name="review-decision",
    ),
    path("plans/<int:plan_id>/cease/", review.plan_cease_page, name="plan-cease"),
    path("reviews/", review.upcoming_reviews, name="reviews"),
    path("reviews/all/", review.upcoming_reviews, {"show_all": True}, name="reviews-all"),
]
