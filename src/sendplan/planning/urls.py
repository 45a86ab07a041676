from django.urls import path

from sendplan.planning import siting_views, views

app_name = "planning"
urlpatterns = [
    path("", views.index, name="index"),
    path("runs/", views.start, name="start"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/proposals.csv", views.export_csv, name="export-csv"),
    path("runs/<int:pk>/proposals.xlsx", views.export_xlsx, name="export-xlsx"),
    path(
        "runs/<int:run_pk>/proposals/<int:pk>/",
        views.proposal_detail,
        name="proposal",
    ),
    path("runs/<int:pk>/what-if/", views.what_if, name="what-if"),
    path("settings/", views.area_settings, name="settings"),
    path("where-to-add-places/", siting_views.siting, name="siting"),
    path("where-to-add-places/sites.csv", siting_views.siting_csv, name="siting-csv"),
    path("where-to-add-places/sites.xlsx", siting_views.siting_xlsx, name="siting-xlsx"),
    path("where-to-add-places/candidates/", siting_views.candidates, name="candidates"),
    path("where-to-add-places/candidates/add/", siting_views.candidate_add, name="candidate-add"),
    path(
        "where-to-add-places/candidates/<int:pk>/change/",
        siting_views.candidate_edit,
        name="candidate-edit",
    ),
    path(
        "learners/<int:learner_id>/suitable-places/",
        views.suitable_places,
        name="suitable-places",
    ),
]
