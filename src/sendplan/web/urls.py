from django.urls import path

from sendplan.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
]
