"""Every casework page, by concept: numeric ids, section letters and fixed words only, never
a name or identifier. Tray filters are GET parameters naming a stage or a status, never a
person.
"""

from django.urls import path, register_converter

from sendplan.casework.advice import views as advice
from sendplan.casework.advice import views_received as advice_received
from sendplan.casework.advice import views_triage as advice_triage
from sendplan.casework.case import views as case
from sendplan.casework.family import views as family
from sendplan.casework.intake import views as intake
from sendplan.casework.intake import views_staff as intake_staff
from sendplan.casework.plans import views as plans
from sendplan.casework.plans import views_amend as plan_amend
from sendplan.casework.plans import views_issue as plan_issue
from sendplan.casework.reviews import setting_views as convene
from sendplan.casework.reviews import views as reviews
from sendplan.casework.tray import views as tray


class SectionConverter:
    """A section letter of an EHC plan: A to K, with H split into H1 and H2."""

    regex = "A|B|C|D|E|F|G|H1|H2|I|J|K"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(SectionConverter, "section")

app_name = "casework"
urlpatterns = [
    # The work tray and the manager's dashboard.
    path("", tray.work_tray, name="tray"),
    path("work-tray.csv", tray.work_tray_csv, name="tray-csv"),
    path("caseload/", tray.caseload_page, name="caseload"),
    path("dashboard/", tray.dashboard, name="dashboard"),
    # The front door: a request for an assessment, asked online, and its confirmation.
    path("request/", intake.request_start, name="request-start"),
    path("request/check/", intake.request_check, name="request-check"),
    path("request/sent/", intake.request_sent, name="request-sent"),
    path("request/<slug:step>/", intake.request_step, name="request-step"),
    path("requests/new/", intake_staff.request_record_page, name="request-record"),
    path("requests/<int:pk>/confirm/", intake_staff.request_confirm_page, name="request-confirm"),
    # The case and its steps (disputes are steps on a case).
    path("new/", case.case_new, name="new"),
    path("<int:pk>/", case.case_detail, name="case"),
    path("<int:pk>/<slug:action>/", case.case_action, name="action"),
    path("<int:pk>/<slug:action>/<int:item_pk>/", case.case_action, name="action-item"),
    # The plan: reading versions, and the draft section by section.
    path("plans/<int:plan_id>/", plans.plan_detail, name="plan"),
    path("plans/<int:plan_id>/versions/", plans.version_history, name="plan-history"),
    path("plans/<int:plan_id>/versions/<int:number>/", plans.version_detail, name="plan-version"),
    path(
        "plans/<int:plan_id>/versions/<int:number>/print/",
        plans.version_print,
        name="plan-print",
    ),
    path("plans/<int:plan_id>/versions/<int:number>/pdf/", plans.version_pdf, name="plan-pdf"),
    path("plans/<int:plan_id>/compare/", plans.version_compare, name="plan-compare"),
    path("plans/<int:plan_id>/draft/", plans.draft_overview, name="plan-draft"),
    path("plans/<int:plan_id>/draft/issue/", plan_issue.draft_issue_plan, name="plan-issue"),
    path(
        "plans/<int:plan_id>/draft/send-proposals/",
        plan_amend.amendment_send,
        name="plan-amendment-send",
    ),
    path(
        "plans/<int:plan_id>/draft/<section:section>/",
        plans.draft_section,
        name="plan-draft-section",
    ),
    path(
        "plans/<int:plan_id>/draft/<section:section>/no-provision/",
        plan_issue.draft_no_provision,
        name="plan-draft-no-provision",
    ),
    path(
        "plans/<int:plan_id>/draft/<section:section>/add/",
        plans.draft_row,
        name="plan-draft-row-add",
    ),
    path(
        "plans/<int:plan_id>/draft/<section:section>/<int:row_id>/",
        plans.draft_row,
        name="plan-draft-row",
    ),
    path(
        "plans/<int:plan_id>/draft/<section:section>/<int:row_id>/remove/",
        plans.draft_row_remove,
        name="plan-draft-row-remove",
    ),
    # Reviews, phase transfers and ceasing.
    path("plans/<int:plan_id>/reviews/", reviews.plan_reviews, name="plan-reviews"),
    path(
        "plans/<int:plan_id>/reviews/schedule/",
        reviews.review_schedule_page,
        name="review-schedule",
    ),
    path(
        "plans/<int:plan_id>/reviews/<int:review_id>/meeting/",
        reviews.review_meeting_page,
        name="review-meeting",
    ),
    path(
        "plans/<int:plan_id>/reviews/<int:review_id>/decision/",
        reviews.review_decision_page,
        name="review-decision",
    ),
    path("plans/<int:plan_id>/cease/", reviews.plan_cease_page, name="plan-cease"),
    path(
        "plans/<int:plan_id>/reviews/<int:review_id>/proposals/",
        convene.review_proposals,
        name="review-proposals",
    ),
    path("reviews/setting/", convene.setting_reviews, name="setting-reviews"),
    path("reviews/at-risk/", convene.reviews_compliance, name="reviews-at-risk"),
    path(
        "plans/<int:plan_id>/reviews/<int:review_id>/convene/",
        convene.review_convene,
        name="review-convene",
    ),
    path(
        "plans/<int:plan_id>/reviews/<int:review_id>/convene/invitations/",
        convene.review_invite,
        name="review-invite",
    ),
    path(
        "plans/<int:plan_id>/reviews/<int:review_id>/convene/advice/",
        convene.review_advice,
        name="review-advice",
    ),
    path(
        "plans/<int:plan_id>/reviews/<int:review_id>/convene/views/",
        convene.review_views,
        name="review-views",
    ),
    path(
        "plans/<int:plan_id>/reviews/<int:review_id>/convene/meeting/",
        convene.review_held,
        name="review-held",
    ),
    path(
        "plans/<int:plan_id>/reviews/<int:review_id>/convene/report/",
        convene.review_report,
        name="review-report",
    ),
    path(
        "plans/<int:plan_id>/reviews/<int:review_id>/convene/report/<str:section>/add/",
        convene.review_change_add,
        name="review-change-add",
    ),
    path(
        "plans/<int:plan_id>/reviews/<int:review_id>/convene/report/<str:section>/<int:row_id>/",
        convene.review_change,
        name="review-change",
    ),
    path(
        "plans/<int:plan_id>/reviews/<int:review_id>/convene/report/proposals/<int:change_id>/"
        "withdraw/",
        convene.review_change_withdraw,
        name="review-change-withdraw",
    ),
    path(
        "plans/<int:plan_id>/reviews/<int:review_id>/convene/report/send/",
        convene.review_report_send,
        name="review-report-send",
    ),
    path("reviews/", reviews.upcoming_reviews, name="reviews"),
    path("reviews/all/", reviews.upcoming_reviews, {"show_all": True}, name="reviews-all"),
    # Consultations, for the settings consulted.
    path("consultations/", plans.consultations_page, name="consultations"),
    path("consultations/<int:pk>/", plans.consultation_answer_page, name="consultation"),
    # Advice, for the practitioners asked.
    path("advice/", advice.advice_list, name="advice-list"),
    path("advice/<int:pk>/", advice.advice_detail, name="advice-detail"),
    path("advice/<int:pk>/sent/", advice.advice_sent, name="advice-sent"),
    path("advice/<int:pk>/attach/", advice.advice_attach, name="advice-attach"),
    path("advice/<int:pk>/assign/", advice_triage.advice_assign, name="advice-assign"),
    path("advice/<int:pk>/received/", advice_received.advice_received, name="advice-received"),
    # The family's pages.
    path("family/", family.family_home, name="family-home"),
    path("family/<int:case_id>/", family.family_case_page, name="family-case"),
    path("family/<int:case_id>/draft/", family.family_draft_page, name="family-draft"),
    path("family/<int:case_id>/comments/", family.family_comments, name="family-comments"),
    path(
        "family/<int:case_id>/comments/sent/",
        family.family_comments_sent,
        name="family-comments-sent",
    ),
    path("family/<int:case_id>/about/<int:step>/", family.family_views, name="family-views"),
    path("family/<int:case_id>/about/check/", family.family_views_check, name="family-views-check"),
    path("family/<int:case_id>/school/", family.family_preference, name="family-preference"),
]
