from django.urls import path

from sendplan.learners import views, views_accesses

app_name = "learners"
urlpatterns = [
    path("", views.learner_search, name="list"),
    path("<int:pk>/", views.learner_detail, name="record"),
    path("<int:pk>/change/", views.learner_change, name="change"),
    path("<int:pk>/accesses/", views_accesses.learner_accesses, name="accesses"),
    path("<int:pk>/accesses/csv/", views_accesses.learner_accesses_csv, name="accesses-csv"),
]
