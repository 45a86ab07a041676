from django.urls import path

from sendplan.learners import views

app_name = "learners"
urlpatterns = [
    path("", views.learner_search, name="list"),
    path("<int:pk>/", views.learner_detail, name="record"),
    path("<int:pk>/change/", views.learner_change, name="change"),
]
