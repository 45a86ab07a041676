from django.urls import path

from sendplan.delivery import views

app_name = "delivery"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("upload/", views.upload, name="upload"),
    path("upload/template.csv", views.upload_template, name="upload-template"),
    path("quantify/", views.quantify_list, name="quantify-list"),
    path("figures/", views.dashboard, name="dashboard"),
    path("figures/download.csv", views.dashboard_csv, name="dashboard-csv"),
    path("<int:pk>/", views.commitment_page, name="commitment"),
    path("<int:pk>/record/", views.week_choose, name="week-choose"),
    path("<int:pk>/weeks/<str:week>/", views.week_record, name="week"),
    path("<int:pk>/quantify/", views.quantify, name="quantify"),
]
