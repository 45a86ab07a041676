from django.urls import path

from sendplan.provision import offer_views, views

app_name = "provision"
urlpatterns = [
    path("", views.register, name="register"),
    path("<int:pk>/", views.setting, name="setting"),
    path("local-offer/not-listed/", offer_views.unmatched, name="unmatched"),
    path("local-offer/not-listed.csv", offer_views.unmatched_csv, name="unmatched-csv"),
]
