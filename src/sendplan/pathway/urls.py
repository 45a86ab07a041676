from django.urls import path

from sendplan.pathway import views

app_name = "pathway"

urlpatterns = [
    path("", views.partnership, name="partnership"),
    path("download/<slug:table>.csv", views.partnership_download, name="download"),
    path("actions/", views.actions, name="actions"),
    path("learners/<int:pk>/", views.learner_pathway, name="learner"),
    path("learners/<int:pk>/transition/", views.transition_edit, name="transition"),
    path(
        "learners/<int:pk>/destinations/<slug:stage>/",
        views.destination_edit,
        name="destination",
    ),
    path(
        "plans/<int:plan_id>/reviews/<int:review_id>/adulthood/",
        views.review_adulthood,
        name="review",
    ),
]
