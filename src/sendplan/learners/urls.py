"""The learner pages of this app. The record page itself (``learners:record``) brings in every
app's part of the record, so it lives above them (``home.views``) and the root URLconf adds it
to this namespace."""

from django.urls import path

from sendplan.learners import views, views_accesses, views_events

app_name = "learners"
urlpatterns = [
    path("", views.learner_search, name="list"),
    path("<int:pk>/change/", views.learner_change, name="change"),
    path("<int:pk>/accesses/", views_accesses.learner_accesses, name="accesses"),
    path("<int:pk>/exclusions/add/", views_events.exclusion_add, name="exclusion-add"),
    path(
        "<int:pk>/home-education/add/",
        views_events.home_education_add,
        name="home-education-add",
    ),
    path(
        "<int:pk>/exclusions/<int:exclusion_id>/change/",
        views_events.exclusion_edit,
        name="exclusion-change",
    ),
    path(
        "<int:pk>/exclusions/<int:exclusion_id>/remove/",
        views_events.exclusion_delete,
        name="exclusion-remove",
    ),
    path(
        "<int:pk>/home-education/<int:period_id>/change/",
        views_events.home_education_edit,
        name="home-education-change",
    ),
    path(
        "<int:pk>/home-education/<int:period_id>/remove/",
        views_events.home_education_delete,
        name="home-education-remove",
    ),
    path("<int:pk>/accesses/csv/", views_accesses.learner_accesses_csv, name="accesses-csv"),
]
