"""URLs of the advice contributors' portal and the family pages. Numeric ids only."""

from django.urls import path

from sendplan.casework.views import contributors, family

urlpatterns: list = [
    path("advice/", contributors.advice_list, name="advice-list"),
    path("advice/<int:pk>/", contributors.advice_detail, name="advice-detail"),
    path("advice/<int:pk>/sent/", contributors.advice_sent, name="advice-sent"),
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
]
